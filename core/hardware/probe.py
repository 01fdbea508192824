"""probe(): the whole hardware snapshot; each section and each GPU family fails on its own, with a reason."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from modelnest.core import paths
from modelnest.core.hardware import gpu_apple, gpu_linux, gpu_nvidia, gpu_windows
from modelnest.core.hardware.bandwidth import build_bandwidth
from modelnest.core.hardware.cpu import probe_cpu
from modelnest.core.hardware.disk import probe_disk
from modelnest.core.hardware.memory import probe_memory
from modelnest.core.hardware.model import (
    BandwidthInfo,
    CpuInfo,
    DiskInfo,
    GpuInfo,
    HardwareSnapshot,
    MemoryInfo,
)
from modelnest.core.hardware.sensors import SensorSampler
from modelnest.core.hardware.sources import Sources, local_sources
from modelnest.core.messages import Text, msg

T = TypeVar("T")


def _guard(make: Callable[[], T], fallback: Callable[[str], T]) -> T:
    try:
        return make()
    except Exception as exc:  # noqa: BLE001 - the probe must always return; the reason is kept
        return fallback(f"{type(exc).__name__}: {exc}")


def probe_gpus(src: Sources, cpu: CpuInfo, memory: MemoryInfo) -> tuple[list[GpuInfo], list[Text]]:
    gpus: list[GpuInfo] = []
    problems: list[Text] = []
    if src.system in ("Linux", "Windows"):
        try:
            found, why = gpu_nvidia.probe_nvidia(src.get_nvml())
        except Exception as exc:  # noqa: BLE001 - e.g. ImportError if nvidia-ml-py is missing
            found, why = [], [f"NVIDIA: {type(exc).__name__}: {exc}"]
        gpus += found
        problems += why
    nvidia_found = any(g.vendor == "nvidia" for g in gpus)
    nvml_problems, problems = problems, []
    try:
        if src.system == "Linux":
            gpus += gpu_linux.probe_sysfs_gpus(src, skip_nvidia=nvidia_found)
        elif src.system == "Windows":
            found, why = gpu_windows.probe_windows_gpus(src, skip_nvidia=nvidia_found)
            gpus += found
            problems += why
        elif src.system == "Darwin":
            found, why = gpu_apple.probe_apple_gpu(src, cpu.brand, memory)
            gpus += found
            problems += why
    except Exception as exc:  # noqa: BLE001
        problems.append(msg("GPU listing failed ({kind}: {error})", kind=type(exc).__name__, error=str(exc)))
    if not nvidia_found and (any(g.vendor == "nvidia" for g in gpus) or (src.system == "Windows" and not gpus)):
        # NVML's failure matters only when an NVIDIA card is there (or we cannot tell): then it explains
        # why the card shows no memory figures. On a PC without one, "no NVIDIA driver" is just normal.
        problems = nvml_problems + problems
    for gpu in gpus:
        if gpu.vendor == "nvidia" and gpu.tensor_cores is None:
            gpu.tensor_cores = gpu_nvidia.tensor_cores(gpu)
    return gpus, problems


def probe(
    sources: Sources | None = None,
    models_dir: Path | None = None,
    measure: bool = False,
    with_sensors: bool = True,
) -> HardwareSnapshot:
    """Snapshot of this machine (or of `sources`). Never raises; `measure` runs the ~0.3 s RAM benchmark."""
    started = time.perf_counter()
    src = sources or local_sources()
    cpu = _guard(lambda: probe_cpu(src), lambda why: CpuInfo(missing={"cpu": why}))
    memory = _guard(lambda: probe_memory(src), lambda why: MemoryInfo(missing={"memory": why}))

    def no_gpus(why: str) -> tuple[list[GpuInfo], list[Text]]:
        return [], [why]

    gpus, problems = _guard(lambda: probe_gpus(src, cpu, memory), no_gpus)
    if models_dir is None:
        models_dir = _guard(paths.models_dir, lambda why: Path.home())
    disk = _guard(lambda: probe_disk(src, models_dir), lambda why: DiskInfo(missing={"disk": why}))
    bandwidth = _guard(
        lambda: build_bandwidth(cpu, memory, gpus, measure=measure),
        lambda why: BandwidthInfo(missing={"ram_gb_s": why}),
    )
    for gpu in gpus:
        if gpu.unified_memory and gpu.vendor != "apple" and bandwidth.ram_gb_s:
            # Integrated GPUs read the same memory as the CPU: their bandwidth is the RAM's.
            gpu.bandwidth_gb_s = bandwidth.ram_gb_s
            gpu.bandwidth_source = msg("shares system memory ({source})", source=bandwidth.source)
    snapshot = HardwareSnapshot(
        cpu=cpu, memory=memory, gpus=gpus, disk=disk, bandwidth=bandwidth, gpu_problems=problems
    )
    if with_sensors:

        def read() -> None:
            with SensorSampler(src, gpus) as sampler:
                snapshot.sensors = sampler.read()

        _guard(read, lambda why: None)
    snapshot.probe_seconds = round(time.perf_counter() - started, 3)
    return snapshot
