"""The chat's live gauges, drawn with QPainter: generation speed, context fill, temperature, plus small readouts.

    SpeedGauge        tokens/s as a bar on a scale, the planner's predicted range marked on it, and a sparkline of
                      this reply's speed underneath
    ContextGauge      tokens used of the context, as a bar (amber near the end, red when full)
    TemperatureGauge  the watched device's temperature on a 20–110 °C scale with the throttling threshold marked,
                      or "not available on this computer" with the reason in its tooltip

QPainter and not QtCharts: three small fixed shapes do not need a chart library, and QtCharts is a separate
module some PySide6 wheels leave out. The figures are kept (not only the texts), so a language change draws them
again; ``text()`` of each gauge is its readout (what tests and screen readers see).
Sensor readings come from the app's one hardware service; the page decides when sensors are wanted.
"""

from __future__ import annotations

import math
from collections import deque

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from modelnest.core.chat.session import ReplyDelta
from modelnest.core.engine.params import GenerationSummary
from modelnest.core.hardware import GpuSensors, SensorReading
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

__all__ = ["ChatGauges", "ContextGauge", "SpeedGauge", "TemperatureGauge"]

_STYLE = "QLabel { padding: 2px 8px; border: 1px solid #d0d0d0; border-radius: 3px; }"
_TRACK = QColor("#e6e6e6")
_BORDER = QColor("#b8b8b8")
_TEXT = QColor("#202020")
_MUTED = QColor("#6b6b6b")


def _nice_ceiling(value: float) -> float:
    """The next 1 / 2 / 5 × 10ⁿ at or above ``value`` (a scale end that reads well)."""
    if value <= 0 or not math.isfinite(value):
        return 10.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0, 10.0):
        top = step * 10**exponent
        if top >= value:
            return float(top)
    return 10.0 ** (exponent + 1)


