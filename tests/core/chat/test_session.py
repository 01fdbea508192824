"""ChatSession with the real engine and a real SQLite history: message building, streaming, stop, crashes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelnest.core.chat.history import HistoryError, HistoryStore
from modelnest.core.chat.session import (
    ChatSession,
    ContextLimitReached,
    ReplyDelta,
    ReplyFinished,
    ReplyStarted,
    build_messages,
    status_for_error,
)
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.engine.errors import EngineCrashed, EngineHung, EngineOutOfMemory, GenerationFailed
from modelnest.core.engine.params import EngineParams, SamplingParams

PARAMS = EngineParams(n_ctx=4096, n_batch=512, n_ubatch=512, n_threads=2, n_threads_batch=2)
# Replies that tests interrupt: they cannot end early (ignore_eos), and end by themselves after 4000 tokens
# (seconds even for the tiny model), so a test that failed to interrupt one fails instead of hanging.
LONG = SamplingParams(max_tokens=4000, ignore_eos=True, seed=7)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    s = HistoryStore.open(tmp_path / "history.sqlite3")
    yield s
    s.close()


@pytest.fixture
def engine(tiny_model: Path) -> Iterator[EngineClient]:
    client = EngineClient(hang_timeout=10.0, cancel_grace=3.0, ledger=CrashLedger())
    client.load(tiny_model, PARAMS)
    yield client
    client.shutdown()


def test_build_messages_puts_system_prompt_first_and_skips_notes(store: HistoryStore) -> None:
    conv = store.create_conversation(system_prompt="Be brief.")
    store.add_user_message(conv.id, "one")
    store.add_message(conv.id, "assistant", "answer")
    store.add_message(conv.id, "system", "[This message could not be read from the history file.]", status="error")
    store.add_message(conv.id, "assistant", "", status="stopped")  # Stop before the first token
    store.add_user_message(conv.id, "two")
    assert build_messages(store.list_messages(conv.id), "Be brief.") == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "one"},
        {"role": "assistant", "content": "answer"},
        {"role": "user", "content": "two"},
    ]
    assert build_messages(store.list_messages(conv.id), "  ")[0] == {"role": "user", "content": "one"}


def test_error_statuses() -> None:
    assert status_for_error(EngineCrashed("x")) == "interrupted"
    assert status_for_error(EngineOutOfMemory("x")) == "interrupted"
    assert status_for_error(EngineHung("x")) == "interrupted"
    assert status_for_error(GenerationFailed("x")) == "error"


def test_send_streams_into_history_and_records_stats(engine: EngineClient, store: HistoryStore) -> None:
    conv = store.create_conversation(system_prompt="You are a test.")
    session = ChatSession(engine, store, delta_interval_s=0.0)
    events = list(session.send(conv.id, "hello", SamplingParams(max_tokens=60, ignore_eos=True, seed=1),
                               {"n_ctx": 2048}))
    started, finished = events[0], events[-1]
    assert isinstance(started, ReplyStarted) and started.user is not None and started.user.content == "hello"
    assert isinstance(finished, ReplyFinished) and finished.status == "complete"
    deltas = [e for e in events if isinstance(e, ReplyDelta)]
    assert deltas and deltas[-1].tokens == 60
    assert "".join(d.text for d in deltas) == finished.message.content == finished.summary.text  # type: ignore[union-attr]
    stats = store.get_message(finished.message.id).stats
    assert stats["completion_tokens"] == 60 and stats["ttft_s"] > 0 and stats["decode_tokens_per_s"] > 0
    assert stats["settings"]["max_tokens"] == 60 and stats["settings"]["n_ctx"] == 2048
    assert stats["model"] == Path(engine.loaded.path).name  # type: ignore[union-attr]
    assert [m.role for m in store.list_messages(conv.id)] == ["user", "assistant"]
    assert store.get_conversation(conv.id).title == "hello"


def test_cancel_from_another_thread_keeps_partial_reply_as_stopped(engine: EngineClient, store: HistoryStore) -> None:
    conv = store.create_conversation()
    session = ChatSession(engine, store, delta_interval_s=0.0)
    shown: list[str] = []
    canceller: threading.Thread | None = None
    for event in session.send(conv.id, "go on", LONG):
        if isinstance(event, ReplyDelta):
            shown.append(event.text)
            if event.tokens >= 20 and canceller is None:
                canceller = threading.Thread(target=session.cancel)  # as the GUI's Stop button does
                canceller.start()
        elif isinstance(event, ReplyFinished):
            result = event
    assert canceller is not None
    canceller.join()
    assert result.status == "stopped" and result.summary is not None
    assert result.summary.stop_reason == "cancelled"
    assert 20 <= result.summary.tokens < LONG.max_tokens
    assert store.get_message(result.message.id).content == "".join(shown)


def test_engine_death_marks_reply_interrupted_with_everything_shown(engine: EngineClient, store: HistoryStore) -> None:
    conv = store.create_conversation()
    session = ChatSession(engine, store, delta_interval_s=0.0)
    shown: list[str] = []
    for event in session.send(conv.id, "talk", LONG):
        if isinstance(event, ReplyDelta):
            shown.append(event.text)
            if event.tokens >= 30 and engine.alive:
                os.kill(engine.pid, signal.SIGKILL)  # type: ignore[arg-type]
        elif isinstance(event, ReplyFinished):
            result = event
    assert result.status == "interrupted"
    assert isinstance(result.error, EngineCrashed)
    stored = store.get_message(result.message.id)
    assert stored.status == "interrupted" and stored.content == "".join(shown) and stored.content
    assert stored.stats["error"] == str(result.error.explanation)
    assert store.list_messages(conv.id)[0].content == "talk"


def test_regenerate_and_edit_replace_the_right_messages(engine: EngineClient, store: HistoryStore) -> None:
    conv = store.create_conversation()
    session = ChatSession(engine, store, delta_interval_s=0.0)
    sampling = SamplingParams(max_tokens=10, ignore_eos=True, seed=2)
    first = list(session.send(conv.id, "question", sampling))[-1]
    again = list(session.regenerate(conv.id, sampling))[-1]
    assert isinstance(first, ReplyFinished) and isinstance(again, ReplyFinished)
    assert again.message.id != first.message.id
    assert [m.id for m in store.list_messages(conv.id)][1:] == [again.message.id]
    edited = list(session.edit_and_resend(conv.id, "better question", sampling))
    assert isinstance(edited[0], ReplyStarted) and edited[0].user is not None
    messages = store.list_messages(conv.id)
    assert [(m.role, m.content if m.role == "user" else "") for m in messages] == [
        ("user", "better question"), ("assistant", "")]
    assert messages[1].status == "complete"


def test_regenerate_without_a_user_message_is_refused(engine: EngineClient, store: HistoryStore) -> None:
    conv = store.create_conversation()
    with pytest.raises(HistoryError):
        list(ChatSession(engine, store).regenerate(conv.id, SamplingParams(max_tokens=5)))


def test_prompt_too_long_for_context_tells_the_user_and_keeps_the_message(
    tiny_model: Path, store: HistoryStore
) -> None:
    client = EngineClient(hang_timeout=10.0, ledger=CrashLedger())
    try:
        client.load(tiny_model, EngineParams(n_ctx=64, n_batch=64, n_ubatch=64, n_threads=2, n_threads_batch=2))
        conv = store.create_conversation()
        with pytest.raises(ContextLimitReached) as info:
            list(ChatSession(client, store).send(conv.id, "word " * 400, SamplingParams(max_tokens=5)))
        assert "Shorten the message" in str(info.value) and info.value.n_ctx == 64  # words, not an engine error
        messages = store.list_messages(conv.id)
        assert [(m.role, m.content) for m in messages] == [("user", "word " * 400)]  # kept; no reply row
        assert client.alive and client.loaded is not None  # a refused request leaves the model loaded
    finally:
        client.shutdown()


# ---- the terminal twin: `modelnest chat MODEL` ---------------------------------------------------------------


def _chat_cli(model: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "modelnest.gui.launcher", "chat", str(model), "--ctx", "4096", "--threads", "2", *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))


def test_cli_chat_saves_the_conversation_and_prints_a_stats_line(tiny_model: Path) -> None:
    # --ignore-eos: every reply is exactly 12 tokens, whatever this random model would have said
    proc = _chat_cli(tiny_model, "--max-tokens", "12", "--ignore-eos", "--seed", "4", "--system", "Be terse.")
    out, err = proc.communicate(b"first question\n/regen\nsecond question\n/quit\n", timeout=120)
    assert proc.returncode == 0, err.decode()
    lines = [line for line in err.decode().splitlines() if line.startswith("[")]
    assert len(lines) == 3
    assert all(re.fullmatch(r"\[12 tokens · first token \d+ ms · prompt [\d.]+ t/s · generation [\d.]+ t/s"
                            r" · stop: length\]", line) for line in lines), lines
    with HistoryStore.open() as store:
        (conv,) = store.list_conversations()
        assert conv.system_prompt == "Be terse." and conv.title == "first question"
        messages = store.list_messages(conv.id)
        assert [(m.role, m.status) for m in messages] == [("user", "complete"), ("assistant", "complete")] * 2
        assert messages[2].content == "second question"
        assert messages[1].stats["settings"]["seed"] == 4 and messages[1].stats["model"] == tiny_model.name
        assert messages[1].stats["settings"]["ignore_eos"] is True
        assert out.decode("utf-8", "replace").count("\n") >= 3


def test_cli_ctrl_c_stops_the_reply_and_keeps_it(tiny_model: Path) -> None:
    # The reply cannot end before Ctrl-C (ignore_eos: the random model once ended it after 102 tokens), and
    # ends by itself at 4000 tokens, so a Ctrl-C that does nothing fails the test instead of hanging it.
    proc = _chat_cli(tiny_model, "--max-tokens", "4000", "--ignore-eos")
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"never stop talking\n")
    proc.stdin.flush()
    assert proc.stdout.read(1)  # the reply is streaming: the first text is out
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(b"/quit\n", timeout=120)
    assert proc.returncode == 0, err.decode()
    assert "stopped]" in err.decode()
    with HistoryStore.open() as store:
        (conv,) = store.list_conversations()
        reply = store.list_messages(conv.id)[1]
        assert reply.status == "stopped" and reply.content and reply.stats["stop_reason"] == "cancelled"
        assert reply.stats["completion_tokens"] < 4000


def test_cli_chat_refuses_a_bad_file_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 10)
    proc = _chat_cli(bad)
    _, err = proc.communicate(b"", timeout=60)
    assert proc.returncode in (1, 2) and len(err.decode().strip().splitlines()) == 1
    assert "Traceback" not in err.decode()
