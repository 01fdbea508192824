"""The one way the GUI runs slow work off its thread: typed result, progress, cancellation, stale results dropped.

Every page used to pick its own mechanism (a thread with a bridge object, a thread polled by a timer, QThreadPool
runnables, QThread workers); each had its own shutdown story. This helper is the only one now. It follows the
threading facts in DESIGN.md: each job runs in a *parentless* QThread that is joined with ``wait()`` once it has
finished (a parented QThread cleaned up by deleteLater crashed ~3 % of runs), and results come back through
signals of an object that lives in the GUI thread, so callbacks run in the GUI thread and may touch widgets.

    job = ctx.background.submit(work, key="catalogue-plans", on_result=self._show, on_error=self._failed)

``work(control)`` runs in the worker thread; ``control.progress(value)`` reports progress,
``control.cancelled`` says whether to stop (``control.check()`` raises ``Cancelled``). Submitting another job
with the same ``key`` supersedes the earlier one: it is asked to cancel and its result, if any, is dropped.

The engine is not run through this helper: the chat controller's single worker stays the engine's only owner.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

__all__ = ["Background", "Cancelled", "Job", "JobControl"]

T = TypeVar("T")


class Cancelled(Exception):  # reads as "the job was Cancelled"; it is not an error to report
    """Raised inside a job by ``JobControl.check()`` once the job was cancelled or superseded."""


class JobControl:
    """What a job's function sees: progress reporting and its cancellation flag (thread-safe)."""

    def __init__(self, report: Callable[[object], None]) -> None:
        self._event = threading.Event()
        self._report = report

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled

    def progress(self, value: object) -> None:
        if not self._event.is_set():
            self._report(value)

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` or until cancelled (for periodic jobs); True if cancelled."""
        return self._event.wait(seconds)


# Every started job thread, until it has finished: a QThread whose Python wrapper is garbage-collected while it
# runs is destroyed under its running thread (a segfault; seen when a page's context was dropped with a job
# still planning). Pruned of finished threads at each start, so it holds only the few that may still run.
_STARTED: list[QThread] = []


def _keep_until_finished(thread: QThread) -> None:
    _STARTED[:] = [t for t in _STARTED if not t.isFinished()]
    _STARTED.append(thread)


class _JobThread(QThread):
    """Runs one function; its signals are emitted from the worker thread and queued to the GUI-thread helper."""

    succeeded = Signal(int, object)
    failed = Signal(int, object)
    progressed = Signal(int, object)

    def __init__(self, job_id: int, fn: Callable[[JobControl], Any], name: str) -> None:
        super().__init__()  # parentless on purpose (see the module docstring)
        self.setObjectName(name)
        self.job_id = job_id
        self.fn = fn
        self.control = JobControl(lambda value: self.progressed.emit(self.job_id, value))

    def run(self) -> None:
        try:
            result = self.fn(self.control)
        except Cancelled:
            self.failed.emit(self.job_id, Cancelled())
        except BaseException as exc:  # noqa: BLE001 - delivered to on_error in the GUI thread, never swallowed
            self.failed.emit(self.job_id, exc)
        else:
            self.succeeded.emit(self.job_id, result)


@dataclass
class Job(Generic[T]):
    """A submitted job: cancel it, ask whether it is still running, or wait for it (tests, shutdown)."""

    id: int
    key: str | None
    _thread: _JobThread
    on_result: Callable[[T], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[Any], None] | None = None
    done: bool = field(default=False)

    def cancel(self) -> None:
        self._thread.control.cancel()

    @property
    def cancelled(self) -> bool:
        return self._thread.control.cancelled

    def running(self) -> bool:
        return not self.done

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Block until the job's thread has ended (shutdown of a page); False if it did not within the time."""
        return self._thread.wait(timeout_ms)


class Background(QObject):
    """Owns every background job of the GUI; ``shutdown()`` cancels them and waits for their threads."""

    job_finished = Signal(int)  # after its callback ran (or its result was dropped); tests wait on this

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job[Any]] = {}
        self._latest: dict[str, int] = {}
        self._closed = False

    def submit(
        self,
        fn: Callable[[JobControl], T],
        *,
        key: str | None = None,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> Job[T]:
        """Start ``fn(control)`` in a new thread; callbacks run in the GUI thread unless superseded or cancelled."""
        if self._closed:
            raise RuntimeError("the application is shutting down")
        job_id = next(self._ids)
        if key is not None:
            previous = self._latest.get(key)
            if previous in self._jobs:
                self._jobs[previous].cancel()
            self._latest[key] = job_id
        thread = _JobThread(job_id, fn, f"modelnest {key or 'job'} {job_id}")
        job: Job[T] = Job(job_id, key, thread, on_result, on_error, on_progress)
        self._jobs[job_id] = job
        thread.succeeded.connect(self._succeeded)
        thread.failed.connect(self._failed)
        thread.progressed.connect(self._progressed)
        thread.finished.connect(self._reap)
        _keep_until_finished(thread)
        thread.start()
        return job

    def jobs(self) -> list[Job[Any]]:
        return list(self._jobs.values())

    def _current(self, job_id: int) -> Job[Any] | None:
        """The job if its outcome should still be delivered (not cancelled, not superseded)."""
        job = self._jobs.get(job_id)
        if job is None or job.cancelled:
            return None
        if job.key is not None and self._latest.get(job.key) != job_id:
            return None
        return job

    @Slot(int, object)
    def _succeeded(self, job_id: int, result: object) -> None:
        job = self._current(job_id)
        if job is not None and job.on_result is not None:
            job.on_result(result)

    @Slot(int, object)
    def _failed(self, job_id: int, error: object) -> None:
        job = self._current(job_id)
        if job is None or isinstance(error, Cancelled):
            return
        if job.on_error is not None:
            job.on_error(error if isinstance(error, BaseException) else RuntimeError(str(error)))
        else:  # an unhandled failure must be seen, never lost: Qt prints it and pytest-qt fails the test
            raise error if isinstance(error, BaseException) else RuntimeError(str(error))

    @Slot(int, object)
    def _progressed(self, job_id: int, value: object) -> None:
        job = self._current(job_id)
        if job is not None and job.on_progress is not None:
            job.on_progress(value)

    @Slot()
    def _reap(self) -> None:
        thread = self.sender()
        if not isinstance(thread, _JobThread):
            return
        thread.wait()  # finished was emitted from the thread; wait() makes sure run() has fully returned
        job = self._jobs.pop(thread.job_id, None)
        if job is not None:
            job.done = True
            if job.key is not None and self._latest.get(job.key) == job.id:
                del self._latest[job.key]
        self.job_finished.emit(thread.job_id)

    def shutdown(self, timeout_ms: int = 10_000) -> list[str]:
        """Cancel every job and join its thread; returns the names of threads that did not end in time."""
        self._closed = True
        for job in self._jobs.values():
            job.cancel()
        stuck = []
        for job in list(self._jobs.values()):
            if not job._thread.wait(timeout_ms):
                stuck.append(job._thread.objectName())
        return stuck
