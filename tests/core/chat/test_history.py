"""The history store's API on real SQLite files: conversations, streaming replies, edits, recovery."""

from __future__ import annotations

import math
import sqlite3
import threading
from pathlib import Path

import pytest

from modelnest.core import paths
from modelnest.core.chat.history import (
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    PeriodicFlush,
    ReplyStats,
)


class FakeClock:
    """Monotonic clock the test moves by hand, so the time-based flush is deterministic."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(db_path: Path, clock: FakeClock) -> HistoryStore:
    s = HistoryStore.open(db_path, flush_policy=PeriodicFlush(interval_s=0.25, max_chars=math.inf), clock=clock)
    yield s
    s.close()


def raw(db_path: Path) -> sqlite3.Connection:
    """An independent connection: sees only what the store has committed."""
    return sqlite3.connect(db_path)


def test_open_default_path_and_pragmas(modelnest_home: Path) -> None:
    with HistoryStore.open() as s:
        assert s.path == paths.data_dir() / "history.sqlite3"
        assert s.path.is_file()
        assert s.notice is None
        assert s.schema_version == SCHEMA_VERSION == 2
        conn = s._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_conversations_create_list_search_rename_delete(store: HistoryStore, db_path: Path) -> None:
    a = store.create_conversation("Über Python", model_name="tiny", system_prompt="Be brief.",
                                  settings={"temperature": 0.2})
    b = store.create_conversation("Recipes")
    c = store.create_conversation("python tricks")
    assert a.title == "Über Python" and a.model_name == "tiny" and a.system_prompt == "Be brief."
    assert a.settings == {"temperature": 0.2}
    # Most recently changed first.
    assert [x.id for x in store.list_conversations()] == [c.id, b.id, a.id]
    store.add_user_message(a.id, "hi")
    assert store.list_conversations()[0].id == a.id
    # Case-insensitive, Unicode-aware title search.
    assert {x.id for x in store.search_conversations("PYTHON")} == {a.id, c.id}
    assert [x.id for x in store.search_conversations("über")] == [a.id]
    assert len(store.search_conversations("  ")) == 3
    assert store.search_conversations("nothing") == []

    renamed = store.rename_conversation(b.id, "  Cooking  ")
    assert renamed.title == "Cooking"
    assert store.get_conversation(b.id).title == "Cooking"
    updated = store.update_conversation(b.id, model_path="/m/x.gguf", settings={"top_k": 5})
    assert updated.model_path == "/m/x.gguf" and updated.settings == {"top_k": 5} and updated.title == "Cooking"

    reply = store.begin_reply(a.id)
    store.append_reply(reply.id, "partial")
    store.flush()
    store.delete_conversation(a.id)
    with pytest.raises(HistoryError, match="does not exist"):
        store.get_conversation(a.id)
    with pytest.raises(HistoryError, match="does not exist"):
        store.rename_conversation(a.id, "x")
    with raw(db_path) as conn:  # cascade: messages and streamed chunks went with it
        assert conn.execute("SELECT COUNT(*) FROM messages WHERE conversation_id = ?", (a.id,)).fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM message_chunks").fetchone()[0] == 0
    with pytest.raises(HistoryError, match="not being written"):
        store.append_reply(reply.id, "more")
    store.delete_conversation(a.id)  # deleting twice is harmless


def test_user_message_is_committed_before_generation_and_names_the_conversation(
    store: HistoryStore, db_path: Path
) -> None:
    conv = store.create_conversation()
    assert conv.title == ""
    msg = store.add_user_message(conv.id, "\n  What is a GGUF file, and how do I inspect one safely? " + "x" * 80)
    assert msg.role == "user" and msg.status == "complete"
    with raw(db_path) as conn:
        assert conn.execute("SELECT content FROM messages WHERE id = ?", (msg.id,)).fetchone()[0].startswith("\n")
    title = store.get_conversation(conv.id).title
    assert title.startswith("What is a GGUF file") and title.endswith("…") and len(title) == 61
    store.add_user_message(conv.id, "second question")
    assert store.get_conversation(conv.id).title == title  # only the first message names it
    with pytest.raises(HistoryError, match="does not exist"):
        store.add_user_message(9999, "orphan")


def test_streaming_reply_flushes_on_policy_and_finishes(
    store: HistoryStore, db_path: Path, clock: FakeClock
) -> None:
    conv = store.create_conversation("t")
    store.add_user_message(conv.id, "hello")
    reply = store.begin_reply(conv.id)
    assert reply.status == "streaming" and reply.content == ""
    reader = store.reopen()
    try:
        assert store.append_reply(reply.id, "Hel") is False
        assert store.append_reply(reply.id, "lo") is False
        # The writer sees its own buffer; another connection sees only committed text.
        assert store.get_message(reply.id).content == "Hello"
        assert reader.get_message(reply.id).content == ""
        clock.now += 0.3
        assert store.append_reply(reply.id, ",") is True
        assert reader.get_message(reply.id).content == "Hello,"
        assert store.append_reply(reply.id, " world") is False
        assert store.append_reply(reply.id, "") is False
        store.flush()
        assert reader.get_message(reply.id).content == "Hello, world"
        assert [m.content for m in reader.list_messages(conv.id)] == ["hello", "Hello, world"]
        store.append_reply(reply.id, "!")
        done = store.finish_reply(
            reply.id, "complete",
            ReplyStats(ttft_s=0.5, decode_tokens_per_s=16.2, completion_tokens=4, model="tiny",
                       settings={"temperature": 0.7}, prefill_tokens_per_s=math.inf),
        )
        assert done.status == "complete" and done.content == "Hello, world!"
        assert done.stats == {"ttft_s": 0.5, "decode_tokens_per_s": 16.2, "completion_tokens": 4,
                              "model": "tiny", "settings": {"temperature": 0.7},
                              "prefill_tokens_per_s": None}
        assert ReplyStats.from_dict(done.stats).decode_tokens_per_s == 16.2
        assert reader.get_message(reply.id).content == "Hello, world!"
    finally:
        reader.close()
    with raw(db_path) as conn:  # chunks were folded into the row
        assert conn.execute("SELECT COUNT(*) FROM message_chunks").fetchone()[0] == 0
        assert conn.execute("SELECT content, status FROM messages WHERE id = ?", (reply.id,)).fetchone() == (
            "Hello, world!", "complete")
    with pytest.raises(HistoryError, match="not being written"):
        store.append_reply(reply.id, "late")
    with pytest.raises(HistoryError, match="already finished"):
        store.finish_reply(reply.id, "stopped")


def test_flush_by_size_and_each_flush_adds_one_chunk(db_path: Path) -> None:
    with HistoryStore.open(db_path, flush_policy=PeriodicFlush(interval_s=math.inf, max_chars=10)) as s:
        conv = s.create_conversation()
        reply = s.begin_reply(conv.id)
        results = [s.append_reply(reply.id, "abcd") for _ in range(6)]
        assert results == [False, False, True, False, False, True]
        with raw(db_path) as conn:
            assert [r[0] for r in conn.execute("SELECT text FROM message_chunks ORDER BY id")] == ["abcd" * 3] * 2


def test_finish_statuses_and_error_text(store: HistoryStore) -> None:
    conv = store.create_conversation()
    for status in ("stopped", "interrupted", "error"):
        reply = store.begin_reply(conv.id)
        store.append_reply(reply.id, "part")
        done = store.finish_reply(reply.id, status, {"error": "engine crashed"} if status == "error" else None)
        assert (done.status, done.content) == (status, "part")
    assert done.stats == {"error": "engine crashed"}
    reply = store.begin_reply(conv.id)
    with pytest.raises(HistoryError, match="cannot finish as 'streaming'"):
        store.finish_reply(reply.id, "streaming")  # type: ignore[arg-type]
    with pytest.raises(HistoryError, match="does not exist"):
        store.finish_reply(123456, "complete")


def test_close_flushes_and_recover_marks_interrupted(db_path: Path) -> None:
    writer = HistoryStore.open(db_path, flush_policy=PeriodicFlush(interval_s=math.inf, max_chars=math.inf))
    conv = writer.create_conversation()
    user = writer.add_user_message(conv.id, "q")
    reply = writer.begin_reply(conv.id)
    writer.append_reply(reply.id, "The answer ")
    writer.append_reply(reply.id, "is")
    # Recovery in a live process never touches a reply that this store is still writing.
    assert writer.recover_interrupted() == []
    writer.close()  # like a crash after a flush: the row stays "streaming"

    with HistoryStore.open(db_path) as s:
        recovered = s.recover_interrupted()
        assert [(m.id, m.status, m.content) for m in recovered] == [(reply.id, "interrupted", "The answer is")]
        assert s.recover_interrupted() == []
        assert [m.id for m in s.list_messages(conv.id)] == [user.id, reply.id]


def test_edit_and_resend_replaces_last_user_message(store: HistoryStore) -> None:
    conv = store.create_conversation()
    with pytest.raises(HistoryError, match="no message of yours"):
        store.replace_last_user_message(conv.id, "x")
    first = store.add_user_message(conv.id, "one")
    r1 = store.begin_reply(conv.id)
    store.finish_reply(r1.id, "complete")
    last = store.add_user_message(conv.id, "tow")
    r2 = store.begin_reply(conv.id)
    with pytest.raises(HistoryError, match="stop it first"):
        store.replace_last_user_message(conv.id, "two")
    store.finish_reply(r2.id, "stopped")
    edited = store.replace_last_user_message(conv.id, "two")
    assert edited.id == last.id and edited.content == "two"
    assert [(m.id, m.content) for m in store.list_messages(conv.id)] == [
        (first.id, "one"), (r1.id, ""), (last.id, "two")]


def test_regenerate_deletes_last_reply_only(store: HistoryStore) -> None:
    conv = store.create_conversation()
    assert store.delete_last_reply(conv.id) is None
    store.add_user_message(conv.id, "q")
    assert store.delete_last_reply(conv.id) is None  # the last message is the user's
    reply = store.begin_reply(conv.id)
    with pytest.raises(HistoryError, match="stop it first"):
        store.delete_last_reply(conv.id)
    store.finish_reply(reply.id, "complete")
    assert store.delete_last_reply(conv.id) == reply.id
    assert [m.role for m in store.list_messages(conv.id)] == ["user"]
    again = store.begin_reply(conv.id)
    assert again.id != reply.id  # ids are never reused, so the GUI cannot confuse the two


def test_reply_in_deleted_conversation_fails_plainly(db_path: Path) -> None:
    with HistoryStore.open(db_path, flush_policy=PeriodicFlush(interval_s=math.inf, max_chars=math.inf)) as writer:
        conv = writer.create_conversation()
        reply = writer.begin_reply(conv.id)
        writer.append_reply(reply.id, "text")
        other = writer.reopen()
        other.delete_conversation(conv.id)
        other.close()
        with pytest.raises(HistoryError, match="conversation was deleted"):
            writer.flush()
        with pytest.raises(HistoryError, match="not being written"):
            writer.append_reply(reply.id, "x")


def test_text_round_trips_and_broken_surrogates_are_kept_readable(store: HistoryStore) -> None:
    conv = store.create_conversation("表情 🙂")
    text = "中文, emoji 🙂, NUL-free\ttabs\nand `code`"
    assert store.add_message(conv.id, "system", text).content == text
    reply = store.begin_reply(conv.id)
    store.append_reply(reply.id, "ok \ud83d")  # a tokenizer cut a character in half
    done = store.finish_reply(reply.id, "complete")
    assert done.content == "ok ?" and not done.damaged
    with pytest.raises(HistoryError, match="Unknown message role"):
        store.add_message(conv.id, "tool", "x")  # type: ignore[arg-type]


def test_one_store_per_thread(store: HistoryStore, db_path: Path) -> None:
    conv = store.create_conversation()
    errors: list[BaseException] = []

    def misuse() -> None:
        try:
            store.list_conversations()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=misuse)
    t.start()
    t.join()
    assert len(errors) == 1 and isinstance(errors[0], sqlite3.ProgrammingError)

    # The documented pattern: the worker thread writes through its own store while this thread reads.
    done = threading.Event()
    worker_errors: list[BaseException] = []
    reply_id: list[int] = []

    def worker(worker_store: HistoryStore) -> None:
        try:
            reply = worker_store.begin_reply(conv.id)
            reply_id.append(reply.id)
            for i in range(300):
                worker_store.append_reply(reply.id, f"t{i} ")
                if i % 10 == 0:
                    worker_store.flush()
            worker_store.finish_reply(reply.id, "complete")
        except BaseException as exc:  # noqa: BLE001
            worker_errors.append(exc)
        finally:
            worker_store.close()
            done.set()

    holder: list[HistoryStore] = []

    def start() -> None:
        holder.append(store.reopen())  # created in the worker thread: it belongs to it
        worker(holder[0])

    thread = threading.Thread(target=start)
    thread.start()
    reads = 0
    while not done.is_set():
        messages = store.list_messages(conv.id)
        for m in messages:
            assert "".join(f"t{i} " for i in range(300)).startswith(m.content)
        reads += 1
    thread.join()
    assert worker_errors == []
    assert reads > 0
    final = store.get_message(reply_id[0])
    assert final.status == "complete" and final.content == "".join(f"t{i} " for i in range(300))


def test_failed_flush_keeps_text_buffered_and_retries(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with HistoryStore.open(db_path, flush_policy=PeriodicFlush(interval_s=math.inf, max_chars=math.inf)) as s:
        conv = s.create_conversation()
        reply = s.begin_reply(conv.id)
        s.append_reply(reply.id, "kept ")
        blocker = sqlite3.connect(db_path, timeout=0)
        blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock for longer than we wait
        s._conn.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(HistoryError, match="another program"):
            s.flush()
        blocker.rollback()
        blocker.close()
        s.append_reply(reply.id, "anyway")
        done = s.finish_reply(reply.id, "complete")
        assert done.content == "kept anyway"


def test_finishing_a_reply_someone_else_recovered_releases_it(db_path: Path) -> None:
    with HistoryStore.open(db_path, flush_policy=PeriodicFlush(interval_s=math.inf, max_chars=math.inf)) as s:
        conv = s.create_conversation()
        reply = s.begin_reply(conv.id)
        s.append_reply(reply.id, "text")
        s.flush()
        other = s.reopen()
        assert [m.id for m in other.recover_interrupted()] == [reply.id]  # misuse: recovery while streaming
        other.close()
        with pytest.raises(HistoryError, match="already finished"):
            s.finish_reply(reply.id, "complete")
        with pytest.raises(HistoryError, match="not being written"):
            s.append_reply(reply.id, "more")
        assert s.get_message(reply.id).content == "text"
