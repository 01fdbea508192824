"""NVIDIA GPUs through NVML (nvidia-ml-py): every call guarded on its own, every error code explained."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from modelnest.core.hardware.model import GpuInfo, GpuSensors
from modelnest.core.hardware.tables import nvidia_spec
from modelnest.core.messages import Message, Text, msg

T = TypeVar("T")

# NVML return codes (nvml.h) we explain in plain words; the rest fall back to NVML's own text.
_EXPLAIN: dict[int, Text] = {
    1: msg("NVML was not initialised"),
    3: msg("not supported by this GPU or driver"),
    4: msg("permission denied by the driver"),
    9: msg("the NVIDIA driver is installed but not running (check Secure Boot or restart the computer)"),
    10: msg("the driver did not answer in time"),
    12: msg("no NVIDIA driver found (the NVML library is not installed)"),
    13: msg("the installed NVIDIA driver is too old for this query"),
    15: msg("the GPU stopped responding (\u201cGPU is lost\u201d); restart the computer"),
    16: msg("the GPU needs a reset; restart the computer"),
    17: msg("the operating system blocked the request"),
    18: msg("the NVIDIA driver was updated but the old one is still loaded; restart the computer"),
    20: msg("the driver ran out of memory"),
    999: msg("unknown NVML error"),
}
# Clock event (throttle) reason bits that mean "slower than it could be"; idle/app-clock bits are not throttling.
THROTTLE_BITS: dict[int, Message] = {
    0x4: msg("power limit"),
    0x8: msg("hardware slowdown"),
    0x20: msg("thermal (driver)"),
    0x40: msg("thermal (hardware)"),
    0x80: msg("power brake"),
}
THERMAL_BITS = 0x8 | 0x20 | 0x40


def explain(exc: BaseException) -> Text:
    """Plain words for an NVML (or loader) exception."""
    code = getattr(exc, "value", None)
    if isinstance(code, int):
        text: Text | None = _EXPLAIN.get(code)
        if text is None:
            try:
                text = str(exc)
            except Exception:  # noqa: BLE001 - NVML's error string lookup can itself fail
                text = msg("NVML error")
        return msg("{text} (NVML error {code})", text=text, code=code)
    return f"{type(exc).__name__}: {exc}"


def _call(nvml: Any, missing: dict[str, Text], key: str, fn: Callable[..., T], *args: Any) -> T | None:
    """One NVML call; on failure record why under `key` and return None."""
    try:
        return fn(*args)
    except nvml.NVMLError as exc:
        missing[key] = explain(exc)
    except AttributeError:
        missing[key] = msg("this nvidia-ml-py version lacks the call")
    except Exception as exc:  # noqa: BLE001 - ctypes/OSError from a broken driver stack
        missing[key] = f"{type(exc).__name__}: {exc}"
    return None


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _cuda_version(raw: int | None) -> str | None:
    return None if raw is None else f"{raw // 1000}.{raw % 1000 // 10}"


def _pcie_version(gen: int | None) -> str:
    return f"{gen}.0" if gen else "?"


def open_nvml(nvml: Any) -> Text | None:
    """Initialise NVML; returns the reason when it cannot be used (None on success)."""
    try:
        nvml.nvmlInit()
    except nvml.NVMLError as exc:
        return explain(exc)
    except Exception as exc:  # noqa: BLE001 - e.g. OSError from a half-installed library
        return msg("NVML could not start ({kind}: {error})", kind=type(exc).__name__, error=str(exc))
    return None


def close_nvml(nvml: Any) -> None:
    try:
        nvml.nvmlShutdown()
    except Exception:  # noqa: BLE001 - shutting down a failed library has nothing to report
        pass


def probe_nvidia(nvml: Any) -> tuple[list[GpuInfo], list[Text]]:
    """(GPUs, problems): problems explain why NVIDIA GPUs could not be listed at all."""
    reason = open_nvml(nvml)
    if reason is not None:
        return [], [msg("NVIDIA: {reason}", reason=reason)]
    try:
        top: dict[str, Text] = {}
        driver = _call(nvml, top, "driver_version", nvml.nvmlSystemGetDriverVersion)
        cuda = _call(nvml, top, "cuda_version", nvml.nvmlSystemGetCudaDriverVersion_v2)
        count = _call(nvml, top, "count", nvml.nvmlDeviceGetCount)
        if count is None:
            return [], [msg("NVIDIA: could not count GPUs: {reason}", reason=top["count"])]
        gpus = [_device(nvml, i, driver, cuda, top) for i in range(count)]
        return [g for g in gpus if g is not None], []
    finally:
        close_nvml(nvml)


def _device(nvml: Any, index: int, driver: Any, cuda: Any, top: dict[str, Text]) -> GpuInfo | None:
    missing: dict[str, Text] = {k: v for k, v in top.items() if k in ("driver_version", "cuda_version")}
    handle = _call(nvml, missing, "handle", nvml.nvmlDeviceGetHandleByIndex, index)
    if handle is None:
        return GpuInfo(vendor="nvidia", name=f"NVIDIA GPU {index}", index=index, backend="cuda", missing=missing)
    name = _call(nvml, missing, "name", nvml.nvmlDeviceGetName, handle)
    gpu = GpuInfo(
        vendor="nvidia",
        name=_text(name) if name is not None else f"NVIDIA GPU {index}",
        index=index,
        backend="cuda",
        driver_version=_text(driver) if driver is not None else None,
        cuda_version=_cuda_version(cuda),
        missing=missing,
    )
    mem = _call(nvml, missing, "vram_total_bytes", nvml.nvmlDeviceGetMemoryInfo, handle)
    if mem is not None:
        gpu.vram_total_bytes, gpu.vram_free_bytes, gpu.vram_used_bytes = int(mem.total), int(mem.free), int(mem.used)
    cc = _call(nvml, missing, "compute_capability", nvml.nvmlDeviceGetCudaComputeCapability, handle)
    if cc is not None:
        gpu.compute_capability = f"{cc[0]}.{cc[1]}"
    gpu.memory_bus_width_bits = _call(nvml, missing, "memory_bus_width_bits", nvml.nvmlDeviceGetMemoryBusWidth, handle)
    gpu.max_memory_clock_mhz = _call(
        nvml, missing, "max_memory_clock_mhz", nvml.nvmlDeviceGetMaxClockInfo, handle, nvml.NVML_CLOCK_MEM
    )
    _pcie(nvml, gpu, handle)
    spec = nvidia_spec(gpu.name)
    if gpu.memory_bus_width_bits and gpu.max_memory_clock_mhz:
        # NVML reports the memory clock at half the transfer rate for every memory type (GDDR5/6/6X/7, HBM),
        # so bytes/s = bus bits / 8 x clock x 2. Checked: RTX 3060 192-bit x 7501 MHz -> 360 GB/s (spec 360).
        gpu.bandwidth_gb_s = round(gpu.memory_bus_width_bits / 8 * gpu.max_memory_clock_mhz * 2 / 1000, 1)
        gpu.bandwidth_source = msg("NVML: {bits}-bit bus \u00d7 {mhz} MHz memory clock",
                                   bits=gpu.memory_bus_width_bits, mhz=gpu.max_memory_clock_mhz)
    elif spec is not None:
        gpu.bandwidth_gb_s = spec.bandwidth_gb_s
        gpu.bandwidth_source = msg("table: {chip} ({memory}, {bits}-bit)", chip=spec.name, memory=spec.memory,
                                   bits=spec.bus_width_bits)
    else:
        missing["bandwidth_gb_s"] = msg("NVML gave no bus width or clock and the GPU is not in our table")
    return gpu


def _pcie(nvml: Any, gpu: GpuInfo, handle: Any) -> None:
    scratch: dict[str, Text] = {}
    max_gen = _call(nvml, scratch, "pcie", nvml.nvmlDeviceGetMaxPcieLinkGeneration, handle)
    max_width = _call(nvml, scratch, "pcie", nvml.nvmlDeviceGetMaxPcieLinkWidth, handle)
    cur_gen = _call(nvml, scratch, "pcie", nvml.nvmlDeviceGetCurrPcieLinkGeneration, handle)
    cur_width = _call(nvml, scratch, "pcie", nvml.nvmlDeviceGetCurrPcieLinkWidth, handle)
    if max_gen and max_width:
        gpu.pcie = f"PCIe {_pcie_version(max_gen)} x{max_width}"
        if cur_gen and cur_width and (cur_gen, cur_width) != (max_gen, max_width):
            gpu.pcie = msg("{link} (now {now_version} x{now_width}, links slow down when idle)", link=gpu.pcie,
                           now_version=_pcie_version(cur_gen), now_width=cur_width)
    elif scratch:
        gpu.missing["pcie"] = scratch["pcie"]


def tensor_cores(gpu: GpuInfo) -> bool | None:
    """Whether the GPU has tensor cores (GTX 16xx are Turing without them)."""
    spec = nvidia_spec(gpu.name)
    if spec is not None and spec.tensor_cores is not None:
        return spec.tensor_cores
    if gpu.compute_capability is None:
        return None
    return float(gpu.compute_capability) >= 7.0


def decode_throttle(bits: int) -> list[Text]:
    return [text for bit, text in THROTTLE_BITS.items() if bits & bit]


def read_nvidia_sensors(nvml: Any, gpus: list[GpuInfo]) -> list[GpuSensors]:
    """Live readings of each NVIDIA GPU (NVML already initialised by the caller)."""
    out: list[GpuSensors] = []
    for gpu in gpus:
        reading = GpuSensors(index=gpu.index, name=gpu.name)
        m = reading.missing
        handle = _call(nvml, m, "handle", nvml.nvmlDeviceGetHandleByIndex, gpu.index)
        if handle is None:
            out.append(reading)
            continue
        util = _call(nvml, m, "utilization_percent", nvml.nvmlDeviceGetUtilizationRates, handle)
        if util is not None:
            reading.utilization_percent = float(util.gpu)
        mem = _call(nvml, m, "vram_used_bytes", nvml.nvmlDeviceGetMemoryInfo, handle)
        if mem is not None:
            reading.vram_used_bytes = int(mem.used)
        temp = _call(nvml, m, "temperature_c", nvml.nvmlDeviceGetTemperature, handle, nvml.NVML_TEMPERATURE_GPU)
        reading.temperature_c = float(temp) if temp is not None else None
        power = _call(nvml, m, "power_w", nvml.nvmlDeviceGetPowerUsage, handle)
        reading.power_w = power / 1000 if power is not None else None  # milliwatts
        reading.graphics_clock_mhz = _call(
            nvml, m, "graphics_clock_mhz", nvml.nvmlDeviceGetClockInfo, handle, nvml.NVML_CLOCK_GRAPHICS
        )
        reading.memory_clock_mhz = _call(
            nvml, m, "memory_clock_mhz", nvml.nvmlDeviceGetClockInfo, handle, nvml.NVML_CLOCK_MEM
        )
        # "Clocks event reasons" replaced "throttle reasons" in driver 535; older drivers only know the old call.
        scratch: dict[str, Text] = {}
        bits = _call(nvml, scratch, "throttle", nvml.nvmlDeviceGetCurrentClocksEventReasons, handle)
        if bits is None:
            bits = _call(nvml, scratch, "throttle", nvml.nvmlDeviceGetCurrentClocksThrottleReasons, handle)
        if bits is None:
            m["throttle_reasons"] = scratch.get("throttle", msg("not reported"))
        else:
            reading.throttle_reasons = decode_throttle(int(bits))
        out.append(reading)
    return out
