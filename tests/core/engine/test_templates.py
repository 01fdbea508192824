"""Chat templates are untrusted code: injections never execute, hostile templates are stopped from outside the
renderer (time, memory, compile failures), ChatML steps in with a warning, and the render process is reused."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from support.processes import gone
from support.waiting import wait_until

from modelnest.core.engine.template_sandbox import TemplateSandbox, shared_sandbox
from modelnest.core.engine.templates import (
    CHATML,
    MAX_TEMPLATE_CHARS,
    MEMORY_BYTES,
    ChatTemplate,
    TemplateRejected,
    load_template,
    render_conversation,
)

MESSAGES = [{"role": "user", "content": "Hi"}]
MIB = 2**20
# The render process starts at ~25 MiB and may grow by MEMORY_BYTES; nothing may get near a quarter GiB.
PEAK_LIMIT = 256 * MIB


def test_real_template_renders_chinese_and_generation_prompt() -> None:
    template, warning = load_template(CHATML)
    assert warning is None
    text = template.render([{"role": "user", "content": "你好"}])
    assert text == "<|im_start|>user\n你好<|im_end|>\n<|im_start|>assistant\n"


def test_untrusted_template_renders_in_the_reused_process() -> None:
    source = "{% for m in messages %}[{{ m['role'] }}]{{ m['content'] }}{% endfor %}{{ eos_token }}"
    template, warning = load_template(source, eos_token="</s>")
    assert warning is None and not template.is_fallback
    sandbox = shared_sandbox()
    pid, starts = sandbox.pid, sandbox.starts
    assert pid is not None and pid != os.getpid()
    # Lone surrogates (a tokenizer split mid-character) and Chinese cross the pipe intact.
    text = template.render([{"role": "user", "content": "你好 \ud83d"}])
    assert text == "[user]你好 \ud83d</s>"
    for _ in range(20):
        template.render(MESSAGES)
    assert (sandbox.pid, sandbox.starts) == (pid, starts)  # one process for every render
    assert sandbox.last is not None and sandbox.last.outcome == "ok"


def test_system_message_folded_when_template_refuses_it() -> None:
    strict = (
        "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('no system role') }}{% endif %}"
        "[{{ m['role'] }}]{{ m['content'] }}{% endfor %}"
    )
    template, warning = load_template(strict)
    assert warning is None
    conversation = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    text = render_conversation(template, conversation)
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


# (template, how it must end). Class 1: endless work, including under Jinja's own try/except (the `is sequence`
# test calls len() inside `try/except Exception`, which swallowed the old trace hook's deadline exception).
# Class 2: memory sized by argument values. Class 3: templates Jinja / Python cannot compile.
CORPUS: list[tuple[str, str, str]] = [
    ("nested-loops", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "timeout"),
    (
        "loop-under-try-except",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% if messages is sequence %}{% endif %}"
        "{% endfor %}{% endfor %}",
        "timeout",
    ),
    (
        "iterable-test-loop",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% if j is iterable and i is mapping %}"
        "{% endif %}{% endfor %}{% endfor %}",
        "timeout",
    ),
    ("recursive-macro", "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "failed"),
    ("star-width", "{{ '%*s' % (2000000000, 'x') }}", "refused"),
    ("star-width-negative", "{{ '%-*s|' % (2000000000, 'x') }}", "refused"),
    ("nested-format-width", "{{ '{:>{w}}'.format('a', w=2000000000) }}", "refused"),
    ("nested-format-width-map", "{{ '{a:>{w}}'.format_map({'a': 1, 'w': 2000000000}) }}", "any"),
    ("join-repeated-list", "{{ (['x' * 1000000] * 1000)|join }}", "memory"),
    ("join-repeated-nested", "{{ ([['y' * 1000000] * 1000]|first)|join('') }}", "memory"),
    (
        "tilde-doubling",
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
        "{{ ns.s|length }}",
        "memory",
    ),
    (
        "plus-doubling",
        "{% set ns = namespace(s=['x']) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}"
        "{{ ns.s|length }}",
        "memory",
    ),
    ("big-string-repeat", "{{ 'a' * 10000000000 }}", "refused"),
    ("big-list-repeat", "{% set x = [1] * 1000000000 %}{{ x|length }}", "refused"),
    ("power", "{{ 2 ** 100000000 }}", "refused"),
    ("power-tower", "{{ (((10 ** 60) ** 60) ** 60) ** 60 }}", "refused"),
    ("center-filter", "{{ 'a'|center(10000000000) }}", "refused"),
    ("indent-filter", "{{ 'ab'|indent(10000000000) }}", "refused"),
    ("output-flood", "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "any"),
    ("percent-repeat", "{{ '%s' % ('a' * 1000000) * 1000 }}", "any"),
    ("replace-filter", "{{ ('a' * 1000000)|replace('a', 'a' * 1000000) }}", "refused"),
    ("replace-method", "{{ ('a' * 1000000).replace('a', 'a' * 1000000) }}", "refused"),
    ("center-method", "{{ 'a'.center(10000000000) }}", "refused"),
    ("format-width", "{{ '{:>10000000000}'.format('a') }}", "refused"),
    ("percent-width", "{{ '%10000000000s' % 'a' }}", "refused"),
    ("format-filter-width", "{{ '%10000000000s'|format('a') }}", "refused"),
    ("format-map-width", "{{ '{a:>10000000000}'.format_map({'a': 1}) }}", "refused"),
    ("deep-if", "{% if 1 %}" * 200 + "x" + "{% endif %}" * 200, "compile"),
    ("deep-for", "{% for a in [1] %}" * 120 + "x" + "{% endfor %}" * 120, "compile"),
    ("deep-parens", "{{ " + "(" * 2000 + "1" + ")" * 2000 + " }}", "compile"),
    ("deep-list", "{{ " + "[" * 3000 + "]" * 3000 + " }}", "compile"),
    ("syntax-error", "{% for %}", "compile"),
]
# What each expected ending may look like in the sandbox's outcome ("refused": our in-process checks said no
# before anything was built; "any": any refusal, as long as it is quick and within the memory limit).
OUTCOMES = {
    "timeout": {"timeout"},
    "memory": {"memory", "output", "unsafe"},
    "refused": {"unsafe", "memory", "output"},
    "compile": {"compile", "crashed", "failed", "memory"},
    "failed": {"failed", "crashed", "memory"},
    "any": {"unsafe", "memory", "output", "failed", "timeout"},
}


@pytest.mark.parametrize(("source", "ending"), [(s, e) for _, s, e in CORPUS], ids=[n for n, _, _ in CORPUS])
def test_hostile_template_is_stopped_quickly_within_memory(source: str, ending: str) -> None:
    sandbox = shared_sandbox()
    start = time.perf_counter()
    template, warning = load_template(source)
    elapsed = time.perf_counter() - start
    assert template.is_fallback and warning is not None and "ChatML" in warning, warning
    stats = sandbox.last
    assert stats is not None and stats.outcome in OUTCOMES[ending], (stats, warning)
    # Time: the render limit (plus the compile allowance of a first render) and a fresh process's start-up.
    limit = sandbox.render_seconds + sandbox.compile_seconds
    assert elapsed < limit + 3.0, elapsed
    if stats.outcome == "timeout":
        assert limit - 0.05 <= stats.seconds < limit + 1.0, stats
    else:
        assert stats.seconds < limit, stats
    assert stats.peak_rss_bytes < PEAK_LIMIT, stats
    # The fallback works, and the next real template still renders (a fresh process if that one was killed).
    assert template.render(MESSAGES).startswith("<|im_start|>user")
    good, warning = load_template("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    assert warning is None and good.render(MESSAGES) == "Hi"


def test_time_limit_cannot_be_disabled_from_inside() -> None:
    """A render that never ends is killed on time however it catches exceptions; the process is replaced."""
    sandbox = TemplateSandbox(render_seconds=0.5, compile_seconds=0.5)
    try:
        template = ChatTemplate(
            "{% for i in range(100000) %}{% for j in range(100000) %}{% if messages is sequence %}{% endif %}"
            "{% endfor %}{% endfor %}"
        )
        ok = ChatTemplate("{{ messages|length }}")
        assert sandbox.render(ok, MESSAGES, True) == "1"
        first = sandbox.pid
        assert first is not None
        start = time.perf_counter()
        with pytest.raises(TemplateRejected, match="longer than 1 seconds") as info:
            sandbox.render(template, MESSAGES, True)
        assert info.value.hostile
        assert 0.95 <= time.perf_counter() - start < 2.0
        assert gone(first, timeout=2.0)
        assert sandbox.render(ok, MESSAGES, True) == "1"
        assert sandbox.starts == 2 and sandbox.pid not in (None, first)
    finally:
        sandbox.close()


def test_render_process_killed_from_outside_is_replaced() -> None:
    sandbox = TemplateSandbox()
    try:
        ok = ChatTemplate("{{ messages[0]['content'] }}")
        assert sandbox.render(ok, MESSAGES, True) == "Hi"
        pid = sandbox.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        # Reaped, not merely a zombie: a killed process's leader can show as a zombie while its other threads are
        # still exiting, and waitpid (what the sandbox's poll() uses) only returns after all of them have.
        wait_until(lambda: sandbox.pid is None, "the killed render process to be reaped", timeout=15)
        assert sandbox.render(ok, MESSAGES, True) == "Hi"
        assert sandbox.starts == 2
    finally:
        sandbox.close()
        assert sandbox.pid is None


def test_memory_limit_is_the_process_budget() -> None:
    """A smaller budget stops a render that the default one allows: the limit is the process's, not a guess."""
    source = "{{ (['x' * 1000000] * 60)|join|length }}"  # ~60 MB string (+ the list)
    assert load_template(source)[0].render(MESSAGES) == "60000000"
    small = TemplateSandbox(memory_bytes=32 * MIB)
    try:
        with pytest.raises(TemplateRejected, match="more than 32 MiB") as info:
            small.render(ChatTemplate(source), MESSAGES, True)
        assert info.value.hostile
        assert small.last is not None and small.last.outcome == "memory"
        assert small.last.peak_rss_bytes < 32 * MIB + 64 * MIB
    finally:
        small.close()
    assert MEMORY_BYTES <= PEAK_LIMIT


