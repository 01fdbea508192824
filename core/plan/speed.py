"""Predicted tokens/s: decode from bytes read per token over each device's effective bandwidth (or the CPU's
compute ceiling, whichever is slower), prefill from compute. Calibrated per machine by measured runs.

Starting efficiencies are published orders of magnitude, not measurements of this machine, so an
uncalibrated prediction is shown as a wide range; every real run narrows it (see calibration.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from modelnest.core.engine.params import EngineParams
from modelnest.core.hardware import HardwareSnapshot
from modelnest.core.messages import Text, msg
from modelnest.core.plan.memory import kv_bytes_per_layer, padded_ctx
from modelnest.core.plan.spec import ModelSpec

GB = 1e9
# Share of peak memory bandwidth llama.cpp's decode reaches (llama.cpp performance discussions: ~60-80 %).
BANDWIDTH_EFFICIENCY = {"cpu": 0.65, "cuda": 0.75, "rocm": 0.65, "metal": 0.70, "vulkan": 0.60, "sycl": 0.55}
# Effective GFLOP/s per core for quantized mat-vec (decode) and batched matmul (prompt) in the portable build;
# AVX2 figures measured on this project's 2-core Xeon VM (DESIGN.md §2: 1.1B Q4_K_M at 8.7 t/s with one thread,
# 64 t/s prompt with two).
CORE_GFLOPS = {"x86_64": (19.0, 70.0), "arm64": (22.0, 80.0)}
GPU_PREFILL_GFLOPS_PER_GBS = 50.0  # coarse: prompt throughput scales with the GPU class; labelled as such
ASSUMED_RAM_GB_S = 20.0  # dual-channel DDR4 class, used only when nothing better is known
TYPICAL_FILL = 1024  # tokens of context a typical chat turn reads
# Per-token work outside the weights: graph launch, sampling over the vocabulary, detokenizing, the event pipe.
# Negligible for real models (tens of ms per token), dominant for tiny ones.
FIXED_SECONDS_PER_TOKEN = 2.5e-4
SECONDS_PER_VOCAB_ENTRY = 4e-9


@dataclass
class SpeedPrediction:
    decode_tokens_per_s: float
    prefill_tokens_per_s: float
    low: float
    high: float
    calibration_runs: int = 0
    uncalibrated_decode_tokens_per_s: float = 0.0
    uncalibrated_prefill_tokens_per_s: float = 0.0
    basis: Text = ""

    def to_dict(self) -> dict[str, float | int | str]:
        return {
            "decode_tokens_per_s": round(self.decode_tokens_per_s, 2),
            "prefill_tokens_per_s": round(self.prefill_tokens_per_s, 1),
            "low": round(self.low, 2),
            "high": round(self.high, 2),
            "calibration_runs": self.calibration_runs,
            "uncalibrated_decode_tokens_per_s": round(self.uncalibrated_decode_tokens_per_s, 2),
            "basis": str(self.basis),
        }


def _cpu_class(hw: HardwareSnapshot) -> str:
    arch = (hw.cpu.arch or "").lower()
    return "arm64" if arch in ("arm64", "aarch64") else "x86_64"


def ram_bandwidth(hw: HardwareSnapshot) -> tuple[float, Text]:
    if hw.bandwidth.ram_gb_s:
        return float(hw.bandwidth.ram_gb_s), hw.bandwidth.source or "probe"
    return ASSUMED_RAM_GB_S, msg("assumed (memory speed unknown; run the memory benchmark)")


def predict(
    spec: ModelSpec,
    params: EngineParams,
    hw: HardwareSnapshot,
    *,
    backend: str = "cpu",
    gpu_bandwidth_gb_s: float | None = None,
    calibration: tuple[float, float, int] | None = None,
    fill_tokens: int | None = None,
) -> SpeedPrediction:
    """`calibration` is (decode factor, prefill factor, runs) measured on this machine for this class of run;
    `fill_tokens` is how much context each new token attends to (default: a typical chat turn)."""
    layers, embd, out = spec.layer_bytes()
    if spec.tied_embeddings and not out:
        out = embd  # the output projection multiplies by the (shared) embedding matrix: read every token
    n_layer = spec.n_layer
    n_gpu = min(params.n_gpu_layers, n_layer + 1) if backend != "cpu" else 0
    gpu_start = n_layer + 1 - n_gpu if n_gpu else n_layer + 1
    kv = kv_bytes_per_layer(spec, params)
    fill = min(fill_tokens if fill_tokens is not None else TYPICAL_FILL, params.n_ctx) / padded_ctx(params.n_ctx)
    host_read = sum(layers[il] + kv[il] * fill for il in range(min(gpu_start, n_layer)))
    host_read += out if n_gpu <= n_layer else 0
    dev_read = sum(layers[il] + kv[il] * fill for il in range(gpu_start, n_layer)) + (out if n_gpu > n_layer else 0)
    host_share = host_read / max(1.0, host_read + dev_read)

    ram_gb_s, ram_source = ram_bandwidth(hw)
    decode_core, prefill_core = CORE_GFLOPS[_cpu_class(hw)]
    flops_per_token = 2.0 * spec.n_params
    t_host = 0.0
    if host_read:
        t_bw = host_read / (ram_gb_s * GB * BANDWIDTH_EFFICIENCY["cpu"])
        t_compute = flops_per_token * host_share / (params.n_threads * decode_core * GB)
        t_host = max(t_bw, t_compute)
    t_dev = 0.0
    if dev_read and gpu_bandwidth_gb_s:
        t_dev = dev_read / (gpu_bandwidth_gb_s * GB * BANDWIDTH_EFFICIENCY.get(backend, 0.6))
    t_fixed = FIXED_SECONDS_PER_TOKEN + spec.n_vocab * SECONDS_PER_VOCAB_ENTRY
    decode = 1.0 / (t_host + t_dev + t_fixed)

    prefill_host = params.n_threads_batch * prefill_core * GB
    if n_gpu and gpu_bandwidth_gb_s:
        prefill_dev = gpu_bandwidth_gb_s * GPU_PREFILL_GFLOPS_PER_GBS * GB
        t_prefill = flops_per_token * (host_share / prefill_host + (1 - host_share) / prefill_dev)
    else:
        t_prefill = flops_per_token / prefill_host
    prefill = 1.0 / t_prefill

    raw, raw_prefill = decode, prefill
    runs = 0
    if calibration is not None:
        decode *= calibration[0]
        prefill *= calibration[1]
        runs = calibration[2]
    spread = 0.35 if runs == 0 else max(0.10, 0.35 / math.sqrt(runs + 1))
    basis = msg("RAM {ram:.0f} GB/s ({source})", ram=ram_gb_s, source=ram_source)
    if gpu_bandwidth_gb_s and n_gpu:
        basis = msg("RAM {ram:.0f} GB/s ({source}), GPU {gpu:.0f} GB/s", ram=ram_gb_s, source=ram_source,
                    gpu=gpu_bandwidth_gb_s)
    return SpeedPrediction(decode, prefill, decode * (1 - spread), decode * (1 + spread), runs, raw, raw_prefill, basis)
