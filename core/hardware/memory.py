"""System memory: total, available and swap, clamped to a cgroup (container) limit when one applies."""

from __future__ import annotations

from modelnest.core.hardware.model import MemoryInfo
from modelnest.core.hardware.sources import Sources
from modelnest.core.messages import msg

_UNLIMITED = 1 << 60  # cgroup v1 writes "no limit" as a page-rounded 2**63-1


def parse_meminfo(text: str) -> dict[str, int]:
    """/proc/meminfo -> {"MemTotal": bytes, ...}."""
    values: dict[str, int] = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            factor = 1024 if len(parts) > 1 and parts[1].lower() == "kb" else 1
            values[key.strip()] = int(parts[0]) * factor
    return values


def _read_int(src: Sources, path: str) -> int | None:
    try:
        text = src.read_text(path).strip()
    except OSError:
        return None
    if text == "max":
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return None if value >= _UNLIMITED else value


def cgroup_memory(src: Sources) -> tuple[int | None, int | None]:
    """(limit, usage) of this process's memory cgroup, v2 or v1; limit None when unlimited.

    Limits are hierarchical, so every ancestor counts: the smallest limit on the path wins.
    """
    try:
        lines = src.read_text("/proc/self/cgroup").splitlines()
    except OSError:
        return None, None
    v2_path = v1_path = None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            v2_path = parts[2]
        elif "memory" in parts[1].split(","):
            v1_path = parts[2]
    candidates: list[tuple[str, str, str]] = []  # (mount, path, kind)
    if v1_path is not None and src.path("/sys/fs/cgroup/memory").is_dir():
        candidates.append(("/sys/fs/cgroup/memory", v1_path, "v1"))
    if v2_path is not None and src.path("/sys/fs/cgroup/cgroup.controllers").is_file():
        candidates.append(("/sys/fs/cgroup", v2_path, "v2"))
    best_limit: int | None = None
    usage: int | None = None
    for mount, path, kind in candidates:
        limit_file, usage_file = (
            ("memory.limit_in_bytes", "memory.usage_in_bytes") if kind == "v1" else ("memory.max", "memory.current")
        )
        parts = [p for p in path.split("/") if p]
        # Walk from the process's own group up to the mount; in a container the group's own
        # directory is usually the mount itself (cgroup namespace), so the mount is always checked.
        dirs = ["/".join([mount, *parts[:i]]) for i in range(len(parts), -1, -1)]
        for directory in dirs:
            if not src.path(directory).is_dir():
                continue
            limit = _read_int(src, f"{directory}/{limit_file}")
            if usage is None:
                usage = _read_int(src, f"{directory}/{usage_file}")
            if limit is not None and (best_limit is None or limit < best_limit):
                best_limit = limit
    return best_limit, usage


def probe_memory(src: Sources) -> MemoryInfo:
    info = MemoryInfo()
    try:
        if src.system == "Linux":
            _linux(src, info)
        else:
            _psutil(src, info)
    except Exception as exc:  # noqa: BLE001 - never let one source break the probe
        info.missing["memory"] = msg("reading memory failed ({kind}: {error})", kind=type(exc).__name__, error=str(exc))
    if src.system == "Linux":
        limit, usage = cgroup_memory(src)
        if limit is not None:
            info.cgroup_limit_bytes = limit
            if info.total_bytes is None or limit < info.total_bytes:
                info.total_bytes = limit
                # Available inside the container: what is left under the limit, never more than the host has.
                room = max(limit - (usage or 0), 0)
                info.available_bytes = room if info.available_bytes is None else min(room, info.available_bytes)
    for name in ("total_bytes", "available_bytes", "swap_total_bytes"):
        if getattr(info, name) is None:
            info.missing.setdefault(name, msg("the system did not report it"))
    return info


def _linux(src: Sources, info: MemoryInfo) -> None:
    try:
        values = parse_meminfo(src.read_text("/proc/meminfo"))
    except OSError as exc:
        info.missing["meminfo"] = msg("/proc/meminfo unreadable ({reason})", reason=exc.strerror or str(exc))
        _psutil(src, info)
        return
    info.host_total_bytes = info.total_bytes = values.get("MemTotal")
    available = values.get("MemAvailable")
    if available is None and "MemFree" in values:  # kernels before 3.14
        available = values["MemFree"] + values.get("Buffers", 0) + values.get("Cached", 0)
    info.available_bytes = available
    info.swap_total_bytes = values.get("SwapTotal")
    info.swap_free_bytes = values.get("SwapFree")


def _psutil(src: Sources, info: MemoryInfo) -> None:
    ps = src.psutil
    if ps is None:
        info.missing["memory"] = msg("psutil is not available")
        return
    try:
        vm = ps.virtual_memory()
        info.host_total_bytes = info.total_bytes = int(vm.total)
        info.available_bytes = int(vm.available)
    except Exception as exc:  # noqa: BLE001 - psutil.AccessDenied and OSError alike
        info.missing["total_bytes"] = msg("psutil could not read memory ({kind})", kind=type(exc).__name__)
        if src.sysctl is not None:
            total = src.sysctl("hw.memsize")
            if total and total.isdigit():
                info.host_total_bytes = info.total_bytes = int(total)
    try:
        swap = ps.swap_memory()
        info.swap_total_bytes, info.swap_free_bytes = int(swap.total), int(swap.free)
    except Exception as exc:  # noqa: BLE001
        info.missing["swap_total_bytes"] = msg("psutil could not read swap ({kind})", kind=type(exc).__name__)
