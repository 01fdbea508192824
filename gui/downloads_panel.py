"""The downloads panel: every model download with progress, speed, ETA, pause/resume/cancel, and leftovers to resume.

Each download runs core/download's `Download` in a plain worker thread; the panel reads the job's thread-safe
`progress` snapshot on a 100 ms timer. No Qt object is touched from a worker thread, so there is no cross-thread
signal to get wrong (DESIGN.md's threading pitfalls), and a slow disk or network can never stall the GUI.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer, Signal, Slot
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
    format_bytes,
    resolve_pull,
)
from modelnest.core.download.partial import FilePaths
from modelnest.core.errors import ModelNestError

ACTIVE = (DownloadState.QUEUED, DownloadState.CHECKING, DownloadState.DOWNLOADING, DownloadState.RETRYING,
          DownloadState.VERIFYING)


class DownloadTask:
    """One model: resolve its files on the hub (network, so in the worker too), then download, verify and install."""

    def __init__(
        self,
        title: str,
        *,
        resolver: Callable[[], list[RemoteFile]] | None = None,
        download: Download | None = None,
        models_dir: Path | None = None,
        settings: TransferSettings | None = None,
    ) -> None:
        if resolver is None and download is None:
            raise ValueError("a task needs a resolver or a download")
        self.title = title
        self._resolver = resolver
        self.download = download
        self.models_dir = models_dir
        self.settings = settings
        self.error: str | None = None
        self.state = DownloadState.QUEUED
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop: str | None = None  # "pause" / "cancel" asked for before the Download object existed

    # --- control, from the GUI thread ------------------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self.error = None
            self._stop = None
            self.state = DownloadState.QUEUED
            self._thread = threading.Thread(target=self._work, name=f"download {self.title}", daemon=True)
            self._thread.start()

    def pause(self) -> None:
        with self._lock:
            self._stop = "pause"
            if self.download is not None:
                self.download.pause()

    def cancel(self) -> None:
        with self._lock:
            self._stop = "cancel"
            running = self.running
            if self.download is not None and running:
                self.download.cancel()
        if not running:
            self._discard_partials()
            self.state = DownloadState.CANCELLED

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def progress(self) -> DownloadProgress | None:
        return self.download.progress if self.download is not None else None

    @property
    def paths(self) -> list[Path]:
        return list(self.download.paths) if self.download is not None else []

    # --- the worker thread -----------------------------------------------------------------------------------------

    def _work(self) -> None:
        try:
            if self.download is None:
                self.state = DownloadState.CHECKING
                files = self._resolver()  # type: ignore[misc]
                with self._lock:
                    self.download = Download(files, models_dir=self.models_dir, settings=self.settings)
                    stop = self._stop
                if stop == "pause":
                    self.state = DownloadState.PAUSED
                    return
                if stop == "cancel":
                    self.state = DownloadState.CANCELLED
                    return
            self.state = self.download.run()
        except ModelNestError as exc:
            self.error = str(exc)
            self.state = DownloadState.FAILED
        except Exception as exc:  # noqa: BLE001 - shown to the user instead of dying silently in a thread
            # QCoreApplication.translate is safe from this worker thread.
            self.error = QCoreApplication.translate("DownloadsPanel", "Unexpected error: {0}: {1}").format(
                type(exc).__name__, exc)
            self.state = DownloadState.FAILED

    def _discard_partials(self) -> None:
        """Cancel of a paused or failed job: delete its partial files (a running job's Download does that itself)."""
        if self.download is None:
            return
        root = self.models_dir or paths.models_dir()
        for remote in self.download.files:
            fp = FilePaths.for_file(root, remote.repo_id, remote.filename)
            for p in find_partial_downloads(root):
                if p.part == fp.part.resolve() and not p.in_use:
                    p.discard()


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


class _JobRow(QFrame):
    """Title, progress bar, status line, and pause/resume/cancel buttons of one task."""

    def __init__(self, task: DownloadTask, on_start: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self._on_start = on_start
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
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setObjectName("download_pause")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("download_cancel")
        self.pause_button.clicked.connect(self._pause_or_resume)
        self.cancel_button.clicked.connect(self._cancel)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.pause_button)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        self.last_state: DownloadState | None = None
        self.refresh()

    @Slot()
    def _pause_or_resume(self) -> None:
        if self.task.running:
            self.task.pause()
        else:
            self.task.start()
            self._on_start()
        self.refresh()

    @Slot()
    def _cancel(self) -> None:
        self.task.cancel()
        self.refresh()

    def refresh(self) -> None:
        """Called every poll: widgets are only touched when a value changed (fewer repaints and binding calls)."""
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

    def _status_text(self, state: DownloadState, p: DownloadProgress | None) -> str:
        t = self.task
        if state is DownloadState.FAILED:
            return self.tr("Failed: {0}").format(t.error or (p.message if p else ""))
        if state is DownloadState.DONE:
            return self.tr("Done: verified and installed in the models folder.")
        if state is DownloadState.CANCELLED:
            return self.tr("Cancelled; the partial file was deleted.")
        if state is DownloadState.PAUSED:
            done = format_bytes(p.bytes_done) if p else "0 bytes"
            return self.tr("Paused at {0}; resume continues from there, also after a restart.").format(done)
        if p is None or state is DownloadState.QUEUED:
            return self.tr("Looking up the files on the hub…")
        if state is DownloadState.CHECKING:
            return self.tr("Checking disk space and files already on disk…")
        if state is DownloadState.VERIFYING:
            return self.tr("Verifying the checksum…")
        if state is DownloadState.RETRYING:
            return self.tr("Connection problem, retrying: {0}").format(p.message)
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
        p = partial
        name = f"{p.remote.repo_id} · {p.remote.filename}" if p.remote else p.part.name
        total = format_bytes(p.total_bytes) if p.total_bytes else self.tr("unknown size")
        self.label = QLabel(self.tr("{0} ({1} of {2} on disk)").format(name, format_bytes(p.bytes_on_disk), total))
        self.label.setWordWrap(True)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setObjectName("partial_resume")
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("partial_delete")
        if p.in_use:
            self.label.setText(self.label.text() + " — " + self.tr("being downloaded by another ModelNest process"))
        self.resume_button.setEnabled(p.resumable)
        self.delete_button.setEnabled(not p.in_use)
        self.resume_button.clicked.connect(self._resume)
        self.delete_button.clicked.connect(self._delete)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.delete_button)

    @Slot()
    def _resume(self) -> None:
        self.panel.resume_partial(self.partial)
        self.panel.remove_partial_row(self)

    @Slot()
    def _delete(self) -> None:
        try:
            self.partial.discard()
        except ModelNestError as exc:
            self.label.setText(str(exc))
            return
        self.panel.remove_partial_row(self)


