"""Analytic memory model: what llama.cpp (the bundled version) will allocate for a model and parameters.

Weights and KV follow llama.cpp's own rules exactly (layer placement, 256-cell context padding, GQA, per-layer
head counts, sliding-window caches, KV types, the CPU repack buffer). The compute buffer is a model fitted to
what this llama.cpp reports on the CPU (benchmarks/plan_accuracy.py checks it): with flash attention it is the
larger of the logits stage, n_ubatch·(n_vocab + 2·n_embd)·4, and the FFN stage, n_ctx·n_ubatch·2 (mask) +
n_ubatch·(4·n_ff + n_embd)·4; without flash attention the attention stage holds the full KQ matrix,
n_ctx·n_ubatch·(4·n_head + 4) + 5.5·n_ubatch·n_embd·4. GPU buffers use the same model and are labelled so.

Where a weight goes (llama-model-loader.cpp): each tensor takes the first buffer type of its layer's list that can
run its op. A CPU layer's list starts with the GPU's pinned host buffer when the GPU backend has one (CUDA, ROCm,
Vulkan, SYCL; with mmap llama.cpp swaps it for the plain CPU buffer, the mapped file), then the CPU repack buffer,
then the plain CPU buffer; so CPU weights are repacked only on the CPU and on Metal. Routed experts kept in RAM
(EngineParams.cpu_moe_layers, a tensor_buft_override to the CPU buffer type) are placed from that same CPU list:
on the host, repacked where a CPU layer's tensor would be, whatever layer they belong to. On a CPU-only run the
override therefore moves nothing (the report proves it reached llama.cpp by naming the tensors it matched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from modelnest.core.engine.params import EngineParams
from modelnest.core.messages import Message, msg
from modelnest.core.plan.spec import ModelSpec

MIB = 1024 * 1024
CTX_PAD = 256
_KV_ROW = {"f16": (1, 2), "q8_0": (32, 34), "q4_0": (32, 18)}  # (block, bytes per block)

# Per-device runtime overhead (driver context, cuBLAS/hipBLAS workspace) that no log line reports.
BACKEND_OVERHEAD = {"cpu": 0, "metal": 0, "cuda": 350 * MIB, "rocm": 350 * MIB, "vulkan": 160 * MIB, "sycl": 300 * MIB}

# Weight types the bundled build repacks on the CPU (ggml-cpu/repack.cpp), by the instruction sets it uses.
REPACK_X86_AVX2 = frozenset({"Q4_0", "Q4_K", "IQ4_NL", "MXFP4"})
REPACK_X86_AVX512 = REPACK_X86_AVX2 | {"Q2_K"}
REPACK_ARM_DOTPROD = frozenset({"Q4_0", "IQ4_NL", "MXFP4"})
REPACK_ARM_I8MM = REPACK_ARM_DOTPROD | {"Q4_K", "Q5_K", "Q6_K", "Q8_0"}
# GPU backends whose device offers a pinned host buffer type (get_host_buffer_type in ggml-cuda.cu, ggml-vulkan.cpp,
# ggml-sycl.cpp; ROCm builds ggml-cuda): it comes before the repack buffer in the CPU list, so nothing is repacked.
HOST_BUFFER_BACKENDS = frozenset({"cuda", "rocm", "vulkan", "sycl"})
# The union of moe_override_patterns(n): "blk\.{il}\.ffn_(up|down|gate|gate_up)_(ch|)exps" for il < n, searched
# in the tensor name; one expression and a comparison instead of n searches per tensor (the planner asks often).
_ROUTED_EXPERT_RE = re.compile(r"blk\.(0|[1-9][0-9]*)\.ffn_(up|down|gate|gate_up)_(ch|)exps")


def repack_types_for(arch: str | None, engine_features: dict[str, bool] | None) -> frozenset[str]:
    """What the engine build repacks; without its own report we assume the shipped portable build (AVX2 / NEON)."""
    feats = {k.lower(): v for k, v in (engine_features or {}).items()}
    if arch in ("x86_64", "amd64", "AMD64", "x86"):
        if engine_features is None:
            return REPACK_X86_AVX2
        if feats.get("avx512"):
            return REPACK_X86_AVX512
        return REPACK_X86_AVX2 if feats.get("avx2") else frozenset()
    if arch in ("arm64", "aarch64"):
        if engine_features is None or feats.get("matmul_int8") or feats.get("i8mm"):
            return REPACK_ARM_I8MM
        return REPACK_ARM_DOTPROD if feats.get("dotprod") else frozenset()
    return frozenset()


def kept_in_ram(name: str, cpu_moe_layers: int) -> bool:
    """Whether llama.cpp's override patterns for `cpu_moe_layers` (moe_override_patterns) match tensor `name`."""
    m = _ROUTED_EXPERT_RE.search(name)
    return m is not None and int(m.group(1)) < cpu_moe_layers


