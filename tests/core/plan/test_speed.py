"""The speed model: bytes per tensor per device, MoE experts, devices never free, ranges by basis, the speed test."""

from __future__ import annotations

import errno
import json
import math
import time
from dataclasses import replace
from pathlib import Path

import pytest

from modelnest.core.engine.client import EngineClient
from modelnest.core.engine.params import EngineParams
from modelnest.core.gguf import read_file
from modelnest.core.hardware import HardwareSnapshot, probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.messages import Message
from modelnest.core.plan import Calibration, ModelSpec, learn_from_run, plan, predict, speedtest
from modelnest.core.plan.speedtest import GpuProfile, SpeedProfile, cached_profile, decode_interval, run_speed_test
from modelnest.core.plan.synthetic import SyntheticShape, write_model

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"
QWEN3_30B_A3B = dict(arch="qwen3moe", n_layer=48, n_embd=2048, n_head=32, n_head_kv=4, n_vocab=151936, n_ff=6144,
                     n_ctx_train=40960, n_params=30_532_122_624, head_dim=128, expert_count=128,
                     expert_used_count=8, expert_ff=768)
QWEN3_8B = dict(arch="qwen3", n_layer=36, n_embd=4096, n_head=32, n_head_kv=8, n_vocab=151936, n_ff=12288,
                n_ctx_train=40960, n_params=8_190_735_360, head_dim=128)
MOE_SHAPE = SyntheticShape(arch="qwen3moe", n_layer=2, n_embd=256, n_head=4, n_head_kv=2, n_ff=512, n_vocab=512,
                           n_expert=8, n_expert_used=2, n_ff_exp=256, name="test-moe")


def machine(tmp_path: Path, name: str) -> HardwareSnapshot:
    return probe(load_machine(MACHINES / f"{name}.json", tmp_path / name), with_sensors=False)


def profile_for(hw: HardwareSnapshot, scale: float = 1.0) -> SpeedProfile:
    """A speed test result as it would be recorded on `hw` (figures of the order this project's VM measures)."""
    return SpeedProfile(
        fingerprint=speedtest.fingerprint_of(hw), engine_version=speedtest.engine_version(), measured_at=time.time(),
        threads=8, read_gb_s=dict.fromkeys(("F16", "Q8_0", "Q6_K", "Q5_K", "Q4_K"), 40.0 * scale),
        prefill_gflops=dict.fromkeys(("F16", "Q8_0", "Q6_K", "Q5_K", "Q4_K"), 300.0 * scale),
        fixed_s=1e-4, per_vocab_s=3e-9, per_layer_s=1e-5, memory_gb_s=60.0, memory_how="recorded", cache_bytes=0,
        seconds=5.0,
    )


def test_moe_reads_only_the_experts_it_uses(tmp_path: Path) -> None:
    path = write_model(tmp_path / "moe.gguf", MOE_SHAPE, "F16")
    spec = ModelSpec.from_header(read_file(path))
    assert (spec.expert_count, spec.expert_used_count, spec.expert_ff, spec.is_moe) == (8, 2, 256, True)
    hw = machine(tmp_path, "i7_no_gpu_16gb")
    params = EngineParams(n_ctx=512, n_threads=4, n_threads_batch=4)
    weights_only = replace(profile_for(hw), fixed_s=0.0, per_vocab_s=0.0, per_layer_s=0.0, expert_matrix_s=0.0)
    moe = predict(spec, params, hw, profile=weights_only, fill_tokens=8)  # fixed cost would hide the weights
    all_experts = predict(replace(spec, expert_used_count=spec.expert_count), params, hw, profile=weights_only,
                          fill_tokens=8)
    assert moe.decode_tokens_per_s > 1.5 * all_experts.decode_tokens_per_s
    # A published shape without a file: a 30B-A3B MoE predicts faster than a dense 8B on the same machine
    big_moe = plan(ModelSpec.from_architecture(quant="Q4_K_M", **QWEN3_30B_A3B), hw, 4096, profile=None)
    dense = plan(ModelSpec.from_architecture(quant="Q4_K_M", **QWEN3_8B), hw, 4096, profile=None)
    assert big_moe.predicted.decode_tokens_per_s > dense.predicted.decode_tokens_per_s


