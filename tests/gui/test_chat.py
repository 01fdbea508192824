"""The chat page with real widgets, the real engine process and a real history file (pytest-qt, offscreen)."""

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
from support.processes import gone

from modelnest.core import paths
from modelnest.core.chat.history import HistoryStore
from modelnest.core.chat.session import ReplyDelta, ReplyFinished
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.hardware import GpuSensors, SensorReading
from modelnest.gui.chat import ChatPage

# The offscreen platform plugin warns on every top-level show(); it says nothing about our code.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

LOAD_TIMEOUT = 60_000
REPLY_TIMEOUT = 60_000




def _engine() -> EngineClient:
    # A private crash ledger: tests that kill the engine must not make other tests' loads refused.
    return EngineClient(hang_timeout=15.0, cancel_grace=3.0, ledger=CrashLedger())


@pytest.fixture
def make_page(qtbot: QtBot) -> Iterator[Callable[..., ChatPage]]:
    pages: list[ChatPage] = []

    def make(**kwargs: object) -> ChatPage:
        kwargs.setdefault("engine_factory", _engine)
        kwargs.setdefault("sensor_interval_ms", 200)
        page = ChatPage(**kwargs)  # type: ignore[arg-type]
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


def load(qtbot: QtBot, page: ChatPage, model: Path, *, max_tokens: int = 1500, ignore_eos: bool = True) -> None:
    page.panel.add_model(str(model))
    page.panel.n_ctx.setValue(2048)
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
    assert result.status == "complete" and result.summary is not None and result.summary.tokens == 1500
    assert len(deltas) >= 2 and all(seen_while_busy)
    assert [d.tokens for d in deltas] == sorted(d.tokens for d in deltas)
    assert "".join(d.text for d in deltas) == result.message.content == result.summary.text
    messages = page.store.list_messages(page.conversation_id)  # type: ignore[arg-type]
    assert [(m.role, m.status) for m in messages] == [("user", "complete"), ("assistant", "complete")]
    assert messages[0].content == "Hello there"
    assert page.conversations.currentItem().text() == "Hello there"
    assert page.input.toPlainText() == "" and page.send_button.isEnabled() and not page.stop_button.isEnabled()
    # After the reply: its TTFT, prefill and decode speed and the settings used are shown with it.
    text = page.view.toPlainText()
    assert re.search(r"first token \d+ ms · prompt [\d.]+ t/s · generation [\d.]+ t/s", text)
    assert "max 1500" in text and "seed 11" in text and "ctx 2048" in text


def test_stop_mid_reply_keeps_partial_text_as_stopped(qtbot: QtBot, page: ChatPage) -> None:
    page.panel.max_tokens.setValue(100_000)  # far more than arrives before Stop
    page.panel.n_ctx.setValue(2048)
    shown: list[str] = []
    page.controller.reply_delta.connect(lambda d: shown.append(d.text))
    with qtbot.waitSignal(page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, page, "Tell me everything")
    with qtbot.waitSignal(page.controller.reply_finished, timeout=REPLY_TIMEOUT) as blocker:
        qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    result: ReplyFinished = blocker.args[0]
    assert result.status == "stopped" and result.summary is not None and result.summary.stop_reason == "cancelled"
    stored = page.store.get_message(result.message.id)
    assert stored.status == "stopped" and stored.content and stored.content == "".join(shown)
    assert "Stopped." in page.view.toPlainText()
    assert "partial reply was kept" in page.status_message.text()
    qtbot.waitUntil(lambda: not page.controller.busy)


def test_regenerate_replaces_the_last_reply(qtbot: QtBot, page: ChatPage) -> None:
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
    assert [(m.id, m.role, m.content) for m in messages][0] == (user_id, "user", "second try")
    assert [m.id for m in messages] == [user_id, result.message.id] == page.view.message_ids()
    assert not page.editing_label.isVisible()


