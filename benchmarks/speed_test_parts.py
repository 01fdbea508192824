"""Where the speed test's seconds go, and how fast the engine reads F16 weights from RAM by row width.

1. The speed test (core/plan/speedtest.py) once, with the time of each of its steps from its progress callback
   (goal of issue 11: about 5 s in all).
2. The numpy copy the test ends with, in two fresh processes: on a VM the first touch of never-used memory is
   part of its time, and differs between processes.
3. F16 models of about the same size (4x the last-level cache, at least 128 MiB), rows of 1024, 2048 and 4096,
   decoded in alternating rounds; printed as GB/s and as a ratio to rows of 2048 (the speed test's RAM pass).
   Ratios measured in one run, not absolute figures: this VM's neighbours move both.

    .venv/bin/python benchmarks/speed_test_parts.py [--threads N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="speed-test-parts-"))
os.environ["MODELNEST_HOME"] = str(WORK / "home")  # the speed test's cache stays out of the user's

from modelnest.core.engine.client import EngineClient  # noqa: E402
from modelnest.core.engine.params import EngineParams  # noqa: E402
from modelnest.core.hardware import probe  # noqa: E402
from modelnest.core.hardware.bandwidth import last_level_cache_bytes  # noqa: E402
from modelnest.core.plan import speedtest  # noqa: E402
from modelnest.core.plan.planner import choose_threads  # noqa: E402
from modelnest.core.plan.synthetic import write_model  # noqa: E402

COPY = ("import time; from modelnest.core.hardware.bandwidth import measure_ram_bandwidth as m; "
        "t = time.perf_counter(); f = m(None, seconds=0.2, buffer_bytes=256 * 1024**2, threads=2); "
        "print(f'{time.perf_counter() - t:.2f} s, {f.value} GB/s')")
WIDTHS = {1024: {"n_embd": 1024, "n_head": 8, "n_head_kv": 2, "n_ff": 8192},
          2048: {},  # the speed test's own RAM shape
          4096: {"n_embd": 4096, "n_head": 32, "n_head_kv": 8, "n_ff": 11008}}


def steps(threads: int) -> None:
    hw = probe(with_sensors=False)
    started = time.perf_counter()
    last = started

    def progress(_share: float, what: object) -> None:
        nonlocal last
        now = time.perf_counter()
        print(f"  {now - started:6.2f} s  (+{now - last:5.2f})  {what}", flush=True)
        last = now

    profile = speedtest.run_speed_test(hw, threads, progress=progress, store=False, gpu_pass=False)
    print(f"speed test: {profile.seconds:.2f} s in all (goal about 5 s); from RAM {profile.ram_read_gb_s} GB/s; "
          f"memory copy {profile.memory_gb_s} GB/s")


def copies() -> None:
    for i in (1, 2):
        out = subprocess.run([sys.executable, "-c", COPY], capture_output=True, text=True, check=True).stdout
        print(f"numpy copy of 256 MiB, fresh process {i}: {out.strip()}")


def widths(threads: int, rounds: int) -> None:
    target = max(4 * (last_level_cache_bytes() or 0), speedtest.RAM_MIN_BYTES)
    params = EngineParams(n_ctx=512, n_batch=512, n_ubatch=512, n_threads=threads, n_threads_batch=threads,
                          flash_attn=True, use_mmap=True)
    models = {}
    for width, change in WIDTHS.items():
        one = replace(speedtest.RAM, **change, name=f"rows-{width}")
        per_layer = speedtest._weight_bytes(replace(one, n_layer=2), "F16")[0] - speedtest._weight_bytes(one, "F16")[0]
        shape = replace(one, n_layer=max(1, math.ceil(target / per_layer)))  # at least the target, as the test
        path = write_model(WORK / f"{shape.name}.gguf", shape, "F16")
        models[width] = (path, speedtest._weight_bytes(shape, "F16")[0])
    rates: dict[int, list[float]] = {w: [] for w in models}
    with EngineClient(hang_timeout=300) as engine:
        for r in range(rounds):
            for width in (list(models) if r % 2 == 0 else list(reversed(models))):
                path, read = models[width]
                engine.load(path, params)
                speedtest.decode_interval(engine, 3)  # warm-up: the pages come in
                rates[width].append(read / speedtest.decode_interval(engine, 12) / 1e9)
                engine.unload()
    base = max(rates[2048])
    for width, values in rates.items():
        print(f"rows of {width}: {models[width][1] / 1024**2:.0f} MiB, best {max(values):.1f} GB/s, median "
              f"{statistics.median(values):.1f}; ratio to rows of 2048 (best) {max(values) / base:.2f}")
    for path, _ in models.values():
        path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0, help="default: the planner's choice")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    threads = args.threads or choose_threads(probe(with_sensors=False))
    steps(threads)
    copies()
    widths(threads, args.rounds)


if __name__ == "__main__":
    main()
