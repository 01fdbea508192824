"""Predicted tokens/s from the bytes each device reads per token, per tensor, over that device's throughput for the
tensor's type, plus a fixed cost per token that grows with the vocabulary and the layer count.

    decode   Σ over tensors of bytes read per token / read rate of its type on its device (mixture-of-experts
             layers: only `expert_used_count` of `expert_count` routed experts, shared experts and the router in
             full), + the KV cache at the context fill, + the fixed cost; the CPU part is also bounded by memory
             bandwidth for what does not stay in its cache; routed experts kept in RAM (cpu_moe_layers) are read
             and multiplied by the CPU even when the rest of their layer is on the GPU
    prefill  Σ over tensors of 2 × weights used per token / compute rate of its type on its device, + attention

Where the rates come from is the prediction's basis, shown with every figure: this computer's speed test
(speedtest.py), a table entry (hardware/tables.py), or an assumption. A device with no known bandwidth is never
free: it gets a conservative class figure, and the basis says so. The range widens from measured to table to
assumed; calibration (calibration.py) corrects what is left and narrows the range by the spread it measured.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from modelnest.core.engine.params import EngineParams
from modelnest.core.gguf.types import TYPE_BY_NAME
from modelnest.core.hardware import GpuInfo, HardwareSnapshot
from modelnest.core.hardware.tables import cpu_core_rates, gpu_class_bandwidth
from modelnest.core.messages import Message, Text, msg
from modelnest.core.plan.memory import kv_bytes_per_layer, padded_ctx
from modelnest.core.plan.spec import ModelSpec

if TYPE_CHECKING:
    from modelnest.core.plan.speedtest import SpeedProfile

GB = 1e9
# Share of peak memory bandwidth llama.cpp's decode reaches (llama.cpp performance discussions: ~60-80 %). CPU and
# CUDA were raised from 0.65 / 0.75 on 2026-12-02 after checking against 41 published results
# (tests/data/speed_reference.json): memory-bound CPU rows reach 75-80 % of peak, full-offload CUDA rows sat ~10 %
# low. Those rows are therefore no longer an independent check of these two figures (docs/benchmarks.md).
BANDWIDTH_EFFICIENCY = {"cpu": 0.75, "cuda": 0.85, "rocm": 0.65, "metal": 0.70, "vulkan": 0.60, "sycl": 0.55}
GPU_PREFILL_GFLOPS_PER_GBS = 50.0  # coarse: prompt throughput scales with the GPU class; labelled as such
ASSUMED_RAM_GB_S = 20.0  # dual-channel DDR4 class, used only when nothing better is known
TYPICAL_FILL = 1024  # tokens of context a typical chat turn reads
# Per-token work outside the weights when no speed test measured it: graph, sampling over the vocabulary,
# detokenizing, the event pipe (fitted on this project's 2-core VM; the speed test replaces them).
FIXED_SECONDS_PER_TOKEN = 2.5e-4
SECONDS_PER_VOCAB_ENTRY = 4e-9
SECONDS_PER_LAYER = 2.0e-5
# MoE costs on the CPU when no speed test measured them (this project's VM: see docs/benchmarks.md): each used
# expert matrix of each layer is one more dispatch (gather the rows, a small product), and batches are split by
# expert in prefill.
SECONDS_PER_EXPERT_MATRIX = 3e-6
MOE_PREFILL_FACTOR = 1.5
# Decode attention of a layer with one KV head per query head (multi-head, e.g. Phi-3 mini) over what its flops
# say when no speed test measured it: no query head re-reads cache rows another just brought in. 2.0-4.3x on this
# project's EPYC VM for head sizes 64 and 128 in two runs of benchmarks/attention_shapes.py, 1.8-2.9x on the
# earlier VM; the lower end is taken. Grouped layers (2 or more query heads per KV head) are costed by their flops
# (their cost also grows with the KV heads, which is not modelled: docs/benchmarks.md).
MHA_ATTENTION_FACTOR = 2.0
# Half-width of the range shown, by what the figures rest on.
SPREAD = {"measured": 0.15, "table": 0.30, "assumed": 0.50}
# Tensor types the speed test measures; others are read at the rate per weight of the nearest measured one.
# Every family the catalogue ships (Q5_0 reads like Q5_K per weight, BF16 like F16).
MEASURED_TYPES = ("F16", "Q8_0", "Q6_K", "Q5_K", "Q4_K", "Q4_0", "Q3_K", "Q2_K")
_NEAREST = {"F32": "F16", "BF16": "F16", "Q8_1": "Q8_0", "Q8_K": "Q8_0", "Q5_0": "Q5_K", "Q5_1": "Q5_K",
            "Q4_0": "Q4_K", "Q4_1": "Q4_K", "IQ4_NL": "Q4_K", "IQ4_XS": "Q4_K", "MXFP4": "Q4_K", "Q3_K": "Q4_K",
            "Q2_K": "Q4_K", "IQ3_S": "Q4_K", "IQ3_XXS": "Q4_K", "IQ2_XXS": "Q4_K", "IQ2_XS": "Q4_K",
            "IQ2_S": "Q4_K", "IQ1_S": "Q4_K", "IQ1_M": "Q4_K", "TQ1_0": "Q4_K", "TQ2_0": "Q4_K"}
_LAYER_RE = re.compile(r"^blk\.(\d+)\.")
_MAIN_TYPE = {"Q4_K_M": "Q4_K", "Q4_K_S": "Q4_K", "Q5_K_M": "Q5_K", "Q5_K_S": "Q5_K", "Q3_K_M": "Q3_K",
              "Q3_K_S": "Q3_K", "Q3_K_L": "Q3_K", "MXFP4_MOE": "MXFP4"}


class CalibrationFactors(NamedTuple):
    """What calibration learnt for one class of run (see calibration.py)."""

    decode: float
    prefill: float
    runs: int
    spread: float | None = None  # half-width of the range from the measured spread; None: not enough runs


@dataclass(frozen=True)
class DeviceRates:
    """How fast one device works per tensor type, and what the figures rest on."""

    read_gb_s: Mapping[str, float]  # effective GB/s of weights of each type during decode (mat-vec)
    prefill_gflops: Mapping[str, float]  # GFLOP/s of batched matrix products per type
    memory_gb_s: float  # effective memory bandwidth for reads that do not stay in the cache
    cache_bytes: int  # reads per token up to this size are not memory bound (last-level cache)
    fixed_s: float
    per_vocab_s: float
    per_layer_s: float
    kind: str  # "measured" | "table" | "assumed"
    basis: Text
    attn_gflops: float = 4.0  # decode attention over the KV cache (flash attention's vector path)
    attn_prefill_gflops: float = 10.0  # the same in batches (prefill)
    # Mixture-of-experts models compute slower than their bytes and weights say: a cost per used expert matrix per
    # layer in decode, a factor on prefill (the speed test measures both on a MoE model).
    expert_matrix_s: float = SECONDS_PER_EXPERT_MATRIX
    moe_prefill: float = 1.0
    attn_mha_factor: float = MHA_ATTENTION_FACTOR  # decode attention of multi-head layers (see above)


def _bpw(type_name: str) -> float:
    t = TYPE_BY_NAME.get(type_name)
    return 8.0 * t.type_size / t.block_size if t else 16.0


def type_rate(rates: Mapping[str, float], type_name: str) -> float:
    """GB/s (or GFLOP/s) for `type_name`: measured, else the nearest measured type's rate per weight."""
    if type_name in rates:
        return rates[type_name]
    near = _NEAREST.get(type_name, "Q4_K")
    if near not in rates:
        near = next(iter(rates))
    return rates[near] * _bpw(type_name) / _bpw(near)