class _Gauge(QWidget):
    """Common frame: a caption line (the readout) above a drawing area; subclasses draw the bar."""

    BAR_HEIGHT = 12

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._caption = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._caption

    def set_caption(self, caption: str) -> None:
        if caption != self._caption:
            self._caption = caption
            self.setAccessibleName(caption)
            self.updateGeometry()
            self.update()

    def extra_height(self) -> int:
        return 0

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        metrics = self.fontMetrics()
        width = max(170, metrics.horizontalAdvance(self._caption) + 12)
        return QSize(width, metrics.height() + self.BAR_HEIGHT + self.extra_height() + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self._caption) + 12,
                     metrics.height() + self.BAR_HEIGHT + self.extra_height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        painter.setPen(_TEXT)
        painter.drawText(QRectF(2, 0, self.width() - 4, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._caption)
        bar = QRectF(2, metrics.height() + 3, self.width() - 4, self.BAR_HEIGHT)
        painter.setPen(QPen(_BORDER, 1))
        painter.setBrush(_TRACK)
        painter.drawRoundedRect(bar, 3, 3)
        self.draw(painter, bar)
        painter.end()

    def draw(self, painter: QPainter, bar: QRectF) -> None:
        raise NotImplementedError


class SpeedGauge(_Gauge):
    """Tokens per second: a bar, the predicted range as a band with end ticks, and this reply's sparkline."""

    SPARK_HEIGHT = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("gauge_tps", parent)
        self.value: float | None = None
        self.predicted: tuple[float, float] | None = None
        self.samples: deque[float] = deque(maxlen=120)

    def extra_height(self) -> int:
        return self.SPARK_HEIGHT + 2

    def scale_max(self) -> float:
        top = max([self.value or 0.0, *(self.predicted or ()), *self.samples, 1.0])
        return _nice_ceiling(top * 1.1)

    def set_value(self, tps: float | None) -> None:
        self.value = tps if tps is not None and math.isfinite(tps) else None
        if self.value is not None and self.value > 0:
            self.samples.append(self.value)
        self.update()

    def set_predicted(self, low: float, high: float) -> None:
        self.predicted = (min(low, high), max(low, high)) if high > 0 else None
        self.update()

    def reset(self) -> None:
        self.value = None
        self.samples.clear()
        self.update()

    def draw(self, painter: QPainter, bar: QRectF) -> None:
        top = self.scale_max()

        def x(v: float) -> float:
            return bar.left() + bar.width() * max(0.0, min(1.0, v / top))

        if self.value is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#3a7bd5"))
            painter.drawRoundedRect(QRectF(bar.left(), bar.top(), x(self.value) - bar.left(), bar.height()), 3, 3)
        if self.predicted is not None:
            low, high = self.predicted
            band = QRectF(x(low), bar.top() - 2, max(2.0, x(high) - x(low)), bar.height() + 4)
            painter.setPen(QPen(QColor("#2d7d46"), 2))
            painter.setBrush(QColor(45, 125, 70, 50))
            painter.drawRect(band)
        # scale end, small and muted, inside the bar's right end
        painter.setPen(_MUTED)
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.75))
        painter.setFont(small)
        painter.drawText(bar.adjusted(0, 0, -3, 0), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         f"{top:g}")
        spark = QRectF(bar.left(), bar.bottom() + 2, bar.width(), self.SPARK_HEIGHT)
        if len(self.samples) >= 2:
            step = spark.width() / (len(self.samples) - 1)  # this reply so far, across the whole width
            points = [QPointF(spark.left() + i * step, spark.bottom() - spark.height() * min(1.0, v / top))
                      for i, v in enumerate(self.samples)]
            painter.setPen(QPen(QColor("#3a7bd5"), 1.4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF(points))


class ContextGauge(_Gauge):
    """Tokens used of the context."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("gauge_context", parent)
        self.used = 0
        self.capacity = 0

    def set_usage(self, used: int, size: int) -> None:
        self.used, self.capacity = max(0, used), max(0, size)
        self.update()

    @property
    def fraction(self) -> float:
        return min(1.0, self.used / self.capacity) if self.capacity else 0.0

    def draw(self, painter: QPainter, bar: QRectF) -> None:
        if not self.capacity:
            return
        share = self.fraction
        color = "#c62828" if share >= 0.98 else "#e0a100" if share >= 0.85 else "#5c6bc0"
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        painter.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * share, bar.height()), 3, 3)


class TemperatureGauge(_Gauge):
    """The watched device's temperature on a fixed scale, with the throttling threshold as a red mark."""

    LOW_C, HIGH_C = 20.0, 110.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("gauge_temp", parent)
        self.celsius: float | None = None
        self.threshold_c = 85.0

    def set_temperature(self, celsius: float | None) -> None:
        self.celsius = celsius
        self.update()

    def set_threshold(self, celsius: float) -> None:
        self.threshold_c = celsius
        self.update()

    def _x(self, bar: QRectF, celsius: float) -> float:
        share = (celsius - self.LOW_C) / (self.HIGH_C - self.LOW_C)
        return bar.left() + bar.width() * max(0.0, min(1.0, share))

    def draw(self, painter: QPainter, bar: QRectF) -> None:
        if self.celsius is not None:
            hot = self.celsius >= self.threshold_c
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#c62828" if hot else "#ef8f00" if self.celsius >= self.threshold_c - 15
                                    else "#43a047"))
            painter.drawRoundedRect(QRectF(bar.left(), bar.top(), self._x(bar, self.celsius) - bar.left(),
                                           bar.height()), 3, 3)
        mark = self._x(bar, self.threshold_c)
        painter.setPen(QPen(QColor("#c62828"), 2))
        painter.drawLine(QPointF(mark, bar.top() - 3), QPointF(mark, bar.bottom() + 3))


