"""Failing sources: every NVML error code, psutil AccessDenied, missing sysfs files, cgroup limits.

The probe must always return, and say why a figure is missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pynvml
import pytest

from modelnest.core.hardware import probe
from modelnest.core.hardware.gpu_nvidia import probe_nvidia
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.hardware.sensors import SensorSampler

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"
GIB = 1024**3
NVML_CODES = sorted({getattr(pynvml, n) for n in dir(pynvml) if n.startswith("NVML_ERROR_")})


def recording(name: str) -> dict[str, Any]:
    return json.loads((MACHINES / f"{name}.json").read_text())


@pytest.mark.parametrize("code", NVML_CODES)
def test_nvml_init_error_still_lists_the_card_and_says_why(code: int, tmp_path: Path) -> None:
    data = recording("rtx3060_desktop")
    data["nvml"]["errors"] = {"nvmlInit": code}
    snap = probe(load_machine(data, tmp_path), models_dir=tmp_path)
    # sysfs still shows the NVIDIA card; NVML's failure is the explanation for its missing figures.
    assert [g.vendor for g in snap.gpus] == ["nvidia"]
    assert snap.gpus[0].pci_id == "10de:2504"
    assert len(snap.gpu_problems) == 1 and f"(NVML error {code})" in str(snap.gpu_problems[0])
    assert snap.memory.total_bytes and snap.cpu.brand  # the rest of the card is unaffected


def test_nvml_explanations_are_plain_words(tmp_path: Path) -> None:
    for code, words in (
        (pynvml.NVML_ERROR_LIBRARY_NOT_FOUND, "no NVIDIA driver found"),
        (pynvml.NVML_ERROR_DRIVER_NOT_LOADED, "not running"),
        (pynvml.NVML_ERROR_LIB_RM_VERSION_MISMATCH, "restart the computer"),
    ):
        data = recording("rtx3060_desktop")
        data["nvml"]["errors"] = {"nvmlInit": code}
        snap = probe(load_machine(data, tmp_path / str(code)), models_dir=tmp_path, with_sensors=False)
        assert words in str(snap.gpu_problems[0])


DEVICE_CALLS = {
    "nvmlDeviceGetName": "name",
    "nvmlDeviceGetMemoryInfo": "vram_total_bytes",
    "nvmlDeviceGetCudaComputeCapability": "compute_capability",
    "nvmlDeviceGetMemoryBusWidth": "memory_bus_width_bits",
    "nvmlDeviceGetMaxClockInfo": "max_memory_clock_mhz",
    "nvmlDeviceGetMaxPcieLinkGeneration": "pcie",
}


@pytest.mark.parametrize("call", sorted(DEVICE_CALLS))
@pytest.mark.parametrize("code", NVML_CODES)
def test_each_nvml_call_fails_on_its_own(call: str, code: int) -> None:
    data = recording("rtx4090_desktop")["nvml"]
    data["devices"][0]["errors"] = {call: code}
    from modelnest.core.hardware.recorded import RecordedNvml

    nvml = RecordedNvml(data)
    gpus, problems = probe_nvidia(nvml)
    assert problems == [] and len(gpus) == 1
    gpu = gpus[0]
    assert f"(NVML error {code})" in str(gpu.missing[DEVICE_CALLS[call]])
    if call != "nvmlDeviceGetMemoryInfo":
        assert gpu.vram_total_bytes == 24564 * 1024**2
    # Without bus width or clock the bandwidth falls back to the table, labelled as such.
    assert gpu.bandwidth_gb_s in (1008.1, 1008.0)
    if call in ("nvmlDeviceGetMemoryBusWidth", "nvmlDeviceGetMaxClockInfo"):
        assert str(gpu.bandwidth_source).startswith("table: GeForce RTX 4090")
    assert nvml.initialised == 0  # NVML is shut down again


def test_nvml_count_failure_and_the_real_library_on_this_machine() -> None:
    from modelnest.core.hardware.recorded import RecordedNvml

    data = recording("rtx3060_desktop")["nvml"]
    data["errors"] = {"nvmlDeviceGetCount": pynvml.NVML_ERROR_GPU_IS_LOST}
    gpus, problems = probe_nvidia(RecordedNvml(data))
    assert gpus == [] and "GPU stopped responding" in str(problems[0])
    # This machine has no NVIDIA driver: the real nvidia-ml-py raises, and we explain it.
    try:
        pynvml.nvmlInit()
    except pynvml.NVMLError:
        gpus, problems = probe_nvidia(pynvml)
        assert gpus == [] and "NVML error" in str(problems[0])
    else:  # pragma: no cover - only on machines with an NVIDIA driver
        pynvml.nvmlShutdown()
        gpus, problems = probe_nvidia(pynvml)
        assert problems == [] and gpus


def test_nvml_sensor_errors_and_old_throttle_call(tmp_path: Path) -> None:
    data = recording("gtx1660_desktop")
    device = data["nvml"]["devices"][0]
    device["clocks_event_reasons"] = 0x20 | 0x4 | 0x1  # thermal (driver) + power cap + idle bit
    device["errors"]["nvmlDeviceGetPowerUsage"] = pynvml.NVML_ERROR_NOT_SUPPORTED
    src = load_machine(data, tmp_path)
    snap = probe(src, models_dir=tmp_path, with_sensors=False)
    inits = src.nvml.calls.count("nvmlInit")
    with SensorSampler(src, snap.gpus) as sampler:
        sampler.read()
        reading = sampler.read().gpus[0]
    # Driver 470 lacks the "clocks event reasons" call; the older "throttle reasons" call answers.
    assert [str(r) for r in reading.throttle_reasons] == ["power limit", "thermal (driver)"]
    assert reading.power_w is None and "not supported" in str(reading.missing["power_w"])
    assert reading.temperature_c == 38.0
    assert src.nvml.calls.count("nvmlInit") == inits + 1  # the sampler keeps NVML open between samples
    assert src.nvml.initialised == 0


def test_psutil_access_denied_on_a_mac(tmp_path: Path) -> None:
    data = recording("m1pro_16gb")
    calls = ("virtual_memory", "swap_memory", "disk_usage", "disk_partitions", "cpu_percent", "cpu_freq", "cpu_count")
    data["psutil"]["errors"] = dict.fromkeys(calls, "AccessDenied")
    snap = probe(load_machine(data, tmp_path), models_dir=tmp_path)
    # sysctl still knows the memory size; what psutil would have said is explained.
    assert snap.memory.total_bytes == 16 * GIB
    assert "AccessDenied" in str(snap.memory.missing["total_bytes"])
    assert snap.memory.available_bytes is None and "available_bytes" in snap.memory.missing
    assert "AccessDenied" in str(snap.disk.missing["free_bytes"])
    assert snap.sensors is not None and "AccessDenied" in str(snap.sensors.missing["cpu_percent"])
    assert snap.gpus[0].vram_total_bytes == 16 * GIB * 2 // 3 and snap.gpus[0].vram_free_bytes is None


def test_missing_sysfs_files(tmp_path: Path) -> None:
    data = recording("rx7900xtx_linux")
    data["files"] = {k: v for k, v in data["files"].items() if "mem_info" not in k and "hwmon" not in k}
    src = load_machine(data, tmp_path)
    snap = probe(src, models_dir=tmp_path)
    xtx = snap.gpus[0]
    assert xtx.name == "Radeon RX 7900 XTX" and xtx.vram_total_bytes is None
    assert "mem_info_vram_total" in str(xtx.missing["vram_total_bytes"])
    assert snap.sensors is not None
    sensors = snap.sensors.gpus[0]
    assert sensors.temperature_c is None and str(sensors.missing["temperature_c"]) == "not available from this driver"


def test_empty_linux_machine_still_answers(tmp_path: Path) -> None:
    """Nothing under /proc or /sys, no psutil answers: every section says why instead of raising."""
    data = {"name": "empty", "system": "Linux", "machine": "x86_64", "files": {}, "psutil": {}}
    snap = probe(load_machine(data, tmp_path), models_dir=tmp_path)
    assert "cpuinfo" in snap.cpu.missing and "brand" in snap.cpu.missing
    assert snap.memory.total_bytes is None and snap.memory.missing
    assert snap.gpus == [] and snap.bandwidth.ram_gb_s is None and "ram_gb_s" in snap.bandwidth.missing
    json.dumps(snap.to_dict())


def test_broken_source_raising_anything(tmp_path: Path) -> None:
    data = recording("m2max_64gb")
    src = load_machine(data, tmp_path)

    def broken(name: str) -> str:
        raise RuntimeError("sysctl exploded")

    src.sysctl = broken
    snap = probe(src, models_dir=tmp_path)
    assert "sysctl exploded" in str(snap.cpu.missing["cpu"])
    assert any("sysctl exploded" in str(p) for p in snap.gpu_problems)
    assert snap.memory.total_bytes == 64 * GIB  # psutil still answered


def _with_cgroup(files: dict[str, str], tmp_path: Path) -> Any:
    data = recording("i7_no_gpu_16gb")
    data["files"].update(files)
    return probe(load_machine(data, tmp_path), models_dir=tmp_path, with_sensors=False)


def test_cgroup_v2_limit_clamps_memory(tmp_path: Path) -> None:
    snap = _with_cgroup(
        {
            "/proc/self/cgroup": "0::/docker/4f1c\n",
            "/sys/fs/cgroup/cgroup.controllers": "cpu io memory pids\n",
            "/sys/fs/cgroup/docker/memory.max": "max\n",
            "/sys/fs/cgroup/docker/4f1c/memory.max": "4294967296\n",
            "/sys/fs/cgroup/docker/4f1c/memory.current": "1073741824\n",
        },
        tmp_path,
    )
    m = snap.memory
    assert (m.total_bytes, m.cgroup_limit_bytes, m.host_total_bytes) == (4 * GIB, 4 * GIB, 16083468 * 1024)
    assert m.available_bytes == 3 * GIB
    assert snap.bandwidth.ram_gb_s == 76.8


def test_cgroup_v1_parent_limit_and_namespaced_container(tmp_path: Path) -> None:
    # The group's own limit is unlimited; its parent's 6 GiB applies (limits are hierarchical).
    snap = _with_cgroup(
        {
            "/proc/self/cgroup": "12:pids:/jobs/7\n4:memory:/jobs/7\n1:cpu,cpuacct:/jobs/7\n",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
            "/sys/fs/cgroup/memory/jobs/memory.limit_in_bytes": "6442450944\n",
            "/sys/fs/cgroup/memory/jobs/7/memory.limit_in_bytes": "9223372036854771712\n",
            "/sys/fs/cgroup/memory/jobs/7/memory.usage_in_bytes": "536870912\n",
        },
        tmp_path / "v1",
    )
    assert snap.memory.total_bytes == 6 * GIB and snap.memory.available_bytes == 6 * GIB - 512 * 1024**2
    # In a container with a cgroup namespace the listed path does not exist under the mount: the mount is the group.
    snap = _with_cgroup(
        {
            "/proc/self/cgroup": "4:memory:/docker/abc\n",
            "/sys/fs/cgroup/memory/memory.limit_in_bytes": "2147483648\n",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes": "104857600\n",
        },
        tmp_path / "ns",
    )
    assert snap.memory.total_bytes == 2 * GIB and snap.memory.cgroup_limit_bytes == 2 * GIB


def test_cgroup_limit_above_host_ram_changes_nothing(tmp_path: Path) -> None:
    snap = _with_cgroup(
        {
            "/proc/self/cgroup": "0::/big\n",
            "/sys/fs/cgroup/cgroup.controllers": "memory\n",
            "/sys/fs/cgroup/big/memory.max": str(64 * GIB) + "\n",
        },
        tmp_path,
    )
    assert snap.memory.total_bytes == 16083468 * 1024 and snap.memory.available_bytes == 13802344 * 1024


def test_fat32_models_folder_is_flagged(tmp_path: Path) -> None:
    data = recording("i7_no_gpu_16gb")
    stick = tmp_path / "usb"
    stick.mkdir()
    data["psutil"]["disk_partitions"] = [
        {"device": "/dev/sda2", "mountpoint": "/", "fstype": "ext4"},
        {"device": "/dev/sdb1", "mountpoint": str(stick), "fstype": "vfat"},
    ]
    snap = probe(load_machine(data, tmp_path / "m"), models_dir=stick / "models", with_sensors=False)
    assert snap.disk.filesystem == "vfat" and snap.disk.max_file_bytes == 4 * GIB - 1
    assert snap.disk.warning and "4 GB" in str(snap.disk.warning)
    snap = probe(load_machine(data, tmp_path / "m2"), models_dir=tmp_path / "elsewhere", with_sensors=False)
    assert snap.disk.filesystem == "ext4" and snap.disk.warning is None


def test_windows_nvml_missing_falls_back_to_the_registry(tmp_path: Path) -> None:
    """Driver's NVML broken on the Optimus laptop: the registry still gives the 64-bit VRAM size."""
    data = recording("optimus_rtx3050_laptop")
    data["nvml"]["errors"] = {"nvmlInit": pynvml.NVML_ERROR_DRIVER_NOT_LOADED}
    snap = probe(load_machine(data, tmp_path), models_dir=tmp_path)
    names = [(g.vendor, g.name) for g in snap.gpus]
    assert names == [("intel", "Intel(R) UHD Graphics"), ("nvidia", "NVIDIA GeForce RTX 3050 Laptop GPU")]
    nvidia = snap.gpus[1]
    assert nvidia.vram_total_bytes == 4 * GIB and nvidia.vram_free_bytes is None
    assert nvidia.bandwidth_gb_s == 192.0 and str(nvidia.bandwidth_source).startswith("table:")
    assert "not running" in str(snap.gpu_problems[0])
    assert snap.sensors is not None and "not running" in str(snap.sensors.missing["nvidia"])