def type_flops(rates: Mapping[str, float], type_name: str) -> float:
    """Compute rate per type: an unmeasured type computes like its nearest measured one (same work per weight)."""
    if type_name in rates:
        return rates[type_name]
    near = _NEAREST.get(type_name, "Q4_K")
    return rates.get(near) or next(iter(rates.values()))


@dataclass(frozen=True)
class TensorRead:
    layer: int  # -1: output side (output matrix, final norm)
    type_name: str
    read_bytes: float  # per decoded token
    weights: float  # weights multiplied per token (2 flops each)
    expert: bool = False  # routed experts (ffn_*_exps): EngineParams.cpu_moe_layers can keep them in system RAM


def tensor_reads(spec: ModelSpec) -> list[TensorRead]:
    """What one decoded token reads, tensor by tensor (estimated from the file size without a tensor table)."""
    share = spec.expert_used_count / spec.expert_count if spec.is_moe else 1.0
    reads: list[TensorRead] = []
    if spec.tensors:
        has_output = any(t.name == "output.weight" for t in spec.tensors)
        for t in spec.tensors:
            m = _LAYER_RE.match(t.name)
            layer = int(m.group(1)) if m else -1
            if m and layer >= spec.n_layer:
                continue  # e.g. next-token-prediction layers llama.cpp does not run
            if t.name.startswith("token_embd"):
                if has_output:
                    continue  # one row is fetched per token: nothing to speak of
                layer = -1  # tied: the output projection multiplies by the embedding matrix every token
            expert = "_exps." in t.name
            part = share if expert else 1.0
            reads.append(TensorRead(layer, t.type_name, t.n_bytes * part, t.n_elements * part, expert))
        return reads
    main = _MAIN_TYPE.get(spec.quant, spec.quant if spec.quant in TYPE_BY_NAME else "Q4_K")
    bpw = spec.file_bytes * 8 / max(1, spec.n_params)
    for il, (dense, expert_weights) in enumerate(spec.layer_weights()):
        used = expert_weights * share
        reads.append(TensorRead(il, main, dense * bpw / 8, dense))
        if used:  # apart from the rest of the layer: the experts may stay in RAM when the layer is on the GPU
            reads.append(TensorRead(il, main, used * bpw / 8, used, expert=True))
    out_type = "Q6_K" if spec.quant.startswith(("Q4", "Q5", "Q3", "Q2", "IQ")) else main
    out_weights = float(spec.n_vocab * spec.n_embd)
    reads.append(TensorRead(-1, out_type, out_weights * max(bpw, _bpw(out_type)) / 8, out_weights))
    return reads


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
    kind: str = "assumed"  # what the figures rest on: measured | table | assumed
    notes: list[Text] = field(default_factory=list)  # e.g. a GPU whose speed is not known

    def to_dict(self) -> dict[str, Any]:
        return {
            "decode_tokens_per_s": round(self.decode_tokens_per_s, 2),
            "prefill_tokens_per_s": round(self.prefill_tokens_per_s, 1),
            "low": round(self.low, 2),
            "high": round(self.high, 2),
            "calibration_runs": self.calibration_runs,
            "uncalibrated_decode_tokens_per_s": round(self.uncalibrated_decode_tokens_per_s, 2),
            "basis": str(self.basis),
            "basis_kind": self.kind,
            "notes": [str(n) for n in self.notes],
        }


