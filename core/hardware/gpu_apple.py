"""Apple Silicon GPU: chip, GPU cores, unified memory and the share of it Metal lets the GPU use."""

from __future__ import annotations

import re

from modelnest.core.hardware.model import GpuInfo, MemoryInfo
from modelnest.core.hardware.sources import Sources
from modelnest.core.hardware.tables import apple_chip_memory
from modelnest.core.messages import Text, msg
from modelnest.core.units import GIB


def metal_share(total_bytes: int, wired_limit_mb: int | None) -> tuple[int, Text]:
    """(bytes, how we know) Metal may use: the iogpu.wired_limit_mb override, else macOS's default.

    Metal's recommendedMaxWorkingSetSize (what llama.cpp logs) is 2/3 of RAM up to 32 GiB and 3/4 above:
    16 GiB -> 10922.67 MiB, 32 GiB -> 21845.34 MiB, 64 GiB -> 49152 MiB, 96 GiB -> 73728 MiB.
    """
    if wired_limit_mb:
        return wired_limit_mb * 1024 * 1024, msg("iogpu.wired_limit_mb (set by the user)")
    if total_bytes > 32 * GIB:
        return total_bytes * 3 // 4, msg("macOS default: 3/4 of memory")
    return total_bytes * 2 // 3, msg("macOS default: 2/3 of memory")


def parse_ioreg(text: str) -> tuple[str | None, int | None]:
    """(GPU model, GPU core count) from `ioreg -rc AGXAccelerator -d 1`."""
    model = re.search(r'"model"\s*=\s*"([^"]+)"', text)
    cores = re.search(r'"gpu-core-count"\s*=\s*(\d+)', text)
    return (model.group(1) if model else None, int(cores.group(1)) if cores else None)


def probe_apple_gpu(src: Sources, chip: str | None, memory: MemoryInfo) -> tuple[list[GpuInfo], list[Text]]:
    sysctl = src.sysctl
    if sysctl is None or sysctl("hw.optional.arm64") != "1":
        return [], []  # an Intel Mac: its GPU is not usable by llama.cpp's Metal backend for LLMs anyway
    gpu = GpuInfo(vendor="apple", name=chip or "Apple GPU", unified_memory=True, backend="metal")
    if src.ioreg is not None:
        try:
            model, cores = parse_ioreg(src.ioreg())
        except (OSError, ValueError) as exc:
            gpu.missing["gpu_cores"] = msg("ioreg failed ({error})", error=str(exc))
        else:
            gpu.name = model or gpu.name
            gpu.gpu_cores = cores
    if gpu.gpu_cores is None:
        gpu.missing.setdefault("gpu_cores", msg("ioreg did not report the GPU core count"))
    total = memory.host_total_bytes or memory.total_bytes
    if total:
        wired = sysctl("iogpu.wired_limit_mb")
        share, how = metal_share(total, int(wired) if wired and wired.isdigit() else None)
        gpu.vram_total_bytes = share
        if memory.available_bytes is not None:
            gpu.vram_free_bytes = min(share, memory.available_bytes)
        gpu.notes.append(msg("unified memory; the GPU may use {how}", how=how))
    else:
        gpu.missing["vram_total_bytes"] = msg("system memory size unknown")
    figure = apple_chip_memory(gpu.name, gpu.gpu_cores) or (apple_chip_memory(chip, gpu.gpu_cores) if chip else None)
    if figure is not None:
        gpu.bandwidth_gb_s = figure.bandwidth_gb_s
        gpu.bandwidth_source = msg("table: {chip} ({memory})", chip=gpu.name, memory=figure.memory)
    else:
        gpu.missing["bandwidth_gb_s"] = msg("{gpu} is not in our table of Apple chips", gpu=gpu.name)
    return [gpu], []
