"""Mixture-of-experts placement on recorded GPU machines: the routed experts of the first N layers in system RAM
(llama.cpp's --n-cpu-moe N) against the whole-layer split, chosen by predicted speed; the step-down moves experts
first; `plan --json` reports the overrides."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from modelnest.core.engine.params import EngineParams, moe_override_patterns
from modelnest.core.gguf import read_file
from modelnest.core.hardware import HardwareSnapshot, probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.plan import Calibration, ModelSpec, Plan, estimate, plan, step_down
from modelnest.core.plan.memory import repack_types_for
from modelnest.core.plan.planner import EXPERTS_IN_RAM, WHOLE_LAYERS, budgets, choose_gpu
from modelnest.core.plan.synthetic import SyntheticShape, write_model

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"
GIB = 1024**3

# Published shapes (each model's config.json on the hub). File sizes: estimated by ModelSpec from the parameter
# count and the quantization's typical bits per weight, except gpt-oss (MXFP4 has no typical figure): 12.1 GB as
# bartowski/openai_gpt-oss-20b-GGUF lists gpt-oss-20b-MXFP4.gguf.
QWEN3_30B_A3B = dict(  # Qwen/Qwen3-30B-A3B: 48 layers, 128 experts of 768, 8 used, no shared expert
    arch="qwen3moe", n_layer=48, n_embd=2048, n_head=32, n_head_kv=4, head_dim=128, n_vocab=151936, n_ff=6144,
    n_ctx_train=40960, n_params=30_532_122_624, expert_count=128, expert_used_count=8, expert_ff=768)
GPT_OSS_20B = dict(  # openai/gpt-oss-20b: 24 layers, 32 experts of 2880, 4 used, every other layer a 128 window
    arch="gpt-oss", n_layer=24, n_embd=2880, n_head=64, n_head_kv=8, head_dim=64, n_vocab=201088, n_ff=2880,
    n_ctx_train=131072, n_params=20_914_757_184, expert_count=32, expert_used_count=4, expert_ff=2880,
    sliding_window=128, file_bytes=12_100_000_000)
MIXTRAL_8X7B = dict(  # mistralai/Mixtral-8x7B-Instruct-v0.1: 32 layers, 8 experts of 14336, 2 used
    arch="llama", n_layer=32, n_embd=4096, n_head=32, n_head_kv=8, n_vocab=32000, n_ff=14336, n_ctx_train=32768,
    n_params=46_702_792_704, expert_count=8, expert_used_count=2, expert_ff=14336)
MODELS = {
    "qwen3-30b-a3b:Q4_K_M": (QWEN3_30B_A3B, "Q4_K_M"),
    "qwen3-30b-a3b:Q3_K_M": (QWEN3_30B_A3B, "Q3_K_M"),
    "gpt-oss-20b:MXFP4": (GPT_OSS_20B, "MXFP4_MOE"),
    "mixtral-8x7b:Q4_K_M": (MIXTRAL_8X7B, "Q4_K_M"),
}


def model(key: str) -> ModelSpec:
    shape, quant = MODELS[key]
    return ModelSpec.from_architecture(**shape, quant=quant)  # type: ignore[arg-type]


def machine(name: str, tmp_path: Path) -> HardwareSnapshot:
    return probe(load_machine(MACHINES / f"{name}.json", tmp_path / name), with_sensors=False)


@pytest.fixture
def calibration(tmp_path: Path) -> Calibration:
    return Calibration(tmp_path / "calibration.json")


def device_bytes(spec: ModelSpec, hw: HardwareSnapshot, params: EngineParams) -> int:
    gpu = choose_gpu(hw)
    assert gpu is not None and gpu.backend
    repack = repack_types_for(hw.cpu.arch, hw.cpu.engine_features)
    return estimate(spec, params, repack_types=repack, backend=gpu.backend.split("/")[0]).device_bytes


def assert_smallest_fitting(result: Plan, hw: HardwareSnapshot) -> None:
    """N experts-in-RAM layers fit the GPU budget and N - 1 do not: the fewest experts leave the GPU."""
    assert result.spec is not None
    n = result.cpu_moe_layers
    assert device_bytes(result.spec, hw, result.engine_params) <= result.device_budget_bytes
    fewer = replace(result.engine_params, cpu_moe_layers=n - 1)
    assert device_bytes(result.spec, hw, fewer) > result.device_budget_bytes


# (machine, model) -> (badge, experts in RAM?). The figures the planner chose (GPU layers, N, t/s) are printed.
DECISIONS = [
    ("rtx2080_desktop", "qwen3-30b-a3b:Q4_K_M", "partial_gpu", True),
    ("rtx2080_desktop", "qwen3-30b-a3b:Q3_K_M", "partial_gpu", True),
    ("rtx2080_desktop", "gpt-oss-20b:MXFP4", "partial_gpu", True),
    ("rtx3060_desktop", "qwen3-30b-a3b:Q4_K_M", "partial_gpu", True),
    ("rtx3060_desktop", "gpt-oss-20b:MXFP4", "partial_gpu", True),
    ("rtx3060_desktop", "mixtral-8x7b:Q4_K_M", "partial_gpu", True),
    ("rtx4090_desktop", "qwen3-30b-a3b:Q4_K_M", "full_gpu", False),
    ("rtx4090_desktop", "gpt-oss-20b:MXFP4", "full_gpu", False),
    ("rtx4090_desktop", "mixtral-8x7b:Q4_K_M", "partial_gpu", True),
    # The 16 GB Mac: one memory pool (6.1 GiB of it free in the recording): whatever fits in RAM fits the Metal
    # share too, so keeping experts in RAM never comes up; these models are too large there at any context.
    ("m1pro_16gb", "qwen3-30b-a3b:Q4_K_M", "too_large", False),
    ("m1pro_16gb", "gpt-oss-20b:MXFP4", "too_large", False),
]


@pytest.mark.parametrize(("name", "key", "fit", "experts"), DECISIONS)
def test_moe_decisions_on_recorded_machines(
    tmp_path: Path, calibration: Calibration, name: str, key: str, fit: str, experts: bool
) -> None:
    hw = machine(name, tmp_path)
    spec = model(key)
    result = plan(spec, hw, 8192, calibration=calibration, profile=None)
    print(f"{name} {key}: {result.fit}, {result.gpu_layers} GPU layers, experts of {result.cpu_moe_layers} layers "
          f"in RAM, {result.predicted.decode_tokens_per_s:.1f} t/s predicted; alternative {result.alternative}")
    assert result.fit == fit
    assert (result.cpu_moe_layers > 0) == experts
    assert result.engine_params.cpu_moe_layers == result.cpu_moe_layers
    if experts:
        assert result.gpu_layers == spec.n_layer + 1  # attention and the output layer of every layer on the GPU
        assert 0 < result.cpu_moe_layers <= spec.n_layer
        assert_smallest_fitting(result, hw)
        assert result.alternative is not None and result.alternative.kind == WHOLE_LAYERS
        assert result.alternative.gpu_layers < spec.n_layer + 1
        assert result.predicted.decode_tokens_per_s >= result.alternative.decode_tokens_per_s
        note = str(result.placement_note)
        assert f"routed experts of {result.cpu_moe_layers} of {spec.n_layer} layers in system RAM" in note
        assert result.placement_note in result.notes
        assert result.tensor_overrides == moe_override_patterns(result.cpu_moe_layers)
        assert f"--n-cpu-moe {result.cpu_moe_layers}" in result.llama_cpp_args()
    else:
        assert result.tensor_overrides == [] and "--n-cpu-moe" not in result.llama_cpp_args()
        assert result.placement_note is None


def test_8gb_card_keeps_qwen3_30b_experts_in_ram_and_predicts_it_faster(
    tmp_path: Path, calibration: Calibration
) -> None:
    # Issue 12's published reports for an RTX 2080 8 GB: ~37 t/s for Qwen3-30B-A3B with experts in RAM, ~5 t/s for
    # a dense 24B on the same card. This recording has that card (and an i7-9700K with dual-channel DDR4-2666).
    hw = machine("rtx2080_desktop", tmp_path)
    spec = model("qwen3-30b-a3b:Q4_K_M")
    result = plan(spec, hw, 8192, calibration=calibration, profile=None)
    assert result.fit == "partial_gpu" and result.gpu_layers == 49 and result.ctx == 8192
    assert 0 < result.cpu_moe_layers < 48
    assert_smallest_fitting(result, hw)
    whole = result.alternative
    assert whole is not None and whole.kind == WHOLE_LAYERS and whole.cpu_moe_layers == 0
    assert result.predicted.decode_tokens_per_s > whole.decode_tokens_per_s
    # The whole-layer split, planned on its own, is the alternative the note quotes.
    forced = plan(spec, hw, 8192, gpu_layers=whole.gpu_layers, calibration=calibration, profile=None)
    assert forced.cpu_moe_layers == 0
    assert forced.predicted.decode_tokens_per_s == pytest.approx(whole.decode_tokens_per_s)
    assert str(result.placement_note).startswith("attention on the GPU, routed experts of")
    # Mistral-Small-24B (mistralai/Mistral-Small-24B-Instruct-2501 config.json), the dense 24B of the comparison.
    dense = ModelSpec.from_architecture(arch="llama", n_layer=40, n_embd=5120, n_head=32, n_head_kv=8, head_dim=128,
                                        n_vocab=131072, n_ff=32768, n_ctx_train=32768, quant="Q4_K_M",
                                        n_params=23_572_403_200)
    dense_plan = plan(dense, hw, 8192, calibration=calibration, profile=None)
    assert dense_plan.fit == "partial_gpu" and dense_plan.cpu_moe_layers == 0
    assert result.predicted.decode_tokens_per_s > 3 * dense_plan.predicted.decode_tokens_per_s
    print(f"RTX 2080 8 GB, Qwen3-30B-A3B Q4_K_M at 8192: experts of {result.cpu_moe_layers} of 48 layers in RAM "
          f"{result.predicted.decode_tokens_per_s:.1f} t/s predicted (published ~37); whole-layer split "
          f"({whole.gpu_layers} of 49 layers) {whole.decode_tokens_per_s:.1f} t/s; dense 24B "
          f"{dense_plan.predicted.decode_tokens_per_s:.1f} t/s (published ~5)")


def test_combination_when_even_all_experts_in_ram_do_not_fit(tmp_path: Path, calibration: Calibration) -> None:
    # A 2 GB card: attention and KV of every layer plus the output layer do not fit even with all experts in
    # RAM; then fewer layers on the GPU with every layer's experts in RAM, if that is faster than the whole layers.
    hw = machine("rtx3060_desktop", tmp_path)
    small = replace(hw, gpus=[replace(hw.gpus[0], vram_total_bytes=2 * GIB, vram_free_bytes=2 * GIB)])
    spec = model("qwen3-30b-a3b:Q3_K_M")
    result = plan(spec, small, 8192, calibration=calibration, profile=None)
    everything = replace(result.engine_params, n_gpu_layers=49, cpu_moe_layers=48)
    assert device_bytes(spec, small, everything) > result.device_budget_bytes
    assert result.fit == "partial_gpu"
    placements = [p for p in (result.alternative,) if p is not None]
    print(f"2 GB card: {result.gpu_layers} GPU layers, experts of {result.cpu_moe_layers} in RAM, "
          f"{result.predicted.decode_tokens_per_s:.1f} t/s; alternative {result.alternative}")
    if result.cpu_moe_layers:  # the combination won: every layer's experts in RAM, fewer layers on the GPU
        assert result.cpu_moe_layers == 48 and result.gpu_layers < 49
        assert "the routed experts of every layer in system RAM" in str(result.placement_note)
        assert placements and placements[0].kind == WHOLE_LAYERS
        assert result.predicted.decode_tokens_per_s >= placements[0].decode_tokens_per_s
        one_more = replace(result.engine_params, n_gpu_layers=result.gpu_layers + 1)
        assert device_bytes(spec, small, one_more) > result.device_budget_bytes
    else:
        assert placements and placements[0].kind == EXPERTS_IN_RAM
        assert result.predicted.decode_tokens_per_s >= placements[0].decode_tokens_per_s


def test_dense_models_are_unaffected(tmp_path: Path, calibration: Calibration) -> None:
    hw = machine("rtx2080_desktop", tmp_path)
    dense = ModelSpec.from_architecture(arch="qwen2", n_layer=48, n_embd=5120, n_head=40, n_head_kv=8, n_vocab=152064,
                                        n_ff=13824, n_ctx_train=32768, quant="Q4_K_M", n_params=14_770_033_664)
    result = plan(dense, hw, 8192, calibration=calibration, profile=None)
    assert result.fit == "partial_gpu" and result.cpu_moe_layers == 0 and result.alternative is None
    assert result.placement_note is None and result.tensor_overrides == []
    assert any(str(n).endswith("layers on the GPU; the rest run on the CPU") for n in result.notes)


def test_step_down_moves_experts_to_ram_first_for_moe() -> None:
    start = EngineParams(n_ctx=8192, n_batch=512, n_ubatch=512, n_gpu_layers=49, cpu_moe_layers=10)
    p, reasons = start, []
    while (step := step_down(p, 48, is_moe=True)) is not None:
        p, why = step
        reasons.append((str(why), p))
    first, after_first = reasons[0]
    assert first == "routed experts of more layers in system RAM (10 → 22 layers)"
    assert after_first.cpu_moe_layers == 22 and after_first.n_gpu_layers == 49 and after_first.n_ctx == 8192
    # A quarter of the 49 layers (12) at a time, up to every layer's experts; only then fewer GPU layers.
    assert [q.cpu_moe_layers for r, q in reasons if r.startswith("routed experts")] == [22, 34, 46, 48]
    kinds = [r.split()[0] for r, _ in reasons]
    assert kinds.index("fewer") > kinds.index("routed") and kinds.index("smaller") > kinds.index("fewer")
    assert reasons[-1][0] == "CPU only" and p.n_gpu_layers == 0 and p.cpu_moe_layers == 0
    # A dense model (or a caller that does not say) steps down as before: GPU layers first.
    dense = step_down(start, 48)
    assert dense is not None and str(dense[1]).startswith("fewer GPU layers") and dense[0].cpu_moe_layers == 10


def test_plan_json_reports_the_overrides(tmp_path: Path) -> None:
    # A small real MoE file (qwen3moe) on a recorded RTX 2080 whose free memory is set between what the model needs
    # with all experts on the GPU and with all of them in RAM: the experts of some first layers go to RAM.
    shape = SyntheticShape(arch="qwen3moe", n_layer=4, n_embd=256, n_head=4, n_head_kv=2, n_ff=512, n_vocab=512,
                           n_expert=32, n_expert_used=4, n_ff_exp=256)
    path = write_model(tmp_path / "moe.gguf", shape, "Q8_0")
    spec = ModelSpec.from_header(read_file(path))
    hw = machine("rtx2080_desktop", tmp_path)
    params = EngineParams(n_ctx=2048, n_batch=512, n_ubatch=512, n_gpu_layers=5, n_threads=8, n_threads_batch=8)
    on_gpu = device_bytes(spec, hw, params)
    in_ram = device_bytes(spec, hw, replace(params, cpu_moe_layers=4))
    assert in_ram < on_gpu
    margin = 256 * 1024**2  # the planner's minimum GPU margin (the card is small: 5 % of it is less)
    free = margin + (on_gpu + in_ram) // 2
    card = replace(hw.gpus[0], vram_total_bytes=free, vram_free_bytes=free)
    probe_file = tmp_path / "probe.json"
    probe_file.write_text(json.dumps(replace(hw, gpus=[card]).to_dict()))
    assert budgets(HardwareSnapshot.from_dict(json.loads(probe_file.read_text())), card)[1] == free - margin
    result = subprocess.run(
        [sys.executable, "-m", "modelnest.gui.launcher", "plan", str(path), "--hardware", str(probe_file),
         "--ctx", "2048", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    n = out["engine_params"]["cpu_moe_layers"]
    assert out["fit"] == "partial_gpu" and out["engine_params"]["n_gpu_layers"] == 5 and 0 < n <= 4
    assert out["tensor_overrides"] == moe_override_patterns(n)
    assert out["tensor_overrides"][0] == r"blk\.0\.ffn_(up|down|gate|gate_up)_(ch|)exps"
    assert out["llama_cpp_args"].startswith(f"-ngl 5 --n-cpu-moe {n} -c 2048 ")
    assert "-fa on" in out["llama_cpp_args"] and "-ctk f16" in out["llama_cpp_args"]
    assert out["alternative"]["kind"] == "layers"
    assert out["predicted"]["decode_tokens_per_s"] >= out["alternative"]["predicted_decode_tokens_per_s"]
    assert out["placement"].startswith(f"attention on the GPU, routed experts of {n} of 4 layers in system RAM")
    human = subprocess.run(
        [sys.executable, "-m", "modelnest.gui.launcher", "plan", str(path), "--hardware", str(probe_file),
         "--ctx", "2048"],
        capture_output=True, text=True, timeout=120,
    )
    assert human.returncode == 0, human.stderr
    assert f"placement: attention on the GPU, routed experts of {n} of 4 layers in system RAM" in human.stdout
    assert f"llama.cpp: -ngl 5 --n-cpu-moe {n} " in human.stdout


def test_the_badge_says_experts_in_ram_apart_from_a_layer_split(tmp_path: Path) -> None:
    """On the 8 GB card the catalogue's Qwen3-30B-A3B is partial_gpu by experts in RAM, and its badge says so; a
    dense model split by whole layers keeps the plain "Partly on GPU"."""
    from modelnest.core.catalogue import load_catalogue
    from modelnest.core.catalogue.fit import plan_entry
    from modelnest.core.plan.fit import fit_description, fit_label

    hw = machine("rtx2080_desktop", tmp_path)
    catalogue = load_catalogue()
    qwen3_moe, mistral_24b = catalogue.get("qwen3-30b-a3b"), catalogue.get("mistral-small-24b-instruct-2501")
    assert qwen3_moe is not None and mistral_24b is not None
    moe = plan_entry(qwen3_moe, "Q4_K_M", hw, 8192, calibration=Calibration(tmp_path / "c"), profile=None)
    dense = plan_entry(mistral_24b, "Q4_K_M", hw, 8192, calibration=Calibration(tmp_path / "d"), profile=None)
    assert moe is not None and moe.fit == "partial_gpu" and moe.experts_in_ram
    assert dense is not None and dense.fit == "partial_gpu" and not dense.experts_in_ram
    assert str(fit_label(moe.fit, moe.experts_in_ram)) == "GPU, experts in RAM"
    assert str(fit_label(dense.fit, dense.experts_in_ram)) == "Partly on GPU"
    assert "routed experts" in str(fit_description(moe.fit, True))
