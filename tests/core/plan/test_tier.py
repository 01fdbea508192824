"""The "what can this computer run" line belongs to the planner (it runs it); the probe CLI prints it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from modelnest.core.hardware import probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.plan.tier import estimate_tier, tier_line

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"


@pytest.mark.parametrize(("machine", "line"), [
    ("rtx3060_desktop", "up to 14B-parameter models at 4-bit on the GPU; 32B partly offloaded to system memory"),
    ("m1pro_16gb", "up to 14B-parameter models at 4-bit in unified memory"),
    ("rpi5_8gb", "up to 8B-parameter models at 4-bit on the CPU"),
])
def test_tier_line_on_recorded_machines(tmp_path: Path, machine: str, line: str) -> None:
    tier = estimate_tier(probe(load_machine(MACHINES / f"{machine}.json", tmp_path), with_sensors=False))
    assert tier is not None and tier_line(tier) == f"{line} (rough estimate)"


def test_hardware_package_no_longer_runs_the_planner() -> None:
    code = ("import sys; import modelnest.core.hardware, modelnest.core.hardware.text; "
            "print(sorted(m for m in sys.modules if m.startswith(('modelnest.core.plan', 'modelnest.core.engine'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
