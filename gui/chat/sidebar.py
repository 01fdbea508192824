"""The conversation side list: New chat, title search, the conversations, Rename / Delete / Export.

Renaming and exporting are complete here (they touch only the history). Opening, starting and deleting a
conversation also concern the reply being written, so the sidebar asks the page (``open_requested``,
``new_requested``, ``delete_requested``) and the page decides.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from modelnest.core.chat.export import export_conversation
from modelnest.core.chat.history import HistoryStore
from modelnest.core.errors import ModelNestError
from modelnest.gui.chat.banner import Render
from modelnest.gui.chat.compat import emit
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

__all__ = ["ConversationSidebar"]

_TITLE_ROLE = Qt.ItemDataRole.UserRole + 1  # the stored title ("" for a chat not named yet)


def _keys(portable: str) -> str:
    """A shortcut as this platform writes it (⌘N on macOS, Ctrl+N elsewhere)."""
    return QKeySequence(portable).toString(QKeySequence.SequenceFormat.NativeText)


class ConversationSidebar(QWidget):
    """The list shows ``current_id`` selected; ``refresh`` reads the titles from the history again."""

    new_requested = Signal()
    open_requested = Signal(int)  # the user picked another conversation
    delete_requested = Signal(int)  # the user confirmed deleting it

    def __init__(self, store: HistoryStore, show_status: Callable[[Render | str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversation_sidebar")
        self.store = store
        self._show_status = show_status
        self.current_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.new_button = QPushButton()
        self.new_button.setObjectName("new_chat")
        layout.addWidget(self.new_button)
        self.search = QLineEdit()
        self.search.setObjectName("conversation_search")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.conversations = QListWidget()
        self.conversations.setObjectName("conversation_list")
        # Long titles end in "…" (the full title is the item's tooltip) instead of a sideways scroll bar.
        self.conversations.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.conversations.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.conversations, 1)
        row = QHBoxLayout()
        self.rename_button = QPushButton()
        self.delete_button = QPushButton()
        self.export_button = QPushButton()
        for button, name in ((self.rename_button, "rename_chat"), (self.delete_button, "delete_chat"),
                             (self.export_button, "export_chat")):
            button.setObjectName(name)
            row.addWidget(button)
        layout.addLayout(row)
        self.setMinimumWidth(200)
        self._texts = Retranslator(self)
        self._texts.add(lambda: self.new_button.setText(self.tr("New chat")))
        self._texts.add(lambda: self.new_button.setToolTip(self.tr("Start a new conversation ({0})").format(
            _keys("Ctrl+N"))))
        self._texts.add(lambda: self.search.setPlaceholderText(self.tr("Search titles")))
        self._texts.add(lambda: self.search.setToolTip(self.tr("Search the conversations' titles ({0})").format(
            _keys("Ctrl+F"))))
        self._texts.add(lambda: self.rename_button.setText(self.tr("Rename")))
        self._texts.add(lambda: self.delete_button.setText(self.tr("Delete")))
        self._texts.add(lambda: self.export_button.setText(self.tr("Export")))
        self._texts.add(self._retitle)  # untitled chats are called "New chat"

        self.new_button.clicked.connect(self.new_requested)
        self.rename_button.clicked.connect(self._ask_rename)
        self.delete_button.clicked.connect(self._ask_delete)
        self.export_button.clicked.connect(self._ask_export)
        self.search.textChanged.connect(lambda _text: self.refresh(self.current_id))
        self.conversations.currentItemChanged.connect(self._on_selected)

    # ---- the list -----------------------------------------------------------------------------------------
    def refresh(self, current_id: int | None) -> None:
        """List the conversations matching the search, ``current_id`` selected."""
        self.current_id = current_id
        found = self.store.search_conversations(self.search.text())
        self.conversations.blockSignals(True)
        self.conversations.clear()
        for c in found:
            item = QListWidgetItem(c.title or self.tr("New chat"))
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setData(_TITLE_ROLE, c.title)
            item.setToolTip(c.title)
            if c.damaged:
                item.setToolTip("\n".join([c.title, *(tr_text(p) for p in c.problems)]))
            self.conversations.addItem(item)
            if c.id == current_id:
                self.conversations.setCurrentItem(item)
        self.conversations.blockSignals(False)

    def _retitle(self) -> None:
        """A language change: only the untitled entries change (no need to read the history again)."""
        for i in range(self.conversations.count()):
            item = self.conversations.item(i)
            if not item.data(_TITLE_ROLE):
                item.setText(self.tr("New chat"))

    def conversation_ids(self) -> list[int]:
        return [int(self.conversations.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.conversations.count())]

    def set_busy(self, busy: bool) -> None:
        """While a reply is written, no new chat and no deleting (the page refuses them too)."""
        self.new_button.setEnabled(not busy)
        self.delete_button.setEnabled(not busy)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_selected(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is not None:
            emit(self.open_requested, int(current.data(Qt.ItemDataRole.UserRole)))

    # ---- rename / export ----------------------------------------------------------------------------------
    def rename(self, conversation_id: int, title: str) -> bool:
        if not title.strip():
            self._show_status(lambda: self.tr("A title cannot be empty."))
            return False
        try:
            self.store.rename_conversation(conversation_id, title)
        except ModelNestError as exc:
            self._show_status(functools.partial(tr_text, exc))
            return False
        self.refresh(self.current_id)
        return True

    def export(self, conversation_id: int, path: str) -> Path | None:
        labels = {"user": self.tr("You"), "assistant": self.tr("Assistant"), "system": self.tr("System")}
        try:
            target = export_conversation(self.store, conversation_id, path, labels=labels)
        except ModelNestError as exc:
            self._show_status(functools.partial(tr_text, exc))
            return None
        self._show_status(lambda: self.tr("Exported to {0}").format(target))
        return target

    @Slot()
    def _ask_rename(self) -> None:
        if self.current_id is None:
            return
        current = self.store.get_conversation(self.current_id).title
        title, ok = QInputDialog.getText(self, self.tr("Rename conversation"), self.tr("Title"), text=current)
        if ok:
            self.rename(self.current_id, title)

    @Slot()
    def _ask_delete(self) -> None:
        if self.current_id is None:
            return
        answer = QMessageBox.question(self, self.tr("Delete conversation"),
                                      self.tr("Delete this conversation and all its messages?"))
        if answer == QMessageBox.StandardButton.Yes:
            emit(self.delete_requested, self.current_id)

    @Slot()
    def _ask_export(self) -> None:
        if self.current_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export conversation"), "chat.md",
                                              self.tr("Markdown (*.md);;JSON (*.json)"))
        if path:
            self.export(self.current_id, path)
