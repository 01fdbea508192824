"""The model and settings panel: model file, Load/Unload with progress, context, threads, system prompt, sampling."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from modelnest.core import paths
from modelnest.core.catalogue.library import label_for_file, quick_label
from modelnest.core.chat.sampling import engine_sampling
from modelnest.core.chat.settings import ChatSettings, SamplingSettings
from modelnest.core.engine.client import default_threads
from modelnest.core.engine.params import EngineParams, SamplingParams
from modelnest.core.messages import Text
from modelnest.core.plan import Plan
from modelnest.gui.background import Job, JobControl
from modelnest.gui.chat.compat import emit
from modelnest.gui.i18n import tr_text
from modelnest.gui.memory_bar import MemoryBar
from modelnest.gui.retranslate import Retranslator

if TYPE_CHECKING:
    from modelnest.gui.context import AppContext

__all__ = ["CollapsibleSection", "ModelPanel", "RemoteChoice", "find_models"]


def find_models(root: Path | None = None, limit: int = 500) -> list[Path]:
    """The .gguf files under the models folder (sorted; partial downloads are not .gguf yet)."""
    folder = root or paths.models_dir()
    try:
        found = sorted(p for p in folder.rglob("*.gguf") if p.is_file() and not p.name.startswith("."))
    except OSError:
        return []
    return found[:limit]


@dataclass(frozen=True)
class RemoteChoice:
    """A model list entry that is a remote server's model."""

    url: str
    model: str


