"""Kill-safety: a writer SIGKILLed at random points mid-reply never loses the user message or a committed prefix."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from modelnest.core.chat.history import HistoryStore

CHILD = Path(__file__).with_name("history_writer_child.py")


def expected_text(length: int) -> str:
    parts: list[str] = []
    n = i = 0
    while n < length:
        parts.append(f"t{i} ")
        n += len(parts[-1])
        i += 1
    return "".join(parts)[:length]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_reply_keeps_user_message_and_a_committed_prefix(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    rng = random.Random(1234)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    nonempty = 0
    for iteration in range(20):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(path), str(rng.choice([8, 40, 200]))],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        try:
            assert child.stdout is not None
            ready = child.stdout.readline().split()
            assert ready and ready[0] == "ready", child.stderr.read() if child.stderr else ""
            conversation_id, user_id, reply_id = map(int, ready[1:])
            first = ""
            if iteration % 4 == 0:  # these wait for the first commit (an event): some kills surely land mid-stream
                first = child.stdout.readline()
                assert first.startswith("flushed "), first
            # The random delay is what is under test (kill anywhere: mid-append, mid-commit, mid-fsync), not a wait.
            time.sleep(rng.uniform(0.0, 0.06))
            child.send_signal(signal.SIGKILL)
            out, _ = child.communicate(timeout=30)
            out = first + out
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert child.returncode == -signal.SIGKILL
        flushed = [int(line.split()[1]) for line in out.splitlines() if line.startswith("flushed ")]
        last_reported = flushed[-1] if flushed else 0

        with HistoryStore.open(path) as store:
            assert store.notice is None, f"iteration {iteration}: {store.notice}"
            assert store.integrity_check() == ["ok"]
            recovered = store.recover_interrupted()
            assert [m.id for m in recovered] == [reply_id]
            messages = store.list_messages(conversation_id)
            assert [(m.id, m.role, m.status) for m in messages] == [
                (user_id, "user", "complete"), (reply_id, "assistant", "interrupted")]
            assert messages[0].content == f"question for conversation {conversation_id}"
            content = messages[1].content
            # Everything reported as committed is there, and nothing but a prefix of what was streamed.
            assert len(content) >= last_reported, f"iteration {iteration}: lost committed text"
            assert content == expected_text(len(content))
            nonempty += bool(content)
    assert nonempty >= 5  # kills landed mid-stream (at least the five after a commit), not only before the first
