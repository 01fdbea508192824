"""Where the probe reads the machine from: one injectable object per OS/vendor source.

The real machine and a recorded machine (modelnest.core.hardware.recorded) both fill a `Sources`,
so tests replay real machines' answers through exactly the code paths the real sources use.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# sysctl name -> text value (None when the name does not exist on this machine)
SysctlReader = Callable[[str], "str | None"]
# () -> list of display adapters, each a dict of registry values (DriverDesc, HardwareInformation.qwMemorySize, ...)
AdapterReader = Callable[[], "list[dict[str, Any]]"]
# () -> raw `ioreg -rc AGXAccelerator -d 1` text (Apple GPU: model, gpu-core-count)
IoregReader = Callable[[], str]
# Windows IsProcessorFeaturePresent by feature name ("avx2", ...) -> bool
WinFeatureReader = Callable[[str], bool]
# Windows CPU registry values (ProcessorNameString, ...)
WinCpuReader = Callable[[], "dict[str, Any]"]
# Windows physical cores as (EfficiencyClass, threads) pairs, from GetLogicalProcessorInformationEx
WinCoreReader = Callable[[], "list[tuple[int, int]]"]


@dataclass
class Sources:
    """Everything probe() and sensors() read; each member is independently replaceable."""

    system: str  # platform.system(): Linux, Darwin, Windows
    machine: str  # platform.machine() of this process (x86_64 under Rosetta too)
    root: Path = Path("/")  # file system root for /proc and /sys
    nvml: Any = None  # a pynvml-like module; None means "import pynvml when first needed"
    psutil: Any = None  # a psutil-like module (virtual_memory, swap_memory, cpu_count, disk_usage, ...)
    sysctl: SysctlReader | None = None
    ioreg: IoregReader | None = None
    adapters: AdapterReader | None = None
    win_features: WinFeatureReader | None = None
    win_cpu: WinCpuReader | None = None
    win_cores: WinCoreReader | None = None
    affinity: Callable[[], int] | None = None  # usable CPUs for this process
    thermal: Callable[[], str] | None = None  # macOS thermal state ("nominal", "fair", "serious", "critical")
    label: str = "this computer"
    extra: dict[str, Any] = field(default_factory=dict)

    def read_text(self, path: str) -> str:
        """A file under root (absolute path as on the machine, e.g. "/proc/meminfo"); raises OSError."""
        return (self.root / path.lstrip("/")).read_text(encoding="utf-8", errors="replace")

    def path(self, path: str) -> Path:
        return self.root / path.lstrip("/")

    def get_nvml(self) -> Any:
        if self.nvml is None:
            import pynvml  # nvidia-ml-py; loads libnvidia-ml lazily in nvmlInit

            self.nvml = pynvml
        return self.nvml


def _real_sysctl(name: str) -> str | None:
    # Reading sysctl through the command keeps us free of ctypes struct juggling; ~2 ms per call.
    try:
        out = subprocess.run(["sysctl", "-n", name], capture_output=True, text=True, timeout=2)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip()


def _real_ioreg() -> str:
    out = subprocess.run(
        ["ioreg", "-rc", "AGXAccelerator", "-d", "1"], capture_output=True, text=True, timeout=3
    )
    return out.stdout


_DISPLAY_CLASS = r"SYSTEM\CurrentControlSet\Control\Class\{4d36e968-e325-11ce-bfc1-08002be10318}"
_WIN_FEATURES = {  # IsProcessorFeaturePresent constants (winnt.h)
    "sse3": 13,
    "neon": 19,
    "avx": 39,
    "avx2": 40,
    "avx512f": 41,
    "dotprod": 43,
    "sve": 46,
    "i8mm": 54,
}


def _real_thermal() -> str:
    # NSProcessInfo.thermalState needs PyObjC; `pmset -g therm` tells the same story without it.
    out = subprocess.run(["pmset", "-g", "therm"], capture_output=True, text=True, timeout=3).stdout
    return parse_pmset_therm(out)


def parse_pmset_therm(text: str) -> str:
    """`pmset -g therm` -> "nominal", "fair" (slight speed limit), "serious" (<= 80 %) or "critical" (<= 50 %)."""
    match = re.search(r"CPU_Speed_Limit\s*=\s*(\d+)", text)
    if match:
        limit = int(match.group(1))
        if limit >= 100:
            return "nominal"
        return "fair" if limit > 80 else "serious" if limit > 50 else "critical"
    if re.search(r"thermal warning level set to (\d+)", text):
        return "serious"
    return "nominal"


def _real_adapters() -> list[dict[str, Any]]:
    # Win32_VideoController.AdapterRAM is a 32-bit field (caps at 4 GiB); the driver's registry key
    # holds the real 64-bit HardwareInformation.qwMemorySize.
    if sys.platform != "win32":  # only local_sources() on Windows calls this; the check also informs the type checker
        raise OSError("the Windows registry exists only on Windows")
    import winreg

    adapters: list[dict[str, Any]] = []
    with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, _DISPLAY_CLASS) as cls:
        index = 0
        while True:
            try:
                sub = winreg.EnumKey(cls, index)
            except OSError:
                break
            index += 1
            if not re.fullmatch(r"\d{4}", sub):
                continue
            values: dict[str, Any] = {}
            try:
                with winreg.OpenKey(cls, sub) as key:
                    j = 0
                    while True:
                        try:
                            name, value, _ = winreg.EnumValue(key, j)
                        except OSError:
                            break
                        j += 1
                        if name in (
                            "DriverDesc",
                            "MatchingDeviceId",
                            "HardwareInformation.qwMemorySize",
                            "HardwareInformation.MemorySize",
                            "HardwareInformation.AdapterString",
                            "DriverVersion",
                        ):
                            values[name] = value
            except OSError:
                continue
            if values.get("DriverDesc"):
                adapters.append(values)
    return adapters


def _real_win_features(name: str) -> bool:
    import ctypes

    code = _WIN_FEATURES.get(name)
    if code is None:
        return False
    return bool(ctypes.windll.kernel32.IsProcessorFeaturePresent(code))  # type: ignore[attr-defined]


def _real_win_cpu() -> dict[str, Any]:
    if sys.platform != "win32":  # only local_sources() on Windows calls this; the check also informs the type checker
        raise OSError("the Windows registry exists only on Windows")
    import winreg

    with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"HARDWARE\DESCRIPTION\System\CentralProcessor\0") as key:
        return {"ProcessorNameString": winreg.QueryValueEx(key, "ProcessorNameString")[0]}


def _real_win_cores() -> list[tuple[int, int]]:
    """(EfficiencyClass, threads) per physical core; a higher class is a faster core (Windows 10+)."""
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    relation_processor_core = 0
    length = ctypes.c_ulong(0)
    kernel32.GetLogicalProcessorInformationEx(relation_processor_core, None, ctypes.byref(length))
    buffer = ctypes.create_string_buffer(length.value)
    if not kernel32.GetLogicalProcessorInformationEx(relation_processor_core, buffer, ctypes.byref(length)):
        raise OSError("GetLogicalProcessorInformationEx failed")
    raw = buffer.raw[: length.value]
    cores: list[tuple[int, int]] = []
    offset = 0
    # SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX: Relationship (DWORD), Size (DWORD), then
    # PROCESSOR_RELATIONSHIP: Flags (BYTE, LTP_PC_SMT = 1), EfficiencyClass (BYTE), ...
    while offset + 10 <= len(raw):
        size = int.from_bytes(raw[offset + 4 : offset + 8], "little")
        if size <= 0:
            break
        flags, efficiency = raw[offset + 8], raw[offset + 9]
        cores.append((efficiency, 2 if flags & 1 else 1))
        offset += size
    return cores


def _real_affinity() -> int:
    import os

    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def local_sources() -> Sources:
    """The sources of the machine we are running on."""
    import psutil

    system = platform.system()
    src = Sources(system=system, machine=platform.machine(), psutil=psutil, affinity=_real_affinity)
    if system == "Darwin":
        src.sysctl = _real_sysctl
        src.thermal = _real_thermal
        if shutil.which("ioreg"):
            src.ioreg = _real_ioreg
    elif sys.platform == "win32":
        src.adapters = _real_adapters
        src.win_features = _real_win_features
        src.win_cpu = _real_win_cpu
        src.win_cores = _real_win_cores
    return src
