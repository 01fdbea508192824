"""The serve switch with a real engine: address and token shown, the openai client served, chat and API take turns."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from pytestqt.qtbot import QtBot

from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.engine.params import EngineParams
from modelnest.gui.background import Background
from modelnest.gui.server_panel import ServerPanel


@pytest.fixture
def engine(tiny_model: Path) -> Iterator[EngineClient]:
    client = EngineClient(ledger=CrashLedger())
    client.load(tiny_model, EngineParams(n_ctx=512, n_threads=2, n_threads_batch=2))
    yield client
    client.shutdown()


def test_switch_serves_the_loaded_model_and_turns_off(qtbot: QtBot, engine: EngineClient, tiny_model: Path) -> None:
    background = Background()
    lock = threading.Lock()
    panel = ServerPanel(background, lambda: engine, lambda: tiny_model.stem, engine_lock=lock)
    qtbot.addWidget(panel)
    panel.port.setValue(0)
    with qtbot.waitSignal(panel.serving_changed, timeout=30_000) as started:
        panel.switch.setChecked(True)
    assert started.args == [True]
    assert panel.address.text().startswith("http://127.0.0.1:") and len(panel.token.text()) >= 16
    assert panel.warning.text() == ""  # loopback: nothing to warn about
    assert not panel.port.isEnabled()
    client = openai.OpenAI(base_url=panel.address.text(), api_key=panel.token.text(), max_retries=0, timeout=30)
    assert [m.id for m in client.models.list().data] == [tiny_model.stem]

    # while the chat holds the engine, an API request waits for its turn, then runs
    done = threading.Event()
    replies: list[int] = []

    def ask() -> None:
        r = client.completions.create(model=tiny_model.stem, prompt="x", max_tokens=2, extra_body={"ignore_eos": True})
        replies.append(r.usage.completion_tokens if r.usage else -1)
        done.set()

    with lock:
        thread = threading.Thread(target=ask)
        thread.start()
        assert not done.wait(1.0)  # still queued behind the "chat" (bounded wait: it must NOT happen)
    assert done.wait(30) and replies == [2]
    thread.join()

    with qtbot.waitSignal(panel.serving_changed, timeout=30_000) as stopped:
        panel.switch.setChecked(False)
    assert stopped.args == [False] and panel.address.text() == "" and panel.port.isEnabled()
    with pytest.raises(openai.APIConnectionError):
        client.models.list()
    background.shutdown()


def test_switch_without_a_model_says_so(qtbot: QtBot) -> None:
    background = Background()
    panel = ServerPanel(background, lambda: None, lambda: None)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.failed) as failed:
        panel.switch.setChecked(True)
    assert "Load a model first" in failed.args[0]
    assert not panel.switch.isChecked()
    background.shutdown()


def test_keep_api_chats_in_my_history_is_the_users_choice(
    qtbot: QtBot, engine: EngineClient, tiny_model: Path, tmp_path: Path
) -> None:
    from modelnest.core.chat.history import HistoryStore

    background = Background()
    path = tmp_path / "history.sqlite3"
    panel = ServerPanel(background, lambda: engine, lambda: tiny_model.stem, history_path=path)
    qtbot.addWidget(panel)
    panel.port.setValue(0)
    assert not panel.keep_history.isChecked()  # off by default
    for keep in (False, True):
        panel.keep_history.setChecked(keep)
        with qtbot.waitSignal(panel.serving_changed, timeout=30_000):
            panel.switch.setChecked(True)
        assert not panel.keep_history.isEnabled()  # chosen before serving
        client = openai.OpenAI(base_url=panel.address.text(), api_key=panel.token.text(), max_retries=0, timeout=30)
        client.chat.completions.create(model=tiny_model.stem, max_tokens=2,
                                       messages=[{"role": "user", "content": f"keep={keep}"}])
        with qtbot.waitSignal(panel.serving_changed, timeout=30_000):
            panel.switch.setChecked(False)  # stopping writes what was queued
    store = HistoryStore.open(path)
    try:
        assert [c.title for c in store.list_conversations()] == ["keep=True"]
    finally:
        store.close()
    background.shutdown()
