"""Recorded machines replayed through the real probe code: each card's figures, bandwidth included."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from modelnest.core.hardware import HardwareSnapshot, probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.hardware.text import format_snapshot
from modelnest.core.messages import english
from modelnest.core.plan.tier import estimate_tier

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"
MIB = 1024**2
GIB = 1024**3


@dataclass
class Gpu:
    vendor: str
    name: str
    vram_total: int | None
    bandwidth: float | None
    unified: bool
    backend: str
    vram_free: int | None = None
    bandwidth_source: str = ""  # prefix
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class Expect:
    brand: str
    arch: str
    physical: int
    logical: int
    p_cores: int | None
    e_cores: int | None
    features_on: set[str]
    features_off: set[str]
    mem_total: int
    ram_gb_s: float | None  # None: a CPU our tables do not know and nothing measured (a VM's "Xeon Processor")
    ram_source: str | None  # prefix
    gpus: list[Gpu]
    tier: tuple[str, int | None, int | None]  # device, full_b, partial_b


EXPECTED: dict[str, Expect] = {
    "rtx3060_desktop": Expect(
        "AMD Ryzen 5 5600X 6-Core Processor", "x86_64", 6, 12, 6, 0,
        {"avx", "avx2", "fma", "f16c", "sse3", "bmi2"}, {"avx512", "avx_vnni", "amx"},
        32781640 * 1024, 51.2, "table: Ryzen 5 5600X",
        [Gpu("nvidia", "NVIDIA GeForce RTX 3060", 12288 * MIB, 360.0, False, "cuda", vram_free=(12288 - 412) * MIB,
             bandwidth_source="NVML: 192-bit bus",
             extra={"compute_capability": "8.6", "driver_version": "550.54.14", "cuda_version": "12.4",
                    "tensor_cores": True, "pcie": "PCIe 4.0 x16 (now 1.0 x16, links slow down when idle)"})],
        ("gpu", 14, 32),
    ),
    "rtx4090_desktop": Expect(
        "13th Gen Intel(R) Core(TM) i9-13900K", "x86_64", 24, 32, 8, 16,
        {"avx2", "avx_vnni", "fma"}, {"avx512", "amx"},
        65587320 * 1024, 89.6, "table: i9-13900",
        [Gpu("nvidia", "NVIDIA GeForce RTX 4090", 24564 * MIB, 1008.1, False, "cuda", vram_free=(24564 - 1135) * MIB,
             bandwidth_source="NVML: 384-bit bus \u00d7 10501 MHz",
             extra={"compute_capability": "8.9", "cuda_version": "12.3", "pcie": "PCIe 4.0 x16"})],
        ("gpu", 32, 70),
    ),
    "optimus_rtx3050_laptop": Expect(
        "11th Gen Intel(R) Core(TM) i7-11800H @ 2.30GHz", "x86_64", 8, 16, 8, 0,
        {"avx2", "avx512"}, set(),
        17007804416, 51.2, "table: i7-11800H",
        [
            Gpu("nvidia", "NVIDIA GeForce RTX 3050 Laptop GPU", 4 * GIB, 192.0, False, "cuda", vram_free=4 * GIB,
                bandwidth_source="NVML: 128-bit bus \u00d7 6001 MHz",
                extra={"pcie": "PCIe 4.0 x8 (now 1.0 x8, links slow down when idle)"}),
            # The Intel iGPU from the registry: integrated, so no VRAM of its own (its 128 MiB is a carve-out).
            Gpu("intel", "Intel(R) UHD Graphics", None, 51.2, True, "vulkan", bandwidth_source="shares system memory"),
        ],
        ("gpu", 3, 14),
    ),
    "gtx1660_desktop": Expect(
        "Intel(R) Core(TM) i5-9400F CPU @ 2.90GHz", "x86_64", 6, 6, 6, 0,
        {"avx2", "fma", "f16c"}, {"avx512", "avx_vnni"},
        16311500 * 1024, 41.6, "table: i5-9400",
        # Driver 470 has no bus-width call: the figure comes from the table, and NVML's reason is kept.
        [Gpu("nvidia", "NVIDIA GeForce GTX 1660", 6144 * MIB, 192.0, False, "cuda", vram_free=(6144 - 301) * MIB,
             bandwidth_source="table: GeForce GTX 1660 (GDDR5 8 Gbps, 192-bit)",
             extra={"compute_capability": "7.5", "tensor_cores": False, "cuda_version": "11.4"})],
        ("gpu", 8, 14),
    ),
    "rtx2080_desktop": Expect(
        "Intel(R) Core(TM) i7-9700K CPU @ 3.60GHz", "x86_64", 8, 8, 8, 0,
        {"avx2", "fma", "f16c"}, {"avx512", "avx_vnni"},
        32791024 * 1024, 41.6, "table: i7-9700",
        [Gpu("nvidia", "NVIDIA GeForce RTX 2080", 8 * GIB, 448.0, False, "cuda", vram_free=8 * GIB - 300 * MIB,
             bandwidth_source="NVML: 256-bit bus \u00d7 7000 MHz",
             extra={"compute_capability": "7.5", "cuda_version": "12.2", "pcie": "PCIe 3.0 x16"})],
        ("gpu", 8, 32),
    ),
    "m1pro_16gb": Expect(
        "Apple M1 Pro", "arm64", 10, 10, 8, 2,
        {"neon", "dotprod", "fp16"}, {"i8mm", "sve", "bf16"},
        16 * GIB, 200.0, "table: Apple M1 Pro",
        # Metal's default working set on 16 GB: 10922.67 MiB (2/3), as llama.cpp logs it.
        [Gpu("apple", "Apple M1 Pro", 16 * GIB * 2 // 3, 200.0, True, "metal", vram_free=6543654912,
             bandwidth_source="table: Apple M1 Pro (LPDDR5 6400 MT/s, 256-bit)", extra={"gpu_cores": 16})],
        ("unified", 14, None),
    ),
    "m2max_64gb": Expect(
        "Apple M2 Max", "arm64", 12, 12, 8, 4,
        {"neon", "dotprod", "i8mm", "bf16"}, {"sve"},
        64 * GIB, 400.0, "table: Apple M2 Max",
        [Gpu("apple", "Apple M2 Max", 49152 * MIB, 400.0, True, "metal", extra={"gpu_cores": 38})],
        ("unified", 70, None),
    ),
    "i7_no_gpu_16gb": Expect(
        "12th Gen Intel(R) Core(TM) i7-12700F", "x86_64", 12, 20, 8, 4,
        {"avx2", "avx_vnni", "fma", "f16c"}, {"avx512", "amx"},
        16083468 * 1024, 76.8, "table: i7-12700",
        [],
        ("cpu", 14, None),
    ),
    "rpi5_8gb": Expect(
        "Cortex-A76 (Raspberry Pi 5 Model B Rev 1.0)", "arm64", 4, 4, 4, 0,
        {"neon", "dotprod", "fp16"}, {"i8mm", "sve", "sve2"},
        8245648 * 1024, 17.1, "table: Raspberry Pi 5 (LPDDR4X 4267 MT/s, 32-bit)",
        [],
        ("cpu", 8, None),
    ),
    "rx7900xtx_linux": Expect(
        "AMD Ryzen 9 7950X 16-Core Processor", "x86_64", 16, 32, 16, 0,
        {"avx512", "avx512_vnni", "avx512_bf16", "avx2"}, {"avx_vnni", "amx"},
        65015788 * 1024, 83.2, "table: Ryzen 9 7950X",
        [
            Gpu("amd", "Radeon RX 7900 XTX", 25753026560, 960.0, False, "rocm", vram_free=25753026560 - 1247502336,
                bandwidth_source="table: Radeon RX 7900 XTX (GDDR6 20 Gbps, 384-bit)", extra={"pcie": "PCIe 4.0 x16"}),
            Gpu("amd", "Radeon Graphics (Raphael, integrated)", None, 83.2, True, "vulkan"),
        ],
        ("gpu", 32, 70),
    ),
    "cpu_2core_24gb_vm": Expect(
        # A VM's CPU names no model ("Intel(R) Xeon(R) Processor"): no table row, no measurement in a replay.
        "Intel(R) Xeon(R) Processor", "x86_64", 2, 2, 2, 0,
        {"avx2", "avx512", "amx", "fma", "f16c"}, set(),
        25275973632, None, None,
        [],
        ("cpu", 32, None),
    ),
    "intel_igpu_laptop": Expect(
        "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", "x86_64", 4, 8, 4, 0,
        {"avx512", "avx512_vnni", "avx2"}, {"avx_vnni", "amx"},
        15996944 * 1024, 68.3, "table: i7-1165G7 (LPDDR4X 4266 MT/s, 128-bit",
        [Gpu("intel", "Iris Xe Graphics (Tiger Lake)", None, 68.3, True, "vulkan",
             bandwidth_source="shares system memory")],
        ("cpu", 14, None),
    ),
}


def replay(name: str, tmp_path: Path, **changes: object) -> HardwareSnapshot:
    data = json.loads((MACHINES / f"{name}.json").read_text())
    data.update(changes)
    return probe(load_machine(data, tmp_path), models_dir=tmp_path)


def test_every_recording_has_expectations() -> None:
    assert {p.stem for p in MACHINES.glob("*.json")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recorded_machine(name: str, tmp_path: Path) -> None:
    exp = EXPECTED[name]
    snap = replay(name, tmp_path)
    cpu = snap.cpu
    assert (cpu.brand, cpu.arch) == (exp.brand, exp.arch)
    assert (cpu.physical_cores, cpu.logical_cores) == (exp.physical, exp.logical)
    assert (cpu.performance_cores, cpu.efficiency_cores) == (exp.p_cores, exp.e_cores)
    assert all(cpu.features[f] for f in exp.features_on), cpu.features
    assert not any(cpu.features.get(f, False) for f in exp.features_off), cpu.features
    assert cpu.engine_features is None  # only the engine process can say what llama.cpp uses
    assert snap.memory.total_bytes == exp.mem_total
    assert snap.bandwidth.ram_gb_s == exp.ram_gb_s
    if exp.ram_source is None:
        assert snap.bandwidth.source is None
    else:
        assert snap.bandwidth.source and str(snap.bandwidth.source).startswith(exp.ram_source)
    assert [(g.vendor, g.name) for g in snap.gpus] == [(g.vendor, g.name) for g in exp.gpus]
    for got, want in zip(snap.gpus, exp.gpus, strict=True):
        assert got.vram_total_bytes == want.vram_total, got.name
        assert got.bandwidth_gb_s == want.bandwidth, got.name
        assert got.bandwidth_source and str(got.bandwidth_source).startswith(want.bandwidth_source), got.name
        assert (got.unified_memory, got.backend) == (want.unified, want.backend)
        if want.vram_free is not None:
            assert got.vram_free_bytes == want.vram_free
        for key, value in want.extra.items():
            assert english(getattr(got, key)) == value, key  # a Message compares as its English text
    tier = estimate_tier(snap)
    assert tier is not None and (tier.device, tier.full_b, tier.partial_b) == exp.tier
    assert snap.disk.free_bytes and snap.disk.free_bytes > 10 * GIB
    assert snap.sensors is not None
    json.dumps(snap.to_dict())  # the --json document is plain JSON
    text = format_snapshot(snap)
    assert exp.brand in text
    assert exp.ram_gb_s is None or f"{exp.ram_gb_s:g} GB/s" in text


def test_machines_without_nvidia_do_not_report_a_missing_driver(tmp_path: Path) -> None:
    # "No NVIDIA driver" is normal on a Mac, a Pi or an AMD desktop: it must not read as a problem.
    for name in ("rx7900xtx_linux", "rpi5_8gb", "m1pro_16gb", "i7_no_gpu_16gb"):
        assert replay(name, tmp_path / name).gpu_problems == []


def test_apple_metal_share_follows_wired_limit_override(tmp_path: Path) -> None:
    data = json.loads((MACHINES / "m1pro_16gb.json").read_text())
    data["sysctl"]["iogpu.wired_limit_mb"] = 14336
    snap = probe(load_machine(data, tmp_path), models_dir=tmp_path)
    assert snap.gpus[0].vram_total_bytes == 14336 * MIB
    assert "iogpu.wired_limit_mb" in str(snap.gpus[0].notes[0])


def test_rosetta_reports_the_real_chip(tmp_path: Path) -> None:
    """An Intel build of ModelNest on an M1 Pro: brand and arch are the hardware's, with a note."""
    data = json.loads((MACHINES / "m1pro_16gb.json").read_text())
    data["machine"] = "x86_64"
    data["sysctl"]["sysctl.proc_translated"] = 1
    data["sysctl"]["machdep.cpu.brand_string"] = "VirtualApple @ 2.50GHz processor"
    snap = probe(load_machine(data, tmp_path), models_dir=tmp_path)
    assert (snap.cpu.brand, snap.cpu.arch) == ("Apple M1 Pro", "arm64")
    assert any("Rosetta" in str(n) for n in snap.cpu.notes)
    assert snap.bandwidth.ram_gb_s == 200.0


def test_m3_max_bandwidth_depends_on_gpu_cores(tmp_path: Path) -> None:
    data = json.loads((MACHINES / "m2max_64gb.json").read_text())
    data["sysctl"]["machdep.cpu.brand_string"] = "Apple M3 Max"
    for cores, expected in ((30, 300.0), (40, 400.0)):
        data["ioreg"] = f'"model" = "Apple M3 Max"\n"gpu-core-count" = {cores}\n'
        snap = probe(load_machine(data, tmp_path / str(cores)), models_dir=tmp_path)
        assert snap.gpus[0].bandwidth_gb_s == expected