def test_switching_conversations_while_generating_is_refused(qtbot: QtBot, page: ChatPage) -> None:
    page.panel.max_tokens.setValue(20)
    type_and_send(qtbot, page, "older chat")
    finish(qtbot, page)
    older = page.conversation_id
    page.new_conversation()
    newer = page.conversation_id
    page.panel.max_tokens.setValue(100_000)
    with qtbot.waitSignal(page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, page, "newer chat")
    older_row = page.conversation_ids().index(older)
    page.conversations.setCurrentRow(older_row)  # the user clicks the other conversation
    assert page.conversation_id == newer
    assert page.conversations.currentItem().data(Qt.ItemDataRole.UserRole) == newer
    assert "Stop it before switching" in page.status_message.text()
    assert not page.new_button.isEnabled() and page.new_conversation() is None
    assert page.delete_conversation(newer) is False
    page.controller.stop()
    result = finish(qtbot, page)
    assert result.message.conversation_id == newer and result.status == "stopped"
    page.conversations.setCurrentRow(page.conversation_ids().index(older))
    assert page.conversation_id == older
    assert [m.content for m in page.store.list_messages(older)][0] == "older chat"  # type: ignore[arg-type]


def test_gauges_show_live_plausible_values(qtbot: QtBot, page: ChatPage) -> None:
    page.panel.max_tokens.setValue(100_000)
    readings: list[SensorReading] = []
    page.controller.sensors.connect(readings.append)
    type_and_send(qtbot, page, "count")
    qtbot.waitUntil(lambda: len(readings) >= 2 and page.controller.busy, timeout=REPLY_TIMEOUT)
    qtbot.waitUntil(lambda: "tokens/s" in page.gauge_tps.text() and "–" not in page.gauge_tps.text())
    tps = float(page.gauge_tps.text().split()[0])
    ttft = float(page.gauge_ttft.text().split()[2])
    tokens = int(page.gauge_tokens.text().split()[0])
    assert 1 < tps < 1_000_000 and 0 < ttft < 60_000 and tokens > 0
    qtbot.waitUntil(lambda: int(page.gauge_tokens.text().split()[0]) > tokens)  # live, not a snapshot
    temp, load_text = page.gauge_temp.text(), page.gauge_load.text()
    reading = readings[-1]
    if reading.cpu_temperature_c is not None:
        assert re.fullmatch(r"CPU \d+ °C", temp)
    else:  # no sensor on this machine: "n/a" and the reason
        assert temp == "CPU temperature n/a"
        assert page.gauge_temp.toolTip() == reading.missing["cpu_temperature_c"]
    load_pct = float(re.search(r"([\d.]+) %", load_text).group(1))  # type: ignore[union-attr]
    assert 0 <= load_pct <= 100
    page.controller.stop()
    finish(qtbot, page)


def test_temperature_gauge_prefers_the_gpu_when_layers_are_offloaded(make_page: Callable[..., ChatPage]) -> None:
    page = make_page()
    reading = SensorReading(timestamp=0.0, cpu_percent=37.0, cpu_temperature_c=64.4,
                            gpus=[GpuSensors(index=0, name="RTX", utilization_percent=91.0, temperature_c=71.0)])
    page._on_sensors(reading)
    assert page.gauge_temp.text() == "CPU 64 °C" and page.gauge_load.text() == "CPU load 37 %"
    from modelnest.core.engine.params import LoadReport

    page.controller.report = LoadReport(path="/m.gguf", params={}, gpu_layers_offloaded=20)
    page._on_sensors(reading)
    assert page.gauge_temp.text() == "GPU 71 °C" and page.gauge_load.text() == "GPU load 91 %"
    page.controller.report = None