def _cpu_class(hw: HardwareSnapshot) -> str:
    arch = (hw.cpu.arch or "").lower()
    return "arm64" if arch in ("arm64", "aarch64") else "x86_64"


def ram_bandwidth(hw: HardwareSnapshot) -> tuple[float, Text, str]:
    """(GB/s, where it comes from, kind) of this machine's memory."""
    if hw.bandwidth.ram_gb_s:
        source: Text = hw.bandwidth.source or "probe"
        kind = "measured" if str(source).startswith("measured") else "table"
        return float(hw.bandwidth.ram_gb_s), source, kind
    return ASSUMED_RAM_GB_S, msg("assumed (memory speed unknown; run the speed test)"), "assumed"


def cpu_rates(hw: HardwareSnapshot, threads: int, profile: SpeedProfile | None = None) -> DeviceRates:
    """This CPU's rates: from the speed test when it ran on this machine, else from the tables."""
    if profile is not None:
        return profile.rates(threads)
    ram, source, kind = ram_bandwidth(hw)
    per_core, prefill_core, row_source = cpu_core_rates(hw.cpu.brand, _cpu_class(hw), hw.cpu.features)
    cores = max(1, threads)
    attn, attn_prefill = per_core.pop("attention"), prefill_core.pop("attention")
    reads = {t: v * cores for t, v in per_core.items()}
    flops = {t: v * cores for t, v in prefill_core.items()}
    if kind == "table":
        params = source.params if isinstance(source, Message) else {}
        if "typical memory" in str(source):  # a generation's typical figure, not this exact chip's
            kind = "assumed"
            basis: Text = msg("typical figure for {chip} ({memory})", chip=params.get("chip", "?"),
                              memory=params.get("memory", "?"))
        elif "chip" in params:
            basis = msg("table figure for {chip} ({memory})", chip=params["chip"], memory=params.get("memory", "?"))
        else:  # a snapshot read from a file: its source is English text
            basis = msg("table figure for {chip}", chip=str(source).removeprefix("table: "))
    elif kind == "measured":
        basis = msg("memory speed measured on this computer, compute from a table ({row})", row=row_source)
    else:
        basis = msg("assumed")
    return DeviceRates(reads, flops, ram * BANDWIDTH_EFFICIENCY["cpu"], 0, FIXED_SECONDS_PER_TOKEN,
                       SECONDS_PER_VOCAB_ENTRY, SECONDS_PER_LAYER, kind, basis, attn * cores, attn_prefill * cores,
                       SECONDS_PER_EXPERT_MATRIX, MOE_PREFILL_FACTOR)


