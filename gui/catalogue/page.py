"""The Models page: the recommendation for this computer with its rule, and three tabs (curated catalogue, hub
search, models on this computer).

The page owns the catalogue, the plans and what is on disk; slow work (planning every entry, scanning the disk,
refreshing from the hub) runs as keyed background jobs through ``ctx.background``, so a re-plan supersedes the one
before (its result is dropped), and the hardware comes from the one hardware service (never probed here).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from modelnest.core.catalogue import DEFAULT_CTX, Catalogue, Recommendation, load_catalogue, recommend
from modelnest.core.catalogue.fit import USABLE_TOKENS_PER_S
from modelnest.core.catalogue.library import scan_library
from modelnest.core.catalogue.refresh import RefreshReport, refresh_catalogue
from modelnest.core.hardware import HardwareSnapshot
from modelnest.core.units import format_bytes
from modelnest.gui.background import JobControl
from modelnest.gui.catalogue.common import (
    Downloaded,
    LibraryFn,
    LocalPaths,
    Plans,
    compute_plans,
    error_text,
    scan_disk,
)
from modelnest.gui.catalogue.curated import CuratedTab
from modelnest.gui.catalogue.hub import HubTab
from modelnest.gui.catalogue.library import LibraryTab
from modelnest.gui.catalogue.model import CatalogueRow, fit_name, speed_text
from modelnest.gui.context import AppContext
from modelnest.gui.retranslate import Retranslator

__all__ = ["CatalogueView"]

DownloadedFn = Callable[[], Downloaded]
DiskFn = Callable[[], tuple[Downloaded, LocalPaths]]


class CatalogueView(QWidget):
    """The catalogue page. ``download_requested(repo_id, quant, filename)`` asks the downloads panel for a model;
    ``chat_requested(path)`` (catalogue detail, "On this computer") asks the chat page to open a model on disk;
    ``delete_requested(LocalModel)`` asks the app to delete one (it asks the user first)."""

    download_requested = Signal(str, str, str)
    chat_requested = Signal(str)
    delete_requested = Signal(object)
    plans_ready = Signal()  # after new plans were applied (tests and the recommendation wait on it)

    def __init__(
        self,
        ctx: AppContext,
        *,
        catalogue: Catalogue | None = None,
        downloaded_fn: DownloadedFn | None = None,
        library_fn: LibraryFn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.catalogue = catalogue or load_catalogue()
        # An injected ``downloaded_fn`` (tests) knows no paths; the real scan finds both in one pass.
        disk_library = library_fn or scan_library
        self._disk_fn: DiskFn = ((lambda: (downloaded_fn(), {})) if downloaded_fn is not None
                                 else (lambda: scan_disk(disk_library)))
        self.hardware: HardwareSnapshot | None = None
        self.plans: Plans = {}
        self.downloaded: Downloaded = {}
        self._downloaded_known = False
        self._applied = False
        self.plans_applied = 0  # how many plan results were applied (superseded ones never are)
        self.recommendation: Recommendation | None = None
        self._planning = self._refreshing = False
        self._status: Callable[[], str] = lambda: ""
        self._planning_status: Callable[[], str] = lambda: self.tr("Checking this computer and planning every model…")
        self._texts = Retranslator(self)
        self.curated = CuratedTab(self.catalogue)
        self.hub = HubTab(ctx)
        self.library = LibraryTab(ctx, library_fn)
        for tab in (self.curated, self.hub):
            tab.download_requested.connect(self.download_requested)
        self.curated.chat_requested.connect(self.chat_requested)
        self.library.chat_requested.connect(self.chat_requested)
        self.library.delete_requested.connect(self.delete_requested)
        self._build()
        self._texts.add(self._render)
        ctx.hardware.when_ready(self._hardware_ready)
        ctx.hardware.bandwidth_ready.connect(self._bandwidth_measured)
        ctx.hardware.probe_failed.connect(self._probe_failed)
        ctx.hardware.start()  # idempotent: one probe for every page
        if not self._applied:
            self._set_status(self._planning_status)

    # --- building -------------------------------------------------------------------------------------------------

    def _build(self) -> None:
        title = QLabel()
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.snapshot_label = QLabel()
        self.snapshot_label.setObjectName("snapshot_label")
        self.refresh_button = QPushButton()
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
        self.recommend_button = QPushButton()
        self.recommend_button.setObjectName("recommend_button")
        self.recommend_button.clicked.connect(self.show_recommendation)
        self.recommend_button.setEnabled(False)
        self.rule_label = QLabel()
        self.rule_label.setObjectName("rule_label")
        self.rule_label.setWordWrap(True)
        self.rule_label.setStyleSheet("color: #555;")
        rec_layout = QVBoxLayout(self.recommend_frame)
        rec_top = QHBoxLayout()
        rec_top.addWidget(self.recommend_label, 1)
        rec_top.addWidget(self.recommend_button)
        rec_layout.addLayout(rec_top)
        rec_layout.addWidget(self.rule_label)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("catalogue_tabs")
        self.tabs.addTab(self.curated, "")
        self.tabs.addTab(self.hub, "")
        self.tabs.addTab(self.library, "")

        def texts() -> None:
            title.setText(self.tr("Model catalogue"))
            self.refresh_button.setText(self.tr("Refresh from the hub"))
            self.recommend_button.setText(self.tr("Show"))
            # The same rule as core's RECOMMENDATION_RULE (the CLI's text), written out here so lupdate extracts it.
            rule = self.tr(
                "The highest-quality model and quantization (bigger model first, then less lossy quantization) that "
                "fits entirely in this computer's memory — fully on the GPU when there is one, else in RAM — and is "
                "predicted to generate at least {0} tokens/s at a {1}-token context.").format(
                f"{USABLE_TOKENS_PER_S:g}", DEFAULT_CTX)
            self.rule_label.setText(self.tr("Rule: {0}").format(rule))
            self.tabs.setTabText(0, self.tr("Curated models"))
            self.tabs.setTabText(1, self.tr("Search the hub"))
            self.tabs.setTabText(2, self.tr("On this computer"))

        self._texts.add(texts)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.recommend_frame)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

    def _set_status(self, text: Callable[[], str]) -> None:
        self._status = text
        self.status_label.setText(text())

    def _render(self) -> None:
        """Data-rendered texts in the UI language (again after a language change)."""
        c = self.catalogue
        source = self.tr("bundled") if c.source == "bundled" else c.source
        self.snapshot_label.setText(
            self.tr("Snapshot of {0} ({1}) · planned for a {2}-token context").format(c.snapshot_date, source,
                                                                                     DEFAULT_CTX))
        self.status_label.setText(self._status())
        self._render_recommendation()

    def _render_recommendation(self) -> None:
        rec = self.recommendation
        self.recommend_button.setEnabled(rec is not None)
        if rec is None and not self._applied:
            self.recommend_label.setText(self.tr("Planning every model for this computer…"))
        elif rec is None:
            self.recommend_label.setText(self.tr(
                "No recommendation for this computer: no model fits fully at a usable speed. "
                "Try the smallest models, or untick the filters to see partial fits."))
        else:
            r = rec.result
            self.recommend_label.setText(self.tr(
                "Recommended for this computer: <b>{0}</b> at {1} · {2} · needs {3} · {4} predicted").format(
                rec.model.name, rec.quant, fit_name(r.fit), format_bytes(r.total_bytes), speed_text(r)))

    # --- state ----------------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Plans or a refresh still running."""
        return self._planning or self._refreshing

    def _hardware_ready(self, snapshot: HardwareSnapshot) -> None:
        self.hardware = snapshot
        self.replan()

    def _probe_failed(self, exc: BaseException) -> None:
        self._set_status(lambda: self.tr("Could not look at this computer, so nothing was planned: {0}").format(
            error_text(exc)))

    def _bandwidth_measured(self, _bandwidth: object) -> None:
        # Speeds depend on the memory speed: plan again with the measured figure.
        if self.ctx.hardware.snapshot is not None:
            self._hardware_ready(self.ctx.hardware.snapshot)

    def replan(self) -> None:
        """Plan every entry for the current hardware in the background; supersedes a computation still running."""
        hardware = self.hardware
        if hardware is None:
            return
        catalogue, disk_fn = self.catalogue, self._disk_fn
        with_disk = not self._downloaded_known

        def work(control: JobControl) -> tuple[Catalogue, Plans, tuple[Downloaded, LocalPaths] | None]:
            plans = compute_plans(catalogue, hardware, control.check)
            return catalogue, plans, disk_fn() if with_disk else None

        self._planning = True
        if not self._applied:
            self._set_status(self._planning_status)
        self.ctx.background.submit(work, key="catalogue-plans", on_result=self._planned, on_error=self._plan_failed)

    def _planned(self, result: tuple[Catalogue, Plans, tuple[Downloaded, LocalPaths] | None]) -> None:
        catalogue, plans, disk = result
        self._planning = False
        if catalogue is not self.catalogue:
            return  # planned for a catalogue that was replaced meanwhile (its own re-plan is on the way)
        if self._status is self._planning_status:
            self._set_status(lambda: "")
        if disk is not None and not self._downloaded_known:  # a rescan after a download is newer
            self.downloaded, self.curated.local_paths = disk
            self._downloaded_known = True
        self._apply(plans, keep_quants=self._applied)
        self.plans_applied += 1
        self.plans_ready.emit()

    def _plan_failed(self, exc: BaseException) -> None:
        self._planning = False
        self._set_status(lambda: self.tr("Could not plan the models: {0}").format(error_text(exc)))

    def _apply(self, plans: Plans, *, keep_quants: bool) -> None:
        self.plans = plans
        has_gpu = bool(self.hardware and self.hardware.gpus)
        self.curated.apply(plans, self.downloaded, has_gpu=has_gpu, keep_quants=keep_quants)
        self.recommendation = recommend(plans, list(self.catalogue.models), has_gpu=has_gpu) if plans else None
        self._applied = True
        self._render_recommendation()

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.curated.set_catalogue(catalogue)
        self._applied = False
        self.plans = {}
        self.recommendation = None
        self._render()
        self.replan()

    @Slot()
    def refresh_from_hub(self) -> None:
        self._refreshing = True
        self.refresh_button.setEnabled(False)
        self._set_status(lambda: self.tr("Refreshing the catalogue from the hub…"))
        self.ctx.background.submit(lambda _c: refresh_catalogue(), key="catalogue-refresh",
                                   on_result=self._refreshed, on_error=self._refresh_failed)

    def _refreshed(self, result: RefreshReport) -> None:
        self._refreshing = False
        self.refresh_button.setEnabled(True)
        updated, total = len(result.updated), len(result.catalogue.models)
        self.set_catalogue(result.catalogue)
        self._set_status(lambda: self.tr("Refreshed {0} of {1} entries from the hub.").format(updated, total))

    def _refresh_failed(self, exc: BaseException) -> None:
        self._refreshing = False
        self.refresh_button.setEnabled(True)
        self._set_status(lambda: self.tr("Refresh failed: {0}").format(error_text(exc)))

    @Slot(list)
    def rescan_downloaded(self, _paths: list[str] | None = None) -> None:
        """After a download finished or a model was deleted: mark what is on disk now (slider choices stay); the
        "On this computer" list is scanned again too if the user had scanned it."""
        disk_fn = self._disk_fn
        self.ctx.background.submit(lambda _c: disk_fn(), key="catalogue-downloaded", on_result=self._rescanned)
        if self.library.library is not None:
            self.library.scan()

    def _rescanned(self, disk: tuple[Downloaded, LocalPaths]) -> None:
        self.downloaded, self.curated.local_paths = disk
        self._downloaded_known = True
        if self._applied:
            self._apply(self.plans, keep_quants=True)

    # --- recommendation and selection -----------------------------------------------------------------------------

    @Slot()
    def show_recommendation(self) -> None:
        rec = self.recommendation
        if rec is None:
            return
        self.tabs.setCurrentWidget(self.curated)
        self.curated.show_model(rec.model.id, rec.quant, rec.result.fit)

    def select_model(self, model_id: str) -> bool:
        return self.curated.select_model(model_id)

    def current_row(self) -> CatalogueRow | None:
        return self.curated.current_row()