class CollapsibleSection(QWidget):
    """A header button with an arrow that shows or hides its content (closed by default: the panel is narrow)."""

    def __init__(self, name: str, content: QWidget, *, expanded: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.header = QToolButton()
        self.header.setObjectName(f"{name}_header")
        self.header.setCheckable(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.header.setStyleSheet("QToolButton { border: none; font-weight: 600; text-align: left; }")
        self.header.toggled.connect(self.set_expanded)
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(content)
        self.header.setChecked(expanded)
        self.set_expanded(expanded)

    def set_title(self, text: str) -> None:
        self.header.setText(text)

    @property
    def expanded(self) -> bool:
        return self.header.isChecked()

    @Slot(bool)
    def set_expanded(self, expanded: bool) -> None:
        if self.header.isChecked() != expanded:
            self.header.setChecked(expanded)  # calls back here once
            return
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.content.setVisible(expanded)


class _PlanJob:
    """The panel's running plan job, if any."""

    def __init__(self) -> None:
        self.job: Job[Plan] | None = None

    def cancel(self, *_: object) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job = None


def _cancel_jobs(jobs: list[Job[dict[str, str]]], *_: object) -> None:
    for job in jobs:
        job.cancel()
    jobs.clear()


class ModelPanel(QWidget):
    """Collects what Load and Send need; never talks to the engine itself (the page does, via the controller).

    The planner runs as a background job of the app (one job key, so only the latest request's plan is shown) on
    the app's hardware snapshot; settings are read from and merged into the app's one settings service.
    """

    load_clicked = Signal()
    add_remote_clicked = Signal()  # "Add remote server…"
    unload_clicked = Signal()
    delete_requested = Signal(str)  # the selected model's path: the app asks the user, then deletes it
    models_named = Signal()  # the list's names were read from the files' headers (in the background)
    planned = Signal(object)  # Plan or None, after each planning request ended (tests and the page listen)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("model_panel")
        self._ctx = ctx
        settings = ctx.settings.settings
        self.current_plan: Plan | None = None  # the planner's choice for the selected model (memory bar, params)
        self._plan_key: tuple[str | None, int | None] | None = None
        self._plan_job = _PlanJob()
        self._label_jobs: list[Job[dict[str, str]]] = []  # names read from headers, off the GUI thread
        self.destroyed.connect(functools.partial(_cancel_jobs, self._label_jobs))
        self._label_timer = QTimer(self)
        self._label_timer.setSingleShot(True)
        self._label_timer.setInterval(0)  # once per batch of added items
        self._label_timer.timeout.connect(self._start_naming)
        # Deleted with a plan on its way: drop it (its callback would reach a deleted widget). A partial on a plain
        # object, not a method of the panel, which is gone when ``destroyed`` fires.
        self.destroyed.connect(functools.partial(_PlanJob.cancel, self._plan_job))
        self._plan_problem: Text | BaseException | None = None  # why there is no plan (the model list's tooltip)
        self._measured: float | None = None
        self._user_ctx = False  # the user typed a context length: plan for it instead of choosing one
        self._user_threads = False
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(250)  # debounce typing in the context box
        self._plan_timer.timeout.connect(self._start_planning)
        self.setMinimumWidth(260)
        self.setMaximumWidth(330)  # the memory bar wraps its text rather than widening the window
        layout = QVBoxLayout(self)
        self._texts = Retranslator(self)
        tr = self._texts.add

        model_box = QGroupBox()
        tr(lambda: model_box.setTitle(self.tr("Model")))
        model_layout = QVBoxLayout(model_box)
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("model_combo")
        # Sized by a few characters, not by the longest model name: a long name must not widen the panel (the
        # list itself still shows whole names; each item's tooltip is its path).
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model_combo.setMinimumContentsLength(16)
        browse = QPushButton()
        browse.setObjectName("choose_model")
        tr(lambda: browse.setText(self.tr("Choose file…")))
        browse.clicked.connect(self._browse)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("delete_model")
        tr(lambda: self.delete_button.setText(self.tr("Delete…")))
        tr(lambda: self.delete_button.setToolTip(self.tr("Delete the selected model file (asks first)")))
        self.delete_button.clicked.connect(self._delete_clicked)
        model_layout.addWidget(self.model_combo)  # a row of its own: names are long, the panel is narrow
        row = QHBoxLayout()
        row.addWidget(browse)
        row.addWidget(self.delete_button)
        model_layout.addLayout(row)
        self.add_remote_button = QPushButton()
        self.add_remote_button.setObjectName("add_remote")
        tr(lambda: self.add_remote_button.setText(self.tr("Add remote server…")))
        tr(lambda: self.add_remote_button.setToolTip(self.tr("Chat through an OpenAI-compatible server (vLLM, "
                                                             "llama.cpp, Ollama, LM Studio …) on another computer")))
        self.add_remote_button.clicked.connect(self.add_remote_clicked)
        model_layout.addWidget(self.add_remote_button)
        form = QFormLayout()
        self.n_ctx = QSpinBox()
        self.n_ctx.setObjectName("n_ctx")
        self.n_ctx.setRange(128, 1_048_576)
        self.n_ctx.setSingleStep(1024)
        self.n_ctx.setValue(settings.n_ctx)
        form.addRow(self._label(lambda: self.tr("Context length")), self.n_ctx)
        self.threads = QSpinBox()
        self.threads.setObjectName("threads")
        self.threads.setRange(1, 512)
        self.threads.setValue(default_threads())
        form.addRow(self._label(lambda: self.tr("CPU threads")), self.threads)
        model_layout.addLayout(form)
        buttons = QHBoxLayout()
        self.load_button = QPushButton()
        self.load_button.setObjectName("load_button")
        tr(lambda: self.load_button.setText(self.tr("Load")))
        self.unload_button = QPushButton()
        self.unload_button.setObjectName("unload_button")
        tr(lambda: self.unload_button.setText(self.tr("Unload")))
        self.unload_button.setEnabled(False)
        self.load_button.clicked.connect(self.load_clicked)
        self.unload_button.clicked.connect(self.unload_clicked)
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.unload_button)
        model_layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setObjectName("load_progress")
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        model_layout.addWidget(self.progress)
        self.memory_bar = MemoryBar()
        self.memory_bar.setObjectName("chat_memory_bar")
        self.memory_bar.setVisible(False)
        model_layout.addWidget(self.memory_bar)
        layout.addWidget(model_box)

        prompt_box = QGroupBox()
        tr(lambda: prompt_box.setTitle(self.tr("System prompt")))
        prompt_layout = QVBoxLayout(prompt_box)
        self.system_prompt = QPlainTextEdit(settings.system_prompt)
        self.system_prompt.setObjectName("system_prompt")
        tr(lambda: self.system_prompt.setPlaceholderText(self.tr("Optional instructions for the model")))
        self.system_prompt.setMaximumHeight(90)
        prompt_layout.addWidget(self.system_prompt)
        layout.addWidget(prompt_box)

        sampling_box = QGroupBox()
        tr(lambda: sampling_box.setTitle(self.tr("Sampling")))
        sform = QFormLayout(sampling_box)
        s = settings.sampling
        self.temperature = self._double(0.0, 5.0, 0.05, s.temperature, "temperature")
        sform.addRow(self._label(lambda: self.tr("Temperature")), self.temperature)
        self.top_p = self._double(0.0, 1.0, 0.01, s.top_p, "top_p")
        sform.addRow(self._label(lambda: self.tr("Top-p")), self.top_p)
        self.top_k = self._int(0, 100_000, s.top_k, "top_k")
        sform.addRow(self._label(lambda: self.tr("Top-k")), self.top_k)
        self.repeat_penalty = self._double(0.0, 10.0, 0.05, s.repeat_penalty, "repeat_penalty")
        sform.addRow(self._label(lambda: self.tr("Repeat penalty")), self.repeat_penalty)
        self.max_tokens = self._int(1, 1_048_576, s.max_tokens, "max_tokens")
        sform.addRow(self._label(lambda: self.tr("Max tokens")), self.max_tokens)
        self.seed = self._int(-1, 2**31 - 1, s.seed, "seed")  # QSpinBox holds 32-bit signed values
        tr(lambda: self.seed.setSpecialValueText(self.tr("random")))
        sform.addRow(self._label(lambda: self.tr("Seed")), self.seed)
        layout.addWidget(sampling_box)
        self._sections = QVBoxLayout()  # collapsible extras the page adds (the local API server)
        self._sections.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._sections)
        layout.addStretch(1)
        tr(self._render_plan)
        self.ignore_eos = False  # not in the UI: benchmarks and tests set it to get replies of exact length
        self.refresh_models(settings.last_model_path)
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        ctx.remotes.changed.connect(self._remotes_changed)
        self.n_ctx.valueChanged.connect(self._ctx_edited)
        self.threads.valueChanged.connect(self._threads_edited)
        ctx.hardware.when_ready(self._hardware_ready)
        self.schedule_plan()

    def add_section(self, name: str, title: Callable[[], str], content: QWidget, *,
                    expanded: bool = False) -> CollapsibleSection:
        """A collapsible section below the sampling settings (``title`` is re-read on a language change)."""
        section = CollapsibleSection(name, content, expanded=expanded)
        self._texts.add(lambda: section.set_title(title()))
        self._sections.addWidget(section)
        return section

    def scroll_area(self) -> QScrollArea:
        """The panel as the page shows it: in a vertical scroll area, so its texts (longer in Chinese) never make
        the window taller than its default 1200x780 and nothing in it is squeezed until it is clipped."""
        area = QScrollArea()
        area.setObjectName("model_panel_scroll")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(self)
        bar = area.style().pixelMetric(area.style().PixelMetric.PM_ScrollBarExtent)
        area.setMinimumWidth(self.minimumWidth() + bar)
        area.setMaximumWidth(self.maximumWidth() + bar)
        return area

    def _label(self, text: Callable[[], str]) -> QLabel:
        label = QLabel()
        self._texts.add(lambda: label.setText(text()))
        return label

    def _double(self, low: float, high: float, step: float, value: float, name: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setDecimals(2)
        box.setValue(value)
        return box

    def _int(self, low: int, high: int, value: int, name: str) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        box.setValue(int(min(max(value, low), high)))
        return box

    # ---- models -----------------------------------------------------------------------------------------
    def refresh_models(self, select: str | None = None) -> None:
        current = select or self.model_path()
        remote = self.remote_choice()
        self.model_combo.clear()
        for path in find_models():
            self._add_item(str(path))
        self._add_remote_items()
        if current and not (remote is not None and select is None):
            self.add_model(current)
        elif remote is not None:
            self.select_remote(remote.url, remote.model)

    def _add_remote_items(self) -> None:
        """Each model the remote servers listed, as "MODEL @ SERVER" (after the files on this computer)."""
        for host in self._ctx.remotes.hosts():
            for model in host.models:
                self.model_combo.addItem(f"{model} @ {host.label}", RemoteChoice(host.url, model))
                self.model_combo.setItemData(self.model_combo.count() - 1, self.tr("Remote server {0}").format(
                    host.url), Qt.ItemDataRole.ToolTipRole)

    @Slot()
    def _remotes_changed(self) -> None:
        self.model_combo.blockSignals(True)
        try:
            before = self.model_combo.currentData()
            self.refresh_models()
            index = self.model_combo.findData(before) if before is not None else -1
            if index >= 0:
                self.model_combo.setCurrentIndex(index)
        finally:
            self.model_combo.blockSignals(False)

    def remote_choice(self) -> RemoteChoice | None:
        data = self.model_combo.currentData()
        return data if isinstance(data, RemoteChoice) else None

    def select_remote(self, url: str, model: str) -> bool:
        """Select a remote server's model in the list (``model`` "": its first); False if it is not listed."""
        for i in range(self.model_combo.count()):
            data = self.model_combo.itemData(i)
            if isinstance(data, RemoteChoice) and data.url == url and (not model or data.model == model):
                self.model_combo.setCurrentIndex(i)
                return True
        return False

    def _add_item(self, path: str) -> int:
        # Named by core: from the file name at once, from the header (general.name) in the background, since
        # reading a big vocabulary takes about half a second per file.
        label, final = quick_label(Path(path))
        self.model_combo.addItem(str(label), path)
        index = self.model_combo.count() - 1
        self.model_combo.setItemData(index, path, Qt.ItemDataRole.ToolTipRole)
        if not final:
            self._label_timer.start()
        return index

    @Slot()
    def _start_naming(self) -> None:
        wanted = [d for d in map(self.model_combo.itemData, range(self.model_combo.count())) if isinstance(d, str)]

        def work(control: JobControl) -> dict[str, str]:
            out: dict[str, str] = {}
            for path in wanted:
                control.check()
                out[path] = str(label_for_file(Path(path)))
            return out

        self._label_jobs[:] = [self._ctx.background.submit(work, key="chat-model-labels", on_result=self._named)]

    def _named(self, labels: dict[str, str]) -> None:
        self._label_jobs.clear()
        for i in range(self.model_combo.count()):
            text = labels.get(str(self.model_combo.itemData(i)))
            if text is not None and text != self.model_combo.itemText(i):
                self.model_combo.setItemText(i, text)
        emit(self.models_named)

    def add_model(self, path: str) -> None:
        """Select `path`, adding it to the list when it is outside the models folder."""
        index = self.model_combo.findData(path)
        if index < 0:
            index = self._add_item(path)
        self.model_combo.setCurrentIndex(index)

    @Slot(list)
    def rescan_models(self, _installed: list[str] | None = None) -> None:
        """The list again (a download finished, a model was deleted); the selection stays unless its file is gone."""
        before = self.model_path()
        self.model_combo.blockSignals(True)
        try:
            if before and not Path(before).is_file():
                self.model_combo.setCurrentIndex(-1)  # not carried over by refresh_models
            self.refresh_models()
        finally:
            self.model_combo.blockSignals(False)
        if self.model_path() != before:
            self._model_changed()

    @Slot()
    def _delete_clicked(self) -> None:
        path = self.model_path()
        if path:
            self.delete_requested.emit(path)

    @Slot()
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a model file"), str(paths.models_dir()), self.tr("GGUF models (*.gguf)"))
        if path:
            self.add_model(path)

    def model_path(self) -> str | None:
        """The selected local model file (None: nothing, or a remote server's model)."""
        data = self.model_combo.currentData()
        return data if isinstance(data, str) and data else None

    # ---- the planner ----------------------------------------------------------------------------------
    @Slot()
    def _model_changed(self) -> None:
        self._user_ctx = False  # a new model gets the planner's context until the user types one
        self.schedule_plan()

    @Slot()
    def _ctx_edited(self) -> None:
        if not self.n_ctx.signalsBlocked():
            self._user_ctx = True
            self.schedule_plan()

    @Slot()
    def _threads_edited(self) -> None:
        self._user_threads = True

    def schedule_plan(self) -> None:
        self._plan_timer.start()

    @Slot(object)
    def _hardware_ready(self, _snapshot: object) -> None:
        self.schedule_plan()  # the first snapshot, or a new one after a re-probe / bandwidth measurement

    @Slot()
    def _start_planning(self) -> None:
        path = self.model_path()
        key = (path, self.n_ctx.value() if self._user_ctx else None)
        self._plan_key = key
        self._plan_job.cancel()  # its result would be for an older request
        hardware = self._ctx.hardware.snapshot
        if path is None or hardware is None:  # no model, or the machine is not probed yet (_hardware_ready)
            self._set_plan(None, None)
            return
        model, ctx = path, key[1]

        def work(_control: JobControl) -> Plan:  # reading a header must not block the window
            from modelnest.core.gguf import read_file
            from modelnest.core.plan import ModelSpec, plan

            return plan(ModelSpec.from_header(read_file(model)), hardware, ctx)

        self._plan_job.job = self._ctx.background.submit(
            work, key="chat-plan", on_result=self._on_planned, on_error=self._on_plan_failed)

    def _on_planned(self, result: Plan) -> None:
        self._plan_job.job = None
        self._set_plan(result, None)
        if not self._user_ctx:
            self.n_ctx.blockSignals(True)
            self.n_ctx.setValue(result.ctx)
            self.n_ctx.blockSignals(False)
        if not self._user_threads:
            self.threads.blockSignals(True)
            self.threads.setValue(result.threads)
            self.threads.blockSignals(False)
        emit(self.planned, result)

    def _on_plan_failed(self, error: BaseException) -> None:
        self._plan_job.job = None
        # A header that cannot be read, a file that vanished: no plan; Load still explains the real problem.
        self._set_plan(None, error)
        emit(self.planned, None)

    def _set_plan(self, plan: Plan | None, problem: Text | BaseException | None) -> None:
        self.current_plan = plan
        self._plan_problem = problem
        self._measured = None
        self._render_plan()

    def _render_plan(self) -> None:
        if self._plan_problem is not None:
            self.model_combo.setToolTip(tr_text(self._plan_problem))
        else:
            self.model_combo.setToolTip(self.tr("GGUF files in your models folder, and files you chose"))
        plan = self.current_plan
        self.memory_bar.setVisible(plan is not None)
        if plan is not None:
            self.memory_bar.set_plan(plan)  # again on a language change: the bar renders its texts there
            if self._measured is not None:
                self.memory_bar.set_measured(self._measured)

    def set_measured(self, decode_tokens_per_s: float) -> None:
        """The speed a reply really reached, beside the prediction."""
        self._measured = decode_tokens_per_s
        self.memory_bar.set_measured(decode_tokens_per_s)

    # ---- values -----------------------------------------------------------------------------------------
    def engine_params(self) -> EngineParams:
        """The planner's parameters for the selected model, with the context and threads shown in the panel."""
        n_ctx = self.n_ctx.value()
        n_batch = min(512, n_ctx)
        threads = self.threads.value()
        planned = self.current_plan
        if planned is not None and self._plan_key is not None and self._plan_key[0] == self.model_path():
            return replace(planned.engine_params, n_ctx=n_ctx, n_batch=min(planned.engine_params.n_batch, n_ctx),
                           n_ubatch=min(planned.engine_params.n_ubatch, n_ctx), n_threads=threads,
                           n_threads_batch=threads)
        return EngineParams(n_ctx=n_ctx, n_batch=n_batch, n_ubatch=n_batch, n_threads=threads,
                            n_threads_batch=threads)

    def sampling_settings(self) -> SamplingSettings:
        """The sampling values as the user set them (what settings.json keeps)."""
        return SamplingSettings(
            temperature=self.temperature.value(), top_p=self.top_p.value(), top_k=self.top_k.value(),
            repeat_penalty=self.repeat_penalty.value(), max_tokens=self.max_tokens.value(), seed=self.seed.value())

    def sampling(self) -> SamplingParams:
        """What the engine samples with: core's one conversion of the settings (plus the tests' ignore_eos)."""
        return engine_sampling(self.sampling_settings(), ignore_eos=self.ignore_eos)

    def save_settings(self) -> ChatSettings:
        """Merge what this panel shows into the app's settings (the language and anything else stay as they are).

        Raises UserInputError, naming the value, if one is out of range."""
        return self._ctx.settings.update(
            sampling=self.sampling_settings(), n_ctx=self.n_ctx.value(),
            system_prompt=self.system_prompt.toPlainText(), last_model_path=self.model_path())

    def stop_planning(self) -> None:
        """No more plans (the page is closing): a running one is dropped."""
        self._plan_timer.stop()
        self._plan_job.cancel()
        self._label_timer.stop()
        _cancel_jobs(self._label_jobs)

    def set_loading(self, loading: bool, loaded: bool) -> None:
        self.progress.setVisible(loading)
        if loading:
            self.progress.setValue(0)
        self.load_button.setEnabled(not loading)
        self.unload_button.setEnabled(loaded and not loading)
        self.model_combo.setEnabled(not loading)
        self.delete_button.setEnabled(not loading and self.remote_choice() is None)
        self.add_remote_button.setEnabled(not loading)

    @Slot(float)
    def set_progress(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * 100))

