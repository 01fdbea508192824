"""The serve switch in the real chat page: the official openai client and the chat take turns on one engine.

The page's engine, the page's history file and a real uvicorn server on 127.0.0.1; the client runs in a thread
while the test's thread spins the Qt event loop (qtbot.waitUntil), as the app would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openai
import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot
from support.processes import gone

from modelnest.core.chat.session import ReplyFinished, ReplyStarted
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.server.worker import Job
from modelnest.gui.chat import ChatPage
from modelnest.gui.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

LOAD_TIMEOUT = 60_000
REPLY_TIMEOUT = 90_000
API_TOKENS = 24
GUI_TOKENS = 12


def _engine() -> EngineClient:
    return EngineClient(hang_timeout=15.0, cancel_grace=3.0, ledger=CrashLedger())


@pytest.fixture
def page(qtbot: QtBot, app_context: AppContext, tiny_model: Path) -> Iterator[ChatPage]:
    p = ChatPage(app_context, engine_factory=_engine)
    qtbot.addWidget(p)
    p.resize(1200, 780)
    p.show()
    p.panel.add_model(str(tiny_model))
    p.panel.n_ctx.setValue(1024)
    p.panel.threads.setValue(2)
    p.panel.max_tokens.setValue(GUI_TOKENS)
    p.panel.seed.setValue(5)
    p.panel.ignore_eos = True  # the random model cannot end a reply early
    with qtbot.waitSignal(p.controller.model_loaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(p.panel.load_button, Qt.MouseButton.LeftButton)
    yield p
    pid = p.controller.engine_pid()
    p.shutdown()
    if pid is not None:
        assert gone(pid), "engine process left behind"


def serve(qtbot: QtBot, page: ChatPage) -> openai.OpenAI:
    assert page.server.isEnabled()  # a local model is loaded
    page.server_section.set_expanded(True)
    page.server.port.setValue(0)
    with qtbot.waitSignal(page.server.serving_changed, timeout=30_000) as started:
        qtbot.mouseClick(page.server.switch, Qt.MouseButton.LeftButton)
    assert started.args == [True]
    return openai.OpenAI(base_url=page.server.address.text(), api_key=page.server.token.text(), max_retries=0,
                         timeout=120)


@dataclass
class Stream:
    """One streaming chat completion read in a thread; after each piece it waits for the GUI's timer to tick."""

    client: openai.OpenAI
    model: str
    ticked: threading.Event
    seed: int = 3
    pieces: list[str] = field(default_factory=list)
    ticks_between: list[bool] = field(default_factory=list)
    finish: str | None = None
    usage: int | None = None
    error: BaseException | None = None
    first: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        try:
            stream = self.client.chat.completions.create(
                model=self.model, messages=[{"role": "user", "content": "count"}], max_tokens=API_TOKENS,
                temperature=0.8, seed=self.seed, stream=True, stream_options={"include_usage": True},
                extra_body={"ignore_eos": True})
            for chunk in stream:
                if chunk.usage is not None:
                    self.usage = chunk.usage.completion_tokens
                for choice in chunk.choices:
                    if choice.delta.content:
                        self.pieces.append(choice.delta.content)
                        self.first.set()
                        # The event loop runs while we are served: a tick arrives after this piece was read.
                        self.ticked.clear()
                        self.ticks_between.append(self.ticked.wait(60))
                    if choice.finish_reason:
                        self.finish = choice.finish_reason
        except BaseException as exc:  # noqa: BLE001 - reported to the test's thread
            self.error = exc
        finally:
            self.first.set()
            self.done.set()