def metal_efficiency(bandwidth_gb_s: float) -> float:
    """Share of an Apple chip's bandwidth llama.cpp's Metal decode reaches: the wide chips (Max, Ultra) reach less
    (fitted: a Mac mini M4 result, normiebench issue 3, reaches ~0.85; issue 11 found Max/Ultra over-predicted
    1.2-1.6x at a flat 0.70)."""
    width = 150.0 / max(1.0, bandwidth_gb_s)
    return 0.85 * min(1.0, math.pow(width, 0.35))


def gpu_bandwidth(gpu: GpuInfo, hw: HardwareSnapshot) -> tuple[float, Text, str]:
    """(GB/s, basis, kind) of a GPU: its known figure, else a conservative figure for its class (never zero)."""
    if gpu.bandwidth_gb_s:
        src = str(gpu.bandwidth_source or "")
        if src.startswith(("measured", "nvml", "NVML")):
            return float(gpu.bandwidth_gb_s), msg("reported by the driver for {gpu}", gpu=gpu.name), "table"
        return float(gpu.bandwidth_gb_s), msg("table figure for {gpu}", gpu=gpu.name), "table"
    ram = hw.bandwidth.ram_gb_s or ASSUMED_RAM_GB_S
    figure = gpu_class_bandwidth(gpu.vendor, gpu.unified_memory, ram)
    return figure, msg("assumed for {gpu} (not in our table): {gb:.0f} GB/s, a low figure for its class",
                       gpu=gpu.name, gb=figure), "assumed"


def expert_layers(spec: ModelSpec, below: int) -> list[int]:
    """Layers under `below` that route to experts (some architectures keep their first layers dense)."""
    if not spec.tensors:
        return [il for il in range(min(below, spec.n_layer)) if spec.is_moe_layer(il)]
    found = set()
    for t in spec.tensors:
        m = _LAYER_RE.match(t.name)
        if m and "_exps." in t.name and int(m.group(1)) < below:
            found.add(int(m.group(1)))
    return sorted(found)


def expert_matrices(spec: ModelSpec) -> int:
    """Expert matrices each token multiplies per MoE layer (gate, up and down of every used expert)."""
    return 3 * spec.expert_used_count if spec.is_moe else 0


def attention_flops(spec: ModelSpec, layer: int, cells: int) -> float:
    """Flops of one token's attention over `cells` cached tokens in `layer` (QK and PV for every query head)."""
    if spec.n_head_kv and layer < len(spec.n_head_kv) and spec.n_head_kv[layer] == 0:
        return 0.0
    cells = min(cells, spec.sliding_window) if spec.is_swa_layer(layer) and spec.sliding_window else cells
    return 2.0 * spec.n_head * (spec.head_dim_k + spec.head_dim_v) * max(1, cells)


def multi_head(spec: ModelSpec, layer: int) -> bool:
    """One KV head per query head in `layer` (no grouped-query sharing of the cache rows)."""
    n_kv = spec.n_head_kv[layer] if spec.n_head_kv and layer < len(spec.n_head_kv) else spec.n_head
    return n_kv > 0 and 2 * n_kv > spec.n_head


