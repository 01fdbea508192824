"""The hardware card with real widgets, fed by recorded machines through the real probe and sensor code."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from support.app_context import recorded_context

from modelnest.core.hardware import HardwareSnapshot, probe
from modelnest.core.hardware.bandwidth import build_bandwidth
from modelnest.core.hardware.model import BandwidthInfo, Figure
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.messages import msg
from modelnest.gui.context import AppContext
from modelnest.gui.hardware_card import HardwareCard
from modelnest.gui.hardware_service import HardwareService

MACHINES = Path(__file__).resolve().parents[1] / "data" / "machines"
# Showing a top-level widget on the offscreen platform logs this warning from Qt itself; not our bug.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def contexts(tmp_path: Path) -> Iterator[list[AppContext]]:
    """Contexts a test builds for specific recorded machines; shut down (threads joined) afterwards."""
    made: list[AppContext] = []
    yield made
    for ctx in made:
        ctx.shutdown()


def card_on(
    qtbot: QtBot, contexts: list[AppContext], tmp_path: Path, machine: str, **options: object
) -> HardwareCard:
    measure_fn = options.pop("measure_fn", None)
    ctx = recorded_context(tmp_path / machine, machine, measure_fn=measure_fn)  # type: ignore[arg-type]
    contexts.append(ctx)
    options.setdefault("measure_if_missing", False)
    card = HardwareCard(ctx, **options)  # type: ignore[arg-type]
    # The app stops its background work (aboutToQuit -> ctx.shutdown) before its widgets go; pytest-qt deletes a
    # test's widgets before the fixtures' teardown, so this keeps the app's order. (The segfaults once blamed on
    # that order were the cycle collector freeing a card mid-layout: gui/gc_in_gui_thread.py.) Deleting a card
    # mid-job on purpose is tested on its own (test_card_deleted_while_sampling_releases_the_sensors).
    qtbot.addWidget(card, before_close_func=lambda _card: ctx.background.shutdown())
    return card


def text(card: HardwareCard, name: str) -> str:
    label = card.findChild(QLabel, name)
    assert label is not None, name
    return label.text()


def test_rtx3060_card_at_a_glance(qtbot: QtBot, tmp_path: Path, contexts: list[AppContext]) -> None:
    card = card_on(qtbot, contexts, tmp_path, "rtx3060_desktop")
    card.resize(1000, 720)
    with qtbot.waitSignal(card.snapshot_shown, timeout=5000):
        card.show()
    qtbot.waitSignal(card.reading_shown, timeout=5000).wait()
    assert text(card, "cpu_brand") == "AMD Ryzen 5 5600X 6-Core Processor (x86_64)"
    assert text(card, "cpu_cores") == "6 cores, 12 threads"
    assert "AVX2" in text(card, "cpu_features") and "AVX512" not in text(card, "cpu_features")
    assert text(card, "gpu0_name") == "NVIDIA GeForce RTX 3060 (cuda)"
    # Binary units, labelled as such (the card used to print GiB values as "GB").
    assert text(card, "gpu0_vram") == "12.0 GiB VRAM, 11.6 GiB free"
    assert text(card, "gpu0_bandwidth").startswith("360 GB/s \u2014 NVML: 192-bit bus")
    assert "compute 8.6" in text(card, "gpu0_details")
    assert text(card, "bandwidth").startswith("51.2 GB/s \u2014 table: Ryzen 5 5600X")
    qtbot.waitUntil(lambda: card.headline is not None, timeout=20_000)
    tier = text(card, "tier")
    assert "Runs comfortably: " in tier and "Largest it can load: " in tier and "(predicted)" in tier
    assert "Predicted by the planner" in tier
    assert text(card, "live_cpu_temp") == "49 \u00b0C"
    assert "41 \u00b0C" in text(card, "live_gpu0_nvi") and "17 W" in text(card, "live_gpu0_nvi")
    # The next readings update the same labels in place (no widget churn once a second).
    label = card.findChild(QLabel, "live_cpu")
    qtbot.waitSignal(card.reading_shown, timeout=5000).wait()
    assert card.findChild(QLabel, "live_cpu") is label


def test_memory_speed_sources_are_translated(
    qtbot: QtBot, tmp_path: Path, contexts: list[AppContext], chinese_ready: Path
) -> None:
    """Where each memory speed comes from ("table: …", "NVML: …", "measured: …") is a sentence like any other:
    core used to build them as English text, shown as such in the Chinese card."""
    def recorded_measure(snap: HardwareSnapshot) -> BandwidthInfo:
        info = build_bandwidth(snap.cpu, snap.memory, snap.gpus)
        info.figures.append(Figure(30.5, msg("measured: numpy copy of {mib} MiB, {threads} threads, best of {runs} "
                                             "({when})", mib=256, threads=12, runs=9, when="2026-12-03 08:00")))
        return info

    card = card_on(qtbot, contexts, tmp_path, "rtx3060_desktop", measure_fn=recorded_measure,
                   measure_if_missing=True, measure_delay_ms=0)
    with qtbot.waitSignal(card.bandwidth_shown, timeout=5000):
        card.show()
    assert "30.5 GB/s \u2014 measured: numpy copy of 256 MiB, 12 threads, best of 9" in text(card, "bandwidth")
    from modelnest.gui.app import apply_language

    card.ctx.settings.language_changed.connect(apply_language)  # as the app wires it
    card.ctx.settings.set_language("zh_CN")
    try:
        qtbot.waitUntil(lambda: "表格：Ryzen 5 5600X" in text(card, "bandwidth"), timeout=5000)
        assert "实测：numpy 复制 256 MiB，12 个线程，9 次取最佳" in text(card, "bandwidth")
        assert text(card, "gpu0_bandwidth").startswith("360 GB/s \u2014 NVML：192 位总线 × ")
        assert "PCIe 4.0 x16（当前 1.0 x16，空闲时链路会降速）" in text(card, "gpu0_details")
    finally:
        card.ctx.settings.set_language("en")


def test_copy_as_text(qtbot: QtBot, tmp_path: Path, contexts: list[AppContext]) -> None:
    card = card_on(qtbot, contexts, tmp_path, "m1pro_16gb")
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    qtbot.waitUntil(lambda: card.snapshot is not None, timeout=5000)
    button = card.findChild(QPushButton, "copy_as_text")
    assert button is not None
    button.click()
    copied = QApplication.clipboard().text()
    assert copied == card.copy_text()
    assert "Apple M1 Pro (arm64)" in copied
    assert "10 cores, 10 threads (8 performance + 2 efficiency)" in copied
    assert "200 GB/s \u2014 table: Apple M1 Pro" in copied
    assert "unified memory: up to 10.7 GiB for the GPU" in copied
    assert "thermal state: nominal" in copied  # the live section is included
    assert "Copied" in text(card, "hardware_status")


def test_gui_never_waits_for_the_probe(qtbot: QtBot, tmp_path: Path) -> None:
    release = threading.Event()
    src = load_machine(MACHINES / "i7_no_gpu_16gb.json", tmp_path / "machine")

    def slow_probe() -> HardwareSnapshot:
        release.wait(10)  # the probe is stuck until the test lets it go
        return probe(src, models_dir=tmp_path, with_sensors=False)

    base = recorded_context(tmp_path)
    hardware = HardwareService(base.background, sources=src, probe_fn=slow_probe)
    ctx = AppContext(base.settings, hardware, base.history, base.messages, base.background)
    try:
        card = HardwareCard(ctx, measure_if_missing=False)
        qtbot.addWidget(card)
        card.show()
        # The event loop keeps running while the probe is stuck: a queued event is processed meanwhile.
        ticks: list[int] = []
        QTimer.singleShot(0, lambda: ticks.append(1))
        qtbot.waitUntil(lambda: ticks == [1], timeout=2000)
        assert "Looking at your hardware" in text(card, "tier")
        with qtbot.waitSignal(card.headline_shown, timeout=20_000):
            release.set()
        assert "Runs comfortably: " in text(card, "tier")
        assert text(card, "gpu_none").startswith("none found")
    finally:
        release.set()
        ctx.shutdown()


def test_sensors_stop_when_hidden_and_resume_without_probing_again(
    qtbot: QtBot, tmp_path: Path, contexts: list[AppContext]
) -> None:
    card = card_on(qtbot, contexts, tmp_path, "rx7900xtx_linux")
    hardware = card.ctx.hardware
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    assert card.is_running() and hardware.sampling
    card.hide()
    assert not card.is_running() and not hardware.sampling
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    assert hardware.probe_count == 1
    assert "45 \u00b0C" in text(card, "live_gpu0_rad") and "28 W" in text(card, "live_gpu0_rad")
    assert text(card, "gpu1_vram") == "shares system memory"


def test_measure_on_first_visit_and_again(qtbot: QtBot, tmp_path: Path, contexts: list[AppContext]) -> None:
    calls: list[int] = []

    def recorded_measure(snap: HardwareSnapshot) -> BandwidthInfo:
        # This host's RAM is not the recorded machine's: the measurement is replayed, like the machine.
        calls.append(1)
        info = build_bandwidth(snap.cpu, snap.memory, snap.gpus)
        info.figures.append(Figure(12.5 + len(calls), "measured: test"))
        return info

    card = card_on(qtbot, contexts, tmp_path, "rpi5_8gb", measure_fn=recorded_measure, measure_if_missing=True,
                   measure_delay_ms=0)
    with qtbot.waitSignal(card.bandwidth_shown, timeout=5000):
        card.show()  # first visit: measured automatically
    assert "13.5 GB/s \u2014 measured: test" in text(card, "bandwidth")
    assert text(card, "bandwidth").startswith("17.1 GB/s \u2014 table: Raspberry Pi 5")
    button = card.findChild(QPushButton, "measure_again")
    assert button is not None and button.isEnabled()
    with qtbot.waitSignal(card.bandwidth_shown, timeout=5000):
        button.click()
        assert not button.isEnabled() and "Measuring" in text(card, "hardware_status")
    assert "14.5 GB/s" in text(card, "bandwidth") and calls == [1, 1]
    # The measurement went into the shared snapshot, so every page plans with it.
    assert card.ctx.hardware.snapshot is not None
    assert any(f.source == "measured: test" for f in card.ctx.hardware.snapshot.bandwidth.figures)


def test_a_failed_measurement_is_said_and_can_be_retried(
    qtbot: QtBot, tmp_path: Path, contexts: list[AppContext]
) -> None:
    def broken_measure(_snap: HardwareSnapshot) -> BandwidthInfo:
        raise OSError("no memory for the test buffer")

    card = card_on(qtbot, contexts, tmp_path, "i7_no_gpu_16gb", measure_fn=broken_measure)
    with qtbot.waitSignal(card.snapshot_shown, timeout=5000):
        card.show()
    qtbot.waitUntil(lambda: card.snapshot is not None, timeout=5000)
    button = card.findChild(QPushButton, "measure_again")
    assert button is not None
    before = text(card, "bandwidth")
    with qtbot.waitSignal(card.ctx.hardware.bandwidth_failed, timeout=5000):
        button.click()
    assert "Could not measure the memory speed: no memory for the test buffer" in text(card, "hardware_status")
    assert button.isEnabled() and text(card, "bandwidth") == before  # the figures it had stay


@pytest.mark.parametrize("name", ["m2max_64gb", "optimus_rtx3050_laptop", "intel_igpu_laptop", "gtx1660_desktop"])
def test_other_machines_render(qtbot: QtBot, tmp_path: Path, contexts: list[AppContext], name: str) -> None:
    card = card_on(qtbot, contexts, tmp_path, name)
    card.resize(1000, 620)
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    qtbot.waitUntil(lambda: card.snapshot is not None, timeout=5000)
    assert card.snapshot is not None
    for i, gpu in enumerate(card.snapshot.gpus):
        assert text(card, f"gpu{i}_name").startswith(gpu.name)
        if gpu.bandwidth_gb_s:
            assert text(card, f"gpu{i}_bandwidth").startswith(f"{gpu.bandwidth_gb_s:g} GB/s")
    if name == "gtx1660_desktop":
        assert "no tensor cores" in text(card, "gpu0_details")
    assert card.grab().save(str(tmp_path / f"hardware_card_{name}.png"))


def test_main_window_opens_on_the_hardware_card(qtbot: QtBot, app_context: AppContext) -> None:
    from modelnest.gui.app import build_main_window

    window = build_main_window(app_context)
    qtbot.addWidget(window)
    try:
        assert window.current_page_key() == "hardware"
        card = window.page("hardware")
        assert isinstance(card, HardwareCard)
        with qtbot.waitSignal(card.reading_shown, timeout=10000):
            window.show()
        qtbot.waitUntil(lambda: card.snapshot is not None, timeout=10000)
        assert card.snapshot is not None and card.snapshot.cpu.logical_cores
        window.close()
        assert not card.is_running()
    finally:
        window.page("downloads").shutdown()  # type: ignore[attr-defined]
        window.page("chat").shutdown()  # type: ignore[attr-defined]


def test_card_deleted_while_sampling_releases_the_sensors(
    qtbot: QtBot, tmp_path: Path, contexts: list[AppContext]
) -> None:
    """No hide event reaches Python when the last reference goes: the destroyed hook releases the sensors."""
    ctx = recorded_context(tmp_path, "rtx4090_desktop", sensor_interval_ms=10)
    contexts.append(ctx)
    card = HardwareCard(ctx, measure_if_missing=False)
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    assert ctx.hardware.sampling
    del card
    gc.collect()
    assert not ctx.hardware.sampling
