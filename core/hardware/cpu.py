"""CPU: brand, architecture, core counts (performance vs efficiency) and the instruction sets llama.cpp uses."""

from __future__ import annotations

import re

from modelnest.core.hardware.model import CpuInfo
from modelnest.core.hardware.sources import Sources
from modelnest.core.hardware.tables import ARM_PARTS
from modelnest.core.messages import msg

# /proc/cpuinfo flag -> our feature name (x86); the names llama.cpp prints where it has one.
X86_FLAGS: dict[str, str] = {
    "pni": "sse3",
    "ssse3": "ssse3",
    "avx": "avx",
    "avx2": "avx2",
    "f16c": "f16c",
    "fma": "fma",
    "bmi2": "bmi2",
    "avx_vnni": "avx_vnni",
    "avx512f": "avx512",
    "avx512_vnni": "avx512_vnni",
    "avx512_bf16": "avx512_bf16",
    "amx_tile": "amx",
    "amx_int8": "amx_int8",
}
# /proc/cpuinfo "Features" (arm64) -> our feature name.
ARM_FLAGS: dict[str, str] = {
    "asimd": "neon",
    "asimddp": "dotprod",
    "i8mm": "i8mm",
    "sve": "sve",
    "sve2": "sve2",
    "asimdhp": "fp16",
    "bf16": "bf16",
    "sme": "sme",
}
# macOS sysctl (Apple Silicon) -> feature name.
MAC_ARM_SYSCTL: dict[str, str] = {
    "hw.optional.AdvSIMD": "neon",
    "hw.optional.arm.FEAT_DotProd": "dotprod",
    "hw.optional.arm.FEAT_I8MM": "i8mm",
    "hw.optional.arm.FEAT_FP16": "fp16",
    "hw.optional.arm.FEAT_BF16": "bf16",
    "hw.optional.arm.FEAT_SME": "sme",
}
# macOS (Intel) machdep.cpu.features / leaf7_features words -> feature name.
MAC_X86_WORDS: dict[str, str] = {
    "SSE3": "sse3",
    "SSSE3": "ssse3",
    "AVX1.0": "avx",
    "AVX2": "avx2",
    "F16C": "f16c",
    "FMA": "fma",
    "BMI2": "bmi2",
    "AVX512F": "avx512",
    "AVX512VNNI": "avx512_vnni",
}
WIN_FEATURES: dict[str, tuple[str, ...]] = {
    "x86_64": ("sse3", "avx", "avx2", "avx512f"),
    "arm64": ("neon", "dotprod", "i8mm", "sve"),
}


def normalise_arch(machine: str) -> str:
    m = machine.lower()
    if m in ("x86_64", "amd64", "x64"):
        return "x86_64"
    if m in ("aarch64", "arm64", "armv8l"):
        return "arm64"
    return m or "unknown"


