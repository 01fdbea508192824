"""Hardware probe (Qt-free): what decides whether and how fast a model runs on this computer.

    probe()            -> HardwareSnapshot (CPU, memory, GPUs, disk, bandwidth, one sensor sample)
    sensors()          -> SensorReading (one live sample); SensorSampler for repeated sampling
    throttle_sample()  what a reading says about throttling (one rule for the card and the chat)
    ThrottleDetector   sustained "temperature up, speed down" detection
    parse_llama_system_info(text) -> features llama.cpp's build uses

Every OS/vendor reader takes an injectable source (see sources.Sources), so recorded answers of real
machines (recorded.load_machine) replay through the same code as the live machine.
"""

from modelnest.core.hardware.cpu import parse_llama_system_info
from modelnest.core.hardware.model import (
    BandwidthInfo,
    CpuInfo,
    DiskInfo,
    Figure,
    GpuInfo,
    GpuSensors,
    HardwareSnapshot,
    MemoryInfo,
    SensorReading,
)
from modelnest.core.hardware.probe import probe
from modelnest.core.hardware.sensors import (
    SensorSampler,
    ThrottleDetector,
    ThrottleSample,
    ThrottleVerdict,
    sensors,
    throttle_sample,
    watched_gpu,
)
from modelnest.core.hardware.sources import Sources, local_sources

__all__ = [
    "BandwidthInfo",
    "CpuInfo",
    "DiskInfo",
    "Figure",
    "GpuInfo",
    "GpuSensors",
    "HardwareSnapshot",
    "MemoryInfo",
    "SensorReading",
    "SensorSampler",
    "Sources",
    "ThrottleDetector",
    "ThrottleSample",
    "ThrottleVerdict",
    "local_sources",
    "parse_llama_system_info",
    "probe",
    "sensors",
    "throttle_sample",
    "watched_gpu",
]
