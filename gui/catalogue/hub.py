"""The "Search the hub" tab: any GGUF repository, its models by quantization, and an exact fit from the header."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from modelnest.core.catalogue import FitResult, HubRepo, QuantGroup, group_by_quant, plan_header, search_hub
from modelnest.core.catalogue.remote import fetch_group_header
from modelnest.core.download import list_repo_files
from modelnest.core.units import format_bytes
from modelnest.gui.background import JobControl
from modelnest.gui.catalogue.common import error_text
from modelnest.gui.catalogue.model import fit_name, speed_text
from modelnest.gui.context import AppContext
from modelnest.gui.retranslate import Retranslator

__all__ = ["HubTab"]


class HubTab(QWidget):
    """Network work runs as background jobs: a new search or another repository supersedes the earlier request."""

    download_requested = Signal(str, str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._hits: list[HubRepo] | None = None
        self._repo: str | None = None
        self._groups: list[QuantGroup] = []
        self._fits: dict[int, tuple[int, FitResult | None]] = {}  # row -> (header bytes read, fit)
        self._status: Callable[[], str] = lambda: ""
        self._texts = Retranslator(self)
        self._build()
        self._texts.add(self._render)

    def _build(self) -> None:
        self.hub_edit = QLineEdit()
        self.hub_edit.setObjectName("hub_edit")
        self.hub_edit.returnPressed.connect(self.search)
        self.hub_button = QPushButton()
        self.hub_button.setObjectName("hub_button")
        self.hub_button.clicked.connect(self.search)
        self.hub_results = QListWidget()
        self.hub_results.setObjectName("hub_results")
        self.hub_results.currentItemChanged.connect(self._repo_selected)
        self.hub_files = QTableWidget(0, 6)
        self.hub_files.setObjectName("hub_files")
        self.hub_files.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.hub_files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.hub_files.verticalHeader().hide()
        self.hub_files.horizontalHeader().setStretchLastSection(True)
        self.hub_check = QPushButton()
        self.hub_check.setObjectName("hub_check")
        self.hub_check.clicked.connect(self.check_fit)
        self.hub_download = QPushButton()
        self.hub_download.setObjectName("hub_download")
        self.hub_download.clicked.connect(self._download_clicked)
        self.hub_status = QLabel()
        self.hub_status.setObjectName("hub_status")
        self.hub_status.setWordWrap(True)

        def texts() -> None:
            self.hub_edit.setPlaceholderText(self.tr("Search every GGUF repository on the hub, e.g. qwen2.5 7b"))
            self.hub_button.setText(self.tr("Search"))
            self.hub_files.setHorizontalHeaderLabels([self.tr("Quantization"), self.tr("Size"), self.tr("Parts"),
                                                      self.tr("Fit"), self.tr("Memory needed"),
                                                      self.tr("Speed (predicted)")])
            self.hub_check.setText(self.tr("Check fit (reads the file header only)"))
            self.hub_download.setText(self.tr("Download"))

        self._texts.add(texts)
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
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hub_status)
        layout.addWidget(split, 1)

    def _set_status(self, text: Callable[[], str]) -> None:
        self._status = text
        self.hub_status.setText(text())

    def _failed(self, exc: BaseException) -> None:
        self.hub_button.setEnabled(True)
        self._set_status(lambda: error_text(exc))

    # --- search ---------------------------------------------------------------------------------------------------

    @Slot()
    def search(self) -> None:
        text = self.hub_edit.text().strip()
        if not text:
            self._set_status(lambda: self.tr("Type what to look for first."))
            return
        self._set_status(lambda: self.tr("Searching the hub…"))
        self.hub_button.setEnabled(False)
        self.ctx.background.submit(lambda _c: search_hub(text), key="catalogue-hub-search",
                                   on_result=self._found, on_error=self._failed)

    def _found(self, hits: list[HubRepo]) -> None:
        self.hub_button.setEnabled(True)
        self._hits = hits
        self._render_hits()
        n = len(hits)
        self._set_status(lambda: self.tr("{0} GGUF repositories found.").format(n) if n
                         else self.tr("No GGUF repositories match."))

    def _render_hits(self) -> None:
        if self._hits is None:
            return
        current = self.hub_results.currentRow()
        self.hub_results.blockSignals(True)  # a re-render in another language is not a new choice of repository
        self.hub_results.clear()
        for hit in self._hits:
            text = self.tr("{0}  ({1} downloads)").format(hit.repo_id, hit.downloads or 0)
            if hit.gated:
                text += " · " + self.tr("gated: accept its license on the hub and set a token first")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, hit.repo_id)
            self.hub_results.addItem(item)
        if 0 <= current < self.hub_results.count():
            self.hub_results.setCurrentRow(current)
        self.hub_results.blockSignals(False)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _repo_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None:
            return
        repo = str(item.data(Qt.ItemDataRole.UserRole))
        self._repo = repo
        self._groups = []
        self._fits = {}
        self.hub_files.setRowCount(0)
        self._set_status(lambda: self.tr("Listing the files of {0}…").format(repo))

        def work(_control: JobControl) -> tuple[str, list[QuantGroup]]:
            return repo, group_by_quant(list_repo_files(repo))

        # Keyed: choosing another repository drops the listing of the one before.
        self.ctx.background.submit(work, key="catalogue-hub-files", on_result=self._listed, on_error=self._failed)

    def _listed(self, result: tuple[str, list[QuantGroup]]) -> None:
        repo, groups = result
        if repo != self._repo:
            return
        self._groups = groups
        self._render_files()
        n = len(groups)
        self._set_status(lambda: self.tr("{0}: {1} models by quantization. Select one and check its fit.").format(
            repo, n))
        if groups:
            self.hub_files.selectRow(0)

    def _render_files(self) -> None:
        selected = self.hub_files.currentRow()
        self.hub_files.setRowCount(len(self._groups))
        for i, g in enumerate(self._groups):
            parts = str(len(g.files)) if g.complete else self.tr("{0} (incomplete)").format(len(g.files))
            fit = self._fits.get(i, (0, None))[1]
            cells = (g.quant, format_bytes(g.size), parts, fit_name(fit.fit, fit.experts_in_ram) if fit else "",
                     format_bytes(fit.total_bytes) if fit else "", speed_text(fit))
            for col, text in enumerate(cells):
                self.hub_files.setItem(i, col, QTableWidgetItem(text))
        if 0 <= selected < len(self._groups):
            self.hub_files.selectRow(selected)

    # --- fit from the header --------------------------------------------------------------------------------------

    @Slot()
    def check_fit(self) -> None:
        """Read the selected file's header with HTTP Range requests and plan it exactly."""
        row = self.hub_files.currentRow()
        if row < 0 or row >= len(self._groups):
            self._set_status(lambda: self.tr("Choose a quantization first."))
            return
        hardware = self.ctx.hardware.snapshot
        if hardware is None:
            self._set_status(lambda: self.tr("Still looking at this computer; try again in a moment."))
            return
        group, repo = self._groups[row], self._repo
        name = group.first.filename
        self._set_status(lambda: self.tr("Reading the header of {0}…").format(name))

        def work(_control: JobControl) -> tuple[str | None, int, int, FitResult | None]:
            header, fetched = fetch_group_header(group)  # every part of a split model
            return repo, row, fetched, plan_header(header, hardware)

        self.ctx.background.submit(work, key=f"catalogue-hub-fit-{row}", on_result=self._checked,
                                   on_error=self._failed)

    def _checked(self, result: tuple[str | None, int, int, FitResult | None]) -> None:
        repo, row, fetched, fit = result
        if repo != self._repo or row >= len(self._groups):
            return  # the user moved on to another repository
        self._fits[row] = (fetched, fit)
        self._render_files()
        if fit is None:
            return
        self._set_status(lambda: self.tr("Read {0} of the file's header: needs {1} at {2} tokens of context.").format(
            format_bytes(fetched), format_bytes(fit.total_bytes), fit.ctx))

    @Slot()
    def _download_clicked(self) -> None:
        row = self.hub_files.currentRow()
        if self._repo and 0 <= row < len(self._groups):
            g = self._groups[row]
            self.download_requested.emit(self._repo, g.quant, g.first.filename)

    def _render(self) -> None:
        """After a language change: the lists and the status line again, in the new language."""
        self._render_hits()
        self._render_files()
        self.hub_status.setText(self._status())
