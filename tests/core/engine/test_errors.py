"""Crash explanations tell the truth: a SIGKILL is blamed on memory only with evidence, GPU advice only with GPUs."""

from __future__ import annotations

import resource
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from support.processes import gone

from modelnest.core.engine import protocol
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.engine.errors import (
    DeathEvidence,
    EngineCrashed,
    EngineError,
    EngineOutOfMemory,
    ModelLoadFailed,
    explain_exit,
)
from modelnest.core.engine.params import EngineParams

GIB = 1024**3
MIB = 1024**2
PARAMS = EngineParams(n_ctx=512, n_batch=512, n_ubatch=512, n_threads=2, n_threads_batch=2)


@pytest.fixture
def engine() -> Iterator[EngineClient]:
    client = EngineClient(hang_timeout=10.0, cancel_grace=2.0, ledger=CrashLedger())
    yield client
    pid = client.pid
    client.shutdown()
    if pid is not None:
        assert gone(pid), "engine process left behind"


# ---- the rule, on evidence as the client gathers it -------------------------------------------------------
def test_sigkill_without_evidence_is_stopped_from_outside() -> None:
    error = explain_exit(-9, "", evidence=DeathEvidence(available_before=21 * GIB, total_memory=32 * GIB,
                                                        cgroup_oom_kills=0, kernel_oom=False))
    assert type(error) is EngineCrashed and not error.about_memory
    assert "stopped from outside" in str(error.explanation) and "memory" not in str(error.explanation)
    assert "21.0 GiB of memory was free just before" in str(error.advice) and "GPU" not in str(error)
    # nothing known at all: still not blamed on memory
    bare = explain_exit(-9, "")
    assert type(bare) is EngineCrashed and "stopped from outside" in str(bare)


@pytest.mark.parametrize(
    ("evidence", "words"),
    [
        (DeathEvidence(available_before=120 * MIB, total_memory=16 * GIB), "only 120.0 MiB of memory was free"),
        (DeathEvidence(available_before=8 * GIB, total_memory=16 * GIB, cgroup_oom_kills=1),
         "recorded 1 out-of-memory kill"),
        (DeathEvidence(available_before=8 * GIB, total_memory=16 * GIB, kernel_oom=True), "kernel log records"),
        (DeathEvidence(available_before=2 * GIB, total_memory=16 * GIB, engine_rss=1 * GIB, planned_bytes=5 * GIB),
         "the model needs 5.0 GiB, more than the 2.0 GiB that was free"),
    ],
)
def test_sigkill_with_memory_evidence_names_the_evidence(evidence: DeathEvidence, words: str) -> None:
    error = explain_exit(-9, "", evidence=evidence)
    assert isinstance(error, EngineOutOfMemory)
    assert "ran out of memory" in str(error.explanation) and words in str(error.explanation)
    assert "GPU" not in str(error.advice)  # no GPU layers were in use


def test_gpu_advice_only_when_gpu_layers_were_in_use() -> None:
    low = DeathEvidence(available_before=50 * MIB, total_memory=8 * GIB, gpu_layers=0)
    assert "GPU" not in str(explain_exit(-9, "", evidence=low).advice)
    assert "GPU" not in str(explain_exit(1, "ggml: failed to allocate buffer", evidence=low).advice)
    on_gpu = DeathEvidence(available_before=50 * MIB, total_memory=8 * GIB, gpu_layers=20)
    assert "fewer GPU layers" in str(explain_exit(-9, "", evidence=on_gpu).advice)


def test_our_own_kill_is_not_blamed_on_anyone_else() -> None:
    error = explain_exit(-9, "", killed_by_us=True, evidence=DeathEvidence(available_before=10 * MIB,
                                                                           total_memory=8 * GIB))
    assert type(error) is EngineCrashed and "did not respond" in str(error)


# ---- the real engine ------------------------------------------------------------------------------------
def test_kill_9_of_an_idle_engine_is_noticed_within_a_heartbeat(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(tiny_model, PARAMS)
    heard: list[EngineError] = []
    noticed = threading.Event()

    def on_death(error: EngineError) -> None:
        heard.append(error)
        noticed.set()

    engine.on_idle_death = on_death
    pid = engine.pid
    assert pid is not None
    # A memory sample exists once a heartbeat arrived after the load (the evidence the explanation quotes).
    deadline = time.monotonic() + 10
    while engine._memory is None and time.monotonic() < deadline:  # the first sample
        noticed.wait(protocol.HEARTBEAT_SECONDS / 5)
    killed_at = time.monotonic()
    psutil.Process(pid).send_signal(signal.SIGKILL)
    assert noticed.wait(30), "the idle engine's death was never reported"
    assert engine.idle_death_noticed_at is not None
    assert engine.idle_death_noticed_at - killed_at <= protocol.HEARTBEAT_SECONDS
    error = heard[0]
    assert type(error) is EngineCrashed and error.exit_code == -signal.SIGKILL
    assert "stopped from outside" in str(error.explanation)  # this machine had memory to spare
    assert "of memory was free just before" in str(error.advice) and "GPU" not in str(error)
    assert engine.loaded is None and engine.idle_death is error


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prlimit of another process is Linux-only")
def test_an_engine_under_a_small_address_space_limit_is_told_it_ran_out_of_memory(
    engine: EngineClient, tiny_model: Path
) -> None:
    engine.start()
    pid = engine.pid
    assert pid is not None
    used = psutil.Process(pid).memory_info().vms
    limit = used + 64 * MIB  # the model file fits; a 256 MiB KV cache does not
    resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))
    with pytest.raises(EngineError) as info:
        engine.load(tiny_model, EngineParams(n_ctx=262_144, n_batch=512, n_ubatch=512, n_threads=2,
                                             n_threads_batch=2, use_mmap=False))
    error = info.value
    assert isinstance(error, ModelLoadFailed | EngineOutOfMemory), error
    assert error.about_memory or isinstance(error, EngineOutOfMemory)
    assert "memory" in str(error).lower() and "GPU" not in str(error.advice)
