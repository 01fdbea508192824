"""The model and settings panel: model file, Load/Unload with progress, context, threads, system prompt, sampling."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from modelnest.core import paths
from modelnest.core.chat.settings import ChatSettings, SamplingSettings
from modelnest.core.engine.client import default_threads
from modelnest.core.engine.params import EngineParams, SamplingParams
from modelnest.core.errors import ModelNestError
from modelnest.core.plan import Plan
from modelnest.gui.chat.compat import emit
from modelnest.gui.memory_bar import MemoryBar

__all__ = ["ModelPanel", "find_models"]


def find_models(root: Path | None = None, limit: int = 500) -> list[Path]:
    """The .gguf files under the models folder (sorted; partial downloads are not .gguf yet)."""
    folder = root or paths.models_dir()
    try:
        found = sorted(p for p in folder.rglob("*.gguf") if p.is_file() and not p.name.startswith("."))
    except OSError:
        return []
    return found[:limit]


class ModelPanel(QWidget):
    """Collects what Load and Send need; never talks to the engine itself (the page does, via the controller)."""

    load_clicked = Signal()
    unload_clicked = Signal()

    _planned = Signal(object, object)  # (request key, Plan or ModelNestError), from a pool thread

    def __init__(self, settings: ChatSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("model_panel")
        self.current_plan: Plan | None = None  # the planner's choice for the selected model (memory bar, params)
        self._plan_key: tuple[str | None, int | None] | None = None
        self._user_ctx = False  # the user typed a context length: plan for it instead of choosing one
        self._user_threads = False
        self._hardware: object | None = None
        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(250)  # debounce typing in the context box
        self._plan_timer.timeout.connect(self._start_planning)
        self._planned.connect(self._on_planned)
        self.setMinimumWidth(260)
        self.setMaximumWidth(330)  # the memory bar wraps its text rather than widening the window
        layout = QVBoxLayout(self)

        model_box = QGroupBox(self.tr("Model"))
        model_layout = QVBoxLayout(model_box)
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("model_combo")
        self.model_combo.setToolTip(self.tr("GGUF files in your models folder, and files you chose"))
        browse = QPushButton(self.tr("Choose file…"))
        browse.setObjectName("choose_model")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.model_combo, 1)
        row.addWidget(browse)
        model_layout.addLayout(row)
        form = QFormLayout()
        self.n_ctx = QSpinBox()
        self.n_ctx.setObjectName("n_ctx")
        self.n_ctx.setRange(128, 1_048_576)
        self.n_ctx.setSingleStep(1024)
        self.n_ctx.setValue(settings.n_ctx)
        form.addRow(self.tr("Context length"), self.n_ctx)
        self.threads = QSpinBox()
        self.threads.setObjectName("threads")
        self.threads.setRange(1, 512)
        self.threads.setValue(default_threads())
        form.addRow(self.tr("CPU threads"), self.threads)
        model_layout.addLayout(form)
        buttons = QHBoxLayout()
        self.load_button = QPushButton(self.tr("Load"))
        self.load_button.setObjectName("load_button")
        self.unload_button = QPushButton(self.tr("Unload"))
        self.unload_button.setObjectName("unload_button")
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

        prompt_box = QGroupBox(self.tr("System prompt"))
        prompt_layout = QVBoxLayout(prompt_box)
        self.system_prompt = QPlainTextEdit(settings.system_prompt)
        self.system_prompt.setObjectName("system_prompt")
        self.system_prompt.setPlaceholderText(self.tr("Optional instructions for the model"))
        self.system_prompt.setMaximumHeight(90)
        prompt_layout.addWidget(self.system_prompt)
        layout.addWidget(prompt_box)

        sampling_box = QGroupBox(self.tr("Sampling"))
        sform = QFormLayout(sampling_box)
        s = settings.sampling
        self.temperature = self._double(0.0, 5.0, 0.05, s.temperature, "temperature")
        sform.addRow(self.tr("Temperature"), self.temperature)
        self.top_p = self._double(0.0, 1.0, 0.01, s.top_p, "top_p")
        sform.addRow(self.tr("Top-p"), self.top_p)
        self.top_k = self._int(0, 100_000, s.top_k, "top_k")
        sform.addRow(self.tr("Top-k"), self.top_k)
        self.repeat_penalty = self._double(0.0, 10.0, 0.05, s.repeat_penalty, "repeat_penalty")
        sform.addRow(self.tr("Repeat penalty"), self.repeat_penalty)
        self.max_tokens = self._int(1, 1_048_576, s.max_tokens, "max_tokens")
        sform.addRow(self.tr("Max tokens"), self.max_tokens)
        self.seed = self._int(-1, 2**31 - 1, s.seed, "seed")
        self.seed.setSpecialValueText(self.tr("random"))
        sform.addRow(self.tr("Seed"), self.seed)
        layout.addWidget(sampling_box)
        layout.addStretch(1)
        self._settings = settings
        self.ignore_eos = False  # not in the UI: benchmarks and tests set it to get replies of exact length
        self.refresh_models(settings.last_model_path)
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self.n_ctx.valueChanged.connect(self._ctx_edited)
        self.threads.valueChanged.connect(self._threads_edited)
        self.schedule_plan()

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
        self.model_combo.clear()
        for path in find_models():
            self.model_combo.addItem(path.name, str(path))
        if current:
            self.add_model(current)

    def add_model(self, path: str) -> None:
        """Select `path`, adding it to the list when it is outside the models folder."""
        index = self.model_combo.findData(path)
        if index < 0:
            self.model_combo.addItem(Path(path).name, path)
            index = self.model_combo.count() - 1
        self.model_combo.setCurrentIndex(index)

    @Slot()
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a model file"), str(paths.models_dir()), self.tr("GGUF models (*.gguf)"))
        if path:
            self.add_model(path)

    def model_path(self) -> str | None:
        data = self.model_combo.currentData()
        return str(data) if data else None

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

    @Slot()
    def _start_planning(self) -> None:
        path = self.model_path()
        key = (path, self.n_ctx.value() if self._user_ctx else None)
        self._plan_key = key
        if path is None:
            self.current_plan = None
            self.memory_bar.setVisible(False)
            return

        def work() -> None:  # in a pool thread: reading a header and probing must not block the window
            try:
                from modelnest.core.gguf import read_file
                from modelnest.core.hardware import probe
                from modelnest.core.plan import ModelSpec, plan

                if self._hardware is None:
                    self._hardware = probe(with_sensors=False)
                result: object = plan(ModelSpec.from_header(read_file(key[0])), self._hardware, key[1])
            except ModelNestError as exc:
                result = exc
            except OSError as exc:
                result = ModelNestError(str(exc))
            emit(self._planned, key, result)

        QThreadPool.globalInstance().start(work)

    @Slot(object, object)
    def _on_planned(self, key: object, result: object) -> None:
        if key != self._plan_key:
            return  # an older request; a newer one is on its way
        if not isinstance(result, Plan):
            self.current_plan = None
            self.memory_bar.setVisible(False)
            self.model_combo.setToolTip(str(result))
            return
        self.current_plan = result
        self.memory_bar.set_plan(result)
        self.memory_bar.setVisible(True)
        if not self._user_ctx:
            self.n_ctx.blockSignals(True)
            self.n_ctx.setValue(result.ctx)
            self.n_ctx.blockSignals(False)
        if not self._user_threads:
            self.threads.blockSignals(True)
            self.threads.setValue(result.threads)
            self.threads.blockSignals(False)

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

    def sampling(self) -> SamplingParams:
        return SamplingParams(
            temperature=self.temperature.value(), top_p=self.top_p.value(), top_k=self.top_k.value(),
            repeat_penalty=self.repeat_penalty.value(), max_tokens=self.max_tokens.value(), seed=self.seed.value(),
            ignore_eos=self.ignore_eos)

    def chat_settings(self) -> ChatSettings:
        """The panel as saved settings (keeps the language and unknown keys of the loaded settings)."""
        sampling = SamplingSettings(
            temperature=self.temperature.value(), top_p=self.top_p.value(), top_k=self.top_k.value(),
            repeat_penalty=self.repeat_penalty.value(), max_tokens=self.max_tokens.value(), seed=self.seed.value())
        return replace(self._settings, sampling=sampling, n_ctx=self.n_ctx.value(),
                       system_prompt=self.system_prompt.toPlainText(), last_model_path=self.model_path())

    def set_loading(self, loading: bool, loaded: bool) -> None:
        self.progress.setVisible(loading)
        if loading:
            self.progress.setValue(0)
        self.load_button.setEnabled(not loading)
        self.unload_button.setEnabled(loaded and not loading)
        self.model_combo.setEnabled(not loading)

    @Slot(float)
    def set_progress(self, fraction: float) -> None:
        self.progress.setValue(int(round(fraction * 100)))

