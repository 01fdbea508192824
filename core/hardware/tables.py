"""Published figures of known chips: memory bandwidth of GPUs, Apple SoCs, a few CPUs and boards.

Used when the machine cannot tell us (sysfs has no bus width; Apple has no API for it) and as a
cross-check of NVML's bus width x memory clock. Figures are vendors' published peak numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class GpuSpec:
    name: str
    bandwidth_gb_s: float
    bus_width_bits: int | None = None
    memory: str | None = None  # e.g. "GDDR6 15 Gbps"
    integrated: bool = False
    tensor_cores: bool | None = None


def _nv_key(name: str) -> str:
    text = name.lower().replace("nvidia", "").replace("geforce", "")
    text = re.sub(r"\bgpu\b", "", text)
    return " ".join(text.split())


# NVML name (normalised by _nv_key) -> spec.
NVIDIA_GPUS: dict[str, GpuSpec] = {
    _nv_key(s.name): s
    for s in [
        GpuSpec("GeForce RTX 5090", 1792.0, 512, "GDDR7 28 Gbps"),
        GpuSpec("GeForce RTX 5080", 960.0, 256, "GDDR7 30 Gbps"),
        GpuSpec("GeForce RTX 4090", 1008.0, 384, "GDDR6X 21 Gbps"),
        GpuSpec("GeForce RTX 4080 SUPER", 736.3, 256, "GDDR6X 23 Gbps"),
        GpuSpec("GeForce RTX 4080", 716.8, 256, "GDDR6X 22.4 Gbps"),
        GpuSpec("GeForce RTX 4070 Ti", 504.0, 192, "GDDR6X 21 Gbps"),
        GpuSpec("GeForce RTX 4070", 504.0, 192, "GDDR6X 21 Gbps"),
        GpuSpec("GeForce RTX 4060 Ti", 288.0, 128, "GDDR6 18 Gbps"),
        GpuSpec("GeForce RTX 4060", 272.0, 128, "GDDR6 17 Gbps"),
        # Laptop parts report their own NVML names and have narrower or slower memory than the desktop cards
        # (NVIDIA's laptop GPU specifications; speed_reference.json rows of an RTX 4070 Laptop and 2070 Max-Q).
        GpuSpec("GeForce RTX 4090 Laptop GPU", 576.0, 256, "GDDR6 18 Gbps"),
        GpuSpec("GeForce RTX 4070 Laptop GPU", 256.0, 128, "GDDR6 16 Gbps"),
        GpuSpec("GeForce RTX 4060 Laptop GPU", 256.0, 128, "GDDR6 16 Gbps"),
        GpuSpec("GeForce RTX 3060 Laptop GPU", 336.0, 192, "GDDR6 14 Gbps"),
        GpuSpec("GeForce RTX 2070 with Max-Q Design", 384.0, 256, "GDDR6 12 Gbps"),
        GpuSpec("GeForce RTX 3090 Ti", 1008.0, 384, "GDDR6X 21 Gbps"),
        GpuSpec("GeForce RTX 3090", 936.2, 384, "GDDR6X 19.5 Gbps"),
        GpuSpec("GeForce RTX 3080 Ti", 912.4, 384, "GDDR6X 19 Gbps"),
        GpuSpec("GeForce RTX 3080", 760.3, 320, "GDDR6X 19 Gbps"),
        GpuSpec("GeForce RTX 3070", 448.0, 256, "GDDR6 14 Gbps"),
        GpuSpec("GeForce RTX 3060 Ti", 448.0, 256, "GDDR6 14 Gbps"),
        GpuSpec("GeForce RTX 3060", 360.0, 192, "GDDR6 15 Gbps"),
        GpuSpec("GeForce RTX 3050", 224.0, 128, "GDDR6 14 Gbps"),
        GpuSpec("GeForce RTX 3050 Laptop GPU", 192.0, 128, "GDDR6 12 Gbps"),
        GpuSpec("GeForce RTX 3050 Ti Laptop GPU", 192.0, 128, "GDDR6 12 Gbps"),
        GpuSpec("GeForce RTX 2080 Ti", 616.0, 352, "GDDR6 14 Gbps"),
        GpuSpec("GeForce RTX 2080", 448.0, 256, "GDDR6 14 Gbps"),
        GpuSpec("GeForce RTX 2070", 448.0, 256, "GDDR6 14 Gbps"),
        GpuSpec("GeForce RTX 2060", 336.0, 192, "GDDR6 14 Gbps"),
        GpuSpec("GeForce GTX 1660 SUPER", 336.0, 192, "GDDR6 14 Gbps", tensor_cores=False),
        GpuSpec("GeForce GTX 1660 Ti", 288.0, 192, "GDDR6 12 Gbps", tensor_cores=False),
        GpuSpec("GeForce GTX 1660", 192.0, 192, "GDDR5 8 Gbps", tensor_cores=False),
        GpuSpec("GeForce GTX 1650", 128.0, 128, "GDDR5 8 Gbps", tensor_cores=False),
        GpuSpec("GeForce GTX 1080 Ti", 484.0, 352, "GDDR5X 11 Gbps", tensor_cores=False),
        GpuSpec("Tesla T4", 320.0, 256, "GDDR6"),
        GpuSpec("A100-SXM4-40GB", 1555.0, 5120, "HBM2"),
        GpuSpec("H100 80GB HBM3", 3350.0, 5120, "HBM3"),
        GpuSpec("L4", 300.0, 192, "GDDR6"),
    ]
}


def nvidia_spec(name: str) -> GpuSpec | None:
    return NVIDIA_GPUS.get(_nv_key(name))


# (PCI vendor, device) -> candidates; several boards share a device id, VRAM size tells them apart.
PCI_GPUS: dict[tuple[int, int], list[tuple[int | None, GpuSpec]]] = {
    (0x1002, 0x744C): [
        (24, GpuSpec("Radeon RX 7900 XTX", 960.0, 384, "GDDR6 20 Gbps")),
        (20, GpuSpec("Radeon RX 7900 XT", 800.0, 320, "GDDR6 20 Gbps")),
        (16, GpuSpec("Radeon RX 7900 GRE", 576.0, 256, "GDDR6 18 Gbps")),
    ],
    (0x1002, 0x73BF): [
        (16, GpuSpec("Radeon RX 6800 XT / 6900 XT", 512.0, 256, "GDDR6 16 Gbps")),
    ],
    (0x1002, 0x73DF): [(12, GpuSpec("Radeon RX 6700 XT", 384.0, 192, "GDDR6 16 Gbps"))],
    (0x1002, 0x7480): [(8, GpuSpec("Radeon RX 7600", 288.0, 128, "GDDR6 18 Gbps"))],
    (0x1002, 0x15BF): [(None, GpuSpec("Radeon 780M (integrated)", 0.0, integrated=True))],
    (0x1002, 0x164E): [(None, GpuSpec("Radeon Graphics (Raphael, integrated)", 0.0, integrated=True))],
    (0x8086, 0x9A49): [(None, GpuSpec("Iris Xe Graphics (Tiger Lake)", 0.0, integrated=True))],
    (0x8086, 0x9A40): [(None, GpuSpec("Iris Xe Graphics (Tiger Lake)", 0.0, integrated=True))],
    (0x8086, 0x9A60): [(None, GpuSpec("UHD Graphics (Tiger Lake-H)", 0.0, integrated=True))],
    (0x8086, 0x46A6): [(None, GpuSpec("Iris Xe Graphics (Alder Lake)", 0.0, integrated=True))],
    (0x8086, 0xA7A0): [(None, GpuSpec("Iris Xe Graphics (Raptor Lake)", 0.0, integrated=True))],
    (0x8086, 0x4680): [(None, GpuSpec("UHD Graphics 770 (Alder Lake)", 0.0, integrated=True))],
    (0x8086, 0x9BC8): [(None, GpuSpec("UHD Graphics 630 (Comet Lake)", 0.0, integrated=True))],
    (0x8086, 0x7D55): [(None, GpuSpec("Arc Graphics (Meteor Lake)", 0.0, integrated=True))],
    (0x8086, 0x56A0): [(16, GpuSpec("Arc A770", 560.0, 256, "GDDR6 17.5 Gbps"))],
    (0x8086, 0x56A1): [(8, GpuSpec("Arc A750", 512.0, 256, "GDDR6 16 Gbps"))],
}


def pci_spec(vendor: int, device: int, vram_bytes: int | None) -> GpuSpec | None:
    candidates = PCI_GPUS.get((vendor, device))
    if not candidates:
        return None
    if vram_bytes and len(candidates) > 1:
        gib = round(vram_bytes / 1024**3)
        for size, spec in candidates:
            if size == gib:
                return spec
    return candidates[0][1]


@dataclass(frozen=True)
class ChipMemory:
    """System (or unified) memory bandwidth of a chip or board, as published."""

    bandwidth_gb_s: float
    memory: str  # how the figure is made, e.g. "LPDDR5 6400 MT/s, 256-bit"


# Apple Silicon: chip name -> [(GPU cores at least, figure)]; Max chips with fewer GPU cores have a narrower bus.
APPLE_CHIPS: dict[str, list[tuple[int, ChipMemory]]] = {
    "Apple M1": [(0, ChipMemory(68.25, "LPDDR4X 4266 MT/s, 128-bit"))],
    "Apple M1 Pro": [(0, ChipMemory(200.0, "LPDDR5 6400 MT/s, 256-bit"))],
    "Apple M1 Max": [(0, ChipMemory(400.0, "LPDDR5 6400 MT/s, 512-bit"))],
    "Apple M1 Ultra": [(0, ChipMemory(800.0, "LPDDR5 6400 MT/s, 1024-bit"))],
    "Apple M2": [(0, ChipMemory(100.0, "LPDDR5 6400 MT/s, 128-bit"))],
    "Apple M2 Pro": [(0, ChipMemory(200.0, "LPDDR5 6400 MT/s, 256-bit"))],
    "Apple M2 Max": [(0, ChipMemory(400.0, "LPDDR5 6400 MT/s, 512-bit"))],
    "Apple M2 Ultra": [(0, ChipMemory(800.0, "LPDDR5 6400 MT/s, 1024-bit"))],
    "Apple M3": [(0, ChipMemory(100.0, "LPDDR5 6400 MT/s, 128-bit"))],
    "Apple M3 Pro": [(0, ChipMemory(150.0, "LPDDR5 6400 MT/s, 192-bit"))],
    "Apple M3 Max": [
        (40, ChipMemory(400.0, "LPDDR5 6400 MT/s, 512-bit")),
        (0, ChipMemory(300.0, "LPDDR5 6400 MT/s, 384-bit")),
    ],
    "Apple M3 Ultra": [(0, ChipMemory(819.0, "LPDDR5 6400 MT/s, 1024-bit"))],
    "Apple M4": [(0, ChipMemory(120.0, "LPDDR5X 7500 MT/s, 128-bit"))],
    # Apple newsroom, Oct 2025: "153GB/s of unified memory bandwidth" (speed_reference.json: an M5 was "not in
    # the tables" and got the assumed figure).
    "Apple M5": [(0, ChipMemory(153.0, "LPDDR5X 9600 MT/s, 128-bit"))],
    "Apple M4 Pro": [(0, ChipMemory(273.0, "LPDDR5X 8533 MT/s, 256-bit"))],
    "Apple M4 Max": [
        (40, ChipMemory(546.0, "LPDDR5X 8533 MT/s, 512-bit")),
        (0, ChipMemory(410.0, "LPDDR5X 8533 MT/s, 384-bit")),
    ],
}


def apple_chip_memory(chip: str, gpu_cores: int | None) -> ChipMemory | None:
    rows = APPLE_CHIPS.get(chip.strip())
    if not rows:
        return None
    for min_cores, figure in rows:
        if (gpu_cores or 0) >= min_cores:
            return figure
    return rows[-1][1]


# CPU brand substring -> the platform's published peak memory bandwidth (what the chip supports at most;
# the installed memory may be slower, which the measured figure shows).
CPU_MEMORY: list[tuple[str, ChipMemory]] = [
    ("i7-1165G7", ChipMemory(68.3, "LPDDR4X 4266 MT/s, 128-bit (Intel spec maximum)")),
    ("i5-1135G7", ChipMemory(68.3, "LPDDR4X 4266 MT/s, 128-bit (Intel spec maximum)")),
    ("i7-1260P", ChipMemory(83.2, "LPDDR5 5200 MT/s, 128-bit (Intel spec maximum)")),
    ("i7-12700", ChipMemory(76.8, "DDR5 4800 MT/s, dual channel (Intel spec maximum)")),
    ("i5-12400", ChipMemory(76.8, "DDR5 4800 MT/s, dual channel (Intel spec maximum)")),
    ("i7-13700", ChipMemory(89.6, "DDR5 5600 MT/s, dual channel (Intel spec maximum)")),
    ("i9-13900", ChipMemory(89.6, "DDR5 5600 MT/s, dual channel (Intel spec maximum)")),
    ("i7-11800H", ChipMemory(51.2, "DDR4 3200 MT/s, dual channel (Intel spec maximum)")),
    ("i5-9400", ChipMemory(41.6, "DDR4 2666 MT/s, dual channel (Intel spec maximum)")),
    ("i7-10750H", ChipMemory(45.8, "DDR4 2933 MT/s, dual channel (Intel spec maximum)")),
    ("i7-8700", ChipMemory(41.6, "DDR4 2666 MT/s, dual channel (Intel spec maximum)")),
    ("i7-9700", ChipMemory(41.6, "DDR4 2666 MT/s, dual channel (Intel spec maximum)")),
    ("Ryzen 9 7950X", ChipMemory(83.2, "DDR5 5200 MT/s, dual channel (AMD spec maximum)")),
    ("Ryzen 7 7800X3D", ChipMemory(83.2, "DDR5 5200 MT/s, dual channel (AMD spec maximum)")),
    ("Ryzen 7 5800X", ChipMemory(51.2, "DDR4 3200 MT/s, dual channel (AMD spec maximum)")),
    ("Ryzen 5 5600X", ChipMemory(51.2, "DDR4 3200 MT/s, dual channel (AMD spec maximum)")),
    ("Threadripper 3970X", ChipMemory(102.4, "DDR4 3200 MT/s, quad channel (AMD spec maximum)")),
    ("Threadripper 3990X", ChipMemory(102.4, "DDR4 3200 MT/s, quad channel (AMD spec maximum)")),
    ("Ryzen 9 7950X3D", ChipMemory(83.2, "DDR5 5200 MT/s, dual channel (AMD spec maximum)")),
    ("Ryzen 9 9950X", ChipMemory(89.6, "DDR5 5600 MT/s, dual channel (AMD spec maximum)")),
    ("Ryzen 7 9700X", ChipMemory(89.6, "DDR5 5600 MT/s, dual channel (AMD spec maximum)")),
    ("Ryzen 7 7840U", ChipMemory(120.0, "LPDDR5X 7500 MT/s, 128-bit (AMD spec maximum)")),
    ("Ryzen 7 7840HS", ChipMemory(120.0, "LPDDR5X 7500 MT/s, 128-bit (AMD spec maximum)")),
    ("Core Ultra 7 155H", ChipMemory(119.5, "LPDDR5X 7467 MT/s, 128-bit (Intel spec maximum)")),
    ("i5-13600K", ChipMemory(89.6, "DDR5 5600 MT/s, dual channel (Intel spec maximum)")),
    ("i7-14700K", ChipMemory(89.6, "DDR5 5600 MT/s, dual channel (Intel spec maximum)")),
    ("i5-12600K", ChipMemory(76.8, "DDR5 4800 MT/s, dual channel (Intel spec maximum)")),
    # HEDT: four channels (the generation row below would give it dual channel; speed_reference.json's RTX 2080 +
    # i9-10900X partial-offload rows were under-predicted ~40 % with it).
    ("i9-10900X", ChipMemory(93.9, "DDR4 2933 MT/s, quad channel (Intel spec maximum)")),
    ("i9-10920X", ChipMemory(93.9, "DDR4 2933 MT/s, quad channel (Intel spec maximum)")),
    ("i9-10940X", ChipMemory(93.9, "DDR4 2933 MT/s, quad channel (Intel spec maximum)")),
    ("i9-10980XE", ChipMemory(93.9, "DDR4 2933 MT/s, quad channel (Intel spec maximum)")),
    # Strix Halo: a 256-bit LPDDR5X bus shared by CPU and GPU (AMD product pages: LPDDR5X-8000, 256 GB/s).
    ("RYZEN AI MAX", ChipMemory(256.0, "LPDDR5X 8000 MT/s, 256-bit (AMD spec maximum)")),
    ("Ryzen AI Max", ChipMemory(256.0, "LPDDR5X 8000 MT/s, 256-bit (AMD spec maximum)")),
    ("Ryzen Z1", ChipMemory(120.0, "LPDDR5X 7500 MT/s, 128-bit (AMD spec maximum)")),
]

# When the exact chip is not listed: the memory its generation and platform typically has (regex on the brand).
# Deliberately the lower common configuration (e.g. DDR4 where a platform takes DDR4 or DDR5): labelled as a table
# figure for the generation, with a wider range than a listed chip.
CPU_GENERATION_MEMORY: list[tuple[str, str, ChipMemory]] = [
    (r"EPYC", "AMD EPYC", ChipMemory(204.8, "DDR4 3200 MT/s, 8 channels (typical server)")),
    (r"Threadripper", "AMD Threadripper", ChipMemory(102.4, "DDR4 3200 MT/s, quad channel (typical)")),
    (r"Xeon.*(Platinum|Gold|Silver)", "Intel Xeon Scalable", ChipMemory(140.8, "DDR4 2933 MT/s, 6 channels")),
    (r"Ryzen .*\b[79]\d\d0X|Ryzen .*\b[79]\d\d\d\b(?!U|H)", "AMD Ryzen 7000/9000 desktop",
     ChipMemory(83.2, "DDR5 5200 MT/s, dual channel")),
    (r"Ryzen .*\b(7|8)\d\d\d(U|HS|H)\b|Ryzen AI", "AMD Ryzen 7000/8000 mobile",
     ChipMemory(89.6, "DDR5 5600 MT/s, dual channel (LPDDR5X models are faster)")),
    (r"Ryzen .*\b[3-5]\d\d\d", "AMD Ryzen 3000-5000", ChipMemory(51.2, "DDR4 3200 MT/s, dual channel")),
    (r"Core Ultra", "Intel Core Ultra", ChipMemory(89.6, "DDR5 5600 MT/s, dual channel")),
    # Mobile parts have four digits and a suffix (i3-1315U, i7-1260P): the five-digit patterns missed them and such
    # a laptop got the assumed 20 GB/s (speed_reference.json: Framework 12, i3-1315U).
    (r"i[3579]-1[2-4]\d\d\d|i[3579]-1[2-4]\d\d[UPH]\b", "Intel Core 12th-14th gen",
     ChipMemory(51.2, "DDR4 3200 MT/s, dual channel (the platform's lower option)")),
    (r"i[3579]-1[01]\d\dG\d", "Intel Core 10th-11th gen mobile (Ice Lake, Tiger Lake)",
     ChipMemory(51.2, "DDR4 3200 MT/s, dual channel (the platform's lower option; LPDDR4X 4266: 68.3)")),
    (r"i[3579]-1[01]\d\d\d", "Intel Core 10th-11th gen", ChipMemory(45.8, "DDR4 2933 MT/s, dual channel")),
    # Alder Lake-N (N100, N150, N200, N300...): one memory channel (Intel ARK: DDR4 3200 / DDR5 4800 / LPDDR5 4800).
    (r"Intel\(R\) N\d{2,3}\b|\bN[1-3]\d\d\b", "Intel N-series (Alder Lake-N)",
     ChipMemory(25.6, "DDR4 3200 MT/s, single channel (the platform's lower option; DDR5 4800: 38.4)")),
    (r"i[3579]-[6-9]\d\d\d", "Intel Core 6th-9th gen", ChipMemory(38.4, "DDR4 2400 MT/s, dual channel")),
    (r"i[3579]-[2-5]\d\d\d", "Intel Core 2nd-5th gen", ChipMemory(25.6, "DDR3 1600 MT/s, dual channel")),
]


def cpu_generation_memory(brand: str | None) -> tuple[ChipMemory, str] | None:
    """(typical figure, the generation's name) for a CPU whose exact model is not in CPU_MEMORY."""
    for pattern, name, figure in CPU_GENERATION_MEMORY:
        if brand and re.search(pattern, brand):
            return figure, name
    return None

# Single-board computers, recognised by /proc/device-tree/model.
BOARD_MEMORY: list[tuple[str, ChipMemory]] = [
    ("Raspberry Pi 5", ChipMemory(17.1, "LPDDR4X 4267 MT/s, 32-bit")),
    ("Raspberry Pi 4", ChipMemory(6.4, "LPDDR4 3200 MT/s, 16-bit")),
]


def cpu_memory(brand: str | None, board: str | None = None) -> tuple[ChipMemory, str] | None:
    """(figure, what matched) for a board or CPU we know; None otherwise."""
    for key, figure in BOARD_MEMORY:
        if board and key in board:
            return figure, key
    for key, figure in CPU_MEMORY:
        if brand and key in brand:
            return figure, key
    return None


# ARM "CPU part" ids (implementer 0x41, Arm Ltd) -> core name, for boards whose cpuinfo has no model name.
ARM_PARTS: dict[int, str] = {
    0xD03: "Cortex-A53",
    0xD04: "Cortex-A35",
    0xD05: "Cortex-A55",
    0xD07: "Cortex-A57",
    0xD08: "Cortex-A72",
    0xD09: "Cortex-A73",
    0xD0A: "Cortex-A75",
    0xD0B: "Cortex-A76",
    0xD0C: "Neoverse-N1",
    0xD0D: "Cortex-A77",
    0xD40: "Neoverse-V1",
    0xD41: "Cortex-A78",
    0xD44: "Cortex-X1",
    0xD46: "Cortex-A510",
    0xD47: "Cortex-A710",
    0xD48: "Cortex-X2",
    0xD49: "Neoverse-N2",
    0xD4F: "Neoverse-V2",
}


# ---- compute rates of CPUs, used when no speed test ran on the machine (planning for another computer) ----------
# Per-core effective read rate of llama.cpp's decode kernels (GB/s of weights per core, by tensor type) and batched
# matrix-product rate (GFLOP/s per core, prefill). The base row is this project's speed test on a 2-core Xeon VM
# (portable AVX2 build, llama-cpp-python 0.3.36, Dec 2026; core/plan/speedtest.py). The other rows scale it by an
# estimate of their relative per-core throughput (SIMD width, IPC); they are estimates, and said to be.
# "attention": flops of attention over the KV cache (flash attention), decode and prefill.
BASE_READ_GB_S_PER_CORE: dict[str, float] = {"F16": 9.0, "Q8_0": 10.0, "Q6_K": 7.0, "Q5_K": 6.5, "Q4_K": 7.5,
                                             "attention": 4.0}
BASE_PREFILL_GFLOPS_PER_CORE: dict[str, float] = {"F16": 45.0, "Q8_0": 60.0, "Q6_K": 40.0, "Q5_K": 38.0,
                                                  "Q4_K": 50.0, "attention": 10.0}
BASE_SOURCE = "ModelNest speed test, 2-core Xeon VM, AVX2 build, Dec 2026"


@dataclass(frozen=True)
class CpuClass:
    pattern: str  # regular expression on the CPU brand string ("" matches any)
    arch: str  # "x86_64" | "arm64"
    factor: float  # per-core throughput relative to the base row
    source: str


CPU_CLASSES: list[CpuClass] = [
    CpuClass(r"Apple M[3-9]", "arm64", 2.1, "base row x 2.1 (Apple M3 and later: the M2 row x 1.1, an estimate)"),
    CpuClass(r"Apple M", "arm64", 1.9, "base row x 1.9 (fitted to a MacBook Air M2, llama.cpp issue 10435)"),
    CpuClass(r"Ryzen .* (7|8|9)\d\d\d|EPYC .*9\d\d\d|Xeon .*(Platinum|Gold) .*[5-9]4\d\d", "x86_64", 1.5,
             "estimate: base row x 1.5 (AVX-512 class: Zen 4/5, Sapphire Rapids; not below the Alder Lake / Zen 3 "
             "row, no compute-bound result of its own yet)"),
    CpuClass(r"i[3579]-1[2-4]\d\d\d|i[3579]-1[2-4]\d\d[UPH]\b|Core Ultra|Ryzen .* [5-6]\d\d\d", "x86_64", 1.5,
             "base row x 1.5 (Alder Lake and later, Zen 3; fitted to a Framework 12 i3-1315U at 2 threads, "
             "geerlingguy/sbc-reviews issue 107)"),
    CpuClass(r"i[3579]-[4-9]\d\d\d|i[3579]-10\d\d\d|Ryzen .* [1-3]\d\d\d", "x86_64", 1.1,
             "base row x 1.1 (Haswell to Comet Lake, Zen 1/2; fitted to a MacBook Pro i5-4278U at 2 threads, "
             "geerlingguy/ai-benchmarks issue 53)"),
    CpuClass(r"Cortex-A7[6-9]|Cortex-X|Neoverse", "arm64", 0.5, "estimate: base row x 0.5 (Cortex-A76 class)"),
    CpuClass(r"", "arm64", 0.3, "estimate: base row x 0.3 (other ARM cores)"),
    CpuClass(r"", "x86_64", 1.0, BASE_SOURCE),
]


def cpu_core_rates(
    brand: str | None, arch: str, features: dict[str, bool] | None = None
) -> tuple[dict[str, float], dict[str, float], str]:
    """(read GB/s per core by type, prefill GFLOP/s per core by type, the row's source) for a CPU."""
    text = brand or ""
    factor, source = 1.0, BASE_SOURCE
    for row in CPU_CLASSES:
        if row.arch == arch and re.search(row.pattern, text):
            factor, source = row.factor, row.source
            break
    if arch == "x86_64" and features is not None and features.get("avx2") is False:
        factor, source = factor * 0.5, source + "; x 0.5 without AVX2"
    reads = {t: v * factor for t, v in BASE_READ_GB_S_PER_CORE.items()}
    flops = {t: v * factor for t, v in BASE_PREFILL_GFLOPS_PER_CORE.items()}
    return reads, flops, source


# A GPU that is not in our tables is never free: the lowest figure of its class among the cards we list
# (GeForce GTX 1650: 128 GB/s; Arc A750 class for Intel: 100 is below any discrete Arc), or for a GPU that shares
# system memory, most of that memory's bandwidth.
GPU_CLASS_GB_S = {"nvidia": 128.0, "amd": 128.0, "intel": 100.0, "apple": 68.25}


def gpu_class_bandwidth(vendor: str, unified_memory: bool, ram_gb_s: float) -> float:
    """A conservative memory bandwidth for a GPU whose model is not in the tables."""
    if unified_memory and vendor != "apple":
        # It reads the system memory at that memory's rate; the backend's efficiency applies once, in the speed
        # model (0.8 here as well under-predicted every integrated GPU of speed_reference.json by 25-45 %).
        return ram_gb_s
    return GPU_CLASS_GB_S.get(vendor, 100.0)
