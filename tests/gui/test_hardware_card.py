"""The hardware card with real widgets, fed by recorded machines through the real probe and sensor code."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from modelnest.core.hardware import HardwareSnapshot, SensorSampler, probe
from modelnest.core.hardware.bandwidth import build_bandwidth
from modelnest.core.hardware.model import BandwidthInfo, Figure
from modelnest.core.hardware.recorded import load_machine
from modelnest.gui.hardware_card import HardwareCard

MACHINES = Path(__file__).resolve().parents[1] / "data" / "machines"
# Showing a top-level widget on the offscreen platform logs this warning from Qt itself; not our bug.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def recorded_card(name: str, tmp_path: Path, **kwargs: object) -> tuple[HardwareCard, list[int]]:
    src = load_machine(MACHINES / f"{name}.json", tmp_path)
    probes: list[int] = []

    def probe_fn() -> HardwareSnapshot:
        probes.append(1)
        return probe(src, models_dir=tmp_path, with_sensors=False)

    options: dict[str, object] = {"measure_if_missing": False, "interval_ms": 100}
    options.update(kwargs)
    card = HardwareCard(probe_fn=probe_fn, sampler_factory=lambda snap: SensorSampler(src, snap.gpus), **options)  # type: ignore[arg-type]
    return card, probes


def text(card: HardwareCard, name: str) -> str:
    label = card.findChild(QLabel, name)
    assert label is not None, name
    return label.text()


def test_rtx3060_card_at_a_glance(qtbot: QtBot, tmp_path: Path) -> None:
    card, _ = recorded_card("rtx3060_desktop", tmp_path)
    qtbot.addWidget(card)
    card.resize(1000, 720)
    with qtbot.waitSignal(card.snapshot_shown, timeout=5000):
        card.show()
    qtbot.waitSignal(card.reading_shown, timeout=5000).wait()
    assert text(card, "cpu_brand") == "AMD Ryzen 5 5600X 6-Core Processor (x86_64)"
    assert text(card, "cpu_cores") == "6 cores, 12 threads"
    assert "AVX2" in text(card, "cpu_features") and "AVX512" not in text(card, "cpu_features")
    assert text(card, "gpu0_name") == "NVIDIA GeForce RTX 3060 (cuda)"
    assert text(card, "gpu0_vram") == "12.0 GB VRAM, 11.6 GB free"
    assert text(card, "gpu0_bandwidth").startswith("360 GB/s \u2014 NVML: 192-bit bus")
    assert "compute 8.6" in text(card, "gpu0_details")
    assert text(card, "bandwidth").startswith("51.2 GB/s \u2014 table: Ryzen 5 5600X")
    tier = text(card, "tier")
    assert "12.0 GB GPU (NVIDIA GeForce RTX 3060): 14B models at 4-bit fully on the GPU" in tier
    assert "32B partly offloaded" in tier and "Estimate" in tier
    assert text(card, "live_cpu_temp") == "49 \u00b0C"
    assert "41 \u00b0C" in text(card, "live_gpu0_nvi") and "17 W" in text(card, "live_gpu0_nvi")
    # The next readings update the same labels in place (no widget churn once a second).
    label = card.findChild(QLabel, "live_cpu")
    qtbot.waitSignal(card.reading_shown, timeout=5000).wait()
    assert card.findChild(QLabel, "live_cpu") is label
    qtbot.wait(20)  # let queued layout/show events run before taking the picture
    card.grab().save("/tmp/hardware_card.png")


def test_copy_as_text(qtbot: QtBot, tmp_path: Path) -> None:
    card, _ = recorded_card("m1pro_16gb", tmp_path)
    qtbot.addWidget(card)
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    button = card.findChild(QPushButton, "copy_as_text")
    assert button is not None
    button.click()
    copied = QApplication.clipboard().text()
    assert copied == card.copy_text()
    assert "Apple M1 Pro (arm64)" in copied
    assert "10 cores, 10 threads (8 performance + 2 efficiency)" in copied
    assert "200 GB/s \u2014 table: Apple M1 Pro" in copied
    assert "unified memory: up to 10.7 GB for the GPU" in copied
    assert "thermal state: nominal" in copied  # the live section is included
    assert "Copied" in text(card, "hardware_status")


def test_gui_never_waits_for_the_probe(qtbot: QtBot, tmp_path: Path) -> None:
    release = threading.Event()
    src = load_machine(MACHINES / "i7_no_gpu_16gb.json", tmp_path)

    def slow_probe() -> HardwareSnapshot:
        release.wait(10)  # the probe is stuck until the test lets it go
        return probe(src, models_dir=tmp_path, with_sensors=False)

    card = HardwareCard(probe_fn=slow_probe, sampler_factory=lambda s: SensorSampler(src, s.gpus), measure_if_missing=False)
    qtbot.addWidget(card)
    card.show()
    qtbot.wait(50)  # the event loop keeps running while the probe is stuck
    assert "Looking at your hardware" in text(card, "tier")
    with qtbot.waitSignal(card.snapshot_shown, timeout=5000):
        release.set()
    assert "No usable GPU, 15.3 GB RAM: 14B models at 4-bit on the processor" in text(card, "tier")
    assert text(card, "gpu_none").startswith("none found")


def test_sensors_stop_when_hidden_and_resume_without_probing_again(qtbot: QtBot, tmp_path: Path) -> None:
    card, probes = recorded_card("rx7900xtx_linux", tmp_path)
    qtbot.addWidget(card)
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    assert card.is_running()
    card.hide()
    assert not card.is_running()
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    assert probes == [1]
    assert "45 \u00b0C" in text(card, "live_gpu0_rad") and "28 W" in text(card, "live_gpu0_rad")
    assert text(card, "gpu1_vram") == "shares system memory"
    card.stop()


def test_measure_again_and_engine_features(qtbot: QtBot, tmp_path: Path) -> None:
    calls: list[int] = []

    def fake_measure(snap: HardwareSnapshot) -> BandwidthInfo:
        calls.append(1)
        info = build_bandwidth(snap.cpu, snap.memory, snap.gpus)
        info.figures.append(Figure(12.5 + len(calls), "measured: test"))
        return info

    card, _ = recorded_card("rpi5_8gb", tmp_path, measure_fn=fake_measure, measure_if_missing=True, measure_delay_ms=0)
    qtbot.addWidget(card)
    with qtbot.waitSignal(card.bandwidth_shown, timeout=5000):
        card.show()  # first visit: measured automatically
    assert "13.5 GB/s \u2014 measured: test" in text(card, "bandwidth")
    assert text(card, "bandwidth").startswith("17.1 GB/s \u2014 table: Raspberry Pi 5")
    with qtbot.waitSignal(card.bandwidth_shown, timeout=5000):
        button = card.findChild(QPushButton, "measure_again")
        assert button is not None and button.isEnabled()
        button.click()
    assert "14.5 GB/s" in text(card, "bandwidth") and calls == [1, 1]
    card.set_engine_features({"neon": True, "dotprod": True, "sve": False, "openmp": True})
    assert text(card, "engine_features") == "NEON DOTPROD OPENMP"
    assert card.snapshot is not None and card.snapshot.cpu.engine_features == {
        "neon": True, "dotprod": True, "sve": False, "openmp": True
    }


@pytest.mark.parametrize("name", ["m2max_64gb", "optimus_rtx3050_laptop", "intel_igpu_laptop", "gtx1660_desktop"])
def test_other_machines_render(qtbot: QtBot, tmp_path: Path, name: str) -> None:
    card, _ = recorded_card(name, tmp_path)
    qtbot.addWidget(card)
    card.resize(1000, 620)
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    assert card.snapshot is not None
    for i, gpu in enumerate(card.snapshot.gpus):
        assert text(card, f"gpu{i}_name").startswith(gpu.name)
        if gpu.bandwidth_gb_s:
            assert text(card, f"gpu{i}_bandwidth").startswith(f"{gpu.bandwidth_gb_s:g} GB/s")
    if name == "gtx1660_desktop":
        assert "no tensor cores" in text(card, "gpu0_details")
    qtbot.wait(20)
    assert card.grab().save(str(tmp_path / f"hardware_card_{name}.png"))


def test_main_window_opens_on_the_hardware_card(qtbot: QtBot) -> None:
    from modelnest.gui.app import build_main_window

    window = build_main_window()
    qtbot.addWidget(window)
    assert window.current_page_key() == "hardware"
    card = window.page("hardware")
    assert isinstance(card, HardwareCard)
    with qtbot.waitSignal(card.snapshot_shown, timeout=10000):
        window.show()
    assert card.snapshot is not None and card.snapshot.cpu.logical_cores
    window.close()
    assert not card.is_running()


def test_card_deleted_while_sampling_stops_its_thread(qtbot: QtBot, tmp_path: Path) -> None:
    """No hide event reaches Python when the last reference goes: the destroyed hook stops the thread."""
    import gc

    card, _ = recorded_card("rtx4090_desktop", tmp_path, interval_ms=10)
    with qtbot.waitSignal(card.reading_shown, timeout=5000):
        card.show()
    thread = card._thread
    assert thread is not None and thread.isRunning()
    del card
    gc.collect()
    assert not thread.isRunning()  # would abort the process ("QThread: Destroyed while ... running") otherwise
