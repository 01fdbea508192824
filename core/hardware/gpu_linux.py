"""AMD and Intel GPUs on Linux from sysfs (/sys/class/drm/card*/device): VRAM, PCI ids, hwmon sensors."""

from __future__ import annotations

import re
from pathlib import Path

from modelnest.core.hardware.model import GpuInfo, GpuSensors
from modelnest.core.hardware.sources import Sources
from modelnest.core.hardware.tables import pci_spec
from modelnest.core.messages import msg

VENDORS = {0x1002: "amd", 0x8086: "intel", 0x10DE: "nvidia"}
_GT_TO_GEN = {"2.5": 1, "5.0": 2, "8.0": 3, "16.0": 4, "32.0": 5, "64.0": 6}


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def _hex(path: Path) -> int | None:
    text = _read(path)
    try:
        return int(text, 16) if text else None
    except ValueError:
        return None


def _int(path: Path) -> int | None:
    text = _read(path)
    try:
        return int(text) if text else None
    except ValueError:
        return None


def drm_devices(src: Sources) -> list[Path]:
    """The PCI device directories behind /sys/class/drm/cardN, one per GPU."""
    drm = src.path("/sys/class/drm")
    try:
        cards = sorted((p for p in drm.iterdir() if re.fullmatch(r"card\d+", p.name)), key=lambda p: int(p.name[4:]))
    except OSError:
        return []
    return [card / "device" for card in cards if (card / "device" / "vendor").is_file()]


def probe_sysfs_gpus(src: Sources, skip_nvidia: bool) -> list[GpuInfo]:
    gpus: list[GpuInfo] = []
    for index, dev in enumerate(drm_devices(src)):
        vendor_id, device_id = _hex(dev / "vendor"), _hex(dev / "device")
        vendor = VENDORS.get(vendor_id or 0)
        if vendor is None or device_id is None or (vendor == "nvidia" and skip_nvidia):
            continue
        gpus.append(_gpu(dev, index, vendor_id or 0, device_id, vendor))
    return gpus


def _gpu(dev: Path, index: int, vendor_id: int, device_id: int, vendor: str) -> GpuInfo:
    pci_id = f"{vendor_id:04x}:{device_id:04x}"
    total = _int(dev / "mem_info_vram_total")
    used = _int(dev / "mem_info_vram_used")
    spec = pci_spec(vendor_id, device_id, total)
    name = spec.name if spec else _read(dev / "product_name") or f"{vendor.upper()} GPU (PCI {pci_id})"
    gpu = GpuInfo(vendor=vendor, name=name, index=index, pci_id=pci_id)
    integrated = spec.integrated if spec else (vendor == "intel" and total is None)
    if vendor == "nvidia":
        # Only listed when NVML failed: the card exists but its driver cannot be queried.
        gpu.backend = "cuda"
        gpu.missing["vram_total_bytes"] = msg("the NVIDIA driver could not be queried (see GPU problems)")
    elif integrated:
        gpu.unified_memory = True
        gpu.backend = "vulkan"
        gpu.vram_total_bytes = None
        gpu.missing["vram_total_bytes"] = msg("integrated GPU: it uses system memory")
    else:
        gpu.backend = "rocm" if vendor == "amd" else "vulkan"
        if total is not None:
            gpu.vram_total_bytes = total
            if used is not None:
                gpu.vram_used_bytes = used
                gpu.vram_free_bytes = max(total - used, 0)
        else:
            gpu.missing["vram_total_bytes"] = msg("the driver does not report VRAM in sysfs (mem_info_vram_total)")
    if spec is not None and not spec.integrated:
        gpu.bandwidth_gb_s = spec.bandwidth_gb_s
        gpu.bandwidth_source = msg("table: {chip} ({memory}, {bits}-bit)", chip=spec.name, memory=spec.memory,
                                   bits=spec.bus_width_bits)
        gpu.memory_bus_width_bits = spec.bus_width_bits
    elif not gpu.unified_memory:
        gpu.missing["bandwidth_gb_s"] = msg("PCI id {pci_id} is not in our table of GPUs", pci_id=pci_id)
    speed, width = _read(dev / "max_link_speed"), _read(dev / "max_link_width")
    if speed and width and width != "0":
        gt = speed.split()[0]
        gen = _GT_TO_GEN.get(gt)
        gpu.pcie = f"PCIe {gen}.0 x{width}" if gen else f"PCIe {speed} x{width}"
    return gpu


def _hwmon(dev: Path) -> Path | None:
    try:
        dirs = sorted((dev / "hwmon").iterdir())
    except OSError:
        return None
    return dirs[0] if dirs else None


def read_sysfs_sensors(src: Sources, gpus: list[GpuInfo]) -> list[GpuSensors]:
    devices = drm_devices(src)
    out: list[GpuSensors] = []
    for gpu in gpus:
        reading = GpuSensors(index=gpu.index, name=gpu.name)
        dev = devices[gpu.index] if gpu.index < len(devices) else None
        if dev is None:
            reading.missing["gpu"] = msg("the device disappeared from sysfs")
            out.append(reading)
            continue
        busy = _int(dev / "gpu_busy_percent")
        reading.utilization_percent = float(busy) if busy is not None else None
        reading.vram_used_bytes = _int(dev / "mem_info_vram_used")
        hw = _hwmon(dev)
        if hw is not None:
            temp = _int(hw / "temp1_input")
            reading.temperature_c = temp / 1000 if temp is not None else None
            power = _int(hw / "power1_average") or _int(hw / "power1_input")
            reading.power_w = power / 1e6 if power is not None else None  # microwatts
            sclk, mclk = _int(hw / "freq1_input"), _int(hw / "freq2_input")
            reading.graphics_clock_mhz = sclk // 1_000_000 if sclk else None
            reading.memory_clock_mhz = mclk // 1_000_000 if mclk else None
        for key in ("utilization_percent", "temperature_c", "power_w", "graphics_clock_mhz"):
            if getattr(reading, key) is None:
                reading.missing[key] = msg("not available from this driver")
        out.append(reading)
    return out
