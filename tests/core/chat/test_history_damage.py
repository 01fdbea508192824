"""Damaged history: bad rows stay visible, corrupt files are set aside with a notice, schema versions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from modelnest.core.chat import history
from modelnest.core.chat.export import conversation_to_json, conversation_to_markdown
from modelnest.core.chat.history import UNREADABLE_MESSAGE, HistoryError, HistoryStore


def make_history(path: Path) -> tuple[int, int]:
    """A healthy file with two conversations; returns their ids."""
    with HistoryStore.open(path) as s:
        a = s.create_conversation("Alpha")
        s.add_user_message(a.id, "first question")
        reply = s.begin_reply(a.id)
        s.append_reply(reply.id, "first answer")
        s.finish_reply(reply.id, "complete", {"decode_tokens_per_s": 12.5})
        b = s.create_conversation("Beta")
        s.add_user_message(b.id, "second question")
    return a.id, b.id


def corrupt_names(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if ".corrupt-" in p.name)


# ------------------------------------------------------------------------------- one bad row


def test_invalid_utf8_and_invalid_json_rows_are_flagged_not_hidden(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    a, b = make_history(path)
    with sqlite3.connect(path) as conn:  # what a buggy older version or a disk error could leave behind
        conn.execute("UPDATE conversations SET title = CAST(X'416c7068619fff' AS TEXT), "
                     "settings_json = '{\"temperature\": 0.' WHERE id = ?", (a,))
        conn.execute("UPDATE messages SET content = CAST(X'6669727374ff20616e73776572' AS TEXT), "
                     "stats_json = 'not json' WHERE role = 'assistant'")
        conn.execute("UPDATE conversations SET settings_json = '[1, 2]' WHERE id = ?", (b,))
    with HistoryStore.open(path) as s:
        assert s.notice is None  # a bad row is not a corrupt file
        conversations = {c.id: c for c in s.list_conversations()}
        assert set(conversations) == {a, b}
        alpha = conversations[a]
        assert alpha.damaged and alpha.title == "Alpha\ufffd\ufffd" and alpha.settings == {}
        assert any("title" in str(p) for p in alpha.problems) and any("settings" in str(p) for p in alpha.problems)
        assert conversations[b].damaged and conversations[b].settings == {}
        assert [c.id for c in s.search_conversations("alpha")] == [a]

        messages = s.list_messages(a)
        assert [m.role for m in messages] == ["user", "assistant"]
        user, reply = messages
        assert not user.damaged and user.content == "first question"
        assert reply.damaged and reply.content == "first\ufffd answer" and reply.stats == {}
        assert len(reply.problems) == 2
        assert s.get_message(reply.id).damaged
        # The rest of the API still works on the damaged conversation.
        assert "first\ufffd answer" in conversation_to_markdown(alpha, messages)
        assert '"damaged": true' in conversation_to_json(alpha, messages)
        s.add_user_message(a, "still works")
        assert len(s.list_messages(a)) == 3


def test_damaged_page_is_read_row_by_row_then_salvaged_at_next_start(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    s = HistoryStore.open(path)
    conv = s.create_conversation("Big")
    before = s.add_user_message(conv.id, "before")
    big = s.add_message(conv.id, "assistant", "a" * 6000 + "MARKER-XYZ" + "b" * 14000)
    after = s.add_user_message(conv.id, "after")
    other = s.create_conversation("Other")
    s.add_user_message(other.id, "fine")
    s._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the main file, once
    data = path.read_bytes()
    assert data.count(b"MARKER-XYZ") == 1
    page = data.find(b"MARKER-XYZ") // 4096
    with path.open("r+b") as f:  # break the overflow chain of the big message
        f.seek(page * 4096)
        f.write((0x7FFFFFF0).to_bytes(4, "big"))

    reader = s.reopen()  # a running app: no start-up check, the damage shows up on read
    messages = reader.list_messages(conv.id)
    assert [m.id for m in messages] == [before.id, big.id, after.id]
    assert messages[1].damaged and messages[1].content == UNREADABLE_MESSAGE
    assert (messages[0].content, messages[2].content) == ("before", "after")
    reader.close()
    s.close()

    with HistoryStore.open(path) as fresh:  # next start: quick_check fails, file set aside, rest copied
        assert fresh.notice is not None and fresh.notice.kind == "corrupt-replaced"
        notice = fresh.notice
        assert (notice.recovered_conversations, notice.lost_conversations) == (2, 0)
        assert (notice.recovered_messages, notice.lost_messages) == (3, 1)  # the big one's overflow chain is broken
        assert "2 of 2 conversations and 3 of 4 messages" in str(notice.message)
        assert fresh.integrity_check() == ["ok"]
        assert {c.title for c in fresh.list_conversations()} == {"Big", "Other"}
        salvaged = fresh.list_messages(conv.id)
        assert [(m.id, m.content) for m in salvaged] == [
            (before.id, "before"), (big.id, UNREADABLE_MESSAGE), (after.id, "after")]
        assert salvaged[1].status == "error"
        fresh.add_user_message(conv.id, "new")  # ids continue after the salvaged ones
    assert len(corrupt_names(path)) >= 1


# ---------------------------------------------------------------------------- corrupt files


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00\x01garbage" * 500, id="garbage"),
        pytest.param(b'{"this": "is json, not SQLite"}\n', id="not-sqlite"),
        pytest.param(b"SQLite format 3\x00" + b"\x07" * 30, id="short-header"),
        pytest.param(b"SQLite format 3\x00" + b"\xff" * 8192, id="bad-header-fields"),
    ],
)
def test_corrupt_file_is_moved_aside_with_notice_and_fresh_db(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "history.sqlite3"
    path.write_bytes(content)
    (tmp_path / "history.sqlite3-wal").write_bytes(b"old wal")
    with HistoryStore.open(path, wall_clock=lambda: 1_795_000_000.0) as s:
        notice = s.notice
        assert notice is not None and notice.kind == "corrupt-replaced"
        assert notice.moved_to == tmp_path / "history.sqlite3.corrupt-20261118T110640Z"
        assert notice.moved_to.read_bytes() == content  # kept byte for byte
        if not content.startswith(b"SQLite format 3"):  # never opened, so SQLite had no chance to drop the bad WAL
            assert (tmp_path / "history.sqlite3.corrupt-20261118T110640Z-wal").read_bytes() == b"old wal"
        assert "damaged" in str(notice.message) and notice.moved_to.name in str(notice.message)
        assert "new history is empty" in str(notice.message)
        assert s.list_conversations() == []
        assert s.integrity_check() == ["ok"]
        conv = s.create_conversation("works")
        assert s.add_user_message(conv.id, "hi").content == "hi"
    with HistoryStore.open(path) as again:  # the fresh file is healthy: no second notice
        assert again.notice is None
        assert [c.title for c in again.list_conversations()] == ["works"]


def test_truncated_file_is_set_aside_and_what_is_readable_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(path) as s:
        for i in range(40):
            conv = s.create_conversation(f"Conversation {i}")
            s.add_user_message(conv.id, f"message {i} " + "x" * 3000)
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size // 2)
    with HistoryStore.open(path) as s:
        assert s.notice is not None and s.notice.kind == "corrupt-replaced"
        assert s.notice.moved_to.stat().st_size == size // 2
        assert s.integrity_check() == ["ok"]
        assert 0 <= s.notice.recovered_conversations < 40
        assert len(s.list_conversations()) == s.notice.recovered_conversations


def test_two_corruptions_in_one_second_do_not_overwrite_each_other(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    for payload in (b"first" * 100, b"second" * 100):
        path.unlink(missing_ok=True)
        path.write_bytes(payload)
        HistoryStore.open(path, wall_clock=lambda: 1_795_000_000.0).close()
    names = corrupt_names(path)
    assert names == ["history.sqlite3.corrupt-20261118T110640Z", "history.sqlite3.corrupt-20261118T110640Z-1"]
    assert (tmp_path / names[0]).read_bytes() == b"first" * 100


def test_empty_file_is_simply_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    path.touch()
    with HistoryStore.open(path) as s:
        assert s.notice is None and s.schema_version == history.SCHEMA_VERSION
    assert corrupt_names(path) == []


# ---------------------------------------------------------------------------- schema versions


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_history(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {history.SCHEMA_VERSION + 5}")
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="newer ModelNest"):
        HistoryStore.open(path)
    assert corrupt_names(path) == []
    assert path.read_bytes() == before


def test_migration_hook_upgrades_an_older_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "history.sqlite3"
    a, _ = make_history(path)

    def to_2(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")

    current = history.SCHEMA_VERSION
    monkeypatch.setitem(history.MIGRATIONS, current + 1, to_2)
    monkeypatch.setattr(history, "SCHEMA_VERSION", current + 1)
    with HistoryStore.open(path) as s:
        assert s.schema_version == current + 1
        assert s._conn.execute("SELECT pinned FROM conversations WHERE id = ?", (a,)).fetchone()[0] == 0
        assert s.get_conversation(a).title == "Alpha"


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "history.sqlite3"
    make_history(path)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE conversations ADD COLUMN half_done INTEGER")
        raise RuntimeError("bug in a migration")

    current = history.SCHEMA_VERSION
    monkeypatch.setitem(history.MIGRATIONS, current + 1, broken)
    monkeypatch.setattr(history, "SCHEMA_VERSION", current + 1)
    with pytest.raises(RuntimeError):
        HistoryStore.open(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current
        columns = [row[1] for row in conn.execute("PRAGMA table_info(conversations)")]
        assert "half_done" not in columns


def test_damaged_conversation_row_becomes_a_placeholder_and_keeps_its_messages(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    s = HistoryStore.open(path)
    hurt = s.create_conversation("Hurt", system_prompt="p" * 6000 + "MARKER-XYZ" + "q" * 14000)
    s.add_user_message(hurt.id, "my message survives")
    fine = s.create_conversation("Fine")
    s._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    assert data.count(b"MARKER-XYZ") == 1
    with path.open("r+b") as f:  # break the overflow chain of the long system prompt
        f.seek(data.find(b"MARKER-XYZ") // 4096 * 4096)
        f.write((0x7FFFFFF0).to_bytes(4, "big"))
    reader = s.reopen()
    try:
        listed = {c.id: c for c in reader.list_conversations()}
        assert set(listed) == {hurt.id, fine.id}
        assert listed[fine.id].title == "Fine" and not listed[fine.id].damaged
        assert listed[hurt.id].damaged and listed[hurt.id].title == history.UNREADABLE_CONVERSATION
        assert reader.get_conversation(hurt.id).damaged
        assert [m.content for m in reader.list_messages(hurt.id)] == ["my message survives"]
    finally:
        reader.close()
        s.close()
    with HistoryStore.open(path) as fresh:  # next start: set aside, and the messages are salvaged too
        notice = fresh.notice
        assert notice is not None
        # The placeholder is not counted as recovered: its own row was lost; its message was kept.
        assert (notice.recovered_conversations, notice.lost_conversations) == (1, 1)
        assert (notice.recovered_messages, notice.lost_messages) == (1, 0)
        assert fresh.get_conversation(hurt.id).title == history.UNREADABLE_CONVERSATION
        assert [m.content for m in fresh.list_messages(hurt.id)] == ["my message survives"]


# ------------------------------------------------------------------- every page damaged in turn

PAGE = 4096


def _small_history(path: Path) -> dict[int, list[tuple[int, str]]]:
    """Three conversations of eight messages, each text unique; every page in the main file (no WAL)."""
    texts: dict[int, list[tuple[int, str]]] = {}
    with HistoryStore.open(path) as s:
        for c in range(3):
            conv = s.create_conversation(f"Conversation {c}")
            texts[conv.id] = []
            for m in range(8):
                role = "user" if m % 2 == 0 else "assistant"
                text = f"conversation {c} message {m} text-{c * 8 + m:03d}-intact"
                texts[conv.id].append((s.add_message(conv.id, role, text).id, text))
        s._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return texts


def test_each_damaged_page_is_reported_exactly_and_intact_text_is_kept(tmp_path: Path) -> None:
    import random

    original = tmp_path / "original.sqlite3"
    texts = _small_history(original)
    data = original.read_bytes()
    assert len(data) % PAGE == 0
    n_pages = len(data) // PAGE
    assert n_pages >= 8  # schema, two tables with sequences, three tables' indexes ...
    rng = random.Random(15)
    outcomes = []
    for page in range(1, n_pages + 1):
        folder = tmp_path / f"page{page}"
        folder.mkdir()
        damaged = bytearray(data)
        start = (page - 1) * PAGE + (16 if page == 1 else 0)  # page 1 keeps the magic: still "SQLite format 3"
        damaged[start : page * PAGE] = bytes(rng.randrange(256) for _ in range(page * PAGE - start))
        path = folder / "history.sqlite3"
        path.write_bytes(bytes(damaged))
        with HistoryStore.open(path) as fresh:
            notice = fresh.notice
            recovered = {c.id: fresh.list_messages(c.id) for c in fresh.list_conversations()}
            titles = {c.id: c.title for c in fresh.list_conversations()}
        kept = [m for ms in recovered.values() for m in ms if m.content != UNREADABLE_MESSAGE]
        marked = [m for ms in recovered.values() for m in ms if m.content == UNREADABLE_MESSAGE]
        if notice is None:  # damage SQLite cannot see (an unused part of a page): everything is still there
            assert sorted(m.content for m in kept) == sorted(t for ts in texts.values() for _, t in ts)
            outcomes.append((page, "unnoticed"))
            continue
        # The counts are exactly what the new file holds.
        real = [cid for cid, title in titles.items() if title != history.UNREADABLE_CONVERSATION]
        assert notice.recovered_conversations == len(real), (page, notice)
        assert notice.recovered_messages == len(kept), (page, notice)
        assert notice.lost_messages == len(marked), (page, notice)
        assert notice.recovered_conversations + notice.lost_conversations <= 3
        assert notice.recovered_messages + notice.lost_messages <= 24
        message = str(notice.message)
        if kept or real:
            assert (f"{notice.recovered_conversations} of {notice.recovered_conversations + notice.lost_conversations}"
                    f" conversations and {notice.recovered_messages} of "
                    f"{notice.recovered_messages + notice.lost_messages} messages") in message, (page, message)
        else:
            assert "Nothing could be read" in message
        # Intact text is recovered: every message whose text is still in the damaged file, in its conversation
        # (page 1 too: SQLite's schema is rebuilt from the one our migrations write).
        for conversation_id, items in texts.items():
            for message_id, text in items:
                if text.encode() in damaged:
                    contents = {m.id: m.content for m in recovered.get(conversation_id, [])}
                    assert contents.get(message_id) == text, (page, message_id, text, notice)
        outcomes.append((page, f"{len(real)} conv, {len(kept)} kept, {len(marked)} marked"))
    # The damage did hit what matters: some page lost messages, some page lost only an index (all text kept).
    assert any("24 kept" in o for _, o in outcomes) and any("kept" in o and "24 kept" not in o for _, o in outcomes)


def test_a_damaged_page_in_the_middle_of_a_big_table_costs_only_its_rows(tmp_path: Path) -> None:
    """Scans stop at the damaged leaf from both ends; the rows between are looked up by id; the index says which
    messages were on the lost page, so their places are marked and counted."""
    import random

    path = tmp_path / "history.sqlite3"
    texts: dict[int, str] = {}
    with HistoryStore.open(path) as s:
        conv = s.create_conversation("Long")
        for i in range(60):
            text = f"msg-{i:03d}-" + "x" * 1500
            texts[s.add_message(conv.id, "user", text).id] = text
        s._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    page = data.find(b"msg-030-") // PAGE
    on_page = [t for t in texts.values() if t[:8].encode() in data[page * PAGE : (page + 1) * PAGE]]
    assert 1 <= len(on_page) <= 3
    data[page * PAGE : (page + 1) * PAGE] = random.Random(7).randbytes(PAGE)
    path.write_bytes(bytes(data))
    with HistoryStore.open(path) as fresh:
        notice = fresh.notice
        assert notice is not None
        assert (notice.recovered_conversations, notice.lost_conversations) == (1, 0)
        assert (notice.recovered_messages, notice.lost_messages) == (60 - len(on_page), len(on_page))
        recovered = {m.id: m.content for m in fresh.list_messages(conv.id)}
    assert len(recovered) == 60  # every message keeps its place
    for message_id, text in texts.items():
        assert recovered[message_id] == (UNREADABLE_MESSAGE if text in on_page else text)
    assert f"1 of 1 conversations and {60 - len(on_page)} of 60 messages" in str(notice.message)
