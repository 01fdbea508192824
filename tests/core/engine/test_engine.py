"""The engine process with real llama.cpp: load reports, streaming, cancel, and every way the child can die."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from support.processes import gone

from modelnest.core.engine.client import CrashLedger, EngineClient, ProgressEvent, TokenEvent
from modelnest.core.engine.errors import (
    EngineCrashed,
    EngineHung,
    GenerationFailed,
    ModelRefused,
)
from modelnest.core.engine.params import EngineParams, GenerationSummary, SamplingParams
from modelnest.core.gguf import GGUFError

PARAMS = EngineParams(n_ctx=4096, n_batch=512, n_ubatch=512, n_threads=2, n_threads_batch=2)
# Replies that tests interrupt: they cannot end early (ignore_eos), and end by themselves after 4000 tokens
# (seconds even for the tiny model), so a test that failed to interrupt one fails instead of hanging.
LONG = SamplingParams(max_tokens=4000, ignore_eos=True, seed=3)




@pytest.fixture
def engine() -> Iterator[EngineClient]:
    client = EngineClient(hang_timeout=5.0, cancel_grace=2.0, ledger=CrashLedger())
    yield client
    pid = client.pid
    client.shutdown()
    if pid is not None:
        assert gone(pid), "engine process left behind"


def test_a_clean_shutdown_exits_at_once_with_success(tiny_model: Path) -> None:
    """The engine used to abort (SIGABRT, after a second's wait for its stdin reader's lock) on every clean
    shutdown: a crash report at each quit where the system keeps them."""
    client = EngineClient(hang_timeout=5.0)
    client.load(tiny_model, PARAMS)
    list(client.generate(prompt="hello", sampling=SamplingParams(max_tokens=4, seed=1, ignore_eos=True)))
    pid = client.pid
    client.shutdown(timeout=0.5)  # a fraction of the old wait: a slow exit is killed and fails the check below
    assert client.exit_code == 0
    assert pid is not None and gone(pid)


def test_load_reports_llama_cpp_buffers_and_generates(engine: EngineClient, tiny_model: Path) -> None:
    report = engine.load(tiny_model, PARAMS)
    assert report.n_ctx == PARAMS.n_ctx and report.n_layer == 2
    kinds = {b.kind for b in report.buffers}
    assert {"model", "kv", "compute"} <= kinds
    # KV cache: 2 (K and V) x layers x ctx x kv heads x head dim x 2 bytes (f16), exactly as llama.cpp allocates
    assert report.kv_cache_bytes == 2 * 2 * PARAMS.n_ctx * 2 * 64 * 2
    assert report.weights_bytes > 0 and report.compute_bytes > 0
    events = list(
        engine.generate(
            [{"role": "user", "content": "你好 hello"}], SamplingParams(max_tokens=40, seed=1, ignore_eos=True)
        )
    )
    tokens = [e for e in events if isinstance(e, TokenEvent)]
    summary = events[-1]
    assert isinstance(summary, GenerationSummary)
    assert summary.tokens == 40 == tokens[-1].n
    assert summary.text == "".join(t.text for t in tokens)
    assert summary.stop_reason == "length"
    assert 0 < summary.ttft_s < summary.total_s
    assert summary.decode_tokens_per_s > 0 and summary.prefill_tokens_per_s > 0
    assert [t.t for t in tokens] == sorted(t.t for t in tokens)


def test_same_seed_same_text_and_kv_cache_reused(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(tiny_model, PARAMS)
    sampling = SamplingParams(max_tokens=30, seed=42, ignore_eos=True)
    first = engine.run([{"role": "user", "content": "one"}], sampling)
    again = engine.run([{"role": "user", "content": "one"}], sampling)
    assert first.text == again.text
    follow = engine.run(
        [
            {"role": "user", "content": "one"},
            {"role": "assistant", "content": first.text},
            {"role": "user", "content": "two"},
        ],
        sampling,
    )
    assert follow.prompt_tokens_evaluated < follow.prompt_tokens  # the shared prefix was not processed again


@pytest.fixture(scope="module")
def ending_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every reply of this model ends at once: "</s>" is by far its likeliest next token, "\u2581hello" the next."""
    from support.gguf_models import write_model

    return write_model(tmp_path_factory.mktemp("ending") / "ending-F16.gguf", favourites=("</s>", "\u2581hello"))