def test_hostile_template_is_not_retried_with_folded_system_message() -> None:
    sandbox = shared_sandbox()
    template = ChatTemplate(
        "{% if messages[0]['role'] == 'system' %}{% for i in range(100000) %}{% for j in range(100000) %}"
        "{% endfor %}{% endfor %}{% endif %}ok"
    )
    start = time.perf_counter()
    with pytest.raises(TemplateRejected):
        render_conversation(template, [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}])
    # one time limit, not two
    assert time.perf_counter() - start < sandbox.render_seconds + sandbox.compile_seconds + 1.5


def test_oversized_template_refused() -> None:
    with pytest.raises(TemplateRejected, match="characters long"):
        ChatTemplate("x" * (MAX_TEMPLATE_CHARS + 1))


def test_missing_template_falls_back_with_warning() -> None:
    template, warning = load_template(None)
    assert template.is_fallback and warning is not None and "no chat template" in warning


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(
            "{% for i in range(100000) %}{% for j in range(100000) %}{% if messages is sequence %}{% endif %}"
            "{% endfor %}{% endfor %}",
            id="endless-under-try-except",
        ),
        pytest.param("{% if 1 %}" * 200 + "x" + "{% endif %}" * 200, id="does-not-compile"),
        pytest.param("{{ (['x' * 1000000] * 1000)|join }}", id="memory"),
    ],
)
def test_modelnest_run_with_a_hostile_template_replies_with_chatml(tmp_path: Path, hostile: str) -> None:
    """End to end: the engine's render is limited from outside; the run ends with a reply and one warning."""
    from support.gguf_fuzz import cli
    from support.gguf_models import write_model

    model = write_model(tmp_path / "hostile-template.gguf", chat_template=hostile)
    start = time.perf_counter()
    code, out, err = cli(["run", str(model), "--prompt", "hi", "--max-tokens", "4", "--temperature", "0", "--json"])
    assert code == 0, err
    assert time.perf_counter() - start < 60
    warnings = [line for line in err.splitlines() if line.startswith("warning:") and "ChatML" in line]
    assert len(warnings) == 1 and "Traceback" not in err, err
    assert not any(line.startswith("note:") for line in err.splitlines()), err  # no memory step-down either
    assert '"tokens"' in out
