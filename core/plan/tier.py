"""What this machine can run, in one line: the planner run over reference models of common sizes.

Reference shapes are published configurations (Llama 3.2 1B/3B, Qwen2.5 7B/14B/32B, Llama 3.1 8B/70B) at
Q4_K_M and a 4096-token context; their file sizes are estimated from parameter counts (labelled so in the UI).
It lives in the planner (it runs the planner); the hardware package below it knows nothing about models.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from modelnest.core.hardware.model import HardwareSnapshot
from modelnest.core.plan.fit import PARTIAL_GPU, fits_fully
from modelnest.core.plan.planner import choose_gpu, plan
from modelnest.core.plan.spec import ModelSpec

__all__ = [
    "OS_RESERVE_BYTES", "REFERENCE_MODELS", "TIER_CTX", "TierEstimate", "estimate_tier", "idle_snapshot", "tier_line",
]

TIER_CTX = 4096
OS_RESERVE_BYTES = int(1.5 * 1024**3)  # everyday programs; the planner keeps its own 1 GiB margin on top

# (size label in billions, published shape: layers, n_embd, heads, KV heads, n_ff, vocab, parameters)
REFERENCE_MODELS: tuple[tuple[int, str, tuple[int, int, int, int, int, int, int]], ...] = (
    (1, "llama", (16, 2048, 32, 8, 8192, 128256, 1_235_814_400)),
    (3, "llama", (28, 3072, 24, 8, 8192, 128256, 3_212_749_824)),
    (7, "qwen2", (28, 3584, 28, 4, 18944, 152064, 7_615_616_512)),
    (8, "llama", (32, 4096, 32, 8, 14336, 128256, 8_030_261_248)),
    (14, "qwen2", (48, 5120, 40, 8, 13824, 152064, 14_770_033_664)),
    (32, "qwen2", (64, 5120, 40, 8, 27648, 152064, 32_763_876_352)),
    (70, "llama", (80, 8192, 64, 8, 28672, 128256, 70_553_706_496)),
)


@dataclass
class TierEstimate:
    device: str  # "gpu" (dedicated VRAM), "unified" (Apple/shared memory) or "cpu"
    device_name: str
    memory_bytes: int  # the fast memory the estimate is based on
    full_b: int | None  # largest reference size that runs entirely on the GPU (or in RAM without one)
    partial_b: int | None  # largest that runs with part of it offloaded to system RAM
    tokens_per_s_7b: float | None  # the planner's predicted decode speed for the 7B reference


def idle_snapshot(snapshot: HardwareSnapshot) -> HardwareSnapshot:
    """The machine as planned for "what can this computer run": idle (RAM less OS_RESERVE_BYTES for everyday
    programs, every GPU's memory free), so the answer is about the machine, not about this moment's free memory."""
    total = snapshot.memory.total_bytes
    if not total:
        return snapshot
    idle_memory = replace(snapshot.memory, available_bytes=max(0, total - OS_RESERVE_BYTES))
    idle_gpus = [replace(g, vram_free_bytes=g.vram_total_bytes) for g in snapshot.gpus]
    return replace(snapshot, memory=idle_memory, gpus=idle_gpus)


def estimate_tier(snapshot: HardwareSnapshot) -> TierEstimate | None:
    """None when not even the memory size is known."""
    total = snapshot.memory.total_bytes
    if not total:
        return None
    snapshot = idle_snapshot(snapshot)
    full_b = partial_b = None
    speed_7b = None
    for size_b, arch, (layers, embd, heads, kv, ff, vocab, params) in REFERENCE_MODELS:
        spec = ModelSpec.from_architecture(
            arch=arch, n_layer=layers, n_embd=embd, n_head=heads, n_head_kv=kv, n_vocab=vocab, n_ff=ff,
            n_ctx_train=32768, quant="Q4_K_M", n_params=params,
        )
        result = plan(spec, snapshot, TIER_CTX)
        if fits_fully(result.fit) and result.ctx == TIER_CTX:
            full_b = size_b
        elif result.fit == PARTIAL_GPU and result.ctx == TIER_CTX:
            partial_b = size_b
        if size_b == 7:
            speed_7b = round(result.predicted.decode_tokens_per_s, 1)
    gpu = choose_gpu(snapshot)
    if gpu is not None and gpu.vram_total_bytes:
        device = "unified" if gpu.unified_memory else "gpu"
        return TierEstimate(device, gpu.name, gpu.vram_total_bytes, full_b, partial_b, speed_7b)
    return TierEstimate("cpu", snapshot.cpu.brand or "CPU", total, full_b, None, speed_7b)


def tier_line(t: TierEstimate) -> str:
    """The estimate in one English line for `modelnest probe` (the GUI builds its own, translated text)."""
    where = {"gpu": "on the GPU", "unified": "in unified memory", "cpu": "on the CPU"}[t.device]
    text = f"up to {t.full_b}B-parameter models at 4-bit {where}" if t.full_b else "only very small models"
    if t.partial_b and t.partial_b != t.full_b:
        text += f"; {t.partial_b}B partly offloaded to system memory"
    return f"{text} (rough estimate)"
