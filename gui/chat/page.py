"""The chat page: conversation sidebar, conversation view with live gauges, model/settings panel, status line.

Everything slow (loading, generating, stopping, sensors) happens in the controller's threads; this page
only reacts to the controller's signals. History reads for display use the GUI thread's own store.
"""

from __future__ import annotations

import functools
import math
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from modelnest.core import paths
from modelnest.core.chat.export import export_conversation
from modelnest.core.chat.history import Conversation, HistoryError, HistoryStore
from modelnest.core.chat.session import ReplyDelta, ReplyFinished, ReplyStarted
from modelnest.core.chat.settings import SettingsStore
from modelnest.core.engine.client import EngineClient
from modelnest.core.engine.errors import EngineError
from modelnest.core.engine.params import LoadReport
from modelnest.core.errors import ModelNestError
from modelnest.gui.chat.compat import emit
from modelnest.gui.chat.controller import ChatController, EngineFactory
from modelnest.gui.chat.panel import ModelPanel
from modelnest.gui.chat.view import ChatView

__all__ = ["ChatPage"]

MIB = 1024 * 1024


def _mib(n: int) -> str:
    return f"{n / MIB:,.1f} MiB"


class _Banner(QFrame):
    """A coloured message strip with optional details (log tail) and action buttons."""

    def __init__(self, name: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(f"QFrame#{name} {{ background: {color}; border-radius: 4px; }}")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.text = QLabel()
        self.text.setObjectName(f"{name}_text")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.text, 1)
        self.details_button = QToolButton()
        self.details_button.setObjectName(f"{name}_details_button")
        self.details_button.setText(self.tr("Details"))
        self.details_button.setCheckable(True)
        top.addWidget(self.details_button)
        self.action = QPushButton()
        self.action.setObjectName(f"{name}_action")
        top.addWidget(self.action)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.clicked.connect(self.hide)
        top.addWidget(self.close_button)
        layout.addLayout(top)
        self.details = QPlainTextEdit()
        self.details.setObjectName(f"{name}_details")
        self.details.setReadOnly(True)
        self.details.setMaximumHeight(160)
        self.details.setVisible(False)
        self.details_button.toggled.connect(self.details.setVisible)
        layout.addWidget(self.details)
        self.setVisible(False)

    def show_message(self, text: str, details: str = "", action: str = "") -> None:
        self.text.setText(text)
        self.details.setPlainText(details)
        self.details_button.setVisible(bool(details))
        self.details_button.setChecked(False)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self.setVisible(True)


def default_engine() -> EngineClient:
    """An engine on the llama.cpp build that suits this machine's GPU (CPU build otherwise, with the reason)."""
    from modelnest.core.engine.runtime import select_runtime
    from modelnest.core.hardware import probe

    return EngineClient(runtime=select_runtime(probe(with_sensors=False).gpus))


