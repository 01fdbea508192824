"""GPU placement checked against a published llama.cpp load log of a real CUDA machine, and multi-GPU splits.

The log is from mozilla-ai/llamafile pull request #552 (an RTX 4080 loading TriLM 3.9B in F16 with all 31
layers offloaded, n_ctx 512, flash attention off). Only the lines our parser reads are kept.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from modelnest.core.engine.params import EngineParams, LoadReport
from modelnest.core.hardware import probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.plan import Calibration, ModelSpec, estimate, plan
from modelnest.core.plan.memory import compute_bytes

MIB = 2**20
RTX4080_TRILM_LOG = """\
llm_load_tensors: offloading 30 repeating layers to GPU
llm_load_tensors: offloading non-repeating layers to GPU
llm_load_tensors: offloaded 31/31 layers to GPU
llm_load_tensors:        CPU buffer size =   297.00 MiB
llm_load_tensors:      CUDA0 buffer size =  7317.71 MiB
llama_kv_cache_init:      CUDA0 KV buffer size =   180.00 MiB
llama_new_context_with_model:  CUDA_Host  output buffer size =     0.19 MiB
llama_new_context_with_model:      CUDA0 compute buffer size =   105.00 MiB
"""
# TriLM 3.9B: 30 layers, n_embd 3072, 24 heads (MHA), vocab 50688, F16 weights.
TRILM = dict(arch="llama", n_layer=30, n_embd=3072, n_head=24, n_head_kv=24, n_vocab=50688, n_ff=9216,
             n_ctx_train=2048)


def test_placement_and_kv_match_a_real_cuda_load() -> None:
    report = LoadReport(path="trilm", params={})
    for line in RTX4080_TRILM_LOG.splitlines():
        report.feed_log_line(line)
    assert report.gpu_layers_offloaded == 31
    by_device = {(b.kind, b.device): b.bytes for b in report.buffers}
    file_bytes = by_device[("model", "CPU")] + by_device[("model", "CUDA0")]
    spec = ModelSpec.from_architecture(**TRILM, quant="F16", file_bytes=file_bytes, n_params=file_bytes // 2)
    params = EngineParams(n_ctx=512, n_batch=512, n_ubatch=512, n_gpu_layers=31, flash_attn=False)
    predicted = estimate(spec, params, backend="cuda")
    # all repeating layers and the output layer on the GPU, only the input embedding on the CPU
    layers, embd, out = spec.layer_bytes()
    assert embd == pytest.approx(by_device[("model", "CPU")], rel=0.001)
    assert sum(layers) + out == pytest.approx(by_device[("model", "CUDA0")], rel=0.001)
    # KV on the device, exactly: 30 layers x 512 cells x 3072 x 2 (K, V) x 2 bytes
    assert predicted.kv_cache_bytes == by_device[("kv", "CUDA0")] == 180 * MIB
    # the output buffer (logits of one sequence) on the host
    assert predicted.output_bytes == pytest.approx(by_device[("output", "CUDA_Host")], abs=0.01 * MIB)
    # the device compute buffer is modelled, not measured: within 10 % of what CUDA allocated
    assert predicted.device_bytes > by_device[("model", "CUDA0")] + by_device[("kv", "CUDA0")]
    assert compute_bytes(spec, params) == pytest.approx(by_device[("compute", "CUDA0")], rel=0.10)


def test_two_gpus_split_in_proportion_to_free_memory(tmp_path: Path) -> None:
    machines = Path(__file__).resolve().parents[2] / "data" / "machines"
    hw = probe(load_machine(machines / "rtx3060_desktop.json", tmp_path), with_sensors=False)
    first = hw.gpus[0]
    second = replace(first, index=1, vram_total_bytes=8 * 1024**3, vram_free_bytes=7 * 1024**3)
    two = replace(hw, gpus=[first, second])
    spec = ModelSpec.from_architecture(
        arch="qwen2", n_layer=48, n_embd=5120, n_head=40, n_head_kv=8, n_vocab=152064, n_ff=13824,
        n_ctx_train=32768, quant="Q4_K_M", n_params=14_770_033_664,
    )
    result = plan(spec, two, 32768, calibration=Calibration(tmp_path / "c.json"))
    split = result.engine_params.tensor_split
    assert len(split) == 2 and split[0] > split[1] and sum(split) == pytest.approx(1.0, abs=0.001)
    assert result.fit == "full_gpu"  # 12 GB alone cannot hold a 14B at 32k context; 12 + 8 GB can
    alone = plan(spec, replace(hw, gpus=[first]), 32768, calibration=Calibration(tmp_path / "c.json"))
    assert alone.fit == "partial_gpu"