@pytest.mark.parametrize("temperature", [0.0, 0.7])
def test_ignore_eos_never_samples_an_end_token(engine: EngineClient, ending_model: Path, temperature: float) -> None:
    engine.load(ending_model, PARAMS)
    hi = [{"role": "user", "content": "hi"}]
    ended = engine.run(hi, SamplingParams(max_tokens=50, temperature=temperature, seed=5))
    assert ended.stop_reason == "eos" and ended.tokens == 0  # this model really ends every reply at once
    kept = engine.run(hi, SamplingParams(max_tokens=50, temperature=temperature, seed=5, ignore_eos=True))
    assert kept.stop_reason == "length" and kept.tokens == 50
    # The runner-up every time: no end token was sampled (and passed over, or shown as nothing) instead.
    assert kept.text == " hello" * 50


def test_cancel_mid_generation_keeps_partial_text(engine: EngineClient, medium_model: Path) -> None:
    # The medium model decodes at tens of tokens/s, so the reader is never thousands of tokens behind the engine.
    engine.load(medium_model, EngineParams(n_ctx=512, n_batch=512, n_ubatch=512, n_threads=2, n_threads_batch=2))
    seen = []
    for event in engine.generate([{"role": "user", "content": "go"}], SamplingParams(max_tokens=400, ignore_eos=True)):
        if isinstance(event, TokenEvent):
            seen.append(event.text)
            if len(seen) == 5:
                engine.cancel()
        elif isinstance(event, GenerationSummary):
            summary = event
    assert summary.stop_reason == "cancelled"
    assert summary.tokens <= 7  # honoured within a token or two of the request
    assert summary.text == "".join(seen)
    # the engine is still usable afterwards
    assert engine.run([{"role": "user", "content": "again"}], SamplingParams(max_tokens=3, ignore_eos=True)).tokens == 3


@pytest.fixture(scope="module")
def medium_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Big enough that processing a long prompt takes a while on this CPU."""
    from support.gguf_models import ModelShape, write_model

    shape = ModelShape(n_layer=6, n_embd=768, n_head=12, n_head_kv=4, n_ff=2048, name="medium-random")
    return write_model(tmp_path_factory.mktemp("medium") / "medium-F16.gguf", shape)


def test_cancel_during_prompt_processing(engine: EngineClient, medium_model: Path) -> None:
    # A prompt of many batches; the cancel goes out when the first batch is done (an event, not a guess at how
    # long the prompt takes), arrives while a later batch is being decoded, and the abort callback ends it there.
    params = EngineParams(n_ctx=4096, n_batch=256, n_ubatch=256, n_threads=2, n_threads_batch=2)
    engine.load(medium_model, params)
    done: list[float] = []
    for event in engine.generate(prompt="a b c d " * 450, sampling=SamplingParams(max_tokens=1, ignore_eos=True)):
        if isinstance(event, ProgressEvent) and event.stage == "prompt":
            done.append(event.fraction)
            if len(done) == 1:
                engine.cancel()
        elif isinstance(event, GenerationSummary):
            summary = event
    assert summary.stop_reason == "cancelled"
    assert summary.tokens == 0 and summary.prompt_tokens > 10 * params.n_batch
    assert done[-1] < 1.0, done  # the prompt was never processed to its end
    # the half-written cache was dropped: a new prompt still works
    assert engine.run(prompt="x y", sampling=SamplingParams(max_tokens=2, ignore_eos=True)).tokens == 2


@pytest.mark.parametrize(
    ("sig", "error_type", "words"),
    [
        (signal.SIGKILL, EngineCrashed, "stopped from outside"),  # plenty of memory here: not blamed on it
        (signal.SIGSEGV, EngineCrashed, "memory access error"),
        (signal.SIGABRT, EngineCrashed, "stopped itself"),
        (signal.SIGILL, EngineCrashed, "instruction"),
    ],
)
def test_child_death_mid_generation_is_a_typed_error(
    engine: EngineClient, tiny_model: Path, sig: signal.Signals, error_type: type, words: str
) -> None:
    engine.load(tiny_model, PARAMS)
    pid = engine.pid
    assert pid is not None
    with pytest.raises(error_type) as info:
        for event in engine.generate([{"role": "user", "content": "go"}], LONG):
            if isinstance(event, TokenEvent) and event.n == 3:
                os.kill(pid, sig)
    assert words in str(info.value.explanation)
    assert info.value.exit_code == -sig
    assert "llama" in info.value.log_tail  # the tail of llama.cpp's own log comes along
    assert gone(pid)
    assert engine.loaded is None
    # the client starts a fresh engine on the next load
    engine.load(tiny_model, PARAMS)
    assert engine.pid != pid


def test_hung_engine_is_detected_and_killed(engine: EngineClient, tiny_model: Path) -> None:
    engine.hang_timeout = 1.5
    engine.load(tiny_model, PARAMS)
    pid = engine.pid
    assert pid is not None
    with pytest.raises(EngineHung, match="no sign of life"):
        for event in engine.generate([{"role": "user", "content": "go"}], LONG):
            if isinstance(event, TokenEvent) and event.n == 2:
                os.kill(pid, signal.SIGSTOP)
    assert gone(pid)


def test_ignored_cancel_ends_in_hard_kill(engine: EngineClient, tiny_model: Path) -> None:
    engine.cancel_grace = 1.0
    engine.load(tiny_model, PARAMS)
    pid = engine.pid
    assert pid is not None
    with pytest.raises(EngineHung, match="did not stop when asked"):
        for event in engine.generate([{"role": "user", "content": "go"}], LONG):
            if isinstance(event, TokenEvent) and event.n == 2:
                os.kill(pid, signal.SIGSTOP)  # frozen: it cannot honour the cancel
                engine.cancel()
    assert gone(pid)


def test_model_that_crashed_twice_is_not_reloaded_automatically(engine: EngineClient, tiny_model: Path) -> None:
    for _ in range(2):
        engine.load(tiny_model, PARAMS)
        pid = engine.pid
        assert pid is not None
        os.kill(pid, signal.SIGSEGV)
        with pytest.raises(EngineCrashed):
            engine.run([{"role": "user", "content": "go"}], LONG)
    with pytest.raises(ModelRefused, match="crashed the engine twice"):
        engine.load(tiny_model, PARAMS)
    assert engine.load(tiny_model, PARAMS, force=True).n_layer == 2  # the user may still insist


def test_invalid_file_never_reaches_an_engine(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\xff" * 60)
    client = EngineClient()
    with pytest.raises(GGUFError):
        client.load(bad, PARAMS)
    assert client.pid is None  # no engine was even started


def test_engine_rejects_invalid_file_sent_directly(engine: EngineClient, tmp_path: Path) -> None:
    """Defence in depth: the engine validates too, even if a caller skips the client's check."""
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\xff" * 60)
    engine.start()
    engine._send({"op": "load", "id": 999, "path": str(bad), "params": PARAMS.to_dict()})
    event = engine._next()
    assert event["ev"] == "error" and event["kind"] == "invalid_model"
    assert engine.alive


