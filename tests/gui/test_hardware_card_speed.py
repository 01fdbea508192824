"""The hardware card's "Measure speed": the real (short) speed test through the real engine, run by the hardware
service in the background; the card and every plan made afterwards use what it measured."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot
from support.app_context import recorded_context

from modelnest.core.hardware import HardwareSnapshot
from modelnest.core.plan import Calibration, ModelSpec, plan
from modelnest.core.plan.speedtest import run_speed_test
from modelnest.gui.hardware_card import HardwareCard

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def short_test(snapshot: HardwareSnapshot, progress: Callable[[float, object], None]) -> Any:
    return run_speed_test(snapshot, 1, types=("Q4_K",), decode_tokens=6, prefill_tokens=16, memory_seconds=0.02,
                          progress=progress)


def test_measure_speed_from_the_card(qtbot: QtBot, tmp_path: Path) -> None:
    ctx = recorded_context(tmp_path, "i7_no_gpu_16gb")
    try:
        ctx.hardware.speed_test_fn = short_test
        card = HardwareCard(ctx, measure_if_missing=False)
        qtbot.addWidget(card)
        with qtbot.waitSignal(card.snapshot_shown, timeout=10000):
            card.show()
        row = card.findChild(QLabel, "speed_test")
        assert row is not None and row.text().startswith("not run yet")
        snapshot = ctx.hardware.snapshot
        assert snapshot is not None
        spec = ModelSpec.from_architecture(arch="llama", n_layer=32, n_embd=4096, n_head=32, n_head_kv=8,
                                           n_vocab=128256, n_ff=14336, n_ctx_train=8192, quant="Q4_K_M",
                                           n_params=8_030_261_248)
        before = plan(spec, snapshot, 4096, calibration=Calibration(tmp_path / "c.json")).predicted
        assert before.kind == "table"
        button = card.findChild(QPushButton, "measure_speed")
        assert button is not None and button.isEnabled()
        progress: list[object] = []
        ctx.hardware.speed_test_progress.connect(progress.append)
        with qtbot.waitSignal(card.speed_shown, timeout=120000), \
                qtbot.waitSignal(ctx.hardware.bandwidth_ready, timeout=120000):
            button.click()
            assert not button.isEnabled()  # one speed test at a time
        assert progress and ctx.hardware.speed_profile is not None
        row = card.findChild(QLabel, "speed_test")
        assert row is not None and row.text().startswith("measured on ") and "Q4_K" in row.text()
        assert button.isEnabled()
        # Plans made now rest on the measurement (the catalogue replans on bandwidth_ready).
        after = plan(spec, ctx.hardware.snapshot or snapshot, 4096, calibration=Calibration(tmp_path / "c.json"))
        assert after.predicted.kind == "measured"
        assert str(after.predicted.basis).startswith("measured on this computer (speed test of ")
    finally:
        ctx.shutdown()