def test_a_gpu_missing_from_the_table_is_never_free(tmp_path: Path) -> None:
    data = json.loads((MACHINES / "rtx3060_desktop.json").read_text())
    device = data["nvml"]["devices"][0]
    device["name"] = "NVIDIA GeForce RTX 9999 Prototype"  # no such card in our table
    device.pop("memory_bus_width")  # and NVML cannot tell its bandwidth either
    recorded = tmp_path / "unknown_gpu.json"
    recorded.write_text(json.dumps(data))
    hw = probe(load_machine(recorded, tmp_path / "m"), with_sensors=False)
    gpu = hw.gpus[0]
    assert gpu.bandwidth_gb_s is None and gpu.backend
    spec = ModelSpec.from_architecture(quant="Q4_K_M", **QWEN3_8B)
    result = plan(spec, hw, 4096, calibration=Calibration(tmp_path / "c.json"), profile=None)
    assert result.gpu_layers > 0
    predicted = result.predicted
    assert math.isfinite(predicted.decode_tokens_per_s) and predicted.decode_tokens_per_s > 0
    assert "RTX 9999" in str(predicted.basis) and "not in our table" in str(predicted.basis)
    assert predicted.kind == "assumed"
    assert any("RTX 9999" in str(n) for n in result.notes)
    # The GPU's time counts: a known fast card of the same memory predicts faster, the class figure is lower.
    fast = replace(hw, gpus=[replace(gpu, bandwidth_gb_s=900.0, bandwidth_source="table")])
    known = plan(spec, fast, 4096, calibration=Calibration(tmp_path / "c.json"), profile=None)
    assert known.predicted.decode_tokens_per_s > 2 * predicted.decode_tokens_per_s
    assert predicted.decode_tokens_per_s < 200  # an 8B at ~1,300 t/s was the symptom of a dropped device


def test_calibration_from_a_moe_run_does_not_move_a_dense_prediction(tmp_path: Path) -> None:
    hw = machine(tmp_path, "i7_no_gpu_16gb")
    calibration = Calibration(tmp_path / "calibration.json")
    moe_spec = ModelSpec.from_architecture(quant="Q4_K_M", **QWEN3_30B_A3B)
    dense_spec = ModelSpec.from_architecture(quant="Q4_K_M", **QWEN3_8B)
    dense_before = plan(dense_spec, hw, 4096, calibration=calibration, profile=None)
    moe_before = plan(moe_spec, hw, 4096, calibration=calibration, profile=None)
    for _ in range(3):  # this machine runs MoE models three times faster than predicted
        assert learn_from_run(moe_before, moe_before.engine_params,
                              3 * moe_before.predicted.uncalibrated_decode_tokens_per_s, 0.0, 1024, calibration)
    moe_after = plan(moe_spec, hw, 4096, calibration=calibration, profile=None)
    dense_after = plan(dense_spec, hw, 4096, calibration=calibration, profile=None)
    assert moe_after.predicted.calibration_runs == 3
    assert moe_after.predicted.decode_tokens_per_s == pytest.approx(3 * moe_before.predicted.decode_tokens_per_s,
                                                                    rel=0.01)
    assert dense_after.predicted.calibration_runs == 0
    assert dense_after.predicted.decode_tokens_per_s == dense_before.predicted.decode_tokens_per_s


def test_calibration_range_comes_from_the_measured_spread(tmp_path: Path) -> None:
    hw = machine(tmp_path, "i7_no_gpu_16gb")
    spec = ModelSpec.from_architecture(quant="Q4_K_M", **QWEN3_8B)
    spreads = []
    for name, ratios in (("steady", [1.5, 1.5, 1.5]), ("scattered", [1.0, 1.5, 2.2])):
        calibration = Calibration(tmp_path / f"{name}.json")
        before = plan(spec, hw, 4096, calibration=calibration, profile=None)
        for ratio in ratios:
            learn_from_run(before, before.engine_params, ratio * before.predicted.uncalibrated_decode_tokens_per_s,
                           0.0, 1024, calibration)
        after = plan(spec, hw, 4096, calibration=calibration, profile=None).predicted
        assert after.calibration_runs == 3
        spreads.append((after.high - after.low) / after.decode_tokens_per_s)
    steady, scattered = spreads
    assert scattered > 3 * steady  # same number of runs, very different ranges


