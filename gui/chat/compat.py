"""Work-around for a PySide6 6.12.0 reference-count bug: ``SignalInstance.emit()`` returns ``True`` one reference short.

On Python 3.12+ ``True`` is immortal and nothing happens; on Python 3.11 every ``emit()`` from Python
lowers ``True``'s reference count by one, and after a few thousand emits (a streamed reply) the
interpreter aborts with "Fatal Python error: bool_dealloc". ``emit(signal, *args)`` measures the bug
once at import and gives the missing reference back after each emit; on a fixed PySide6 it is a plain
emit. Every Python-side emit in the chat goes through it.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

__all__ = ["EMIT_LOSES_REFERENCE", "emit"]


class _Probe(QObject):
    ping = Signal()


def _measure() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    result = probe.ping.emit()  # type: ignore[func-returns-value]  # emit returns a bool; the stubs say None
    del result
    lost = sys.getrefcount(True) < before
    if lost:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # give back the reference the probe took
    return lost


EMIT_LOSES_REFERENCE = _measure()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)`` without the reference-count damage of the buggy PySide6 version."""
    result = signal.emit(*args)  # type: ignore[func-returns-value]  # as above
    if EMIT_LOSES_REFERENCE and (result is True or result is False):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
