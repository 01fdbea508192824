"""The catalogue page: curated models with fit badges, memory and predicted speed for this computer, a quantization
slider, filters and sorting, a "Recommended for this computer" pick with its rule, hub search, and Download.

Slow work (hardware probe, planning, library scan, hub requests) runs in plain worker threads that hand results back
through a GUI-thread QObject's signal (queued), so widgets are only ever touched on the GUI thread.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from modelnest.core.catalogue import (
    DEFAULT_CTX,
    Catalogue,
    FitResult,
    Recommendation,
    load_catalogue,
    plan_entry,
    planner_available,
    quant_info,
    recommend,
)
from modelnest.core.catalogue.fit import USABLE_TOKENS_PER_S, plan_header
from modelnest.core.catalogue.library import LocalModel, add_user_folder, scan_library
from modelnest.core.catalogue.quants import normalize_quant, quant_rank
from modelnest.core.download import format_bytes
from modelnest.core.errors import ModelNestError
from modelnest.core.hardware import HardwareSnapshot
from modelnest.gui.catalogue_model import (
    FIT_COLORS,
    CatalogueFilterProxy,
    CatalogueRow,
    CatalogueTableModel,
    params_text,
    speed_text,
    tasks_text,
)
from modelnest.gui.memory_bar import MemoryBar

# core's quantization notes (core/catalogue/quants.py, no Qt there) written out so lupdate extracts them; shown through
# QCoreApplication.translate, and tests/gui/test_translations.py checks that every note of core is listed here.
QUANT_NOTES = (
    QT_TRANSLATE_NOOP("CatalogueView", "very large quality loss; only for machines that can fit nothing larger"),
    QT_TRANSLATE_NOOP("CatalogueView", "large quality loss; a last resort when nothing larger fits"),
    QT_TRANSLATE_NOOP("CatalogueView", "noticeable quality loss"),
    QT_TRANSLATE_NOOP("CatalogueView", "noticeable quality loss, a bit less than Q3_K_M"),
    QT_TRANSLATE_NOOP("CatalogueView", "noticeable quality loss; fine for casual chat"),
    QT_TRANSLATE_NOOP("CatalogueView", "some quality loss"),
    QT_TRANSLATE_NOOP("CatalogueView", "small quality loss, smaller than Q4_K_M"),
    QT_TRANSLATE_NOOP("CatalogueView", "older 4-bit format; a little worse than Q4_K_M, fast on CPUs"),
    QT_TRANSLATE_NOOP("CatalogueView", "small quality loss"),
    QT_TRANSLATE_NOOP("CatalogueView", "small quality loss; the usual balance of size and quality"),
    QT_TRANSLATE_NOOP("CatalogueView", "very small quality loss (older format)"),
    QT_TRANSLATE_NOOP("CatalogueView", "very small quality loss"),
    QT_TRANSLATE_NOOP("CatalogueView", "almost indistinguishable from the original"),
    QT_TRANSLATE_NOOP("CatalogueView", "practically lossless; about twice the size of Q4"),
    QT_TRANSLATE_NOOP("CatalogueView", "original weights; largest and slowest"),
    QT_TRANSLATE_NOOP("CatalogueView", "full precision; rarely worth it for running a model"),
)

Plans = dict[tuple[str, str], FitResult | None]
Downloaded = dict[str, set[str]]


def compute_plans(catalogue: Catalogue, hardware: HardwareSnapshot) -> Plans:
    """The planner's answer for every (model, quant) of the catalogue (about 1 ms per 5 entries)."""
    plans: Plans = {}
    if not planner_available():
        return plans
    for m in catalogue.models:
        for q in m.quants:
            plans[(m.id, q)] = plan_entry(m, q, hardware)
    return plans


def scan_downloaded() -> Downloaded:
    """Repository id -> quants already on disk (app models folder and Hugging Face cache), validated files only."""
    from modelnest.core.catalogue.library import scan_library

    out: Downloaded = {}
    for m in scan_library():
        if m.runnable and m.repo_id and m.quant:
            out.setdefault(m.repo_id, set()).add(normalize_quant(m.quant))
    return out


def initial_quant(row: CatalogueRow, has_gpu: bool) -> str:
    """The quant the slider starts on: the best that fits fully at a usable speed; else the usual Q4_K_M when it
    fits at all; else the largest that fits; else Q4_K_M (shown as too large)."""
    full = "full_gpu" if has_gpu else "cpu_only"
    quants = row.model.quants
    usable = [q for q in quants if (p := row.plans.get(q)) and p.fit == full and (p.decode_tps or 0) >= USABLE_TOKENS_PER_S]
    if usable:
        return max(usable, key=quant_rank)
    default = row.model.default_quant()
    fitting = [q for q in quants if (p := row.plans.get(q)) and p.fit != "too_large"]
    if default in fitting or not fitting:
        return default
    return max(fitting, key=quant_rank)