class ChatGauges(QWidget):
    """The gauge row; ``show_delta``/``show_summary`` during and after a reply, ``show_reading`` per sample."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chat_gauges")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tps = SpeedGauge()
        self.context = ContextGauge()
        self.temp = TemperatureGauge()
        readouts = QVBoxLayout()
        readouts.setSpacing(2)
        self.ttft = self._label("gauge_ttft")
        self.tokens = self._label("gauge_tokens")
        self.load = self._label("gauge_load")
        for label in (self.ttft, self.tokens, self.load):
            readouts.addWidget(label)
        top = Qt.AlignmentFlag.AlignTop  # captions on one line, though the speed gauge is taller
        layout.addWidget(self.tps, 3, top)
        layout.addWidget(self.context, 2, top)
        layout.addWidget(self.temp, 2, top)
        layout.addLayout(readouts)
        self._tps: float | None = None
        self._ttft_s: float | None = None
        self._count = 0
        self._reading: SensorReading | None = None
        self._gpu: GpuSensors | None = None
        self._texts = Retranslator(self)
        self._texts.add(self._render)

    @staticmethod
    def _label(name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setStyleSheet(_STYLE)
        return label

    # ---- figures ------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """A new reply: speed, sparkline and counts start over; temperature, load and context keep theirs."""
        self._tps, self._ttft_s, self._count = None, None, 0
        self.tps.reset()
        self._render_reply()

    def show_delta(self, event: ReplyDelta) -> None:
        if event.decode_tokens_per_s is not None:
            self._tps = event.decode_tokens_per_s
            self.tps.set_value(self._tps)
        if event.ttft_s is not None:
            self._ttft_s = event.ttft_s
        self._count = event.tokens
        self._render_reply()

    def show_summary(self, summary: GenerationSummary) -> None:
        self._tps = summary.decode_tokens_per_s
        self._ttft_s = summary.ttft_s
        self._count = summary.tokens
        self.tps.value = self._tps  # the final figure, without adding it to the sparkline twice
        self.tps.update()
        self._render_reply()

    def show_prediction(self, low: float, high: float) -> None:
        """The planner's predicted decode speed range, marked on the speed gauge."""
        self.tps.set_predicted(low, high)
        self._render_reply()

    def show_context(self, used: int, size: int) -> None:
        self.context.set_usage(used, size)
        self._render_context()

    def set_throttle_threshold(self, celsius: float) -> None:
        self.temp.set_threshold(celsius)
        self._render_sensors()

    def show_reading(self, reading: SensorReading, gpu: GpuSensors | None) -> None:
        """One sensor sample; ``gpu`` is the GPU to show (core's ``watched_gpu``), None for the CPU."""
        self._reading, self._gpu = reading, gpu
        self._render_sensors()

    # ---- rendering ----------------------------------------------------------------------------------------
    def _render(self) -> None:
        self._render_reply()
        self._render_context()
        self._render_sensors()

    def _render_reply(self) -> None:
        if self._tps is not None and math.isfinite(self._tps):
            self.tps.set_caption(self.tr("{0:.1f} tokens/s").format(self._tps))
        else:
            self.tps.set_caption(self.tr("– tokens/s"))
        predicted = self.tps.predicted
        self.tps.setToolTip(self.tr("Generation speed of this reply; the green band is the predicted range "
                                    "({0:.1f}–{1:.1f} tokens/s), the line below is this reply so far.").format(
            *predicted) if predicted else self.tr("Generation speed of this reply; the line below is this reply "
                                                 "so far."))
        if self._ttft_s is not None:
            self.ttft.setText(self.tr("first token {0:.0f} ms").format(self._ttft_s * 1000))
        else:
            self.ttft.setText(self.tr("first token –"))
        self.tokens.setText(self.tr("{0} tokens").format(self._count))

    def _render_context(self) -> None:
        c = self.context
        if c.capacity:
            c.set_caption(self.tr("Context {0:,} / {1:,} tokens").format(c.used, c.capacity))
        else:
            c.set_caption(self.tr("Context –"))
        c.setToolTip(self.tr("How much of the model's context this conversation uses (what the model reads "
                             "before it answers, plus the reply)."))

    def _render_sensors(self) -> None:
        reading, gpu = self._reading, self._gpu
        threshold = self.temp.threshold_c
        tip = self.tr("The red mark is {0:.0f} °C, where computers usually slow down to cool off.").format(threshold)
        if reading is None:
            self.temp.set_temperature(None)
            self.temp.set_caption(self.tr("temperature –"))
            self.temp.setToolTip(tip)
            self.load.setText(self.tr("load –"))
            return
        if gpu is not None and gpu.temperature_c is not None:
            self.temp.set_temperature(gpu.temperature_c)
            self.temp.set_caption(self.tr("GPU {0:.0f} °C").format(gpu.temperature_c))
            self.temp.setToolTip(tip)
            load = gpu.utilization_percent
            self.load.setText(self.tr("GPU load {0:.0f} %").format(load) if load is not None
                              else self.tr("GPU load n/a"))
            return
        if reading.cpu_temperature_c is not None:
            self.temp.set_temperature(reading.cpu_temperature_c)
            self.temp.set_caption(self.tr("CPU {0:.0f} °C").format(reading.cpu_temperature_c))
            self.temp.setToolTip(tip)
        else:
            self.temp.set_temperature(None)
            reason = reading.missing.get("cpu_temperature_c")
            self.temp.set_caption(self.tr("CPU temperature: not available on this computer"))
            # The why, in a tooltip so the gauge row does not widen; core's reasons are plain text or Messages.
            self.temp.setToolTip(tr_text(reason) if reason else self.tr("not available"))
        if reading.cpu_percent is not None:
            self.load.setText(self.tr("CPU load {0:.0f} %").format(reading.cpu_percent))
        else:
            self.load.setText(self.tr("CPU load n/a"))
