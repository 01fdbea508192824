"""The "On this computer" tab: GGUF models already on disk (ours, the Hugging Face cache, other apps), validated."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from modelnest.core.catalogue import FitResult, plan_header, scan_library
from modelnest.core.catalogue.library import LocalModel, add_user_folder
from modelnest.core.errors import ModelNestError
from modelnest.core.units import format_bytes
from modelnest.gui.background import JobControl
from modelnest.gui.catalogue.common import LibraryFn, error_text
from modelnest.gui.catalogue.model import fit_name, speed_text
from modelnest.gui.context import AppContext
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

__all__ = ["LibraryTab"]

Found = list[tuple[LocalModel, FitResult | None]]
# Where a model was found; app names are names, not words to translate.
SOURCES = {"modelnest": "ModelNest", "huggingface": "Hugging Face cache", "lmstudio": "LM Studio",
           "gpt4all": "GPT4All", "ollama": "Ollama"}


class LibraryTab(QWidget):
    """Scans in the background (validating each file and planning it for this computer).

    Every runnable row has "Chat" (double-click does the same) and every row "Delete…": ``chat_requested(path)``
    and ``delete_requested(LocalModel)``, which the app connects to the chat page and to the deleter."""

    chat_requested = Signal(str)
    delete_requested = Signal(object)
    ACTIONS = 6  # the column with the row's buttons

    def __init__(self, ctx: AppContext, library_fn: LibraryFn | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._library_fn = library_fn or scan_library
        self.library: Found | None = None
        self._texts = Retranslator(self)
        self._status: Callable[[], str] = lambda: self.tr(
            "Press Scan to look for GGUF models already on this computer.")
        self._build()
        self._texts.add(self._render)

    def _build(self) -> None:
        self.library_status = QLabel()
        self.library_status.setObjectName("library_status")
        self.library_status.setWordWrap(True)
        self.library_scan = QPushButton()
        self.library_scan.setObjectName("library_scan")
        self.library_scan.clicked.connect(self.scan)
        self.library_add = QPushButton()
        self.library_add.setObjectName("library_add")
        self.library_add.clicked.connect(self._choose_folder)
        self.library_table = QTableWidget(0, 7)
        self.library_table.setObjectName("library_table")
        self.library_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.library_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.library_table.verticalHeader().hide()
        self.library_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # long paths keep both ends
        self.library_table.setWordWrap(False)  # one line per row: the tooltip has the whole path
        self.library_table.doubleClicked.connect(self._double_clicked)
        header = self.library_table.horizontalHeader()
        for col in range(5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)  # the location takes what is left
        header.setSectionResizeMode(self.ACTIONS, QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel()
        note.setWordWrap(True)

        def texts() -> None:
            self.library_scan.setText(self.tr("Scan"))
            self.library_add.setText(self.tr("Add folder…"))
            self.library_table.setHorizontalHeaderLabels([
                self.tr("Model"), self.tr("Found in"), self.tr("Size"), self.tr("Status"),
                self.tr("Speed (predicted)"), self.tr("Location"), ""])
            note.setText(self.tr("Models are used where they are: nothing is copied or downloaded again. Searched: "
                                 "the ModelNest models folder, the Hugging Face cache, LM Studio, GPT4All, Ollama, "
                                 "and folders you add. Each file is checked before it is listed as runnable."))

        self._texts.add(texts)
        top = QHBoxLayout()
        top.addWidget(self.library_status, 1)
        top.addWidget(self.library_add)
        top.addWidget(self.library_scan)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(top)
        layout.addWidget(self.library_table, 1)

    def _set_status(self, text: Callable[[], str]) -> None:
        self._status = text
        self.library_status.setText(text())

    @Slot()
    def scan(self) -> None:
        """Find, validate and plan every local model in a background job."""
        self.library_scan.setEnabled(False)
        self._set_status(lambda: self.tr("Looking for models on this computer…"))
        library_fn, hardware = self._library_fn, self.ctx.hardware.snapshot

        def work(control: JobControl) -> Found:
            found = library_fn()
            out: Found = []
            for m in found:
                control.check()
                plan = plan_header(m.header, hardware) if hardware is not None and m.header is not None else None
                out.append((m, plan))
            return out

        self.ctx.background.submit(work, key="catalogue-library", on_result=self._scanned, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.library_scan.setEnabled(True)
        self._set_status(lambda: self.tr("Scan failed: {0}").format(error_text(exc)))

    def _scanned(self, found: Found) -> None:
        self.library_scan.setEnabled(True)
        self.library = found
        runnable = sum(1 for m, _ in found if m.runnable)
        total = len(found)
        self._status = (lambda: self.tr("{0} models found, {1} runnable.").format(total, runnable)) if total \
            else (lambda: self.tr("No GGUF models found on this computer."))
        self._render()

    def add_folder(self, folder: str) -> None:
        try:
            add_user_folder(folder)
        except ModelNestError as exc:
            problem = exc  # `exc` is unbound after the except block; the status may be re-rendered later
            self._set_status(lambda: tr_text(problem))
            return
        self.scan()

    @Slot()
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder with GGUF models"))
        if folder:
            self.add_folder(folder)

    def _render(self) -> None:
        self.library_status.setText(self._status())
        result = self.library
        if result is None:
            return
        sources = {**SOURCES, "folder": self.tr("added folder")}
        self.library_table.setRowCount(len(result))
        for i, (m, plan) in enumerate(result):
            if not m.runnable:
                status = self.tr("Not runnable: {0}").format(tr_text(m.error or ""))
            elif plan is not None:
                status = fit_name(plan.fit, plan.experts_in_ram)
            else:
                status = self.tr("Runnable")
            cells = (str(m.label), sources.get(m.source, m.source), format_bytes(m.size), status, speed_text(plan),
                     str(m.path))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col == 3 and not m.runnable:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.library_table.setItem(i, col, item)
            self.library_table.setCellWidget(i, self.ACTIONS, self._row_buttons(i, m))

    def _row_buttons(self, row: int, m: LocalModel) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(2, 0, 2, 0)
        chat = QPushButton(self.tr("Chat"))
        chat.setObjectName("library_chat")
        chat.setToolTip(self.tr("Chat with this model"))
        chat.setEnabled(m.runnable)
        chat.clicked.connect(lambda: self.chat_with_row(row))
        delete = QPushButton(self.tr("Delete…"))
        delete.setObjectName("library_delete")
        delete.clicked.connect(lambda: self.delete_row(row))
        layout.addWidget(chat)
        layout.addWidget(delete)
        return box

    def model_at(self, row: int) -> LocalModel | None:
        found = self.library
        return found[row][0] if found is not None and 0 <= row < len(found) else None

    def chat_with_row(self, row: int) -> bool:
        """"Chat with this model" for one row (its button, or a double-click); False for a file that cannot run."""
        m = self.model_at(row)
        if m is None or not m.runnable:
            return False
        self.chat_requested.emit(str(m.path))
        return True

    def delete_row(self, row: int) -> None:
        m = self.model_at(row)
        if m is not None:
            self.delete_requested.emit(m)

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        self.chat_with_row(index.row())
