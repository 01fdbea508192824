"""Messages on the chat page: a coloured banner (history notice, engine error) and the timed status line.

Both take their text as a *render function* (``lambda: self.tr("…")``, or ``lambda: tr_text(core_message)``) rather
than a finished string, and call it again on a language change, so a message already on screen switches language
with the rest of the window. Plain strings (a path, a count) are accepted where nothing needs translating.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from modelnest.gui.retranslate import Retranslator

__all__ = ["Banner", "Render", "StatusLine", "as_render"]

Render = Callable[[], str]


def as_render(text: Render | str) -> Render:
    return text if callable(text) else (lambda: text)


class Banner(QFrame):
    """A coloured message strip with optional details (a log tail) and one action button."""

    def __init__(self, name: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(f"QFrame#{name} {{ background: {color}; border-radius: 4px; }}")
        self._text: Render = lambda: ""
        self._action: Render | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.text = QLabel()
        self.text.setObjectName(f"{name}_text")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.text, 1)
        self.details_button = QToolButton()
        self.details_button.setObjectName(f"{name}_details_button")
        self.details_button.setCheckable(True)
        top.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        self.action = QPushButton()
        self.action.setObjectName(f"{name}_action")
        top.addWidget(self.action, 0, Qt.AlignmentFlag.AlignTop)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.clicked.connect(self.hide)
        top.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.details = QPlainTextEdit()
        self.details.setObjectName(f"{name}_details")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        self.details.setVisible(False)
        self.details_button.toggled.connect(self.details.setVisible)
        layout.addWidget(self.details)
        self.setVisible(False)
        self._texts = Retranslator(self)
        self._texts.add(lambda: self.details_button.setText(self.tr("Details")))
        self._texts.add(lambda: self.close_button.setToolTip(self.tr("Dismiss")))
        self._texts.add(self._render)

    def show_message(self, text: Render | str, details: str = "", action: Render | str | None = None) -> None:
        """Show ``text`` (rich text allowed); ``details`` are shown on request and never translated."""
        self._text = as_render(text)
        self._action = as_render(action) if action is not None else None
        self.details.setPlainText(details)
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(False)
        self.action.setVisible(self._action is not None)
        self._render()
        self.setVisible(True)

    def _render(self) -> None:
        self.text.setText(self._text())
        self.action.setText(self._action() if self._action is not None else "")


class StatusLine(QLabel):
    """A short-lived message under the chat (it clears itself after ``ms``); re-rendered on a language change."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status_message")
        self._render_fn: Render | None = None
        self.tag: str | None = None  # what kind of message is showing, so its source can clear just that one
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)
        self._texts = Retranslator(self)
        self._texts.add(self._render)

    def show_message(self, text: Render | str, ms: int = 8000, *, tag: str | None = None) -> None:
        self._render_fn = as_render(text)
        self.tag = tag
        self._render()
        self._timer.start(ms)

    def clear_message(self, tag: str | None = None) -> None:
        """Clear the message (only if it is of kind ``tag``, when given)."""
        if tag is not None and tag != self.tag:
            return
        self._render_fn = None
        self.tag = None
        self._timer.stop()
        self.clear()

    def _render(self) -> None:
        if self._render_fn is not None:
            self.setText(self._render_fn())
