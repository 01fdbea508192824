"""RAM bandwidth: a published figure for chips we know, and a short measured copy benchmark cached per machine."""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import platform
import threading
import time
from pathlib import Path
from typing import Any

from modelnest.core import paths
from modelnest.core.atomic import update_json_object
from modelnest.core.hardware.model import BandwidthInfo, CpuInfo, Figure, GpuInfo, MemoryInfo
from modelnest.core.hardware.tables import apple_chip_memory, cpu_generation_memory, cpu_memory
from modelnest.core.messages import Message, Text, msg

CACHE_FILE = "ram_bandwidth.json"


def table_figure(cpu: CpuInfo, gpus: list[GpuInfo]) -> Figure | None:
    """The published peak bandwidth of this machine's memory, when the chip or board is in our table."""
    apple = next((g for g in gpus if g.vendor == "apple"), None)
    if apple is not None and apple.bandwidth_gb_s:
        return Figure(apple.bandwidth_gb_s, apple.bandwidth_source or msg("table figure"))
    if cpu.brand and cpu.brand.startswith("Apple M"):
        chip = apple_chip_memory(cpu.brand, None)
        if chip:
            return Figure(chip.bandwidth_gb_s, msg("table: {chip} ({memory})", chip=cpu.brand, memory=chip.memory))
    found = cpu_memory(cpu.brand, cpu.board)
    if found is None:
        generation = cpu_generation_memory(cpu.brand)
        if generation is None:
            return None
        chip, name = generation
        return Figure(chip.bandwidth_gb_s,
                      msg("table: {chip}, typical memory ({memory})", chip=name, memory=chip.memory))
    chip, key = found
    return Figure(chip.bandwidth_gb_s, msg("table: {chip} ({memory})", chip=key, memory=chip.memory))