def test_unknown_memory_speed_gets_a_wider_range_than_a_measured_one(tmp_path: Path) -> None:
    hw = machine(tmp_path, "i7_no_gpu_16gb")
    spec = ModelSpec.from_architecture(quant="Q4_K_M", **QWEN3_8B)
    unknown = replace(hw, cpu=replace(hw.cpu, brand="Some Future CPU 9000"),
                      bandwidth=replace(hw.bandwidth, ram_gb_s=None, source=None, figures=[]))
    width = {}
    for name, snapshot, profile in (("unknown", unknown, None), ("table", hw, None),
                                    ("measured", hw, profile_for(hw))):
        p = plan(spec, snapshot, 4096, calibration=Calibration(tmp_path / "c.json"), profile=profile).predicted
        width[name] = (p.high - p.low) / p.decode_tokens_per_s
        assert math.isfinite(p.decode_tokens_per_s) and p.decode_tokens_per_s > 0
    assert width["unknown"] > width["table"] > width["measured"]
    assert str(plan(spec, unknown, 4096, profile=None).predicted.basis) == "assumed"
    assert str(plan(spec, hw, 4096, profile=None).predicted.basis).startswith("table figure for i7-12700")
    measured_basis = str(plan(spec, hw, 4096, profile=profile_for(hw)).predicted.basis)
    assert measured_basis.startswith("measured on this computer (speed test of ")


def test_a_faster_measured_machine_predicts_faster_in_proportion(tmp_path: Path) -> None:
    """Consistency, not absolute speed: twice the measured rates (and no fixed cost) is twice the prediction."""
    hw = machine(tmp_path, "i7_no_gpu_16gb")
    spec = ModelSpec.from_architecture(quant="Q8_0", **QWEN3_8B)
    slow = replace(profile_for(hw), fixed_s=0.0, per_vocab_s=0.0, per_layer_s=0.0, memory_gb_s=1e6)
    fast = replace(slow, read_gb_s={t: 2 * v for t, v in slow.read_gb_s.items()}, attn_gflops=2 * slow.attn_gflops)
    a = plan(spec, hw, 4096, profile=slow).predicted.decode_tokens_per_s
    b = plan(spec, hw, 4096, profile=fast).predicted.decode_tokens_per_s
    assert b / a == pytest.approx(2.0, rel=0.01)


def test_multi_head_attention_costs_the_measured_factor_more_than_grouped(tmp_path: Path) -> None:
    """The same heads and flops: one KV head per query head (Phi-3 mini's layout) pays the speed test's MHA factor
    on its decode attention; a grouped layout (4 query heads per KV head) does not."""
    hw = machine(tmp_path, "i7_no_gpu_16gb")
    params = EngineParams(n_ctx=8192, n_threads=8, n_threads_batch=8)
    fast_reads = dict.fromkeys(("F16", "Q8_0", "Q6_K", "Q5_K", "Q4_K"), 1e6)  # attention bound by its flops
    profile = replace(profile_for(hw), read_gb_s=fast_reads, memory_gb_s=1e6, attn_mha_factor=3.0)

    def attention_s(n_head_kv: int) -> float:
        spec = ModelSpec.from_architecture(quant="Q8_0", **{**QWEN3_8B, "n_head_kv": n_head_kv})
        long, short = (predict(spec, params, hw, profile=profile, fill_tokens=f) for f in (4096, 16))
        return 1 / long.decode_tokens_per_s - 1 / short.decode_tokens_per_s

    grouped, multi = attention_s(8), attention_s(32)
    assert grouped > 0 and multi / grouped == pytest.approx(3.0, rel=0.01)
    assert attention_s(16) == pytest.approx(grouped, rel=0.01)  # 2 query heads per KV head: grouped
    # the speed test's shapes: the same heads, only the KV heads differ
    assert speedtest.ATTN_MHA.n_head == speedtest.ATTN_MHA.n_head_kv == speedtest.ATTN.n_head
    assert speedtest._mha_factor({"decode_short_s": 1.0, "decode_long_s": 2.0, "mha_decode_short_s": 1.5,
                                  "mha_decode_long_s": 4.0}) == pytest.approx(2.5)
    assert speedtest._mha_factor({}) == speedtest.MHA_ATTENTION_FACTOR  # nothing measured: the default


