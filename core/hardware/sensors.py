"""Live sensors (CPU load/frequency/temperature, RAM, per-GPU load/VRAM/temperature/power/clocks) and throttling.

`SensorSampler` keeps NVML open between samples (initialising it costs tens of milliseconds); the GUI
calls `read()` about once a second from a worker thread. `throttle_sample` picks what a reading says about
throttling (one rule for the hardware card and the chat page) and `ThrottleDetector` turns a series of those
samples into a "sustained throttling" verdict.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from modelnest.core.hardware import gpu_linux, gpu_nvidia
from modelnest.core.hardware.model import GpuInfo, GpuSensors, SensorReading
from modelnest.core.hardware.sources import Sources, local_sources
from modelnest.core.messages import Text, msg

NOT_AVAILABLE = msg("not available on this system")
# psutil.sensors_temperatures() chip names that describe the CPU package, best first.
_CPU_CHIPS = ("coretemp", "k10temp", "zenpower", "cpu_thermal", "cpu-thermal", "soc_thermal", "acpitz")


class SensorSampler:
    """Reads live sensors; create once, call read() repeatedly, close() at the end."""

    def __init__(self, sources: Sources | None = None, gpus: list[GpuInfo] | None = None) -> None:
        self.sources = sources or local_sources()
        self.gpus = list(gpus or [])
        self._nvml: Any = None
        self._nvml_problem: Text | None = None
        if any(g.vendor == "nvidia" for g in self.gpus):
            nvml = self.sources.get_nvml()
            self._nvml_problem = gpu_nvidia.open_nvml(nvml)
            if self._nvml_problem is None:
                self._nvml = nvml
        self._primed = False

    def close(self) -> None:
        if self._nvml is not None:
            gpu_nvidia.close_nvml(self._nvml)
            self._nvml = None

    def __enter__(self) -> SensorSampler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(self) -> SensorReading:
        """One sample; every sensor that fails is listed in `missing` with the reason."""
        reading = SensorReading(timestamp=time.time())
        ps = self.sources.psutil
        if ps is None:
            reading.missing["cpu"] = msg("psutil is not available")
        else:
            self._cpu(ps, reading)
        self._gpus(reading)
        return reading

    def _cpu(self, ps: Any, reading: SensorReading) -> None:
        m = reading.missing
        try:
            # psutil compares with the previous call; the very first call has nothing to compare with.
            percent = ps.cpu_percent(interval=None if self._primed else 0.1)
            self._primed = True
            reading.cpu_percent = float(percent)
        except Exception as exc:  # noqa: BLE001 - AccessDenied and OSError alike
            m["cpu_percent"] = f"{type(exc).__name__}: {exc}"
        try:
            freq = ps.cpu_freq()
            if freq is not None and freq.current:
                reading.cpu_freq_mhz = float(freq.current)
            else:
                m["cpu_freq_mhz"] = NOT_AVAILABLE
        except Exception as exc:  # noqa: BLE001 - psutil raises FileNotFoundError on some VMs
            m["cpu_freq_mhz"] = msg("not available on this system ({kind})", kind=type(exc).__name__)
        try:
            vm = ps.virtual_memory()
            reading.ram_total_bytes = int(vm.total)
            reading.ram_used_bytes = int(vm.total) - int(vm.available)
        except Exception as exc:  # noqa: BLE001
            m["ram_used_bytes"] = f"{type(exc).__name__}: {exc}"
        reading.cpu_temperature_c = self._cpu_temperature(ps, m)
        if self.sources.thermal is not None:
            try:
                reading.thermal_state = self.sources.thermal()
            except Exception as exc:  # noqa: BLE001 - pmset missing or failing
                m["thermal_state"] = f"{type(exc).__name__}: {exc}"

    @staticmethod
    def _cpu_temperature(ps: Any, m: dict[str, Text]) -> float | None:
        reader = getattr(ps, "sensors_temperatures", None)
        if reader is None:  # psutil has no temperature API on Windows and macOS
            m["cpu_temperature_c"] = NOT_AVAILABLE
            return None
        try:
            chips = reader() or {}
        except Exception as exc:  # noqa: BLE001
            m["cpu_temperature_c"] = msg("not available on this system ({kind})", kind=type(exc).__name__)
            return None
        for name in _CPU_CHIPS:
            entries = chips.get(name)
            if entries:
                package = next((e for e in entries if "package" in (e.label or "").lower()), None)
                tctl = next((e for e in entries if (e.label or "").lower() == "tctl"), None)
                return float((package or tctl or max(entries, key=lambda e: e.current)).current)
        m["cpu_temperature_c"] = NOT_AVAILABLE
        return None

    def _gpus(self, reading: SensorReading) -> None:
        nvidia = [g for g in self.gpus if g.vendor == "nvidia"]
        if nvidia:
            if self._nvml is None:
                reading.missing["nvidia"] = self._nvml_problem or msg("NVML is not open")
            else:
                reading.gpus.extend(gpu_nvidia.read_nvidia_sensors(self._nvml, nvidia))
        if self.sources.system == "Linux":
            others = [g for g in self.gpus if g.vendor in ("amd", "intel") and g.pci_id]
            reading.gpus.extend(gpu_linux.read_sysfs_sensors(self.sources, others))
        elif any(g.vendor in ("amd", "intel") for g in self.gpus):
            reading.missing["gpu_sensors"] = msg("AMD and Intel GPU sensors are only read on Linux")
        if any(g.vendor == "apple" for g in self.gpus):
            # powermetrics, the only source of Apple GPU load and power, needs administrator rights.
            reading.missing["gpu_sensors"] = msg("Apple GPU sensors are not available without administrator rights")


def sensors(sources: Sources | None = None, gpus: list[GpuInfo] | None = None) -> SensorReading:
    """One live sample (opens and closes NVML); use SensorSampler for repeated sampling."""
    with SensorSampler(sources, gpus) as sampler:
        return sampler.read()


@dataclass
class ThrottleSample:
    t: float  # seconds
    temperature_c: float | None = None
    clock_mhz: float | None = None
    tokens_per_s: float | None = None
    thermal_reasons: bool = False  # the GPU itself reports a thermal / hardware slowdown


@dataclass
class ThrottleVerdict:
    throttling: bool
    reason: Text = ""  # a translatable Message when throttling


# NVML clock-event reasons (gpu_nvidia.decode_throttle) that mean the GPU slows itself down for heat: the two
# thermal ones, and "hardware slowdown" (HW_SLOWDOWN), which NVML raises for overheating and for a power brake;
# the detector still needs it for the whole sustain period, so a brief power event is not reported.
THERMAL_REASONS = ("thermal", "hardware slowdown")


def watched_gpu(reading: SensorReading, gpu_used: bool = True) -> GpuSensors | None:
    """The GPU that matters: the first one reporting a temperature, if the work runs (partly) on a GPU."""
    if not gpu_used:
        return None
    return next((g for g in reading.gpus if g.temperature_c is not None), None)


def throttle_sample(
    reading: SensorReading, *, gpu_used: bool = True, tokens_per_s: float | None = None
) -> ThrottleSample:
    """What a reading says about throttling — the one rule for every face:

    - the device watched is the one doing the work: the first GPU reporting a temperature (``gpu_used``: the
      model has layers on a GPU; the hardware card, watching the machine rather than a model, passes True),
      else the CPU;
    - its temperature and its clock (GPU graphics clock, or CPU frequency);
    - ``tokens_per_s``: the reply's decode speed while one is being written (a better signal than clocks);
    - whether the GPU itself reports a thermal slowdown (THERMAL_REASONS, case-insensitive).
    """
    gpu = watched_gpu(reading, gpu_used)
    if gpu is not None:
        thermal = any(word in str(r).lower() for r in gpu.throttle_reasons for word in THERMAL_REASONS)
        clock = float(gpu.graphics_clock_mhz) if gpu.graphics_clock_mhz is not None else None
        return ThrottleSample(reading.timestamp, gpu.temperature_c, clock, tokens_per_s, thermal)
    return ThrottleSample(reading.timestamp, reading.cpu_temperature_c, reading.cpu_freq_mhz, tokens_per_s)


class ThrottleDetector:
    """Flags sustained throttling: temperature up and clocks (or tokens/s) down for `sustain_s` seconds.

    A single slow token or a clock dip while idle is not throttling; the drop must hold for the whole
    sustain period while the temperature is high or clearly higher than when the speed was best.
    """

    def __init__(
        self,
        window_s: float = 120.0,
        sustain_s: float = 10.0,
        drop: float = 0.15,
        temp_rise_c: float = 8.0,
        hot_c: float = 85.0,
    ) -> None:
        self.window_s, self.sustain_s, self.drop = window_s, sustain_s, drop
        self.temp_rise_c, self.hot_c = temp_rise_c, hot_c
        self._samples: deque[ThrottleSample] = deque()

    def add_reading(
        self, reading: SensorReading, *, gpu_used: bool = True, tokens_per_s: float | None = None
    ) -> ThrottleVerdict:
        """``add(throttle_sample(reading, ...))``: the usual way to feed the detector."""
        return self.add(throttle_sample(reading, gpu_used=gpu_used, tokens_per_s=tokens_per_s))

    def add(self, sample: ThrottleSample) -> ThrottleVerdict:
        self._samples.append(sample)
        while self._samples and sample.t - self._samples[0].t > self.window_s:
            self._samples.popleft()
        return self.verdict()

    def verdict(self) -> ThrottleVerdict:
        samples = list(self._samples)
        if len(samples) < 2 or samples[-1].t - samples[0].t < self.sustain_s:
            return ThrottleVerdict(False)
        recent = [s for s in samples if samples[-1].t - s.t <= self.sustain_s]
        if recent and all(s.thermal_reasons for s in recent):
            return ThrottleVerdict(True, msg("the GPU reports it is slowing down because it is too hot"))
        metric = "tokens_per_s" if any(s.tokens_per_s for s in samples) else "clock_mhz"
        values = [(s, getattr(s, metric)) for s in samples if getattr(s, metric)]
        if not values:
            return ThrottleVerdict(False)
        best_sample, best = max(values, key=lambda sv: sv[1])
        recent_values = [v for s, v in values if samples[-1].t - s.t <= self.sustain_s]
        if not recent_values or best_sample.t > samples[-1].t - self.sustain_s:
            return ThrottleVerdict(False)
        slow = all(v <= best * (1 - self.drop) for v in recent_values)
        temps = [s.temperature_c for s in recent if s.temperature_c is not None]
        if not slow or not temps:
            return ThrottleVerdict(False)
        base_temp = best_sample.temperature_c
        hot = min(temps) >= self.hot_c or (base_temp is not None and min(temps) >= base_temp + self.temp_rise_c)
        if not hot:
            return ThrottleVerdict(False)
        lost = round(100 * (1 - sum(recent_values) / len(recent_values) / best))
        if metric == "tokens_per_s":
            reason = msg("generation speed is down {lost} % while the temperature rose to {temp:.0f} °C",
                         lost=lost, temp=max(temps))
        else:
            reason = msg("clock speed is down {lost} % while the temperature rose to {temp:.0f} °C",
                         lost=lost, temp=max(temps))
        return ThrottleVerdict(True, reason)
