"""The Models page's recommendation panel: the use and the speed threshold, the top three picks with why, and
what changed since the picks shown before.

The panel only shows and asks: the page computes the picks (core's ``recommend``) in the background and hands
them here; the use and the threshold are the user's settings, which the page saves through the settings service.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from modelnest.core.catalogue.recommend import USES, Pick, Recommendations
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

__all__ = ["MAX_PICKS", "RecommendPanel"]

MAX_PICKS = 3
MIN_TPS_RANGE = (1.0, 500.0)


class RecommendPanel(QFrame):
    """``use_chosen(use)`` and ``min_tps_chosen(value)`` when the user changes them; ``show_requested(index)`` when
    a pick's Show button is pressed (index into the picks shown)."""

    use_chosen = Signal(str)
    min_tps_chosen = Signal(float)
    show_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recommendation")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.recommendations: Recommendations | None = None
        self.changed: list[str] | None = None  # what changed since the picks shown before (None: nothing to say)
        self.state = "planning"  # "planning" | "failed" | "ready"
        self._texts = Retranslator(self)
        self._build()
        self._texts.add(self._render)

    # --- building -------------------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = QLabel()
        self.title_label.setObjectName("recommend_title")
        self.title_label.setStyleSheet("font-weight: 600;")
        self.use_combo = QComboBox()
        self.use_combo.setObjectName("recommend_use")
        for use in USES:
            self.use_combo.addItem("", use)  # texts from the retranslated setter
        self.use_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.use_combo.activated.connect(self._use_activated)  # the user's choice only, not setCurrentIndex
        self.min_tps = QDoubleSpinBox()
        self.min_tps.setObjectName("recommend_min_tps")
        self.min_tps.setRange(*MIN_TPS_RANGE)
        self.min_tps.setDecimals(0)
        self.min_tps.setSingleStep(1.0)
        self.min_tps.setKeyboardTracking(False)  # typing "15" asks once, not for 1 and then 15
        self.min_tps.valueChanged.connect(self._min_tps_changed)
        self.changed_label = QLabel()
        self.changed_label.setObjectName("recommend_changed")
        self.changed_label.setStyleSheet("color: #8a5a00;")
        self.changed_label.setWordWrap(True)
        self.changed_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title_label)
        head.addWidget(self.use_combo)
        head.addWidget(self.min_tps)
        head.addStretch(1)
        head.addWidget(self.changed_label, 2)

        self.status_label = QLabel()  # "Planning…", "no pick", a failure
        self.status_label.setObjectName("recommend_status")
        self.status_label.setWordWrap(True)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        self.name_labels: list[QLabel] = []
        self.why_labels: list[QLabel] = []
        self.show_buttons: list[QPushButton] = []
        for i in range(MAX_PICKS):
            name = QLabel()
            name.setObjectName(f"pick{i}_name")
            why = QLabel()
            why.setObjectName(f"pick{i}_why")
            why.setWordWrap(True)
            why.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # wraps, never widens
            button = QPushButton()
            button.setObjectName(f"pick{i}_show")
            button.clicked.connect(lambda _checked=False, index=i: self.show_requested.emit(index))
            grid.addWidget(name, i, 0)
            grid.addWidget(why, i, 1)
            grid.addWidget(button, i, 2)
            self.name_labels.append(name)
            self.why_labels.append(why)
            self.show_buttons.append(button)
        grid.setColumnStretch(1, 1)
        self.why_not_label = QLabel()
        self.why_not_label.setObjectName("recommend_why_not")
        self.why_not_label.setWordWrap(True)
        self.why_not_label.setStyleSheet("color: #555;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.status_label)
        layout.addLayout(grid)
        layout.addWidget(self.why_not_label)

        def texts() -> None:
            self.title_label.setText(self.tr("Recommended for"))
            names = {"chat": self.tr("General chat"), "coding": self.tr("Coding"), "chinese": self.tr("Chinese"),
                     "reasoning": self.tr("Reasoning")}
            for i, use in enumerate(USES):
                self.use_combo.setItemText(i, names.get(use, use))
            self.min_tps.setPrefix(self.tr("at least "))
            self.min_tps.setSuffix(self.tr(" tokens/s"))
            self.min_tps.setToolTip(self.tr(
                "Only files whose lower predicted speed on this computer reaches this many tokens per second are "
                "recommended"))
            self.setToolTip(self.tr(
                "The best published quality for the chosen use among the models that fit this computer and whose "
                "lower predicted speed is at least the threshold; a reasoning model's thinking counts in its time "
                "to answer. Speeds are predictions until a speed test or your chats measure them."))
            for button in self.show_buttons:
                button.setText(self.tr("Show"))
                button.setToolTip(self.tr("Show this model in the list, at this quantization"))

        self._texts.add(texts)

    # --- inputs ---------------------------------------------------------------------------------------------------

    def set_inputs(self, use: str, min_tps: float) -> None:
        """Show the saved use and threshold (no signal: these are not the user's new choices)."""
        index = self.use_combo.findData(use)
        self.use_combo.setCurrentIndex(max(0, index))
        self.min_tps.blockSignals(True)
        self.min_tps.setValue(min_tps)
        self.min_tps.blockSignals(False)

    @property
    def use(self) -> str:
        return str(self.use_combo.currentData())

    @Slot(int)
    def _use_activated(self, _index: int) -> None:
        self.use_chosen.emit(self.use)

    @Slot(float)
    def _min_tps_changed(self, value: float) -> None:
        self.min_tps_chosen.emit(float(value))

    # --- contents -------------------------------------------------------------------------------------------------

    def show_planning(self) -> None:
        self.state = "planning"
        self._render()

    def show_failed(self) -> None:
        self.state = "failed"
        self.recommendations = None
        self._render()

    def show_recommendations(self, recommendations: Recommendations, changed: list[str] | None) -> None:
        """New picks; ``changed`` names the inputs that changed since the picks shown before (None: none to say)."""
        self.state = "ready"
        self.recommendations = recommendations
        self.changed = changed
        self._render()

    def picks(self) -> Sequence[Pick]:
        return self.recommendations.picks[:MAX_PICKS] if self.recommendations else ()

    def _render(self) -> None:
        picks = self.picks()
        if self.state == "planning":
            status = self.tr("Planning every model for this computer…")
        elif self.state == "failed":
            status = self.tr("No recommendation: the models could not be planned (see the message below).")
        elif not picks:
            threshold = self.recommendations.min_tps if self.recommendations else self.min_tps.value()
            status = self.tr(
                "Nothing in the catalogue fits this computer at {0} tokens/s or more (predicted). Lower the "
                "threshold, or tick \u201cShow too large\u201d to see what would need more memory.").format(
                f"{threshold:g}")
        else:
            status = ""
        self.status_label.setText(status)
        self.status_label.setVisible(bool(status))
        for i in range(MAX_PICKS):
            pick = picks[i] if i < len(picks) else None
            widgets = (self.name_labels[i], self.why_labels[i], self.show_buttons[i])
            for w in widgets:
                w.setVisible(pick is not None)
            if pick is None:
                continue
            self.name_labels[i].setText(self.tr("{0}. <b>{1}</b> {2}").format(i + 1, pick.name, pick.quant))
            why = tr_text(pick.why)  # fit · speed "predicted" · quality (source) [· a thinking model's time]
            self.why_labels[i].setText(why)
            tip = [why]
            if pick.source_url:
                tip.append(self.tr("Quality figure: {0} {1:g} as published ({2}), less the measured loss of {3}: "
                                   "{4}").format(pick.benchmark or "", pick.published_score or 0.0,
                                                 tr_text(pick.quality_source) if pick.quality_source else "",
                                                 pick.quant, pick.source_url))
            if pick.answer_seconds is not None and pick.thinks:
                tip.append(self.tr("A typical answer in about {0:.0f} s (predicted, thinking included)").format(
                    pick.answer_seconds))
            elif pick.answer_seconds is not None:
                tip.append(self.tr("A typical answer in about {0:.0f} s (predicted)").format(pick.answer_seconds))
            if pick.why_not_bigger is not None:
                tip.append(self.tr("Why not bigger: {0}").format(tr_text(pick.why_not_bigger)))
            self.why_labels[i].setToolTip("\n".join(tip))
        why_not = picks[0].why_not_bigger if picks else None
        self.why_not_label.setText(self.tr("Why not bigger: {0}").format(tr_text(why_not)) if why_not else "")
        self.why_not_label.setVisible(why_not is not None)
        changed = self.changed
        if changed is None:
            self.changed_label.setText("")
        else:
            self.changed_label.setText(self.tr("Changed because: {0}").format(self.reasons_text(changed)))
        self.changed_label.setVisible(changed is not None)

    def reasons_text(self, changed: list[str]) -> str:
        """The changed inputs in the UI language ("calibration, settings")."""
        names = {
            "hardware": self.tr("the hardware"),
            "calibration": self.tr("calibration (measured speeds)"),
            "catalogue": self.tr("the catalogue"),
            "settings": self.tr("your settings"),
            "quality": self.tr("the quality figures"),
        }
        if not changed:
            return self.tr("no input we track (please report this)")
        return self.tr(", ", "separator of a list of changed inputs").join(names.get(c, c) for c in changed)
