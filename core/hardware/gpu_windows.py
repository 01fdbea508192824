"""GPUs on Windows from the display adapters' registry keys (64-bit qwMemorySize, not WMI's 4 GiB-capped AdapterRAM)."""

from __future__ import annotations

import re
from typing import Any

from modelnest.core.hardware.model import GpuInfo
from modelnest.core.hardware.sources import Sources
from modelnest.core.hardware.tables import nvidia_spec, pci_spec
from modelnest.core.messages import Text, msg

_VENDORS = {0x10DE: "nvidia", 0x1002: "amd", 0x8086: "intel"}


def _as_int(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, (bytes, bytearray)) and value:
        return int.from_bytes(value, "little")  # REG_BINARY
    return None


def probe_windows_gpus(src: Sources, skip_nvidia: bool) -> tuple[list[GpuInfo], list[Text]]:
    if src.adapters is None:
        return [], []
    try:
        adapters = src.adapters()
    except OSError as exc:
        return [], [msg("Windows display adapters: registry unreadable ({error})", error=str(exc))]
    gpus: list[GpuInfo] = []
    for index, values in enumerate(adapters):
        match = re.search(r"ven_([0-9a-f]{4})&dev_([0-9a-f]{4})", str(values.get("MatchingDeviceId", "")), re.I)
        if not match:
            continue  # software adapters (Microsoft Basic Render Driver) have no PCI id
        vendor_id, device_id = int(match.group(1), 16), int(match.group(2), 16)
        vendor = _VENDORS.get(vendor_id)
        if vendor is None or (vendor == "nvidia" and skip_nvidia):
            continue
        name = str(values.get("DriverDesc", f"GPU {vendor_id:04x}:{device_id:04x}"))
        size = _as_int(values.get("HardwareInformation.qwMemorySize"))
        if size is None:
            size = _as_int(values.get("HardwareInformation.MemorySize"))  # 32-bit: wrong above 4 GiB
        spec = pci_spec(vendor_id, device_id, size) or (nvidia_spec(name) if vendor == "nvidia" else None)
        gpu = GpuInfo(vendor=vendor, name=name, index=index, pci_id=f"{vendor_id:04x}:{device_id:04x}")
        integrated = spec.integrated if spec else vendor == "intel" and "arc" not in name.lower()
        if integrated:
            gpu.unified_memory, gpu.backend = True, "vulkan"
            gpu.missing["vram_total_bytes"] = msg("integrated GPU: it uses system memory")
        else:
            gpu.backend = {"nvidia": "cuda", "amd": "vulkan", "intel": "vulkan"}[vendor]
            gpu.vram_total_bytes = size
            gpu.missing["vram_free_bytes"] = msg("free VRAM is not in the registry")
            if size is None:
                gpu.missing["vram_total_bytes"] = msg("the driver did not record its memory size")
            if spec is not None:
                gpu.bandwidth_gb_s = spec.bandwidth_gb_s
                gpu.bandwidth_source = msg("table: {chip} ({memory}, {bits}-bit)", chip=spec.name, memory=spec.memory,
                                           bits=spec.bus_width_bits)
                gpu.memory_bus_width_bits = spec.bus_width_bits
        gpus.append(gpu)
    return gpus, []
