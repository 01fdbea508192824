"""The downloads panel: every model download with progress, speed, ETA, pause/resume/cancel, and leftovers to resume.

Each download is one job of the application's background helper (``ctx.background``): the job resolves the files on
the hub, then runs core/download's ``Download``, whose progress callback is the job's ``control.progress``, so every
snapshot arrives in the GUI thread through the helper and no widget is touched from a worker. Pause and cancel go to
the ``Download`` itself (honoured within a second); ``run()`` then returns PAUSED or CANCELLED as the job's result.
Pausing keeps the ``.part`` files, which the panel offers to resume after a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from modelnest.core import paths
from modelnest.core.download import (
    Download,
    DownloadProgress,
    DownloadState,
    PartialDownload,
    RemoteFile,
    TransferSettings,
    find_partial_downloads,
    resolve_pull,
)
from modelnest.core.download.partial import FilePaths
from modelnest.core.errors import ModelNestError
from modelnest.core.units import format_bytes
from modelnest.gui.background import Background, Job, JobControl
from modelnest.gui.context import AppContext
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

__all__ = ["DownloadTask", "DownloadsPanel"]


class DownloadTask:
    """One model: resolve its files on the hub (network, so in the job too), then download, verify and install.

    Lives in the GUI thread; only ``_work`` runs in the job's thread. ``changed`` is called (in the GUI thread)
    after each progress snapshot and when the job ends.
    """

    def __init__(
        self,
        title: str,
        background: Background,
        *,
        resolver: Callable[[], list[RemoteFile]] | None = None,
        download: Download | None = None,
        models_dir: Path | None = None,
        settings: TransferSettings | None = None,
    ) -> None:
        if resolver is None and download is None:
            raise ValueError("a task needs a resolver or a download")
        self.title = title
        self._background = background
        self._resolver = resolver
        self.download = download
        self.models_dir = models_dir
        self.settings = settings
        self.error: BaseException | None = None
        self.state = DownloadState.QUEUED
        self.progress: DownloadProgress | None = download.progress if download is not None else None
        self.changed: Callable[[], None] = lambda: None
        self.finished: Callable[[DownloadState], None] = lambda _state: None
        self._job: Job[DownloadState] | None = None
        self._running = False
        self._generation = 0
        self._lock = threading.Lock()  # between pause()/cancel() and the job handing over its Download
        self._stop: str | None = None  # "pause" / "cancel" asked for before the Download object existed

    # --- control, from the GUI thread ------------------------------------------------------------------------------

    def start(self) -> None:
        if self.running:
            return
        self.error = None
        self._stop = None
        self.state = DownloadState.QUEUED
        self._generation += 1
        generation = self._generation  # outcomes of an earlier run of this task are ignored
        self._running = True
        self._job = self._background.submit(
            self._work,
            on_result=lambda state: self._ended(generation, state),
            on_error=lambda exc: self._failed(generation, exc),
            on_progress=lambda progress: self._progressed(generation, progress),
        )

    def pause(self) -> None:
        with self._lock:
            self._stop = "pause"
            if self.download is not None:
                self.download.pause()

    def cancel(self) -> None:
        """A running download deletes its own partial file; a paused or failed one's is deleted here."""
        with self._lock:
            self._stop = "cancel"
            if self.running and self.download is not None:
                self.download.cancel()
        if self.running:
            return
        self._generation += 1  # a pause that is still on its way to the GUI thread no longer counts
        self._running = False
        if self.download is not None:
            try:
                self.download.discard_partials()
            except ModelNestError as exc:
                self.error = exc
                self.changed()
                return
        self.state = DownloadState.CANCELLED
        self.changed()

    @property
    def running(self) -> bool:
        """True until the job's thread has ended (its outcome may still be on the way to the GUI thread)."""
        return self._running and self._job is not None and not self._job.wait(0)

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until the job's thread ended (shutdown); True when it did."""
        return self._job.wait(timeout_ms) if self._job is not None else True

    @property
    def paths(self) -> list[Path]:
        return list(self.download.paths) if self.download is not None else []

    # --- the job (its own thread) ----------------------------------------------------------------------------------

    def _work(self, control: JobControl) -> DownloadState:
        self.state = DownloadState.CHECKING
        download = self.download
        if download is None:
            files = self._resolver()  # type: ignore[misc]
            download = Download(files, models_dir=self.models_dir, settings=self.settings)
            with self._lock:  # a pause() from now on reaches the Download itself
                self.download = download
                stop = self._stop
            if stop == "pause":  # pressed while the files were being looked up
                return DownloadState.PAUSED
            if stop == "cancel":
                return DownloadState.CANCELLED

        def report(progress: DownloadProgress) -> None:
            if control.cancelled:  # the application is closing: keep the partial file for next time
                download.pause()
            control.progress(progress)

        download.on_progress = report
        return download.run()

    # --- results (GUI thread, through the background helper) -------------------------------------------------------

    def _progressed(self, generation: int, progress: DownloadProgress) -> None:
        if generation != self._generation:
            return
        self.progress = progress
        self.changed()

    def _ended(self, generation: int, state: DownloadState) -> None:
        if generation != self._generation:
            return
        self._running = False
        if self.download is not None:
            self.progress = self.download.progress
        self.state = state
        self.changed()
        self.finished(state)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._running = False
        self.error = exc
        if self.download is not None:
            self.progress = self.download.progress
        self.state = DownloadState.FAILED
        self.changed()
        self.finished(DownloadState.FAILED)


