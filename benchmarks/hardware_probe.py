"""Hardware probe speed and RAM bandwidth on this machine, beside their baselines.

    python benchmarks/hardware_probe.py

- probe() without the bandwidth benchmark must take < 1 s (goal from issue 4); the baseline is the
  bare minimum any probe does (psutil.virtual_memory + cpu_count + disk_usage).
- RAM bandwidth: our measured numpy copy (cached per machine by the app) beside the published
  figure for this chip when we have one, and beside a single np.copyto of the same buffer.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

os.environ.setdefault("MODELNEST_HOME", tempfile.mkdtemp(prefix="modelnest-bench-"))

import psutil

from modelnest.core.hardware import probe
from modelnest.core.hardware.bandwidth import measure_ram_bandwidth, table_figure


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    baseline = timed(lambda: (psutil.virtual_memory(), psutil.cpu_count(False), psutil.disk_usage("/")), 20)
    first = timed(lambda: probe(), 1)[0]
    ours = timed(lambda: probe(), 10)
    no_sensors = timed(lambda: probe(with_sensors=False), 10)
    print(f"probe() first call (includes NVML load attempt): {first * 1000:7.1f} ms")
    print(f"probe() median of 10 (one sensor sample incl.):  {statistics.median(ours) * 1000:7.1f} ms   goal < 1000 ms")
    print(f"probe(with_sensors=False) median of 10:          {statistics.median(no_sensors) * 1000:7.1f} ms")
    print(f"baseline psutil-only minimum, median of 20:      {statistics.median(baseline) * 1000:7.1f} ms")
    snap = probe(with_sensors=False)
    start = time.perf_counter()
    measured = measure_ram_bandwidth()
    took = time.perf_counter() - start
    print(f"RAM bandwidth measured: {measured.value:g} GB/s [{measured.source}] in {took:.2f} s (incl. allocation)")
    table = table_figure(snap.cpu, snap.gpus)
    published = f"{table.value:g} GB/s [{table.source}]" if table else "this chip is not in our table"
    print(f"RAM bandwidth published: {published}")


if __name__ == "__main__":
    main()
