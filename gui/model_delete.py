"""Deleting a model from the app: ask first (naming the full path of a file outside our models folder), then delete.

Core decides what may go and what the question says (``core/catalogue/library.py``: ``plan_delete``,
``delete_confirmation``, ``delete_model``); this is the Qt side: the question box, the message bridge, and one
``deleted`` signal that the app connects to every list of models (catalogue, "On this computer", Chat).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from modelnest.core.catalogue.library import ModelLabel, delete_confirmation, delete_model, plan_delete, quick_label
from modelnest.core.errors import ModelNestError
from modelnest.core.messages import msg
from modelnest.gui.i18n import tr_text
from modelnest.gui.messages import MessageBridge

__all__ = ["Confirm", "ModelDeleter"]

Confirm = Callable[[str], bool]  # the question in the UI language -> the user's yes


class ModelDeleter(QObject):
    """``delete(path, ...)`` asks, deletes and emits ``deleted(paths)``; refusals and failures go to the messages.

    ``in_use(path)`` says whether a file is loaded right now (the chat's engine maps it): such a file is not
    deleted under the engine's feet; the user is asked to unload it first."""

    deleted = Signal(list)  # the removed files (str)

    def __init__(self, messages: MessageBridge, in_use: Callable[[str], bool] = lambda _p: False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._messages = messages
        self.in_use = in_use

    def delete(
        self,
        path: str | Path,
        *,
        source: str | None = None,
        parts: tuple[Path, ...] = (),
        label: ModelLabel | None = None,
        app: str | None = None,
        parent: QWidget | None = None,
        confirm: Confirm | None = None,
    ) -> bool:
        """True when the model was deleted. ``confirm`` replaces the question box (tests answer it directly)."""
        path = Path(path)
        if self.in_use(str(path)):
            self._messages.warning(msg("{path} is loaded in the chat; unload it before deleting it.", path=path))
            return False
        plan = plan_delete(path, source=source, parts=parts)
        if plan.refusal is not None:
            self._messages.warning(plan.refusal)
            return False
        # The name Chat's list shows (read there in the background): no header is read on the GUI thread here.
        question = tr_text(delete_confirmation(plan, label or quick_label(path)[0], app=app))
        ask = confirm or (lambda text: _ask(parent, text))
        if not ask(question):
            return False
        try:
            removed = delete_model(plan, outside_confirmed=True)  # the question named the full path
        except ModelNestError as exc:
            self._messages.error(exc)
            return False
        self._messages.info(msg("Deleted {path}.", path=path))
        self.deleted.emit([str(p) for p in removed])
        return True


def _ask(parent: QWidget | None, text: str) -> bool:
    title = QCoreApplication.translate("ModelDeleter", "Delete model")
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
