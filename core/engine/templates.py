"""Chat templates from GGUF metadata, rendered in a Jinja2 sandbox with size, output and time limits.

Templates are untrusted code (CVE-2024-34359 and later sandbox escapes, DESIGN.md §4). On top of Jinja2's
ImmutableSandboxedEnvironment (what llama-cpp-python uses) this caps the template's size, the output's size,
string/list repetition and powers, and the render time (a trace hook checks a deadline on every line the
compiled template runs, so nested loops are cut off too). A template that fails any of this is replaced by
ChatML and the caller gets a warning to show.
"""

from __future__ import annotations

import datetime
import functools
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

from jinja2 import Environment, TemplateError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_TEMPLATE_CHARS = 128 * 1024  # the largest real templates (tool-calling ones) are ~20 KB
MAX_OUTPUT_CHARS = 4 * 1024 * 1024
MAX_REPEAT_CHARS = 1024 * 1024  # 'x' * n and [..] * n
RENDER_SECONDS = 1.0

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


class TemplateRejected(Exception):
    """The template may not be used; the message says why in plain language."""


class _Deadline(Exception):
    pass


class _LimitedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "%"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int) and (
                abs(right) > 1024 or (isinstance(left, int) and left.bit_length() * abs(right) > 65_536)
            ):
                raise SecurityError("power too large")
            return left**right
        if operator == "%":
            if isinstance(left, str):
                _check_format_string(left)
            return left % right
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and len(seq) * n > MAX_REPEAT_CHARS:
                    raise SecurityError("repetition too large")
            return left * right
        return super().call_binop(context, operator, left, right)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _guarded(f) for name, f in self.filters.items()}

    def wrap_str_format(self, value: Any) -> Any:
        # Jinja hands str.format / format_map a wrapper of its own, so `call()` never sees the format string.
        if getattr(value, "__name__", "") in ("format", "format_map") and isinstance(getattr(value, "__self__", None), str):
            _check_format_string(value.__self__)
        return super().wrap_str_format(value)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check_arguments(getattr(__obj, "__self__", None), getattr(__obj, "__name__", ""), args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


_NUMBER = re.compile(r"\d+")


def _check_format_string(fmt: str) -> None:
    """'{:>10000000000}' and '%10000000000s' pad to any width in one C call: refuse huge widths up front."""
    if any(int(n) > MAX_REPEAT_CHARS for n in _NUMBER.findall(fmt) if len(n) < 30) or any(
        len(n) >= 30 for n in _NUMBER.findall(fmt)
    ):
        raise SecurityError("format width too large")


def _check_arguments(subject: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse calls that would build a huge string before Python gets a chance to stop them."""
    if name in ("format", "format_map") and isinstance(subject, str):
        _check_format_string(subject)
    for value in (*args, *kwargs.values()):
        # width/count arguments: center, ljust, indent, wordwrap, truncate, format padding ...
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_REPEAT_CHARS:
            raise SecurityError("argument too large")
    if name == "replace" and isinstance(subject, str) and len(args) >= 2 and isinstance(args[1], str):
        if len(subject) * max(1, len(args[1])) > MAX_OUTPUT_CHARS:
            raise SecurityError("replacement too large")


def _guarded(filter_func: Any) -> Any:
    @functools.wraps(filter_func)  # keeps Jinja's pass_context/pass_environment markers
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        plain = [a for a in args if not isinstance(a, (Environment, Context, EvalContext))]
        subject = plain[0] if plain else None
        _check_arguments(subject, filter_func.__name__.replace("do_", ""), tuple(plain[1:]), kwargs)
        return filter_func(*args, **kwargs)

    return wrapper


def _raise_exception(message: str) -> None:
    raise TemplateError(message)


def _strftime_now(fmt: str) -> str:
    return datetime.datetime.now().strftime(fmt)


@dataclass
class ChatTemplate:
    """A compiled template plus the special tokens it refers to."""

    source: str
    bos_token: str = ""
    eos_token: str = ""
    is_fallback: bool = False

    def __post_init__(self) -> None:
        if len(self.source) > MAX_TEMPLATE_CHARS:
            raise TemplateRejected(
                f"the chat template is {len(self.source):,} characters long (limit {MAX_TEMPLATE_CHARS:,})"
            )
        env = _LimitedEnvironment(trim_blocks=True, lstrip_blocks=True)
        env.globals.update(raise_exception=_raise_exception, strftime_now=_strftime_now)
        # Templates use tojson on messages; Jinja's default tojson escapes HTML characters, which chat does not want.
        env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
        try:
            self._template = env.from_string(self.source)
        except (TemplateError, RecursionError, MemoryError, ValueError) as exc:
            raise TemplateRejected(f"the chat template does not compile: {exc}") from exc

    def render(self, messages: Sequence[dict[str, Any]], add_generation_prompt: bool = True) -> str:
        """Render with limits; raises TemplateRejected on any violation."""
        deadline = time.monotonic() + RENDER_SECONDS
        parts: list[str] = []
        size = 0

        def tracer(frame: FrameType, event: str, arg: Any) -> Any:
            if time.monotonic() > deadline:
                raise _Deadline()
            return tracer

        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            stream = self._template.generate(
                messages=list(messages),
                add_generation_prompt=add_generation_prompt,
                bos_token=self.bos_token,
                eos_token=self.eos_token,
            )
            for chunk in stream:
                size += len(chunk)
                if size > MAX_OUTPUT_CHARS:
                    raise TemplateRejected(f"the chat template produced more than {MAX_OUTPUT_CHARS:,} characters")
                parts.append(chunk)
        except _Deadline as exc:
            raise TemplateRejected(f"the chat template took longer than {RENDER_SECONDS:.0f} s to render") from exc
        except SecurityError as exc:
            raise TemplateRejected(f"the chat template tried something unsafe ({exc})") from exc
        except TemplateRejected:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever untrusted code raises, it only means "not usable"
            raise TemplateRejected(f"the chat template failed ({type(exc).__name__}: {exc})") from exc
        finally:
            sys.settrace(previous)
        return "".join(parts)


# No system message: some templates (Mistral's) reject one, and that is not a reason to distrust them.
PROBE_MESSAGES = [
    {"role": "user", "content": "Hello"},
    {"role": "assistant", "content": "Hi! How can I help?"},
    {"role": "user", "content": "你好"},
]


def load_template(source: str | None, bos_token: str = "", eos_token: str = "") -> tuple[ChatTemplate, str | None]:
    """The model's template if it compiles and renders a probe conversation safely, else ChatML and a warning."""
    if source:
        try:
            template = ChatTemplate(source, bos_token, eos_token)
            template.render(PROBE_MESSAGES)
            return template, None
        except TemplateRejected as exc:
            warning = f"The model's chat template was not used because {exc}. Using the ChatML format instead."
            return ChatTemplate(CHATML, bos_token, eos_token, is_fallback=True), warning
    warning = "The model has no chat template. Using the ChatML format; replies may be less coherent."
    return ChatTemplate(CHATML, bos_token, eos_token, is_fallback=True), warning


def render_conversation(template: ChatTemplate, messages: Sequence[dict[str, Any]]) -> str:
    """Render; if the template refuses a system message, fold it into the first user turn and try once more."""
    try:
        return template.render(messages)
    except TemplateRejected:
        if not messages or messages[0].get("role") != "system" or len(messages) < 2:
            raise
        system, first, *rest = messages
        merged = {**first, "content": f"{system['content']}\n\n{first['content']}"}
        return template.render([merged, *rest])
