"""A first, deliberately simple estimate of what this machine can run (the planner will replace it).

Rule: a 4-bit (Q4_K_M) model needs about 0.6 GB per billion parameters, plus about 1 GB for the
context cache and compute buffers at a few thousand tokens of context. Decode speed is bounded by
memory bandwidth / model size, since every token reads all the weights once.
"""

from __future__ import annotations

from dataclasses import dataclass

from modelnest.core.hardware.model import HardwareSnapshot

GB = 1e9
GB_PER_B_PARAMS_Q4 = 0.6
OVERHEAD_GB = 1.0
OS_RESERVE_GB = 2.5  # what the OS and other programs keep when the model runs from RAM
COMMON_SIZES_B = (1, 3, 7, 8, 13, 14, 24, 32, 70, 120)
SIZE_7B_Q4_GB = 4.4


@dataclass
class TierEstimate:
    device: str  # "gpu" (dedicated VRAM), "unified" (Apple/shared memory) or "cpu"
    device_name: str
    memory_bytes: int  # the fast memory the estimate is based on
    full_b: int | None  # largest common model size (billions of parameters) that fits entirely, 4-bit
    partial_b: int | None  # largest that fits with part of it in system RAM (dedicated GPUs only)
    tokens_per_s_7b: float | None  # upper bound for a 7B 4-bit model: bandwidth / model size


def _largest(gb: float) -> int | None:
    params = (gb - OVERHEAD_GB) / GB_PER_B_PARAMS_Q4
    fitting = [s for s in COMMON_SIZES_B if s <= params]
    return fitting[-1] if fitting else None


def estimate_tier(snapshot: HardwareSnapshot) -> TierEstimate | None:
    """None when not even the memory size is known."""
    ram = snapshot.memory.total_bytes
    ram_gb = (ram or 0) / GB
    gpu = snapshot.best_gpu()
    if gpu is not None and gpu.vram_total_bytes and gpu.vendor in ("nvidia", "amd", "apple", "intel"):
        vram_gb = gpu.vram_total_bytes / GB
        speed = round(gpu.bandwidth_gb_s / SIZE_7B_Q4_GB) if gpu.bandwidth_gb_s else None
        if gpu.unified_memory:
            return TierEstimate("unified", gpu.name, gpu.vram_total_bytes, _largest(vram_gb), None, speed)
        partial = _largest(vram_gb + max(ram_gb - OS_RESERVE_GB, 0) * 0.8) if ram else None
        return TierEstimate("gpu", gpu.name, gpu.vram_total_bytes, _largest(vram_gb), partial, speed)
    if not ram:
        return None
    bw = snapshot.bandwidth.ram_gb_s
    return TierEstimate(
        "cpu",
        snapshot.cpu.brand or "CPU",
        ram,
        _largest(ram_gb - OS_RESERVE_GB),
        None,
        round(bw / SIZE_7B_Q4_GB, 1) if bw else None,
    )
