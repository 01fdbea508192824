"""The memory bar shows the plan's figures, the badge, and the measured speed beside the prediction."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from modelnest.core.gguf import read_file
from modelnest.core.hardware import probe
from modelnest.core.plan import Calibration, ModelSpec, plan
from modelnest.gui.memory_bar import MemoryBar


def test_memory_bar_follows_the_plan(qtbot: QtBot, tiny_model: Path, tmp_path: Path) -> None:
    spec = ModelSpec.from_header(read_file(tiny_model))
    hw = probe(with_sensors=False)
    bar = MemoryBar()
    qtbot.addWidget(bar)
    small = plan(spec, hw, 512, calibration=Calibration(tmp_path / "c.json"))
    bar.set_plan(small)
    assert bar._badge.text() == "CPU only"
    assert "context 512 tokens" in bar._summary.text()
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
