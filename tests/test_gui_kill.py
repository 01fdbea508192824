"""Kills during streaming: the engine child at random points (50 replies), and the whole GUI process.

After every engine kill the history passes PRAGMA integrity_check, the user message exists, and the
reply is `interrupted` holding exactly the text the view showed. After a GUI kill the engine child exits
on its own and reopening the app shows the interrupted reply.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from support.processes import gone

from modelnest.core.chat.session import ReplyFinished
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.gui.chat import ChatPage

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")




@pytest.fixture
def page(qtbot: QtBot, tiny_model: Path) -> Iterator[ChatPage]:
    p = ChatPage(engine_factory=lambda: EngineClient(hang_timeout=15.0, ledger=CrashLedger()))
    qtbot.addWidget(p)
    p.panel.add_model(str(tiny_model))
    p.panel.n_ctx.setValue(2048)
    p.panel.threads.setValue(2)
    p.panel.max_tokens.setValue(1900)
    p.panel.ignore_eos = True
    yield p
    pid = p.controller.engine_pid()
    p.shutdown()
    if pid is not None:
        assert gone(pid)


def test_engine_killed_at_random_points_during_50_replies(qtbot: QtBot, page: ChatPage) -> None:
    rng = random.Random(20261121)
    shown: dict[int, list[str]] = {}
    page.controller.reply_delta.connect(lambda d: shown.setdefault(d.message_id, []).append(d.text))
    before_first_token = 0
    for i in range(50):
        with qtbot.waitSignal(page.controller.model_loaded, timeout=60_000):
            page.reload() if i else page.load_model()
        page.new_conversation()
        pid = page.controller.engine_pid()
        assert pid is not None
        delay = rng.choice([0.0, rng.uniform(0.0, 0.02), rng.uniform(0.02, 0.25)])  # before/at/after first token
        with qtbot.waitSignal(page.controller.reply_finished, timeout=60_000) as finished:
            page.input.setPlainText(f"message {i}")
            qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
            if delay:
                qtbot.wait(int(delay * 1000))
            os.kill(pid, signal.SIGKILL)
        qtbot.waitUntil(lambda: not page.controller.busy, timeout=30_000)
        result: ReplyFinished = finished.args[0]
        assert page.store.integrity_check() == ["ok"]
        messages = page.store.list_messages(page.conversation_id)  # type: ignore[arg-type]
        assert [(m.role, m.content) for m in messages][0] == ("user", f"message {i}")
        reply = messages[1]
        assert reply.id == result.message.id and reply.status == "interrupted", (i, delay, reply.status)
        on_screen = "".join(shown.get(reply.id, []))
        assert on_screen.startswith(reply.content) and reply.content == on_screen  # nothing shown was lost
        assert page.view.message(reply.id).status == "interrupted"
        before_first_token += not reply.content
    assert 0 < before_first_token < 50  # kills landed both before and during streaming


DRIVER = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([sys.argv[0]])
    from modelnest.gui.app import build_main_window
    window = build_main_window()
    window.show()
    window.show_page("chat")
    page = window.page("chat")
    page.panel.add_model(sys.argv[1])
    page.panel.n_ctx.setValue(2048)
    page.panel.max_tokens.setValue(100000)
    page.panel.ignore_eos = True
    state = {"announced": False}

    def loaded(report):
        page.input.setPlainText("hello from the doomed process")
        page.send()

    def delta(d):
        print(json.dumps({"pid": page.controller.engine_pid(), "id": d.message_id,
                          "conversation": page.conversation_id, "text": d.text}), flush=True)

    page.controller.model_loaded.connect(loaded)
    page.controller.reply_delta.connect(delta)
    page.load_model()
    app.exec()
    """
)


def test_gui_killed_mid_stream_leaves_interrupted_reply_and_no_engine(
    qtbot: QtBot, tiny_model: Path, tmp_path: Path
) -> None:
    script = tmp_path / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # MODELNEST_HOME is this test's
    proc = subprocess.Popen([sys.executable, str(script), str(tiny_model)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env, text=True)
    lines: list[dict[str, object]] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while len(lines) < 8 and time.monotonic() < deadline:  # about 0.4 s of streaming
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(json.loads(line))
        assert len(lines) >= 8, "the GUI never streamed"
    finally:
        proc.kill()
        proc.wait()
    engine_pid = int(lines[0]["pid"])  # type: ignore[arg-type]
    assert gone(engine_pid), "the engine child outlived the GUI"
    reply_id = int(lines[0]["id"])  # type: ignore[arg-type]
    shown = "".join(str(line["text"]) for line in lines)

    page = ChatPage()  # the app starting again
    qtbot.addWidget(page)
    page.show()
    try:
        assert reply_id in [m.id for m in page.interrupted]
        assert page.conversation_id == lines[0]["conversation"]
        reply = page.view.message(reply_id)
        assert reply.status == "interrupted" and reply.content
        common = min(len(shown), len(reply.content))  # committed every 250 ms; the view may be ahead or behind
        assert reply.content[:common] == shown[:common]
        assert f"retry:{reply_id}" in page.view.toHtml()
        assert page.store.integrity_check() == ["ok"]
    finally:
        page.shutdown()
