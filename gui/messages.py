"""The message bridge: core and pages report status and errors here; the main window decides how to show them.

qutebrowser's message module is the model: code that has something to tell the user never builds a dialog or
touches another page's widgets; it calls ``ctx.messages.info/warning/error(...)`` with a core ``Message`` (or
already translated text) and the window shows it in its status line. Every message is kept (``history``) so a
test, or a future "recent messages" view, can see what was said.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, Signal

from modelnest.core.messages import Text
from modelnest.gui.i18n import tr_text

__all__ = ["Level", "MessageBridge", "UserMessage"]


class Level(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class UserMessage:
    level: Level
    text: str  # already in the UI language
    details: str = ""  # e.g. an engine's log tail; shown on request, never translated


class MessageBridge(QObject):
    """Collects what the app wants to tell the user; ``posted`` fires in the GUI thread for each message."""

    posted = Signal(object)  # UserMessage

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history: list[UserMessage] = []

    def _post(self, level: Level, text: Text | BaseException, details: str) -> UserMessage:
        message = UserMessage(level, tr_text(text), details)
        self.history.append(message)
        self.posted.emit(message)
        return message

    def info(self, text: Text | BaseException, details: str = "") -> UserMessage:
        return self._post(Level.INFO, text, details)

    def warning(self, text: Text | BaseException, details: str = "") -> UserMessage:
        return self._post(Level.WARNING, text, details)

    def error(self, text: Text | BaseException, details: str = "") -> UserMessage:
        return self._post(Level.ERROR, text, details)