def test_the_moe_cost_comes_from_pairs_with_the_dense_twin_not_from_the_machines_moment(tmp_path: Path) -> None:
    """The per-expert cost is the median of (MoE - twin) beyond what their bytes predict: the same extra time in
    a fast and a slow moment of the machine gives the same cost; one outlying pair changes nothing."""
    hw = machine(tmp_path, "i7_no_gpu_16gb")
    provisional = replace(profile_for(hw), expert_matrix_s=0.0, moe_prefill=1.0)
    params = EngineParams(n_ctx=512, n_threads=8, n_threads_batch=8)
    calls = speedtest.MOE.n_layer * 3 * speedtest.MOE.n_expert_used
    probe, _ = speedtest._moe_factors(provisional, params, [(1e-3 + 10e-6 * calls, 1e-3)], float("nan"), 128)
    base = (10e-6 - probe) * calls  # what the bytes alone say the MoE model takes more than its twin
    extra = 2e-6 * calls  # two microseconds per expert matrix
    pairs = [(3e-4 + base + extra, 3e-4), (9e-4 + base + extra, 9e-4), (5e-4, 2e-4)]  # fast, slow, an outlier
    per_matrix, prefill = speedtest._moe_factors(provisional, params, pairs, float("nan"), 128)
    assert per_matrix == pytest.approx(2e-6, rel=1e-6) and prefill == 1.0
    assert speedtest.MOE_TWIN.n_ff == speedtest.MOE.n_ff_exp * speedtest.MOE.n_expert_used  # same active FFN


def test_the_ram_pass_model_is_four_times_the_cache_within_its_bounds() -> None:
    def size(cache: int, available: int) -> float:
        return speedtest._weight_bytes(speedtest.ram_shape(cache, available), speedtest.RAM_TYPE)[0]

    mib = 1024**2
    layer = size(0, 0) - speedtest._weight_bytes(speedtest.RAM, speedtest.RAM_TYPE)[0] + 1  # whole layers: 86 MiB
    assert speedtest.RAM_MIN_BYTES <= size(32 * mib, 16 * 1024 * mib) < speedtest.RAM_MIN_BYTES + layer
    assert 4 * 96 * mib <= size(96 * mib, 64 * 1024 * mib) < 4 * 96 * mib + layer  # a big-cache desktop chip
    assert size(1024 * mib, 512 * 1024 * mib) < speedtest.RAM_MAX_BYTES + layer  # a server's cache: capped
    assert size(32 * mib, 1024 * mib) < 1024 * mib / 8 + layer  # little free memory: an eighth of it


def test_reads_from_ram_bound_a_model_larger_than_the_cache_and_older_profiles_fall_back(tmp_path: Path) -> None:
    hw = machine(tmp_path, "i7_no_gpu_16gb")
    shape = replace(MOE_SHAPE, n_expert=0, n_expert_used=0, n_ff_exp=0, n_layer=4, n_embd=512, n_ff=2048,
                    name="test-ram")
    spec = ModelSpec.from_header(read_file(write_model(tmp_path / "big.gguf", shape, "F16")))
    params = EngineParams(n_ctx=512, n_threads=8, n_threads_batch=8)
    # reads from the cache (the typed models) all but free, no fixed cost: only the memory bound is left
    cached_fast = replace(profile_for(hw), read_gb_s=dict.fromkeys(profile_for(hw).read_gb_s, 1e4), fixed_s=0.0,
                          per_vocab_s=0.0, per_layer_s=0.0)
    older = predict(spec, params, hw, profile=cached_fast, fill_tokens=8)  # no RAM pass: 60 GB/s copy x 0.85
    measured = predict(spec, params, hw, profile=replace(cached_fast, ram_read_gb_s=25.5), fill_tokens=8)
    # both memory bound: the times stand as the figures do (25.5 against 60 x 0.85 = 51 GB/s)
    assert older.decode_tokens_per_s / measured.decode_tokens_per_s == pytest.approx(2.0, rel=0.05)


