"""The remote servers the user added, shared by the pages: the chat lists them, the Models page offers them.

One object per app (``ctx.remotes``) over core's ``RemoteHosts`` file and ``TokenStore`` keychain, so a server
added in the chat's dialog shows on the Models page at once (``changed``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from modelnest.core.chat.remote import RemoteHost, RemoteHosts, TokenStore, normalize_url

__all__ = ["RemoteService"]


class RemoteService(QObject):
    changed = Signal()  # a server was added, changed or removed

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self.tokens = TokenStore()

    def _store(self) -> RemoteHosts:
        return RemoteHosts(self._path)  # the config folder is read when asked (tests point it elsewhere)

    def hosts(self) -> list[RemoteHost]:
        return self._store().list()

    def host(self, url: str) -> RemoteHost | None:
        target = normalize_url(url)
        return next((h for h in self.hosts() if h.url == target), None)

    def add(self, url: str, name: str = "", models: Sequence[str] = ()) -> RemoteHost:
        host = self._store().add(url, name, models)
        self.changed.emit()
        return host

    def remove(self, url: str) -> None:
        self._store().remove(url)
        self.tokens.delete(normalize_url(url))
        self.changed.emit()