def test_the_api_and_the_chat_take_turns_and_the_window_keeps_running(
        qtbot: QtBot, page: ChatPage, tiny_model: Path) -> None:
    client = serve(qtbot, page)
    assert [m.id for m in client.models.list().data] == [tiny_model.stem]
    jobs: list[Job] = []
    server = page.server.server
    assert server is not None
    server.worker.on_submitted = jobs.append

    ticked = threading.Event()
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(ticked.set)
    timer.start()
    stream = Stream(client, tiny_model.stem, ticked)
    thread = threading.Thread(target=stream.run)
    seen_at_start: list[tuple[int, bool]] = []

    def started(event: ReplyStarted) -> None:
        job = jobs[0]
        seen_at_start.append((job.tokens_seen, job.in_engine))

    page.controller.reply_started.connect(started)
    lock = page.controller.engine_lock
    try:
        # The test takes a turn first (as a long request would), so both others must queue, in this order:
        # the API's request, then the window's message. The lock serves them first come, first served.
        with lock:
            thread.start()
            qtbot.waitUntil(lambda: lock.waiting == 1, timeout=REPLY_TIMEOUT)
            page.input.setPlainText("hello from the window")
            with qtbot.waitSignal(page.controller.waiting_for_engine, timeout=REPLY_TIMEOUT):
                qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
            assert "Waiting for the local API server" in page.status_message.text()
            qtbot.waitUntil(lambda: lock.waiting == 2, timeout=REPLY_TIMEOUT)
        with qtbot.waitSignal(page.controller.reply_finished, timeout=REPLY_TIMEOUT) as finished:
            pass
        qtbot.waitUntil(stream.done.is_set, timeout=REPLY_TIMEOUT)
    finally:
        timer.stop()
        thread.join(60)
    assert stream.error is None, stream.error
    # the API's stream: every token, complete, and the window's loop ticked between every two pieces
    assert len(stream.pieces) == API_TOKENS and stream.usage == API_TOKENS and stream.finish == "length"
    assert all(stream.ticks_between) and len(stream.ticks_between) == API_TOKENS
    # the chat started only once the API's request had produced all its tokens and left the engine
    assert seen_at_start == [(API_TOKENS, False)]
    reply = finished.args[0]
    assert isinstance(reply, ReplyFinished) and reply.status == "complete", reply.error
    assert reply.summary is not None and reply.summary.tokens == GUI_TOKENS
    # nothing lost, in order: the same request again (same seed, not streamed) gives the same text
    again = client.chat.completions.create(
        model=tiny_model.stem, messages=[{"role": "user", "content": "count"}], max_tokens=API_TOKENS,
        temperature=0.8, seed=stream.seed, extra_body={"ignore_eos": True})
    assert again.choices[0].message.content == "".join(stream.pieces)
    # the API's chats are not in the user's history; the window's is
    conversations = page.store.list_conversations()
    assert len(conversations) == 1
    messages = page.store.list_messages(conversations[0].id)
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[0].content == "hello from the window" and messages[1].content == reply.message.content


def test_stop_while_waiting_for_the_api_stops_the_chat_not_the_api(
        qtbot: QtBot, page: ChatPage, tiny_model: Path) -> None:
    client = serve(qtbot, page)
    ticked = threading.Event()
    stream = Stream(client, tiny_model.stem, ticked)
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(ticked.set)
    timer.start()
    thread = threading.Thread(target=stream.run)
    lock = page.controller.engine_lock
    try:
        with lock:  # the API's request queues first, the window's message after it
            thread.start()
            qtbot.waitUntil(lambda: lock.waiting == 1, timeout=REPLY_TIMEOUT)
            page.input.setPlainText("never mind")
            with qtbot.waitSignal(page.controller.waiting_for_engine, timeout=REPLY_TIMEOUT):
                qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: lock.waiting == 2, timeout=REPLY_TIMEOUT)
            # Stop while the window waits its turn: it must not cancel the API's request (which holds no engine
            # yet either), only the window's own reply once it starts.
            qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
        with qtbot.waitSignal(page.controller.reply_finished, timeout=REPLY_TIMEOUT) as finished:
            pass
        qtbot.waitUntil(stream.done.is_set, timeout=REPLY_TIMEOUT)
    finally:
        timer.stop()
        thread.join(60)
    assert stream.error is None, stream.error
    assert len(stream.pieces) == API_TOKENS and stream.finish == "length"  # the API's reply ran to its end
    reply = finished.args[0]
    assert isinstance(reply, ReplyFinished) and reply.status == "stopped" and reply.message.content == ""
    stored = page.store.list_messages(reply.message.conversation_id)
    assert [(m.role, m.content, m.status) for m in stored] == [("user", "never mind", "complete"),
                                                                ("assistant", "", "stopped")]


def test_unloading_the_model_stops_the_server_with_a_message(qtbot: QtBot, page: ChatPage) -> None:
    client = serve(qtbot, page)
    assert client.models.list().data
    with qtbot.waitSignal(page.controller.model_unloaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(page.panel.unload_button, Qt.MouseButton.LeftButton)
    assert page.server.server is None and not page.server.switch.isChecked()
    assert "stopped because the model was changed" in page.status_message.text()
    assert not page.server.isEnabled()  # nothing to serve until a model is loaded again
    with pytest.raises(openai.APIConnectionError):
        client.models.list()


def test_a_kept_api_chat_is_listed_in_the_sidebar_at_once(qtbot: QtBot, page: ChatPage, tiny_model: Path) -> None:
    """"Keep API chats in my history" on: the chat an editor sent appears among the conversations as soon as it
    is saved, not at the window's next refresh."""
    page.server_section.set_expanded(True)
    page.server.keep_history.setChecked(True)
    client = serve(qtbot, page)
    before = page.conversation_ids()
    with qtbot.waitSignal(page.server.chat_saved, timeout=REPLY_TIMEOUT) as saved:
        client.chat.completions.create(model=tiny_model.stem, max_tokens=2, extra_body={"ignore_eos": True},
                                       messages=[{"role": "user", "content": "from my editor"}])
    conversation_id = saved.args[0]
    assert conversation_id not in before and conversation_id in page.conversation_ids()
    assert page.store.get_conversation(conversation_id).title == "from my editor"
    with qtbot.waitSignal(page.server.serving_changed, timeout=30_000):
        qtbot.mouseClick(page.server.switch, Qt.MouseButton.LeftButton)
