"""Typed snapshot of the machine (CPU, memory, GPUs, disk, bandwidth) and live sensor readings.

Every section carries `missing`: field name -> plain-language reason it could not be detected, so a
failing source shows up as "not detected: <why>" rather than as an exception or a silent zero.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from modelnest.core.messages import Text, english


@dataclass
class Figure:
    """A number together with where it came from (table, NVML, measured, ...)."""

    value: float
    source: Text  # a Message where core made it (the GUI translates it); English text when read from a file


@dataclass
class CpuInfo:
    brand: str | None = None
    board: str | None = None  # single-board computers (/proc/device-tree/model), e.g. "Raspberry Pi 5 Model B"
    arch: str | None = None
    physical_cores: int | None = None
    logical_cores: int | None = None
    usable_cores: int | None = None  # what this process may use (affinity), i.e. what `nproc` prints
    performance_cores: int | None = None
    efficiency_cores: int | None = None
    features: dict[str, bool] = field(default_factory=dict)  # instruction sets llama.cpp cares about
    # What the bundled llama.cpp build actually uses, as reported by the engine process; None until known.
    engine_features: dict[str, bool] | None = None
    notes: list[Text] = field(default_factory=list)
    missing: dict[str, Text] = field(default_factory=dict)


@dataclass
class MemoryInfo:
    total_bytes: int | None = None  # clamped to the cgroup limit when one applies
    available_bytes: int | None = None
    host_total_bytes: int | None = None
    cgroup_limit_bytes: int | None = None
    swap_total_bytes: int | None = None
    swap_free_bytes: int | None = None
    missing: dict[str, Text] = field(default_factory=dict)


@dataclass
class GpuInfo:
    vendor: str  # "nvidia", "amd", "intel", "apple"
    name: str
    vram_total_bytes: int | None = None
    vram_free_bytes: int | None = None
    vram_used_bytes: int | None = None
    bandwidth_gb_s: float | None = None
    bandwidth_source: Text | None = None
    unified_memory: bool = False  # shares system RAM (Apple Silicon, integrated GPUs)
    backend: str | None = None  # llama.cpp backend that can drive it: cuda, metal, rocm/vulkan, vulkan/sycl
    index: int = 0
    driver_version: str | None = None
    cuda_version: str | None = None
    compute_capability: str | None = None
    memory_bus_width_bits: int | None = None
    max_memory_clock_mhz: int | None = None
    pcie: Text | None = None  # e.g. "PCIe 4.0 x16", or a Message saying the link runs slower now
    gpu_cores: int | None = None
    pci_id: str | None = None
    tensor_cores: bool | None = None
    notes: list[Text] = field(default_factory=list)
    missing: dict[str, Text] = field(default_factory=dict)


@dataclass
class DiskInfo:
    models_dir: str | None = None
    free_bytes: int | None = None
    total_bytes: int | None = None
    filesystem: str | None = None
    max_file_bytes: int | None = None  # set when the file system caps file size (FAT32: 4 GiB - 1)
    warning: Text | None = None
    missing: dict[str, Text] = field(default_factory=dict)


@dataclass
class BandwidthInfo:
    ram_gb_s: float | None = None
    source: Text | None = None
    figures: list[Figure] = field(default_factory=list)  # every figure we have, each with its source
    missing: dict[str, Text] = field(default_factory=dict)


@dataclass
class GpuSensors:
    index: int
    name: str
    utilization_percent: float | None = None
    vram_used_bytes: int | None = None
    temperature_c: float | None = None
    power_w: float | None = None
    graphics_clock_mhz: int | None = None
    memory_clock_mhz: int | None = None
    throttle_reasons: list[Text] = field(default_factory=list)
    missing: dict[str, Text] = field(default_factory=dict)


@dataclass
class SensorReading:
    """One live sample; taken off the GUI thread about once a second."""

    timestamp: float
    cpu_percent: float | None = None
    cpu_freq_mhz: float | None = None
    ram_used_bytes: int | None = None
    ram_total_bytes: int | None = None
    cpu_temperature_c: float | None = None
    thermal_state: str | None = None  # macOS: nominal / fair / serious / critical
    gpus: list[GpuSensors] = field(default_factory=list)
    missing: dict[str, Text] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        plain: dict[str, Any] = english(asdict(self))  # reasons as English text
        return plain


@dataclass
class HardwareSnapshot:
    cpu: CpuInfo
    memory: MemoryInfo
    gpus: list[GpuInfo]
    disk: DiskInfo
    bandwidth: BandwidthInfo
    sensors: SensorReading | None = None
    gpu_problems: list[Text] = field(default_factory=list)  # why a GPU family could not be probed
    probe_seconds: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `modelnest probe --json` document (keys documented in docs/hardware.md)."""
        plain: dict[str, Any] = english({  # reasons and notes as English text
            "cpu": asdict(self.cpu),
            "memory": asdict(self.memory),
            "gpus": [asdict(g) for g in self.gpus],
            "gpu_problems": list(self.gpu_problems),
            "disk": asdict(self.disk),
            "bandwidth": asdict(self.bandwidth),
            "sensors": self.sensors.to_dict() if self.sensors else None,
            "probe_seconds": self.probe_seconds,
        })
        return plain

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HardwareSnapshot:
        """Read a `probe --json` document (from this or another machine); unknown keys are ignored."""

        def build(kind: type[Any], data: dict[str, Any] | None) -> Any:
            data = data or {}
            return kind(**{k: v for k, v in data.items() if k in kind.__dataclass_fields__})

        bandwidth = build(BandwidthInfo, d.get("bandwidth"))
        bandwidth.figures = [build(Figure, f) for f in (d.get("bandwidth") or {}).get("figures", [])]
        return cls(
            cpu=build(CpuInfo, d.get("cpu")),
            memory=build(MemoryInfo, d.get("memory")),
            gpus=[build(GpuInfo, g) for g in d.get("gpus") or []],
            disk=build(DiskInfo, d.get("disk")),
            bandwidth=bandwidth,
            gpu_problems=list(d.get("gpu_problems") or []),
            probe_seconds=d.get("probe_seconds"),
        )

    def best_gpu(self) -> GpuInfo | None:
        """The GPU with the most usable memory (dedicated first), or None."""
        if not self.gpus:
            return None
        return max(self.gpus, key=lambda g: (not g.unified_memory, g.vram_total_bytes or 0))
