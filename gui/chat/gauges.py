"""The chat's live gauges: generation speed, time to first token, tokens so far, temperature and load.

The figures are kept (not only the label texts) so a language change re-renders them. Sensor readings come from the
app's one hardware service (``ctx.hardware.reading``); the page decides when sensors are wanted.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from modelnest.core.chat.session import ReplyDelta
from modelnest.core.engine.params import GenerationSummary
from modelnest.core.hardware import GpuSensors, SensorReading
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

__all__ = ["ChatGauges"]

_STYLE = "QLabel { padding: 2px 8px; border: 1px solid #d0d0d0; border-radius: 3px; }"


class ChatGauges(QWidget):
    """A row of small labels; ``show_delta``/``show_summary`` during and after a reply, ``show_reading`` per sample."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chat_gauges")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tps = self._label("gauge_tps")
        self.ttft = self._label("gauge_ttft")
        self.tokens = self._label("gauge_tokens")
        self.temp = self._label("gauge_temp")
        self.load = self._label("gauge_load")
        for label in (self.tps, self.ttft, self.tokens, self.temp, self.load):
            layout.addWidget(label)
        layout.addStretch(1)
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
        """A new reply: speed and counts start over; temperature and load keep their last reading."""
        self._tps, self._ttft_s, self._count = None, None, 0
        self._render_reply()

    def show_delta(self, event: ReplyDelta) -> None:
        if event.decode_tokens_per_s is not None:
            self._tps = event.decode_tokens_per_s
        if event.ttft_s is not None:
            self._ttft_s = event.ttft_s
        self._count = event.tokens
        self._render_reply()

    def show_summary(self, summary: GenerationSummary) -> None:
        self._tps = summary.decode_tokens_per_s
        self._ttft_s = summary.ttft_s
        self._count = summary.tokens
        self._render_reply()

    def show_reading(self, reading: SensorReading, gpu: GpuSensors | None) -> None:
        """One sensor sample; ``gpu`` is the GPU to show (core's ``watched_gpu``), None for the CPU."""
        self._reading, self._gpu = reading, gpu
        self._render_sensors()

    # ---- rendering ----------------------------------------------------------------------------------------
    def _render(self) -> None:
        self._render_reply()
        self._render_sensors()

    def _render_reply(self) -> None:
        if self._tps is not None and math.isfinite(self._tps):
            self.tps.setText(self.tr("{0:.1f} tokens/s").format(self._tps))
        else:
            self.tps.setText(self.tr("– tokens/s"))
        if self._ttft_s is not None:
            self.ttft.setText(self.tr("first token {0:.0f} ms").format(self._ttft_s * 1000))
        else:
            self.ttft.setText(self.tr("first token –"))
        self.tokens.setText(self.tr("{0} tokens").format(self._count))

    def _render_sensors(self) -> None:
        reading, gpu = self._reading, self._gpu
        if reading is None:
            self.temp.setText(self.tr("temperature –"))
            self.load.setText(self.tr("load –"))
            return
        if gpu is not None and gpu.temperature_c is not None:
            self.temp.setText(self.tr("GPU {0:.0f} °C").format(gpu.temperature_c))
            self.temp.setToolTip("")
            load = gpu.utilization_percent
            self.load.setText(self.tr("GPU load {0:.0f} %").format(load) if load is not None
                              else self.tr("GPU load n/a"))
            return
        if reading.cpu_temperature_c is not None:
            self.temp.setText(self.tr("CPU {0:.0f} °C").format(reading.cpu_temperature_c))
            self.temp.setToolTip("")
        else:
            reason = reading.missing.get("cpu_temperature_c")
            self.temp.setText(self.tr("CPU temperature n/a"))
            # The why, in a tooltip so the gauge row does not widen; core's reasons are plain text or Messages.
            self.temp.setToolTip(tr_text(reason) if reason else self.tr("not available"))
        if reading.cpu_percent is not None:
            self.load.setText(self.tr("CPU load {0:.0f} %").format(reading.cpu_percent))
        else:
            self.load.setText(self.tr("CPU load n/a"))
