"""The memory bar shows the plan's figures, the badge, and the measured speed beside the prediction."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from modelnest.core.gguf import read_file
from modelnest.core.hardware import probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.plan import Calibration, ModelSpec, plan
from modelnest.core.plan.fit import fit_color
from modelnest.gui.memory_bar import MemoryBar

MACHINES = Path(__file__).resolve().parents[1] / "data" / "machines"


def test_memory_bar_follows_the_plan(qtbot: QtBot, tiny_model: Path, tmp_path: Path) -> None:
    spec = ModelSpec.from_header(read_file(tiny_model))
    # A recorded CPU-only desktop, never this host: the badge must not depend on what this machine has.
    hw = probe(load_machine(MACHINES / "i7_no_gpu_16gb.json", tmp_path / "machine"), with_sensors=False)
    bar = MemoryBar()
    qtbot.addWidget(bar)
    small = plan(spec, hw, 512, calibration=Calibration(tmp_path / "c.json"))
    bar.set_plan(small)
    assert bar._badge.text() == "Runs on CPU"  # the one label set (core.plan.fit), as in the catalogue
    assert fit_color("cpu_only") in bar._badge.styleSheet()
    assert "context 512 tokens" in bar._summary.text()
    assert "MiB" in bar._legend.text() and " MB" not in bar._legend.text()  # binary units, labelled so
    assert [n for _, n in bar._bar.segments][1] == small.memory.kv_cache_bytes
    big = plan(spec, hw, 4096, calibration=Calibration(tmp_path / "c.json"))
    bar.set_plan(big)
    assert [n for _, n in bar._bar.segments][1] == big.memory.kv_cache_bytes > small.memory.kv_cache_bytes
    assert "not yet calibrated" in bar._speed.text()
    bar.set_measured(123.4)
    assert "measured: 123.4 tokens/s" in bar._speed.text()
    bar.resize(500, 120)
    image = bar.grab()
    assert not image.isNull()
