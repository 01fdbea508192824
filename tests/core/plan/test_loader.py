"""Load failures that are not about memory get no memory advice and no step-down retry (the memory case, a real
allocation failure under an address-space limit, is tests/core/plan/test_step_down.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.gguf_fuzz import cli

from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.engine.errors import ModelLoadFailed, mentions_memory
from modelnest.core.engine.params import EngineParams
from modelnest.core.gguf import read_file
from modelnest.core.messages import Message
from modelnest.core.plan.loader import load_stepping_down

PARAMS = EngineParams(n_ctx=8192, n_batch=512, n_ubatch=512, n_threads=1, n_threads_batch=1)


@pytest.fixture(scope="module")
def malformed(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file our validator accepts (the header is consistent) but llama.cpp refuses: a required tensor renamed."""
    data = tiny_models["F16"].read_bytes()
    assert data.count(b"blk.0.ffn_down.weight") == 1
    path = tmp_path_factory.mktemp("malformed") / "renamed-tensor.gguf"
    path.write_bytes(data.replace(b"blk.0.ffn_down.weight", b"blk.0.ffn_dowX.weight"))
    read_file(path)  # passes our checks: only llama.cpp knows which tensors a llama needs
    return path


def test_malformed_file_is_not_retried_and_gets_no_memory_advice(malformed: Path) -> None:
    steps: list[Message] = []
    with EngineClient(ledger=CrashLedger()) as engine:
        with pytest.raises(ModelLoadFailed) as info:
            load_stepping_down(engine, malformed, PARAMS, 2, on_step=steps.append)
        assert steps == []  # no "trying again with a smaller context"
        error = info.value
        assert not error.about_memory
        assert "smaller context" not in str(error) and "GPU layers" not in str(error)
        assert "damaged" in str(error)
        # The engine is still usable for the next model.
        assert engine.alive


def test_cli_run_of_malformed_file_is_one_line_without_memory_advice(malformed: Path) -> None:
    code, out, err = cli(["run", str(malformed), "--prompt", "hi", "--max-tokens", "2"])
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1 and lines and lines[-1].startswith("modelnest run:"), err
    assert not any(line.startswith("note:") for line in lines), err  # no step-down notes
    assert "smaller context" not in err and "Traceback" not in err and not out.strip()


def test_memory_markers() -> None:
    assert mentions_memory("ggml_backend_cpu_buffer_type_alloc_buffer: failed to allocate buffer of size 268435456")
    assert mentions_memory("llama_model_load: error loading model: mmap failed: Cannot allocate memory")
    assert not mentions_memory("llama_model_load: error loading model: missing tensor 'blk.0.ffn_down.weight'")
