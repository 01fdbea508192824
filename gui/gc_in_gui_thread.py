"""Python's cycle collector, run only from the GUI thread's event loop, never where CPython happens to trigger it.

CPython starts a collection at whatever allocation crosses its threshold, in whichever thread, at whatever point
of the call stack. A widget whose Python wrapper owns it and sits in a reference cycle (a page that connects a
lambda to its own signal) is then destroyed by that collection: from a worker thread (Qt objects may only be
deleted in their own thread), or from the GUI thread in the middle of that same widget's layout pass (a Python
override check inside ``QBoxLayout::heightForWidth`` allocated, collected, and freed the scroll area being laid
out; the hardware card tests crashed so in 4 of 4 runs, and in 0 of 6 with this guard).

The workaround is Kovid Goyal's (PyQt mailing list, Aug 2011,
https://riverbankcomputing.com/pipermail/pyqt/2011-August/030378.html): turn automatic collection off and collect
from a timer in the GUI thread, generation by generation with CPython's own thresholds. The ``qtpygc`` package does
the same, but it is a 0.1 release that brings QtPy and heapdict for these few lines.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

__all__ = ["GuiThreadCollector", "install", "installed"]

INTERVAL_MS = 500  # a young-generation collection takes well under 1 ms; twice a second keeps memory flat


class GuiThreadCollector(QObject):
    """Owns the timer; ``collect()`` is what CPython would have done, done now, in this thread."""

    def __init__(self, app: QCoreApplication, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(app)
        self.setObjectName("gui_thread_collector")
        self.thresholds = gc.get_threshold()
        self.collections = 0  # how many young-generation collections ran here (tests read it)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        app.aboutToQuit.connect(self.pause)
        self.resume()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def collect(self) -> int:
        """Collect each generation whose count passed its threshold, youngest first; returns objects freed."""
        count0, count1, count2 = gc.get_count()
        freed = 0
        if count0 > self.thresholds[0]:
            freed += gc.collect(0)
            self.collections += 1
            if count1 > self.thresholds[1]:
                freed += gc.collect(1)
                if count2 > self.thresholds[2]:
                    freed += gc.collect(2)
        return freed

    def resume(self) -> None:
        gc.disable()
        self._timer.start()

    def pause(self) -> None:
        """At quit (and between GUI tests and others): CPython's own scheduling returns."""
        self._timer.stop()
        gc.enable()


def install(app: QCoreApplication) -> GuiThreadCollector:
    """Once per application (idempotent; a paused collector resumes): it lives as a child of ``app``."""
    existing = app.findChild(GuiThreadCollector, "gui_thread_collector")
    if isinstance(existing, GuiThreadCollector):
        existing.resume()
        return existing
    return GuiThreadCollector(app)


def installed(app: QCoreApplication | None) -> GuiThreadCollector | None:
    found = app.findChild(GuiThreadCollector, "gui_thread_collector") if app is not None else None
    return found if isinstance(found, GuiThreadCollector) else None
