"""The Qt binding must keep reference counts of None/True intact: a streaming chat makes millions of calls.

PySide6 6.12.0 (cp310-abi3 wheel) on Python 3.10/3.11 returns None from every void method and True from
every ``Signal.emit()`` one reference short (harmless on 3.12+, where both are immortal). A chat that
streams for a few minutes then aborts with "Fatal Python error: none_dealloc". PySide6 6.11.2 is fine.
These tests fail on a broken binding instead of letting the app crash in the user's hands.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLabel, QTextBrowser
from pytestqt.qtbot import QtBot

from modelnest.gui.chat.compat import emit


class _Source(QObject):
    changed = Signal(object)


def test_void_qt_calls_keep_none_alive(qtbot: QtBot) -> None:
    view = QTextBrowser()
    qtbot.addWidget(view)
    label = QLabel()
    qtbot.addWidget(label)
    cursor = QTextCursor(view.document())
    before = sys.getrefcount(None)
    for _ in range(500):  # what a few seconds of streaming do
        cursor.insertText("token ")
        label.setText("12.3 tokens/s")
    assert sys.getrefcount(None) >= before - 50, (
        "this PySide6 build drops a reference to None on every void call; use PySide6 < 6.12 or Python >= 3.12")


def test_emit_helper_keeps_true_alive(qtbot: QtBot) -> None:
    source = _Source()
    received: list[object] = []
    source.changed.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(500):
        emit(source.changed, i)
    assert received == list(range(500))
    assert sys.getrefcount(True) >= before - 50
