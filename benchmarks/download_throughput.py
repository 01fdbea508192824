"""Download throughput from a local hub-like server: ModelNest's Download vs `curl` of the same file, same run.

Our figure includes everything a real download does: HTTP Range-capable streaming into `.part`, incremental
sha256, fsync and the atomic rename. curl only writes the bytes. Goal: ours / curl >= 0.95.

    .venv/bin/python benchmarks/download_throughput.py [--size-mb 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPO = "bench/throughput-GGUF"
NAME = "bench-Q4_K_M.gguf"


def start_server(root: Path, size: int) -> tuple[subprocess.Popen[str], str]:
    """The test suite's hub server in its own process, so the client being measured has the CPU to itself."""
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "support" / "hub_server.py"), str(root), REPO, NAME, str(size)],
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    endpoint = proc.stdout.readline().strip()
    if not endpoint.startswith("http"):
        proc.kill()
        raise SystemExit("the hub server did not start")
    return proc, endpoint


CPU: dict[str, list[float]] = {"ours": [], "curl": []}  # CPU seconds per run: insensitive to other load


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ours(endpoint: str, work: Path) -> float:
    os.environ["MODELNEST_HOME"] = str(work / "home")
    from modelnest.core.download import Download, TransferSettings, resolve_pull

    files = resolve_pull(REPO, endpoint=endpoint)  # metadata first (not timed; curl gets the URL for free)
    job = Download(files, settings=TransferSettings(disk_margin=0))
    t0, c0 = time.perf_counter(), time.process_time()
    job.run()
    elapsed = time.perf_counter() - t0
    CPU["ours"].append(time.process_time() - c0)
    shutil.rmtree(work / "home")
    return elapsed


def curl(url: str, work: Path, *, verify: bool = False) -> float:
    """curl to a file; with verify, then `sha256sum` it (the same guarantee our figure includes)."""
    out = work / "curl.bin"
    t0, c0 = time.perf_counter(), _children_cpu()
    subprocess.run(["curl", "-sS", "-f", "-L", "-o", str(out), url], check=True)
    if not verify:
        CPU["curl"].append(_children_cpu() - c0)
    if verify:
        subprocess.run(["sha256sum", str(out)], check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t0
    out.unlink()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not shutil.which("curl"):
        raise SystemExit("curl is not installed; it is the baseline")
    size = args.size_mb * 1_000_000
    with tempfile.TemporaryDirectory(prefix="modelnest-bench-") as tmp:
        work = Path(tmp)
        proc, endpoint = start_server(work / "server", size)
        try:
            url = f"{endpoint}/{REPO}/resolve/main/{NAME}"
            curl(url, work)  # warm the page cache of the served file once
            CPU["curl"].clear()
            times_ours, times_curl, times_verified = [], [], []
            for _ in range(args.runs):  # interleaved, so drift in machine load hits all alike
                times_curl.append(curl(url, work))
                times_ours.append(ours(endpoint, work))
                times_verified.append(curl(url, work, verify=True))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    mbps_ours = size / statistics.median(times_ours) / 1e6
    mbps_curl = size / statistics.median(times_curl) / 1e6
    mbps_verified = size / statistics.median(times_verified) / 1e6
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"file: {args.size_mb} MB from 127.0.0.1, median of {args.runs} runs each, {os.cpu_count()} CPUs, "
        f"load {load:.1f}"
    )
    print(f"curl (baseline):          {mbps_curl:8.1f} MB/s   runs: {', '.join(f'{t:.2f}s' for t in times_curl)}")
    print(
        f"curl + sha256sum:         {mbps_verified:8.1f} MB/s   runs: {', '.join(f'{t:.2f}s' for t in times_verified)}"
    )
    print(f"modelnest Download:       {mbps_ours:8.1f} MB/s   runs: {', '.join(f'{t:.2f}s' for t in times_ours)}"
          "   (incl. sha256, fsync, rename)")
    ratio = mbps_ours / mbps_curl
    print(f"ratio ours/curl:          {ratio:8.2f}   goal >= 0.95: {'met' if ratio >= 0.95 else 'NOT met'}")
    print(
        f"ratio ours/(curl+sha256): {mbps_ours / mbps_verified:8.2f}   (same guarantee: bytes checked against the hash)"
    )
    cpu_ours, cpu_curl = statistics.median(CPU["ours"]), statistics.median(CPU["curl"])
    print(f"CPU time per GB:          ours {cpu_ours / size * 1e9:.2f} s, curl {cpu_curl / size * 1e9:.2f} s "
          "(median; load-independent: ours includes sha256)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
