"""The "Curated models" tab: filters, the sortable table, and the detail pane of the selected model."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from modelnest.core.catalogue import Catalogue
from modelnest.core.catalogue.fit import initial_quant
from modelnest.core.catalogue.quants import quant_rank
from modelnest.core.plan.fit import CPU_ONLY, FITS, FULL_GPU, PARTIAL_GPU, TOO_LARGE
from modelnest.gui.catalogue.common import Downloaded, LocalPaths, Plans
from modelnest.gui.catalogue.detail import ModelDetail
from modelnest.gui.catalogue.model import (
    COLUMNS,
    CatalogueFilterProxy,
    CatalogueRow,
    CatalogueTableModel,
    quant_loss_text,
    quant_note,
)
from modelnest.gui.retranslate import Retranslator

__all__ = ["HIDDEN_BY_DEFAULT", "CuratedTab"]

# Columns shown again from the header's menu: all eleven do not fit beside the detail pane at the default window size
# (1200x780), in English or Chinese. The detail pane shows each of them for the selected model (a file on disk: its
# "(on disk)" mark and the Chat button); the name elides.
HIDDEN_BY_DEFAULT = frozenset({"params", "size", "tasks", "license", "downloaded"})


def _set_item_texts(combo: QComboBox, texts: list[str]) -> None:
    for i, text in enumerate(texts):
        combo.setItemText(i, text)


class CuratedTab(QWidget):
    """Owns the table model and its filter proxy; the page hands it plans and what is on disk."""

    download_requested = Signal(str, str, str)  # repo id, quant, file name ("" when the catalogue has none)
    chat_requested = Signal(str)  # the path of a file of the selected model that is on disk

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = CatalogueTableModel(self._rows(catalogue), self)
        self.proxy = CatalogueFilterProxy(self)
        self.proxy.setSourceModel(self.table)
        self.local_paths: LocalPaths = {}  # set by the page with each disk scan
        self._texts = Retranslator(self)
        self._build(catalogue)
        self._texts.add(self.table.retranslate)
        self._texts.add(self._quality_tooltips)

    @staticmethod
    def _rows(catalogue: Catalogue) -> list[CatalogueRow]:
        return [CatalogueRow(m, m.default_quant()) for m in catalogue.models]

    # --- building -------------------------------------------------------------------------------------------------

    def _build(self, catalogue: Catalogue) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.textChanged.connect(lambda text: self.proxy.configure(text=text))
        self.fit_boxes: dict[str, QCheckBox] = {}
        row1 = QHBoxLayout()
        row1.addWidget(self.search_edit, 1)
        for fit in FITS:
            box = QCheckBox()
            box.setObjectName(f"fit_{fit}")
            box.setChecked(fit != TOO_LARGE)
            box.toggled.connect(self._fit_filter_changed)
            self.fit_boxes[fit] = box
            row1.addWidget(box)
        self.downloaded_box = QCheckBox()
        self.downloaded_box.setObjectName("downloaded_only")
        self.downloaded_box.toggled.connect(lambda on: self.proxy.configure(downloaded_only=on))
        row1.addWidget(self.downloaded_box)

        def row1_texts() -> None:
            self.search_edit.setPlaceholderText(self.tr("Filter by name, e.g. qwen coder"))
            labels = {FULL_GPU: self.tr("Fits fully"), PARTIAL_GPU: self.tr("Fits partially"),
                      CPU_ONLY: self.tr("CPU only"), TOO_LARGE: self.tr("Show too large")}
            for fit, box in self.fit_boxes.items():
                box.setText(labels[fit])
            self.downloaded_box.setText(self.tr("Downloaded only"))

        self._texts.add(row1_texts)

        self.min_params = QDoubleSpinBox()
        self.min_params.setObjectName("min_params")
        self.max_params = QDoubleSpinBox()
        self.max_params.setObjectName("max_params")
        for spin, value in ((self.min_params, 0.0), (self.max_params, 100.0)):
            spin.setRange(0.0, 1000.0)
            spin.setDecimals(1)
            spin.setSuffix(" B")  # billions of parameters: a unit symbol, as in "7.6B"
            spin.setValue(value)
            spin.valueChanged.connect(self._params_changed)
        self.task_combo = self._combo("task_combo", [None, "chat", "code", "reasoning", "vision"], "task")
        self.language_combo = self._combo("language_combo", [None, "zh", "en", "fr", "de", "es", "ja"], "language")
        self.license_combo = self._combo("license_combo", [None], "license")
        self.sort_combo = self._combo("sort_combo", ["popularity", "speed", "size", "quality"], "sort_key")
        self.set_licenses(catalogue)
        params_label, sort_label = QLabel(), QLabel()

        def row2_texts() -> None:
            params_label.setText(self.tr("Parameters"))
            sort_label.setText(self.tr("Sort by"))
            _set_item_texts(self.task_combo, [self.tr("Any task"), self.tr("Chat"), self.tr("Code"),
                                              self.tr("Reasoning"), self.tr("Vision")])
            _set_item_texts(self.language_combo, [self.tr("Any language"), self.tr("Chinese (中文)"),
                                                  self.tr("English"), self.tr("French"), self.tr("German"),
                                                  self.tr("Spanish"), self.tr("Japanese")])
            self.license_combo.setItemText(0, self.tr("Any license"))
            _set_item_texts(self.sort_combo, [self.tr("Popularity"), self.tr("Predicted speed"), self.tr("Size"),
                                              self.tr("Quality")])

        self._texts.add(row2_texts)
        row2 = QHBoxLayout()
        row2.addWidget(params_label)
        row2.addWidget(self.min_params)
        row2.addWidget(QLabel("–"))
        row2.addWidget(self.max_params)
        for combo in (self.task_combo, self.language_combo, self.license_combo):
            row2.addWidget(combo)
        row2.addStretch(1)
        row2.addWidget(sort_label)
        row2.addWidget(self.sort_combo)

        self.view = QTableView()
        self.view.setObjectName("catalogue_table")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("model"), QHeaderView.ResizeMode.Stretch)  # elides, never widens
        header.setStretchLastSection(False)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self._texts.add(lambda: header.setToolTip(self.tr("Right-click to show or hide columns")))
        for key in HIDDEN_BY_DEFAULT:
            self.view.setColumnHidden(COLUMNS.index(key), True)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.proxy.modelReset.connect(self._show_detail)
        self.proxy.layoutChanged.connect(self._show_detail)

        self.detail = ModelDetail()
        self.detail.quant_chosen.connect(self._quant_chosen)
        self.detail.download_clicked.connect(self._download_clicked)
        self.detail.chat_clicked.connect(self._chat_clicked)
        scroll = QScrollArea()  # a short window scrolls the detail pane instead of squeezing its lines
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # lines wrap instead
        scroll.setWidget(self.detail)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(scroll, 1)
        right_layout.addWidget(self.detail.download_button)
        right_layout.addWidget(self.detail.chat_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([670, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(splitter, 1)
        self.detail.show_row(None)

    def column_menu(self) -> QMenu:
        """The header's menu: one checkable entry per column (the model name always stays)."""
        menu = QMenu(self)
        menu.setObjectName("column_menu")
        for col, key in enumerate(COLUMNS):
            if key == "model":
                continue
            action = menu.addAction(str(self.table.headerData(col, Qt.Orientation.Horizontal)))
            action.setCheckable(True)
            action.setChecked(not self.view.isColumnHidden(col))
            action.setData(key)
            action.toggled.connect(lambda on, k=key: self.set_column_visible(k, on))
        return menu

    @Slot(QPoint)
    def _column_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.view.horizontalHeader().mapToGlobal(pos))
        menu.deleteLater()  # a new menu each time, in the current language

    def set_column_visible(self, key: str, visible: bool) -> None:
        self.view.setColumnHidden(COLUMNS.index(key), not visible)

    def _combo(self, name: str, values: list[Any], attr: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        # Sized by a few characters, not by the longest item (a long license id would widen the whole row).
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(9)
        for value in values:
            combo.addItem("", value)  # texts come from the retranslated setter
        combo.currentIndexChanged.connect(lambda _i, c=combo, a=attr: self.proxy.configure(**{a: c.currentData()}))
        return combo

    def set_licenses(self, catalogue: Catalogue) -> None:
        """The license filter offers the licenses this catalogue has (license ids are not translated)."""
        combo = self.license_combo
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for name in sorted({m.license for m in catalogue.models}):
            combo.addItem(name, name)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    # --- contents -------------------------------------------------------------------------------------------------

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.table.set_rows(self._rows(catalogue))
        self.set_licenses(catalogue)

    def set_use(self, use: str) -> None:
        """The recommendation's use: the quality column (and the quality sort) follow it."""
        self.table.set_use(use)
        if self.proxy.sort_key == "quality":
            self.proxy.refresh()
        self._quality_tooltips()

    def set_evaluation(self, use: str, benchmark: str | None, source: str | None) -> None:
        """The recommendation's evaluation for ``use``: the quality column compares on the same (model.py)."""
        self.table.set_evaluation(use, benchmark, source)
        if self.proxy.sort_key == "quality":
            self.proxy.refresh()
        self._quality_tooltips()

    def apply(self, plans: Plans, downloaded: Downloaded, *, has_gpu: bool, keep_quants: bool) -> None:
        """New planner answers and/or disk state: badges, speeds, and each row's starting quantization."""
        current = self.current_row()
        current_id = current.model.id if current else None
        chosen = {r.model.id: r.quant for r in self.table.rows()}
        self.table.update_plans(plans, downloaded)
        for r in self.table.rows():
            if keep_quants and chosen.get(r.model.id) in r.model.quants:
                r.quant = chosen[r.model.id]  # the user's slider choice survives a re-plan or a rescan of the disk
            elif r.downloaded_quants:
                r.quant = max(r.downloaded_quants & set(r.model.quants) or {r.model.default_quant()}, key=quant_rank)
            else:
                r.quant = initial_quant(r.model, r.plans, has_gpu=has_gpu) if plans else r.model.default_quant()
        self.proxy.refresh()
        if current_id:
            self.select_model(current_id)
        elif self.proxy.rowCount():
            self.view.selectRow(0)

    def show_model(self, model_id: str, quant: str, fit: str) -> None:
        """Bring one model into view at one quantization (the recommendation's "Show")."""
        self.proxy.configure(fits=set(self.proxy.fits) | {fit}, text="")
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        for box_fit, box in self.fit_boxes.items():
            box.blockSignals(True)
            box.setChecked(box_fit in self.proxy.fits)
            box.blockSignals(False)
        src = next((i for i, r in enumerate(self.table.rows()) if r.model.id == model_id), None)
        if src is not None:
            self.table.set_quant(src, quant)
        self.select_model(model_id)

    # --- selection and detail -------------------------------------------------------------------------------------

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
        index = self.view.selectionModel().currentIndex()
        if not index.isValid() or index.row() >= self.proxy.rowCount():
            return None
        return self.proxy.row_object(index.row())

    @Slot()
    def _show_detail(self) -> None:
        # A filter change resets or re-lays the proxy; keep the detail pane in step with what is (still) selected.
        self.detail.show_row(self.current_row())
        self._quality_tooltips()

    def _quality_tooltips(self) -> None:
        """The detail's quality line and slider say where their figures come from (llama.cpp's measurement of the
        quantization, the model's published score for the use)."""
        r = self.detail.row
        if r is None:
            self.detail.d_quality.setToolTip("")
            self.detail.quant_slider.setToolTip("")
            return
        loss = quant_loss_text(r.quant, self.table.quality_table)
        lines = [quant_note(r.quant), loss, self.table.quality_tooltip(r)]
        self.detail.d_quality.setToolTip("\n".join(line for line in lines if line))
        self.detail.quant_slider.setToolTip("\n".join(line for line in lines[:2] if line))

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail()

    @Slot(str)
    def _quant_chosen(self, quant: str) -> None:
        index = self.view.selectionModel().currentIndex()
        if not index.isValid() or self.detail.row is None:
            return
        self.table.set_quant(self.proxy.source_row(index.row()), quant)
        self.detail.show_quant()
        self._quality_tooltips()

    @Slot()
    def _download_clicked(self) -> None:
        r = self.current_row()
        if r is None:
            return
        f = r.model.file_for(r.quant)
        self.download_requested.emit(r.model.repo, r.quant, (f.file or "") if f else "")

    def chat_path(self) -> str | None:
        """The file "Chat with this model" loads: the shown quantization if it is on disk, else the best one there."""
        r = self.current_row()
        if r is None or not r.downloaded_quants:
            return None
        repo = r.model.repo
        if (repo, r.quant) in self.local_paths:
            return self.local_paths[(repo, r.quant)]
        for quant in sorted(r.downloaded_quants, key=quant_rank, reverse=True):
            if (repo, quant) in self.local_paths:
                return self.local_paths[(repo, quant)]
        return None

    @Slot()
    def _chat_clicked(self) -> None:
        path = self.chat_path()
        if path is not None:
            self.chat_requested.emit(path)

    # --- filters --------------------------------------------------------------------------------------------------

    @Slot()
    def _fit_filter_changed(self) -> None:
        self.proxy.configure(fits={fit for fit, box in self.fit_boxes.items() if box.isChecked()})

    @Slot()
    def _params_changed(self) -> None:
        high = self.max_params.value()
        self.proxy.configure(min_params=self.min_params.value(), max_params=math.inf if high >= 1000.0 else high)
