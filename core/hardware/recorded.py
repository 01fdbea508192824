"""Replay of a machine recorded as JSON: files under /proc and /sys, sysctl, ioreg, NVML, registry, psutil.

The probe reads a recorded machine through exactly the code it uses on a live one; only the bottom
layer (file system root, the pynvml module, the psutil module, sysctl) is swapped. Format: see
docs/hardware.md and tests/data/machines/*.json.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psutil
import pynvml

from modelnest.core.hardware.sources import Sources


class RecordedNvml:
    """A pynvml-like module answering from a recording; errors are real pynvml.NVMLError instances."""

    NVMLError = pynvml.NVMLError
    NVML_CLOCK_GRAPHICS = pynvml.NVML_CLOCK_GRAPHICS
    NVML_CLOCK_SM = pynvml.NVML_CLOCK_SM
    NVML_CLOCK_MEM = pynvml.NVML_CLOCK_MEM
    NVML_TEMPERATURE_GPU = pynvml.NVML_TEMPERATURE_GPU

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.devices: list[dict[str, Any]] = data.get("devices", [])
        self.initialised = 0
        self.calls: list[str] = []
        # Calls this driver generation does not have: AttributeError, as with an older nvidia-ml-py.
        for name in data.get("absent_calls", []):
            setattr(self, name, None)

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if value is None and name.startswith("nvml"):
            raise AttributeError(name)
        return value

    def _check(self, call: str, device: dict[str, Any] | None = None) -> None:
        self.calls.append(call)
        code = self.data.get("errors", {}).get(call)
        if code is None and device is not None:
            code = device.get("errors", {}).get(call)
        if code is not None:
            raise pynvml.NVMLError(int(code))
        if call not in ("nvmlInit", "nvmlShutdown") and self.initialised <= 0:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_UNINITIALIZED)

    def _dev(self, handle: Any, call: str) -> dict[str, Any]:
        device = self.devices[int(handle)]
        self._check(call, device)
        return device

    def nvmlInit(self) -> None:
        self._check("nvmlInit")
        self.initialised += 1

    def nvmlShutdown(self) -> None:
        self._check("nvmlShutdown")
        self.initialised -= 1

    def nvmlSystemGetDriverVersion(self) -> str:
        self._check("nvmlSystemGetDriverVersion")
        return str(self.data["driver_version"])

    def nvmlSystemGetCudaDriverVersion_v2(self) -> int:
        self._check("nvmlSystemGetCudaDriverVersion_v2")
        return int(self.data["cuda_driver_version"])

    def nvmlDeviceGetCount(self) -> int:
        self._check("nvmlDeviceGetCount")
        return len(self.devices)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        self._dev(index, "nvmlDeviceGetHandleByIndex")
        return index

    def nvmlDeviceGetName(self, handle: int) -> str:
        return str(self._dev(handle, "nvmlDeviceGetName")["name"])

    def nvmlDeviceGetMemoryInfo(self, handle: int, version: Any = None) -> SimpleNamespace:
        return SimpleNamespace(**self._dev(handle, "nvmlDeviceGetMemoryInfo")["memory"])

    def nvmlDeviceGetCudaComputeCapability(self, handle: int) -> tuple[int, int]:
        major, minor = self._dev(handle, "nvmlDeviceGetCudaComputeCapability")["cuda_compute_capability"]
        return int(major), int(minor)

    def nvmlDeviceGetMemoryBusWidth(self, handle: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetMemoryBusWidth")["memory_bus_width"])

    def nvmlDeviceGetMaxClockInfo(self, handle: int, kind: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetMaxClockInfo")["max_clock"][_clock_key(kind)])

    def nvmlDeviceGetClockInfo(self, handle: int, kind: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetClockInfo")["clock"][_clock_key(kind)])

    def nvmlDeviceGetMaxPcieLinkGeneration(self, handle: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetMaxPcieLinkGeneration")["pcie"]["max_gen"])

    def nvmlDeviceGetMaxPcieLinkWidth(self, handle: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetMaxPcieLinkWidth")["pcie"]["max_width"])

    def nvmlDeviceGetCurrPcieLinkGeneration(self, handle: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetCurrPcieLinkGeneration")["pcie"]["curr_gen"])

    def nvmlDeviceGetCurrPcieLinkWidth(self, handle: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetCurrPcieLinkWidth")["pcie"]["curr_width"])

    def nvmlDeviceGetUtilizationRates(self, handle: int) -> SimpleNamespace:
        return SimpleNamespace(**self._dev(handle, "nvmlDeviceGetUtilizationRates")["utilization"])

    def nvmlDeviceGetTemperature(self, handle: int, sensor: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetTemperature")["temperature"])

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetPowerUsage")["power_mw"])

    def nvmlDeviceGetCurrentClocksEventReasons(self, handle: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetCurrentClocksEventReasons")["clocks_event_reasons"])

    def nvmlDeviceGetCurrentClocksThrottleReasons(self, handle: int) -> int:
        return int(self._dev(handle, "nvmlDeviceGetCurrentClocksThrottleReasons")["clocks_event_reasons"])


def _clock_key(kind: int) -> str:
    return {pynvml.NVML_CLOCK_GRAPHICS: "graphics", pynvml.NVML_CLOCK_SM: "sm", pynvml.NVML_CLOCK_MEM: "mem"}[kind]


class RecordedPsutil:
    """The part of psutil the probe uses, answering from a recording; "errors" raise psutil's own exceptions."""

    AccessDenied = psutil.AccessDenied

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        if "sensors_temperatures" in data:  # psutil has this call only on Linux and FreeBSD
            self.sensors_temperatures = self._temperatures

    def _check(self, call: str) -> None:
        error = self.data.get("errors", {}).get(call)
        if error == "AccessDenied":
            raise psutil.AccessDenied()
        if error:
            raise OSError(error)

    def virtual_memory(self) -> SimpleNamespace:
        self._check("virtual_memory")
        return SimpleNamespace(**self.data["virtual_memory"])

    def swap_memory(self) -> SimpleNamespace:
        self._check("swap_memory")
        return SimpleNamespace(**self.data["swap_memory"])

    def cpu_count(self, logical: bool = True) -> int | None:
        self._check("cpu_count")
        count: int | None = self.data.get("cpu_count", {}).get("logical" if logical else "physical")
        return count

    def cpu_percent(self, interval: float | None = None) -> float:
        self._check("cpu_percent")
        return float(self.data.get("cpu_percent", 0.0))

    def cpu_freq(self) -> SimpleNamespace | None:
        self._check("cpu_freq")
        freq = self.data.get("cpu_freq")
        return SimpleNamespace(**freq) if freq else None

    def _temperatures(self) -> dict[str, list[SimpleNamespace]]:
        self._check("sensors_temperatures")
        return {
            chip: [SimpleNamespace(label=e.get("label", ""), current=e["current"]) for e in entries]
            for chip, entries in self.data["sensors_temperatures"].items()
        }

    def disk_usage(self, path: str) -> SimpleNamespace:
        self._check("disk_usage")
        return SimpleNamespace(**self.data["disk_usage"])

    def disk_partitions(self, all: bool = False) -> list[SimpleNamespace]:  # noqa: A002 - psutil's name
        self._check("disk_partitions")
        return [SimpleNamespace(**p) for p in self.data.get("disk_partitions", [])]


