"""Step-down on a real memory failure: the engine child gets an address-space limit, llama.cpp cannot allocate
the context asked for, and the loader retries smaller until it fits, saying why each time (Linux: prlimit)."""

from __future__ import annotations

import sys
from pathlib import Path

import psutil
import pytest

from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.engine.params import EngineParams
from modelnest.core.plan.loader import load_stepping_down


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="psutil sets another process's rlimit on Linux")
def test_context_that_cannot_be_allocated_steps_down(tiny_model: Path) -> None:
    engine = EngineClient(ledger=CrashLedger())
    try:
        engine.start()
        child = psutil.Process(engine.pid)
        headroom = 200 * 2**20
        limit = child.memory_info().vms + headroom
        child.rlimit(psutil.RLIMIT_AS, (limit, limit))
        # 262144 tokens: ~256 MiB of KV cache + ~256 MiB of attention mask, more than the headroom
        params = EngineParams(n_ctx=262144, n_batch=512, n_ubatch=512, n_threads=1, n_threads_batch=1)
        steps: list[object] = []
        report, used = load_stepping_down(engine, tiny_model, params, 2, on_step=steps.append)
        assert steps and all("smaller context" in str(s) or "quantized KV" in str(s) for s in steps)
        assert used.n_ctx < 262144 and report.n_ctx == used.n_ctx
        assert report.kv_cache_bytes + report.compute_bytes < headroom
    finally:
        engine.shutdown()
