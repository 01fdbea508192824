"""The one background helper: results in the GUI thread, progress, cancellation, superseded results dropped."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from modelnest.gui.background import Background, Cancelled, JobControl


@pytest.fixture
def background(qtbot: QtBot) -> Iterator[Background]:
    bg = Background()
    yield bg
    assert bg.shutdown() == []


def test_result_and_progress_arrive_in_the_gui_thread(qtbot: QtBot, background: Background) -> None:
    gui_thread = threading.get_ident()
    seen: list[tuple[str, object, int]] = []

    def work(control: JobControl) -> int:
        for i in range(3):
            control.progress(i)
        return threading.get_ident()

    job = background.submit(
        work,
        on_result=lambda worker: seen.append(("result", worker, threading.get_ident())),
        on_progress=lambda value: seen.append(("progress", value, threading.get_ident())),
    )
    with qtbot.waitSignal(background.job_finished, timeout=10_000):
        pass
    assert [(kind, value) for kind, value, _ in seen[:3]] == [("progress", 0), ("progress", 1), ("progress", 2)]
    kind, worker_thread, _ = seen[3]
    assert kind == "result" and worker_thread != gui_thread  # ran elsewhere ...
    assert {t for _, _, t in seen} == {gui_thread}  # ... and every callback ran in the GUI thread
    assert not job.running() and background.jobs() == []


def test_a_superseded_result_is_dropped(qtbot: QtBot, background: Background) -> None:
    release = threading.Event()
    results: list[str] = []

    def slow(control: JobControl) -> str:
        release.wait(10)
        return "old"

    first = background.submit(slow, key="plans", on_result=results.append)
    second = background.submit(lambda control: "new", key="plans", on_result=results.append)
    assert first.cancelled  # the earlier job was asked to stop
    qtbot.waitUntil(lambda: not second.running(), timeout=10_000)
    release.set()
    qtbot.waitUntil(lambda: not first.running(), timeout=10_000)
    assert results == ["new"]


def test_cancel_stops_a_cooperative_job_and_drops_its_result(qtbot: QtBot, background: Background) -> None:
    started = threading.Event()
    results: list[object] = []
    errors: list[BaseException] = []

    def loop(control: JobControl) -> str:
        started.set()
        while True:
            control.check()  # raises Cancelled once cancelled
            control.wait(0.01)

    job = background.submit(loop, on_result=results.append, on_error=errors.append)
    assert started.wait(10)
    job.cancel()
    qtbot.waitUntil(lambda: not job.running(), timeout=10_000)
    assert results == [] and errors == []


def test_errors_reach_on_error_with_their_type(qtbot: QtBot, background: Background) -> None:
    errors: list[BaseException] = []

    def fail(control: JobControl) -> None:
        raise ValueError("bad header")

    job = background.submit(fail, on_error=errors.append)
    qtbot.waitUntil(lambda: not job.running(), timeout=10_000)
    assert len(errors) == 1 and isinstance(errors[0], ValueError) and str(errors[0]) == "bad header"


def test_shutdown_cancels_and_joins_every_thread(qtbot: QtBot) -> None:
    bg = Background()
    stopped = threading.Event()

    def periodic(control: JobControl) -> None:
        while not control.wait(0.01):
            pass
        stopped.set()

    bg.submit(periodic, key="sensors")
    assert bg.shutdown(timeout_ms=10_000) == []
    assert stopped.is_set()
    with pytest.raises(RuntimeError):
        bg.submit(lambda control: None)


def test_cancelled_is_not_reported_as_an_error(qtbot: QtBot, background: Background) -> None:
    errors: list[BaseException] = []

    def give_up(control: JobControl) -> None:
        raise Cancelled

    job = background.submit(give_up, on_error=errors.append)
    qtbot.waitUntil(lambda: not job.running(), timeout=10_000)
    assert errors == []


def test_a_dropped_helper_never_destroys_a_running_job(qtbot: QtBot) -> None:
    """The helper (a page's context) is garbage-collected while its job still runs: the job's thread must outlive
    it and end normally (a destroyed running QThread is a segfault of the whole test process)."""
    import gc
    import threading

    from modelnest.gui.background import Background

    release, ended = threading.Event(), threading.Event()

    def work(_control: object) -> None:
        release.wait(10)
        ended.set()

    helper = Background()
    helper.submit(work)
    del helper
    gc.collect()
    release.set()
    assert ended.wait(10)
    qtbot.waitUntil(lambda: True)  # let Qt deliver the finished thread's queued signals
