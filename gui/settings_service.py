"""The one owner of settings.json in the GUI: every page reads and changes settings here, and hears of changes.

Before, four places loaded and saved the file on their own, so one page saved the language it had read at
start-up over the user's later choice. Now changes are merged into the current settings (``update``), validated,
saved atomically by core's ``SettingsStore``, and announced with ``changed``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from modelnest.core.chat.settings import ChatSettings, SettingsStore
from modelnest.core.errors import UserInputError

__all__ = ["SettingsService"]


class SettingsService(QObject):
    """Current settings in memory; ``update(**fields)`` validates, saves and emits ``changed``."""

    changed = Signal(object)  # ChatSettings, after a successful save
    language_changed = Signal(str)  # "system" | "en" | "zh_CN"

    def __init__(self, store: SettingsStore | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store or SettingsStore()
        loaded = self.store.load()
        self._settings = loaded.settings
        self.load_notice = loaded.notice  # shown once by the window through the message bridge

    @property
    def settings(self) -> ChatSettings:
        return self._settings

    def update(self, **fields: Any) -> ChatSettings:
        """Change some fields; raises UserInputError (naming the value) and keeps the old settings if invalid."""
        new = replace(self._settings, **fields)
        if new == self._settings:
            return new
        self.store.save(new)  # validates first; raises UserInputError without writing anything
        old_language = self._settings.language
        self._settings = new
        self.changed.emit(new)
        if new.language != old_language:
            self.language_changed.emit(new.language)
        return new

    def set_language(self, language: str) -> None:
        try:
            self.update(language=language)
        except UserInputError:
            raise
