"""The chat's painted gauges: what they draw (pixels), their readouts, and screenshots in both languages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from modelnest.core.chat.session import ReplyDelta
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.hardware import SensorReading
from modelnest.gui.app import apply_language
from modelnest.gui.chat import ChatPage
from modelnest.gui.chat.gauges import ContextGauge, SpeedGauge, TemperatureGauge
from modelnest.gui.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
SHOTS = Path(os.environ.get("MODELNEST_SHOTS", "/tmp/shots"))


def has_color(image: QImage, color: str, tolerance: int = 40) -> bool:
    want = QColor(color)
    for y in range(0, image.height(), 1):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) < tolerance:
                return True
    return False


def test_speed_gauge_draws_the_value_the_predicted_range_and_a_sparkline(qtbot: QtBot) -> None:
    gauge = SpeedGauge()
    qtbot.addWidget(gauge)
    gauge.resize(300, gauge.sizeHint().height())
    gauge.set_caption("12.0 tokens/s")
    empty = gauge.grab().toImage()
    assert not has_color(empty, "#3a7bd5")
    for tps in (8.0, 10.0, 12.0, 11.0):
        gauge.set_value(tps)
    gauge.set_predicted(9.0, 14.0)
    image = gauge.grab().toImage()
    assert has_color(image, "#3a7bd5") and has_color(image, "#2d7d46")  # the bar / sparkline, the band
    assert gauge.scale_max() >= 14.0 and list(gauge.samples) == [8.0, 10.0, 12.0, 11.0]
    gauge.reset()
    assert gauge.value is None and not gauge.samples


def test_context_and_temperature_gauges_change_colour_as_they_fill(qtbot: QtBot) -> None:
    context = ContextGauge()
    temp = TemperatureGauge()
    for w in (context, temp):
        qtbot.addWidget(w)
        w.resize(240, w.sizeHint().height())
    context.set_usage(100, 1000)
    assert has_color(context.grab().toImage(), "#5c6bc0")
    context.set_usage(995, 1000)
    assert has_color(context.grab().toImage(), "#c62828") and context.fraction == pytest.approx(0.995)
    temp.set_threshold(85.0)
    temp.set_temperature(None)
    cold = temp.grab().toImage()
    assert has_color(cold, "#c62828") and not has_color(cold, "#43a047")  # only the threshold mark
    temp.set_temperature(50.0)
    assert has_color(temp.grab().toImage(), "#43a047")


def test_temperature_not_available_says_so_with_the_reason(qtbot: QtBot, app_context: AppContext) -> None:
    page = ChatPage(app_context, engine_factory=lambda: EngineClient(ledger=CrashLedger()))
    qtbot.addWidget(page)
    reading = SensorReading(timestamp=0.0, cpu_percent=12.0, cpu_temperature_c=None,
                            missing={"cpu_temperature_c": "no thermal sensor is exposed on this computer"})
    page.gauges.show_reading(reading, None)
    assert page.gauges.temp.text() == "CPU temperature: not available on this computer"
    assert page.gauges.temp.toolTip() == "no thermal sensor is exposed on this computer"
    page.shutdown()


def test_screenshots_in_both_languages(
    qtbot: QtBot, app_context: AppContext, tiny_model: Path, chinese_ready: Path
) -> None:
    """The page after a reply, with every gauge showing something; saved for people to look at."""
    app_context.settings.language_changed.connect(apply_language)
    page = ChatPage(app_context, engine_factory=lambda: EngineClient(ledger=CrashLedger()))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.panel.add_model(str(tiny_model))
    page.panel.n_ctx.setValue(2048)
    page.panel.threads.setValue(2)
    page.panel.max_tokens.setValue(60)
    page.panel.ignore_eos = True
    with qtbot.waitSignal(page.controller.model_loaded, timeout=60_000):
        page.load_model()
    deltas: list[ReplyDelta] = []
    page.controller.reply_delta.connect(deltas.append)
    page.input.setPlainText("Hello! What can you do?")
    with qtbot.waitSignal(page.controller.reply_finished, timeout=60_000):
        page.send()
    qtbot.waitUntil(lambda: not page.controller.busy)
    page.gauges.show_prediction(0.8 * (deltas[-1].decode_tokens_per_s or 10), 1.3 * (deltas[-1].decode_tokens_per_s
                                                                                     or 10))
    page.gauges.show_reading(SensorReading(timestamp=1.0, cpu_percent=64.0, cpu_temperature_c=71.0), None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for language in ("en", "zh_CN"):
        if language != "en":
            app_context.settings.set_language(language)
            qtbot.waitUntil(lambda: page.send_button.text() == "发送", timeout=5_000)
        for gauge in (page.gauges.tps, page.gauges.context, page.gauges.temp):
            # Readable: the caption fits in the gauge as laid out (nothing clipped).
            assert gauge.width() >= gauge.fontMetrics().horizontalAdvance(gauge.text()), (language, gauge.text())
        tag = "en" if language == "en" else "zh"
        assert page.grab().save(str(SHOTS / f"chat14_{tag}.png"))
    assert "/ 2,048 tokens" in page.gauges.context.text()
    page.shutdown()
    app_context.settings.set_language("en")