def test_context_overflow_is_a_plain_error(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(tiny_model, EngineParams(n_ctx=64, n_batch=64, n_ubatch=64, n_threads=1, n_threads_batch=1))
    with pytest.raises(GenerationFailed, match="longer context"):
        engine.run(prompt="word " * 200)
    summary = engine.run(prompt="hi", sampling=LONG)
    assert summary.stop_reason == "context_full"


def test_engine_exits_when_parent_is_killed(tiny_model: Path, tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from modelnest.core.engine.client import EngineClient
        from modelnest.core.engine.params import EngineParams
        c = EngineClient()
        c.load({str(tiny_model)!r}, EngineParams(n_ctx=256, n_batch=256, n_ubatch=256))
        print(c.pid, flush=True)
        time.sleep(60)  # alive (not waiting for anything) until the test kills it; 60 s bounds a failed test
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child_pid = int(parent.stdout.readline())
        assert psutil.pid_exists(child_pid)
        parent.kill()
        parent.wait()
        assert gone(child_pid), "engine outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_gpu_build_that_cannot_start_falls_back_to_cpu_and_says_why(tmp_path: Path, tiny_model: Path) -> None:
    from modelnest.core.engine.runtime import RuntimeChoice

    broken = tmp_path / "cuda"
    broken.mkdir()  # a GPU build folder without its libraries: the child cannot load llama.cpp from it
    client = EngineClient(runtime=RuntimeChoice("cuda", broken, "NVIDIA GPU found: using the cuda build."))
    try:
        report = client.load(tiny_model, PARAMS)
        assert report.n_layer == 2
        assert client.runtime is not None and client.runtime.variant == "cpu" and client.runtime.lib_dir is None
        assert any("cuda build could not start" in str(w) for w in client.warnings)
    finally:
        client.shutdown()
