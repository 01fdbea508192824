"""Which figures of a sensor reading the throttle detector watches while a reply is written.

One rule (the hardware card had its own, which disagreed with the chat's): the device the model runs on — the
first GPU that reports a temperature when layers are offloaded, else the CPU — its temperature and clock, the
reply's tokens/s when one is being written, and whether the GPU itself reports a thermal slowdown.
"""

from __future__ import annotations

from modelnest.core.hardware import GpuSensors, SensorReading, ThrottleSample

__all__ = ["THERMAL_REASONS", "throttle_sample", "watched_gpu"]

# NVML clock-event reasons (core/hardware/gpu_nvidia.py) that mean the GPU slows itself down for heat.
THERMAL_REASONS = ("thermal", "hardware slowdown")


def watched_gpu(reading: SensorReading, gpu_used: bool = True) -> GpuSensors | None:
    """The GPU that matters: the first one reporting a temperature, if the model runs (partly) on a GPU."""
    if not gpu_used:
        return None
    return next((g for g in reading.gpus if g.temperature_c is not None), None)


def throttle_sample(reading: SensorReading, *, gpu_used: bool = True,
                    tokens_per_s: float | None = None) -> ThrottleSample:
    """The sample ``ThrottleDetector.add`` takes for this reading."""
    gpu = watched_gpu(reading, gpu_used)
    if gpu is not None:
        thermal = any(any(word in r.lower() for word in THERMAL_REASONS) for r in gpu.throttle_reasons)
        return ThrottleSample(reading.timestamp, gpu.temperature_c, gpu.graphics_clock_mhz, tokens_per_s, thermal)
    return ThrottleSample(reading.timestamp, reading.cpu_temperature_c, reading.cpu_freq_mhz, tokens_per_s)