def test_engine_crash_shows_error_keeps_messages_and_reloads(qtbot: QtBot, page: ChatPage) -> None:
    page.panel.max_tokens.setValue(100_000)
    with qtbot.waitSignal(page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, page, "keep this")
    pid = page.controller.engine_pid()
    assert pid is not None
    with qtbot.waitSignal(page.controller.engine_failed, timeout=REPLY_TIMEOUT):
        os.kill(pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: not page.controller.busy)
    assert page.error.isVisible()
    assert "Every message was kept" in page.error.text.text() and "What to try" in page.error.text.text()
    assert not page.error.details.isVisible()
    page.error.details_button.click()
    assert page.error.details.isVisible()
    messages = page.store.list_messages(page.conversation_id)  # type: ignore[arg-type]
    assert messages[0].content == "keep this" and messages[1].status == "interrupted" and messages[1].content
    assert "Interrupted" in page.view.toPlainText() and page.status_model.text().startswith("No model loaded")
    page.grab().save(str(Path(os.environ["MODELNEST_HOME"]).parent / "engine-error.png"))
    assert page.error.action.text() == "Reload"
    with qtbot.waitSignal(page.controller.model_loaded, timeout=LOAD_TIMEOUT):
        page.error.action.click()
    assert not page.error.isVisible() and page.controller.engine_pid() != pid
    page.panel.max_tokens.setValue(10)
    page.view.anchorClicked.emit(QUrl(f"retry:{messages[1].id}"))  # the Retry link of the interrupted reply
    result = finish(qtbot, page)
    assert result.status == "complete"
    assert [m.id for m in page.store.list_messages(page.conversation_id)] == [  # type: ignore[arg-type]
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


def test_interrupted_reply_from_last_run_is_shown_with_retry(qtbot: QtBot, make_page: Callable[..., ChatPage],
                                                             tiny_model: Path) -> None:
    store = HistoryStore.open()
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


def test_corrupt_history_file_is_set_aside_and_the_user_told(make_page: Callable[..., ChatPage]) -> None:
    db = Path(os.environ["MODELNEST_HOME"]) / "data" / "history.sqlite3"
    store = HistoryStore.open()  # find the real location, then damage it
    db = store.path
    store.close()
    db.write_bytes(b"this is not a database" * 100)
    page = make_page()
    assert page.notice.isVisible() is False  # not shown yet: the page is not on screen
    page.show()
    assert page.notice.isVisible() and "damaged" in page.notice.text.text()
    assert list(db.parent.glob("history.sqlite3.corrupt-*"))
    assert page.store.list_conversations() == []


def test_sidebar_search_rename_delete_and_export(qtbot: QtBot, make_page: Callable[..., ChatPage],
                                                 tmp_path: Path) -> None:
    page = make_page()
    a = page.store.create_conversation("Apples and pears")
    page.store.add_user_message(a.id, "fruit?")
    b = page.store.create_conversation("Bicycles")
    page.refresh_conversations()
    assert set(page.conversation_ids()) == {a.id, b.id}
    page.search.setText("APPLE")
    assert page.conversation_ids() == [a.id]
    page.search.setText("")
    page.rename_conversation(b.id, "Bikes")
    assert page.store.get_conversation(b.id).title == "Bikes"
    assert "Bikes" in [page.conversations.item(i).text() for i in range(page.conversations.count())]
    md = page.export(a.id, str(tmp_path / "a.md"))
    js = page.export(a.id, str(tmp_path / "a.json"))
    assert md is not None and "fruit?" in md.read_text(encoding="utf-8")
    assert js is not None and json.loads(js.read_text(encoding="utf-8"))["messages"][0]["content"] == "fruit?"
    assert page.export(a.id, str(tmp_path / "a.txt")) is None and ".md or .json" in page.status_message.text()
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


def test_an_unreadable_row_and_a_damaged_settings_file_hide_nothing(make_page: Callable[..., ChatPage]) -> None:
    import sqlite3

    from modelnest.core.chat.settings import default_settings_path

    store = HistoryStore.open()
    conv = store.create_conversation("Still here")
    store.add_user_message(conv.id, "fine")
    bad = store.add_message(conv.id, "assistant", "placeholder")
    path = store.path
    store.close()
    with sqlite3.connect(path) as raw:  # invalid UTF-8 and invalid JSON, as a disk error might leave them
        raw.execute("UPDATE messages SET content = CAST(X'68656C6C6FFF' AS TEXT), stats_json = '{oops' WHERE id = ?",
                    (bad.id,))
    settings = default_settings_path()
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_bytes(b'{"sampling": {"temperature": 0.5')  # a save cut short
    page = make_page()
    page.show()
    assert page.conversation_ids() == [conv.id] and page.conversation_id == conv.id
    shown = page.view.message(bad.id)
    assert shown.damaged and shown.content == "hello\ufffd"
    assert "not valid text" in page.view.toPlainText()
    assert page.notice.isVisible() and "settings" in page.notice.text.text()
    assert page.panel.temperature.value() == pytest.approx(0.8)  # defaults in use


def test_a_history_from_a_newer_version_is_left_alone_and_the_user_told(make_page: Callable[..., ChatPage]) -> None:
    import sqlite3

    store = HistoryStore.open()
    path = store.path
    store.close()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 999")
    before = path.read_bytes()
    page = make_page()
    page.show()
    assert page.notice.isVisible() and "will not be kept" in page.notice.text.text()
    assert "newer ModelNest" in page.notice.details.toPlainText()
    assert page.store.path != path and path.read_bytes() == before  # untouched
    page.new_conversation()  # the chat still works, in a scratch history
    assert len(page.conversation_ids()) == 1


def test_page_deleted_without_shutdown_still_ends_engine_and_threads(qtbot: QtBot, tiny_model: Path) -> None:
    page = ChatPage(engine_factory=_engine)
    load(qtbot, page, tiny_model)
    controller = page.controller
    pid = controller.engine_pid()
    assert pid is not None and controller._thread is not None and controller._sensor_thread is not None
    page.deleteLater()
    qtbot.waitUntil(lambda: controller._thread is None and controller._sensor_thread is None, timeout=20_000)
    assert gone(pid)


def test_plan_drives_the_load_and_measured_speed_is_learned(
    qtbot: QtBot, make_page: Callable[..., ChatPage], tiny_model: Path
) -> None:
    page = make_page()
    page.show()
    page.panel.add_model(str(tiny_model))
    qtbot.waitUntil(lambda: page.panel.current_plan is not None, timeout=30_000)
    planned = page.panel.current_plan
    assert page.panel.memory_bar.isVisible()
    assert page.panel.n_ctx.value() == planned.ctx == 4096  # the model's trained context, chosen by the planner
    assert page.panel.memory_bar._badge.text() == "CPU only"
    page.panel.max_tokens.setValue(64)
    page.panel.ignore_eos = True
    with qtbot.waitSignal(page.controller.model_loaded, timeout=60_000) as loaded:
        qtbot.mouseClick(page.panel.load_button, Qt.MouseButton.LeftButton)
    report = loaded.args[0]
    for key in ("n_ctx", "n_gpu_layers", "flash_attn", "type_k", "n_threads"):
        assert report.params[key] == planned.engine_params.to_dict()[key], key
    assert report.kv_cache_bytes == planned.memory.kv_cache_bytes  # the plan's KV figure is exact
    type_and_send(qtbot, page, "hello")
    done = finish(qtbot, page)
    assert done.summary is not None and done.summary.tokens == 64
    assert "measured:" in page.panel.memory_bar._speed.text()
    calibration = paths.data_dir() / "calibration.json"
    qtbot.waitUntil(calibration.exists, timeout=10_000)
    records = json.loads(calibration.read_text())["records"]
    assert records[-1]["measured_decode"] == pytest.approx(done.summary.decode_tokens_per_s)


def test_sustained_throttling_while_generating_is_reported(qtbot: QtBot, page: ChatPage) -> None:
    """Recorded sensor answers of a laptop heating up (this VM has no temperature sensor): CPU temperature
    climbs, its clock and the reply speed fall for longer than the detector's 10 s; the user is told once."""
    page.panel.max_tokens.setValue(100_000)
    with qtbot.waitSignal(page.controller.reply_delta, timeout=REPLY_TIMEOUT):
        type_and_send(qtbot, page, "a long answer please")
    base = time.time()
    for i in range(30):
        hot = i >= 8
        reading = SensorReading(timestamp=base + i, cpu_percent=100.0, cpu_freq_mhz=1400.0 if hot else 3400.0,
                                cpu_temperature_c=97.0 if hot else 62.0)
        if page._live is not None:
            page._live = ReplyDelta(**{**page._live.__dict__, "decode_tokens_per_s": 40.0 if hot else 90.0})
        page._on_sensors(reading)
    assert "slowing down to cool off" in page.status_message.text()
    page.controller.stop()
    finish(qtbot, page)