class _Bridge(QObject):
    """Lives in the GUI thread; worker threads emit `done`, Qt queues it to the connected GUI-thread slot."""

    done = Signal(str, object)


class CatalogueView(QWidget):
    """The catalogue page. `download_requested(repo_id, quant, filename)` asks the downloads panel to fetch a model."""

    download_requested = Signal(str, str, str)

    def __init__(
        self,
        *,
        catalogue: Catalogue | None = None,
        hardware: HardwareSnapshot | None = None,
        probe_fn: Callable[[], HardwareSnapshot] | None = None,
        downloaded_fn: Callable[[], Downloaded] | None = None,
        library_fn: Callable[[], list[LocalModel]] | None = None,
        background: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.catalogue = catalogue or load_catalogue()
        self.hardware = hardware
        self._probe_fn = probe_fn or self._default_probe
        self._downloaded_fn = downloaded_fn or scan_downloaded
        self._library_fn = library_fn or scan_library
        self.library: list[tuple[LocalModel, FitResult | None]] = []
        self._background = background
        self.plans: Plans = {}
        self.downloaded: Downloaded = {}
        self.recommendation: Recommendation | None = None
        self.busy = False
        self._bridge = _Bridge(self)
        self._bridge.done.connect(self._on_result)
        self._hub_groups: list[Any] = []
        self._hub_repo: str | None = None
        self.table = CatalogueTableModel(self._rows(), self)
        self.proxy = CatalogueFilterProxy(self)
        self.proxy.setSourceModel(self.table)
        self._build()
        self._show_snapshot()
        self._load()

    @staticmethod
    def _default_probe() -> HardwareSnapshot:
        from modelnest.core.hardware import probe

        return probe(with_sensors=False)

    # --- building ---------------------------------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel(self.tr("Model catalogue"))
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.snapshot_label = QLabel()
        self.snapshot_label.setObjectName("snapshot_label")
        self.refresh_button = QPushButton(self.tr("Refresh from the hub"))
        self.refresh_button.setObjectName("refresh_button")
        self.refresh_button.clicked.connect(self.refresh_from_hub)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.snapshot_label)
        head.addWidget(self.refresh_button)

        self.recommend_frame = QFrame()
        self.recommend_frame.setObjectName("recommendation")
        self.recommend_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.recommend_label = QLabel()
        self.recommend_label.setObjectName("recommend_label")
        self.recommend_label.setWordWrap(True)
        self.recommend_button = QPushButton(self.tr("Show"))
        self.recommend_button.setObjectName("recommend_button")
        self.recommend_button.clicked.connect(self.show_recommendation)
        # The same rule as core's RECOMMENDATION_RULE (the CLI's text), written out here so lupdate can extract it.
        rule = self.tr(
            "The highest-quality model and quantization (bigger model first, then less lossy quantization) that fits "
            "entirely in this computer's memory — fully on the GPU when there is one, else in RAM — and is predicted "
            "to generate at least {0} tokens/s at a {1}-token context.").format(f"{USABLE_TOKENS_PER_S:g}", DEFAULT_CTX)
        self.rule_label = QLabel(self.tr("Rule: {0}").format(rule))
        self.rule_label.setObjectName("rule_label")
        self.rule_label.setWordWrap(True)
        self.rule_label.setStyleSheet("color: #555;")
        rec_layout = QVBoxLayout(self.recommend_frame)
        rec_top = QHBoxLayout()
        rec_top.addWidget(self.recommend_label, 1)
        rec_top.addWidget(self.recommend_button)
        rec_layout.addLayout(rec_top)
        rec_layout.addWidget(self.rule_label)

        tabs = QTabWidget()
        tabs.setObjectName("catalogue_tabs")
        tabs.addTab(self._build_curated(), self.tr("Curated models"))
        tabs.addTab(self._build_hub(), self.tr("Search the hub"))
        tabs.addTab(self._build_library(), self.tr("On this computer"))
        self.tabs = tabs

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.recommend_frame)
        layout.addWidget(self.status_label)
        layout.addWidget(tabs, 1)

    def _build_curated(self) -> QWidget:
        page = QWidget()
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText(self.tr("Filter by name, e.g. qwen coder"))
        self.search_edit.textChanged.connect(lambda text: self.proxy.configure(text=text))
        self.fit_boxes: dict[str, QCheckBox] = {}
        fit_labels = {
            "full_gpu": self.tr("Fits fully"), "partial_gpu": self.tr("Fits partially"),
            "cpu_only": self.tr("CPU only"), "too_large": self.tr("Show too large"),
        }
        row1 = QHBoxLayout()
        row1.addWidget(self.search_edit, 1)
        for fit, label in fit_labels.items():
            box = QCheckBox(label)
            box.setObjectName(f"fit_{fit}")
            box.setChecked(fit != "too_large")
            box.toggled.connect(self._fit_filter_changed)
            self.fit_boxes[fit] = box
            row1.addWidget(box)
        self.downloaded_box = QCheckBox(self.tr("Downloaded only"))
        self.downloaded_box.setObjectName("downloaded_only")
        self.downloaded_box.toggled.connect(lambda on: self.proxy.configure(downloaded_only=on))
        row1.addWidget(self.downloaded_box)

        self.min_params = QDoubleSpinBox()
        self.min_params.setObjectName("min_params")
        self.max_params = QDoubleSpinBox()
        self.max_params.setObjectName("max_params")
        for spin, value in ((self.min_params, 0.0), (self.max_params, 100.0)):
            spin.setRange(0.0, 1000.0)
            spin.setDecimals(1)
            spin.setSuffix(" B")
            spin.setValue(value)
            spin.valueChanged.connect(self._params_changed)
        self.task_combo = self._combo("task_combo", [(self.tr("Any task"), None), (self.tr("Chat"), "chat"),
                                                     (self.tr("Code"), "code"), (self.tr("Reasoning"), "reasoning"),
                                                     (self.tr("Vision"), "vision")], "task")
        self.language_combo = self._combo("language_combo", [(self.tr("Any language"), None),
                                                             (self.tr("Chinese (中文)"), "zh"), (self.tr("English"), "en"),
                                                             (self.tr("French"), "fr"), (self.tr("German"), "de"),
                                                             (self.tr("Spanish"), "es"), (self.tr("Japanese"), "ja")],
                                          "language")
        licenses = sorted({m.license for m in self.catalogue.models})
        self.license_combo = self._combo("license_combo", [(self.tr("Any license"), None)] + [(x, x) for x in licenses],
                                         "license")
        self.sort_combo = self._combo("sort_combo", [(self.tr("Popularity"), "popularity"),
                                                     (self.tr("Predicted speed"), "speed"), (self.tr("Size"), "size"),
                                                     (self.tr("Quality"), "quality")], "sort_key")
        row2 = QHBoxLayout()
        row2.addWidget(QLabel(self.tr("Parameters")))
        row2.addWidget(self.min_params)
        row2.addWidget(QLabel("–"))
        row2.addWidget(self.max_params)
        for combo in (self.task_combo, self.language_combo, self.license_combo):
            row2.addWidget(combo)
        row2.addStretch(1)
        row2.addWidget(QLabel(self.tr("Sort by")))
        row2.addWidget(self.sort_combo)

        self.view = QTableView()
        self.view.setObjectName("catalogue_table")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.proxy.modelReset.connect(self._after_reset)
        self.proxy.layoutChanged.connect(self._after_reset)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        detail = QScrollArea()  # a short window scrolls the detail panel instead of squeezing its lines
        detail.setWidgetResizable(True)
        detail.setFrameShape(QFrame.Shape.NoFrame)
        detail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # lines wrap instead
        detail.setWidget(self._build_detail())
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 440])
        layout = QVBoxLayout(page)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(splitter, 1)
        return page

    def _combo(self, name: str, items: list[tuple[str, Any]], attr: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for text, value in items:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(lambda _i, c=combo, a=attr: self.proxy.configure(**{a: c.currentData()}))
        return combo

    def _build_detail(self) -> QWidget:
        box = QGroupBox(self.tr("Selected model"))
        box.setObjectName("detail")
        self.d_name = QLabel()
        self.d_name.setObjectName("detail_name")
        self.d_name.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.d_name.setWordWrap(True)
        self.d_meta = QLabel()
        self.d_meta.setObjectName("detail_meta")
        self.d_meta.setWordWrap(True)
        self.d_arch = QLabel()
        self.d_arch.setObjectName("detail_arch")
        self.d_arch.setWordWrap(True)
        self.quant_slider = QSlider(Qt.Orientation.Horizontal)
        self.quant_slider.setObjectName("quant_slider")
        self.quant_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.quant_slider.setPageStep(1)
        self.quant_slider.valueChanged.connect(self._slider_moved)
        self.quant_label = QLabel()
        self.quant_label.setObjectName("quant_label")
        self.quant_range = QLabel()
        self.quant_range.setObjectName("quant_range")
        self.d_badge = QLabel()
        self.d_badge.setObjectName("detail_badge")
        self.d_memory = QLabel()
        self.d_memory.setObjectName("detail_memory")
        self.d_memory.setWordWrap(True)
        self.d_speed = QLabel()
        self.d_speed.setObjectName("detail_speed")
        self.d_speed.setWordWrap(True)
        self.d_size = QLabel()
        self.d_size.setObjectName("detail_size")
        self.d_size.setWordWrap(True)
        self.d_quality = QLabel()
        self.d_quality.setObjectName("detail_quality")
        self.d_quality.setWordWrap(True)
        self.memory_bar = MemoryBar(compact=True)  # weights / KV / compute against free memory; follows the slider
        self.memory_bar.setObjectName("memory_bar")
        self.d_notes = QLabel()
        self.d_notes.setObjectName("detail_notes")
        self.d_notes.setWordWrap(True)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.setObjectName("download_button")
        self.download_button.clicked.connect(self._download_clicked)
        form = QFormLayout()
        form.addRow(self.tr("Quantization"), self.quant_label)
        form.addRow("", self.quant_slider)
        form.addRow("", self.quant_range)
        form.addRow(self.tr("Fit"), self.d_badge)
        form.addRow(self.tr("Memory needed"), self.d_memory)
        form.addRow(self.tr("Speed"), self.d_speed)
        form.addRow(self.tr("File size"), self.d_size)
        form.addRow(self.tr("Quality"), self.d_quality)
        layout = QVBoxLayout(box)
        layout.addWidget(self.d_name)
        layout.addWidget(self.d_meta)
        layout.addWidget(self.d_arch)
        layout.addLayout(form)
        layout.addWidget(self.memory_bar)
        layout.addWidget(self.d_notes)
        layout.addStretch(1)
        layout.addWidget(self.download_button)
        self._set_detail_enabled(False)
        return box

    def _build_hub(self) -> QWidget:
        page = QWidget()
        self.hub_edit = QLineEdit()
        self.hub_edit.setObjectName("hub_edit")
        self.hub_edit.setPlaceholderText(self.tr("Search every GGUF repository on the hub, e.g. qwen2.5 7b"))
        self.hub_edit.returnPressed.connect(self.search_hub)
        self.hub_button = QPushButton(self.tr("Search"))
        self.hub_button.setObjectName("hub_button")
        self.hub_button.clicked.connect(self.search_hub)
        self.hub_results = QListWidget()
        self.hub_results.setObjectName("hub_results")
        self.hub_results.currentItemChanged.connect(self._hub_repo_selected)
        self.hub_files = QTableWidget(0, 6)
        self.hub_files.setObjectName("hub_files")
        self.hub_files.setHorizontalHeaderLabels([self.tr("Quantization"), self.tr("Size"), self.tr("Parts"),
                                                  self.tr("Fit"), self.tr("Memory needed"),
                                                  self.tr("Speed (predicted)")])
        self.hub_files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hub_files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hub_files.verticalHeader().hide()
        self.hub_files.horizontalHeader().setStretchLastSection(True)
        self.hub_check = QPushButton(self.tr("Check fit (reads the file header only)"))
        self.hub_check.setObjectName("hub_check")
        self.hub_check.clicked.connect(self.check_hub_fit)
        self.hub_download = QPushButton(self.tr("Download"))
        self.hub_download.setObjectName("hub_download")
        self.hub_download.clicked.connect(self._hub_download_clicked)
        self.hub_status = QLabel()
        self.hub_status.setObjectName("hub_status")
        self.hub_status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.hub_edit, 1)
        top.addWidget(self.hub_button)
        right = QVBoxLayout()
        right.addWidget(self.hub_files, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hub_check)
        buttons.addStretch(1)
        buttons.addWidget(self.hub_download)
        right.addLayout(buttons)
        right_w = QWidget()
        right_w.setLayout(right)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.hub_results)
        split.addWidget(right_w)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.hub_status)
        layout.addWidget(split, 1)
        return page

    def _build_library(self) -> QWidget:
        page = QWidget()
        self.library_status = QLabel(self.tr("Press Scan to look for GGUF models already on this computer."))
        self.library_status.setObjectName("library_status")
        self.library_status.setWordWrap(True)
        self.library_scan = QPushButton(self.tr("Scan"))
        self.library_scan.setObjectName("library_scan")
        self.library_scan.clicked.connect(self.scan_library)
        self.library_add = QPushButton(self.tr("Add folder…"))
        self.library_add.setObjectName("library_add")
        self.library_add.clicked.connect(self._choose_folder)
        self.library_table = QTableWidget(0, 6)
        self.library_table.setObjectName("library_table")
        self.library_table.setHorizontalHeaderLabels([
            self.tr("Model"), self.tr("Found in"), self.tr("Size"), self.tr("Status"), self.tr("Speed (predicted)"),
            self.tr("Location")])
        self.library_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.library_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.library_table.verticalHeader().hide()
        header = self.library_table.horizontalHeader()
        for col in range(5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        note = QLabel(self.tr("Models are used where they are: nothing is copied or downloaded again. Searched: the "
                              "ModelNest models folder, the Hugging Face cache, LM Studio, GPT4All, Ollama, and "
                              "folders you add. Each file is checked before it is listed as runnable."))
        note.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.library_status, 1)
        top.addWidget(self.library_add)
        top.addWidget(self.library_scan)
        layout = QVBoxLayout(page)
        layout.addWidget(note)
        layout.addLayout(top)
        layout.addWidget(self.library_table, 1)
        return page

    @Slot()
    def scan_library(self) -> None:
        """Find, validate and plan every local model in a worker thread."""
        self.library_scan.setEnabled(False)
        self.library_status.setText(self.tr("Looking for models on this computer…"))
        hardware, probe_fn, library_fn = self.hardware, self._probe_fn, self._library_fn

        def work() -> list[tuple[LocalModel, FitResult | None]]:
            found = library_fn()
            hw = hardware or (probe_fn() if any(m.runnable for m in found) and planner_available() else None)
            return [(m, plan_header(m.header, hw) if (hw is not None and m.header is not None) else None)
                    for m in found]

        self._run("library", work)

    def add_library_folder(self, folder: str) -> None:
        try:
            add_user_folder(folder)
        except ModelNestError as exc:
            self.library_status.setText(str(exc))
            return
        self.scan_library()

    @Slot()
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder with GGUF models"))
        if folder:
            self.add_library_folder(folder)

    def _show_library(self, result: list[tuple[LocalModel, FitResult | None]]) -> None:
        self.library = result
        sources = {"modelnest": "ModelNest", "huggingface": "Hugging Face cache", "lmstudio": "LM Studio",
                   "gpt4all": "GPT4All", "ollama": "Ollama", "folder": self.tr("added folder")}
        self.library_table.setRowCount(len(result))
        for i, (m, plan) in enumerate(result):
            if not m.runnable:
                status = self.tr("Not runnable: {0}").format(m.error)
            elif plan is not None:
                status = self.table.fit_name(plan.fit)
            else:
                status = self.tr("Runnable")
            cells = (m.name, sources.get(m.source, m.source), format_bytes(m.size), status, speed_text(plan),
                     str(m.path))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col == 3 and not m.runnable:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.library_table.setItem(i, col, item)
        runnable = sum(1 for m, _ in result if m.runnable)
        self.library_status.setText(self.tr("{0} models found, {1} runnable.").format(len(result), runnable)
                                    if result else self.tr("No GGUF models found on this computer."))

    # --- loading ----------------------------------------------------------------------------------------------------

    def _rows(self) -> list[CatalogueRow]:
        return [CatalogueRow(m, m.default_quant()) for m in self.catalogue.models]

    def _show_snapshot(self) -> None:
        c = self.catalogue
        source = self.tr("bundled") if c.source == "bundled" else c.source
        self.snapshot_label.setText(
            self.tr("Snapshot of {0} ({1}) · planned for a {2}-token context").format(c.snapshot_date, source, DEFAULT_CTX))

    def _load(self) -> None:
        """Plans and downloaded status: at once when the hardware is given (tests), else in a worker thread."""
        if not planner_available():
            self._apply({}, {})
            return
        if self.hardware is not None and not self._background:
            self._apply(compute_plans(self.catalogue, self.hardware), self._downloaded_fn())
            return
        self.busy = True
        self.status_label.setText(self.tr("Checking this computer and planning every model…"))
        catalogue, hardware = self.catalogue, self.hardware

        def work() -> tuple[HardwareSnapshot, Plans, Downloaded]:
            hw = hardware or self._probe_fn()
            return hw, compute_plans(catalogue, hw), self._downloaded_fn()

        self._run("plans", work)

    def _run(self, kind: str, fn: Callable[[], Any]) -> None:
        bridge = self._bridge

        def target() -> None:
            try:
                result: Any = fn()
            except ModelNestError as exc:
                result = exc
            except Exception as exc:  # noqa: BLE001 - reported in the status line, never a silent dead thread
                result = RuntimeError(f"{type(exc).__name__}: {exc}")
            try:
                bridge.done.emit(kind, result)
            except RuntimeError:
                pass  # the page was closed meanwhile

        threading.Thread(target=target, name=f"catalogue {kind}", daemon=True).start()

    @Slot(str, object)
    def _on_result(self, kind: str, result: Any) -> None:
        if kind == "plans":
            self.busy = False
            if isinstance(result, Exception):
                self.status_label.setText(self.tr("Could not plan the models: {0}").format(result))
                return
            self.hardware, plans, downloaded = result
            self.status_label.setText("")
            self._apply(plans, downloaded)
        elif kind == "refresh":
            self.busy = False
            self.refresh_button.setEnabled(True)
            if isinstance(result, Exception):
                self.status_label.setText(self.tr("Refresh failed: {0}").format(result))
                return
            self.status_label.setText(self.tr("Refreshed {0} of {1} entries from the hub.").format(
                len(result.updated), len(result.catalogue.models)))
            self.set_catalogue(result.catalogue)
        elif kind == "downloaded":
            if not isinstance(result, Exception):
                self._apply(self.plans, result, keep_quants=True)
        elif kind == "library":
            self.library_scan.setEnabled(True)
            if isinstance(result, Exception):
                self.library_status.setText(self.tr("Scan failed: {0}").format(result))
                return
            self._show_library(result)
        elif kind.startswith("hub"):
            self._on_hub_result(kind, result)

    def _apply(self, plans: Plans, downloaded: Downloaded, *, keep_quants: bool = False) -> None:
        self.plans, self.downloaded = plans, downloaded
        current = self.current_row()
        current_id = current.model.id if current else None
        chosen = {r.model.id: r.quant for r in self.table.rows()}
        self.table.update_plans(plans, downloaded)
        has_gpu = bool(self.hardware and self.hardware.gpus)
        for r in self.table.rows():
            if keep_quants and r.model.id in chosen:
                r.quant = chosen[r.model.id]  # the user's slider choice survives a rescan of the disk
            elif r.downloaded_quants:
                r.quant = max(r.downloaded_quants & set(r.model.quants) or {r.model.default_quant()}, key=quant_rank)
            else:
                r.quant = initial_quant(r, has_gpu) if plans else r.model.default_quant()
        self.proxy.refresh()
        for box in self.fit_boxes.values():
            box.setEnabled(bool(plans))
            box.setToolTip("" if plans else self.tr("Fit badges need the planner."))
        self.recommendation = recommend(plans, list(self.catalogue.models), has_gpu=has_gpu) if plans else None
        self._show_recommendation()
        if current_id:
            self.select_model(current_id)
        elif self.proxy.rowCount():
            self.view.selectRow(0)

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.table.set_rows(self._rows())
        self._show_snapshot()
        if self.hardware is not None and planner_available():
            self._apply(compute_plans(catalogue, self.hardware), self.downloaded)
        else:
            self._load()

    @Slot()
    def refresh_from_hub(self) -> None:
        from modelnest.core.catalogue import refresh_catalogue

        self.busy = True
        self.refresh_button.setEnabled(False)
        self.status_label.setText(self.tr("Refreshing the catalogue from the hub…"))
        self._run("refresh", lambda: refresh_catalogue())

    @Slot(list)
    def rescan_downloaded(self, _paths: list[str] | None = None) -> None:
        """After a download finished: mark what is on disk now."""
        self._run("downloaded", self._downloaded_fn)

    # --- recommendation ---------------------------------------------------------------------------------------------

    def _show_recommendation(self) -> None:
        rec = self.recommendation
        self.recommend_button.setEnabled(rec is not None)
        if not planner_available():
            self.recommend_label.setText(self.tr("Fit badges and speed need the planner, which this build lacks."))
        elif rec is None:
            self.recommend_label.setText(self.tr(
                "No recommendation for this computer: no model fits fully at a usable speed. "
                "Try the smallest models, or untick the filters to see partial fits."))
        else:
            r = rec.result
            self.recommend_label.setText(self.tr(
                "Recommended for this computer: <b>{0}</b> at {1} · {2} · needs {3} · {4} predicted").format(
                rec.model.name, rec.quant, self.table.fit_name(r.fit), format_bytes(r.total_bytes), speed_text(r)))

    @Slot()
    def show_recommendation(self) -> None:
        rec = self.recommendation
        if rec is None:
            return
        self.proxy.configure(fits=set(self.proxy.fits) | {rec.result.fit}, text="")
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        src = next(i for i, r in enumerate(self.table.rows()) if r.model.id == rec.model.id)
        self.table.set_quant(src, rec.quant)
        self.select_model(rec.model.id)

    # --- selection and detail ---------------------------------------------------------------------------------------

    def select_model(self, model_id: str) -> bool:
        row = self.proxy.proxy_row_of(model_id)
        if row is None:
            return False
        index = self.proxy.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
        self._show_detail()
        return True

    def current_row(self) -> CatalogueRow | None:
        index = self.view.selectionModel().currentIndex() if hasattr(self, "view") else QModelIndex()
        if not index.isValid() or index.row() >= self.proxy.rowCount():
            return None
        return self.proxy.row_object(index.row())

    @Slot()
    def _after_reset(self) -> None:
        # A filter change resets the proxy; keep the detail panel in step with what is (still) selected.
        self._show_detail()

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail()

    def _set_detail_enabled(self, on: bool) -> None:
        for w in (self.quant_slider, self.download_button):
            w.setEnabled(on)

    def _show_detail(self) -> None:
        r = self.current_row()
        if r is None:
            self.d_name.setText(self.tr("Choose a model in the list."))
            for label in (self.d_meta, self.d_arch, self.quant_label, self.quant_range, self.d_badge, self.d_memory,
                          self.d_speed, self.d_size, self.d_quality, self.d_notes):
                label.setText("")
            self._set_detail_enabled(False)
            return
        self._set_detail_enabled(True)
        m, a = r.model, r.model.architecture
        self.d_name.setText(m.name)
        zh = " · " + self.tr("Chinese-capable") if m.chinese else ""
        self.d_meta.setText(self.tr("{0} · {1} parameters · license {2} · {3}{4}").format(
            m.repo, params_text(m.n_params), m.license, tasks_text(m.tasks), zh))
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
        self._show_quant(r)

    def _show_quant(self, r: CatalogueRow) -> None:
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
        info = quant_info(r.quant)
        self.d_quality.setText(QCoreApplication.translate("CatalogueView", info.note) if info else "")
        p = r.plan
        if p is None:
            self.d_badge.setText(self.tr("unknown (needs the planner)") if not planner_available() else "")
            self.d_badge.setStyleSheet("")
            self.d_memory.setText("")
            self.d_speed.setText("")
            self.d_notes.setText("")
        else:
            color = FIT_COLORS[p.fit]
            self.d_badge.setText(self.table.fit_name(p.fit))
            self.d_badge.setStyleSheet(f"color: white; background: {color}; padding: 2px 8px; border-radius: 4px;")
            where = (self.tr("{0} on the GPU, {1} in RAM").format(format_bytes(p.device_bytes), format_bytes(p.host_bytes))
                     if p.device_bytes else self.tr("all in RAM"))
            self.d_memory.setText(self.tr("{0} ({1}) at {2} tokens of context").format(
                format_bytes(p.total_bytes), where, p.ctx))
            runs = self.tr("based on {0} calibration run(s) on this computer").format(p.calibration_runs) \
                if p.calibration_runs else self.tr("not yet calibrated on this computer")
            self.d_speed.setText(self.tr("{0} predicted ({1})").format(speed_text(p), runs))
            self.d_notes.setText("\n".join(p.notes))
            if p.plan is not None:
                self.memory_bar.set_plan(p.plan)
        self.memory_bar.setVisible(p is not None and p.plan is not None)
        self.download_button.setText(self.tr("Download {0} {1}").format(m.name, r.quant))

    @Slot(int)
    def _slider_moved(self, value: int) -> None:
        index = self.view.selectionModel().currentIndex()
        r = self.current_row()
        if r is None or not index.isValid():
            return
        quants = r.model.quants
        self.table.set_quant(self.proxy.source_row(index.row()), quants[max(0, min(value, len(quants) - 1))])
        self._show_quant(r)

    @Slot()
    def _download_clicked(self) -> None:
        r = self.current_row()
        if r is None:
            return
        f = r.model.file_for(r.quant)
        self.download_requested.emit(r.model.repo, r.quant, (f.file or "") if f else "")

    # --- filters ----------------------------------------------------------------------------------------------------

    @Slot()
    def _fit_filter_changed(self) -> None:
        self.proxy.configure(fits={fit for fit, box in self.fit_boxes.items() if box.isChecked()})

    @Slot()
    def _params_changed(self) -> None:
        high = self.max_params.value()
        self.proxy.configure(min_params=self.min_params.value(), max_params=math.inf if high >= 1000.0 else high)

    # --- hub search -------------------------------------------------------------------------------------------------

    @Slot()
    def search_hub(self) -> None:
        from modelnest.core.catalogue import search_hub

        text = self.hub_edit.text().strip()
        if not text:
            self.hub_status.setText(self.tr("Type what to look for first."))
            return
        self.hub_status.setText(self.tr("Searching the hub…"))
        self.hub_button.setEnabled(False)
        self._run("hub_search", lambda: search_hub(text))

    @Slot(QListWidgetItem, QListWidgetItem)
    def _hub_repo_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None:
            return
        from modelnest.core.catalogue import group_by_quant
        from modelnest.core.download import list_repo_files

        repo = item.data(Qt.ItemDataRole.UserRole)
        self._hub_repo = repo
        self.hub_files.setRowCount(0)
        self.hub_status.setText(self.tr("Listing the files of {0}…").format(repo))
        self._run("hub_files", lambda: (repo, group_by_quant(list_repo_files(repo))))

    @Slot()
    def check_hub_fit(self) -> None:
        """Read the selected file's header with HTTP Range requests and plan it exactly."""
        row = self.hub_files.currentRow()
        if row < 0 or row >= len(self._hub_groups):
            self.hub_status.setText(self.tr("Choose a quantization first."))
            return
        group = self._hub_groups[row]
        hardware = self.hardware
        probe_fn = self._probe_fn
        self.hub_status.setText(self.tr("Reading the header of {0}…").format(group.first.filename))

        def work() -> tuple[int, Any, FitResult | None]:
            from modelnest.core.catalogue.remote import fetch_group_header

            header, fetched = fetch_group_header(group)  # every part of a split model
            hw = hardware or probe_fn()
            return row, fetched, plan_header(header, hw)

        self._run("hub_fit", work)

    @Slot()
    def _hub_download_clicked(self) -> None:
        row = self.hub_files.currentRow()
        if self._hub_repo and 0 <= row < len(self._hub_groups):
            g = self._hub_groups[row]
            self.download_requested.emit(self._hub_repo, g.quant, g.first.filename)

    def _on_hub_result(self, kind: str, result: Any) -> None:
        if isinstance(result, Exception):
            self.hub_button.setEnabled(True)
            self.hub_status.setText(str(result))
            return
        if kind == "hub_search":
            self.hub_button.setEnabled(True)
            self.hub_results.clear()
            for hit in result:
                text = self.tr("{0}  ({1} downloads)").format(hit.repo_id, hit.downloads or 0)
                if hit.gated:
                    text += " · " + self.tr("gated: accept its license on the hub and set a token first")
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, hit.repo_id)
                self.hub_results.addItem(item)
            self.hub_status.setText(self.tr("{0} GGUF repositories found.").format(len(result)) if result
                                    else self.tr("No GGUF repositories match."))
        elif kind == "hub_files":
            repo, groups = result
            if repo != self._hub_repo:
                return  # the user moved on
            self._hub_groups = groups
            self.hub_files.setRowCount(len(groups))
            for i, g in enumerate(groups):
                parts = str(len(g.files)) if g.complete else self.tr("{0} (incomplete)").format(len(g.files))
                for col, text in enumerate((g.quant, format_bytes(g.size), parts, "", "", "")):
                    self.hub_files.setItem(i, col, QTableWidgetItem(text))
            self.hub_status.setText(self.tr("{0}: {1} models by quantization. Select one and check its fit.").format(
                repo, len(groups)))
            if groups:
                self.hub_files.selectRow(0)
        elif kind == "hub_fit":
            row, fetched, fit = result
            if fit is None:
                self.hub_status.setText(self.tr("Header read ({0}); fit needs the planner.").format(format_bytes(fetched)))
                return
            self.hub_files.setItem(row, 3, QTableWidgetItem(self.table.fit_name(fit.fit)))
            self.hub_files.setItem(row, 4, QTableWidgetItem(format_bytes(fit.total_bytes)))
            self.hub_files.setItem(row, 5, QTableWidgetItem(speed_text(fit)))
            self.hub_status.setText(self.tr("Read {0} of the file's header: needs {1} at {2} tokens of context.").format(
                format_bytes(fetched), format_bytes(fit.total_bytes), fit.ctx))
