"""Routed experts kept in system RAM (EngineParams.cpu_moe_layers): the override array reaches llama.cpp, each
matched tensor lands where the memory model says, and the model still runs.

On this CPU-only machine every layer is already in RAM, so the override can move nothing: llama.cpp 0.3.36 places
a tensor overridden to the CPU buffer type from the CPU list, repack buffer first (llama-model-loader.cpp, "when
overriding to a CPU buffer, consider the extra buffer types"). What is observable is llama.cpp's own log of each
match ("tensor … buffer type overridden to CPU_REPACK"), which the load report collects, and that every buffer,
CPU_REPACK included, keeps exactly the size the tensor table gives, with and without overrides.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelnest.core.engine.client import EngineClient, TokenEvent
from modelnest.core.engine.overrides import OverridesUnavailable, build, cpu_buffer_type
from modelnest.core.engine.params import EngineParams, LoadReport, SamplingParams, moe_override_patterns
from modelnest.core.gguf import read_file
from modelnest.core.plan import ModelSpec, estimate
from modelnest.core.plan.exact import measure_file
from modelnest.core.plan.memory import REPACK_X86_AVX2
from modelnest.core.plan.synthetic import SyntheticShape, write_model

MIB = 2**20
LOG_ROUNDING = 16 * 1024  # llama.cpp logs buffer sizes in MiB with 2 decimals (±5 KiB)
N_LAYER = 4
# qwen3moe-shaped: 8 experts of FFN 256, 2 used; rows of 256 (a multiple of 8: Q4_0 experts are repacked on AVX2)
SHAPE = SyntheticShape(arch="qwen3moe", n_layer=N_LAYER, n_embd=256, n_head=4, n_head_kv=2, n_ff=512, n_vocab=512,
                       n_expert=8, n_expert_used=2, n_ff_exp=256, name="test-moe")
QUANTS = ("Q4_0", "Q8_0")  # repacked by this build / not repacked (CPU_Mapped)


def params(cpu_moe_layers: int) -> EngineParams:
    return EngineParams(n_ctx=512, n_batch=256, n_ubatch=256, n_threads=2, n_threads_batch=2,
                        cpu_moe_layers=cpu_moe_layers)


@pytest.fixture(scope="module")
def moe_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("moe")
    return {q: write_model(root / f"moe-{q}.gguf", SHAPE, q) for q in QUANTS}


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineClient]:
    with EngineClient(hang_timeout=60) as client:
        yield client


def experts_below(spec: ModelSpec, k: int) -> set[str]:
    return {t.name for t in spec.tensors if "_exps." in t.name and int(t.name.split(".")[1]) < k}


def repacked_bytes(spec: ModelSpec) -> int:
    """What llama.cpp copies into CPU_REPACK, from the tensor table alone (repack rule of ggml-cpu/repack.cpp)."""
    return sum(t.n_bytes for t in spec.tensors
               if not t.name.startswith("token_embd") and len(t.shape) >= 2 and t.shape[1] % 8 == 0
               and t.type_name in REPACK_X86_AVX2)


@pytest.mark.parametrize("quant", QUANTS)
def test_overrides_reach_llama_cpp_and_every_buffer_matches_the_plan(
    engine: EngineClient, moe_models: dict[str, Path], quant: str
) -> None:
    path = moe_models[quant]
    spec = ModelSpec.from_header(read_file(path))
    assert spec.is_moe and spec.n_layer == N_LAYER
    base = engine.load(path, params(0))
    assert base.overridden == {}  # no array, no match
    repack = repacked_bytes(spec)
    assert (repack > 0) == (quant == "Q4_0")
    assert base.weights_by_buffer.get("CPU_REPACK", 0) == pytest.approx(repack, abs=LOG_ROUNDING)
    for k in (1, N_LAYER // 2, N_LAYER):
        report = engine.load(path, params(k))
        # llama.cpp matched exactly the routed experts (gate, up, down) of layers 0..k-1, nothing else ...
        assert set(report.overridden) == experts_below(spec, k) and len(report.overridden) == 3 * k
        # ... and put each where a CPU layer's tensor goes: the repack buffer when this build repacks its type
        types = {t.name: t.type_name for t in spec.tensors}
        for name, buffer in report.overridden.items():
            assert buffer == ("CPU_REPACK" if types[name] in REPACK_X86_AVX2 else "CPU"), name
        # Everything is on the CPU already: CPU_REPACK keeps exactly the repacked size, CPU_Mapped its span.
        assert report.weights_by_buffer == base.weights_by_buffer
        assert report.weights_by_buffer.get("CPU_REPACK", 0) == pytest.approx(repack, abs=LOG_ROUNDING)
        # The memory model says the same, buffer by buffer and in total (the plan-accuracy tolerances).
        predicted = estimate(spec, params(k))
        assert predicted.experts_in_ram_bytes == 0  # no GPU layer had experts to keep back
        assert set(predicted.weights_buffers) == set(report.weights_by_buffer)
        for buffer, size in report.weights_by_buffer.items():
            assert predicted.weights_buffers[buffer] == pytest.approx(size, abs=LOG_ROUNDING), buffer
        assert predicted.weights_bytes == pytest.approx(report.weights_bytes, rel=0.005, abs=LOG_ROUNDING)
        assert predicted.kv_cache_bytes == report.kv_cache_bytes
        assert abs(predicted.total_bytes - report.total_bytes) <= max(0.02 * report.total_bytes, 16 * MIB)


def test_a_model_with_experts_in_ram_still_generates(engine: EngineClient, moe_models: dict[str, Path]) -> None:
    report = engine.load(moe_models["Q4_0"], params(N_LAYER // 2))
    assert len(report.overridden) == 3 * (N_LAYER // 2)
    tokens = [e for e in engine.generate(prompt="hello world",
                                         sampling=SamplingParams(temperature=0, max_tokens=12, ignore_eos=True))
              if isinstance(e, TokenEvent)]
    assert len(tokens) == 12


def test_more_layers_than_the_model_has_is_the_same_as_all(engine: EngineClient, moe_models: dict[str, Path]) -> None:
    path = moe_models["Q4_0"]
    spec = ModelSpec.from_header(read_file(path))
    every = engine.load(path, params(N_LAYER))
    beyond = engine.load(path, params(10_000))
    assert beyond.overridden == every.overridden and set(beyond.overridden) == experts_below(spec, N_LAYER)
    assert beyond.weights_by_buffer == every.weights_by_buffer and beyond.total_bytes == every.total_bytes
    assert estimate(spec, params(10_000)).total_bytes == estimate(spec, params(N_LAYER)).total_bytes
    tokens = [e for e in engine.generate(prompt="hi", sampling=SamplingParams(max_tokens=4, ignore_eos=True, seed=1))
              if isinstance(e, TokenEvent)]
    assert len(tokens) == 4


def test_a_dense_model_ignores_the_setting(engine: EngineClient, tiny_model: Path) -> None:
    plain = engine.load(tiny_model, params(0))
    asked = engine.load(tiny_model, params(2))
    assert asked.overridden == {}  # no ffn_*_exps tensor to match
    assert asked.weights_by_buffer == plain.weights_by_buffer


def test_the_report_keeps_the_matches_through_json() -> None:
    report = LoadReport(path="m", params={})
    for line in (
        "load_tensors:   CPU_REPACK model buffer size =     3.87 MiB",
        "tensor blk.0.ffn_gate_exps.weight (0 MiB q4_0) buffer type overridden to CPU_REPACK",
        "tensor blk.1.ffn_down_exps.weight (12 MiB q8_0) buffer type overridden to CUDA_Host",
        "load_tensors:   CPU_Mapped model buffer size =     3.91 MiB",
    ):
        report.feed_log_line(line)
    assert report.overridden == {"blk.0.ffn_gate_exps.weight": "CPU_REPACK", "blk.1.ffn_down_exps.weight": "CUDA_Host"}
    assert set(report.weights_by_buffer) == {"CPU_REPACK", "CPU_Mapped"}
    again = LoadReport.from_dict(report.to_dict())
    assert again.overridden == report.overridden and again.weights_by_buffer == report.weights_by_buffer


def test_the_override_array_is_null_terminated_and_holds_the_patterns() -> None:
    patterns = moe_override_patterns(3)
    overrides = build(patterns, 0x1234)
    assert len(overrides.array) == 4
    assert [ctypes.string_at(e.pattern).decode() for e in overrides.array[:3]] == patterns
    assert all(e.buft == 0x1234 for e in overrides.array[:3])
    assert overrides.array[3].pattern is None and not overrides.array[3].buft
    assert overrides.address == ctypes.addressof(overrides.array)
    # the same expressions llama.cpp's --n-cpu-moe builds: layer 1 is not layer 11, shared experts stay put
    one = re.compile(patterns[1])
    assert one.search("blk.1.ffn_up_exps.weight") and one.search("blk.1.ffn_gate_up_exps.weight")
    assert not one.search("blk.11.ffn_up_exps.weight") and not one.search("blk.1.ffn_up_shexp.weight")
    assert not one.search("blk.1.ffn_gate_inp.weight")
    with pytest.raises(ValueError):
        build(patterns, 0)


def test_a_build_without_the_cpu_buffer_type_is_a_clear_error() -> None:
    with pytest.raises(OverridesUnavailable) as info:
        cpu_buffer_type([ctypes.CDLL(None)])  # this process has no ggml loaded
    assert "CPU buffer type" in str(info.value) and "cpu_moe_layers 0" in str(info.value)
    assert info.value.kind == "overrides_unavailable"


def test_exact_mode_loads_the_header_with_the_same_overrides(
    engine: EngineClient, moe_models: dict[str, Path]
) -> None:
    path = moe_models["Q4_0"]
    spec = ModelSpec.from_header(read_file(path))
    exact = measure_file(path, params(2), engine)
    real = engine.load(path, params(2))
    assert exact.overridden == real.overridden and set(exact.overridden) == experts_below(spec, 2)
    assert [(b.kind, b.device, b.bytes) for b in exact.buffers] == [(b.kind, b.device, b.bytes) for b in real.buffers]
