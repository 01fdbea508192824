"""A plan at a glance: stacked memory bar (weights / KV cache / compute) against free RAM and VRAM, the fit
badge, and the predicted speed range with the measured figure beside it after a run."""

from __future__ import annotations

import html

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from modelnest.core.plan import Plan
from modelnest.core.plan.fit import FULL_GPU, fit_color, fit_label
from modelnest.core.units import format_bytes
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

__all__ = ["MemoryBar"]

COLORS = {"weights": QColor("#4c78a8"), "kv": QColor("#f58518"), "compute": QColor("#54a24b")}


def _gb(n: float) -> str:
    return format_bytes(n)  # binary units, like every size the app shows (core/units.py)


class _Bar(QWidget):
    """The painted bar; the scale is the larger of the need and the budget, so both are always visible."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumHeight(26)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.segments: list[tuple[str, int]] = []
        self.budget = 0

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(320, 26)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(1, 4, -1, -4)
        painter.fillRect(rect, self.palette().alternateBase())
        total = sum(n for _, n in self.segments)
        scale = max(total, self.budget, 1)
        x = rect.left()
        for kind, n in self.segments:
            width = rect.width() * n / scale
            painter.fillRect(QRectF(x, rect.top(), width, rect.height()), COLORS[kind])
            x += width
        if self.budget:
            bx = rect.left() + rect.width() * self.budget / scale
            painter.setPen(QPen(self.palette().text().color(), 2, Qt.PenStyle.DashLine))
            painter.drawLine(int(bx), int(rect.top() - 3), int(bx), int(rect.bottom() + 3))
        painter.end()


class MemoryBar(QWidget):
    """`compact`: only the bar and its legend, for panels that show the badge and speed themselves."""

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._badge = QLabel()
        self._badge.setObjectName("fitBadge")
        self._summary = QLabel()
        self._summary.setWordWrap(True)
        self._bar = _Bar()
        self._legend = QLabel()
        self._legend.setObjectName("memory_legend")
        self._legend.setWordWrap(False)  # one line per item (a wrapped legend split "KV cache 4.0 / MiB")
        self._speed = QLabel()
        self._speed.setWordWrap(True)
        for label in (self._badge, self._summary, self._speed):
            label.setVisible(not compact)
        top = QHBoxLayout()
        top.addWidget(self._badge)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        # Below the badge, not beside it: a wrapped label beside another one in a narrow panel was given too
        # little height and lost its last line.
        layout.addWidget(self._summary)
        layout.addWidget(self._bar)
        layout.addWidget(self._legend)
        layout.addWidget(self._speed)
        self._plan: Plan | None = None
        self._measured: float | None = None
        self._texts = Retranslator(self)
        self._texts.add(self._render)

    def set_plan(self, plan: Plan) -> None:
        self._plan = plan
        self._measured = None
        self._render()

    def _render(self) -> None:
        """Every text from the plan, in the UI language (again after a language change)."""
        plan = self._plan
        if plan is None:
            return
        m = plan.memory
        self._badge.setText(tr_text(fit_label(plan.fit, plan.experts_in_ram)))
        self._badge.setStyleSheet(f"background:{fit_color(plan.fit)}; color:white; padding:2px 8px; border-radius:4px;")
        on_gpu = plan.fit == FULL_GPU
        budget = plan.device_budget_bytes if on_gpu else plan.host_budget_bytes
        where = self.tr("GPU memory") if on_gpu else self.tr("RAM")
        self._summary.setText(
            self.tr("Needs {need} of {where}; {free} free to use · context {ctx} tokens · {layers} GPU layers").format(
                need=_gb(m.device_bytes if on_gpu else m.host_bytes),
                where=where,
                free=_gb(budget),
                ctx=plan.ctx,
                layers=plan.gpu_layers,
            )
        )
        if plan.placement_note is not None:  # mixture of experts: what went where and why (the planner's words)
            self._summary.setText(self._summary.text() + "\n" + tr_text(plan.placement_note))
        weights = m.resident_weights_bytes  # what occupies memory: repacked weights count once
        compute = m.compute_bytes + m.output_bytes
        self._bar.segments = [("weights", weights), ("kv", m.kv_cache_bytes), ("compute", compute)]
        self._bar.budget = budget
        self._bar.update()
        items = [
            (COLORS["weights"].name(), "■", self.tr("weights {0}").format(_gb(weights))),
            (COLORS["kv"].name(), "■", self.tr("KV cache {0}").format(_gb(m.kv_cache_bytes))),
            (COLORS["compute"].name(), "■", self.tr("compute {0}").format(_gb(compute))),
            (self.palette().text().color().name(), "┆", self.tr("free {0}").format(_gb(budget))),
        ]
        self._legend.setText("<br>".join(
            f"<span style='color:{color}'>{mark}</span>&nbsp;{html.escape(text)}" for color, mark, text in items))
        self._update_speed()

    def set_measured(self, decode_tokens_per_s: float) -> None:
        """After a real run: the measured figure beside the prediction."""
        self._measured = decode_tokens_per_s
        self._update_speed()

    def _update_speed(self) -> None:
        if self._plan is None:
            return
        p = self._plan.predicted
        runs = (
            self.tr("based on {n} measured runs on this computer").format(n=p.calibration_runs)
            if p.calibration_runs
            else self.tr("not yet calibrated on this computer")
        )
        if p.basis:  # what the figure rests on: this computer's speed test, a table, or an assumption
            runs = self.tr("{runs}; {basis}").format(runs=runs, basis=tr_text(p.basis))
        text = self.tr("Predicted: {low:.1f}–{high:.1f} tokens/s ({runs})").format(low=p.low, high=p.high, runs=runs)
        if self._measured is not None:
            text += " · " + self.tr("measured: {v:.1f} tokens/s").format(v=self._measured)
        self._speed.setText(text)
