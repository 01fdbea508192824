"""Regenerate keeps earlier replies as alternatives, edits of any user message, deletes, and the schema upgrade."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelnest.core.chat import history
from modelnest.core.chat.export import export_conversation
from modelnest.core.chat.history import HistoryError, HistoryStore
from modelnest.core.chat.session import ChatSession, ReplyFinished
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.engine.params import EngineParams, SamplingParams

SHORT = SamplingParams(max_tokens=8, ignore_eos=True, seed=3)


def reply(store: HistoryStore, conversation_id: int, text: str, alternative_to: int | None = None) -> int:
    m = store.begin_reply(conversation_id, alternative_to=alternative_to)
    store.append_reply(m.id, text)
    return store.finish_reply(m.id, "complete").id


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


def test_alternatives_survive_a_restart_and_the_choice_too(path: Path) -> None:
    with HistoryStore.open(path) as store:
        conv = store.create_conversation("A")
        user = store.add_user_message(conv.id, "question").id
        first = reply(store, conv.id, "first answer")
        second = reply(store, conv.id, "second answer", alternative_to=first)
        third = reply(store, conv.id, "third answer", alternative_to=second)  # any member names the group
        shown = store.list_messages(conv.id)
        assert [m.id for m in shown] == [user, third]
        assert shown[1].alternatives == (first, second, third)
    with HistoryStore.open(path) as store:  # a restart: everything comes back from the file
        shown = store.list_messages(conv.id)
        assert [m.id for m in shown] == [user, third] and shown[1].alternatives == (first, second, third)
        assert [m.content for m in store.list_alternatives(third)] == ["first answer", "second answer",
                                                                       "third answer"]
        store.select_alternative(first)
    with HistoryStore.open(path) as store:
        shown = store.list_messages(conv.id)
        assert [m.id for m in shown] == [user, first] and shown[1].content == "first answer"
        assert shown[1].alternatives == (first, second, third)


def test_alternatives_are_in_both_exports(path: Path, tmp_path: Path) -> None:
    with HistoryStore.open(path) as store:
        conv = store.create_conversation("A")
        store.add_user_message(conv.id, "question")
        first = reply(store, conv.id, "first answer")
        second = reply(store, conv.id, "second answer", alternative_to=first)
        data = json.loads(export_conversation(store, conv.id, tmp_path / "c.json").read_text(encoding="utf-8"))
        answer = data["messages"][1]
        assert answer["id"] == second and answer["content"] == "second answer"
        assert [(a["id"], a["content"], a["shown"]) for a in answer["alternatives"]] == [
            (first, "first answer", False), (second, "second answer", True)]
        markdown = export_conversation(store, conv.id, tmp_path / "c.md").read_text(encoding="utf-8")
        assert "second answer" in markdown and "*Other reply (1/2)*\n\n> first answer" in markdown


def test_editing_a_middle_message_continues_from_there(path: Path) -> None:
    with HistoryStore.open(path) as store:
        conv = store.create_conversation("A")
        u1 = store.add_user_message(conv.id, "one").id
        a1 = reply(store, conv.id, "answer one")
        reply(store, conv.id, "answer one again", alternative_to=a1)
        u2 = store.add_user_message(conv.id, "two").id
        reply(store, conv.id, "answer two")
        edited = store.edit_user_message(u2, "two, edited")
        assert edited.content == "two, edited"
        assert [m.content for m in store.list_messages(conv.id)] == ["one", "answer one again", "two, edited"]
        store.edit_user_message(u1, "one, edited")  # the first message: everything after it goes
        assert [m.id for m in store.list_messages(conv.id)] == [u1]
        with pytest.raises(HistoryError, match="no such message of yours"):
            store.edit_user_message(a1, "not mine")


def test_deleting_a_message_and_an_alternative(path: Path) -> None:
    with HistoryStore.open(path) as store:
        conv = store.create_conversation("A")
        user = store.add_user_message(conv.id, "q").id
        first = reply(store, conv.id, "first")
        second = reply(store, conv.id, "second", alternative_to=first)
        store.delete_message(second)  # the shown one: the remaining alternative takes its place
        shown = store.list_messages(conv.id)
        assert [m.id for m in shown] == [user, first] and shown[1].alternatives == ()
        store.delete_message(user)
        assert [m.id for m in store.list_messages(conv.id)] == [first]


def test_a_version_1_history_upgrades_in_place(path: Path) -> None:
    # A file exactly as the previous release wrote it: migration 1 only, with a conversation in it.
    with sqlite3.connect(path, isolation_level=None) as conn:
        history.MIGRATIONS[1](conn)
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (1, 'Old', 1.0, 1.0)")
        for i, (role, text) in enumerate([("user", "hi"), ("assistant", "hello"), ("user", "more")], 1):
            conn.execute("INSERT INTO messages (id, conversation_id, role, content, status, created_at, "
                         "updated_at) VALUES (?, 1, ?, ?, 'complete', 1.0, 1.0)", (i, role, text))
    conn.close()
    with HistoryStore.open(path) as store:
        assert store.notice is None and store.schema_version == history.SCHEMA_VERSION == 2
        assert [(m.role, m.content, m.alternatives) for m in store.list_messages(1)] == [
            ("user", "hi", ()), ("assistant", "hello", ()), ("user", "more", ())]
        answer = reply(store, 1, "answer")
        again = reply(store, 1, "again", alternative_to=answer)
        assert store.list_messages(1)[-1].alternatives == (answer, again)
    assert list(path.parent.glob("*.corrupt-*")) == []  # upgraded, not set aside


# ---- with the real engine ----------------------------------------------------------------------------------
@pytest.fixture
def engine(tiny_model: Path) -> Iterator[EngineClient]:
    client = EngineClient(hang_timeout=10.0, ledger=CrashLedger())
    client.load(tiny_model, EngineParams(n_ctx=1024, n_batch=512, n_ubatch=512, n_threads=2, n_threads_batch=2))
    yield client
    client.shutdown()


def test_regenerate_and_edit_through_the_session(engine: EngineClient, path: Path) -> None:
    with HistoryStore.open(path) as store:
        conv = store.create_conversation("A")
        session = ChatSession(engine, store)
        first = list(session.send(conv.id, "first question", SHORT))[-1]
        assert isinstance(first, ReplyFinished)
        again = list(session.regenerate(conv.id, SamplingParams(max_tokens=8, ignore_eos=True, seed=4)))[-1]
        assert isinstance(again, ReplyFinished) and again.status == "complete"
        assert store.list_messages(conv.id)[-1].alternatives == (first.message.id, again.message.id)
        list(session.send(conv.id, "second question", SHORT))
        u1 = store.list_messages(conv.id)[0].id
        edited = list(session.edit_and_resend(conv.id, "first question, edited", SHORT, message_id=u1))[-1]
        assert isinstance(edited, ReplyFinished) and edited.status == "complete"
        messages = store.list_messages(conv.id)
        assert [(m.role, m.content) for m in messages][:1] == [("user", "first question, edited")]
        assert [m.id for m in messages] == [u1, edited.message.id]