def leading_dense_layers(spec: ModelSpec) -> int:
    """Leading layers with a dense FFN and no routed experts (DeepSeek, GLM-4.5, ERNIE keep the first ones dense;
    llama.cpp's n_layer_dense_lead); 0 when the spec does not say (read with getattr: a newer ModelSpec field)."""
    value = getattr(spec, "leading_dense_layers", 0)
    return value if isinstance(value, int) and value > 0 else 0


def routed_expert_bytes(spec: ModelSpec) -> int:
    """Bytes of one MoE layer's routed experts (gate, up, down of every expert) when no tensor table was read: the
    published shape at the file's average bits per weight, never more than the layer itself."""
    if not spec.is_moe or not spec.expert_ff:
        return 0
    layers, _, _ = spec.layer_bytes()
    bpw = spec.file_bytes * 8 / max(1, spec.n_params)
    weights = 3 * spec.expert_count * spec.n_embd * spec.expert_ff
    return min(int(weights * bpw / 8), max(layers) if layers else 0)


def kv_row_bytes(n: int, kv_type: str) -> int:
    block, size = _KV_ROW[kv_type]
    return -(-n // block) * size


def padded_ctx(n_ctx: int) -> int:
    return -(-n_ctx // CTX_PAD) * CTX_PAD


@dataclass
class MemoryEstimate:
    weights_bytes: int  # as llama.cpp reports model buffers (mapped span + repack copies + device copies)
    kv_cache_bytes: int
    compute_bytes: int
    output_bytes: int
    host_bytes: int  # RAM this needs: CPU weights (incl. repack), CPU KV, host compute, output
    device_bytes: int  # on the GPU(s): offloaded weights, their KV, device compute, backend overhead
    overhead_bytes: int = 0
    per_device: list[int] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    # Model buffers as llama.cpp reports them: CPU_Mapped (mmap) or CPU, CPU_REPACK, and "device" (GPU weights).
    weights_buffers: dict[str, int] = field(default_factory=dict)
    experts_in_ram_bytes: int = 0  # routed experts of GPU layers kept in RAM by cpu_moe_layers

    @property
    def total_bytes(self) -> int:
        """The sum of llama.cpp's buffers as it reports them (repacked weights count twice: mapped and copied)."""
        return self.weights_bytes + self.kv_cache_bytes + self.compute_bytes + self.output_bytes + self.overhead_bytes

    @property
    def needed_bytes(self) -> int:
        """Memory the computer must really have: RAM plus GPU memory (repacked weights counted once)."""
        return self.host_bytes + self.device_bytes

    @property
    def resident_weights_bytes(self) -> int:
        rest = self.kv_cache_bytes + self.compute_bytes + self.output_bytes + self.overhead_bytes
        return max(0, self.needed_bytes - rest)

    def to_dict(self) -> dict[str, int]:
        return {
            "weights_bytes": self.weights_bytes,
            "kv_cache_bytes": self.kv_cache_bytes,
            "compute_bytes": self.compute_bytes,
            "output_bytes": self.output_bytes,
            "host_bytes": self.host_bytes,
            "device_bytes": self.device_bytes,
            "overhead_bytes": self.overhead_bytes,
            "total_bytes": self.total_bytes,
            "needed_bytes": self.needed_bytes,
        }


def kv_bytes_per_layer(spec: ModelSpec, params: EngineParams) -> list[int]:
    n_ctx = padded_ctx(params.n_ctx)
    out = []
    for il in range(spec.n_layer):
        n_kv_heads = spec.n_head_kv[il] if il < len(spec.n_head_kv) else spec.n_head_kv[-1]
        if n_kv_heads == 0:
            out.append(0)
            continue
        cells = n_ctx
        if spec.is_swa_layer(il) and not params.swa_full and spec.sliding_window:
            cells = padded_ctx(min(n_ctx, spec.sliding_window + params.n_ubatch))
        k = kv_row_bytes(n_kv_heads * spec.head_dim_k, params.type_k)
        v = kv_row_bytes(n_kv_heads * spec.head_dim_v, params.type_v)
        out.append(cells * (k + v))
    return out


def compute_bytes(spec: ModelSpec, params: EngineParams) -> int:
    n_ctx = padded_ctx(params.n_ctx)
    n_ub = min(params.n_ubatch, n_ctx)
    logits = n_ub * (spec.n_vocab + 2 * spec.n_embd) * 4
    if params.flash_attn:
        attention = n_ctx * n_ub * 2 + n_ub * (4 * spec.n_ff + spec.n_embd) * 4
    else:
        attention = n_ctx * n_ub * (4 * spec.n_head + 4) + int(5.5 * n_ub * spec.n_embd * 4)
    return max(logits, attention)


def _mapped_span(spec: ModelSpec, on_cpu: set[str], repacked: set[str]) -> int:
    """llama.cpp maps one contiguous range per buffer: from the first to the last CPU tensor it keeps mapped."""
    spans = [(t.offset, t.offset + t.n_bytes) for t in spec.tensors if t.name in on_cpu and t.name not in repacked]
    if not spans:
        return 0
    return max(e for _, e in spans) - min(s for s, _ in spans)


def estimate(
    spec: ModelSpec,
    params: EngineParams,
    *,
    repack_types: frozenset[str] = REPACK_X86_AVX2,
    backend: str = "cpu",
) -> MemoryEstimate:
    """Memory for `spec` loaded with `params`; GPU layers are the last n_gpu_layers (llama.cpp's order), the
    routed experts of the first cpu_moe_layers layers on the host whatever their layer's place."""
    layers, embd_bytes, out_bytes = spec.layer_bytes()
    n_layer = spec.n_layer
    n_gpu = max(0, min(params.n_gpu_layers, n_layer + 1)) if backend != "cpu" else 0
    gpu_start = n_layer + 1 - n_gpu if n_gpu else n_layer + 1  # layers il >= gpu_start are offloaded
    # llama.cpp counts the output layer as the first of the n_gpu_layers (llama-model.cpp: dev_output is
    # get_layer_buft_list(n_layer), on the GPU whenever il >= i_gpu_start): with any offload it is on the GPU,
    # and n_gpu_layers = N puts the output and the last N - 1 repeating layers there (checked on a Vulkan load).
    output_on_gpu = n_gpu >= 1
    kv_layers = kv_bytes_per_layer(spec, params)
    n_moe = min(params.cpu_moe_layers, n_layer) if spec.is_moe else 0
    # Weights on the CPU side are repacked only where no GPU host buffer comes first in the CPU list.
    cpu_repack = repack_types if backend not in HOST_BUFFER_BACKENDS else frozenset()

    # Weights
    host_layers = [il for il in range(n_layer) if il < gpu_start]
    device_weights = sum(layers[il] for il in range(n_layer) if il >= gpu_start) + (out_bytes if output_on_gpu else 0)
    host_weight_bytes = sum(layers[il] for il in host_layers) + embd_bytes + (0 if output_on_gpu else out_bytes)
    notes: list[Message] = []
    if spec.tensors:
        on_cpu = set()
        repacked = set()
        moved = 0  # routed experts of GPU layers that stay in RAM
        for t in spec.tensors:
            name = t.name
            layer = int(name.split(".")[1]) if name.startswith("blk.") else None
            cpu = (layer is not None and layer < gpu_start) or name.startswith("token_embd") or (
                layer is None and not output_on_gpu
            )
            if not cpu and n_moe and kept_in_ram(name, n_moe):
                cpu = True
                moved += t.n_bytes
            if not cpu:
                continue
            on_cpu.add(name)
            if (
                not name.startswith("token_embd")
                and len(t.shape) >= 2
                and t.shape[1] % 8 == 0
                and t.type_name in cpu_repack
            ):
                repacked.add(name)
        device_weights -= moved
        host_weight_bytes += moved
        repack = sum(t.n_bytes for t in spec.tensors if t.name in repacked)
        mapped = _mapped_span(spec, on_cpu, repacked) if params.use_mmap else host_weight_bytes - repack
        reported_weights = mapped + repack + device_weights
        host_resident = host_weight_bytes  # repacked tensors live in the repack buffer instead of page cache
    else:
        # Without a tensor table: the experts' bytes from the published shape, the repacked share from the quant.
        expert_bytes = routed_expert_bytes(spec)
        dense_lead = leading_dense_layers(spec)
        moved = expert_bytes * max(0, n_moe - max(gpu_start, dense_lead))
        device_weights -= moved
        host_weight_bytes += moved
        host_layer_bytes = sum(layers[il] for il in host_layers) + moved
        share = spec.repacked_bytes(cpu_repack) / max(1, sum(layers)) if cpu_repack else 0.0
        repack = spec.repacked_bytes(cpu_repack) if n_gpu == 0 else int(host_layer_bytes * share)
        mapped = host_weight_bytes
        reported_weights = host_weight_bytes + repack + device_weights
        host_resident = host_weight_bytes
        notes.append(msg("weights per layer estimated from the file size (no tensor table read)"))
    buffers = {("CPU_Mapped" if params.use_mmap else "CPU"): mapped}
    if repack:
        buffers["CPU_REPACK"] = repack
    if device_weights:
        buffers["device"] = device_weights
    if spec.file_bytes_estimated:
        notes.append(msg("file size estimated from the parameter count and typical bits per weight"))

    # KV cache: on the device for offloaded layers when offload_kqv, else on the host.
    kv_device = sum(kv_layers[il] for il in range(n_layer) if il >= gpu_start) if params.offload_kqv else 0
    kv_total = sum(kv_layers)
    kv_host = kv_total - kv_device

    compute = compute_bytes(spec, params)
    output = spec.n_vocab * 4
    overhead = BACKEND_OVERHEAD.get(backend, 0) if n_gpu else 0
    if n_gpu:
        notes.append(msg("GPU compute buffer and {backend} overhead are modelled, not measured", backend=backend))
        device = device_weights + kv_device + compute + overhead
        host_compute = min(compute, n_ub_host(spec, params))
        host = host_resident + kv_host + host_compute + output
        compute_total = compute + host_compute
    else:
        device = 0
        # Repacked weights move out of the page cache into the repack buffer: RAM needed is the tensors once.
        host = host_resident + kv_host + compute + output
        compute_total = compute
    return MemoryEstimate(
        weights_bytes=reported_weights,
        kv_cache_bytes=kv_total,
        compute_bytes=compute_total,
        output_bytes=output,
        host_bytes=host,
        device_bytes=device,
        overhead_bytes=overhead,
        per_device=[device] if n_gpu else [],
        notes=notes,
        weights_buffers=buffers,
        experts_in_ram_bytes=moved,
    )


def n_ub_host(spec: ModelSpec, params: EngineParams) -> int:
    """Host-side staging buffer when a GPU computes: inputs and the logits copy (modelled)."""
    n_ub = min(params.n_ubatch, padded_ctx(params.n_ctx))
    return n_ub * (spec.n_vocab + spec.n_embd) * 4