class ChatPage(QWidget):
    """The chat feature; `shutdown()` (also on close) ends the engine and waits for the threads."""

    notice_shown = Signal(str)

    def __init__(
        self,
        store: HistoryStore | None = None,
        settings_store: SettingsStore | None = None,
        engine_factory: EngineFactory | None = None,
        *,
        delta_interval_s: float = 0.05,
        sensor_interval_ms: int = 1000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chat_page")
        self._history_problem: str | None = None
        if store is None:
            try:
                store = HistoryStore.open()
            except (HistoryError, OSError) as exc:
                # Never refuse to start over the history: chat in a scratch file and say so.
                self._history_problem = str(exc)
                store = HistoryStore.open(Path(tempfile.mkdtemp(prefix="modelnest-chat-")) / "history.sqlite3")
        self.store = store
        self.interrupted = self.store.recover_interrupted()  # before any generation (history.py rule)
        self.settings_store = settings_store or SettingsStore()
        loaded = self.settings_store.load()
        self.controller = ChatController(self.store, engine_factory or default_engine, delta_interval_s=delta_interval_s,
                                         sensor_interval_ms=sensor_interval_ms)
        self.conversation_id: int | None = None
        self._editing = False
        self._live: ReplyDelta | None = None
        from modelnest.core.hardware import ThrottleDetector

        self._throttle = ThrottleDetector()
        self._throttle_warned = False
        self._build(loaded.settings)
        self._connect()
        # Deleted without shutdown() (no close event reaches a child page): still stop the threads and the
        # engine. The partial keeps the controller alive until then.
        self.destroyed.connect(functools.partial(ChatController.shutdown, self.controller))
        self.refresh_conversations()
        self._opened_first = False  # the latest conversation is rendered when the page is first shown
        if self.store.notice is not None:
            self.notice.show_message(self.tr(
                "Your chat history file was damaged and could not be opened. It was set aside as {0} and a new "
                "history was started; {1} conversation(s) could still be read and were copied into it."
            ).format(self.store.notice.moved_to.name, self.store.notice.recovered_conversations),
                details=str(self.store.notice.moved_to))
            emit(self.notice_shown, self.store.notice.message)
        elif self._history_problem is not None:
            self.notice.show_message(self.tr(
                "Your chat history could not be opened, so chats in this session will not be kept after ModelNest "
                "closes."), details=self._history_problem)
        elif loaded.notice:
            self.notice.show_message(self.tr("Your settings could not be read completely; defaults are used."),
                                     details=loaded.notice)
        if self.interrupted:
            self.show_status(self.tr("{0} reply(s) were interrupted when ModelNest last stopped; "
                                     "they are marked and can be retried.").format(len(self.interrupted)))

    # ---- layout -----------------------------------------------------------------------------------------
    def _build(self, settings: Any) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)

        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.new_button = QPushButton(self.tr("New chat"))
        self.new_button.setObjectName("new_chat")
        side_layout.addWidget(self.new_button)
        self.search = QLineEdit()
        self.search.setObjectName("conversation_search")
        self.search.setPlaceholderText(self.tr("Search titles"))
        self.search.setClearButtonEnabled(True)
        side_layout.addWidget(self.search)
        self.conversations = QListWidget()
        self.conversations.setObjectName("conversation_list")
        side_layout.addWidget(self.conversations, 1)
        row = QHBoxLayout()
        self.rename_button = QPushButton(self.tr("Rename"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.export_button = QPushButton(self.tr("Export"))
        for b, name in ((self.rename_button, "rename_chat"), (self.delete_button, "delete_chat"),
                        (self.export_button, "export_chat")):
            b.setObjectName(name)
            row.addWidget(b)
        side_layout.addLayout(row)
        side.setMinimumWidth(200)
        splitter.addWidget(side)

        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        self.notice = _Banner("history_notice", "#fff4ce")
        center_layout.addWidget(self.notice)
        self.error = _Banner("engine_error", "#fde2e1")
        self.error.action.clicked.connect(self.reload)
        center_layout.addWidget(self.error)
        self.view = ChatView()
        center_layout.addWidget(self.view, 1)

        gauges = QHBoxLayout()
        self.gauge_tps = self._gauge("gauge_tps")
        self.gauge_ttft = self._gauge("gauge_ttft")
        self.gauge_tokens = self._gauge("gauge_tokens")
        self.gauge_temp = self._gauge("gauge_temp")
        self.gauge_load = self._gauge("gauge_load")
        for g in (self.gauge_tps, self.gauge_ttft, self.gauge_tokens, self.gauge_temp, self.gauge_load):
            gauges.addWidget(g)
        gauges.addStretch(1)
        center_layout.addLayout(gauges)
        self._reset_gauges()

        self.editing_label = QLabel(self.tr("Editing your last message: Send replaces it and everything after it."))
        self.editing_label.setObjectName("editing_label")
        self.editing_label.setVisible(False)
        center_layout.addWidget(self.editing_label)
        input_row = QHBoxLayout()
        self.input = QPlainTextEdit()
        self.input.setObjectName("chat_input")
        self.input.setPlaceholderText(self.tr("Type a message (Ctrl+Enter sends)"))
        self.input.setMaximumHeight(100)
        input_row.addWidget(self.input, 1)
        buttons = QVBoxLayout()
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("send_button")
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stop_button")
        self.stop_button.setEnabled(False)
        self.regenerate_button = QPushButton(self.tr("Regenerate"))
        self.regenerate_button.setObjectName("regenerate_button")
        self.cancel_edit_button = QPushButton(self.tr("Cancel edit"))
        self.cancel_edit_button.setObjectName("cancel_edit")
        self.cancel_edit_button.setVisible(False)
        for b in (self.send_button, self.stop_button, self.regenerate_button, self.cancel_edit_button):
            buttons.addWidget(b)
        input_row.addLayout(buttons)
        center_layout.addLayout(input_row)
        splitter.addWidget(center)

        self.panel = ModelPanel(settings)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([220, 640, 280])

        status = QHBoxLayout()
        self.status_model = QLabel(self.tr("No model loaded."))
        self.status_model.setObjectName("status_model")
        self.status_model.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_message = QLabel()
        self.status_message.setObjectName("status_message")
        status.addWidget(self.status_model, 1)
        status.addWidget(self.status_message)
        outer.addLayout(status)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.timeout.connect(self.status_message.clear)
        self._update_buttons()

    def _gauge(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setStyleSheet("QLabel { padding: 2px 8px; border: 1px solid #d0d0d0; border-radius: 3px; }")
        return label

    def _connect(self) -> None:
        c = self.controller
        c.busy_changed.connect(self._on_busy)
        c.load_started.connect(self._on_load_started)
        c.load_progress.connect(self.panel.set_progress)
        c.model_loaded.connect(self._on_loaded)
        c.model_unloaded.connect(self._on_unloaded)
        c.load_failed.connect(self._on_load_failed)
        c.reply_started.connect(self._on_reply_started)
        c.reply_delta.connect(self._on_reply_delta)
        c.reply_finished.connect(self._on_reply_finished)
        c.engine_failed.connect(self._on_engine_failed)
        c.turn_failed.connect(self._on_turn_failed)
        c.store_warning.connect(self._on_store_warning)
        c.sensors.connect(self._on_sensors)
        self.panel.load_clicked.connect(self.load_model)
        self.panel.unload_clicked.connect(self.controller.unload)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.controller.stop)
        self.regenerate_button.clicked.connect(self.regenerate)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.new_button.clicked.connect(self.new_conversation)
        self.rename_button.clicked.connect(self._ask_rename)
        self.delete_button.clicked.connect(self._ask_delete)
        self.export_button.clicked.connect(self._ask_export)
        self.search.textChanged.connect(self.refresh_conversations)
        self.conversations.currentItemChanged.connect(self._on_conversation_selected)
        self.view.edit_requested.connect(self.begin_edit)
        self.view.retry_requested.connect(self.retry)
        self.view.copied.connect(self._on_copied)
        QShortcut(QKeySequence("Ctrl+Return"), self.input, activated=self.send)

    # ---- status --------------------------------------------------------------------------------------------
    def show_status(self, text: str, ms: int = 8000) -> None:
        self.status_message.setText(text)
        self._status_timer.start(ms)

    def _update_buttons(self) -> None:
        busy, loading = self.controller.busy, self.controller.loading
        loaded = self.controller.report is not None
        self.send_button.setEnabled(not busy and not loading)
        self.stop_button.setEnabled(busy)
        last = self.view.message(self.view.message_ids()[-1]) if self.view.message_ids() else None
        self.regenerate_button.setEnabled(not busy and not loading and loaded and last is not None
                                          and last.role == "assistant")
        self.new_button.setEnabled(not busy)
        self.delete_button.setEnabled(not busy)
        self.panel.set_loading(loading, loaded)
        self.panel.load_button.setEnabled(not busy and not loading)
        self.panel.unload_button.setEnabled(loaded and not busy and not loading)

    # ---- conversations ------------------------------------------------------------------------------------
    @Slot()
    def refresh_conversations(self) -> None:
        found = self.store.search_conversations(self.search.text())
        self.conversations.blockSignals(True)
        self.conversations.clear()
        for c in found:
            item = QListWidgetItem(c.title or self.tr("New chat"))
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            if c.damaged:
                item.setToolTip(" ".join(c.problems))
            self.conversations.addItem(item)
            if c.id == self.conversation_id:
                self.conversations.setCurrentItem(item)
        self.conversations.blockSignals(False)

    def conversation_ids(self) -> list[int]:
        return [self.conversations.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.conversations.count())]

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_conversation_selected(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        target = int(current.data(Qt.ItemDataRole.UserRole))
        if not self.open_conversation(target):
            self.refresh_conversations()  # put the selection back on the conversation being answered

    def open_conversation(self, conversation_id: int) -> bool:
        """Show a conversation; refused (False, with a message) while a reply is being written elsewhere."""
        if self.controller.busy and conversation_id != self.conversation_id:
            self.show_status(self.tr("A reply is being written. Stop it before switching conversations."))
            return False
        try:
            conversation = self.store.get_conversation(conversation_id)
            messages = self.store.list_messages(conversation_id)
        except ModelNestError as exc:
            self.show_status(str(exc))
            return False
        self.conversation_id = conversation_id
        self.cancel_edit()
        self.view.show_conversation(messages)
        self.panel.system_prompt.setPlainText(conversation.system_prompt)
        self.refresh_conversations()
        self._update_buttons()
        return True

    @Slot()
    def new_conversation(self) -> Conversation | None:
        if self.controller.busy:
            self.show_status(self.tr("A reply is being written. Stop it before starting a new chat."))
            return None
        conversation = self.store.create_conversation(
            model_path=self.panel.model_path(),
            model_name=Path(self.panel.model_path()).name if self.panel.model_path() else None,
            system_prompt=self.panel.system_prompt.toPlainText(),
            settings=self._settings_used())
        self.conversation_id = conversation.id
        self.view.show_conversation([])
        self.refresh_conversations()
        self._update_buttons()
        return conversation

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        if not title.strip():
            self.show_status(self.tr("A title cannot be empty."))
            return
        self.store.rename_conversation(conversation_id, title)
        self.refresh_conversations()

    def delete_conversation(self, conversation_id: int) -> bool:
        if self.controller.busy and conversation_id == self.controller.streaming_conversation_id:
            self.show_status(self.tr("A reply is being written in this conversation. Stop it first."))
            return False
        self.store.delete_conversation(conversation_id)
        if conversation_id == self.conversation_id:
            self.conversation_id = None
            self.view.show_conversation([])
        self.refresh_conversations()
        if self.conversation_id is None and self.conversations.count():
            self.open_conversation(int(self.conversations.item(0).data(Qt.ItemDataRole.UserRole)))
        self._update_buttons()
        return True

    def export(self, conversation_id: int, path: str) -> Path | None:
        labels = {"user": self.tr("You"), "assistant": self.tr("Assistant"), "system": self.tr("System")}
        try:
            target = export_conversation(self.store, conversation_id, path, labels=labels)
        except ModelNestError as exc:
            self.show_status(str(exc))
            return None
        self.show_status(self.tr("Exported to {0}").format(target))
        return target

    @Slot()
    def _ask_rename(self) -> None:
        if self.conversation_id is None:
            return
        current = self.store.get_conversation(self.conversation_id).title
        title, ok = QInputDialog.getText(self, self.tr("Rename conversation"), self.tr("Title"), text=current)
        if ok:
            self.rename_conversation(self.conversation_id, title)

    @Slot()
    def _ask_delete(self) -> None:
        if self.conversation_id is None:
            return
        answer = QMessageBox.question(self, self.tr("Delete conversation"),
                                      self.tr("Delete this conversation and all its messages?"))
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_conversation(self.conversation_id)

    @Slot()
    def _ask_export(self) -> None:
        if self.conversation_id is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export conversation"), "chat.md",
                                              self.tr("Markdown (*.md);;JSON (*.json)"))
        if path:
            self.export(self.conversation_id, path)

    # ---- model ---------------------------------------------------------------------------------------------
    @Slot()
    def load_model(self) -> None:
        path = self.panel.model_path()
        if not path:
            self.show_status(self.tr("Choose a model file first (or put .gguf files in {0}).").format(
                paths.models_dir()))
            return
        try:
            params = self.panel.engine_params()
        except ValueError as exc:
            self.show_status(str(exc))
            return
        self._save_settings()
        self.error.hide()
        self.controller.load(path, params)
        self._update_buttons()

    @Slot()
    def reload(self) -> None:
        self.error.hide()
        if self.controller.last_load is None:
            self.load_model()
        else:
            self.controller.reload()
        self._update_buttons()

    @Slot(str)
    def _on_load_started(self, path: str) -> None:
        self.status_model.setText(self.tr("Loading {0}…").format(Path(path).name))
        self._update_buttons()

    @Slot(object)
    def _on_loaded(self, report: LoadReport) -> None:
        self.status_model.setText(self.load_report_text(report))
        self.status_model.setToolTip("\n".join(f"{b.device} {b.kind}: {_mib(b.bytes)}" for b in report.buffers))
        warnings = self.controller.engine.warnings if self.controller.engine else []
        if warnings:
            self.show_status(" ".join(warnings), 15000)
        self._update_buttons()

    def load_report_text(self, r: LoadReport) -> str:
        return self.tr("{0} · context {1} · llama.cpp allocated {2} (weights {3}, KV cache {4}, compute {5}) · "
                       "loaded in {6:.2f} s").format(
            Path(r.path).name, r.n_ctx, _mib(r.total_bytes), _mib(r.weights_bytes), _mib(r.kv_cache_bytes),
            _mib(r.compute_bytes), r.load_seconds)

    @Slot()
    def _on_unloaded(self) -> None:
        self.status_model.setText(self.tr("No model loaded."))
        self.status_model.setToolTip("")
        self._update_buttons()

    @Slot(object)
    def _on_load_failed(self, error: ModelNestError) -> None:
        self.status_model.setText(self.tr("No model loaded."))
        self._show_error(self.tr("The model could not be loaded."), error)
        self._update_buttons()

    def _show_error(self, headline: str, error: ModelNestError) -> None:
        if isinstance(error, EngineError):
            text = f"<b>{headline}</b><br/>{error.explanation}"
            if error.advice:
                text += "<br/>" + self.tr("What to try: {0}").format(error.advice)
            details = error.log_tail or self.tr("(the engine wrote nothing to its log)")
        else:
            text, details = f"<b>{headline}</b><br/>{error}", ""
        self.error.show_message(text, details, self.tr("Reload") if self.controller.last_load else "")

    # ---- turns ----------------------------------------------------------------------------------------------
    def _settings_used(self) -> dict[str, Any]:
        return {**self.panel.sampling().to_dict(), "n_ctx": self.panel.n_ctx.value()}

    def _save_settings(self) -> None:
        try:
            self.settings_store.save(self.panel.chat_settings())
        except ModelNestError as exc:
            self.show_status(str(exc))

    def _ready_to_generate(self) -> bool:
        if self.controller.busy:
            return False
        if self.controller.report is None:
            self.show_status(self.tr("Load a model first."))
            return False
        return True

    def _sync_system_prompt(self) -> None:
        assert self.conversation_id is not None
        prompt = self.panel.system_prompt.toPlainText()
        if self.store.get_conversation(self.conversation_id).system_prompt != prompt:
            self.store.update_conversation(self.conversation_id, system_prompt=prompt)

    @Slot()
    def send(self) -> bool:
        text = self.input.toPlainText().strip()
        if not text or not self._ready_to_generate():
            return False
        if self.conversation_id is None and self.new_conversation() is None:
            return False
        assert self.conversation_id is not None
        self._sync_system_prompt()
        self._save_settings()
        if self._editing:
            ok = self.controller.edit_and_resend(self.conversation_id, text, self.panel.sampling(),
                                                 n_ctx=self.panel.n_ctx.value())
        else:
            ok = self.controller.send(self.conversation_id, text, self.panel.sampling(),
                                      n_ctx=self.panel.n_ctx.value())
        if ok:
            self.input.clear()
            self.cancel_edit()
        return ok

    @Slot()
    def regenerate(self) -> bool:
        if self.conversation_id is None or not self._ready_to_generate():
            return False
        self._sync_system_prompt()
        return self.controller.regenerate(self.conversation_id, self.panel.sampling(), n_ctx=self.panel.n_ctx.value())

    @Slot(int)
    def retry(self, message_id: int) -> bool:
        return self.regenerate()

    @Slot(int)
    def begin_edit(self, message_id: int) -> None:
        if self.controller.busy:
            return
        self.input.setPlainText(self.view.message(message_id).content)
        self._editing = True
        self.editing_label.setVisible(True)
        self.cancel_edit_button.setVisible(True)
        self.input.setFocus()

    @Slot()
    def cancel_edit(self) -> None:
        if self._editing:
            self.input.clear()
        self._editing = False
        self.editing_label.setVisible(False)
        self.cancel_edit_button.setVisible(False)

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if busy:
            self._reset_gauges()
        self._update_buttons()

    @Slot(object)
    def _on_reply_started(self, event: ReplyStarted) -> None:
        self._throttle_warned = False  # warn at most once per reply
        if event.reply.conversation_id != self.conversation_id:
            return
        self._live = None
        if event.user is None or event.user.id in self.view.message_ids():
            # Regenerate / Retry / edit: the end of the conversation changed; show it as stored now.
            self.view.show_conversation([m for m in self.store.list_messages(self.conversation_id)
                                         if m.id != event.reply.id])
        else:
            self.view.append_message(event.user)
        self.view.begin_streaming(event.reply)
        self.refresh_conversations()  # the first message names the conversation

    @Slot(object)
    def _on_reply_delta(self, event: ReplyDelta) -> None:
        if event.message_id != self.view.streaming_id:
            return
        self.view.append_stream(event.text)
        self._live = event
        if event.decode_tokens_per_s is not None:
            self.gauge_tps.setText(self.tr("{0:.1f} tokens/s").format(event.decode_tokens_per_s))
        if event.ttft_s is not None:
            self.gauge_ttft.setText(self.tr("first token {0:.0f} ms").format(event.ttft_s * 1000))
        self.gauge_tokens.setText(self.tr("{0} tokens").format(event.tokens))

    @Slot(object)
    def _on_reply_finished(self, event: ReplyFinished) -> None:
        summary = event.summary
        if summary is not None:
            self.gauge_tps.setText(self.tr("{0:.1f} tokens/s").format(summary.decode_tokens_per_s)
                                   if math.isfinite(summary.decode_tokens_per_s) else self.tr("– tokens/s"))
            self.gauge_ttft.setText(self.tr("first token {0:.0f} ms").format(summary.ttft_s * 1000))
            self.gauge_tokens.setText(self.tr("{0} tokens").format(summary.tokens))
            self._learn_from(summary)
        if event.message.conversation_id == self.conversation_id:
            self.view.finish_streaming(event.message)
        if event.status == "stopped":
            self.show_status(self.tr("Stopped; the partial reply was kept."))
        self.refresh_conversations()
        self._update_buttons()

    def _learn_from(self, summary: Any) -> None:
        """Show the measured speed beside the prediction and record it, so the next prediction starts from it."""
        planned = self.panel.current_plan
        report = self.controller.report
        if planned is None or report is None or summary.tokens < 8 or not math.isfinite(summary.decode_tokens_per_s):
            return
        self.panel.memory_bar.set_measured(summary.decode_tokens_per_s)
        from modelnest.core.engine.params import EngineParams
        from modelnest.core.plan import learn_from_run

        QThreadPool.globalInstance().start(functools.partial(
            learn_from_run, planned, EngineParams.from_dict(report.params), summary.decode_tokens_per_s,
            summary.prefill_tokens_per_s, summary.prompt_tokens + summary.tokens // 2))

    @Slot(object)
    def _on_engine_failed(self, error: EngineError) -> None:
        if self.controller.report is None:
            self.status_model.setText(self.tr("No model loaded (the engine stopped)."))
        self._show_error(self.tr("The engine stopped while writing the reply. Every message was kept."), error)
        self._update_buttons()

    @Slot(object)
    def _on_turn_failed(self, error: ModelNestError) -> None:
        self._show_error(self.tr("The message could not be sent."), error)
        if self.conversation_id is not None:
            self.view.show_conversation(self.store.list_messages(self.conversation_id))
        self._update_buttons()

    @Slot(str)
    def _on_store_warning(self, message: str) -> None:
        self.show_status(self.tr("The reply could not be saved yet: {0}").format(message), 15000)

    @Slot(str)
    def _on_copied(self, text: str) -> None:
        self.show_status(self.tr("Copied {0} characters.").format(len(text)), 3000)

    # ---- gauges ---------------------------------------------------------------------------------------------
    def _reset_gauges(self) -> None:
        self.gauge_tps.setText(self.tr("– tokens/s"))
        self.gauge_ttft.setText(self.tr("first token –"))
        self.gauge_tokens.setText(self.tr("0 tokens"))
        if not self.gauge_temp.text():
            self.gauge_temp.setText(self.tr("temperature –"))
            self.gauge_load.setText(self.tr("load –"))

    def _watch_throttling(self, reading: Any, gpu: Any) -> None:
        """Warn once per reply when the machine slows itself down because it is hot (temperature up, speed down)."""
        if not self.controller.busy or self._live is None:
            return
        from modelnest.core.hardware import ThrottleSample

        sample = ThrottleSample(
            t=reading.timestamp,
            temperature_c=gpu.temperature_c if gpu is not None else reading.cpu_temperature_c,
            clock_mhz=(gpu.graphics_clock_mhz if gpu is not None else reading.cpu_freq_mhz),
            tokens_per_s=self._live.decode_tokens_per_s,
            thermal_reasons=bool(gpu is not None and any("thermal" in r.lower() for r in gpu.throttle_reasons)),
        )
        verdict = self._throttle.add(sample)
        if verdict.throttling and not self._throttle_warned:
            self._throttle_warned = True
            self.show_status(self.tr("Your computer is slowing down to cool off ({0}); replies will be slower.").format(
                verdict.reason), 15000)

    @Slot(object)
    def _on_sensors(self, reading: Any) -> None:
        gpu_used = self.controller.report is not None and self.controller.report.gpu_layers_offloaded > 0
        gpu = next((g for g in reading.gpus if g.temperature_c is not None), None) if gpu_used else None
        self._watch_throttling(reading, gpu)
        if gpu is not None:
            self.gauge_temp.setText(self.tr("GPU {0:.0f} °C").format(gpu.temperature_c))
            load = gpu.utilization_percent
            self.gauge_load.setText(self.tr("GPU load {0:.0f} %").format(load) if load is not None
                                    else self.tr("GPU load n/a"))
            return
        if reading.cpu_temperature_c is not None:
            self.gauge_temp.setText(self.tr("CPU {0:.0f} °C").format(reading.cpu_temperature_c))
            self.gauge_temp.setToolTip("")
        else:
            reason = reading.missing.get("cpu_temperature_c", self.tr("not available"))
            self.gauge_temp.setText(self.tr("CPU temperature n/a"))
            self.gauge_temp.setToolTip(reason)  # the why, without widening the gauge row
        if reading.cpu_percent is not None:
            self.gauge_load.setText(self.tr("CPU load {0:.0f} %").format(reading.cpu_percent))
        else:
            self.gauge_load.setText(self.tr("CPU load n/a"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._opened_first:
            self._opened_first = True
            if self.conversation_id is None and self.conversations.count():
                self.open_conversation(int(self.conversations.item(0).data(Qt.ItemDataRole.UserRole)))

    # ---- lifetime ------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """End the engine and the threads (waits); the history keeps everything committed."""
        self.controller.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
