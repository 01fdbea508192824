"""Planner decisions on recorded machines, the memory model against llama.cpp's own reports, and step-down."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from modelnest.core.engine.client import EngineClient
from modelnest.core.engine.params import EngineParams
from modelnest.core.gguf import read_file
from modelnest.core.hardware import HardwareSnapshot, probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.plan import Calibration, ModelSpec, estimate, plan, step_down
from modelnest.core.plan.exact import measure_file

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"
GIB = 1024**3

# Published shapes (config.json of each model) and Q4_K_M file sizes as listed on the hub.
LLAMA31_8B = dict(arch="llama", n_layer=32, n_embd=4096, n_head=32, n_head_kv=8, n_vocab=128256, n_ff=14336,
                  n_ctx_train=131072, n_params=8_030_261_248)
QWEN25_14B = dict(arch="qwen2", n_layer=48, n_embd=5120, n_head=40, n_head_kv=8, n_vocab=152064, n_ff=13824,
                  n_ctx_train=32768, n_params=14_770_033_664)
QWEN25_7B = dict(arch="qwen2", n_layer=28, n_embd=3584, n_head=28, n_head_kv=4, n_vocab=152064, n_ff=18944,
                 n_ctx_train=32768, n_params=7_615_616_512)


def spec(shape: dict, quant: str = "Q4_K_M", file_bytes: int | None = None) -> ModelSpec:
    return ModelSpec.from_architecture(**shape, quant=quant, file_bytes=file_bytes)


@pytest.fixture
def calibration(tmp_path: Path) -> Calibration:
    return Calibration(tmp_path / "calibration.json")


def machine(name: str, tmp_path: Path) -> HardwareSnapshot:
    return probe(load_machine(MACHINES / f"{name}.json", tmp_path / name), with_sensors=False)


def with_vram(hw: HardwareSnapshot, total: int, free: int) -> HardwareSnapshot:
    """The same desktop with an 8 GB card (RTX 3060 Ti / 4060 class) instead of its 12 GB one."""
    gpu = replace(hw.gpus[0], vram_total_bytes=total, vram_free_bytes=free, bandwidth_gb_s=448.0)
    return replace(hw, gpus=[gpu])


def test_8gb_card_runs_8b_q4_fully_at_4k_and_partially_at_32k(tmp_path: Path, calibration: Calibration) -> None:
    hw = with_vram(machine("rtx3060_desktop", tmp_path), 8 * GIB, int(7.6 * GIB))
    model = spec(LLAMA31_8B, file_bytes=4_920_734_016)
    short = plan(model, hw, 4096, calibration=calibration)
    assert short.fit == "full_gpu" and short.gpu_layers == 33 and short.ctx == 4096
    assert short.memory.device_bytes <= short.device_budget_bytes
    long = plan(model, hw, 32768, calibration=calibration)
    assert long.fit == "partial_gpu" and 0 < long.gpu_layers < 33
    assert long.ctx == 32768  # fewer GPU layers come before a shorter context
    assert long.memory.kv_cache_bytes == 4 * GIB  # 32 layers x 32768 x 8 KV heads x 128 x 2 (K,V) x 2 bytes
    assert long.memory.device_bytes <= long.device_budget_bytes
    one_more = estimate(model, replace(long.engine_params, n_gpu_layers=long.gpu_layers + 1), backend="cuda")
    assert one_more.device_bytes > long.device_budget_bytes  # the most layers that fit, not fewer
    assert long.predicted.decode_tokens_per_s < short.predicted.decode_tokens_per_s


def test_16gb_mac_gets_the_metal_share_not_all_ram(tmp_path: Path, calibration: Calibration) -> None:
    hw = machine("m1pro_16gb", tmp_path)
    result = plan(spec(QWEN25_7B, file_bytes=4_683_073_536), hw, 8192, calibration=calibration)
    metal_share = hw.gpus[0].vram_total_bytes
    assert metal_share is not None and metal_share < hw.memory.total_bytes
    assert result.device_budget_bytes < metal_share
    assert result.fit == "full_gpu" and result.backend == "metal"
    big = plan(spec(QWEN25_14B, file_bytes=8_988_110_976), hw, 8192, calibration=calibration)
    assert big.memory.device_bytes <= big.device_budget_bytes < metal_share
    assert big.fit in ("partial_gpu", "too_large")


def test_4gb_laptop_gpu_with_14b(tmp_path: Path, calibration: Calibration) -> None:
    hw = machine("optimus_rtx3050_laptop", tmp_path)
    result = plan(spec(QWEN25_14B, file_bytes=8_988_110_976), hw, 4096, calibration=calibration)
    assert result.backend == "cuda"  # the discrete card, not the integrated one
    if result.fit == "partial_gpu":
        assert result.memory.device_bytes <= result.device_budget_bytes
        assert result.memory.host_bytes <= result.host_budget_bytes
    else:
        assert result.fit == "too_large"
        assert result.memory.host_bytes > result.host_budget_bytes
    assert result.fit == "partial_gpu"  # as the numbers say: ~9 GB of weights, 4 GB VRAM + 8 GB free RAM


def test_cpu_only_machines(tmp_path: Path, calibration: Calibration) -> None:
    i7 = plan(
        spec(QWEN25_7B, file_bytes=4_683_073_536), machine("i7_no_gpu_16gb", tmp_path), 8192, calibration=calibration
    )
    # i7-12700F: its 8 performance cores, not 20 threads
    assert i7.fit == "cpu_only" and i7.gpu_layers == 0 and i7.threads == 8
    pi = machine("rpi5_8gb", tmp_path)
    assert plan(spec(LLAMA31_8B, file_bytes=4_920_734_016), pi, 4096, calibration=calibration).fit == "cpu_only"
    huge = plan(spec(QWEN25_14B, quant="Q8_0", file_bytes=15_701_597_696), pi, 4096, calibration=calibration)
    assert huge.fit == "too_large" and "RAM" in str(huge.notes[0])


def test_context_shrinks_before_kv_quantizes_and_says_so(tmp_path: Path, calibration: Calibration) -> None:
    hw = machine("rpi5_8gb", tmp_path)
    result = plan(spec(LLAMA31_8B, file_bytes=4_920_734_016), hw, 131072, calibration=calibration)
    assert result.fit == "cpu_only"
    assert 2048 <= result.ctx < 131072
    assert any("context reduced" in str(n) for n in result.notes)


def test_step_down_order() -> None:
    p = EngineParams(n_ctx=8192, n_batch=512, n_ubatch=512, n_gpu_layers=33)
    reasons = []
    while (step := step_down(p, 32)) is not None:
        p, why = step
        reasons.append(str(why).split(" (")[0])
    assert reasons[0] == "fewer GPU layers"
    kinds = [r.split()[0] for r in reasons]
    assert kinds.index("smaller") > kinds.index("fewer") and kinds.index("quantized") > kinds.index("smaller")
    assert reasons[-1] == "CPU only" and p.n_gpu_layers == 0 and p.type_k == "q8_0" and p.n_ctx == 2048


@pytest.mark.parametrize("quant", ["F16", "Q8_0", "Q4_K_M"])
@pytest.mark.parametrize(("ctx", "flash"), [(512, True), (4096, True), (4096, False)])
def test_analytic_model_matches_llama_cpp(tiny_models: dict[str, Path], quant: str, ctx: int, flash: bool) -> None:
    path = tiny_models[quant]
    params = EngineParams(n_ctx=ctx, n_batch=512, n_ubatch=512, n_threads=2, n_threads_batch=2, flash_attn=flash)
    predicted = estimate(ModelSpec.from_header(read_file(path)), params)
    with EngineClient() as engine:
        real = engine.load(path, params)
    assert predicted.weights_bytes == pytest.approx(real.weights_bytes, rel=0.005, abs=16 * 1024)
    assert predicted.kv_cache_bytes == real.kv_cache_bytes
    assert abs(predicted.total_bytes - real.total_bytes) <= max(0.02 * real.total_bytes, 16 * 2**20)


def test_exact_mode_equals_the_real_load(tiny_model: Path) -> None:
    params = EngineParams(n_ctx=1024, n_batch=256, n_ubatch=256, n_threads=2, n_threads_batch=2)
    exact = measure_file(tiny_model, params)
    with EngineClient() as engine:
        real = engine.load(tiny_model, params)
    assert [(b.kind, b.device, b.bytes) for b in exact.buffers] == [(b.kind, b.device, b.bytes) for b in real.buffers]


# Recorded machines, not this host: the plan (and so the class of run) must not depend on whether a GPU is here.
@pytest.mark.parametrize(("name", "fit"), [("i7_no_gpu_16gb", "cpu_only"), ("rtx3060_desktop", "full_gpu")])
def test_calibration_narrows_and_moves_the_prediction(
    tmp_path: Path, tiny_model: Path, calibration: Calibration, name: str, fit: str
) -> None:
    hw = machine(name, tmp_path)
    model = ModelSpec.from_header(read_file(tiny_model))
    before = plan(model, hw, 1024, calibration=calibration)
    assert before.predicted.calibration_runs == 0 and before.fit == fit
    from modelnest.core.plan import run_class

    backend = before.backend if before.gpu_layers else "cpu"  # as the planner names the class it looks up
    klass = run_class(backend, before.gpu_layers, model.n_layer, model.quant)
    for _ in range(3):
        calibration.record(klass, before.predicted.decode_tokens_per_s, before.predicted.decode_tokens_per_s * 0.5,
                           before.predicted.prefill_tokens_per_s, before.predicted.prefill_tokens_per_s * 2)
    after = plan(model, hw, 1024, calibration=calibration)
    assert after.predicted.calibration_runs == 3
    assert after.predicted.decode_tokens_per_s == pytest.approx(before.predicted.decode_tokens_per_s * 0.5)
    assert (after.predicted.high - after.predicted.low) / after.predicted.decode_tokens_per_s < (
        before.predicted.high - before.predicted.low
    ) / before.predicted.decode_tokens_per_s


def test_plan_cli_json_for_another_computer(tmp_path: Path, tiny_model: Path) -> None:
    hw = machine("rtx4090_desktop", tmp_path)
    probe_file = tmp_path / "probe.json"
    probe_file.write_text(json.dumps(hw.to_dict()))
    result = subprocess.run(
        [sys.executable, "-m", "modelnest.gui.launcher", "plan", str(tiny_model), "--hardware", str(probe_file),
         "--ctx", "2048", "--exact", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["fit"] == "full_gpu" and out["gpu_layers"] == 3 and out["backend"] == "cuda"
    assert set(out["memory"]) >= {"weights_bytes", "kv_cache_bytes", "compute_bytes", "output_bytes", "host_bytes",
                                  "device_bytes", "total_bytes"}
    assert set(out["predicted"]) >= {"decode_tokens_per_s", "prefill_tokens_per_s", "low", "high", "calibration_runs"}
    assert set(out["engine_params"]) == {"n_ctx", "n_batch", "n_ubatch", "n_gpu_layers", "n_threads",
                                         "n_threads_batch", "flash_attn", "type_k", "type_v", "offload_kqv", "use_mmap",
                                         "cpu_moe_layers"}
    assert out["exact_cpu"]["kv_cache_bytes"] == out["memory"]["kv_cache_bytes"]
