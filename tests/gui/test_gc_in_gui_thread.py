"""Reference cycles that own Qt widgets are freed in the GUI thread, whichever thread made the garbage pile up."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from modelnest.gui import gc_in_gui_thread


class _Page(QWidget):
    """A parentless widget in a reference cycle with itself, as a page keeping a lambda over ``self`` is."""

    def __init__(self) -> None:
        super().__init__()
        self.callbacks = [lambda: self.show()]


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


def test_a_widget_in_a_cycle_is_freed_in_the_gui_thread_not_in_the_worker_that_allocated(qtbot: QtBot) -> None:
    collector = gc_in_gui_thread.install(_app())
    assert collector.active and not gc.isenabled()
    freed_in: list[str] = []
    holder = [_Page()]
    weakref.finalize(holder[0], lambda: freed_in.append(threading.current_thread().name))

    def worker() -> None:
        holder.clear()  # the page is now garbage, reachable only from its own cycle
        for _ in range(10_000):  # cyclic garbage far past CPython's trigger (700 net allocations), made here
            loop: list[object] = []
            loop.append(loop)

    thread = threading.Thread(target=worker, name="allocating worker")
    thread.start()
    thread.join()
    assert freed_in == []  # nothing was collected in the worker
    qtbot.waitUntil(lambda: freed_in != [], timeout=5000)  # the next turn of the event loop's timer
    assert freed_in == [threading.main_thread().name]


def test_pause_gives_collection_back_to_cpython_and_install_resumes_the_same_collector(qtbot: QtBot) -> None:
    app = _app()
    collector = gc_in_gui_thread.install(app)
    collector.pause()
    try:
        assert gc.isenabled() and not collector.active
        assert gc_in_gui_thread.installed(app) is collector
    finally:
        assert gc_in_gui_thread.install(app) is collector
    assert collector.active and not gc.isenabled()
