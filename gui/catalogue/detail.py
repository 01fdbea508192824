"""The detail pane of the curated catalogue: one model, a quantization slider, its fit, memory, speed and size."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from modelnest.core.chat.remote import find_remote_model
from modelnest.core.plan.fit import TOO_LARGE, fit_color, fit_description
from modelnest.core.units import format_bytes, format_params
from modelnest.gui.catalogue.model import CatalogueRow, fit_name, quant_note, speed_text, tasks_text
from modelnest.gui.i18n import tr_text
from modelnest.gui.memory_bar import MemoryBar
from modelnest.gui.remote_hosts import RemoteService
from modelnest.gui.retranslate import Retranslator

__all__ = ["ModelDetail"]


def _label(name: str, *, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


class ElidedButton(QPushButton):
    """A button whose long label ("Download Qwen2.5 Coder 14B Instruct Q4_K_M") elides to the pane's width instead
    of widening the pane and pushing the table into a sideways scroll; the whole label is its tooltip."""

    MIN_WIDTH = 120

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """What the button displays now (elided to its width)."""
        return super().text()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.MIN_WIDTH, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.MIN_WIDTH, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(self.width() - 2 * self.style().pixelMetric(self.style().PixelMetric.PM_ButtonMargin) - 8, 20)
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, room))


class ModelDetail(QGroupBox):
    """Shows one ``CatalogueRow``; the slider asks for another quantization (``quant_chosen``), Download for a file."""

    quant_chosen = Signal(str)
    download_clicked = Signal()
    chat_clicked = Signal()  # "Chat with this model" (shown when a file of this model is on disk)
    remote_chat_requested = Signal(str, str)  # a remote server's URL and model id ("": let the user pick) for Chat
    add_remote_requested = Signal()  # "Add remote server…" (too large here and no remote server configured)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detail")
        self.row: CatalogueRow | None = None
        self._texts = Retranslator(self)
        self.d_name = _label("detail_name")
        self.d_name.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.d_meta = _label("detail_meta")
        self.d_arch = _label("detail_arch")
        self.quant_slider = QSlider(Qt.Orientation.Horizontal)
        self.quant_slider.setObjectName("quant_slider")
        self.quant_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.quant_slider.setPageStep(1)
        self.quant_slider.valueChanged.connect(self._slider_moved)
        self.quant_label = _label("quant_label", wrap=False)
        self.quant_range = _label("quant_range", wrap=False)
        self.d_badge = _label("detail_badge", wrap=False)
        self.d_memory = _label("detail_memory")
        self.d_speed = _label("detail_speed")
        self.d_size = _label("detail_size")
        self.d_quality = _label("detail_quality")
        self.memory_bar = MemoryBar(compact=True)  # weights / KV / compute against free memory; follows the slider
        self.memory_bar.setObjectName("memory_bar")
        self.memory_bar.setVisible(False)
        self.d_notes = _label("detail_notes")
        self.download_button = ElidedButton()
        self.download_button.setObjectName("download_button")
        self.download_button.clicked.connect(self.download_clicked)
        self.chat_button = ElidedButton()
        self.chat_button.setObjectName("detail_chat_button")
        self.chat_button.clicked.connect(self.chat_clicked)
        self.chat_button.setVisible(False)
        # Too large here: the remote server that could run it (the planner's verdict points past this computer).
        self._remotes: RemoteService | None = None
        self.remote_offer: tuple[str, str] | None = None  # (url, model) the remote button opens
        self.d_remote = _label("detail_remote")
        self.d_remote.setTextFormat(Qt.TextFormat.RichText)
        self.d_remote.linkActivated.connect(self._remote_link)
        self.d_remote.setVisible(False)
        self.remote_button = ElidedButton()
        self.remote_button.setObjectName("detail_remote_button")
        self.remote_button.clicked.connect(self._remote_clicked)
        self.remote_button.setVisible(False)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        captions = [QLabel() for _ in range(6)]
        form.addRow(captions[0], self.quant_label)
        form.addRow("", self.quant_slider)
        form.addRow("", self.quant_range)
        form.addRow(captions[1], self.d_badge)
        form.addRow(captions[2], self.d_memory)
        form.addRow(captions[3], self.d_speed)
        form.addRow(captions[4], self.d_size)
        form.addRow(captions[5], self.d_quality)

        def texts() -> None:
            self.setTitle(self.tr("Selected model"))
            names = (self.tr("Quantization"), self.tr("Fit"), self.tr("Memory needed"), self.tr("Speed"),
                     self.tr("File size"), self.tr("Quality"))
            for caption, text in zip(captions, names, strict=True):
                caption.setText(text)

        self._texts.add(texts)
        layout = QVBoxLayout(self)
        layout.addWidget(self.d_name)
        layout.addWidget(self.d_meta)
        layout.addWidget(self.d_arch)
        layout.addLayout(form)
        layout.addWidget(self.d_remote)  # right below the fit: the answer to "too large"
        layout.addWidget(self.remote_button)
        layout.addWidget(self.memory_bar)
        layout.addWidget(self.d_notes)
        layout.addStretch(1)
        # download_button is placed by the tab below the scrolling pane, so it stays in view on a short window.
        self._texts.add(lambda: self.show_row(self.row))

    def show_row(self, r: CatalogueRow | None) -> None:
        """The whole pane for this row (None: nothing selected)."""
        self.row = r
        if r is None:
            self.d_name.setText(self.tr("Choose a model in the list."))
            for label in (self.d_meta, self.d_arch, self.quant_label, self.quant_range, self.d_badge, self.d_memory,
                          self.d_speed, self.d_size, self.d_quality, self.d_notes):
                label.setText("")
            self.d_badge.setStyleSheet("")
            self.memory_bar.setVisible(False)
            self.download_button.setText(self.tr("Download"))
            self.chat_button.setVisible(False)
            self._set_enabled(False)
            self._render_remote()
            return
        self._set_enabled(True)
        m, a = r.model, r.model.architecture
        self.d_name.setText(m.name)
        zh = " · " + self.tr("Chinese-capable") if m.chinese else ""
        self.d_meta.setText(self.tr("{0} · {1} parameters · license {2} · {3}{4}").format(
            m.repo, format_params(m.n_params), m.license, tasks_text(m.tasks), zh))
        heads = f"{a.n_head}/{a.n_head_kv}"
        window = self.tr(", sliding window {0}").format(a.sliding_window) if a.sliding_window else ""
        self.d_arch.setText(self.tr("{0}: {1} layers, embedding {2}, heads/KV heads {3}, vocabulary {4}, "
                                    "trained context {5}{6}").format(a.arch, a.n_layer, a.n_embd, heads, a.n_vocab,
                                                                    a.n_ctx_train, window))
        quants = m.quants
        self.quant_slider.blockSignals(True)
        self.quant_slider.setRange(0, len(quants) - 1)
        self.quant_slider.setValue(quants.index(r.quant))
        self.quant_slider.blockSignals(False)
        self.quant_range.setText(" … ".join([quants[0], quants[-1]]) if len(quants) > 1 else quants[0])
        self.show_quant()

    def show_quant(self) -> None:
        """The quantization-dependent lines (after the slider moved)."""
        r = self.row
        if r is None:
            return
        m = r.model
        on_disk = self.tr(" (on disk)") if r.quant in r.downloaded_quants else ""
        self.quant_label.setText(f"<b>{r.quant}</b>{on_disk}")
        size, estimated = r.size
        if size is None:
            self.d_size.setText(self.tr("unknown"))
        elif estimated:
            self.d_size.setText(self.tr("≈ {0} (estimate from parameter count; refresh for the real size)").format(
                format_bytes(size)))
        else:
            self.d_size.setText(format_bytes(size))
        self.d_quality.setText(quant_note(r.quant))
        p = r.plan
        if p is None:  # the plans are not in yet
            for label in (self.d_badge, self.d_memory, self.d_speed, self.d_notes):
                label.setText("")
            self.d_badge.setStyleSheet("")
        else:
            self.d_badge.setText(fit_name(p.fit, p.experts_in_ram))
            self.d_badge.setToolTip(tr_text(fit_description(p.fit, p.experts_in_ram)))
            self.d_badge.setStyleSheet(
                f"color: white; background: {fit_color(p.fit)}; padding: 2px 8px; border-radius: 4px;")
            where = (self.tr("{0} on the GPU, {1} in RAM").format(format_bytes(p.device_bytes),
                                                                  format_bytes(p.host_bytes))
                     if p.device_bytes else self.tr("all in RAM"))
            self.d_memory.setText(self.tr("{0} ({1}) at {2} tokens of context").format(
                format_bytes(p.total_bytes), where, p.ctx))
            runs = (self.tr("based on {0} calibration run(s) on this computer").format(p.calibration_runs)
                    if p.calibration_runs else self.tr("not yet calibrated on this computer"))
            basis = getattr(getattr(p.plan, "predicted", None), "basis", "")  # what the figure rests on
            if basis:
                self.d_speed.setText(self.tr("{0} predicted ({1}; {2})").format(speed_text(p), runs, tr_text(basis)))
            else:
                self.d_speed.setText(self.tr("{0} predicted ({1})").format(speed_text(p), runs))
            self.d_notes.setText("\n".join(tr_text(note) for note in p.notes))
            if p.plan is not None:
                self.memory_bar.set_plan(p.plan)
        self.memory_bar.setVisible(p is not None and p.plan is not None)
        self.download_button.setText(self.tr("Download {0} {1}").format(m.name, r.quant))
        self.chat_button.setText(self.tr("Chat with this model"))
        self.chat_button.setVisible(bool(r.downloaded_quants))
        self._render_remote()

    # ---- remote servers ---------------------------------------------------------------------------------
    def use_remotes(self, remotes: RemoteService) -> None:
        """Where the configured remote servers come from (the app's one list); re-rendered when it changes."""
        self._remotes = remotes
        remotes.changed.connect(self._render_remote)
        self._render_remote()

    def _render_remote(self) -> None:
        """Too large here: name the remote server that lists this model, else one that could run it, else say
        how to add one."""
        r = self.row
        self.remote_offer = None
        too_large = r is not None and r.plan is not None and r.plan.fit == TOO_LARGE
        self.d_remote.setVisible(too_large)
        self.remote_button.setVisible(False)
        if not too_large or r is None:
            return
        hosts = self._remotes.hosts() if self._remotes is not None else []
        if not hosts:
            self.d_remote.setText(self.tr("Too large for this computer. A bigger machine or an inference server "
                                          "can run it for you: <a href=\"add\">Add remote server…</a>"))
            return
        names = [r.model.name, r.model.repo]
        for host in hosts:
            model = find_remote_model(names, host.models)
            if model is not None:
                self.remote_offer = (host.url, model)
                self.d_remote.setText(self.tr("Too large for this computer — chat with it on {0}").format(
                    html.escape(host.label)))
                self.remote_button.setText(self.tr("Chat on {0}").format(host.label))
                self.remote_button.setVisible(True)
                return
        host = hosts[0]
        self.remote_offer = (host.url, "")
        self.d_remote.setText(self.tr("Too large here; a configured remote server could run it: {0}").format(
            html.escape(host.label)))
        self.remote_button.setText(self.tr("Open chat on {0}").format(host.label))
        self.remote_button.setVisible(True)

    @Slot()
    def _remote_clicked(self) -> None:
        if self.remote_offer is not None:
            self.remote_chat_requested.emit(*self.remote_offer)

    @Slot(str)
    def _remote_link(self, _link: str) -> None:
        self.add_remote_requested.emit()

    def _set_enabled(self, on: bool) -> None:
        for w in (self.quant_slider, self.download_button):
            w.setEnabled(on)

    @Slot(int)
    def _slider_moved(self, value: int) -> None:
        r = self.row
        if r is None:
            return
        quants = r.model.quants
        self.quant_chosen.emit(quants[max(0, min(value, len(quants) - 1))])
