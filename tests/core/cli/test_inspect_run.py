"""`modelnest inspect` and `modelnest run` as a user runs them: real processes, real engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def modelnest(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modelnest.gui.launcher", *args], capture_output=True, text=True, timeout=timeout
    )


def test_inspect_json(tiny_model: Path) -> None:
    result = modelnest("inspect", str(tiny_model), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["architecture"] == "llama"
    assert info["quantization"] == "Q4_K_M"
    assert info["context_length"] == 4096
    assert info["tensor_count"] == 21
    assert info["chat_template"] is True
    assert info["parameters"] == 1_330_432


def test_run_json_has_text_timings_and_llama_cpp_buffers(tiny_model: Path) -> None:
    result = modelnest(
        "run", str(tiny_model), "--prompt", "你好", "--max-tokens", "12", "--ignore-eos", "--json", "--ctx", "512"
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["tokens"] == 12 and isinstance(out["text"], str)
    for key in ("ttft_s", "prefill_tokens_per_s", "decode_tokens_per_s"):
        assert out[key] > 0
    load = out["load"]
    assert load["kv_cache_bytes"] == 2 * 2 * 512 * 2 * 64 * 2
    assert load["weights_bytes"] > 0 and load["compute_bytes"] > 0 and "output_bytes" in load


def test_invalid_input_exit_2_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.gguf"
    bad.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    for args in (
        ("inspect", str(bad)),
        ("run", str(bad), "--prompt", "hi"),
        ("inspect", str(tmp_path / "missing.gguf")),
    ):
        result = modelnest(*args)
        assert result.returncode == 2, (args, result)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr


def test_run_rejects_bad_numbers(tiny_model: Path) -> None:
    result = modelnest("run", str(tiny_model), "--prompt", "x", "--max-tokens", "0")
    assert result.returncode == 2 and "max-tokens" in result.stderr