class DownloadsPanel(QWidget):
    """All downloads of this session plus leftovers of earlier ones; emits model_installed(paths) when one is done."""

    model_installed = Signal(list)

    def __init__(
        self,
        *,
        models_dir: Path | None = None,
        settings: TransferSettings | None = None,
        endpoint: str | None = None,
        poll_ms: int = 100,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.models_dir = models_dir
        self.settings = settings
        self.endpoint = endpoint
        self._rows: list[_JobRow] = []
        self._partial_rows: list[_PartialRow] = []
        title = QLabel(self.tr("Downloads"))
        title.setObjectName("downloads_title")
        title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.empty_label = QLabel(self.tr("No downloads yet. Choose a model in the catalogue and press Download."))
        self.empty_label.setObjectName("downloads_empty")
        self.partials_box = QGroupBox(self.tr("Unfinished downloads from an earlier session"))
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
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        self.scan_partials()

    # --- public API ------------------------------------------------------------------------------------------------

    def start_download(self, repo_id: str, *, quant: str | None = None, filename: str | None = None) -> DownloadTask:
        """Resolve and download one model (all parts) in a worker thread."""
        label = f"{repo_id} · {quant or filename or ''}".rstrip(" ·")
        endpoint = self.endpoint

        def resolver() -> list[RemoteFile]:
            return resolve_pull(repo_id, quant=quant, filename=filename, endpoint=endpoint)

        return self._add(DownloadTask(label, resolver=resolver, models_dir=self.models_dir, settings=self.settings))

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
        return self._add(DownloadTask(label, download=download, models_dir=self.models_dir, settings=self.settings))

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

    def remove_partial_row(self, row: _PartialRow) -> None:
        if row in self._partial_rows:
            self._partial_rows.remove(row)
            row.deleteLater()
        self.partials_box.setVisible(bool(self._partial_rows))

    def shutdown(self, timeout: float = 5.0) -> None:
        """Pause every running download (their .part files stay for next time) and wait for the threads."""
        self._timer.stop()
        for r in self._rows:
            if r.task.running:
                r.task.pause()
        for r in self._rows:
            r.task.join(timeout)

    # --- internals -------------------------------------------------------------------------------------------------

    def _task_parts(self, task: DownloadTask) -> Sequence[FilePaths]:
        root = self.models_dir or paths.models_dir()
        return [FilePaths.for_file(root, f.repo_id, f.filename) for f in (task.download.files if task.download else [])]

    def _add(self, task: DownloadTask) -> DownloadTask:
        row = _JobRow(task, self._timer.start)
        self._rows.append(row)
        self._jobs_layout.insertWidget(self._jobs_layout.count() - 1, row)
        self.empty_label.hide()
        task.start()
        self._timer.start()
        return task

    @Slot()
    def _poll(self) -> None:
        any_running = False
        for row in self._rows:
            row.refresh()
            state = row.task.state if not row.task.running else None
            any_running |= row.task.running
            if state is DownloadState.DONE and row.last_state is not DownloadState.DONE:
                self.model_installed.emit([str(p) for p in row.task.paths])
            if state is not None:
                row.last_state = state
        if not any_running:
            self._timer.stop()
