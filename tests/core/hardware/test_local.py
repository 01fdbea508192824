"""The probe on this very machine agrees with /proc/meminfo, nproc and /proc/cpuinfo; `modelnest probe` works."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from modelnest.core.cli import main as cli_main

linux_only = pytest.mark.skipif(platform.system() != "Linux", reason="compares with Linux /proc files")


def probe_json(*extra: str) -> dict:
    # A real subprocess: the same `modelnest probe --json` users run, in its own interpreter. The timeout only
    # guards against a hang: --measure runs the whole speed test (15 s here when quiet, minutes on a loaded VM).
    out = subprocess.run(
        [sys.executable, "-m", "modelnest.gui.launcher", "probe", "--json", *extra],
        capture_output=True, text=True, timeout=600 if "--measure" in extra else 120, check=True,
        env=os.environ.copy(),
    )
    return json.loads(out.stdout)


@linux_only
def test_probe_json_agrees_with_proc_and_nproc() -> None:
    doc = probe_json()
    meminfo = {
        line.split(":")[0]: int(line.split()[1]) * 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.split()[-1] == "kB"
    }
    mem = doc["memory"]
    if mem["cgroup_limit_bytes"] is None:
        assert mem["total_bytes"] == meminfo["MemTotal"]
    else:
        assert mem["total_bytes"] == min(meminfo["MemTotal"], mem["cgroup_limit_bytes"])
    assert mem["host_total_bytes"] == meminfo["MemTotal"]
    # MemAvailable moves while other processes run; a wide margin still catches unit or field mistakes.
    assert abs(mem["available_bytes"] - meminfo["MemAvailable"]) < 512 * 1024**2
    assert mem["swap_total_bytes"] == meminfo["SwapTotal"]

    nproc = int(subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout)
    assert doc["cpu"]["usable_cores"] == nproc
    cpuinfo = Path("/proc/cpuinfo").read_text()
    blocks = [b for b in cpuinfo.split("\n\n") if b.strip().startswith("processor")]
    assert doc["cpu"]["logical_cores"] == len(blocks)
    fields = dict(line.split(":", 1) for line in blocks[0].splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    if "model name" in fields:
        assert doc["cpu"]["brand"] == " ".join(fields["model name"].split())
    flags = set((fields.get("flags") or fields.get("Features") or "").split())
    features = doc["cpu"]["features"]
    if "avx2" in features:
        assert features["avx2"] == ("avx2" in flags)
        assert features["avx512"] == ("avx512f" in flags)
        assert features["fma"] == ("fma" in flags)
        assert features["amx"] == ("amx_tile" in flags)
    cores = {(f.get("physical id"), f.get("core id")) for f in (
        {k.strip(): v.strip() for k, v in (ln.split(":", 1) for ln in b.splitlines() if ":" in ln)} for b in blocks
    )}
    assert doc["cpu"]["physical_cores"] == len(cores)
    # asked from the engine process: the portable build's instruction sets, never more than the CPU has
    engine = doc["cpu"]["engine_features"]
    assert engine["avx2"] and not engine.get("amx") and not engine.get("avx512")


def test_probe_json_keys_match_the_issue() -> None:
    doc = probe_json()
    cpu_keys = ("brand", "arch", "physical_cores", "logical_cores", "performance_cores", "efficiency_cores", "features")
    for key in cpu_keys:
        assert key in doc["cpu"]
    for key in ("total_bytes", "available_bytes"):
        assert key in doc["memory"]
    for gpu in doc["gpus"]:
        for key in (
            "vendor", "name", "vram_total_bytes", "vram_free_bytes", "bandwidth_gb_s", "unified_memory", "backend"
        ):
            assert key in gpu
    assert doc["disk"]["models_dir"] == str(Path(os.environ["MODELNEST_HOME"]) / "models")
    assert abs(doc["disk"]["free_bytes"] - shutil.disk_usage(doc["disk"]["models_dir"]).free) < 1024**3
    assert set(doc["bandwidth"]) >= {"ram_gb_s", "source"}
    assert doc["sensors"]["ram_total_bytes"] > 0


def test_probe_measure_is_cached_then_used(modelnest_home: Path) -> None:
    first = probe_json("--measure")
    measured = [f for f in first["bandwidth"]["figures"] if f["source"].startswith("measured")]
    assert len(measured) == 1 and measured[0]["value"] > 0.5
    assert (modelnest_home / "cache" / "ram_bandwidth.json").is_file()
    # Without --measure the cached figure comes back, labelled the same; nothing is re-run.
    again = probe_json()
    assert [f for f in again["bandwidth"]["figures"] if f["source"].startswith("measured")] == measured


def test_probe_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["probe"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("CPU:") and "Memory:" in out and "Disk:" in out
    assert "GiB total" in out
