"""A switch that serves the loaded model over the local OpenAI-compatible API, with its address, token and warnings.

Off until the user turns it on. The server (core/server) runs on the chat's own engine process; the caller passes
how to reach that engine and the lock its chat worker holds around each turn, so the chat and the API take turns
on the engine and never generate at once. Starting and stopping run through the app's background helper (binding
is quick, but stopping waits for open streams to end), so the window never blocks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from modelnest.core.engine.client import EngineClient
from modelnest.core.server.config import ServerConfig, new_token, token_from_env
from modelnest.core.server.history_log import ApiHistory
from modelnest.core.server.run import ApiServer
from modelnest.core.server.turns import EngineLock
from modelnest.gui.background import Background, JobControl
from modelnest.gui.chat.compat import emit
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

__all__ = ["ServerPanel"]

DEFAULT_PORT = 8080


class _ServerHolder:
    """The running server, reachable from a partial on ``destroyed`` (the panel itself is gone by then)."""

    def __init__(self) -> None:
        self.server: ApiServer | None = None

    def stop(self, *_: object) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.stop()


class ServerPanel(QWidget):
    """Serve switch, port, "other computers may connect" choice, the address and token to copy, and warnings."""

    serving_changed = Signal(bool)  # after the server started (True) or stopped (False); tests wait on it
    failed = Signal(str)  # a start that failed, in the UI language
    chat_saved = Signal(int)  # an API chat was kept in the history ("Keep API chats"): its conversation id

    def __init__(
        self,
        background: Background,
        engine: Callable[[], EngineClient | None],
        model_id: Callable[[], str | None],
        engine_lock: EngineLock | None = None,
        parent: QWidget | None = None,
        history_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._history_path = history_path  # where "Keep API chats in my history" writes (the app's history)
        self._background = background
        self._engine = engine
        self._model_id = model_id
        self._engine_lock = engine_lock
        self._server: ApiServer | None = None
        self._busy = False

        self._holder = _ServerHolder()
        # Deleted without shutdown() (no close event reaches a child widget): the server must not outlive us.
        self.destroyed.connect(functools.partial(_ServerHolder.stop, self._holder))
        self._texts = Retranslator(self)
        tr = self._texts.add

        self.switch = QCheckBox()
        self.switch.setObjectName("serve_switch")
        tr(lambda: self.switch.setText(self.tr("Serve the loaded model")))
        self.switch.toggled.connect(self._on_toggled)
        self.about = QLabel()
        self.about.setObjectName("serve_about")
        self.about.setWordWrap(True)
        tr(lambda: self.about.setText(self.tr("An OpenAI-compatible API on this computer, for editors, scripts and "
                                              "agents. The chat and the API take turns on the model.")))
        self.port = QSpinBox()
        self.port.setObjectName("serve_port")
        self.port.setRange(0, 65535)
        self.port.setValue(DEFAULT_PORT)
        tr(lambda: self.port.setToolTip(self.tr("0 picks any free port")))
        self.everywhere = QCheckBox()
        self.everywhere.setObjectName("serve_everywhere")
        tr(lambda: self.everywhere.setText(self.tr("Let other computers connect")))
        tr(lambda: self.everywhere.setToolTip(self.tr("Listen on every network address instead of this computer "
                                                      "only (the token is still required)")))
        self.keep_history = QCheckBox()
        self.keep_history.setObjectName("serve_keep_history")
        tr(lambda: self.keep_history.setText(self.tr("Keep API chats in my history")))
        tr(lambda: self.keep_history.setToolTip(self.tr("Off: what editors and scripts send is not saved. On: each "
                                                        "finished chat request becomes a conversation marked API.")))
        self.address = QLineEdit()
        self.address.setObjectName("serve_address")
        self.address.setReadOnly(True)
        self.token = QLineEdit()
        self.token.setObjectName("serve_token")
        self.token.setReadOnly(True)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_token = QCheckBox()
        tr(lambda: self.show_token.setText(self.tr("Show")))
        self.show_token.toggled.connect(self._on_show_token)
        self.copy_token = QPushButton()
        tr(lambda: self.copy_token.setText(self.tr("Copy token")))
        self.copy_token.clicked.connect(self._on_copy_token)
        self.warning = QLabel()
        self.warning.setObjectName("serve_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #a4262c;")
        self.warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        tr(lambda: self.note.setText(self.tr("Requests need the header Authorization: Bearer TOKEN. Chats over the "
                                             "API are not saved in your history unless you keep them above.")))

        token_row = QHBoxLayout()
        token_row.addWidget(self.show_token)
        token_row.addWidget(self.copy_token)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        port_label, address_label, token_label = QLabel(), QLabel(), QLabel()
        tr(lambda: port_label.setText(self.tr("Port")))
        tr(lambda: address_label.setText(self.tr("Address")))
        tr(lambda: token_label.setText(self.tr("Token")))
        form.addRow(port_label, self.port)
        form.addRow(address_label, self.address)
        form.addRow(token_label, self.token)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.switch)
        layout.addWidget(self.about)
        layout.addWidget(self.everywhere)
        layout.addWidget(self.keep_history)
        layout.addLayout(form)
        layout.addLayout(token_row)
        layout.addWidget(self.warning)
        layout.addWidget(self.note)
        tr(self._show_state)

    # ---- state ------------------------------------------------------------------------------------------
    @property
    def server(self) -> ApiServer | None:
        return self._server

    @property
    def busy(self) -> bool:
        """Starting or stopping (the switch is disabled meanwhile)."""
        return self._busy

    def _show_state(self) -> None:
        serving = self._server is not None
        self.port.setEnabled(not serving and not self._busy)
        self.everywhere.setEnabled(not serving and not self._busy)
        self.keep_history.setEnabled(not serving and not self._busy)
        self.switch.setEnabled(not self._busy)
        self.copy_token.setEnabled(serving)
        self.show_token.setEnabled(serving)
        if self._server is None:
            self.address.clear()
            self.token.clear()
            self.warning.setText("")
            self.warning.setVisible(False)
            return
        self.address.setText(self._server.url)
        self.token.setText(self._server.config.token)
        self.warning.setText("\n".join(tr_text(w) for w in self._server.config.warnings()))
        self.warning.setVisible(bool(self.warning.text()))

    def _set_switch(self, on: bool) -> None:
        self.switch.blockSignals(True)
        self.switch.setChecked(on)
        self.switch.blockSignals(False)

    # ---- slots ------------------------------------------------------------------------------------------
    @Slot(bool)
    def _on_toggled(self, on: bool) -> None:
        if on:
            self.start()
        else:
            self.stop()

    @Slot(bool)
    def _on_show_token(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    @Slot()
    def _on_copy_token(self) -> None:
        QGuiApplication.clipboard().setText(self.token.text())

    def start(self) -> None:
        """Start serving the engine's loaded model (the switch shows the outcome)."""
        engine, model = self._engine(), self._model_id()
        if engine is None or engine.loaded is None or not model:
            self._set_switch(False)
            self.failed.emit(self.tr("Load a model first; then it can be served."))
            return
        host = "0.0.0.0" if self.everywhere.isChecked() else "127.0.0.1"
        port, lock = self.port.value(), self._engine_lock
        keep, history_path = self.keep_history.isChecked(), self._history_path

        def work(control: JobControl) -> ApiServer:
            token = token_from_env() or new_token()
            config = ServerConfig(token=token, host=host, port=port, model_id=model,
                                  n_ctx=engine.loaded.n_ctx if engine.loaded else 0)
            # on_saved runs on the recorder's thread: the signal is queued to the window's thread
            history = ApiHistory(history_path, on_saved=self._chat_saved) if keep else None
            return ApiServer(engine, config, engine_lock=lock, history=history).start()

        self._busy = True
        self._show_state()
        self._background.submit(work, key="api-server", on_result=self._started, on_error=self._start_failed)

    def _chat_saved(self, conversation_id: int) -> None:
        """On the recorder's thread: the signal is queued to the window's thread (the panel may be gone by then)."""
        try:
            emit(self.chat_saved, conversation_id)
        except RuntimeError:  # the window closed while the last chat was written: nothing to tell
            pass

    def _started(self, server: ApiServer) -> None:
        self._busy = False
        self._server = self._holder.server = server
        self._set_switch(True)
        self._show_state()
        self.serving_changed.emit(True)

    def _start_failed(self, error: BaseException) -> None:
        self._busy = False
        self._set_switch(False)
        self._show_state()
        self.failed.emit(tr_text(error))

    def stop(self) -> None:
        """Stop serving: the running request is cancelled, waiting ones are dropped."""
        server = self._server
        if server is None:
            self._set_switch(False)
            return
        self._busy = True
        self._show_state()

        def work(control: JobControl) -> None:
            server.stop()

        self._background.submit(work, key="api-server", on_result=self._stopped, on_error=self._stopped)

    def _stopped(self, _result: object = None) -> None:
        self._busy = False
        self._server = self._holder.server = None
        self._set_switch(False)
        self._show_state()
        self.serving_changed.emit(False)

    def shutdown(self) -> None:
        """At application exit: stop at once in this thread (the background helper is shutting down too)."""
        self._holder.stop()
        self._server = None
