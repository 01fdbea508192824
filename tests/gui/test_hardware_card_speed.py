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
        from_ram = f"from RAM {ctx.hardware.speed_profile.ram_read_gb_s:.1f} GB/s"
        assert from_ram in row.text() and "memory copy" in row.text()  # the figure a big model's speed rests on
        assert button.isEnabled()
        # Plans made now rest on the measurement (the catalogue replans on bandwidth_ready).
        after = plan(spec, ctx.hardware.snapshot or snapshot, 4096, calibration=Calibration(tmp_path / "c.json"))
        assert after.predicted.kind == "measured"
        assert str(after.predicted.basis).startswith("measured on this computer (speed test of ")
    finally:
        ctx.shutdown()


def test_the_gpu_pass_is_shown_on_the_card(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine with a GPU: what the speed test's GPU pass measured there (recorded: no GPU on this host), or why
    it could not run (the real pass, on a recorded RTX 3060 machine this app has no GPU build for)."""
    import time

    from modelnest.core.plan import speedtest
    from modelnest.core.plan.speedtest import GpuProfile, SpeedProfile

    monkeypatch.setenv("MODELNEST_RUNTIMES_DIR", str(tmp_path / "no-runtimes"))  # this app has no CUDA build here
    ctx = recorded_context(tmp_path, "rtx3060_desktop")
    try:
        snapshot_holder: list[HardwareSnapshot] = []

        def recorded_test(snapshot: HardwareSnapshot, progress: Callable[[float, object], None]) -> Any:
            snapshot_holder.append(snapshot)
            gpu = speedtest._gpu_pass(snapshot, 1, lambda _m: None) if len(snapshot_holder) == 1 else GpuProfile(
                "NVIDIA GeForce RTX 3060", "cuda", {"Q4_K": 301.5, "Q8_0": 322.0, "F16": 330.0},
                {"Q4_K": 9000.0, "Q8_0": 9000.0, "F16": 12000.0}, 3e-4, 2e-5).to_dict()
            return SpeedProfile(speedtest.fingerprint_of(snapshot), speedtest.engine_version(), time.time(), 6,
                                {"Q4_K": 40.0}, {"Q4_K": 300.0}, 1e-4, 3e-9, 1e-5, 50.0, "recorded", 0, 5.0, gpu=gpu)

        ctx.hardware.speed_test_fn = recorded_test
        card = HardwareCard(ctx, measure_if_missing=False)
        qtbot.addWidget(card)
        with qtbot.waitSignal(card.snapshot_shown, timeout=10000):
            card.show()
        assert card.findChild(QLabel, "gpu_speed_test") is None  # nothing measured yet: no row
        button = card.findChild(QPushButton, "measure_speed")
        assert button is not None
        with qtbot.waitSignal(card.speed_shown, timeout=30000):
            button.click()
        row = card.findChild(QLabel, "gpu_speed_test")
        assert row is not None and row.text().startswith("not measured: no GPU build of llama.cpp for NVIDIA")
        qtbot.waitUntil(button.isEnabled, timeout=10000)
        with qtbot.waitSignal(card.speed_shown, timeout=30000):
            button.click()
        row = card.findChild(QLabel, "gpu_speed_test")
        assert row is not None and row.text().startswith("NVIDIA GeForce RTX 3060 (cuda), measured on ")
        assert "Q4_K 301.5 GB/s" in row.text() and "0.30 ms per token" in row.text()
    finally:
        ctx.shutdown()
