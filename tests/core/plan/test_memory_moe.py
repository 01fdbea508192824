"""The memory model with routed experts kept in system RAM (EngineParams.cpu_moe_layers) on GPU backends.

No GPU here: these check the model's own rules (llama-model-loader.cpp's placement, see core/plan/memory.py) on
a real synthetic file's tensor table and on a shape-only spec; tests/core/engine/test_moe_overrides.py checks the
CPU side against real loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from modelnest.core.engine.params import EngineParams, moe_override_patterns
from modelnest.core.gguf import read_file
from modelnest.core.plan import ModelSpec, estimate
from modelnest.core.plan.memory import REPACK_X86_AVX2, kept_in_ram, routed_expert_bytes
from modelnest.core.plan.synthetic import SyntheticShape, write_model

N_LAYER = 6
SHAPE = SyntheticShape(arch="qwen3moe", n_layer=N_LAYER, n_embd=256, n_head=4, n_head_kv=2, n_ff=512, n_vocab=512,
                       n_expert=8, n_expert_used=2, n_ff_exp=256, name="test-moe")
ALL_GPU = N_LAYER + 1  # the repeating layers and the output layer


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> ModelSpec:
    path = write_model(tmp_path_factory.mktemp("moe") / "moe-Q4_0.gguf", SHAPE, "Q4_0")
    return ModelSpec.from_header(read_file(path))


def params(n_gpu: int, k: int, **kw: object) -> EngineParams:
    return EngineParams(n_ctx=1024, n_gpu_layers=n_gpu, cpu_moe_layers=k, **kw)  # type: ignore[arg-type]


def expert_bytes(spec: ModelSpec, layers: range) -> int:
    return sum(t.n_bytes for t in spec.tensors if "_exps." in t.name and int(t.name.split(".")[1]) in layers)


def test_the_matcher_is_the_union_of_llama_cpp_patterns() -> None:
    names = [f"blk.{il}.{part}.weight" for il in (0, 1, 2, 9, 10, 11, 19, 100)
             for part in ("ffn_up_exps", "ffn_gate_exps", "ffn_down_exps", "ffn_gate_up_exps", "ffn_up_chexps",
                          "ffn_up_shexp", "ffn_gate_inp", "ffn_up", "attn_q", "ffn_down_exps_b")]
    names += ["token_embd.weight", "output.weight", "blk.01.ffn_up_exps.weight"]
    for k in (0, 1, 2, 10, 12, 101):
        compiled = [re.compile(p) for p in moe_override_patterns(k)]
        for name in names:
            assert kept_in_ram(name, k) == any(p.search(name) for p in compiled), (name, k)


@pytest.mark.parametrize("k", [1, 3, N_LAYER])
def test_experts_of_gpu_layers_move_to_the_host_on_cuda(spec: ModelSpec, k: int) -> None:
    on_gpu = estimate(spec, params(ALL_GPU, 0), backend="cuda")
    kept = estimate(spec, params(ALL_GPU, k), backend="cuda")
    moved = expert_bytes(spec, range(k))
    assert moved > 0 and kept.experts_in_ram_bytes == moved
    assert on_gpu.weights_buffers["device"] - kept.weights_buffers["device"] == moved
    assert kept.device_bytes == on_gpu.device_bytes - moved
    assert kept.host_bytes == on_gpu.host_bytes + moved
    # CUDA's pinned host buffer comes before the repack buffer: nothing is repacked, the experts are mapped
    assert "CPU_REPACK" not in kept.weights_buffers
    assert kept.weights_buffers["CPU_Mapped"] >= on_gpu.weights_buffers["CPU_Mapped"] + moved
    assert kept.kv_cache_bytes == on_gpu.kv_cache_bytes  # attention and its KV stay on the GPU


def test_on_metal_the_experts_kept_in_ram_are_repacked(spec: ModelSpec) -> None:
    kept = estimate(spec, params(ALL_GPU, 2), backend="metal", repack_types=REPACK_X86_AVX2)
    assert kept.weights_buffers["CPU_REPACK"] == expert_bytes(spec, range(2))  # Q4_0 rows of 256: all repacked


def test_layers_already_on_the_cpu_move_nothing_more(spec: ModelSpec) -> None:
    # the first 3 repeating layers on the CPU (the last 3 and the output layer on the GPU); experts of 0..4 in RAM
    split = estimate(spec, params(4, 0), backend="cuda")
    kept = estimate(spec, params(4, 5), backend="cuda")
    assert kept.experts_in_ram_bytes == expert_bytes(spec, range(3, 5))
    assert split.device_bytes - kept.device_bytes == expert_bytes(spec, range(3, 5))


def test_cpu_only_the_setting_changes_nothing(spec: ModelSpec) -> None:
    plain = estimate(spec, params(0, 0))
    for k in (1, N_LAYER, 1000):
        assert estimate(spec, params(0, k)).to_dict() == plain.to_dict()
    assert plain.weights_buffers["CPU_REPACK"] > 0


def test_no_mmap_the_experts_are_read_into_ram(spec: ModelSpec) -> None:
    kept = estimate(spec, params(ALL_GPU, 2, use_mmap=False), backend="cuda")
    on_gpu = estimate(spec, params(ALL_GPU, 0, use_mmap=False), backend="cuda")
    assert kept.weights_buffers["CPU"] - on_gpu.weights_buffers["CPU"] == expert_bytes(spec, range(2))


# A made-up large MoE shape (not a catalogue entry): 40 layers, 64 experts of FFN 1024, 4 used.
SHAPE_ONLY = dict(arch="qwen3moe", n_layer=40, n_embd=2048, n_head=32, n_head_kv=4, n_vocab=100_000, n_ff=6144,
                  n_ctx_train=32768, quant="Q4_K_M", n_params=17_000_000_000, file_bytes=10_000_000_000,
                  head_dim=128, expert_count=64, expert_used_count=4, expert_ff=1024)


@dataclass(frozen=True)
class _DenseLead(ModelSpec):
    leading_dense_layers: int = 0  # the field another part of ModelNest may add; read with getattr


def test_without_a_tensor_table_the_experts_come_from_the_shape() -> None:
    shaped = ModelSpec.from_architecture(**SHAPE_ONLY)  # type: ignore[arg-type]
    per_layer = routed_expert_bytes(shaped)
    layers, _, _ = shaped.layer_bytes()
    # 3 matrices of 2048 x 1024 for each of 64 experts at the file's ~4.7 bits per weight: most of the layer
    assert 0.5 * layers[0] < per_layer <= layers[0]
    assert per_layer == int(3 * 64 * 2048 * 1024 * (10_000_000_000 * 8 / 17_000_000_000) / 8)
    all_gpu = estimate(shaped, params(41, 0), backend="cuda")
    kept = estimate(shaped, params(41, 14), backend="cuda")
    assert kept.experts_in_ram_bytes == 14 * per_layer
    assert all_gpu.device_bytes - kept.device_bytes == 14 * per_layer
    assert kept.host_bytes - all_gpu.host_bytes == 14 * per_layer
    beyond = estimate(shaped, params(41, 400), backend="cuda")
    assert beyond.experts_in_ram_bytes == 40 * per_layer  # no more layers than the model has
    # leading dense layers have no routed experts to keep back
    lead = _DenseLead(**{**shaped.__dict__, "leading_dense_layers": 3})
    assert estimate(lead, params(41, 14), backend="cuda").experts_in_ram_bytes == 11 * per_layer
    dense = ModelSpec.from_architecture(**{**SHAPE_ONLY, "expert_count": 0, "expert_used_count": 0,  # type: ignore[arg-type]
                                          "expert_ff": 0})
    assert estimate(dense, params(41, 14), backend="cuda").experts_in_ram_bytes == 0


@pytest.mark.parametrize("n_gpu", [1, 3, ALL_GPU])
def test_the_output_layer_is_the_first_one_offloaded(spec: ModelSpec, n_gpu: int) -> None:
    """llama.cpp (llama-model.cpp, i_gpu_start = n_layer + 1 - n_gpu_layers; the output is layer n_layer) puts the
    output matrix on the GPU with any offload and the last n_gpu_layers - 1 repeating layers beside it: seen in a
    real Vulkan load (benchmarks/gpu_placement.py). Before, partial plans kept the output on the CPU, so the GPU
    was under-planned by the output's size and the mapped span covered the whole file."""
    layers, _embd, out = spec.layer_bytes()
    mem = estimate(spec, params(n_gpu, 0), repack_types=REPACK_X86_AVX2, backend="vulkan")
    on_gpu = range(N_LAYER - (n_gpu - 1), N_LAYER)
    assert mem.weights_buffers["device"] == sum(layers[il] for il in on_gpu) + out
    host_tensors = [t for t in spec.tensors if t.name.startswith("token_embd")
                    or (t.name.startswith("blk.") and int(t.name.split(".")[1]) not in on_gpu)]
    span = max(t.offset + t.n_bytes for t in host_tensors) - min(t.offset for t in host_tensors)
    assert mem.weights_buffers.get("CPU_Mapped", 0) == span