def machine_fingerprint(cpu: CpuInfo, memory: MemoryInfo) -> str:
    """Identifies this machine in the cache (a cache folder can roam between computers)."""
    text = "|".join(
        str(x) for x in (platform.node(), cpu.brand, cpu.logical_cores, memory.host_total_bytes or memory.total_bytes)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _cache_path() -> Path:
    return paths.cache_dir() / CACHE_FILE


def cached_measurement(fingerprint: str) -> Figure | None:
    try:
        data = json.loads(_cache_path().read_text(encoding="utf-8"))
        entry = data[fingerprint]
        return Figure(float(entry["gb_s"]), source_from_json(entry["source"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def measure_ram_bandwidth(
    fingerprint: str | None = None, seconds: float = 0.25, buffer_bytes: int = 256 * 1024**2, threads: int = 1
) -> Figure:
    """Copy a large buffer for about `seconds` with numpy and report the best rate (read + write bytes).

    A STREAM-style "copy". One thread shows what one core can pull, usually far below what a multi-channel
    system delivers; with `threads` > 1 each thread copies its own slice at the same time (numpy releases the GIL
    while it copies), which is how llama.cpp's threads read weights. Cached under `fingerprint` when given.
    """
    import numpy as np  # imported here: the probe itself must stay fast and light

    threads = max(1, threads)
    n = buffer_bytes // 8 // threads * threads
    # The buffers are anonymous maps rather than numpy's own allocation: numpy asks Linux for huge pages on
    # large arrays, and where THP defragments on request (the default "madvise") the first touch waits for the
    # kernel to compact memory. After the speed test had written its models that made this copy 1.5 s instead of
    # 0.5 s here. llama.cpp reads its weights from ordinary pages of a mapped file anyway.
    src_map, dst_map = _anonymous_map(n * 8), _anonymous_map(n * 8)
    try:
        best, runs = _best_copy(np.frombuffer(src_map, np.float64), np.frombuffer(dst_map, np.float64), threads,
                                seconds)
    finally:
        src_map.close()  # the arrays are gone with _best_copy's frame: nothing still points into the maps
        dst_map.close()
    gb_s = round(2 * n * 8 / best / 1e9, 1)
    mib, when = n * 8 // 1024**2, time.strftime("%Y-%m-%d %H:%M", time.localtime())
    if threads == 1:
        source = msg("measured: numpy copy of {mib} MiB, 1 thread, best of {runs} ({when})",
                     mib=mib, runs=runs, when=when)
    else:
        source = msg("measured: numpy copy of {mib} MiB, {threads} threads, best of {runs} ({when})",
                     mib=mib, threads=threads, runs=runs, when=when)
    figure = Figure(gb_s, source)
    if fingerprint is not None:
        _store(fingerprint, figure)
    return figure


def _anonymous_map(size: int) -> mmap.mmap:
    """Zeroed memory of ordinary pages; on Linux filled in by the kernel at once (MAP_POPULATE), which here took
    half the time of faulting the pages in one by one."""
    populate = getattr(mmap, "MAP_POPULATE", 0)
    if populate:
        return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | populate)
    return mmap.mmap(-1, size)


def _best_copy(src: Any, dst: Any, threads: int, seconds: float) -> tuple[float, int]:
    """(shortest seconds of one copy of `src` into `dst`, copies made): at least two, then for `seconds`."""
    import numpy as np

    src.fill(1.0)
    np.copyto(dst, src)  # touch every page first so page faults are not timed
    step = len(src) // threads
    slices = [(dst[i * step:(i + 1) * step], src[i * step:(i + 1) * step]) for i in range(threads)]
    best = float("inf")
    deadline = time.perf_counter() + seconds
    runs = 0
    while runs < 2 or time.perf_counter() < deadline:
        start = time.perf_counter()
        if threads == 1:
            np.copyto(dst, src)
        else:
            workers = [threading.Thread(target=np.copyto, args=pair) for pair in slices]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
        best = min(best, time.perf_counter() - start)
        runs += 1
    return best, runs


def last_level_cache_bytes() -> int | None:
    """The largest CPU cache (Linux sysfs); None where the system does not say. Reads that fit stay in it."""
    best = 0
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            text = (index / "size").read_text().strip().upper()
        except OSError:
            continue
        scale = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(text[-1:], 1)
        digits = text.rstrip("KMG")
        if digits.isdigit():
            best = max(best, int(digits) * scale)
    return best or None


def source_json(source: Text) -> Any:
    """A figure's source for a JSON cache: the message's id and parameters, so that it is shown translated."""
    return source.to_json() if isinstance(source, Message) else source


def source_from_json(data: Any) -> Text:
    """The source `source_json` stored (a plain string from an older cache stays one)."""
    return Message.from_json(data) if isinstance(data, dict) else str(data)


def _store(fingerprint: str, figure: Figure) -> None:
    update_json_object(_cache_path(), fingerprint,
                       {"gb_s": figure.value, "source": source_json(figure.source), "measured_at": time.time()})


def build_bandwidth(
    cpu: CpuInfo, memory: MemoryInfo, gpus: list[GpuInfo], measure: bool = False
) -> BandwidthInfo:
    """Every RAM bandwidth figure we have; `ram_gb_s` is the published one when known, else the measured one."""
    info = BandwidthInfo()
    fingerprint = machine_fingerprint(cpu, memory)
    table = table_figure(cpu, gpus)
    if table is not None:
        info.figures.append(table)
    measured: Figure | None = None
    if measure:
        try:
            size = 256 * 1024**2
            if memory.available_bytes:  # small boards and tight containers: never take more than 1/8 of what is free
                size = max(16 * 1024**2, min(size, memory.available_bytes // 16))
            cache = last_level_cache_bytes() or 0
            if memory.available_bytes and 4 * cache < memory.available_bytes // 8:
                size = max(size, 2 * cache)  # larger than the cache, or the cache is what gets measured
            measured = measure_ram_bandwidth(fingerprint, buffer_bytes=size, threads=os.cpu_count() or 1)
        except (MemoryError, OSError) as exc:
            info.missing["measured"] = msg("the benchmark could not run ({kind})", kind=type(exc).__name__)
    else:
        measured = cached_measurement(fingerprint)
        if measured is None:
            info.missing["measured"] = msg("not measured yet (modelnest probe --measure)")
    if measured is not None:
        info.figures.append(measured)
    chosen = table or measured
    if chosen is not None:
        info.ram_gb_s, info.source = chosen.value, chosen.source
    else:
        info.missing["ram_gb_s"] = msg("this chip is not in our table and the memory has not been measured yet")
    return info