def predict(
    spec: ModelSpec,
    params: EngineParams,
    hw: HardwareSnapshot,
    *,
    backend: str = "cpu",
    gpu_bandwidth_gb_s: float | None = None,
    calibration: tuple[float, float, int] | CalibrationFactors | None = None,
    fill_tokens: int | None = None,
    profile: SpeedProfile | None = None,
    gpu: GpuInfo | None = None,
) -> SpeedPrediction:
    """`calibration`: what this machine's runs of this class taught (calibration.py); `fill_tokens`: how much
    context each new token attends to (default: a typical chat turn); `profile`: this machine's speed test."""
    n_layer = spec.n_layer
    n_gpu = min(params.n_gpu_layers, n_layer + 1) if backend != "cpu" else 0
    gpu_start = n_layer + 1 - n_gpu if n_gpu else n_layer + 1  # layers from here run on the GPU
    # llama.cpp counts the output layer as the first of the n_gpu_layers (llama-model.cpp: dev_output is
    # get_layer_buft_list(n_layer), on the GPU whenever il >= i_gpu_start): with any offload it is on the GPU,
    # and n_gpu_layers = N puts the output and the last N - 1 repeating layers there (checked on a Vulkan load).
    output_on_gpu = n_gpu >= 1
    # Routed experts of layers below this stay in RAM (--n-cpu-moe): the CPU reads and multiplies the used ones.
    cpu_experts_below = min(params.cpu_moe_layers, n_layer) if spec.is_moe and n_gpu else 0
    cpu = cpu_rates(hw, params.n_threads, profile)
    kinds = [cpu.kind]
    bases: list[Text] = [cpu.basis]
    notes: list[Text] = []

    gpu_gb_s = 0.0
    gpu_measured = profile.gpu_rates(gpu, backend) if profile is not None and n_gpu else None
    if gpu_measured is not None:  # the speed test's GPU pass ran on this GPU: its per-type rates, not a table
        gpu_gb_s = max(gpu_measured.read_gb_s.values())
        kinds.append("measured")
        bases.append(msg("{gpu} measured on this computer (speed test of {date})", gpu=gpu_measured.name,
                         date=profile.date if profile is not None else ""))
    elif n_gpu:
        if gpu is not None:
            gpu_gb_s, gpu_basis, gpu_kind = gpu_bandwidth(gpu, hw)
        elif gpu_bandwidth_gb_s:
            gpu_gb_s, gpu_basis, gpu_kind = gpu_bandwidth_gb_s, msg("GPU {gb:.0f} GB/s", gb=gpu_bandwidth_gb_s), "table"
        else:
            gpu_gb_s = gpu_class_bandwidth("", False, hw.bandwidth.ram_gb_s or ASSUMED_RAM_GB_S)
            gpu_basis, gpu_kind = msg("assumed for an unknown GPU: {gb:.0f} GB/s", gb=gpu_gb_s), "assumed"
        kinds.append(gpu_kind)
        bases.append(gpu_basis)
        if gpu_kind == "assumed":
            notes.append(gpu_basis)
    efficiency = metal_efficiency(gpu_gb_s) if backend == "metal" else BANDWIDTH_EFFICIENCY.get(backend, 0.6)
    gpu_eff = gpu_gb_s * GB * efficiency

    kv = kv_bytes_per_layer(spec, params)
    fill = min(fill_tokens if fill_tokens is not None else TYPICAL_FILL, params.n_ctx)
    fill_share = fill / padded_ctx(params.n_ctx)
    t_cpu_reads = t_gpu = 0.0
    cpu_bytes = 0.0
    pre_cpu = pre_gpu = 0.0  # seconds per prompt token
    gpu_flops = gpu_gb_s * GPU_PREFILL_GFLOPS_PER_GBS * GB

    def gpu_read_s(read_bytes: float, type_name: str) -> float:
        if gpu_measured is not None:
            return read_bytes / (type_rate(gpu_measured.read_gb_s, type_name) * GB)
        return read_bytes / gpu_eff

    def gpu_compute_s(weights: float, type_name: str) -> float:
        if gpu_measured is not None:
            return 2 * weights / (type_flops(gpu_measured.prefill_gflops, type_name) * GB)
        return 2 * weights / gpu_flops

    for r in tensor_reads(spec):
        on_gpu = (r.layer >= gpu_start) if r.layer >= 0 else output_on_gpu
        if r.expert and r.layer < cpu_experts_below:
            on_gpu = False
        if on_gpu:
            t_gpu += gpu_read_s(r.read_bytes, r.type_name)
            pre_gpu += gpu_compute_s(r.weights, r.type_name) if r.layer >= 0 else 0.0
        else:
            t_cpu_reads += r.read_bytes / (type_rate(cpu.read_gb_s, r.type_name) * GB)
            cpu_bytes += r.read_bytes
            if r.layer >= 0:  # the output layer runs for the prompt's last token only
                pre_cpu += 2 * r.weights / (type_flops(cpu.prefill_gflops, r.type_name) * GB)
    kv_type = "F16" if params.type_k == "f16" else "Q8_0"
    t_cpu_attn = 0.0
    cpu_kv_bytes = 0.0
    for il in range(n_layer):
        kv_read = kv[il] * fill_share
        # QK and PV: 2 flops per head dimension per cell; in decode over the whole fill, in prefill over half.
        attn_flops = attention_flops(spec, il, fill)
        on_gpu = il >= gpu_start and params.offload_kqv
        if on_gpu:
            t_gpu += gpu_read_s(kv_read, kv_type)
            pre_gpu += gpu_compute_s(attn_flops / 4, "F16")  # attn_flops / 2 in prefill, at 2 flops per weight
        else:
            t_attn = max(kv_read / (type_rate(cpu.read_gb_s, kv_type) * GB), attn_flops / (cpu.attn_gflops * GB))
            t_cpu_attn += t_attn * (cpu.attn_mha_factor if multi_head(spec, il) else 1.0)
            cpu_kv_bytes += kv_read
            pre_cpu += attn_flops / 2 / (cpu.attn_prefill_gflops * GB)
    if spec.is_moe:
        cpu_expert_layers = expert_layers(spec, min(max(gpu_start, cpu_experts_below), n_layer))
        t_cpu_reads += len(cpu_expert_layers) * expert_matrices(spec) * cpu.expert_matrix_s
        pre_cpu *= cpu.moe_prefill
    # The CPU cannot read what does not fit in its cache faster than its memory delivers it. llama.cpp runs a
    # token's operations one after another on all its threads, so attention does not hide behind the weights'
    # reads from RAM: each is bounded by its own share of the bytes beyond the cache, and the two add. (A single
    # bound over both under-predicted the attention of RAM-bound models: TinyLlama-shaped models at fill 512
    # were predicted 11-32 % too fast, docs/benchmarks.md.)
    total = cpu_bytes + cpu_kv_bytes
    beyond = max(0.0, total - cpu.cache_bytes) / (cpu.memory_gb_s * GB)
    t_cpu = 0.0
    if total:
        t_cpu = (max(t_cpu_reads, beyond * cpu_bytes / total)
                 + max(t_cpu_attn, beyond * cpu_kv_bytes / total))
    if gpu_measured is not None:  # launches per GPU layer as measured there; sampling stays on the CPU
        gpu_layers = max(0, n_layer - gpu_start)
        t_fixed = (max(cpu.fixed_s, gpu_measured.fixed_s) + spec.n_vocab * cpu.per_vocab_s
                   + (n_layer - gpu_layers) * cpu.per_layer_s + gpu_layers * gpu_measured.per_layer_s)
    else:
        t_fixed = cpu.fixed_s + spec.n_vocab * cpu.per_vocab_s + n_layer * cpu.per_layer_s
    decode = 1.0 / (t_cpu + t_gpu + t_fixed)
    prefill = 1.0 / max(1e-9, pre_cpu + pre_gpu)

    raw, raw_prefill = decode, prefill
    kind = "assumed" if "assumed" in kinds else ("table" if "table" in kinds else "measured")
    spread = SPREAD[kind]
    runs = 0
    if calibration is not None:
        decode *= calibration[0]
        prefill *= calibration[1]
        runs = calibration[2]
        measured_spread = calibration[3] if len(calibration) > 3 else None
        spread = measured_spread if measured_spread is not None else max(0.10, spread / 2)
    basis: Text = bases[0]
    for extra in bases[1:]:
        basis = msg("{first}; {second}", first=basis, second=extra)
    return SpeedPrediction(decode, prefill, decode / (1 + spread), decode * (1 + spread), runs, raw, raw_prefill,
                           basis, kind, notes)