def parse_cpuinfo(text: str) -> list[dict[str, str]]:
    """The blocks of /proc/cpuinfo as dicts (one per logical CPU, plus a trailing board block on ARM)."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
                current = {}
            continue
        key, sep, value = line.partition(":")
        if sep:
            current[key.strip()] = value.strip()
    if current:
        blocks.append(current)
    return blocks


def parse_cpu_list(text: str) -> list[int]:
    """"0-3,8,10-11" -> [0, 1, 2, 3, 8, 10, 11] (sysfs cpu lists)."""
    cpus: list[int] = []
    for part in text.strip().split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        cpus.extend(range(int(lo), int(hi or lo) + 1))
    return cpus


def parse_llama_system_info(text: str) -> dict[str, bool]:
    """Parse llama.cpp's llama_print_system_info(): "CPU : SSE3 = 1 | AVX = 1 | ... |" -> {"sse3": True, ...}.

    Keys are lower-cased llama.cpp names (AVX512 -> "avx512", NEON -> "neon", OPENMP -> "openmp");
    backend sections ("CUDA : ARCHS = 860 | ...") only contribute their boolean entries.
    """
    result: dict[str, bool] = {}
    for match in re.finditer(r"([A-Za-z0-9_]+)\s*=\s*([01])\b", text):
        result[match.group(1).lower()] = match.group(2) == "1"
    return result


def _linux(src: Sources, info: CpuInfo) -> None:
    try:
        blocks = parse_cpuinfo(src.read_text("/proc/cpuinfo"))
    except OSError as exc:
        info.missing["cpuinfo"] = msg("/proc/cpuinfo unreadable ({reason})", reason=exc.strerror or str(exc))
        return
    cpus = [b for b in blocks if "processor" in b and b["processor"].isdigit()]
    board = next((b for b in blocks if "Model" in b or "Hardware" in b), {})
    if cpus:
        info.logical_cores = len(cpus)
    first = cpus[0] if cpus else {}
    board_model = _device_tree_model(src) or board.get("Model")
    info.board = board_model
    if first.get("model name"):
        info.brand = " ".join(first["model name"].split())
    elif first.get("CPU part"):
        try:
            part = int(first["CPU part"], 16)
        except ValueError:
            part = -1
        core = ARM_PARTS.get(part, f"ARM core {first['CPU part']}")
        info.brand = f"{core} ({board_model})" if board_model else core
    elif board_model:
        info.brand = board_model
    flags = (first.get("flags") or first.get("Features") or "").split()
    table = X86_FLAGS if info.arch == "x86_64" else ARM_FLAGS if info.arch == "arm64" else {}
    if flags and table:
        present = set(flags)
        info.features = {name: flag in present for flag, name in table.items()}
    elif table:
        info.missing["features"] = msg("/proc/cpuinfo lists no CPU flags")
    cores = {(b.get("physical id", "0"), b["core id"]) for b in cpus if "core id" in b}
    core_of = {int(b["processor"]): (b.get("physical id", "0"), b.get("core id")) for b in cpus}
    if cores:
        info.physical_cores = len(cores)
    elif cpus:
        info.physical_cores = len(cpus)  # no SMT information (typical on ARM): one thread per core
    _linux_hybrid(src, info, core_of)


def _device_tree_model(src: Sources) -> str | None:
    try:
        return src.read_text("/proc/device-tree/model").strip("\x00\n ") or None
    except OSError:
        return None


def _linux_hybrid(src: Sources, info: CpuInfo, core_of: dict[int, tuple[str, str | None]]) -> None:
    def physical(cpu_ids: list[int]) -> int:
        ids = {core_of.get(c, (str(c), None)) for c in cpu_ids}
        return len(ids) if all(core is not None for _, core in ids) else len(cpu_ids)

    try:  # Intel hybrid (Alder Lake and later): the kernel exposes one PMU per core type
        p_cpus = parse_cpu_list(src.read_text("/sys/devices/cpu_core/cpus"))
        e_cpus = parse_cpu_list(src.read_text("/sys/devices/cpu_atom/cpus"))
        info.performance_cores, info.efficiency_cores = physical(p_cpus), physical(e_cpus)
        return
    except (OSError, ValueError):
        pass
    capacities: dict[int, int] = {}
    cpu_dir = src.path("/sys/devices/system/cpu")
    try:
        for entry in cpu_dir.iterdir():
            if re.fullmatch(r"cpu\d+", entry.name) and (entry / "cpu_capacity").is_file():
                capacities[int(entry.name[3:])] = int((entry / "cpu_capacity").read_text().strip())
    except (OSError, ValueError):
        capacities = {}
    if len(set(capacities.values())) > 1:  # ARM big.LITTLE: the biggest capacity is the performance cluster
        top = max(capacities.values())
        info.performance_cores = physical([c for c, v in capacities.items() if v == top])
        info.efficiency_cores = physical([c for c, v in capacities.items() if v != top])
    elif info.physical_cores is not None:
        info.performance_cores, info.efficiency_cores = info.physical_cores, 0


def _int(text: str | None) -> int | None:
    try:
        return int(str(text).strip()) if text is not None else None
    except ValueError:
        return None


def _mac(src: Sources, info: CpuInfo) -> None:
    sysctl = src.sysctl
    if sysctl is None:
        info.missing["sysctl"] = msg("sysctl is not available")
        return
    translated = sysctl("sysctl.proc_translated") == "1"
    apple_silicon = sysctl("hw.optional.arm64") == "1" or info.arch == "arm64"
    brand = sysctl("machdep.cpu.brand_string")
    if translated:
        info.arch = "arm64"
        info.notes.append(
            msg("ModelNest is running as an Intel program under Rosetta 2; the Apple Silicon build is much faster.")
        )
        # Under Rosetta the brand string may read "VirtualApple"; the GPU's model names the real chip.
        if not brand or "VirtualApple" in brand:
            brand = _apple_chip_from_ioreg(src) or brand
    info.brand = brand or None
    info.physical_cores = _int(sysctl("hw.physicalcpu"))
    info.logical_cores = _int(sysctl("hw.logicalcpu"))
    p, e = _int(sysctl("hw.perflevel0.physicalcpu")), _int(sysctl("hw.perflevel1.physicalcpu"))
    if p is not None:
        info.performance_cores, info.efficiency_cores = p, e or 0
    elif info.physical_cores is not None:
        info.performance_cores, info.efficiency_cores = info.physical_cores, 0
    if apple_silicon:
        info.features = {name: sysctl(key) == "1" for key, name in MAC_ARM_SYSCTL.items()}
        info.features.setdefault("sve", False)
        info.features["neon"] = info.features["neon"] or sysctl("hw.optional.neon") == "1"
    else:
        text = (sysctl("machdep.cpu.features") or "") + " " + (sysctl("machdep.cpu.leaf7_features") or "")
        words = set(text.split())
        if words:
            info.features = {name: word in words for word, name in MAC_X86_WORDS.items()}
        else:
            info.missing["features"] = msg("sysctl machdep.cpu.features is empty")


def _apple_chip_from_ioreg(src: Sources) -> str | None:
    if src.ioreg is None:
        return None
    try:
        match = re.search(r'"model"\s*=\s*"([^"]+)"', src.ioreg())
    except (OSError, ValueError):
        return None
    return match.group(1) if match else None


def _windows(src: Sources, info: CpuInfo) -> None:
    if src.win_cpu is not None:
        try:
            info.brand = str(src.win_cpu().get("ProcessorNameString", "")).strip() or None
        except OSError as exc:
            info.missing["brand"] = msg("registry unreadable ({error})", error=str(exc))
    if src.win_features is not None:
        info.features = {name: bool(src.win_features(name)) for name in WIN_FEATURES.get(info.arch or "", ())}
        if "avx512f" in info.features:
            info.features["avx512"] = info.features.pop("avx512f")
    if src.win_cores is None:
        info.missing["performance_cores"] = msg("core types are not available")
        return
    try:
        cores = src.win_cores()
    except OSError as exc:
        info.missing["performance_cores"] = msg("core types unreadable ({error})", error=str(exc))
        return
    if cores:
        top = max(eff for eff, _ in cores)
        info.physical_cores = len(cores)
        info.logical_cores = sum(threads for _, threads in cores)
        # Hybrid chips report two efficiency classes; the highest one is the performance cores.
        info.performance_cores = sum(1 for eff, _ in cores if eff == top)
        info.efficiency_cores = len(cores) - info.performance_cores


def probe_cpu(src: Sources) -> CpuInfo:
    """CPU facts; each part that fails is listed in `missing` with the reason."""
    info = CpuInfo(arch=normalise_arch(src.machine))
    readers = {"Linux": _linux, "Darwin": _mac, "Windows": _windows}
    reader = readers.get(src.system)
    if reader is None:
        info.missing["cpu"] = msg("{system} is not a supported system", system=src.system)
    else:
        try:
            reader(src, info)
        except Exception as exc:  # noqa: BLE001 - a broken source must never break the probe
            info.missing["cpu"] = msg(
                "reading the CPU failed ({kind}: {error})", kind=type(exc).__name__, error=str(exc)
            )
    _fill_from_psutil(src, info)
    if src.affinity is not None:
        try:
            info.usable_cores = src.affinity()
        except OSError as exc:
            info.missing["usable_cores"] = str(exc)
    for name in ("brand", "physical_cores", "logical_cores", "performance_cores"):
        if getattr(info, name) is None:
            info.missing.setdefault(name, msg("the system did not report it"))
    if not info.features:
        info.missing.setdefault("features", msg("the system did not report CPU flags"))
    return info


def _fill_from_psutil(src: Sources, info: CpuInfo) -> None:
    ps = src.psutil
    if ps is None:
        return
    try:
        if info.logical_cores is None:
            info.logical_cores = ps.cpu_count(logical=True)
        if info.physical_cores is None:
            info.physical_cores = ps.cpu_count(logical=False)
    except Exception as exc:  # noqa: BLE001 - psutil raises assorted OS errors (AccessDenied, ...)
        info.missing.setdefault("physical_cores", f"psutil failed ({type(exc).__name__})")
