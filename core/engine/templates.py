"""Chat templates from GGUF metadata: untrusted Jinja2, rendered in a separate, killable process with limits.

Templates are untrusted code (CVE-2024-34359 and later sandbox escapes, DESIGN.md §4). Inside the render
process (template_worker.py) they run in Jinja2's ImmutableSandboxedEnvironment (what llama-cpp-python uses)
with caps on the template's size, the output's size, string/list repetition, powers and format widths. The
limits that must hold whatever the template does are enforced from outside it (template_sandbox.py): a
wall-clock limit (the parent kills the process) and a memory limit (an address-space limit inside the process
on Linux, and the parent watching its resident size everywhere). A template that fails any of this — does not
compile, raises, tries something unsafe, runs too long, needs too much memory, or crashes its process — is
replaced by ChatML and the caller gets a warning to show. Our own ChatML is trusted and rendered in-process.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, Template, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from modelnest.core.messages import Message, msg

MAX_TEMPLATE_CHARS = 128 * 1024  # the largest real templates (tool-calling ones) are ~20 KB
MAX_OUTPUT_CHARS = 4 * 1024 * 1024
MAX_REPEAT_CHARS = 1024 * 1024  # 'x' * n and [..] * n
RENDER_SECONDS = 1.0  # wall clock, per render, enforced by the parent
COMPILE_SECONDS = 2.0  # added to the first render of a template, which compiles it
MEMORY_BYTES = 192 * 1024 * 1024  # what the render process may grow by above its size at start-up

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


class TemplateRejected(Exception):
    """The template may not be used; ``message`` says why in plain language.

    ``hostile`` is True when the template hit a limit enforced from outside (time, memory, a crash of its
    process): such a template is not retried.
    """

    def __init__(self, message: Message, *, hostile: bool = False) -> None:
        super().__init__(str(message))
        self.message = message
        self.hostile = hostile


class _LimitedEnvironment(ImmutableSandboxedEnvironment):
    """First line of defence inside the render process: refuse obviously huge work before it starts.

    These checks only give quicker, clearer refusals; the time and memory limits of the process are what
    bound a template that gets past them.
    """

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
                _check_format_arguments(right)
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
        if getattr(value, "__name__", "") in ("format", "format_map") and isinstance(
            getattr(value, "__self__", None), str
        ):
            _check_format_string(value.__self__)
        return super().wrap_str_format(value)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check_arguments(getattr(__obj, "__self__", None), getattr(__obj, "__name__", ""), args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


_NUMBER = re.compile(r"\d+")


def _check_format_string(fmt: str) -> None:
    """'{:>10000000000}' and '%10000000000s' pad to any width in one C call: refuse huge widths up front."""
    if any(len(n) >= 30 or int(n) > MAX_REPEAT_CHARS for n in _NUMBER.findall(fmt)):
        raise SecurityError("format width too large")


def _check_format_arguments(args: Any) -> None:
    """'%*s' % (n, 'x') takes its width from the arguments."""
    for value in args if isinstance(args, tuple) else (args,):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_REPEAT_CHARS:
            raise SecurityError("format width too large")


def _check_arguments(subject: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse calls that would build a huge string before Python gets a chance to stop them."""
    if name in ("format", "format_map") and isinstance(subject, str):
        _check_format_string(subject)
    for value in (*args, *kwargs.values()):
        # width/count arguments: center, ljust, indent, wordwrap, truncate, format padding ...
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_REPEAT_CHARS:
            raise SecurityError("argument too large")
    if (
        name == "replace"
        and isinstance(subject, str)
        and len(args) >= 2
        and isinstance(args[1], str)
        and len(subject) * max(1, len(args[1])) > MAX_OUTPUT_CHARS
    ):
        raise SecurityError("replacement too large")


def _guarded(filter_func: Callable[..., Any]) -> Callable[..., Any]:
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