def _lookup(table: dict[str, Any]) -> Callable[[str], str | None]:
    def read(name: str) -> str | None:
        value = table.get(name)
        return None if value is None else str(value)

    return read


def materialise_files(files: dict[str, str], root: Path) -> None:
    """Write recorded /proc and /sys files under `root` (the probe then reads them as on the machine)."""
    for name, text in files.items():
        path = root / name.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def load_machine(recording: Path | dict[str, Any], workdir: Path) -> Sources:
    """Sources that replay a recorded machine; its /proc and /sys files are written under `workdir`."""
    data = recording if isinstance(recording, dict) else json.loads(Path(recording).read_text(encoding="utf-8"))
    root = workdir / "root"
    root.mkdir(parents=True, exist_ok=True)
    materialise_files(data.get("files", {}), root)
    src = Sources(system=data["system"], machine=data["machine"], root=root, label=data.get("name", "recorded"))
    nvml = data.get("nvml")
    # No NVML recording = no NVIDIA driver on that machine: the library is missing (error 12), as on such a PC.
    src.nvml = RecordedNvml(nvml if nvml is not None else {"errors": {"nvmlInit": pynvml.NVML_ERROR_LIBRARY_NOT_FOUND}})
    src.psutil = RecordedPsutil(data.get("psutil", {}))
    if "sysctl" in data:
        src.sysctl = _lookup(data["sysctl"])
    if "ioreg" in data:
        text = data["ioreg"]
        src.ioreg = lambda: text
    if "adapters" in data:
        adapters = data["adapters"]
        src.adapters = lambda: [dict(a) for a in adapters]
    if "win_features" in data:
        features = data["win_features"]
        src.win_features = lambda name: bool(features.get(name, False))
    if "win_cpu" in data:
        cpu = data["win_cpu"]
        src.win_cpu = lambda: dict(cpu)
    if "win_cores" in data:
        cores = [tuple(c) for c in data["win_cores"]]
        src.win_cores = lambda: [(int(e), int(t)) for e, t in cores]
    if "thermal_state" in data:
        state = data["thermal_state"]
        src.thermal = lambda: state
    if "usable_cores" in data:
        usable = int(data["usable_cores"])
        src.affinity = lambda: usable
    src.extra = {"name": data.get("name"), "description": data.get("description")}
    return src
