"""Kills during streaming: the engine child at random points (50 replies), and the whole GUI process.

After every engine kill the history passes PRAGMA integrity_check, the user message exists, and the
reply is `interrupted` holding exactly the text the view showed (or, killed while the engine was still
counting the conversation's tokens, the turn failed with the death explained before any reply row existed).
After a GUI kill the engine child exits on its own and reopening the app shows the interrupted reply. Both run
on a recorded CPU-only machine, with replies that cannot end before the kill (ignore_eos) and end by themselves
at 4000 tokens.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from support.app_context import recorded_context
from support.processes import gone

from modelnest.core.chat.session import ReplyDelta, ReplyFinished
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.engine.errors import EngineCrashed
from modelnest.gui.chat import ChatPage
from modelnest.gui.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

TESTS = Path(__file__).resolve().parent


@pytest.fixture
def context(tmp_path: Path) -> Iterator[AppContext]:
    ctx = recorded_context(tmp_path / "app")
    yield ctx
    ctx.shutdown()


@pytest.fixture
def page(qtbot: QtBot, tiny_model: Path, context: AppContext) -> Iterator[ChatPage]:
    p = ChatPage(context, engine_factory=lambda: EngineClient(hang_timeout=15.0, ledger=CrashLedger()))
    qtbot.addWidget(p)
    p.panel.add_model(str(tiny_model))
    p.panel.n_ctx.setValue(4096)
    p.panel.threads.setValue(2)
    p.panel.max_tokens.setValue(4000)
    p.panel.ignore_eos = True
    yield p
    pid = p.controller.engine_pid()
    p.shutdown()
    if pid is not None:
        assert gone(pid)


def test_engine_killed_at_random_points_during_50_replies(qtbot: QtBot, page: ChatPage) -> None:
    rng = random.Random(20261121)
    shown: dict[int, list[str]] = {}

    def on_delta(d: ReplyDelta) -> None:
        shown.setdefault(d.message_id, []).append(d.text)

    outcomes: list[object] = []  # the turn's end: ReplyFinished, or the error of a turn that never got a reply row
    page.controller.reply_delta.connect(on_delta)
    page.controller.reply_finished.connect(outcomes.append)
    page.controller.turn_failed.connect(outcomes.append)
    modes: list[str] = []
    for i in range(50):
        with qtbot.waitSignal(page.controller.model_loaded, timeout=60_000):
            page.reload() if i else page.load_model()
        page.new_conversation()
        pid = page.controller.engine_pid()
        assert pid is not None
        # before: the engine is frozen first, so it surely dies before its first token; streaming: killed after
        # text was shown (an event); anywhere: after a random delay, the kill point being what is under test.
        mode = rng.choice(["before", "anywhere", "streaming"])
        modes.append(mode)
        earlier = set(shown)
        outcomes.clear()
        if mode == "before":
            os.kill(pid, signal.SIGSTOP)
        page.input.setPlainText(f"message {i}")
        qtbot.mouseClick(page.send_button, Qt.MouseButton.LeftButton)
        if mode == "anywhere":
            qtbot.wait(int(rng.uniform(0.0, 0.25) * 1000))
        elif mode == "streaming":
            qtbot.waitUntil(lambda seen=earlier: any("".join(v) for k, v in shown.items() if k not in seen),
                            timeout=30_000)
        os.kill(pid, signal.SIGKILL)
        qtbot.waitUntil(lambda: bool(outcomes), timeout=60_000)
        qtbot.waitUntil(lambda: not page.controller.busy, timeout=30_000)
        result = outcomes[0]
        assert page.store.integrity_check() == ["ok"]
        messages = page.store.list_messages(page.conversation_id)  # type: ignore[arg-type]
        assert (messages[0].role, messages[0].content) == ("user", f"message {i}")
        if not isinstance(result, ReplyFinished):
            # Killed while the engine was still counting the conversation's tokens (the context policy asks it
            # first): the turn failed before its reply row existed, with the death explained; the message stays.
            assert mode != "streaming", i
            assert isinstance(result, EngineCrashed), (i, mode, result)
            assert [m.role for m in messages] == ["user"], i
            continue
        reply = messages[1]
        assert reply.id == result.message.id and reply.status == "interrupted", (i, mode, reply.status)
        on_screen = "".join(shown.get(reply.id, []))
        assert reply.content == on_screen, (i, mode)  # nothing shown was lost, nothing unshown was kept
        assert page.view.message(reply.id).status == "interrupted"
        if mode == "before":
            assert reply.content == "", i
        elif mode == "streaming":
            assert reply.content, i
    assert set(modes) == {"before", "anywhere", "streaming"}


DRIVER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])  # the tests folder: support.app_context
    from PySide6.QtWidgets import QApplication
    app = QApplication([sys.argv[0]])
    from support.app_context import recorded_context
    from modelnest.gui.app import build_main_window
    window = build_main_window(recorded_context(Path(sys.argv[2])))
    window.show()
    window.show_page("chat")
    page = window.page("chat")
    page.panel.add_model(sys.argv[1])
    page.panel.n_ctx.setValue(4096)
    page.panel.max_tokens.setValue(4000)
    page.panel.ignore_eos = True

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


def _lines(stream: object, into: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)
    into.put(None)


def test_gui_killed_mid_stream_leaves_interrupted_reply_and_no_engine(
    qtbot: QtBot, tiny_model: Path, tmp_path: Path
) -> None:
    script = tmp_path / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    app_dir = tmp_path / "app"  # the recorded machine and the history both processes use
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # MODELNEST_HOME is this test's
    log = tmp_path / "driver.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, str(script), str(tiny_model), str(app_dir), str(TESTS)],
                                stdout=subprocess.PIPE, stderr=err, env=env, text=True)
    lines: list[dict[str, object]] = []
    try:
        assert proc.stdout is not None
        received: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_lines, args=(proc.stdout, received), daemon=True).start()
        deadline = time.monotonic() + 60
        while len(lines) < 8:  # eight deltas shown: well into the reply, which cannot have ended (ignore_eos)
            try:
                line = received.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            lines.append(json.loads(line))
        assert len(lines) >= 8, "the GUI never streamed:\n" + log.read_text(errors="replace")[-3000:]
    finally:
        proc.kill()
        proc.wait()
    engine_pid = int(lines[0]["pid"])  # type: ignore[arg-type]
    assert gone(engine_pid), "the engine child outlived the GUI"
    reply_id = int(lines[0]["id"])  # type: ignore[arg-type]
    shown = "".join(str(line["text"]) for line in lines)

    ctx = recorded_context(app_dir)  # the app starting again
    page = ChatPage(ctx)
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
        ctx.shutdown()
