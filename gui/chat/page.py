"""The chat page: wires the conversation sidebar, the view with its gauges and banners, and the model panel.

The parts live in their own modules (sidebar.py, gauges.py, banner.py, panel.py, view.py); this page decides what
happens between them and the controller. Everything slow runs elsewhere: the engine in the controller's one worker
thread, planning and calibration records as background jobs of the app, sensors in the app's hardware service.
The page only reacts to signals. History reads for display use the GUI thread's own store (``ctx.history``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from modelnest.core import paths
from modelnest.core.chat.history import Conversation
from modelnest.core.chat.history import Message as StoredMessage
from modelnest.core.chat.remote import TIMING_LABEL, RemoteHost
from modelnest.core.chat.session import (
    CONTEXT_POLICIES,
    ContextLimitReached,
    ContextPolicy,
    ContextUsage,
    ReplyDelta,
    ReplyFinished,
    ReplyStarted,
    context_policy_of,
)
from modelnest.core.engine.client import EngineClient, ProgressEvent
from modelnest.core.engine.errors import EngineCrashed, EngineError, EngineHung
from modelnest.core.engine.params import EngineParams, GenerationSummary, LoadReport
from modelnest.core.errors import ModelNestError
from modelnest.core.hardware import SensorReading, ThrottleDetector, watched_gpu
from modelnest.core.messages import Text
from modelnest.core.plan import learn_from_summary, measured_run
from modelnest.core.units import format_mib
from modelnest.gui.background import Job, JobControl
from modelnest.gui.chat.banner import Banner, Render, StatusLine
from modelnest.gui.chat.controller import ChatController, EngineFactory, RemoteInfo, UnexpectedFailure
from modelnest.gui.chat.gauges import ChatGauges
from modelnest.gui.chat.panel import ModelPanel
from modelnest.gui.chat.sidebar import ConversationSidebar
from modelnest.gui.chat.view import ChatView
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator
from modelnest.gui.server_panel import ServerPanel

if TYPE_CHECKING:
    from modelnest.gui.chat.remote_dialog import AddRemoteDialog
    from modelnest.gui.context import AppContext
    from modelnest.gui.hardware_service import HardwareService

__all__ = ["ChatPage", "default_engine"]


def default_engine(hardware: HardwareService) -> EngineClient:
    """An engine on the llama.cpp build that suits this machine's GPU (CPU build otherwise, with the reason).

    The GPUs come from the app's one hardware snapshot; the engine is created on the first Load, after the
    start-up probe has normally ended (if not, the built-in CPU build is used and says why)."""
    from modelnest.core.engine.runtime import select_runtime

    snapshot = hardware.snapshot
    return EngineClient(runtime=select_runtime(snapshot.gpus if snapshot is not None else []))


def _keys(portable: str) -> str:
    """A shortcut as this platform writes it (⌘N on macOS, Ctrl+N elsewhere)."""
    return QKeySequence(portable).toString(QKeySequence.SequenceFormat.NativeText)


class _SensorLease:
    """The page's claim on live sensors (while shown or while a reply runs); released if the page is deleted.

    A deleted widget gets no hide event, so ``destroyed`` is connected to a partial holding this object, not to a
    method of the page (the hardware card does the same)."""

    def __init__(self, hardware: HardwareService) -> None:
        self._hardware = hardware
        self.held = False

    def want(self, wanted: bool) -> None:
        if wanted and not self.held:
            self.held = True
            self._hardware.acquire_sensors()
        elif not wanted and self.held:
            self.held = False
            self._hardware.release_sensors()

    def release(self, *_: object) -> None:
        self.want(False)


class ChatPage(QWidget):
    """The chat feature; ``shutdown()`` (also on close, and when the page is deleted) ends the engine and its thread."""

    def __init__(
        self,
        ctx: AppContext,
        engine_factory: EngineFactory | None = None,
        *,
        delta_interval_s: float = 0.05,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chat_page")
        self.ctx = ctx
        self.store = ctx.history
        self.interrupted = self.store.recover_interrupted()  # before any generation (history.py rule)
        factory = engine_factory or functools.partial(default_engine, ctx.hardware)
        self.controller = ChatController(self.store, factory, delta_interval_s=delta_interval_s)
        self.conversation_id: int | None = None
        self._editing = False
        self._editing_id: int | None = None
        self._live: ReplyDelta | None = None
        self._usage: ContextUsage | None = None
        self._throttle = ThrottleDetector()
        self._throttle_warned = False
        self._model_status: Render = lambda: self.tr("No model loaded.")
        self._model_tooltip: Render = lambda: ""
        self._load_when_planned: str | None = None  # "Chat with this model": load once the planner has answered
        self._after_server_stop: Callable[[], None] | None = None  # a load/unload waiting for the API to stop
        self.remote_dialog: AddRemoteDialog | None = None  # the last "Add remote server…" dialog (tests drive it)
        self.calibration_job: Job[object] | None = None  # the last speed record's background job
        self._sensors = _SensorLease(ctx.hardware)
        self.destroyed.connect(functools.partial(_SensorLease.release, self._sensors))
        self._texts = Retranslator(self)
        self._build()
        self._connect()
        # Deleted without shutdown() (no close event reaches a child page): still stop the thread and the
        # engine. The partial keeps the controller alive until then.
        self.destroyed.connect(functools.partial(ChatController.shutdown, self.controller))
        self.sidebar.refresh(self.conversation_id)
        self._opened_first = False  # the latest conversation is rendered when the page is first shown
        self._show_start_notices()
        ctx.hardware.start()  # no-op if the app already probed; the planner and the runtime choice wait for it

    # ---- layout -----------------------------------------------------------------------------------------
    def _build(self) -> None:
        tr = self._texts.add
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)

        self.status_message = StatusLine()
        self.sidebar = ConversationSidebar(self.store, self.show_status)
        splitter.addWidget(self.sidebar)

        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        self.notice = Banner("history_notice", "#fff4ce")
        center_layout.addWidget(self.notice)
        self.error = Banner("engine_error", "#fde2e1")
        self.error.action.clicked.connect(self.reload)
        center_layout.addWidget(self.error)
        self.view = ChatView()
        center_layout.addWidget(self.view, 1)
        # Reading the prompt: words with token counts and a bar, shown only until the first token.
        self.prompt_row = QWidget()
        self.prompt_row.setObjectName("prompt_row")
        prompt_layout = QHBoxLayout(self.prompt_row)
        prompt_layout.setContentsMargins(0, 0, 0, 0)
        self.prompt_label = QLabel()
        self.prompt_label.setObjectName("prompt_label")
        self.prompt_bar = QProgressBar()
        self.prompt_bar.setObjectName("prompt_bar")
        self.prompt_bar.setTextVisible(False)
        self.prompt_bar.setMaximumHeight(12)
        prompt_layout.addWidget(self.prompt_label)
        prompt_layout.addWidget(self.prompt_bar, 1)
        self.prompt_row.setVisible(False)
        self._prompt: ProgressEvent | None = None
        tr(self._render_prompt_progress)
        center_layout.addWidget(self.prompt_row)
        self.gauges = ChatGauges()
        self.gauges.set_throttle_threshold(self._throttle.hot_c)  # the detector's "hot", marked on the gauge
        center_layout.addWidget(self.gauges)

        self.editing_label = QLabel()
        self.editing_label.setObjectName("editing_label")
        self.editing_label.setWordWrap(True)
        tr(lambda: self.editing_label.setText(
            self.tr("Editing your message: Send replaces it and everything after it.")))
        self.editing_label.setVisible(False)
        center_layout.addWidget(self.editing_label)
        input_row = QHBoxLayout()
        self.input = QPlainTextEdit()
        self.input.setObjectName("chat_input")
        tr(lambda: self.input.setPlaceholderText(self.tr("Type a message (Ctrl+Enter sends)")))
        self.input.setMaximumHeight(100)
        input_row.addWidget(self.input, 1)
        buttons = QVBoxLayout()
        self.send_button = self._button("send_button", lambda: self.tr("Send"))
        tr(lambda: self.send_button.setToolTip(self.tr("Send the message ({0})").format(_keys("Ctrl+Return"))))
        self.stop_button = self._button("stop_button", lambda: self.tr("Stop"))
        tr(lambda: self.stop_button.setToolTip(self.tr("Stop the reply, also while the model is still reading "
                                                       "({0})").format(_keys("Esc"))))
        self.stop_button.setEnabled(False)
        self.regenerate_button = self._button("regenerate_button", lambda: self.tr("Regenerate"))
        self.copy_last_button = self._button("copy_last_button", lambda: self.tr("Copy reply"))
        tr(lambda: self.copy_last_button.setToolTip(self.tr("Copy the last reply ({0})").format(
            _keys("Ctrl+Shift+C"))))
        self.cancel_edit_button = self._button("cancel_edit", lambda: self.tr("Cancel edit"))
        tr(lambda: self.cancel_edit_button.setToolTip(self.tr("Leave editing ({0})").format(_keys("Esc"))))
        self.cancel_edit_button.setVisible(False)
        for b in (self.send_button, self.stop_button, self.regenerate_button, self.copy_last_button,
                  self.cancel_edit_button):
            buttons.addWidget(b)
        self.context_policy = QComboBox()
        self.context_policy.setObjectName("context_policy")
        for policy in CONTEXT_POLICIES:
            self.context_policy.addItem("", policy)
        tr(self._render_policy_names)
        buttons.addWidget(self.context_policy)
        input_row.addLayout(buttons)
        center_layout.addLayout(input_row)
        splitter.addWidget(center)

        self.panel = ModelPanel(self.ctx)
        # The local API server serves the model loaded here, on the same engine; it takes turns with the chat
        # through the controller's engine lock.
        self.server = ServerPanel(self.ctx.background, lambda: self.controller.engine, self._served_model_id,
                                  engine_lock=self.controller.engine_lock, history_path=self.ctx.history.path)
        self.server_section = self.panel.add_section("server_section", lambda: self.tr("Local API server"),
                                                     self.server)
        splitter.addWidget(self.panel.scroll_area())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([220, 640, 280])

        status = QHBoxLayout()
        self.status_model = QLabel()
        self.status_model.setObjectName("status_model")
        self.status_model.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tr(self._render_model_status)
        status.addWidget(self.status_model, 1)
        status.addWidget(self.status_message)
        outer.addLayout(status)
        self._update_buttons()

    def _button(self, name: str, text: Render) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        self._texts.add(lambda: button.setText(text()))
        return button

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
        c.prompt_progress.connect(self._on_prompt_progress)
        c.context_usage.connect(self._on_context_usage)
        self.panel.planned.connect(self._on_planned)
        c.reply_finished.connect(self._on_reply_finished)
        c.engine_failed.connect(self._on_engine_failed)
        c.engine_died.connect(self._on_engine_died)
        c.turn_failed.connect(self._on_turn_failed)
        c.store_warning.connect(self._on_store_warning)
        self.ctx.hardware.reading.connect(self._on_sensors)
        self.panel.load_clicked.connect(self.load_model)
        self.panel.planned.connect(self._planned_for_chat)
        self.panel.unload_clicked.connect(self.unload_model)
        self.panel.add_remote_clicked.connect(self.add_remote_server)
        c.remote_connected.connect(self._on_remote_connected)
        c.remote_failed.connect(self._on_remote_failed)
        c.remote_closed.connect(self._on_remote_closed)
        self.server.failed.connect(self._on_server_failed)
        self.server.serving_changed.connect(self._on_serving_changed)
        self.server.chat_saved.connect(lambda _id: self.refresh_conversations())  # a kept API chat, listed at once
        c.waiting_for_engine.connect(self._on_waiting_for_engine)
        self.send_button.clicked.connect(self.send)
        self.stop_button.clicked.connect(self.controller.stop)
        self.regenerate_button.clicked.connect(self.regenerate)
        self.copy_last_button.clicked.connect(self.copy_last_reply)
        self.context_policy.currentIndexChanged.connect(self._on_policy_chosen)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.sidebar.new_requested.connect(self.new_conversation)
        self.sidebar.open_requested.connect(self._on_conversation_selected)
        self.sidebar.delete_requested.connect(self.delete_conversation)
        self.view.edit_requested.connect(self.begin_edit)
        self.view.delete_requested.connect(self.ask_delete_message)
        self.view.alternative_requested.connect(self.show_alternative)
        self.view.retry_requested.connect(self.retry)
        self.view.copied.connect(self._on_copied)
        self._shortcuts()

    def _shortcuts(self) -> None:
        """The chat's keys; they work anywhere on the page (not only in the focused widget)."""
        here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        keys: list[tuple[str, object]] = [
            ("Ctrl+Return", self.send), ("Ctrl+Enter", self.send),  # Return and the keypad's Enter
            ("Esc", self.escape),
            ("Ctrl+N", self.new_conversation),
            ("Ctrl+F", self.search_conversations),
            ("Ctrl+Shift+C", self.copy_last_reply),
        ]
        self.shortcuts: dict[str, QShortcut] = {}
        for key, slot in keys:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(here)
            shortcut.activated.connect(slot)
            self.shortcuts[key] = shortcut

    @Slot()
    def escape(self) -> None:
        """Esc: stop the reply (also while the prompt is being read); otherwise leave editing."""
        if self.controller.busy:
            self.controller.stop()
        elif self._editing:
            self.cancel_edit()

    @Slot()
    def search_conversations(self) -> None:
        self.sidebar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.sidebar.search.selectAll()

    @Slot()
    def copy_last_reply(self) -> bool:
        """Ctrl+Shift+C: the last reply's text to the clipboard (the one being written, so far)."""
        if self.view.streaming_id is not None:
            text = self.view.streamed_text()
        else:
            replies = [m for m in map(self.view.message, self.view.message_ids()) if m.role == "assistant"]
            text = replies[-1].content if replies else ""
        if not text:
            self.show_status(lambda: self.tr("There is no reply to copy yet."), 3000)
            return False
        QGuiApplication.clipboard().setText(text)
        self._on_copied(text)
        return True

    def _show_start_notices(self) -> None:
        notice = self.store.notice
        if notice is not None:
            self.notice.show_message(lambda: tr_text(notice.message), details=str(notice.moved_to))
        elif self.ctx.history_problem is not None:
            problem = self.ctx.history_problem
            self.notice.show_message(lambda: tr_text(problem))
        if self.interrupted:
            count = len(self.interrupted)
            self.show_status(lambda: self.tr("{0} reply(s) were interrupted when ModelNest last stopped; "
                                             "they are marked and can be retried.").format(count))

    # ---- status --------------------------------------------------------------------------------------------
    def show_status(self, text: Render | str, ms: int = 8000) -> None:
        """A short message under the chat; pass ``lambda: self.tr(…)`` so it follows a language change."""
        self.status_message.show_message(text, ms)

    def _set_model_status(self, text: Render, tooltip: Render | None = None) -> None:
        self._model_status = text
        self._model_tooltip = tooltip or (lambda: "")
        self._render_model_status()

    def _render_model_status(self) -> None:
        self.status_model.setText(self._model_status())
        self.status_model.setToolTip(self._model_tooltip())

    def _update_buttons(self) -> None:
        busy, loading = self.controller.busy, self.controller.loading
        loaded = self.controller.ready  # a local model or a remote server
        self.send_button.setEnabled(not busy and not loading)
        self.stop_button.setEnabled(busy)
        last = self.view.message(self.view.message_ids()[-1]) if self.view.message_ids() else None
        self.regenerate_button.setEnabled(not busy and not loading and loaded and last is not None
                                          and last.role in ("assistant", "user"))  # user: unanswered
        self.sidebar.set_busy(busy)
        self.panel.set_loading(loading, loaded)
        self.panel.load_button.setEnabled(not busy and not loading)
        self.panel.unload_button.setEnabled(loaded and not busy and not loading)
        # Serving needs a loaded local model; a running server can always be switched off.
        local = self.controller.report is not None
        self.server.setEnabled(self.server.server is not None or (local and not loading))

    # ---- conversations ------------------------------------------------------------------------------------
    def refresh_conversations(self) -> None:
        self.sidebar.refresh(self.conversation_id)

    def conversation_ids(self) -> list[int]:
        return self.sidebar.conversation_ids()

    @Slot(int)
    def _on_conversation_selected(self, conversation_id: int) -> None:
        if not self.open_conversation(conversation_id):
            self.refresh_conversations()  # put the selection back on the conversation being answered

    def open_conversation(self, conversation_id: int) -> bool:
        """Show a conversation; refused (False, with a message) while a reply is being written elsewhere."""
        if self.controller.busy and conversation_id != self.conversation_id:
            self.show_status(lambda: self.tr("A reply is being written. Stop it before switching conversations."))
            return False
        try:
            conversation = self.store.get_conversation(conversation_id)
            messages = self.store.list_messages(conversation_id)
        except ModelNestError as exc:
            self.show_status(functools.partial(tr_text, exc))
            return False
        self.conversation_id = conversation_id
        self.cancel_edit()
        self.view.show_conversation(messages)
        self.panel.system_prompt.setPlainText(conversation.system_prompt)
        self.set_context_policy(context_policy_of(conversation.settings))
        self._show_stored_context(messages)
        self.refresh_conversations()
        self._update_buttons()
        return True

    @Slot()
    def new_conversation(self) -> Conversation | None:
        if self.controller.busy:
            self.show_status(lambda: self.tr("A reply is being written. Stop it before starting a new chat."))
            return None
        model = self.panel.model_path()
        remote = self.controller.remote
        conversation = self.store.create_conversation(
            model_path=None if remote else model,
            model_name=remote.model_name if remote else (Path(model).name if model else None),
            system_prompt=self.panel.system_prompt.toPlainText(),
            settings={**self._settings_used(), "context_policy": self.selected_policy()})
        self.conversation_id = conversation.id
        self.view.show_conversation([])
        self._usage = None
        self.gauges.show_context(0, self.controller.report.n_ctx if self.controller.report else 0)
        self.refresh_conversations()
        self._update_buttons()
        return conversation

    @Slot(int)
    def delete_conversation(self, conversation_id: int) -> bool:
        if self.controller.busy and conversation_id == self.controller.streaming_conversation_id:
            self.show_status(lambda: self.tr("A reply is being written in this conversation. Stop it first."))
            return False
        self.store.delete_conversation(conversation_id)
        if conversation_id == self.conversation_id:
            self.conversation_id = None
            self.view.show_conversation([])
        self.refresh_conversations()
        ids = self.conversation_ids()
        if self.conversation_id is None and ids:
            self.open_conversation(ids[0])
        self._update_buttons()
        return True

    def _show_stored_context(self, messages: list[StoredMessage]) -> None:
        """The context fill of an opened conversation, from its last reply's recorded token counts."""
        self._usage = None
        for m in reversed(messages):
            stats = m.stats or {}
            prompt, completion, n_ctx = stats.get("prompt_tokens"), stats.get("completion_tokens"), stats.get("n_ctx")
            if isinstance(prompt, int) and isinstance(completion, int):
                ctx = n_ctx if isinstance(n_ctx, int) else (self.controller.report.n_ctx if self.controller.report
                                                             else 0)
                self.gauges.show_context(prompt + completion, ctx)
                return
        self.gauges.show_context(0, self.controller.report.n_ctx if self.controller.report else 0)

    # ---- model ---------------------------------------------------------------------------------------------
    @Slot()
    def load_model(self) -> None:
        choice = self.panel.remote_choice()
        if choice is not None:
            token = self.ctx.remotes.tokens.load(choice.url)
            self.error.hide()
            self._stop_server_then(lambda: self.controller.connect_remote(choice.url, token, choice.model))
            self._update_buttons()
            return
        path = self.panel.model_path()
        if not path:
            folder = paths.models_dir()
            self.show_status(lambda: self.tr("Choose a model file first (or put .gguf files in {0}).").format(folder))
            return
        params = self.panel.engine_params()
        if not self._save_settings():
            return
        self.error.hide()
        self._stop_server_then(lambda: self.controller.load(path, params))
        self._update_buttons()

    @Slot()
    def unload_model(self) -> None:
        if self.controller.remote is not None:
            self.controller.disconnect_remote()
            return
        self._stop_server_then(self.controller.unload)

    # ---- remote servers ------------------------------------------------------------------------------------
    @Slot()
    def add_remote_server(self) -> None:
        """"Add remote server…": the dialog (not modal: the chat keeps streaming); once added, chat through it."""
        from modelnest.gui.chat.remote_dialog import AddRemoteDialog

        dialog = AddRemoteDialog(self.ctx, self)
        dialog.added.connect(self._remote_added)
        dialog.finished.connect(dialog.deleteLater)
        self.remote_dialog = dialog
        dialog.open()

    @Slot(object)
    def _remote_added(self, host: RemoteHost) -> None:
        notice = self.remote_dialog.keychain_notice if self.remote_dialog is not None else None
        if notice is not None:
            self.show_status(functools.partial(tr_text, notice), 20000)
        self.chat_with_remote(host.url, "")

    @Slot(str, str)
    def chat_with_remote(self, url: str, model: str) -> None:
        """Chat with ``model`` ("" = the server's first) on a remote server the user added: select it and connect."""
        if not self.panel.select_remote(url, model):
            self.show_status(lambda: self.tr("That remote server did not list this model; choose the server in "
                                             "the model list and load it to bring its list up to date."), 15000)
            return
        remote = self.controller.remote
        choice = self.panel.remote_choice()
        if remote is not None and choice is not None and (remote.url, remote.model) == (choice.url, choice.model):
            return
        if self.controller.busy or self.controller.loading:
            self.show_status(lambda: self.tr("Selected; press Load when the current reply or load has finished."))
            return
        self.load_model()

    @Slot(object)
    def _on_remote_connected(self, info: RemoteInfo) -> None:
        host = self.ctx.remotes.host(info.url)
        if host is not None and info.served and info.served != host.models:
            # The server's models changed since it was added: the list follows (no need to add it again).
            host = self.ctx.remotes.add(host.url, host.name, info.served)
        server = host.label if host is not None else info.url
        self._set_model_status(lambda: self.tr("{0} on the remote server {1}").format(info.model, server),
                               lambda: info.url)
        self._update_buttons()

    @Slot(object)
    def _on_remote_failed(self, error: ModelNestError) -> None:
        self._set_model_status(lambda: self.tr("No model loaded."))
        self._show_error(lambda: self.tr("The remote server could not be used."), error)
        self._update_buttons()

    @Slot()
    def _on_remote_closed(self) -> None:
        if self.controller.report is None and not self.controller.loading:
            self._set_model_status(lambda: self.tr("No model loaded."))
        self._update_buttons()

    def _tell_remote_timing(self, summary: GenerationSummary) -> None:
        ttft, rate, label = summary.ttft_s, summary.decode_tokens_per_s, TIMING_LABEL
        self.show_status(lambda: self.tr("First token after {0:.2f} s, {1:.1f} tokens/s ({2})").format(
            ttft, rate, tr_text(label)), 30000)

    # ---- the local API server ------------------------------------------------------------------------------
    def _served_model_id(self) -> str | None:
        report = self.controller.report
        return Path(report.path).stem if report is not None else None  # the id /v1/models lists

    def _stop_server_then(self, action: Callable[[], None]) -> None:
        """Changing the model: the API server stops first (its clients get a clean end), then ``action`` runs."""
        if self.server.server is None and not self.server.busy:
            action()
            return
        self._after_server_stop = action
        if not self.server.busy:
            self.server.stop()  # serving_changed(False) runs the action
        self.show_status(lambda: self.tr("The local API server is stopping: the model is being changed."))

    @Slot(bool)
    def _on_serving_changed(self, serving: bool) -> None:
        pending = self._after_server_stop
        if serving and pending is not None:
            self.server.stop()  # it finished starting while a model change waited: stop it now
            return
        self._after_server_stop = None
        if not serving and pending is not None:
            self.show_status(lambda: self.tr("The local API server was stopped because the model was changed; "
                                             "switch it on again to serve the new one."), 15000)
            pending()
        elif serving:
            address = self.server.server.url if self.server.server is not None else ""
            self.show_status(lambda: self.tr("Serving the loaded model at {0}").format(address), 8000)
        self._update_buttons()

    @Slot(str)
    def _on_server_failed(self, text: str) -> None:
        self.show_status(text, 15000)
        pending, self._after_server_stop = self._after_server_stop, None
        if pending is not None:
            pending()

    def _stop_server_after_death(self) -> None:
        if self.server.server is not None and not self.server.busy:
            self.server.stop()
            self.show_status(lambda: self.tr("The local API server was stopped because the engine stopped."), 15000)

    @Slot()
    def _on_waiting_for_engine(self) -> None:
        self.show_status(lambda: self.tr("Waiting for the local API server to finish a request…"), 15000)

    @Slot(str)
    def chat_with(self, path: str) -> None:
        """"Chat with this model" from another page: select it and load it at once.

        LM Studio loads a model as soon as it is picked, so users expect a chat to be ready without a second
        click; the load waits for the planner's answer for that file (context, threads, GPU layers). A model that
        is already loaded is kept, and a running reply is never interrupted (the model is only selected)."""
        self.panel.add_model(path)
        report = self.controller.report
        if report is not None and str(report.path) == path:
            return
        if self.controller.busy or self.controller.loading:
            self.show_status(lambda: self.tr("Selected; press Load when the current reply or load has finished."))
            return
        self._load_when_planned = path
        self.panel.schedule_plan()

    @Slot(object)
    def _planned_for_chat(self, _plan: object) -> None:
        pending, self._load_when_planned = self._load_when_planned, None
        if pending is not None and pending == self.panel.model_path() and not self.controller.loading:
            self.load_model()  # without a plan (unreadable header) too: Load then explains what is wrong

    @Slot()
    def reload(self) -> None:
        self.error.hide()
        if self.controller.last_load is None:
            self.load_model()
        else:
            self._stop_server_then(self.controller.reload)
        self._update_buttons()

    @Slot(str)
    def _on_load_started(self, path: str) -> None:
        if path.startswith(("http://", "https://")):
            self._set_model_status(lambda: self.tr("Connecting to {0}…").format(path))
            self._update_buttons()
            return
        name = Path(path).name
        self._set_model_status(lambda: self.tr("Loading {0}…").format(name))
        self._update_buttons()

    @Slot(object)
    def _on_loaded(self, report: LoadReport) -> None:
        self._set_model_status(
            lambda: self.load_report_text(report),
            lambda: "\n".join(f"{b.device} {b.kind}: {format_mib(b.bytes)}" for b in report.buffers))
        warnings = list(self.controller.engine.warnings) if self.controller.engine else []
        if warnings:
            self.show_status(lambda: " ".join(tr_text(w) for w in warnings), 15000)
        self._update_buttons()

    def load_report_text(self, r: LoadReport) -> str:
        return self.tr("{0} · context {1} · llama.cpp allocated {2} (weights {3}, KV cache {4}, compute {5}) · "
                       "loaded in {6:.2f} s").format(
            Path(r.path).name, r.n_ctx, format_mib(r.total_bytes), format_mib(r.weights_bytes),
            format_mib(r.kv_cache_bytes), format_mib(r.compute_bytes), r.load_seconds)

    @Slot()
    def _on_unloaded(self) -> None:
        self._set_model_status(lambda: self.tr("No model loaded."))
        self._update_buttons()

    @Slot(object)
    def _on_load_failed(self, error: ModelNestError) -> None:
        self._set_model_status(lambda: self.tr("No model loaded."))
        self._show_error(lambda: self.tr("The model could not be loaded."), error)
        self._update_buttons()

    def _error_text(self, error: ModelNestError) -> str:
        """The error in the UI language: core's Message, or the page's wording of an unexpected failure."""
        if isinstance(error, UnexpectedFailure):
            templates = {
                "read": self.tr("The model file could not be read: {0}."),
                "load": self.tr("Loading failed unexpectedly: {0}"),
                "reply": self.tr("The reply failed unexpectedly: {0}"),
            }
            return templates[error.stage].format(error.detail)
        if isinstance(error, EngineError):
            return tr_text(error.explanation)
        return tr_text(error)

    def _show_error(self, headline: Render, error: ModelNestError) -> None:
        def text() -> str:
            body = f"<b>{headline()}</b><br/>{self._error_text(error)}"
            if isinstance(error, EngineError) and error.advice:
                body += "<br/>" + self.tr("What to try: {0}").format(tr_text(error.advice))
            return body

        details = ""
        if isinstance(error, EngineError):
            details = error.log_tail or self.tr("(the engine wrote nothing to its log)")
        reload: Render | None = ((lambda: self.tr("Reload")) if self.controller.last_load and
                                 self.controller.remote is None else None)
        self.error.show_message(text, details, reload)

    # ---- turns ----------------------------------------------------------------------------------------------
    def _settings_used(self) -> dict[str, object]:
        return {**self.panel.sampling().to_dict(), "n_ctx": self.panel.n_ctx.value()}

    def _turn_extras(self) -> dict[str, object]:
        """What a turn records besides the sampling: the context asked for, or the remote server and how its
        timings were taken (on our side of the network)."""
        remote = self.controller.remote
        if remote is not None:
            return {"remote": remote.url, "timing": str(TIMING_LABEL)}
        return {"n_ctx": self.panel.n_ctx.value()}

    def _save_settings(self) -> bool:
        """Merge the panel's values into the app's settings; False (and the reason shown) if one is invalid."""
        try:
            self.panel.save_settings()
        except ModelNestError as exc:
            self.show_status(functools.partial(tr_text, exc), 15000)
            return False
        return True

    def _ready_to_generate(self) -> bool:
        if self.controller.busy:
            return False
        if not self.controller.ready:
            self.show_status(lambda: self.tr("Load a model first."))
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
        self._save_settings()  # a refused value is reported; the reply still uses what the panel shows
        if self._editing:
            ok = self.controller.edit_and_resend(self.conversation_id, text, self.panel.sampling(),
                                                 message_id=self._editing_id, **self._turn_extras())
        else:
            ok = self.controller.send(self.conversation_id, text, self.panel.sampling(), **self._turn_extras())
        if ok:
            self.input.clear()
            self.cancel_edit()
        return ok

    @Slot()
    def regenerate(self) -> bool:
        if self.conversation_id is None or not self._ready_to_generate():
            return False
        self._sync_system_prompt()
        return self.controller.regenerate(self.conversation_id, self.panel.sampling(), **self._turn_extras())

    @Slot(int)
    def retry(self, message_id: int) -> bool:
        return self.regenerate()

    @Slot(int)
    def begin_edit(self, message_id: int) -> None:
        if self.controller.busy:
            return
        self.input.setPlainText(self.view.message(message_id).content)
        self._editing = True
        self._editing_id = message_id
        self.editing_label.setVisible(True)
        self.cancel_edit_button.setVisible(True)
        self.input.setFocus()

    @Slot()
    def cancel_edit(self) -> None:
        if self._editing:
            self.input.clear()
        self._editing = False
        self._editing_id = None
        self.editing_label.setVisible(False)
        self.cancel_edit_button.setVisible(False)

    @Slot(int)
    def ask_delete_message(self, message_id: int) -> None:
        """The Delete link: asks first (a deleted message cannot be brought back)."""
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(self, self.tr("Delete message"),
                                      self.tr("Delete this message from the conversation? This cannot be undone."))
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_message(message_id)

    def delete_message(self, message_id: int) -> bool:
        if self.controller.busy or self.conversation_id is None:
            return False
        try:
            self.store.delete_message(message_id)
        except ModelNestError as exc:
            self.show_status(functools.partial(tr_text, exc))
            return False
        self.view.show_conversation(self.store.list_messages(self.conversation_id))
        self._update_buttons()
        return True

    @Slot(int)
    def show_alternative(self, message_id: int) -> bool:
        """The arrows beside a reply: show another reply of its group; stored (the next turn continues from it)."""
        if self.controller.busy or self.conversation_id is None:
            return False
        try:
            self.store.select_alternative(message_id)
        except ModelNestError as exc:
            self.show_status(functools.partial(tr_text, exc))
            return False
        self.view.show_conversation(self.store.list_messages(self.conversation_id))
        return True

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.gauges.reset()
        self._want_sensors()
        self._update_buttons()

    @Slot(object)
    def _on_reply_started(self, event: ReplyStarted) -> None:
        self._throttle_warned = False  # warn at most once per reply
        self._usage = None
        self._prompt = None
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
    def _on_prompt_progress(self, event: ProgressEvent) -> None:
        self._prompt = event
        self._render_prompt_progress()
        self.prompt_row.setVisible(event.fraction < 1.0 and self.controller.busy)

    def _render_prompt_progress(self) -> None:
        event = self._prompt
        if event is None:
            return
        if event.total:
            self.prompt_label.setText(self.tr("Reading the conversation: {0:,} / {1:,} tokens").format(
                event.done, event.total))
            self.prompt_bar.setRange(0, event.total)
            self.prompt_bar.setValue(event.done)
        else:
            self.prompt_label.setText(self.tr("Reading the conversation: {0} %").format(round(100 * event.fraction)))
            self.prompt_bar.setRange(0, 100)
            self.prompt_bar.setValue(round(100 * event.fraction))

    def _hide_prompt_progress(self) -> None:
        self.prompt_row.setVisible(False)

    # ---- context ---------------------------------------------------------------------------------------------
    def _render_policy_names(self) -> None:
        names = {
            "rolling": (self.tr("Context: rolling window"),
                        self.tr("When the conversation no longer fits, the oldest messages are left out; the "
                                "system prompt is always kept.")),
            "truncate_middle": (self.tr("Context: truncate the middle"),
                                self.tr("When the conversation no longer fits, messages after the first exchange "
                                        "are left out, oldest first; the system prompt and the first exchange "
                                        "are kept.")),
            "stop": (self.tr("Context: stop at the limit"),
                     self.tr("When the conversation no longer fits, nothing is left out: you are asked to start a "
                             "new conversation or load the model with a longer context.")),
        }
        for i in range(self.context_policy.count()):
            name, tip = names[self.context_policy.itemData(i)]
            self.context_policy.setItemText(i, name)
            self.context_policy.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.context_policy.setToolTip(self.tr("What happens when this conversation no longer fits the model's "
                                               "context (set per conversation)."))

    def selected_policy(self) -> ContextPolicy:
        return context_policy_of({"context_policy": self.context_policy.currentData()})

    def set_context_policy(self, policy: ContextPolicy) -> None:
        """Choose the policy of the open conversation (what the combo box does); stored with the conversation."""
        self.context_policy.setCurrentIndex(max(0, self.context_policy.findData(policy)))

    @Slot(int)
    def _on_policy_chosen(self, _index: int) -> None:
        if self.conversation_id is None:
            return
        try:
            conversation = self.store.get_conversation(self.conversation_id)
            if context_policy_of(conversation.settings) != self.selected_policy():
                self.store.update_conversation(self.conversation_id, settings={
                    **conversation.settings, "context_policy": self.selected_policy()})
        except ModelNestError as exc:
            self.show_status(functools.partial(tr_text, exc))

    @Slot(object)
    def _on_planned(self, plan: object) -> None:
        predicted = getattr(plan, "predicted", None)
        if predicted is not None:
            self.gauges.show_prediction(predicted.low, predicted.high)

    @Slot(object)
    def _on_context_usage(self, usage: ContextUsage) -> None:
        self._usage = usage
        self.gauges.show_context(usage.tokens, usage.n_ctx)
        if usage.dropped:
            dropped = usage.dropped
            self.show_status(lambda: self.tr("{0} earlier message(s) were left out so the conversation fits the "
                                             "model's context; they are still in the history.").format(dropped),
                             15000)

    @Slot(object)
    def _on_reply_delta(self, event: ReplyDelta) -> None:
        if event.message_id != self.view.streaming_id:
            return
        if event.tokens:
            self._hide_prompt_progress()  # the prompt is read: the reply itself shows progress
        self.view.append_stream(event.text)
        self._live = event
        self.gauges.show_delta(event)
        if self._usage is not None:
            self.gauges.show_context(self._usage.tokens + event.tokens, self._usage.n_ctx)

    @Slot(object)
    def _on_reply_finished(self, event: ReplyFinished) -> None:
        self._hide_prompt_progress()
        summary = event.summary
        if summary is not None:
            self.gauges.show_summary(summary)
            if self.controller.remote is not None:
                self._tell_remote_timing(summary)
            else:
                self._learn_from(summary)
        if event.message.conversation_id == self.conversation_id:
            self.view.finish_streaming(event.message)
        if event.status == "stopped":
            self.show_status(lambda: self.tr("Stopped; the partial reply was kept."))
        elif summary is not None and summary.stop_reason == "context_full":
            self._tell_context_full(summary.prompt_tokens + summary.tokens)
        self.refresh_conversations()
        self._update_buttons()

    def _learn_from(self, summary: GenerationSummary) -> None:
        """Show the measured speed beside the prediction and record it, so the next prediction starts from it."""
        planned = self.panel.current_plan
        report = self.controller.report
        if planned is None or report is None or measured_run(summary) is None:  # core's calibration policy
            return
        self.panel.set_measured(summary.decode_tokens_per_s)
        params = EngineParams.from_dict(report.params)

        def record(_control: JobControl) -> object:  # a small JSON file written atomically: off the GUI thread
            return learn_from_summary(planned, params, summary)

        self.calibration_job = self.ctx.background.submit(record, on_result=self._on_calibration_recorded,
                                                          on_error=self._on_calibration_failed)

    def _on_calibration_recorded(self, run: object) -> None:
        if run is not None:  # recorded: predictions elsewhere (the Models page) may have moved
            self.ctx.hardware.note_calibration()

    def _on_calibration_failed(self, error: BaseException) -> None:
        # Not recording one run only makes the next prediction less informed; say it without interrupting.
        self.show_status(lambda: self.tr("The measured speed could not be recorded: {0}").format(tr_text(error)))

    @Slot(object)
    def _on_engine_failed(self, error: EngineError) -> None:
        if self.controller.remote is not None:
            if isinstance(error, EngineCrashed | EngineHung):  # RemoteInterrupted is an EngineCrashed
                self._show_error(lambda: self.tr("The remote server stopped answering in the middle of the reply. "
                                                 "The part that arrived was kept."), error)
            else:
                self._show_error(lambda: self.tr("The remote server could not write the reply. Every message was "
                                                 "kept."), error)
            self._update_buttons()
            return
        if self.controller.report is None:
            self._set_model_status(lambda: self.tr("No model loaded (the engine stopped)."))
            self._stop_server_after_death()
        if isinstance(error, EngineCrashed | EngineHung):
            self._show_error(lambda: self.tr("The engine stopped while writing the reply. Every message was kept."),
                             error)
        else:  # the engine is fine; this reply could not be written
            self._show_error(lambda: self.tr("The reply could not be written. Every message was kept."), error)
        self._update_buttons()

    @Slot(object)
    def _on_engine_died(self, error: EngineError) -> None:
        """The engine died while idle: shown at once, and not as a failed reply (none was being written)."""
        self._stop_server_after_death()
        self._set_model_status(lambda: self.tr("No model loaded (the engine stopped)."))
        self._show_error(lambda: self.tr("The engine stopped while it was idle. No reply was being written, and "
                                         "every message was kept."), error)
        self._update_buttons()

    def _tell_context_full(self, tokens: int) -> None:
        """The reply filled the context and stopped: say so, and what happens next under this conversation's policy."""
        usage = self._usage
        n_ctx = usage.n_ctx if usage is not None else tokens
        self.gauges.show_context(tokens, n_ctx)
        if self.selected_policy() == "stop":
            self.show_status(lambda: self.tr(
                "The reply stopped because the model's context ({0:,} tokens) is full. Start a new conversation, "
                "choose another Context setting for this one, or load the model with a longer context.").format(n_ctx),
                30000)
        else:
            self.show_status(lambda: self.tr(
                "The reply stopped because the model's context ({0:,} tokens) is full. Send a message to go on: "
                "earlier messages will be left out to make room.").format(n_ctx), 30000)

    @Slot(object)
    def _on_turn_failed(self, error: ModelNestError) -> None:
        if isinstance(error, ContextLimitReached):
            self.gauges.show_context(error.tokens, error.n_ctx)
            self._show_error(lambda: self.tr("This conversation no longer fits the model's context."), error)
            if self.conversation_id is not None:
                self.view.show_conversation(self.store.list_messages(self.conversation_id))
            self._update_buttons()
            return
        self._show_error(lambda: self.tr("The message could not be sent."), error)
        if self.conversation_id is not None:
            self.view.show_conversation(self.store.list_messages(self.conversation_id))
        self._update_buttons()

    @Slot(object)
    def _on_store_warning(self, message: Text) -> None:
        self.show_status(lambda: self.tr("The reply could not be saved yet: {0}").format(tr_text(message)), 15000)

    @Slot(str)
    def _on_copied(self, text: str) -> None:
        count = len(text)
        self.show_status(lambda: self.tr("Copied {0} characters.").format(count), 3000)

    # ---- sensors --------------------------------------------------------------------------------------------
    def _want_sensors(self) -> None:
        """Live sensors while the page is on screen or a reply is being written (the app samples once for all)."""
        self._sensors.want(self.isVisible() or self.controller.busy)

    @property
    def sensors_held(self) -> bool:
        return self._sensors.held

    def _watch_throttling(self, reading: SensorReading, gpu_used: bool) -> None:
        """Warn once per reply when the machine slows itself down because it is hot (temperature up, speed down)."""
        if not self.controller.busy or self._live is None:
            return
        # Core's one rule (the hardware card uses it too): which device, which figures, what counts as thermal.
        verdict = self._throttle.add_reading(reading, gpu_used=gpu_used, tokens_per_s=self._live.decode_tokens_per_s)
        if verdict.throttling and not self._throttle_warned:
            self._throttle_warned = True
            reason = verdict.reason
            self.show_status(lambda: self.tr("Your computer is slowing down to cool off ({0}); replies will be "
                                             "slower.").format(tr_text(reason)), 15000)

    @Slot(object)
    def _on_sensors(self, reading: SensorReading) -> None:
        gpu_used = self.controller.report is not None and self.controller.report.gpu_layers_offloaded > 0
        self._watch_throttling(reading, gpu_used)
        self.gauges.show_reading(reading, watched_gpu(reading, gpu_used))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._want_sensors()
        latest = self.ctx.hardware.latest_reading
        if latest is not None:
            self._on_sensors(latest)  # the last sample at once, not a blank gauge until the next one
        if not self._opened_first:
            self._opened_first = True
            ids = self.conversation_ids()
            if self.conversation_id is None and ids:
                self.open_conversation(ids[0])

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)
        self._want_sensors()

    # ---- lifetime ------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """End the engine and its thread (waits) and give up the sensors; the history keeps everything committed."""
        self.panel.stop_planning()
        self.server.shutdown()  # before the engine goes: its clients are cancelled, its thread joined
        self.controller.shutdown()
        self._sensors.release()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)