def _duration(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds > 99 * 3600:
        return "--:--"
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _set_text(widget: QLabel | QPushButton, text: str) -> None:
    if widget.text() != text:
        widget.setText(text)


def _set_enabled(widget: QWidget, on: bool) -> None:
    if widget.isEnabled() != on:
        widget.setEnabled(on)


def error_text(exc: BaseException) -> str:
    """Our errors carry a message for people (translated here); anything else is named as unexpected."""
    if isinstance(exc, ModelNestError):
        return tr_text(exc)
    return QCoreApplication.translate("DownloadsPanel", "Unexpected error: {0}: {1}").format(type(exc).__name__, exc)


class _JobRow(QFrame):
    """Title, progress bar, status line, and pause/resume/cancel buttons of one task; once it is done, where the
    file is, with "Show in folder" and "Chat with this model"."""

    def __init__(self, task: DownloadTask, panel: DownloadsPanel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self.panel = panel
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("download_row")
        self.title = QLabel(task.title)
        self.title.setObjectName("download_title")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.status = QLabel()
        self.status.setObjectName("download_status")
        self.status.setWordWrap(True)
        self.pause_button = QPushButton()
        self.pause_button.setObjectName("download_pause")
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("download_cancel")
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.cancel_button.clicked.connect(self._cancel)
        self.location = QLabel()
        self.location.setObjectName("download_location")
        self.location.setWordWrap(True)
        self.location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_folder_button = QPushButton()
        self.show_folder_button.setObjectName("download_show_folder")
        self.show_folder_button.clicked.connect(self.show_in_folder)
        self.chat_button = QPushButton()
        self.chat_button.setObjectName("download_chat")
        self.chat_button.clicked.connect(self._chat)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.pause_button)
        top.addWidget(self.cancel_button)
        done = QHBoxLayout()
        done.addWidget(self.location, 1)
        done.addWidget(self.show_folder_button)
        done.addWidget(self.chat_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addLayout(done)
        for w in (self.location, self.show_folder_button, self.chat_button):
            w.setVisible(False)
        self._texts = Retranslator(self)

        def texts() -> None:
            self.cancel_button.setText(self.tr("Cancel"))
            self.show_folder_button.setText(self.tr("Show in folder"))
            self.chat_button.setText(self.tr("Chat with this model"))

        self._texts.add(texts)
        self._texts.add(self.refresh)

    def installed_path(self) -> Path | None:
        """The file to load (the first part of a split model), once the download is done."""
        if self.task.state is not DownloadState.DONE or not self.task.paths:
            return None
        return self.task.paths[0]

    def folder_url(self) -> QUrl | None:
        """What "Show in folder" opens: the folder holding the model."""
        path = self.installed_path()
        return QUrl.fromLocalFile(str(path.parent)) if path is not None else None

    @Slot()
    def show_in_folder(self) -> None:
        url = self.folder_url()
        if url is not None and self.panel is not None:
            self.panel.open_url(url)

    @Slot()
    def _chat(self) -> None:
        path = self.installed_path()
        if path is not None and self.panel is not None:
            self.panel.chat_requested.emit(str(path))

    @Slot()
    def _pause_or_resume(self) -> None:
        if self.task.running:
            self.task.pause()
        else:
            self.task.start()
        self.refresh()

    @Slot()
    def _cancel(self) -> None:
        self.task.cancel()
        self.refresh()

    def refresh(self) -> None:
        """After each progress report: widgets are only touched when a value changed (fewer repaints)."""
        t = self.task
        p = t.progress
        running = t.running
        state = t.state if not running or p is None else p.state
        value, fmt = self.bar.value(), self.bar.format()
        if p is not None and p.bytes_total:
            value = int(1000 * min(1.0, p.bytes_done / p.bytes_total))
            fmt = f"{100 * p.bytes_done / p.bytes_total:.1f} %"
        if state is DownloadState.DONE:
            value, fmt = 1000, "100 %"
        if value != self.bar.value():
            self.bar.setValue(value)
        if fmt != self.bar.format():
            self.bar.setFormat(fmt)
        _set_text(self.status, self._status_text(state, p))
        finished = state in (DownloadState.DONE, DownloadState.CANCELLED)
        if running:
            _set_text(self.pause_button, self.tr("Pause"))
        else:
            _set_text(self.pause_button, self.tr("Retry") if state is DownloadState.FAILED else self.tr("Resume"))
        _set_enabled(self.pause_button, not finished and not (running and state is DownloadState.VERIFYING))
        _set_enabled(self.cancel_button, not finished)
        path = self.installed_path() if state is DownloadState.DONE else None
        present = path is not None and path.is_file()  # deleted from the app since: nothing to show or chat with
        for w, want in ((self.location, path is not None), (self.show_folder_button, present),
                        (self.chat_button, present)):
            if w.isHidden() == want:  # touched only when it changes (refresh runs per snapshot)
                w.setVisible(want)
        if path is not None:
            _set_text(self.location, self.tr("Saved as {0}").format(path) if present
                      else self.tr("{0} has been deleted.").format(path))

    def _status_text(self, state: DownloadState, p: DownloadProgress | None) -> str:
        t = self.task
        if t.error is not None and state is not DownloadState.FAILED:
            return self.tr("Failed: {0}").format(error_text(t.error))  # e.g. a partial file that could not go
        if state is DownloadState.FAILED:
            reason = error_text(t.error) if t.error is not None else tr_text(p.message) if p else ""
            return self.tr("Failed: {0}").format(reason)
        if state is DownloadState.DONE:
            return self.tr("Done: verified and installed in the models folder.")
        if state is DownloadState.CANCELLED:
            return self.tr("Cancelled; the partial file was deleted.")
        if state is DownloadState.PAUSED:
            done = format_bytes(p.bytes_done if p else 0)
            return self.tr("Paused at {0}; resume continues from there, also after a restart.").format(done)
        if p is None or state is DownloadState.QUEUED:
            return self.tr("Looking up the files on the hub…")
        if state is DownloadState.CHECKING:
            return self.tr("Checking disk space and files already on disk…")
        if state is DownloadState.VERIFYING:
            return self.tr("Verifying the checksum…")
        if state is DownloadState.RETRYING:
            return self.tr("Connection problem, retrying: {0}").format(tr_text(p.message))
        part = f" [{p.file_index + 1}/{p.file_count}]" if p.file_count > 1 else ""
        return self.tr("{0} of {1} · {2}/s · {3} left{4}").format(
            format_bytes(p.bytes_done), format_bytes(p.bytes_total), format_bytes(p.speed), _duration(p.eta), part)


class _PartialRow(QFrame):
    """A leftover `.part` from an earlier session: resume it or delete it."""

    def __init__(self, partial: PartialDownload, panel: DownloadsPanel) -> None:
        super().__init__()
        self.partial = partial
        self.panel = panel
        self.setObjectName("partial_row")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.resume_button = QPushButton()
        self.resume_button.setObjectName("partial_resume")
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("partial_delete")
        self.resume_button.setEnabled(partial.resumable)
        self.delete_button.setEnabled(not partial.in_use)
        self.resume_button.clicked.connect(self._resume)
        self.delete_button.clicked.connect(self._delete)
        self._problem: BaseException | None = None
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.delete_button)
        self._texts = Retranslator(self)
        self._texts.add(self._render)

    def _render(self) -> None:
        self.resume_button.setText(self.tr("Resume"))
        self.delete_button.setText(self.tr("Delete"))
        if self._problem is not None:
            self.label.setText(error_text(self._problem))
            return
        p = self.partial
        name = f"{p.remote.repo_id} · {p.remote.filename}" if p.remote else p.part.name
        total = format_bytes(p.total_bytes) if p.total_bytes else self.tr("unknown size")
        text = self.tr("{0} ({1} of {2} on disk)").format(name, format_bytes(p.bytes_on_disk), total)
        if p.in_use:
            text += " — " + self.tr("being downloaded by another ModelNest process")
        self.label.setText(text)

    @Slot()
    def _resume(self) -> None:
        try:
            self.panel.resume_partial(self.partial)
        except ModelNestError as exc:
            self._problem = exc
            self._render()
            return
        self.panel.remove_partial_row(self)

    @Slot()
    def _delete(self) -> None:
        try:
            self.partial.discard()
        except ModelNestError as exc:
            self._problem = exc
            self._render()
            return
        self.panel.remove_partial_row(self)


class DownloadsPanel(QWidget):
    """All downloads of this session plus leftovers of earlier ones; emits model_installed(paths) when one is done
    and chat_requested(path) when the user asks to chat with a finished one."""

    model_installed = Signal(list)
    chat_requested = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        *,
        models_dir: Path | None = None,
        settings: TransferSettings | None = None,
        endpoint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.models_dir = models_dir
        self.settings = settings
        self.endpoint = endpoint
        # "Show in folder" opens the folder with the desktop's file manager; tests put a recorder here instead.
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self._rows: list[_JobRow] = []
        self._partial_rows: list[_PartialRow] = []
        title = QLabel()
        title.setObjectName("downloads_title")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.empty_label = QLabel()
        self.empty_label.setObjectName("downloads_empty")
        self.empty_label.setWordWrap(True)
        self.partials_box = QGroupBox()
        self.partials_box.setObjectName("partials_box")
        self._partials_layout = QVBoxLayout(self.partials_box)
        self._jobs_widget = QWidget()
        self._jobs_layout = QVBoxLayout(self._jobs_widget)
        self._jobs_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._jobs_widget)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.partials_box)
        layout.addWidget(self.empty_label)
        layout.addWidget(scroll, 1)

        def texts() -> None:
            title.setText(self.tr("Downloads"))
            self.empty_label.setText(self.tr("No downloads yet. Choose a model in the catalogue and press Download."))
            self.partials_box.setTitle(self.tr("Unfinished downloads from an earlier session"))

        self._texts = Retranslator(self)
        self._texts.add(texts)
        self.scan_partials()

    # --- public API ------------------------------------------------------------------------------------------------

    def start_download(self, repo_id: str, *, quant: str | None = None, filename: str | None = None) -> DownloadTask:
        """Resolve and download one model (all parts) as a background job."""
        label = f"{repo_id} · {quant or filename or ''}".rstrip(" ·")
        endpoint = self.endpoint

        def resolver() -> list[RemoteFile]:
            return resolve_pull(repo_id, quant=quant, filename=filename, endpoint=endpoint)

        return self._add(DownloadTask(label, self.ctx.background, resolver=resolver, models_dir=self.models_dir,
                                      settings=self.settings))

    @Slot(str, str, str)
    def request(self, repo_id: str, quant: str, filename: str) -> None:
        """The catalogue's Download button: an exact file name when the catalogue knows it, else the quantization."""
        if filename:
            self.start_download(repo_id, filename=filename)
        else:
            self.start_download(repo_id, quant=quant)

    def resume_partial(self, partial: PartialDownload) -> DownloadTask:
        download = Download.from_partial(partial, models_dir=self.models_dir, settings=self.settings)
        label = f"{partial.remote.repo_id} · {partial.remote.filename}" if partial.remote else partial.part.name
        return self._add(DownloadTask(label, self.ctx.background, download=download, models_dir=self.models_dir,
                                      settings=self.settings))

    def tasks(self) -> list[DownloadTask]:
        return [r.task for r in self._rows]

    def job_rows(self) -> list[_JobRow]:
        return list(self._rows)

    def partial_rows(self) -> list[_PartialRow]:
        return list(self._partial_rows)

    def scan_partials(self) -> None:
        """Find leftovers of earlier sessions (dead processes) and offer them for resume or cleanup."""
        for row in self._partial_rows:
            row.deleteLater()
        self._partial_rows = []
        try:
            leftovers = find_partial_downloads(self.models_dir)
        except OSError:
            leftovers = []
        mine = {fp.part.resolve() for r in self._rows if r.task.download for fp in self._task_parts(r.task)}
        for p in leftovers:
            if p.part in mine:
                continue
            row = _PartialRow(p, self)
            self._partial_rows.append(row)
            self._partials_layout.addWidget(row)
        self.partials_box.setVisible(bool(self._partial_rows))

    @Slot(list)
    def refresh_rows(self, _paths: list[str] | None = None) -> None:
        """After a model was deleted: finished rows stop offering a file that is gone."""
        for row in self._rows:
            row.refresh()

    def remove_partial_row(self, row: _PartialRow) -> None:
        if row in self._partial_rows:
            self._partial_rows.remove(row)
            row.deleteLater()
        self.partials_box.setVisible(bool(self._partial_rows))

    def shutdown(self, timeout: float = 5.0) -> None:
        """Pause every running download (their .part files stay for next time) and wait for their jobs."""
        for r in self._rows:
            if r.task.running:
                r.task.pause()
        for r in self._rows:
            r.task.wait(int(timeout * 1000))

    # --- internals -------------------------------------------------------------------------------------------------

    def _task_parts(self, task: DownloadTask) -> Sequence[FilePaths]:
        root = self.models_dir or paths.models_dir()
        return [FilePaths.for_file(root, f.repo_id, f.filename) for f in (task.download.files if task.download else [])]

    def _add(self, task: DownloadTask) -> DownloadTask:
        row = _JobRow(task, self)
        task.changed = row.refresh
        task.finished = lambda state: self._finished(task, state)
        self._rows.append(row)
        self._jobs_layout.insertWidget(self._jobs_layout.count() - 1, row)
        self.empty_label.hide()
        task.start()
        row.refresh()
        return task

    def _finished(self, task: DownloadTask, state: DownloadState) -> None:
        if state is DownloadState.DONE:
            self.model_installed.emit([str(p) for p in task.paths])