def test_windows_32bit_memory_size_is_only_a_fallback(tmp_path: Path) -> None:
    data = recording("optimus_rtx3050_laptop")
    data["nvml"]["errors"] = {"nvmlInit": pynvml.NVML_ERROR_LIBRARY_NOT_FOUND}
    adapter = data["adapters"][1]
    del adapter["HardwareInformation.qwMemorySize"]
    adapter["HardwareInformation.MemorySize"] = 2147483648  # what an old driver records
    snap = probe(load_machine(data, tmp_path), models_dir=tmp_path, with_sensors=False)
    assert snap.gpus[1].vram_total_bytes == 2 * GIB


def test_intel_mac(tmp_path: Path) -> None:
    data = {
        "name": "MacBook Pro 2019, Core i9-9880H, 16 GB",
        "system": "Darwin",
        "machine": "x86_64",
        "sysctl": {
            "machdep.cpu.brand_string": "Intel(R) Core(TM) i9-9880H CPU @ 2.30GHz",
            "hw.memsize": 17179869184,
            "hw.physicalcpu": 8,
            "hw.logicalcpu": 16,
            "sysctl.proc_translated": 0,
            "machdep.cpu.features": (
                "FPU VME DE PSE TSC MSR PAE MCE CX8 APIC SEP MTRR PGE MCA CMOV PAT PSE36 CLFSH DS ACPI MMX FXSR SSE "
                "SSE2 SS HTT TM PBE SSE3 PCLMULQDQ DTES64 MON DSCPL VMX EST TM2 SSSE3 FMA CX16 TPR PDCM SSE4.1 SSE4.2 "
                "x2APIC MOVBE POPCNT AES PCID XSAVE OSXSAVE SEGLIM64 TSCTMR AVX1.0 RDRAND F16C"
            ),
            "machdep.cpu.leaf7_features": (
                "RDWRFSGS TSC_THREAD_OFFSET SGX BMI1 HLE AVX2 SMEP BMI2 ERMS INVPCID RTM FPU_CSDS MPX RDSEED ADX SMAP "
                "CLFSOPT IPT MDCLEAR TSXFA IBRS STIBP L1DF SSBD"
            ),
        },
        "psutil": {
            "virtual_memory": {"total": 17179869184, "available": 5368709120},
            "swap_memory": {"total": 0, "free": 0},
            "disk_usage": {"total": 10**12, "free": 4 * 10**11},
        },
    }
    snap = probe(load_machine(data, tmp_path), models_dir=tmp_path)
    f = snap.cpu.features
    assert f["avx2"] and f["fma"] and f["f16c"] and not f["avx512"]
    assert (snap.cpu.physical_cores, snap.cpu.logical_cores) == (8, 16)
    assert snap.gpus == [] and snap.gpu_problems == []  # Metal on Intel Macs is not offered for LLMs
    assert snap.sensors is not None and "cpu_temperature_c" in snap.sensors.missing


def test_windows_hybrid_core_split(tmp_path: Path) -> None:
    """A Core i7-12700H laptop: 6 P-cores with Hyper-Threading (class 1) and 8 E-cores (class 0)."""
    data = recording("optimus_rtx3050_laptop")
    data["win_cpu"] = {"ProcessorNameString": "12th Gen Intel(R) Core(TM) i7-12700H"}
    data["win_cores"] = [[1, 2]] * 6 + [[0, 1]] * 8
    snap = probe(load_machine(data, tmp_path), models_dir=tmp_path, with_sensors=False)
    cpu = snap.cpu
    assert (cpu.physical_cores, cpu.logical_cores, cpu.performance_cores, cpu.efficiency_cores) == (14, 20, 6, 8)
    del data["win_cores"]
    snap = probe(load_machine(data, tmp_path / "none"), models_dir=tmp_path, with_sensors=False)
    assert snap.cpu.performance_cores is None and "performance_cores" in snap.cpu.missing