def test_the_speed_test_runs_on_this_machine_and_predicts_another_model(tmp_path: Path) -> None:
    """Short variant of the real test through the real engine, then a model it never ran (a MoE one, in a type it
    did not measure) is predicted and run: prediction and run agree within a wide factor (the machine is shared)."""
    hw = probe(with_sensors=False)
    threads = 1  # one thread: a 2-thread decode on a busy shared machine waits for its neighbour's time slice
    with EngineClient(hang_timeout=120) as engine:
        profile = run_speed_test(hw, threads, types=("F16", "Q4_K"), decode_tokens=9, prefill_tokens=32,
                                 memory_seconds=0.05, engine=engine, gpu_pass=False)  # GPU pass: tests below
        assert profile.gpu == {}
        assert all(v > 0 and math.isfinite(v) for v in profile.read_gb_s.values())
        assert set(profile.read_gb_s) == {"F16", "Q4_K"} and profile.memory_gb_s > 0 and profile.fixed_s >= 0
        assert "synthetic models through the engine at 1 threads" in profile.how
        assert 1.0 <= profile.attn_mha_factor <= 4.0 and "mha_decode_long_s" in profile.samples["attention"]
        assert len(profile.samples["moe"]["pairs_s"]) == 3 and 0.0 <= profile.expert_matrix_s <= 50e-6
        ram = profile.samples["ram"]
        assert ram["bytes"] >= speedtest.RAM_MIN_BYTES and len(ram["decode_s"]) == 2  # read from RAM, twice
        assert profile.ram_read_gb_s > 0 and profile.rates(threads).memory_gb_s == profile.ram_read_gb_s
        cached = cached_profile(hw)
        assert cached is not None and cached.measured_at == profile.measured_at  # remembered for this machine
        shape = replace(MOE_SHAPE, n_layer=4, n_embd=512, n_ff=512, n_ff_exp=512, name="test-moe-q8")
        path = write_model(tmp_path / "moe-q8.gguf", shape, "Q8_0")
        spec = ModelSpec.from_header(read_file(path))
        params = EngineParams(n_ctx=512, n_threads=threads, n_threads_batch=threads)
        predicted = predict(spec, params, hw, profile=cached, fill_tokens=8)
        assert predicted.kind == "measured"
        engine.load(path, params)
        decode_interval(engine, 4)
        measured = 1.0 / min(decode_interval(engine, 6) for _ in range(3))
    assert 1 / 4 < predicted.decode_tokens_per_s / measured < 4


def test_the_speed_test_is_measured_again_for_a_new_engine_or_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hw = machine(tmp_path, "i7_no_gpu_16gb")
    speedtest.store_profile(profile_for(hw))
    assert cached_profile(hw) is not None
    assert cached_profile(machine(tmp_path, "rtx3060_desktop")) is None  # another machine
    monkeypatch.setattr(speedtest, "engine_version", lambda: "9.9.9")
    assert cached_profile(hw) is None  # a new llama.cpp measures again
    monkeypatch.undo()
    # a damaged cache file is not an error: the tables apply until the test runs again
    (speedtest._cache_path()).write_text("{not json")
    assert cached_profile(hw) is None


LLAMA_8B = dict(arch="llama", n_layer=32, n_embd=4096, n_head=32, n_head_kv=8, n_vocab=128256, n_ff=14336,
                n_ctx_train=131072, n_params=8_030_261_248)


def gpu_profile(hw: HardwareSnapshot, name: str, read_gb_s: float) -> SpeedProfile:
    """A speed test whose GPU pass ran on GPU `name` (figures of an RTX 3060 class card)."""
    measured = GpuProfile(name, "cuda", dict.fromkeys(("Q4_K", "Q8_0", "F16"), read_gb_s),
                          dict.fromkeys(("Q4_K", "Q8_0", "F16"), 20_000.0), fixed_s=3e-4, per_layer_s=2e-5)
    return replace(profile_for(hw), gpu=measured.to_dict())


