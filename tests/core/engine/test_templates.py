"""Chat templates are untrusted code: injections never execute, DoS templates are cut off, ChatML steps in."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from modelnest.core.engine.templates import (
    CHATML,
    MAX_TEMPLATE_CHARS,
    ChatTemplate,
    TemplateRejected,
    load_template,
    render_conversation,
)

MESSAGES = [{"role": "user", "content": "Hi"}]


def test_real_template_renders_chinese_and_generation_prompt() -> None:
    template, warning = load_template(CHATML)
    assert warning is None
    text = template.render([{"role": "user", "content": "你好"}])
    assert text == "<|im_start|>user\n你好<|im_end|>\n<|im_start|>assistant\n"


def test_system_message_folded_when_template_refuses_it() -> None:
    strict = (
        "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('no system role') }}{% endif %}"
        "[{{ m['role'] }}]{{ m['content'] }}{% endfor %}"
    )
    template, warning = load_template(strict)
    assert warning is None
    text = render_conversation(template, [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    assert text == "[user]Be brief.\n\nHi"


INJECTIONS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ joiner.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ namespace.__init__.__globals__['os'].system('touch MARKER') }}",
    "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "{{ ''|attr('__class__')|attr('__mro__') }}",
    "{{ messages.__class__.__base__.__subclasses__() }}",
    "{{ '{0.__class__.__mro__}'.format(messages) }}",
    "{{ raise_exception.__globals__['__builtins__']['__import__']('os').system('touch MARKER') }}",
    "{{ lipsum.__globals__['os'].system('touch MARKER') }}",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_never_executes(payload: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    template, warning = load_template(payload.replace("MARKER", str(tmp_path / "pwned")))
    # Either the sandbox refused it (and ChatML stands in, with a warning) or it rendered to nothing harmful.
    if template.is_fallback:
        assert warning is not None and "ChatML" in warning
    else:
        rendered = template.render(MESSAGES)
        assert "class" not in rendered and "module" not in rendered and "function" not in rendered
    assert not (tmp_path / "pwned").exists()


DOS = [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ 'a' * 10000000000 }}",
    "{% set x = [1] * 1000000000 %}{{ x|length }}",
    "{{ 2 ** 100000000 }}",
    "{{ (((10 ** 60) ** 60) ** 60) ** 60 }}",
    "{{ 'a'|center(10000000000) }}",
    "{{ 'ab'|indent(10000000000) }}",
    "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "{{ '%s' % ('a' * 1000000) * 1000 }}",
    "{{ ('a' * 1000000)|replace('a', 'a' * 1000000) }}",
    "{{ ('a' * 1000000).replace('a', 'a' * 1000000) }}",
    "{{ 'a'.center(10000000000) }}",
    "{{ '{:>10000000000}'.format('a') }}",
    "{{ '%10000000000s' % 'a' }}",
    "{{ '%10000000000s'|format('a') }}",
    "{{ '{a:>10000000000}'.format_map({'a': 1}) }}",
]


@pytest.mark.parametrize("payload", DOS)
def test_denial_of_service_is_cut_off(payload: str) -> None:
    start = time.perf_counter()
    template, warning = load_template(payload)
    elapsed = time.perf_counter() - start
    assert template.is_fallback and warning is not None
    # Cut off by one of our limits, not by running out of memory first (which a memory cap would hide)
    assert "MemoryError" not in warning, warning
    assert elapsed < 5.0  # the render limit is 1 s; generous for a loaded CI machine


def test_oversized_template_refused() -> None:
    with pytest.raises(TemplateRejected, match="characters long"):
        ChatTemplate("x" * (MAX_TEMPLATE_CHARS + 1))


def test_missing_template_falls_back_with_warning() -> None:
    template, warning = load_template(None)
    assert template.is_fallback and warning is not None and "no chat template" in warning
