"""The chat page with real widgets, the real engine process and a real history file (pytest-qt, offscreen).

Every page runs on an application context replaying a recorded CPU-only desktop (``app_context``), never this
host's live probe. Tests that interrupt a reply load with ``ignore_eos``: the random model cannot end it early.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from support.app_context import recorded_context
from support.processes import gone

from modelnest.core import paths
from modelnest.core.chat.history import HistoryStore
from modelnest.core.chat.session import ReplyDelta, ReplyFinished
from modelnest.core.engine.client import CrashLedger, EngineClient, ProgressEvent
from modelnest.core.hardware import GpuSensors, SensorReading, ThrottleDetector
from modelnest.gui.app import apply_language
from modelnest.gui.chat import ChatPage
from modelnest.gui.context import AppContext
from modelnest.gui.i18n import tr_text

# The offscreen platform plugin warns on every top-level show(); it says nothing about our code.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

LOAD_TIMEOUT = 60_000
REPLY_TIMEOUT = 60_000


def _engine() -> EngineClient:
    # A private crash ledger: tests that kill the engine must not make other tests' loads refused.
    return EngineClient(hang_timeout=15.0, cancel_grace=3.0, ledger=CrashLedger())


@pytest.fixture
def other_context(tmp_path: Path) -> Iterator[Callable[[Callable[[Path], None]], AppContext]]:
    """``open(prepare)``: a second recorded context whose files ``prepare(root)`` damaged before it opened them."""
    made: list[AppContext] = []

    def open_context(prepare: Callable[[Path], None]) -> AppContext:
        root = tmp_path / f"other-{len(made)}"
        prepare(root)
        ctx = recorded_context(root)
        made.append(ctx)
        return ctx

    yield open_context
    for ctx in made:
        ctx.shutdown()


@pytest.fixture
def make_page(qtbot: QtBot, app_context: AppContext, other_context: object) -> Iterator[Callable[..., ChatPage]]:
    """``make(ctx=None)``: a page on the test's context (or on ``ctx``, e.g. one opened over a damaged file).

    Pages end before any context does (``other_context`` is set up first, so it is torn down last)."""
    pages: list[ChatPage] = []

    def make(ctx: AppContext | None = None) -> ChatPage:
        page = ChatPage(ctx or app_context, engine_factory=_engine)
        qtbot.addWidget(page)
        page.resize(1100, 700)
        pages.append(page)
        return page

    yield make
    for page in pages:
        pid = page.controller.engine_pid()
        page.shutdown()
        if pid is not None:
            assert gone(pid), "engine process left behind"


def load(qtbot: QtBot, page: ChatPage, model: Path, *, max_tokens: int = 300, ignore_eos: bool = True,
         n_ctx: int = 2048) -> None:
    page.panel.add_model(str(model))
    page.panel.n_ctx.setValue(n_ctx)
    page.panel.threads.setValue(2)
    page.panel.max_tokens.setValue(max_tokens)
    page.panel.seed.setValue(11)
    page.panel.ignore_eos = ignore_eos
    with qtbot.waitSignal(page.controller.model_loaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(page.panel.load_button, Qt.MouseButton.LeftButton)
    assert "llama.cpp allocated" in page.status_model.text()


@pytest.fixture
def page(make_page: Callable[..., ChatPage], qtbot: QtBot, tiny_model: Path) -> ChatPage:
    p = make_page()
    p.show()
    load(qtbot, p, tiny_model)
    return p


@pytest.fixture
def long_page(make_page: Callable[..., ChatPage], qtbot: QtBot, medium_model: Path) -> ChatPage:
    """A page whose replies outlast any step of a test: tests that act on a reply still being written (Stop, Esc,
    a kill, the live gauges) wait for its first delta, then act. The tiny model fills a 2,048-token context in
    0.6 s here, a race on a busy machine; the medium model takes ~26 s to fill 4,096."""
    p = make_page()
    p.show()
    load(qtbot, p, medium_model, max_tokens=100_000, n_ctx=4096)
    return p


def type_and_send(qtbot: QtBot, page: ChatPage, text: str) -> None:
    page.input.setPlainText(text)
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)


def finish(qtbot: QtBot, page: ChatPage) -> ReplyFinished:
    with qtbot.waitSignal(page.controller.reply_finished, timeout=REPLY_TIMEOUT) as blocker:
        pass
    assert isinstance(blocker.args[0], ReplyFinished)
    qtbot.waitUntil(lambda: not page.controller.busy, timeout=REPLY_TIMEOUT)
    return blocker.args[0]


def test_send_streams_tokens_into_the_view_and_history(qtbot: QtBot, page: ChatPage) -> None:
    deltas: list[ReplyDelta] = []
    seen_while_busy: list[bool] = []
    sizes = [page.view.document().characterCount()]

    def on_delta(d: ReplyDelta) -> None:
        deltas.append(d)
        # The streamed text is in the document (which grew) before the reply has finished.
        sizes.append(page.view.document().characterCount())
        seen_while_busy.append(page.controller.busy and page.view.streamed_text().endswith(d.text)
                               and (sizes[-1] > sizes[-2] or not d.text))  # a delta may carry figures only

    page.controller.reply_delta.connect(on_delta)
    with qtbot.waitSignal(page.controller.reply_finished, timeout=REPLY_TIMEOUT) as blocker:
        type_and_send(qtbot, page, "Hello there")
        assert page.controller.busy and page.stop_button.isEnabled() and not page.send_button.isEnabled()
    result: ReplyFinished = blocker.args[0]
    qtbot.waitUntil(lambda: not page.controller.busy)
    assert result.status == "complete" and result.summary is not None and result.summary.tokens == 300
    assert len(deltas) >= 2 and all(seen_while_busy)
    assert [d.tokens for d in deltas] == sorted(d.tokens for d in deltas)
    assert "".join(d.text for d in deltas) == result.message.content == result.summary.text
    messages = page.store.list_messages(page.conversation_id)  # type: ignore[arg-type]
    assert [(m.role, m.status) for m in messages] == [("user", "complete"), ("assistant", "complete")]
    assert messages[0].content == "Hello there"
    assert page.sidebar.conversations.currentItem().text() == "Hello there"
    assert page.input.toPlainText() == "" and page.send_button.isEnabled() and not page.stop_button.isEnabled()
    # After the reply: its TTFT, prefill and decode speed and the settings used are shown with it.
    text = page.view.toPlainText()
    assert re.search(r"first token \d+ ms · prompt [\d.]+ t/s · generation [\d.]+ t/s", text)
    assert "max 300" in text and "seed 11" in text and "ctx 2048" in text


def test_stop_mid_reply_keeps_partial_text_as_stopped(qtbot: QtBot, long_page: ChatPage) -> None:
    long_page.panel.max_tokens.setValue(100_000)  # far more than arrives before Stop
    long_page.panel.n_ctx.setValue(2048)
    shown: list[str] = []
    long_page.controller.reply_delta.connect(lambda d: shown.append(d.text))
    with qtbot.waitSignal(long_page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, long_page, "Tell me everything")
    with qtbot.waitSignal(long_page.controller.reply_finished, timeout=REPLY_TIMEOUT) as blocker:
        qtbot.mouseClick(long_page.stop_button, Qt.MouseButton.LeftButton)
    result: ReplyFinished = blocker.args[0]
    assert result.status == "stopped" and result.summary is not None and result.summary.stop_reason == "cancelled"
    stored = long_page.store.get_message(result.message.id)
    assert stored.status == "stopped" and stored.content and stored.content == "".join(shown)
    assert "Stopped." in long_page.view.toPlainText()
    assert "partial reply was kept" in long_page.status_message.text()
    qtbot.waitUntil(lambda: not long_page.controller.busy)


def test_regenerate_keeps_the_earlier_reply_as_an_alternative(qtbot: QtBot, page: ChatPage) -> None:
    page.panel.max_tokens.setValue(30)
    type_and_send(qtbot, page, "question")
    first = finish(qtbot, page)
    assert page.regenerate_button.isEnabled()
    page.panel.seed.setValue(12)
    qtbot.mouseClick(page.regenerate_button, Qt.MouseButton.LeftButton)
    second = finish(qtbot, page)
    assert second.message.id != first.message.id and second.status == "complete"
    messages = page.store.list_messages(page.conversation_id)  # type: ignore[arg-type]
    assert [m.id for m in messages] == [messages[0].id, second.message.id]
    assert page.view.message_ids() == [messages[0].id, second.message.id]
    assert second.stats["settings"]["seed"] == 12
    assert messages[1].alternatives == (first.message.id, second.message.id)
    assert "2/2" in page.view.toPlainText() and f"alt:{first.message.id}" in page.view.toHtml()
    page.view.anchorClicked.emit(QUrl(f"alt:{first.message.id}"))  # the back arrow beside the reply
    assert page.view.message_ids() == [messages[0].id, first.message.id] and "1/2" in page.view.toPlainText()
    # Stored: a store opened afresh on the file (a restart) shows the chosen reply and both alternatives.
    with HistoryStore.open(page.store.path) as reopened:
        again = reopened.list_messages(page.conversation_id)  # type: ignore[arg-type]
        assert again[1].id == first.message.id and again[1].alternatives == (first.message.id, second.message.id)


def test_edit_a_middle_message_and_the_conversation_continues_from_there(qtbot: QtBot, page: ChatPage) -> None:
    page.panel.max_tokens.setValue(12)
    for text in ("one", "two", "three"):
        type_and_send(qtbot, page, text)
        finish(qtbot, page)
    ids = page.view.message_ids()
    assert len(ids) == 6 and f"edit:{ids[2]}" in page.view.toHtml()  # every message of yours can be edited
    page.view.anchorClicked.emit(QUrl(f"edit:{ids[2]}"))  # "two"
    assert page.input.toPlainText() == "two" and page.editing_label.isVisible()
    page.input.setPlainText("two, said better")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    result = finish(qtbot, page)
    messages = page.store.list_messages(page.conversation_id)  # type: ignore[arg-type]
    assert [m.content for m in messages[:3]] == ["one", messages[1].content, "two, said better"]
    assert [m.id for m in messages] == [*ids[:3], result.message.id] == page.view.message_ids()
    assert page.delete_message(ids[1])  # the Delete link (after its confirmation) of the first reply
    assert page.view.message_ids() == [ids[0], ids[2], result.message.id]


def test_edit_and_resend_the_last_user_message(qtbot: QtBot, page: ChatPage) -> None:
    page.panel.max_tokens.setValue(20)
    type_and_send(qtbot, page, "first try")
    finish(qtbot, page)
    user_id = page.view.message_ids()[0]
    page.view.anchorClicked.emit(QUrl(f"edit:{user_id}"))  # the Edit link beside the message
    assert page.input.toPlainText() == "first try" and page.editing_label.isVisible()
    page.input.setPlainText("second try")
    qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
    result = finish(qtbot, page)
    messages = page.store.list_messages(page.conversation_id)  # type: ignore[arg-type]
    assert (messages[0].id, messages[0].role, messages[0].content) == (user_id, "user", "second try")
    assert [m.id for m in messages] == [user_id, result.message.id] == page.view.message_ids()
    assert not page.editing_label.isVisible()


def test_switching_conversations_while_generating_is_refused(qtbot: QtBot, long_page: ChatPage) -> None:
    long_page.panel.max_tokens.setValue(20)
    type_and_send(qtbot, long_page, "older chat")
    finish(qtbot, long_page)
    older = long_page.conversation_id
    long_page.new_conversation()
    newer = long_page.conversation_id
    long_page.panel.max_tokens.setValue(100_000)
    with qtbot.waitSignal(long_page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, long_page, "newer chat")
    older_row = long_page.conversation_ids().index(older)
    long_page.sidebar.conversations.setCurrentRow(older_row)  # the user clicks the other conversation
    assert long_page.conversation_id == newer
    assert long_page.sidebar.conversations.currentItem().data(Qt.ItemDataRole.UserRole) == newer
    assert "Stop it before switching" in long_page.status_message.text()
    assert not long_page.sidebar.new_button.isEnabled() and long_page.new_conversation() is None
    assert long_page.delete_conversation(newer) is False
    long_page.controller.stop()
    result = finish(qtbot, long_page)
    assert result.message.conversation_id == newer and result.status == "stopped"
    long_page.sidebar.conversations.setCurrentRow(long_page.conversation_ids().index(older))
    assert long_page.conversation_id == older
    assert long_page.store.list_messages(older)[0].content == "older chat"  # type: ignore[arg-type]


def test_gauges_show_live_plausible_values(qtbot: QtBot, long_page: ChatPage, app_context: AppContext) -> None:
    long_page.panel.max_tokens.setValue(100_000)
    readings: list[SensorReading] = []
    app_context.hardware.reading.connect(readings.append)  # the app's one sampler, on the recorded machine
    assert long_page.sensors_held  # the long_page is shown
    type_and_send(qtbot, long_page, "count")
    qtbot.waitUntil(lambda: len(readings) >= 2 and long_page.controller.busy, timeout=REPLY_TIMEOUT)
    gauges = long_page.gauges
    qtbot.waitUntil(lambda: "tokens/s" in gauges.tps.text() and "–" not in gauges.tps.text())
    tps = float(gauges.tps.text().split()[0])
    ttft = float(gauges.ttft.text().split()[2])
    tokens = int(gauges.tokens.text().split()[0])
    assert 1 < tps < 1_000_000 and 0 < ttft < 60_000 and tokens > 0
    qtbot.waitUntil(lambda: int(gauges.tokens.text().split()[0]) > tokens)  # live, not a snapshot
    reading = readings[-1]
    # The recorded desktop reports a CPU package temperature and a load: both shown as the sampler read them.
    assert reading.cpu_temperature_c is not None and reading.cpu_percent is not None
    assert gauges.temp.text() == f"CPU {reading.cpu_temperature_c:.0f} °C"
    assert gauges.load.text() == f"CPU load {reading.cpu_percent:.0f} %"
    long_page.controller.stop()
    finish(qtbot, long_page)


def test_sensors_are_wanted_while_shown_or_replying(qtbot: QtBot, long_page: ChatPage, app_context: AppContext) -> None:
    hardware = app_context.hardware
    assert long_page.sensors_held and hardware.sampling
    long_page.panel.max_tokens.setValue(100_000)
    with qtbot.waitSignal(long_page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, long_page, "keep going")
    long_page.hide()
    assert long_page.sensors_held and hardware.sampling  # a reply is still being written
    long_page.controller.stop()
    finish(qtbot, long_page)
    assert not long_page.sensors_held and not hardware.sampling  # hidden and idle: nobody samples for the chat
    long_page.show()
    assert long_page.sensors_held and hardware.sampling
    long_page.hide()  # idle and hidden (another long_page chosen): released at once
    assert not long_page.sensors_held and not hardware.sampling


def test_temperature_gauge_prefers_the_gpu_when_layers_are_offloaded(make_page: Callable[..., ChatPage]) -> None:
    page = make_page()
    reading = SensorReading(timestamp=0.0, cpu_percent=37.0, cpu_temperature_c=64.4,
                            gpus=[GpuSensors(index=0, name="RTX", utilization_percent=91.0, temperature_c=71.0)])
    page._on_sensors(reading)
    assert page.gauges.temp.text() == "CPU 64 °C" and page.gauges.load.text() == "CPU load 37 %"
    from modelnest.core.engine.params import LoadReport

    page.controller.report = LoadReport(path="/m.gguf", params={}, gpu_layers_offloaded=20)
    page._on_sensors(reading)
    assert page.gauges.temp.text() == "GPU 71 °C" and page.gauges.load.text() == "GPU load 91 %"
    page.controller.report = None


def test_engine_crash_shows_error_keeps_messages_and_reloads(qtbot: QtBot, long_page: ChatPage) -> None:
    long_page.panel.max_tokens.setValue(100_000)
    with qtbot.waitSignal(long_page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, long_page, "keep this")
    pid = long_page.controller.engine_pid()
    assert pid is not None
    with qtbot.waitSignal(long_page.controller.engine_failed, timeout=REPLY_TIMEOUT):
        os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: not long_page.controller.busy)
    assert long_page.error.isVisible()
    assert "Every message was kept" in long_page.error.text.text() and "What to try" in long_page.error.text.text()
    assert not long_page.error.details.isVisible()
    long_page.error.details_button.click()
    assert long_page.error.details.isVisible()
    messages = long_page.store.list_messages(long_page.conversation_id)  # type: ignore[arg-type]
    assert messages[0].content == "keep this" and messages[1].status == "interrupted" and messages[1].content
    assert "Interrupted" in long_page.view.toPlainText() and long_page.status_model.text().startswith("No model loaded")
    long_page.grab().save(str(Path(os.environ["MODELNEST_HOME"]).parent / "engine-error.png"))
    assert long_page.error.action.text() == "Reload"
    with qtbot.waitSignal(long_page.controller.model_loaded, timeout=LOAD_TIMEOUT):
        long_page.error.action.click()
    assert not long_page.error.isVisible() and long_page.controller.engine_pid() != pid
    long_page.panel.max_tokens.setValue(10)
    long_page.view.anchorClicked.emit(QUrl(f"retry:{messages[1].id}"))  # the Retry link of the interrupted reply
    result = finish(qtbot, long_page)
    assert result.status == "complete"
    assert [m.id for m in long_page.store.list_messages(long_page.conversation_id)] == [  # type: ignore[arg-type]
        messages[0].id, result.message.id]


def test_code_blocks_are_highlighted_and_copyable(qtbot: QtBot, make_page: Callable[..., ChatPage]) -> None:
    page = make_page()
    conv = page.store.create_conversation("code")
    page.store.add_user_message(conv.id, "show code")
    reply = page.store.add_message(conv.id, "assistant", "Here:\n\n```python\ndef f(x):\n    return x < 2\n```\n\n"
                                   "**done** <img src='file:///etc/passwd'>")
    page.show()
    page.refresh_conversations()
    page.open_conversation(conv.id)
    assert page.view.code_blocks(reply.id) == ["def f(x):\n    return x < 2"]
    html = page.view.toHtml()
    assert "<img" not in html and "&lt;img" in html  # model text cannot embed images
    page.view.anchorClicked.emit(QUrl(f"code:{reply.id}:0"))
    assert QGuiApplication.clipboard().text() == "def f(x):\n    return x < 2"
    page.view.anchorClicked.emit(QUrl(f"copy:{reply.id}"))
    assert QGuiApplication.clipboard().text() == reply.content
    page.grab().save(str(Path(os.environ["MODELNEST_HOME"]).parent / "code-block.png"))


def test_interrupted_reply_from_last_run_is_shown_with_retry(
    qtbot: QtBot, make_page: Callable[..., ChatPage], tiny_model: Path, app_context: AppContext
) -> None:
    store = HistoryStore.open(app_context.history.path)  # another connection, as the previous run had
    conv = store.create_conversation()
    store.add_user_message(conv.id, "before the crash")
    reply = store.begin_reply(conv.id)
    store.append_reply(reply.id, "half an ans")
    store.close()  # the app died here: the reply is still "streaming" on disk
    page = make_page()
    page.show()  # the latest conversation is shown when the page first appears
    assert [m.id for m in page.interrupted] == [reply.id]
    assert page.view.message(reply.id).status == "interrupted"
    assert page.view.message(reply.id).content == "half an ans"
    assert f"retry:{reply.id}" in page.view.toHtml() and "Interrupted" in page.view.toPlainText()
    assert "interrupted" in page.status_message.text()
    load(qtbot, page, tiny_model, max_tokens=10)
    page.view.anchorClicked.emit(QUrl(f"retry:{reply.id}"))
    result = finish(qtbot, page)
    assert result.status == "complete"
    assert [m.role for m in page.store.list_messages(conv.id)] == ["user", "assistant"]


def test_corrupt_history_file_is_set_aside_and_the_user_told(
    make_page: Callable[..., ChatPage], other_context: Callable[[Callable[[Path], None]], AppContext]
) -> None:
    def damage(root: Path) -> None:
        db = root / "data" / "history.sqlite3"
        db.parent.mkdir(parents=True)
        db.write_bytes(b"this is not a database" * 100)

    ctx = other_context(damage)
    page = make_page(ctx)
    assert page.notice.isVisible() is False  # not shown yet: the page is not on screen
    page.show()
    assert page.notice.isVisible() and "damaged" in page.notice.text.text()
    assert ctx.history.notice is not None and page.notice.details.toPlainText() == str(ctx.history.notice.moved_to)
    assert list(ctx.history.path.parent.glob("history.sqlite3.corrupt-*"))
    assert page.store.list_conversations() == []


def test_sidebar_search_rename_delete_and_export(qtbot: QtBot, make_page: Callable[..., ChatPage],
                                                 tmp_path: Path) -> None:
    page = make_page()
    a = page.store.create_conversation("Apples and pears")
    page.store.add_user_message(a.id, "fruit?")
    b = page.store.create_conversation("Bicycles")
    page.refresh_conversations()
    assert set(page.conversation_ids()) == {a.id, b.id}
    sidebar = page.sidebar
    sidebar.search.setText("APPLE")
    assert page.conversation_ids() == [a.id]
    sidebar.search.setText("")
    assert sidebar.rename(b.id, "Bikes")
    assert page.store.get_conversation(b.id).title == "Bikes"
    assert "Bikes" in [sidebar.conversations.item(i).text() for i in range(sidebar.conversations.count())]
    assert not sidebar.rename(b.id, "  ") and "cannot be empty" in page.status_message.text()
    md = sidebar.export(a.id, str(tmp_path / "a.md"))
    js = sidebar.export(a.id, str(tmp_path / "a.json"))
    assert md is not None and "fruit?" in md.read_text(encoding="utf-8")
    assert js is not None and json.loads(js.read_text(encoding="utf-8"))["messages"][0]["content"] == "fruit?"
    assert sidebar.export(a.id, str(tmp_path / "a.txt")) is None and ".md or .json" in page.status_message.text()
    page.open_conversation(a.id)
    assert page.delete_conversation(a.id)
    assert page.conversation_ids() == [b.id] and page.conversation_id == b.id


def test_a_model_that_cannot_load_is_explained_and_nothing_is_stuck(
    qtbot: QtBot, make_page: Callable[..., ChatPage], tmp_path: Path, tiny_model: Path
) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\xff" * 64)
    page = make_page()
    page.show()
    page.panel.add_model(str(bad))
    with qtbot.waitSignal(page.controller.load_failed, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(page.panel.load_button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible() and "could not be loaded" in page.error.text.text()
    assert page.status_model.text() == "No model loaded."
    assert page.panel.load_button.isEnabled() and not page.panel.unload_button.isEnabled()
    page.input.setPlainText("hello?")
    assert page.send() is False and "Load a model first" in page.status_message.text()
    load(qtbot, page, tiny_model, max_tokens=100_000)  # a good file loads fine afterwards
    with qtbot.waitSignal(page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, page, "now")
    assert not page.panel.unload_button.isEnabled() and not page.panel.load_button.isEnabled()  # busy
    page.controller.stop()
    finish(qtbot, page)
    assert page.panel.unload_button.isEnabled()
    with qtbot.waitSignal(page.controller.model_unloaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(page.panel.unload_button, Qt.MouseButton.LeftButton)
    assert page.status_model.text() == "No model loaded." and not page.regenerate_button.isEnabled()


def test_an_unreadable_row_and_a_damaged_settings_file_hide_nothing(
    make_page: Callable[..., ChatPage], other_context: Callable[[Callable[[Path], None]], AppContext]
) -> None:
    import sqlite3

    ids: dict[str, int] = {}

    def damage(root: Path) -> None:
        store = HistoryStore.open(root / "data" / "history.sqlite3")
        conv = store.create_conversation("Still here")
        store.add_user_message(conv.id, "fine")
        bad = store.add_message(conv.id, "assistant", "placeholder")
        ids.update(conv=conv.id, bad=bad.id)
        path = store.path
        store.close()
        with sqlite3.connect(path) as raw:  # invalid UTF-8 and invalid JSON, as a disk error might leave them
            raw.execute("UPDATE messages SET content = CAST(X'68656C6C6FFF' AS TEXT), stats_json = '{oops' "
                        "WHERE id = ?", (bad.id,))
        settings = root / "config" / "settings.json"
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_bytes(b'{"sampling": {"temperature": 0.5')  # a save cut short

    ctx = other_context(damage)
    page = make_page(ctx)
    page.show()
    assert page.conversation_ids() == [ids["conv"]] and page.conversation_id == ids["conv"]
    shown = page.view.message(ids["bad"])
    assert shown.damaged and shown.content == "hello\ufffd"
    assert "not valid text" in page.view.toPlainText()
    # The settings notice is the app's (the main window shows it once); the chat uses the defaults.
    assert ctx.settings.load_notice and "damaged" in tr_text(ctx.settings.load_notice)
    assert page.panel.temperature.value() == pytest.approx(0.8)


def test_a_history_from_a_newer_version_is_left_alone_and_the_user_told(
    make_page: Callable[..., ChatPage], other_context: Callable[[Callable[[Path], None]], AppContext]
) -> None:
    import sqlite3

    before: dict[str, bytes] = {}
    path_of: dict[str, Path] = {}

    def newer(root: Path) -> None:
        store = HistoryStore.open(root / "data" / "history.sqlite3")
        path = store.path
        store.close()
        raw = sqlite3.connect(path)
        raw.execute("PRAGMA user_version = 999")
        raw.close()  # closed (WAL checkpointed) before the bytes are taken
        before["bytes"], path_of["path"] = path.read_bytes(), path

    ctx = other_context(newer)
    page = make_page(ctx)
    page.show()
    text = page.notice.text.text()
    assert page.notice.isVisible() and "could not be opened" in text and "newer ModelNest" in text
    assert page.store.path != path_of["path"] and path_of["path"].read_bytes() == before["bytes"]  # untouched
    page.new_conversation()  # the chat still works, in a scratch history
    assert len(page.conversation_ids()) == 1


def test_page_deleted_without_shutdown_still_ends_engine_and_threads(
    qtbot: QtBot, tiny_model: Path, app_context: AppContext
) -> None:
    page = ChatPage(app_context, engine_factory=_engine)
    page.show()
    load(qtbot, page, tiny_model)
    controller = page.controller
    pid = controller.engine_pid()
    assert pid is not None and controller._thread is not None and app_context.hardware.sampling
    page.deleteLater()
    qtbot.waitUntil(lambda: controller._thread is None, timeout=20_000)
    assert gone(pid)
    assert not app_context.hardware.sampling  # the page's claim on the sensors ended with it


def test_plan_drives_the_load_and_measured_speed_is_learned(
    qtbot: QtBot, make_page: Callable[..., ChatPage], tiny_model: Path
) -> None:
    page = make_page()
    page.show()
    with qtbot.waitSignal(page.panel.planned, timeout=30_000) as planned_signal:
        page.panel.add_model(str(tiny_model))  # planned on the recorded desktop's snapshot, in the background
    planned = planned_signal.args[0]
    assert planned is page.panel.current_plan is not None and page.panel.memory_bar.isVisible()
    assert page.panel.n_ctx.value() == planned.ctx == 4096  # the model's trained context, chosen by the planner
    assert page.panel.memory_bar._badge.text() == "Runs on CPU"  # core.plan.fit labels
    assert page.panel.threads.value() == planned.threads
    page.panel.threads.setValue(2)  # this 2-core host, not the recorded desktop's cores: the user's choice wins
    page.panel.max_tokens.setValue(64)
    page.panel.ignore_eos = True
    with qtbot.waitSignal(page.controller.model_loaded, timeout=60_000) as loaded:
        qtbot.mouseClick(page.panel.load_button, Qt.MouseButton.LeftButton)
    report = loaded.args[0]
    for key in ("n_ctx", "n_gpu_layers", "flash_attn", "type_k"):
        assert report.params[key] == planned.engine_params.to_dict()[key], key
    assert report.params["n_threads"] == 2
    assert report.kv_cache_bytes == planned.memory.kv_cache_bytes  # the plan's KV figure is exact
    recorded: list[bool] = []
    page.ctx.hardware.calibration_recorded.connect(lambda: recorded.append(True))
    type_and_send(qtbot, page, "hello")
    done = finish(qtbot, page)
    assert done.summary is not None and done.summary.tokens == 64
    assert "measured:" in page.panel.memory_bar._speed.text()
    assert page.calibration_job is not None and page.calibration_job.wait()  # the record's background job ended
    qtbot.waitUntil(lambda: recorded == [True], timeout=10_000)  # pages showing predictions hear of it
    calibration = paths.data_dir() / "calibration.json"
    records = json.loads(calibration.read_text())["records"]
    assert records[-1]["measured_decode"] == pytest.approx(done.summary.decode_tokens_per_s)


def test_sustained_throttling_while_generating_is_reported(qtbot: QtBot, long_page: ChatPage) -> None:
    """Recorded sensor answers of a laptop heating up (this VM has no temperature sensor): CPU temperature
    climbs, its clock and the reply speed fall for longer than the detector's 10 s; the user is told once."""
    long_page.panel.max_tokens.setValue(100_000)
    with qtbot.waitSignal(long_page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, long_page, "a long answer please")
    long_page._throttle = ThrottleDetector()  # only this recorded series, not the samples taken while waiting
    base = time.time()
    for i in range(30):
        hot = i >= 8
        reading = SensorReading(timestamp=base + i, cpu_percent=100.0, cpu_freq_mhz=1400.0 if hot else 3400.0,
                                cpu_temperature_c=97.0 if hot else 62.0)
        if long_page._live is not None:
            long_page._live = ReplyDelta(**{**long_page._live.__dict__, "decode_tokens_per_s": 40.0 if hot else 90.0})
        long_page._on_sensors(reading)
    assert "slowing down to cool off" in long_page.status_message.text()
    long_page.controller.stop()
    finish(qtbot, long_page)