def compile_source(source: str) -> Template:
    """Compile in the limited sandbox. Call only where a runaway compile can be stopped (the render process)
    or on trusted source (ChatML)."""
    env = _LimitedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals.update(raise_exception=_raise_exception, strftime_now=_strftime_now)
    # Templates use tojson on messages; Jinja's default tojson escapes HTML characters, which chat does not want.
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}
    return env.from_string(source)


class OutputTooLarge(Exception):
    """Raised by render_compiled when the output passes MAX_OUTPUT_CHARS."""


def render_compiled(
    template: Template, messages: Sequence[dict[str, Any]], add_generation_prompt: bool, bos: str, eos: str
) -> str:
    parts: list[str] = []
    size = 0
    stream = template.generate(
        messages=list(messages), add_generation_prompt=add_generation_prompt, bos_token=bos, eos_token=eos
    )
    for chunk in stream:
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise OutputTooLarge()
        parts.append(chunk)
    return "".join(parts)


@functools.lru_cache(maxsize=1)
def _chatml() -> Template:
    return compile_source(CHATML)


@dataclass
class ChatTemplate:
    """A template plus the special tokens it refers to. Untrusted source renders in the sandbox process."""

    source: str
    bos_token: str = ""
    eos_token: str = ""
    is_fallback: bool = False
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.source) > MAX_TEMPLATE_CHARS:
            raise TemplateRejected(
                msg(
                    "the chat template is {length} characters long (the limit is {limit})",
                    length=len(self.source),
                    limit=MAX_TEMPLATE_CHARS,
                )
            )
        self.key = hashlib.sha256(self.source.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def trusted(self) -> bool:
        """Our own ChatML: rendered in-process, no sandbox process needed."""
        return self.source == CHATML

    def render(self, messages: Sequence[dict[str, Any]], add_generation_prompt: bool = True) -> str:
        """Render with limits; raises TemplateRejected on any violation."""
        if self.trusted:
            return render_compiled(_chatml(), messages, add_generation_prompt, self.bos_token, self.eos_token)
        from modelnest.core.engine.template_sandbox import shared_sandbox

        return shared_sandbox().render(self, messages, add_generation_prompt)


# No system message: some templates (Mistral's) reject one, and that is not a reason to distrust them.
PROBE_MESSAGES = [
    {"role": "user", "content": "Hello"},
    {"role": "assistant", "content": "Hi! How can I help?"},
    {"role": "user", "content": "你好"},
]


def load_template_message(
    source: str | None, bos_token: str = "", eos_token: str = ""
) -> tuple[ChatTemplate, Message | None]:
    """The model's template if it compiles and renders a probe conversation safely, else ChatML and a warning."""
    if source:
        try:
            template = ChatTemplate(source, bos_token, eos_token)
            template.render(PROBE_MESSAGES)
            return template, None
        except TemplateRejected as exc:
            warning = msg(
                "The model's chat template was not used because {reason}. Using the ChatML format instead.",
                reason=exc.message,
            )
            return ChatTemplate(CHATML, bos_token, eos_token, is_fallback=True), warning
    warning = msg("The model has no chat template. Using the ChatML format; replies may be less coherent.")
    return ChatTemplate(CHATML, bos_token, eos_token, is_fallback=True), warning


def load_template(source: str | None, bos_token: str = "", eos_token: str = "") -> tuple[ChatTemplate, str | None]:
    """load_template_message with the warning as English text (what the engine protocol carries today)."""
    template, warning = load_template_message(source, bos_token, eos_token)
    return template, None if warning is None else str(warning)


def render_conversation(template: ChatTemplate, messages: Sequence[dict[str, Any]]) -> str:
    """Render; if the template refuses a system message, fold it into the first user turn and try once more."""
    try:
        return template.render(messages)
    except TemplateRejected as exc:
        if exc.hostile or not messages or messages[0].get("role") != "system" or len(messages) < 2:
            raise
        system, first, *rest = messages
        merged = {**first, "content": f"{system['content']}\n\n{first['content']}"}
        return template.render([merged, *rest])
