"""Add remote server…: an OpenAI-compatible server's address, an optional token (kept in the OS keychain), and the
models its /v1/models lists, asked in the background so the window never waits on the network."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from modelnest.core.chat.remote import RemoteEngine, RemoteHost, RemoteRefused, normalize_url
from modelnest.core.engine.errors import EngineError
from modelnest.core.errors import ModelNestError
from modelnest.core.messages import Message
from modelnest.gui.background import JobControl
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

if TYPE_CHECKING:
    from modelnest.gui.context import AppContext

__all__ = ["AddRemoteDialog"]


class AddRemoteDialog(QDialog):
    """Asks for URL, name and token; "List models" asks the server; Add remembers it (the token in the keychain)."""

    models_listed = Signal(list)  # the ids the server listed (tests wait on it)
    list_failed = Signal(str)  # why not, in the UI language
    added = Signal(object)  # RemoteHost, after Add

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("add_remote_dialog")
        self._ctx = ctx
        self._listed_for: tuple[str, str] | None = None  # (url, token) the model list belongs to
        self.host: RemoteHost | None = None
        self.keychain_notice: Message | None = None  # set when the token could only be kept for this session
        self._texts = Retranslator(self)
        tr = self._texts.add
        tr(lambda: self.setWindowTitle(self.tr("Add remote server")))
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        tr(lambda: self.intro.setText(self.tr("Any OpenAI-compatible server: vLLM, llama.cpp's server, Ollama, "
                                              "LM Studio or your team's inference host.")))
        self.url = QLineEdit()
        self.url.setObjectName("remote_url")
        self.url.setPlaceholderText("http://gpu-box.lan:8000")
        self.name = QLineEdit()
        self.name.setObjectName("remote_name")
        tr(lambda: self.name.setPlaceholderText(self.tr("optional, e.g. team GPU server")))
        self.token = QLineEdit()
        self.token.setObjectName("remote_token")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        tr(lambda: self.token.setPlaceholderText(self.tr("optional; kept in the system keychain")))
        self.list_button = QPushButton()
        self.list_button.setObjectName("remote_list_models")
        tr(lambda: self.list_button.setText(self.tr("List models")))
        self.list_button.clicked.connect(self.list_models)
        self.models = QListWidget()
        self.models.setObjectName("remote_models")
        self.models.setMaximumHeight(120)
        self.status = QLabel()
        self.status.setObjectName("remote_status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.setObjectName("remote_add")
        tr(lambda: self.add_button.setText(self.tr("Add")))
        self.add_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for edit in (self.url, self.token):
            edit.textChanged.connect(self._inputs_changed)

        form = QFormLayout()
        labels = [QLabel() for _ in range(3)]
        tr(lambda: labels[0].setText(self.tr("Address")))
        tr(lambda: labels[1].setText(self.tr("Name")))
        tr(lambda: labels[2].setText(self.tr("Token")))
        form.addRow(labels[0], self.url)
        form.addRow(labels[1], self.name)
        form.addRow(labels[2], self.token)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.list_button)
        layout.addWidget(self.models)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(480, 380)

    @Slot()
    def _inputs_changed(self) -> None:
        # A model list is only good for the address and token it was asked with.
        self.add_button.setEnabled(self._listed_for == (self.url.text().strip(), self.token.text()))

    @Slot()
    def list_models(self) -> None:
        text, token = self.url.text().strip(), self.token.text()
        try:
            url = normalize_url(text)
        except ModelNestError as exc:
            self._failed(exc)
            return
        self.list_button.setEnabled(False)
        self.status.setText(self.tr("Asking {0} for its models…").format(url))

        def work(_control: JobControl) -> list[str]:
            with RemoteEngine(url, token or None, connect_timeout=10.0, read_timeout=30.0) as remote:
                return remote.models()

        def done(models: list[str]) -> None:
            self.list_button.setEnabled(True)
            self.models.clear()
            self.models.addItems(models)
            self._listed_for = (text, token)
            if models:
                self.status.setText(self.tr("{0} model(s) on this server.").format(len(models)))
            else:
                self.status.setText(self.tr("The server lists no models."))
            self._inputs_changed()
            self.models_listed.emit(models)

        self._ctx.background.submit(work, key="remote-models", on_result=done, on_error=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.list_button.setEnabled(True)
        self._listed_for = None
        self._inputs_changed()
        if isinstance(error, RemoteRefused) and error.status == 401:
            text = self.tr("The server needs a token: enter it above and list the models again.")
        else:
            text = tr_text(error.explanation) if isinstance(error, EngineError) else tr_text(error)
        self.status.setText(text)
        self.list_failed.emit(text)

    def accept(self) -> None:
        if self._listed_for is None:
            return
        text, token = self._listed_for
        models = [self.models.item(i).text() for i in range(self.models.count())]
        host = self._ctx.remotes.add(text, self.name.text().strip(), models)
        if token:
            self.keychain_notice = self._ctx.remotes.tokens.save(host.url, token)
        self.host = host
        self.added.emit(host)
        super().accept()