def test_prompt_progress_is_shown_while_the_prompt_is_read(qtbot: QtBot, page: ChatPage) -> None:
    shown: list[tuple[str, int, int, bool]] = []
    # Connected after the page's own slot: records what the widget shows once the page has handled the event.
    page.controller.prompt_progress.connect(lambda _e: shown.append(
        (page.prompt_label.text(), page.prompt_bar.value(), page.prompt_bar.maximum(), page.prompt_row.isVisible())))
    page.panel.max_tokens.setValue(20)
    type_and_send(qtbot, page, "read me first " * 120)  # more than one batch of 512 tokens
    finish(qtbot, page)
    assert len(shown) >= 2, shown
    label, done, total, _visible = shown[0]
    assert re.fullmatch(r"Reading the conversation: [\d,]+ / [\d,]+ tokens", label) and 0 < done < total
    assert f"{done:,} / {total:,}" in label and shown[0][3]  # the row is on screen while reading
    assert [d for _l, d, _t, _v in shown] == sorted(d for _l, d, _t, _v in shown)
    assert shown[-1][1] == shown[-1][2] == total
    assert not page.prompt_row.isVisible()  # hidden once the reply came


def test_changing_the_context_after_a_language_switch_keeps_the_language(
    qtbot: QtBot, make_page: Callable[..., ChatPage], app_context: AppContext, tiny_model: Path
) -> None:
    """The old bug: the chat panel saved the settings it had loaded at start-up, undoing the language choice."""
    page = make_page()
    page.show()
    page.panel.add_model(str(tiny_model))
    app_context.settings.set_language("zh_CN")  # what View ▸ Language does (the translator is not needed here)
    page.panel.n_ctx.setValue(3072)
    page.panel.threads.setValue(2)
    page.panel.temperature.setValue(0.3)
    with qtbot.waitSignal(page.controller.model_loaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(page.panel.load_button, Qt.MouseButton.LeftButton)
    saved = json.loads(app_context.settings.store.path.read_text(encoding="utf-8"))
    assert saved["language"] == "zh_CN"
    assert saved["n_ctx"] == 3072 and saved["sampling"]["temperature"] == pytest.approx(0.3)
    assert saved["last_model_path"] == str(tiny_model)
    assert app_context.settings.settings.language == "zh_CN"


def test_the_chat_retranslates_live(
    qtbot: QtBot, make_page: Callable[..., ChatPage], app_context: AppContext, chinese_ready: Path
) -> None:
    app_context.settings.language_changed.connect(apply_language)
    page = make_page()
    conv = page.store.create_conversation("A chat")
    user = page.store.add_user_message(conv.id, "hello")
    reply = page.store.add_message(conv.id, "assistant", "**hi**")
    page.show()
    page.open_conversation(conv.id)
    page.show_status(lambda: page.tr("Load a model first."))
    page.error.show_message(lambda: page.tr("The model could not be loaded."), "log", lambda: page.tr("Reload"))
    assert page.send_button.text() == "Send" and "Assistant  Copy" in page.view.toPlainText()
    app_context.settings.set_language("zh_CN")
    qtbot.waitUntil(lambda: page.send_button.text() == "发送", timeout=5_000)
    assert page.stop_button.text() == "停止"
    assert page.sidebar.new_button.text() == "新建聊天" and page.error.details_button.text() == "详细信息"
    assert page.gauges.temp.text().startswith("CPU ") or page.gauges.temp.text() == "温度 –"
    assert page.status_model.text() == "未加载模型。"  # text built from state, rendered again
    assert page.status_message.text() != "Load a model first."  # a message on screen switches too
    assert page.error.action.text() != "Reload" and page.error.text.text() != "<b>The model could not be loaded.</b>"
    assert page.panel.load_button.text() != "Load"
    html = page.view.toHtml()
    assert "助手  复制" in page.view.toPlainText() and f"copy:{reply.id}" in html  # the bubbles' links
    assert f"edit:{user.id}" in html  # the last message of the user's keeps its Edit link
    assert page.view.message_ids() == [m.id for m in page.store.list_messages(conv.id)]
    app_context.settings.set_language("en")
    qtbot.waitUntil(lambda: page.send_button.text() == "Send", timeout=5_000)
    assert page.status_model.text() == "No model loaded." and page.status_message.text() == "Load a model first."
    assert "Assistant  Copy" in page.view.toPlainText()


def test_a_language_switch_mid_reply_keeps_streaming(
    qtbot: QtBot, page: ChatPage, app_context: AppContext, chinese_ready: Path
) -> None:
    app_context.settings.language_changed.connect(apply_language)
    page.panel.max_tokens.setValue(400)  # ignore_eos: exactly 400 tokens, whatever the random model prefers
    with qtbot.waitSignal(page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, page, "keep talking")
    shown_before_switch = page.view.streamed_text()
    app_context.settings.set_language("zh_CN")
    qtbot.waitUntil(lambda: page.stop_button.text() == "停止", timeout=5_000)
    # What the view streams after each later delta, read in that delta's own turn (the page's slot has run): the
    # reply may end at any moment from here, and a read after a wait could see it finished (seen in a CI run).
    streamed_after: list[str] = []
    page.controller.reply_delta.connect(lambda _d: streamed_after.append(page.view.streamed_text()))
    rerendered_mid_reply = page.controller.busy
    if rerendered_mid_reply:  # the view was rendered again around the stream: it goes on where it was
        before = page.view.streamed_text()
        assert page.view.streaming_id is not None and "助手" in page.view.toPlainText()
        assert before.startswith(shown_before_switch)
    result = finish(qtbot, page)
    assert result.status == "complete" and result.summary is not None and result.summary.tokens == 400
    if rerendered_mid_reply:
        assert all(text.startswith(before) for text in streamed_after)
        assert result.message.content.startswith(before)
    reply = page.view.message(result.message.id)
    assert reply.content == result.message.content == page.store.get_message(result.message.id).content
    assert page.view.message_ids() == [m.id for m in page.store.list_messages(result.message.conversation_id)]
    assert "助手" in page.view.toPlainText() and "生成" not in page.view.toPlainText().split("助手")[0]


def test_an_engine_that_dies_while_idle_is_shown_at_once(qtbot: QtBot, page: ChatPage) -> None:
    from modelnest.core.engine.protocol import HEARTBEAT_SECONDS

    pid = page.controller.engine_pid()
    engine = page.controller.engine
    assert pid is not None and engine is not None and not page.controller.busy
    with qtbot.waitSignal(page.controller.engine_died, timeout=10_000) as blocker:
        killed_at = time.monotonic()
        os.kill(pid, signal.SIGKILL)  # nobody is sending: no reply to attach it to
    assert engine.idle_death_noticed_at is not None
    assert engine.idle_death_noticed_at - killed_at <= HEARTBEAT_SECONDS  # the pipe's end, not the next Send
    assert "stopped from outside" in str(blocker.args[0].explanation)
    text = page.error.text.text()
    assert page.error.isVisible() and "while it was idle" in text and "writing the reply" not in text
    assert "stopped from outside" in text and "GPU" not in text
    assert page.status_model.text().startswith("No model loaded") and page.controller.report is None
    with qtbot.waitSignal(page.controller.model_loaded, timeout=LOAD_TIMEOUT):
        page.error.action.click()  # Reload brings a new engine
    assert page.controller.engine_pid() not in (None, pid)


# ---- context policy, prompt reading, keys -------------------------------------------------------------------
@pytest.fixture(scope="module")
def medium_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Big enough that reading a long prompt takes several batches' worth of seconds on this CPU."""
    from support.gguf_models import ModelShape, write_model

    shape = ModelShape(n_layer=6, n_embd=768, n_head=12, n_head_kv=4, n_ff=2048, name="medium-random")
    return write_model(tmp_path_factory.mktemp("medium") / "medium-F16.gguf", shape)


def small_context_page(qtbot: QtBot, make_page: Callable[..., ChatPage], model: Path, policy: str) -> ChatPage:
    page = make_page()
    page.show()
    page.panel.add_model(str(model))
    page.panel.n_ctx.setValue(256)  # llama.cpp's smallest context
    page.panel.threads.setValue(2)
    page.panel.max_tokens.setValue(24)
    page.panel.seed.setValue(5)
    page.panel.ignore_eos = True
    with qtbot.waitSignal(page.controller.model_loaded, timeout=LOAD_TIMEOUT):
        qtbot.mouseClick(page.panel.load_button, Qt.MouseButton.LeftButton)
    page.new_conversation()
    page.set_context_policy(policy)  # type: ignore[arg-type]
    assert page.conversation_id is not None
    assert page.store.get_conversation(page.conversation_id).settings["context_policy"] == policy
    return page


@pytest.mark.parametrize("policy", ["rolling", "truncate_middle"])
def test_a_full_context_drops_turns_and_the_reply_continues(
    qtbot: QtBot, make_page: Callable[..., ChatPage], tiny_model: Path, policy: str
) -> None:
    page = small_context_page(qtbot, make_page, tiny_model, policy)
    failures: list[object] = []
    page.controller.engine_failed.connect(failures.append)
    page.controller.turn_failed.connect(failures.append)
    usages: list[object] = []
    page.controller.context_usage.connect(usages.append)
    for i in range(6):
        type_and_send(qtbot, page, f"turn {i}: " + "tell me more about it " * 2)
        result = finish(qtbot, page)
        assert result.status == "complete" and result.error is None
    assert failures == [] and not page.error.isVisible()
    dropped = [u for u in usages if u.dropped]  # type: ignore[attr-defined]
    assert dropped, usages
    assert "earlier message(s) were left out" in page.status_message.text()
    gauge = page.gauges.context
    assert gauge.capacity == 256 and 0 < gauge.used <= 256 and "/ 256 tokens" in gauge.text()
    assert len(page.store.list_messages(page.conversation_id)) == 12  # type: ignore[arg-type]


def test_stop_at_the_limit_says_what_to_do_and_loses_nothing(
    qtbot: QtBot, make_page: Callable[..., ChatPage], tiny_model: Path
) -> None:
    page = small_context_page(qtbot, make_page, tiny_model, "stop")
    refused: list[object] = []
    page.controller.turn_failed.connect(refused.append)
    engine_errors: list[object] = []
    page.controller.engine_failed.connect(engine_errors.append)
    for i in range(12):
        with qtbot.waitSignal(page.controller.busy_changed, timeout=REPLY_TIMEOUT,
                              check_params_cb=lambda busy: not busy):
            type_and_send(qtbot, page, f"turn {i}: " + "tell me more about it " * 2)
        if refused:
            break
    assert refused and engine_errors == []
    text = page.error.text.text()
    assert "no longer fits the model's context" in text and "Start a new conversation" in text
    messages = page.store.list_messages(page.conversation_id)  # type: ignore[arg-type]
    assert messages[-1].role == "user" and messages[-1].content.startswith(f"turn {i}:")  # kept, unanswered
    assert page.controller.report is not None  # the engine is fine: nothing to reload
    # Switching this conversation to a rolling window and pressing Regenerate answers it.
    page.set_context_policy("rolling")
    assert page.regenerate_button.isEnabled()  # an unanswered message of yours can be answered
    qtbot.mouseClick(page.regenerate_button, Qt.MouseButton.LeftButton)
    assert finish(qtbot, page).status == "complete"


def test_a_reply_that_fills_the_context_is_explained(
    qtbot: QtBot, make_page: Callable[..., ChatPage], tiny_model: Path
) -> None:
    page = small_context_page(qtbot, make_page, tiny_model, "rolling")
    page.panel.max_tokens.setValue(5000)  # more than the context holds: the reply runs into its end
    type_and_send(qtbot, page, "go on forever")
    result = finish(qtbot, page)
    assert result.status == "complete" and result.summary is not None
    assert result.summary.stop_reason == "context_full" and result.error is None
    assert "context (256 tokens) is full" in page.status_message.text()
    assert "Send a message to go on" in page.status_message.text() and not page.error.isVisible()
    page.panel.max_tokens.setValue(16)
    type_and_send(qtbot, page, "and now?")  # the rolling window makes room
    assert finish(qtbot, page).status == "complete"


def test_esc_stops_while_the_prompt_is_read(
    qtbot: QtBot, make_page: Callable[..., ChatPage], medium_model: Path
) -> None:
    page = make_page()
    page.show()
    load(qtbot, page, medium_model, max_tokens=50)
    seen: list[ProgressEvent] = []

    def on_progress(event: ProgressEvent) -> None:
        seen.append(event)
        if len(seen) == 1:  # the first batch is read, later ones are still to come: Esc now
            assert page.prompt_row.isVisible() and "Reading the conversation" in page.prompt_label.text()
            qtbot.keyClick(page.input, Qt.Key.Key_Escape)

    page.controller.prompt_progress.connect(on_progress)
    type_and_send(qtbot, page, "a b c d " * 220)  # ~1,800 tokens: four batches of 512
    result = finish(qtbot, page)
    assert result.status == "stopped" and result.summary is not None and result.summary.tokens == 0
    assert seen[0].done < seen[0].total and seen[-1].done < seen[-1].total  # never read to the end
    assert not page.prompt_row.isVisible()


def test_esc_stops_while_the_reply_is_written(qtbot: QtBot, long_page: ChatPage) -> None:
    long_page.panel.max_tokens.setValue(100_000)
    with qtbot.waitSignal(long_page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, long_page, "keep going")
    with qtbot.waitSignal(long_page.controller.reply_finished, timeout=REPLY_TIMEOUT) as blocker:
        qtbot.keyClick(long_page.view, Qt.Key.Key_Escape)  # focus anywhere on the long_page
    assert blocker.args[0].status == "stopped" and blocker.args[0].message.content
    qtbot.waitUntil(lambda: not long_page.controller.busy)


def test_keyboard_shortcuts_and_their_tooltips(qtbot: QtBot, page: ChatPage) -> None:
    assert "Ctrl+Return" in page.send_button.toolTip() and "Esc" in page.stop_button.toolTip()
    assert "Ctrl+N" in page.sidebar.new_button.toolTip() and "Ctrl+F" in page.sidebar.search.toolTip()
    assert "Ctrl+Shift+C" in page.copy_last_button.toolTip()
    page.panel.max_tokens.setValue(12)
    page.input.setPlainText("typed, then Ctrl+Enter")
    qtbot.keyClick(page.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    result = finish(qtbot, page)
    assert page.store.list_messages(page.conversation_id)[0].content == "typed, then Ctrl+Enter"  # type: ignore[arg-type]
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(page.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().text() == result.message.content != ""
    before = page.conversation_id
    qtbot.keyClick(page.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.conversation_id not in (None, before) and page.view.message_ids() == []
    qtbot.keyClick(page.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.sidebar.search.hasFocus()
