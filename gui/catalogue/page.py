"""The Models page: the recommendations for this computer (top three for a chosen use, at a speed threshold),
and three tabs (curated catalogue, hub search, models on this computer).

The page owns the catalogue, the plans and what is on disk; slow work (planning every entry, choosing the picks,
scanning the disk, refreshing from the hub) runs as keyed background jobs through ``ctx.background``, so a re-plan
supersedes the one before (its result is dropped), and the hardware comes from the one hardware service (never
probed here). The use and the threshold are settings, changed only through ``ctx.settings``.

The picks change only when their inputs do (core's ``Recommendations.inputs``): when new picks differ from the ones
shown before, the panel names the inputs that changed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from modelnest.core.catalogue.entries import Catalogue, load_catalogue
from modelnest.core.catalogue.fit import DEFAULT_CTX
from modelnest.core.catalogue.last_picks import LastPicks, load_last_picks, save_last_picks
from modelnest.core.catalogue.library import scan_library
from modelnest.core.catalogue.recommend import Pick, Recommendations, plan_all
from modelnest.core.catalogue.recommend import recommend as recommend_picks
from modelnest.core.catalogue.refresh import RefreshReport, refresh_catalogue
from modelnest.core.chat.settings import ChatSettings
from modelnest.core.errors import UserInputError
from modelnest.core.hardware import HardwareSnapshot
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
from modelnest.gui.catalogue.model import CatalogueRow
from modelnest.gui.catalogue.recommend_panel import RecommendPanel
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
    remote_chat_requested = Signal(str, str)  # too large here: chat on this remote server (URL, model id or "")
    add_remote_requested = Signal()
    delete_requested = Signal(object)
    plans_ready = Signal()  # after new plans were applied (tests and the recommendation wait on it)
    recommendations_ready = Signal()  # after new picks were shown (tests wait on it)

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
        self.idle_plans: Plans = {}  # the same files planned for the idle machine: what the picks are chosen from
        self.downloaded: Downloaded = {}
        self._downloaded_known = False
        self._applied = False
        self.plans_applied = 0  # how many plan results were applied (superseded ones never are)
        self.recommendations: Recommendations | None = None  # the picks shown now
        self.recommendations_shown = 0  # how many pick results were shown (superseded ones never are)
        self._asked: tuple[str, float] | None = None  # (use, threshold) of the last pick job submitted
        self._planning = self._refreshing = self._recommending = False
        self._status: Callable[[], str] = lambda: ""
        self._planning_status: Callable[[], str] = lambda: self.tr("Checking this computer and planning every model…")
        self._texts = Retranslator(self)
        self.curated = CuratedTab(self.catalogue)
        self.hub = HubTab(ctx)
        self.library = LibraryTab(ctx, library_fn)
        for tab in (self.curated, self.hub):
            tab.download_requested.connect(self.download_requested)
        self.curated.chat_requested.connect(self.chat_requested)
        self.curated.detail.use_remotes(ctx.remotes)
        self.curated.detail.remote_chat_requested.connect(self.remote_chat_requested)
        self.curated.detail.add_remote_requested.connect(self.add_remote_requested)
        self.library.chat_requested.connect(self.chat_requested)
        self.library.delete_requested.connect(self.delete_requested)
        self._build()
        self._texts.add(self._render)
        ctx.settings.changed.connect(self._settings_changed)
        ctx.hardware.when_ready(self._hardware_ready)
        ctx.hardware.bandwidth_ready.connect(self._bandwidth_measured)
        ctx.hardware.calibration_recorded.connect(self.replan)  # a chat's measured speed moved the predictions
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

        self.recommend_panel = RecommendPanel()
        settings = self.ctx.settings.settings
        self.recommend_panel.set_inputs(settings.recommend_use, settings.recommend_min_tps)
        self.curated.set_use(settings.recommend_use)
        self.recommend_panel.use_chosen.connect(self._use_chosen)
        self.recommend_panel.min_tps_chosen.connect(self._min_tps_chosen)
        self.recommend_panel.show_requested.connect(self.show_pick)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("catalogue_tabs")
        self.tabs.addTab(self.curated, "")
        self.tabs.addTab(self.hub, "")
        self.tabs.addTab(self.library, "")

        def texts() -> None:
            title.setText(self.tr("Model catalogue"))
            self.refresh_button.setText(self.tr("Refresh from the hub"))
            self.tabs.setTabText(0, self.tr("Curated models"))
            self.tabs.setTabText(1, self.tr("Search the hub"))
            self.tabs.setTabText(2, self.tr("On this computer"))

        self._texts.add(texts)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.recommend_panel)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

    def _set_status(self, text: Callable[[], str]) -> None:
        self._status = text
        self._show_status()

    def _show_status(self) -> None:
        shown = self._status()
        self.status_label.setText(shown)
        self.status_label.setVisible(bool(shown))  # no empty gap above the tabs

    def _render(self) -> None:
        """Data-rendered texts in the UI language (again after a language change)."""
        c = self.catalogue
        source = self.tr("bundled") if c.source == "bundled" else c.source
        self.snapshot_label.setText(
            self.tr("Snapshot of {0} ({1}) · planned for a {2}-token context").format(c.snapshot_date, source,
                                                                                     DEFAULT_CTX))
        self._show_status()

    # --- state ----------------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Plans, picks or a refresh still running."""
        return self._planning or self._refreshing or self._recommending

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

        def work(control: JobControl) -> tuple[Catalogue, Plans, Plans, tuple[Downloaded, LocalPaths] | None]:
            plans = compute_plans(catalogue, hardware, control.check)
            control.check()
            # The table shows this moment's fit; the picks are about the machine (core's idle snapshot), so they do
            # not change with whatever else is open (~0.1-0.3 s more for the bundled catalogue).
            idle = plan_all(catalogue, hardware)
            return catalogue, plans, idle, disk_fn() if with_disk else None

        self._planning = True
        if not self._applied:
            self._set_status(self._planning_status)
        self.ctx.background.submit(work, key="catalogue-plans", on_result=self._planned, on_error=self._plan_failed)

    def _planned(self, result: tuple[Catalogue, Plans, Plans, tuple[Downloaded, LocalPaths] | None]) -> None:
        catalogue, plans, idle, disk = result
        self._planning = False
        if catalogue is not self.catalogue:
            return  # planned for a catalogue that was replaced meanwhile (its own re-plan is on the way)
        if self._status is self._planning_status:
            self._set_status(lambda: "")
        if disk is not None and not self._downloaded_known:  # a rescan after a download is newer
            self.downloaded, self.curated.local_paths = disk
            self._downloaded_known = True
        self.idle_plans = idle
        self._apply(plans, keep_quants=self._applied)
        self.plans_applied += 1
        self.plans_ready.emit()
        self.recompute_recommendations()  # new plans are new speeds: choose again (same inputs, same picks)

    def _plan_failed(self, exc: BaseException) -> None:
        self._planning = False
        self.recommend_panel.show_failed()
        self._set_status(lambda: self.tr("Could not plan the models: {0}").format(error_text(exc)))

    def _apply(self, plans: Plans, *, keep_quants: bool) -> None:
        self.plans = plans
        has_gpu = bool(self.hardware and self.hardware.gpus)
        self.curated.apply(plans, self.downloaded, has_gpu=has_gpu, keep_quants=keep_quants)
        self._applied = True

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.curated.set_catalogue(catalogue)
        self._applied = False
        self.plans = self.idle_plans = {}
        self.recommend_panel.show_planning()
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
            self._apply(self.plans, keep_quants=True)  # what is on disk is no input of the picks

    # --- recommendations ------------------------------------------------------------------------------------------

    def recompute_recommendations(self) -> None:
        """Choose the picks for the current plans, use and threshold in the background (supersedes a run)."""
        hardware, plans, catalogue = self.hardware, self.idle_plans, self.catalogue
        if hardware is None or not self._applied:
            return
        settings = self.ctx.settings.settings
        use, min_tps = settings.recommend_use, settings.recommend_min_tps
        self._asked = (use, min_tps)
        self._recommending = True

        def work(_control: JobControl) -> tuple[Catalogue, Recommendations, LastPicks | None]:
            recs = recommend_picks(catalogue, hardware, use=use, min_tps=min_tps, plans=plans)
            # What was shown last (this session or an earlier start), then this result as the new last: the file
            # is read and written here, off the GUI thread; jobs of one key never overlap.
            last = load_last_picks()
            shown = LastPicks(dict(recs.inputs), tuple(_pick_keys(recs.picks)))
            if last != shown:
                save_last_picks(shown)
            return catalogue, recs, last

        self.ctx.background.submit(work, key="catalogue-recommend", on_result=self._recommended,
                                   on_error=self._recommend_failed)

    def _recommended(self, result: tuple[Catalogue, Recommendations, LastPicks | None]) -> None:
        catalogue, recs, last = result
        self._recommending = False
        if catalogue is not self.catalogue:
            return  # for a catalogue replaced meanwhile
        changed: list[str] | None = self.recommend_panel.changed
        if last is not None and list(last.picks) != _pick_keys(recs.picks):
            changed = recs.changed_inputs(last.inputs)
        self.recommendations = recs
        self.curated.set_evaluation(recs.use, recs.benchmark, recs.source)  # the column compares like the picks
        self.recommend_panel.show_recommendations(recs, changed)
        self.recommendations_shown += 1
        self.recommendations_ready.emit()

    def _recommend_failed(self, exc: BaseException) -> None:
        self._recommending = False
        self.recommend_panel.show_failed()
        self._set_status(lambda: self.tr("Could not choose the recommendations: {0}").format(error_text(exc)))

    @Slot(str)
    def _use_chosen(self, use: str) -> None:
        self._save_setting(recommend_use=use)

    @Slot(float)
    def _min_tps_chosen(self, value: float) -> None:
        self._save_setting(recommend_min_tps=value)

    def _save_setting(self, **fields: object) -> None:
        try:
            self.ctx.settings.update(**fields)  # _settings_changed recomputes
        except UserInputError as exc:
            s = self.ctx.settings.settings
            self.recommend_panel.set_inputs(s.recommend_use, s.recommend_min_tps)  # back to what is saved
            self.ctx.messages.warning(exc)

    @Slot(object)
    def _settings_changed(self, settings: ChatSettings) -> None:
        """The use or the threshold changed (here or elsewhere): show them and choose again."""
        wanted = (settings.recommend_use, settings.recommend_min_tps)
        self.recommend_panel.set_inputs(*wanted)
        self.curated.set_use(settings.recommend_use)
        if self._asked is not None and wanted != self._asked:
            self.recompute_recommendations()

    # --- recommendation and selection -----------------------------------------------------------------------------

    @Slot()
    def show_recommendation(self) -> None:
        """Bring the first pick into view."""
        self.show_pick(0)

    @Slot(int)
    def show_pick(self, index: int) -> None:
        """Bring one pick's row into view at its quantization."""
        picks = self.recommendations.picks if self.recommendations else ()
        if not 0 <= index < len(picks):
            return
        pick = picks[index]
        self.tabs.setCurrentWidget(self.curated)
        self.curated.show_model(pick.model_id, pick.quant, pick.fit)

    def select_model(self, model_id: str) -> bool:
        return self.curated.select_model(model_id)

    def current_row(self) -> CatalogueRow | None:
        return self.curated.current_row()


def _pick_keys(picks: tuple[Pick, ...]) -> list[tuple[str, str]]:
    return [(p.model_id, p.quant) for p in picks]