def test_a_measured_gpu_replaces_the_table_figure(tmp_path: Path) -> None:
    hw = machine(tmp_path, "rtx3060_desktop")
    spec = ModelSpec.from_architecture(quant="Q4_K_M", **LLAMA_8B)
    tables = plan(spec, hw, 4096, profile=profile_for(hw))  # the CPU measured, the GPU from the table
    assert tables.gpu_layers == spec.n_layer + 1 and "RTX 3060" in str(tables.predicted.basis)
    slow = plan(spec, hw, 4096, profile=gpu_profile(hw, "NVIDIA GeForce RTX 3060", 150.0)).predicted
    fast = plan(spec, hw, 4096, profile=gpu_profile(hw, "NVIDIA GeForce RTX 3060", 300.0)).predicted
    assert slow.kind == fast.kind == "measured"
    assert "NVIDIA GeForce RTX 3060 measured on this computer" in str(fast.basis)
    # Weights read at the measured rate: twice the rate, the weights' share of each token's time halves.
    weights_s = (1 / slow.decode_tokens_per_s) - (1 / fast.decode_tokens_per_s)
    assert weights_s == pytest.approx(spec.file_bytes * 0.5 / 150e9, rel=0.1)
    assert fast.high / fast.low < tables.predicted.high / tables.predicted.low  # measured: the narrower range
    # A GPU pass of another card (the machine's card was swapped) is not used.
    other = plan(spec, hw, 4096, profile=gpu_profile(hw, "NVIDIA GeForce RTX 4090", 300.0)).predicted
    assert other.decode_tokens_per_s == pytest.approx(tables.predicted.decode_tokens_per_s)


def test_the_gpu_pass_says_why_it_did_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hw = machine(tmp_path, "rtx3060_desktop")
    monkeypatch.setenv("MODELNEST_RUNTIMES_DIR", str(tmp_path / "no-runtimes"))  # this app has no CUDA build here
    steps: list[object] = []
    result = speedtest._gpu_pass(hw, 1, steps.append)
    reason = str(Message.from_json(result["skipped"]))
    assert reason.startswith("no GPU build of llama.cpp for NVIDIA GeForce RTX 3060: ") and not steps
    profile = replace(profile_for(hw), gpu=result)
    spec = ModelSpec.from_architecture(quant="Q4_K_M", **LLAMA_8B)
    assert profile.gpu_rates(hw.gpus[0], "cuda") is None  # the tables apply, and say so
    assert "RTX 3060" in str(plan(spec, hw, 4096, profile=profile).predicted.basis)
    assert speedtest._gpu_pass(machine(tmp_path, "i7_no_gpu_16gb"), 1, steps.append) == {}  # no GPU: nothing


def test_the_gpu_pass_models_are_valid_in_every_type_it_measures(tmp_path: Path) -> None:
    """Written and read back (the engine refuses nothing our reader accepts): a row length that is not a multiple
    of a type's block (n_ff 5504 for Q4_K) was caught only when the pass first ran on a real GPU backend."""
    for type_name in speedtest.GPU_TYPES:
        shape = replace(speedtest.GPU_TYPED, n_layer=1)  # the same rows, one layer: quick to write
        header = read_file(write_model(tmp_path / f"gpu-{type_name}.gguf", shape, type_name))
        assert {t.type_name for t in header.tensors if t.name.startswith("blk.") and len(t.shape) == 2} == {type_name}


def test_no_room_for_the_ram_pass_skips_it_and_big_models_keep_the_copy_bound(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = replace(speedtest.RAM, n_layer=4096)  # 360 GB: no disk here has room for it
    assert speedtest.ram_pass_fits(tmp_path, speedtest.RAM) and not speedtest.ram_pass_fits(tmp_path, big)
    assert not speedtest.ram_pass_fits(tmp_path / "gone", speedtest.RAM)  # an unreadable folder: skipped too
    # The disk fills while the RAM model is written (the free-space check passed): the edge of the machine is
    # faked, the rest of the test is real. Each attempt leaves half a file, which must not be loaded.
    real_write = speedtest.write_model
    attempts: list[Path] = []

    def disk_fills(path: Path, shape: SyntheticShape, type_name: str = "F16") -> Path:
        if shape.name != speedtest.RAM.name:
            return real_write(path, shape, type_name)
        attempts.append(path)
        path.write_bytes(b"GGUF" + b"\0" * 4096)
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(speedtest, "write_model", disk_fills)
    hw = probe(with_sensors=False)
    profile = run_speed_test(hw, 1, types=("Q4_K",), decode_tokens=6, prefill_tokens=16, memory_seconds=0.02,
                             store=False, gpu_pass=False)
    assert len(attempts) == 2  # the half-written file went each time: the second pass tried again, loaded nothing
    assert profile.samples["ram"]["decode_s"] == [] and profile.ram_read_gb_s == 0.0
    assert "weights read from RAM: skipped (no room for the model)" in profile.how
    assert profile.rates(1).memory_gb_s == pytest.approx(profile.memory_gb_s * speedtest.MEMORY_EFFICIENCY)
