"""Chat history in SQLite: conversations and messages that survive crashes, kills and damaged files.

Durability: WAL journal with ``synchronous=FULL`` (every commit is fsynced), foreign keys on, schema
version in ``PRAGMA user_version`` with one migration function per version (``MIGRATIONS``).

Streaming replies: ``begin_reply`` creates the assistant row as ``streaming``; ``append_reply`` only
buffers in memory and, when the flush policy says so (default: every 250 ms or 4 KiB), appends the
buffered text as ONE new row of ``message_chunks`` in one small transaction. Appending a row costs the
same whatever the length of the reply or of the conversation, unlike ``content = content || ?``, which
rewrites the whole growing reply on every flush. ``finish_reply`` (and ``recover_interrupted`` after a
crash) folds the chunks into ``messages.content`` in one transaction. A kill therefore loses at most
the text of the last unfinished flush interval, never a committed prefix.

Threading rule: one ``HistoryStore`` per thread. Each store owns one sqlite3 connection with
``check_same_thread`` left on, so using a store from a second thread raises at once instead of
corrupting anything. Open the first store at start-up with ``HistoryStore.open()`` (it checks the
file, moves a damaged one aside and reports it in ``store.notice``), call ``recover_interrupted()``
before any generation starts, then give each other thread its own store with ``store.reopen()``
(no checks, no recovery). WAL lets readers (the GUI thread) run while a writer (the chat worker)
commits; writers wait up to ``busy_timeout_s`` for each other. Only the store that began a reply
may append to or finish it (the append buffer lives in that store).

Damage tolerance: text is read with a lenient decoder, so one row holding invalid UTF-8 or invalid
JSON is returned with replacement characters / empty settings and ``damaged=True`` plus a
plain-language ``problems`` list, never an exception that hides its conversation. A file that is not
SQLite, is truncated, or fails ``PRAGMA quick_check`` is renamed to
``history.sqlite3.corrupt-<UTC time>`` (with its -wal/-shm), whatever can still be read is copied
into a fresh database, and ``store.notice`` tells the user what happened.

Alternatives (schema 2): Regenerate keeps the earlier reply. The replies to one message form a group
(``alt_group`` = the id of the group's first reply) of which one is ``active``; ``list_messages`` returns the
active ones, each carrying the ids of its group in ``alternatives``. Migration 2 only adds columns with
defaults, so tables keep their pages and a version-1 file upgrades in place.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, Protocol, cast

from modelnest.core import paths
from modelnest.core.errors import ModelNestError
from modelnest.core.messages import Text, msg

__all__ = [
    "DB_FILENAME",
    "FINAL_STATUSES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Conversation",
    "FlushPolicy",
    "HistoryError",
    "HistoryNotice",
    "HistoryStore",
    "Message",
    "PeriodicFlush",
    "ReplyStats",
    "Role",
    "Status",
    "default_history_path",
]

DB_FILENAME = "history.sqlite3"

Role = Literal["user", "assistant", "system"]
Status = Literal["complete", "streaming", "stopped", "interrupted", "error"]
ROLES: tuple[str, ...] = ("user", "assistant", "system")
STATUSES: tuple[str, ...] = ("complete", "streaming", "stopped", "interrupted", "error")
FINAL_STATUSES: tuple[str, ...] = ("complete", "stopped", "interrupted", "error")

UNREADABLE_MESSAGE = "[This message could not be read from the history file.]"
UNREADABLE_CONVERSATION = "[Unreadable conversation]"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary codes; extended codes are code & 0xFF)


class HistoryError(ModelNestError):
    """The history could not be read or written; the message says why in plain language."""


def default_history_path() -> Path:
    """``<data dir>/history.sqlite3`` (MODELNEST_HOME moves it, see modelnest.core.paths)."""
    return paths.data_dir() / DB_FILENAME


# --------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Conversation:
    """One conversation as stored; ``damaged`` rows carry readable stand-ins and say why in ``problems``."""

    id: int
    title: str
    created: float  # Unix seconds (UTC)
    updated: float
    model_path: str | None
    model_name: str | None
    system_prompt: str
    settings: dict[str, Any]
    damaged: bool = False
    problems: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Message:
    """One message; ``content`` of a ``streaming`` reply includes every chunk flushed (and buffered here)."""

    id: int
    conversation_id: int
    role: Role
    content: str
    status: Status
    created: float
    updated: float
    stats: dict[str, Any]
    damaged: bool = False
    problems: tuple[Text, ...] = ()
    alternatives: tuple[int, ...] = ()  # ids of the replies to the same message, oldest first (this one among them)


@dataclass(frozen=True)
class ReplyStats:
    """What a finished reply records: timings, token counts, the settings and model used, any error."""

    ttft_s: float | None = None
    prefill_tokens_per_s: float | None = None
    decode_tokens_per_s: float | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    model: str | None = None
    settings: Mapping[str, Any] | None = None
    error: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        for name in ("ttft_s", "prefill_tokens_per_s", "decode_tokens_per_s", "prompt_tokens",
                     "completion_tokens", "model", "error"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.settings is not None:
            out["settings"] = dict(self.settings)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReplyStats:
        """Tolerant inverse of ``to_dict``: wrong types become None, unknown keys go to ``extra``."""

        def num(key: str) -> float | None:
            v = data.get(key)
            return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

        def integer(key: str) -> int | None:
            v = data.get(key)
            return v if isinstance(v, int) and not isinstance(v, bool) else None

        def text(key: str) -> str | None:
            v = data.get(key)
            return v if isinstance(v, str) else None

        known = {"ttft_s", "prefill_tokens_per_s", "decode_tokens_per_s", "prompt_tokens",
                 "completion_tokens", "model", "settings", "error"}
        settings = data.get("settings")
        return cls(
            ttft_s=num("ttft_s"),
            prefill_tokens_per_s=num("prefill_tokens_per_s"),
            decode_tokens_per_s=num("decode_tokens_per_s"),
            prompt_tokens=integer("prompt_tokens"),
            completion_tokens=integer("completion_tokens"),
            model=text("model"),
            settings=dict(settings) if isinstance(settings, Mapping) else None,
            error=text("error"),
            extra={k: v for k, v in data.items() if k not in known},
        )


@dataclass(frozen=True)
class HistoryNotice:
    """Something the user must be told about the history file (show ``message``; GUI may translate by kind)."""

    kind: Literal["corrupt-replaced"]
    message: Text
    moved_to: Path
    recovered_conversations: int = 0  # copied with their own rows
    recovered_messages: int = 0
    lost_conversations: int = 0  # known to have existed (a table or an index lists them) but unreadable
    lost_messages: int = 0


# --------------------------------------------------------------------------------------- flush policy


class FlushPolicy(Protocol):
    """Decides after each appended delta whether the buffered text is committed now."""

    def should_flush(self, pending_chars: int, pending_deltas: int, seconds_since_flush: float) -> bool: ...


@dataclass(frozen=True)
class PeriodicFlush:
    """Flush every ``interval_s`` seconds or once ``max_chars`` are pending, whichever comes first."""

    interval_s: float = 0.25
    max_chars: float = 4096

    def should_flush(self, pending_chars: int, pending_deltas: int, seconds_since_flush: float) -> bool:
        return seconds_since_flush >= self.interval_s or pending_chars >= self.max_chars


@dataclass
class _Pending:
    parts: list[str]
    chars: int
    last_flush: float


# ------------------------------------------------------------------------------------------ migrations


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    for statement in (
        """CREATE TABLE conversations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            model_path TEXT,
            model_name TEXT,
            system_prompt TEXT NOT NULL DEFAULT '',
            settings_json TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX conversations_updated ON conversations(updated_at)",
        f"""CREATE TABLE messages (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN {ROLES!r}),
            content TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL CHECK (status IN {STATUSES!r}),
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            stats_json TEXT NOT NULL DEFAULT '{{}}'
        )""",
        "CREATE INDEX messages_conversation ON messages(conversation_id, id)",
        "CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming'",
        # Text of a streaming reply, one row per flush; folded into messages.content when it ends.
        """CREATE TABLE message_chunks (
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            text TEXT NOT NULL
        )""",
        "CREATE INDEX message_chunks_message ON message_chunks(message_id, id)",
    ):
        conn.execute(statement)


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    # Columns with defaults only (no new table or index): existing rows read as "no alternatives, active", and
    # every table keeps its root page, which the salvage of a damaged schema page relies on.
    conn.execute("ALTER TABLE messages ADD COLUMN alt_group INTEGER")
    conn.execute("ALTER TABLE messages ADD COLUMN active INTEGER NOT NULL DEFAULT 1")


# MIGRATIONS[n] turns a version n-1 database into version n, inside one transaction. Append, never edit.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_to_1, 2: _migrate_to_2}
SCHEMA_VERSION = max(MIGRATIONS)


# ------------------------------------------------------------------------------------- text decoding


def _lenient_text(raw: bytes) -> str:
    # Invalid UTF-8 survives as lone surrogates; _clean() turns them into U+FFFD and flags the row.
    return raw.decode("utf-8", "surrogateescape")


def _clean(value: object, what: Text, problems: list[Text]) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):  # a BLOB where text belongs
        value = _lenient_text(value)
    if not isinstance(value, str):
        return str(value)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        problems.append(msg("The {what} contained bytes that are not valid text; they are shown as \ufffd.",
                            what=what))
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value


def _clean_optional(value: object, what: Text, problems: list[Text]) -> str | None:
    return None if value is None else _clean(value, what, problems)


def _json_object(value: object, what: Text, problems: list[Text]) -> dict[str, Any]:
    text = _clean(value, what, problems)
    if not text:
        return {}
    try:
        parsed = json.loads(text)
    except ValueError:
        problems.append(msg("The {what} could not be read and were left out.", what=what))
        return {}
    if not isinstance(parsed, dict):
        problems.append(msg("The {what} were not in the expected form and were left out.", what=what))
        return {}
    return parsed


def _number(value: object, what: Text, problems: list[Text]) -> float:
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    problems.append(msg("The {what} could not be read.", what=what))
    return 0.0


def _jsonable(value: Any) -> Any:
    """Strict JSON: non-finite floats become null (tokens/s of a zero-length reply), unknown objects str."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _dump_json(value: Mapping[str, Any] | None) -> str:
    return json.dumps(_jsonable(dict(value or {})), ensure_ascii=False, allow_nan=False)


def _storable(text: str) -> str:
    # Text with lone surrogates (a tokenizer split mid-character) cannot be bound; keep the rest.
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")


def _is_corruption(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in _CORRUPT_CODES
    text = str(exc).lower()  # Python < 3.11 has no error codes
    return "malformed" in text or "not a database" in text


def _plain(exc: sqlite3.Error, doing: Text) -> HistoryError:
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    primary = code & 0xFF
    if primary == 13:  # SQLITE_FULL
        reason = msg("the disk is full")
    elif primary in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
        reason = msg("another program (perhaps a second ModelNest window) is holding the history file")
    elif primary in (8, 23):  # SQLITE_READONLY, SQLITE_AUTH
        reason = msg("the history file cannot be written (check its permissions)")
    elif primary == 14:  # SQLITE_CANTOPEN
        reason = msg("the history file cannot be opened (check that its folder exists and is writable)")
    elif _is_corruption(exc):
        reason = msg("the history file is damaged; restart ModelNest to set it aside and start a fresh one")
    else:
        reason = msg("the database reported: {error}", error=str(exc))
    return HistoryError(msg("Could not {doing}: {reason}.", doing=doing, reason=reason))


class _Corrupt(Exception):
    """Internal: the file is not a healthy SQLite database."""


_MESSAGE_COLUMNS = "id, conversation_id, role, content, status, created_at, updated_at, stats_json"
_CONVERSATION_COLUMNS = (
    "id, title, created_at, updated_at, model_path, model_name, system_prompt, settings_json"
)

_UNSET: Any = object()


# ------------------------------------------------------------------------------------------- the store


class HistoryStore:
    """Conversations and messages in one SQLite file; one instance per thread (see module docstring)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        *,
        flush_policy: FlushPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        busy_timeout_s: float = 5.0,
    ) -> None:
        """Use ``HistoryStore.open()`` or ``reopen()``; this only wraps a prepared connection."""
        self._conn = conn
        self._busy_timeout_s = busy_timeout_s
        self.path = path
        self.flush_policy: FlushPolicy = flush_policy or PeriodicFlush()
        self._clock = clock
        self._wall_clock = wall_clock
        self._pending: dict[int, _Pending] = {}
        self.notice: HistoryNotice | None = None

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        flush_policy: FlushPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        busy_timeout_s: float = 5.0,
    ) -> HistoryStore:
        """Open (creating if needed) the history at start-up; a damaged file is set aside, see ``notice``."""
        db_path = Path(path) if path is not None else default_history_path()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        notice: HistoryNotice | None = None
        try:
            conn = _connect(db_path, busy_timeout_s, check=True)
        except _Corrupt:
            moved = _move_aside(db_path, wall_clock())
            conn = _connect(db_path, busy_timeout_s, check=True)
            salvaged = _salvage(moved, conn, wall_clock())
            notice = HistoryNotice(
                kind="corrupt-replaced",
                message=_corrupt_message(moved, salvaged),
                moved_to=moved,
                recovered_conversations=salvaged.conversations,
                recovered_messages=salvaged.messages,
                lost_conversations=salvaged.lost_conversations,
                lost_messages=salvaged.lost_messages,
            )
        store = cls(conn, db_path, flush_policy=flush_policy, clock=clock, wall_clock=wall_clock,
                    busy_timeout_s=busy_timeout_s)
        store.notice = notice
        return store

    def reopen(self) -> HistoryStore:
        """A new store on the same file for another thread (no checks, no recovery, own flush buffer)."""
        try:
            conn = _connect(self.path, self._busy_timeout_s, check=False)
        except _Corrupt as exc:
            raise HistoryError(msg(
                "Could not open the chat history: the history file is damaged; restart ModelNest to set it "
                "aside and start a fresh one."
            )) from exc
        return HistoryStore(conn, self.path, flush_policy=self.flush_policy, clock=self._clock,
                            wall_clock=self._wall_clock, busy_timeout_s=self._busy_timeout_s)

    def close(self) -> None:
        """Commit any buffered reply text, then close the connection (replies stay ``streaming``)."""
        if self._conn is None:
            return
        try:
            if self._pending:
                self.flush()
        finally:
            self._conn.close()
            self._conn = None  # type: ignore[assignment]

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` rows (``["ok"]`` when healthy); slow on big files, for tests/diagnostics."""
        return [str(row[0]) for row in self._conn.execute("PRAGMA integrity_check")]

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _tx(self, doing: Text) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.ProgrammingError:
            raise  # wrong thread or closed store: a bug in the caller, not something to tell the user
        except sqlite3.Error as exc:
            raise _plain(exc, doing) from exc
        try:
            yield conn
        except BaseException as exc:
            # The transaction may already be gone (e.g. after SQLITE_FULL); the original error matters.
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _plain(exc, doing) from exc
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise _plain(exc, doing) from exc

    def _read(self, sql: str, params: Sequence[Any] = (), doing: Text | None = None) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.Error as exc:
            raise _plain(exc, doing or msg("read the chat history")) from exc

    # ------------------------------------------------------------------ conversations

    def create_conversation(
        self,
        title: str = "",
        *,
        model_path: str | None = None,
        model_name: str | None = None,
        system_prompt: str = "",
        settings: Mapping[str, Any] | None = None,
    ) -> Conversation:
        """A new, empty conversation (an empty title is filled from the first user message)."""
        now = self._wall_clock()
        with self._tx(msg("create a conversation")) as conn:
            cur = conn.execute(
                "INSERT INTO conversations (title, created_at, updated_at, model_path, model_name, "
                "system_prompt, settings_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_storable(title), now, now, model_path, model_name, _storable(system_prompt), _dump_json(settings)),
            )
            conversation_id = int(cast(int, cur.lastrowid))
        return self.get_conversation(conversation_id)

    def get_conversation(self, conversation_id: int) -> Conversation:
        try:
            row = self._conn.execute(
                f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise _plain(exc, msg("read the conversation")) from exc
            return _unreadable_conversation(conversation_id)
        if row is None:
            raise HistoryError(msg("Conversation {id} does not exist (it may have been deleted).", id=conversation_id))
        return _conversation(row)

    def list_conversations(self) -> list[Conversation]:
        """Every conversation, most recently updated first; an unreadable one becomes a placeholder."""
        order = "ORDER BY updated_at DESC, id DESC"
        try:
            rows = self._conn.execute(f"SELECT {_CONVERSATION_COLUMNS} FROM conversations {order}").fetchall()
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise _plain(exc, msg("read the list of conversations")) from exc
            # A damaged page: the index on updated_at still gives every id; read each row on its own.
            ids = self._read(f"SELECT id FROM conversations {order}", (), msg("read the list of conversations"))
            return [self.get_conversation(int(row[0])) for row in ids]
        return [_conversation(row) for row in rows]

    def search_conversations(self, text: str) -> list[Conversation]:
        """Conversations whose title contains ``text``, ignoring case (Unicode-aware, unlike SQL LIKE)."""
        needle = text.strip().casefold()
        conversations = self.list_conversations()
        if not needle:
            return conversations
        return [c for c in conversations if needle in c.title.casefold()]

    def rename_conversation(self, conversation_id: int, title: str) -> Conversation:
        return self.update_conversation(conversation_id, title=title)

    def update_conversation(
        self,
        conversation_id: int,
        *,
        title: str = _UNSET,
        model_path: str | None = _UNSET,
        model_name: str | None = _UNSET,
        system_prompt: str = _UNSET,
        settings: Mapping[str, Any] = _UNSET,
    ) -> Conversation:
        """Change the given fields (others are left alone) and bump ``updated``."""
        changes: dict[str, Any] = {}
        if title is not _UNSET:
            changes["title"] = _storable(title.strip())
        if model_path is not _UNSET:
            changes["model_path"] = model_path
        if model_name is not _UNSET:
            changes["model_name"] = model_name
        if system_prompt is not _UNSET:
            changes["system_prompt"] = _storable(system_prompt)
        if settings is not _UNSET:
            changes["settings_json"] = _dump_json(settings)
        changes["updated_at"] = self._wall_clock()
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self._tx(msg("update the conversation")) as conn:
            cur = conn.execute(
                f"UPDATE conversations SET {assignments} WHERE id = ?", (*changes.values(), conversation_id)
            )
            if cur.rowcount == 0:
                raise HistoryError(
                    msg("Conversation {id} does not exist (it may have been deleted).", id=conversation_id)
                )
        return self.get_conversation(conversation_id)

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete a conversation and all its messages (an unknown id is not an error)."""
        with self._tx(msg("delete the conversation")) as conn:
            ids = [row[0] for row in conn.execute(
                "SELECT id FROM messages WHERE conversation_id = ?", (conversation_id,))]
            conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
        for message_id in ids:
            self._pending.pop(message_id, None)

    # ------------------------------------------------------------------ messages

    def list_messages(self, conversation_id: int) -> list[Message]:
        """The conversation's messages in order; a row that cannot be read at all becomes a placeholder."""
        try:
            rows = self._conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND active != 0 ORDER BY id",
                (conversation_id,),
            ).fetchall()
            groups = self._alternative_groups(conversation_id)
        except sqlite3.ProgrammingError:
            raise
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise _plain(exc, msg("read the conversation")) from exc
            return self._list_messages_row_by_row(conversation_id)
        return [self._with_alternatives(self._with_stream_text(_message(row)), groups) for row in rows]

    def _alternative_groups(self, conversation_id: int) -> dict[int, tuple[int, ...]]:
        """message id -> the ids of its group (groups of two or more replies only)."""
        members: dict[int, list[int]] = {}
        for message_id, group in self._conn.execute(
            "SELECT id, alt_group FROM messages WHERE conversation_id = ? AND alt_group IS NOT NULL ORDER BY id",
            (conversation_id,),
        ):
            members.setdefault(int(group), []).append(int(message_id))
        return {m: tuple(ids) for ids in members.values() if len(ids) > 1 for m in ids}

    @staticmethod
    def _with_alternatives(message: Message, groups: Mapping[int, tuple[int, ...]]) -> Message:
        ids = groups.get(message.id)
        return replace(message, alternatives=ids) if ids else message

    def list_alternatives(self, message_id: int) -> list[Message]:
        """Every reply of ``message_id``'s group, oldest first (just the message itself if it has none)."""
        message = self.get_message(message_id)
        ids = message.alternatives or (message.id,)
        return [self.get_message(i) for i in ids]

    def select_alternative(self, message_id: int) -> Message:
        """Show this reply of its group instead of the others (the others are kept)."""
        with self._tx(msg("choose the reply")) as conn:
            row = conn.execute("SELECT alt_group, conversation_id FROM messages WHERE id = ?",
                               (message_id,)).fetchone()
            if row is None:
                raise HistoryError(msg("Message {id} does not exist (it may have been deleted).", id=message_id))
            if row[0] is not None:
                conn.execute("UPDATE messages SET active = (id = ?) WHERE alt_group = ?", (message_id, row[0]))
                conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (self._wall_clock(), row[1]))
        return self.get_message(message_id)

    def _list_messages_row_by_row(self, conversation_id: int) -> list[Message]:
        # A damaged page inside the table: read what can be read, one row at a time.
        ids = [int(row[0]) for row in self._read(
            "SELECT id FROM messages WHERE conversation_id = ? AND active != 0 ORDER BY id", (conversation_id,),
            msg("read the conversation"))]
        out: list[Message] = []
        for message_id in ids:
            try:
                row = self._conn.execute(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?",
                                         (message_id,)).fetchone()
                out.append(self._with_stream_text(_message(row)))
            except sqlite3.DatabaseError:
                out.append(_unreadable_message(message_id, conversation_id))
        return out

    def get_message(self, message_id: int) -> Message:
        rows = self._read(f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,))
        if not rows:
            raise HistoryError(msg("Message {id} does not exist (it may have been deleted).", id=message_id))
        message = self._with_stream_text(_message(rows[0]))
        group = self._read("SELECT alt_group FROM messages WHERE id = ?", (message_id,))
        if group and group[0][0] is not None:
            ids = tuple(int(r[0]) for r in self._read(
                "SELECT id FROM messages WHERE alt_group = ? ORDER BY id", (group[0][0],)))
            if len(ids) > 1:
                message = replace(message, alternatives=ids)
        return message

    def _with_stream_text(self, message: Message) -> Message:
        if message.status != "streaming":
            return message
        chunks = self._chunk_text(message.id)
        pending = self._pending.get(message.id)
        buffered = "".join(pending.parts) if pending else ""
        if not chunks and not buffered:
            return message
        return replace(message, content=message.content + chunks + buffered)

    def _chunk_text(self, message_id: int) -> str:
        rows = self._read("SELECT CAST(text AS BLOB) FROM message_chunks WHERE message_id = ? ORDER BY id",
                          (message_id,))
        return b"".join(row[0] for row in rows).decode("utf-8", "replace")

    def add_message(
        self,
        conversation_id: int,
        role: Role,
        content: str,
        *,
        status: Status = "complete",
        stats: ReplyStats | Mapping[str, Any] | None = None,
    ) -> Message:
        """Insert one finished message (any role) and commit; for imports and system notes."""
        if role not in ROLES:
            raise HistoryError(
                msg("Unknown message role {role!r}; expected one of {roles}.", role=role, roles=", ".join(ROLES))
            )
        if status not in STATUSES:
            raise HistoryError(msg("Unknown message status {status!r}; expected one of {statuses}.", status=status,
                                   statuses=", ".join(STATUSES)))
        now = self._wall_clock()
        with self._tx(msg("save the message")) as conn:
            message_id = self._insert_message(conn, conversation_id, role, content, status, stats, now)
        return self.get_message(message_id)

    def add_user_message(self, conversation_id: int, content: str) -> Message:
        """Save what the user sent, committed (fsynced) before generation starts."""
        now = self._wall_clock()
        with self._tx(msg("save your message")) as conn:
            message_id = self._insert_message(conn, conversation_id, "user", content, "complete", None, now)
            # The first user message names an untitled conversation (the sidebar needs something to show).
            conn.execute("UPDATE conversations SET title = ? WHERE id = ? AND title = ''",
                         (_title_from(content), conversation_id))
        return self.get_message(message_id)

    def begin_reply(self, conversation_id: int, *, alternative_to: int | None = None) -> Message:
        """Create the assistant row as ``streaming``; feed it with ``append_reply``, end it with ``finish_reply``.

        ``alternative_to``: Regenerate — the new reply joins that reply's group of alternatives and is shown
        instead of it (which is kept)."""
        now = self._wall_clock()
        with self._tx(msg("start saving the reply")) as conn:
            group: int | None = None
            if alternative_to is not None:
                row = conn.execute("SELECT COALESCE(alt_group, id), role FROM messages WHERE id = ? AND "
                                   "conversation_id = ?", (alternative_to, conversation_id)).fetchone()
                if row is None or row[1] != "assistant":
                    raise HistoryError(msg("There is no reply to regenerate in this conversation."))
                group = int(row[0])
                conn.execute("UPDATE messages SET alt_group = ? WHERE id = ?", (group, group))
                conn.execute("UPDATE messages SET active = 0 WHERE alt_group = ?", (group,))
            message_id = self._insert_message(conn, conversation_id, "assistant", "", "streaming", None, now)
            if group is not None:
                conn.execute("UPDATE messages SET alt_group = ? WHERE id = ?", (group, message_id))
        self._pending[message_id] = _Pending(parts=[], chars=0, last_flush=self._clock())
        return self.get_message(message_id)

    def append_reply(self, message_id: int, text_delta: str) -> bool:
        """Buffer a piece of the reply; commits per the flush policy. Returns True when it committed now.

        If the commit fails (e.g. the disk is full) this raises HistoryError and keeps the text buffered;
        the next flush retries it, so the caller may warn the user and carry on streaming.
        """
        pending = self._pending.get(message_id)
        if pending is None:
            raise HistoryError(msg(
                "Reply {id} is not being written by this history store (it has finished, was "
                "deleted, or was started in another thread).", id=message_id,
            ))
        if not text_delta:
            return False
        pending.parts.append(text_delta)
        pending.chars += len(text_delta)
        if self.flush_policy.should_flush(pending.chars, len(pending.parts), self._clock() - pending.last_flush):
            self._flush_ids([message_id])
            return True
        return False

    def flush(self, message_id: int | None = None) -> None:
        """Commit buffered reply text now (all replies, or one); call from a timer if tokens may stall."""
        ids = list(self._pending) if message_id is None else [message_id]
        self._flush_ids([i for i in ids if i in self._pending])

    def _flush_ids(self, ids: Sequence[int]) -> None:
        work = [(i, self._pending[i]) for i in ids if self._pending[i].parts]
        now = self._clock()
        if not work:
            for i in ids:
                self._pending[i].last_flush = now
            return
        try:
            with self._tx(msg("save the reply")) as conn:
                for message_id, pending in work:
                    conn.execute("INSERT INTO message_chunks (message_id, text) VALUES (?, ?)",
                                 (message_id, _storable("".join(pending.parts))))
        except HistoryError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):  # the foreign key: the reply's row is gone
                for message_id, _ in work:
                    self._pending.pop(message_id, None)
                raise HistoryError(msg("The reply could not be saved: its conversation was deleted.")) from exc
            raise
        for _, pending in work:
            pending.parts.clear()
            pending.chars = 0
            pending.last_flush = now

    def finish_reply(
        self,
        message_id: int,
        status: Status,
        stats: ReplyStats | Mapping[str, Any] | None = None,
    ) -> Message:
        """Commit the rest of the reply and its final status (complete/stopped/interrupted/error) and stats."""
        if status not in FINAL_STATUSES:
            raise HistoryError(msg("A reply cannot finish as {status!r}; expected one of {statuses}.", status=status,
                                   statuses=", ".join(FINAL_STATUSES)))
        pending = self._pending.get(message_id)
        tail = "".join(pending.parts) if pending else ""
        now = self._wall_clock()
        with self._tx(msg("save the finished reply")) as conn:
            row = conn.execute("SELECT conversation_id, status FROM messages WHERE id = ?", (message_id,)).fetchone()
            if row is None:
                self._pending.pop(message_id, None)
                raise HistoryError(
                    msg("Reply {id} does not exist (its conversation may have been deleted).", id=message_id)
                )
            if row[1] != "streaming":
                self._pending.pop(message_id, None)  # e.g. another store marked it interrupted; nothing to add
                raise HistoryError(msg("Reply {id} has already finished (status {status}).", id=message_id,
                                       status=row[1]))
            _fold_chunks(conn, message_id, tail, status, _stats_json(stats), now)
            conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, row[0]))
        self._pending.pop(message_id, None)
        return self.get_message(message_id)

    def recover_interrupted(self) -> list[Message]:
        """At start-up: replies left ``streaming`` by a crash become ``interrupted`` (keeping their text)."""
        now = self._wall_clock()
        with self._tx(msg("recover interrupted replies")) as conn:
            # Replies this store is writing right now are alive, not interrupted.
            ids = [int(row[0]) for row in conn.execute(
                "SELECT id FROM messages WHERE status = 'streaming' ORDER BY id") if int(row[0]) not in self._pending]
            for message_id in ids:
                _fold_chunks(conn, message_id, "", "interrupted", None, now)
        return [self.get_message(i) for i in ids]

    def replace_last_user_message(self, conversation_id: int, content: str) -> Message:
        """Edit-and-resend: change the last user message and delete everything after it."""
        now = self._wall_clock()
        with self._tx(msg("edit your message")) as conn:
            row = conn.execute(
                "SELECT id FROM messages WHERE conversation_id = ? AND role = 'user' AND active != 0 "
                "ORDER BY id DESC LIMIT 1",
                (conversation_id,),
            ).fetchone()
            if row is None:
                raise HistoryError(msg("There is no message of yours in this conversation to edit."))
            message_id = int(row[0])
            self._refuse_streaming_after(conn, conversation_id, message_id)
            conn.execute("DELETE FROM messages WHERE conversation_id = ? AND id > ?", (conversation_id, message_id))
            conn.execute("UPDATE messages SET content = ?, updated_at = ? WHERE id = ?",
                         (_storable(content), now, message_id))
            conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
        return self.get_message(message_id)

    def edit_user_message(self, message_id: int, content: str) -> Message:
        """Edit any message of the user's: its text changes and everything after it is deleted (the
        conversation continues from there)."""
        now = self._wall_clock()
        with self._tx(msg("edit your message")) as conn:
            row = conn.execute("SELECT conversation_id, role FROM messages WHERE id = ? AND active != 0",
                               (message_id,)).fetchone()
            if row is None or row[1] != "user":
                raise HistoryError(msg("There is no such message of yours to edit (it may have been deleted)."))
            conversation_id = int(row[0])
            self._refuse_streaming_after(conn, conversation_id, message_id)
            conn.execute("DELETE FROM messages WHERE conversation_id = ? AND id > ?", (conversation_id, message_id))
            conn.execute("UPDATE messages SET content = ?, updated_at = ? WHERE id = ?",
                         (_storable(content), now, message_id))
            conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
        return self.get_message(message_id)

    def delete_message(self, message_id: int) -> None:
        """Delete one message; a reply with alternatives gives its place to the newest remaining one."""
        with self._tx(msg("delete the message")) as conn:
            row = conn.execute("SELECT conversation_id, alt_group, status FROM messages WHERE id = ?",
                               (message_id,)).fetchone()
            if row is None:
                return
            if row[2] == "streaming" and message_id in self._pending:
                raise HistoryError(msg("A reply is still being written; stop it first."))
            conn.execute("DELETE FROM messages WHERE id = ?", (message_id,))
            if row[1] is not None:
                rest = conn.execute("SELECT id, active FROM messages WHERE alt_group = ? ORDER BY id",
                                    (row[1],)).fetchall()
                if rest and not any(active for _, active in rest):
                    conn.execute("UPDATE messages SET active = 1 WHERE id = ?", (rest[-1][0],))
                if rest and row[1] == message_id:  # the group was named after this reply: rename it
                    conn.execute("UPDATE messages SET alt_group = ? WHERE alt_group = ?", (rest[0][0], message_id))
            conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (self._wall_clock(), row[0]))
        self._pending.pop(message_id, None)

    def delete_last_reply(self, conversation_id: int) -> int | None:
        """Regenerate: delete the last message if it is an assistant reply; returns its id (None if none)."""
        with self._tx(msg("delete the reply")) as conn:
            row = conn.execute(
                "SELECT id, role, alt_group FROM messages WHERE conversation_id = ? AND active != 0 "
                "ORDER BY id DESC LIMIT 1",
                (conversation_id,),
            ).fetchone()
            if row is None or row[1] != "assistant":
                return None
            message_id = int(row[0])
            self._refuse_streaming_after(conn, conversation_id, message_id - 1)
            conn.execute("DELETE FROM messages WHERE id = ?", (message_id,))
            if row[2] is not None:  # an alternative: the newest remaining one of its group is shown again
                rest = conn.execute("SELECT id FROM messages WHERE alt_group = ? ORDER BY id DESC LIMIT 1",
                                    (row[2],)).fetchone()
                if rest is not None:
                    conn.execute("UPDATE messages SET active = 1 WHERE id = ?", (rest[0],))
            conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (self._wall_clock(), conversation_id))
        return message_id

    def _refuse_streaming_after(self, conn: sqlite3.Connection, conversation_id: int, message_id: int) -> None:
        streaming = conn.execute(
            "SELECT id FROM messages WHERE conversation_id = ? AND id > ? AND status = 'streaming'",
            (conversation_id, message_id),
        ).fetchall()
        if any(int(row[0]) in self._pending for row in streaming):
            raise HistoryError(msg("A reply is still being written; stop it first."))

    def _insert_message(
        self,
        conn: sqlite3.Connection,
        conversation_id: int,
        role: str,
        content: str,
        status: str,
        stats: ReplyStats | Mapping[str, Any] | None,
        now: float,
    ) -> int:
        try:
            cur = conn.execute(
                "INSERT INTO messages (conversation_id, role, content, status, created_at, updated_at, stats_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (conversation_id, role, _storable(content), status, now, now, _stats_json(stats) or "{}"),
            )
        except sqlite3.IntegrityError as exc:
            raise HistoryError(
                msg("Conversation {id} does not exist (it may have been deleted).", id=conversation_id)
            ) from exc
        conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, conversation_id))
        return int(cast(int, cur.lastrowid))


# ----------------------------------------------------------------------------------------- helpers


def _stats_json(stats: ReplyStats | Mapping[str, Any] | None) -> str | None:
    if stats is None:
        return None
    return _dump_json(stats.to_dict() if isinstance(stats, ReplyStats) else stats)


def _fold_chunks(
    conn: sqlite3.Connection, message_id: int, tail: str, status: str, stats_json: str | None, now: float
) -> None:
    # Bytes, not str: a chunk is joined exactly as stored even if something wrote invalid UTF-8 into it.
    chunks = b"".join(row[0] for row in conn.execute(
        "SELECT CAST(text AS BLOB) FROM message_chunks WHERE message_id = ? ORDER BY id", (message_id,)))
    added = chunks + _storable(tail).encode("utf-8")
    conn.execute(
        "UPDATE messages SET content = content || CAST(? AS TEXT), status = ?, "
        "stats_json = COALESCE(?, stats_json), updated_at = ? WHERE id = ?",
        (added, status, stats_json, now, message_id),
    )
    conn.execute("DELETE FROM message_chunks WHERE message_id = ?", (message_id,))


def _title_from(content: str) -> str:
    first_line = next((line.strip() for line in content.splitlines() if line.strip()), "")
    return _storable(first_line[:60] + ("…" if len(first_line) > 60 else ""))


def _conversation(row: Sequence[Any]) -> Conversation:
    problems: list[Text] = []
    conversation = Conversation(
        id=int(row[0]),
        title=_clean(row[1], msg("title"), problems),
        created=_number(row[2], msg("creation time"), problems),
        updated=_number(row[3], msg("last-change time"), problems),
        model_path=_clean_optional(row[4], msg("model path"), problems),
        model_name=_clean_optional(row[5], msg("model name"), problems),
        system_prompt=_clean(row[6], msg("system prompt"), problems),
        settings=_json_object(row[7], msg("conversation settings"), problems),
    )
    return replace(conversation, damaged=True, problems=tuple(problems)) if problems else conversation


def _message(row: Sequence[Any]) -> Message:
    problems: list[Text] = []
    role = _clean(row[2], msg("role"), problems)
    if role not in ROLES:
        problems.append(msg("The message had an unknown role {role!r}; it is shown as a system note.", role=role))
        role = "system"
    status = _clean(row[4], msg("status"), problems)
    if status not in STATUSES:
        problems.append(msg("The message had an unknown status {status!r}.", status=status))
        status = "error"
    message = Message(
        id=int(row[0]),
        conversation_id=int(row[1]),
        role=cast(Role, role),
        content=_clean(row[3], msg("message text"), problems),
        status=cast(Status, status),
        created=_number(row[5], msg("creation time"), problems),
        updated=_number(row[6], msg("last-change time"), problems),
        stats=_json_object(row[7], msg("reply statistics"), problems),
    )
    return replace(message, damaged=True, problems=tuple(problems)) if problems else message


def _unreadable_conversation(conversation_id: int) -> Conversation:
    return Conversation(
        id=conversation_id, title=UNREADABLE_CONVERSATION, created=0.0, updated=0.0, model_path=None,
        model_name=None, system_prompt="", settings={}, damaged=True,
        problems=(msg("This conversation's details are stored in a damaged part of the history file."),),
    )


def _unreadable_message(message_id: int, conversation_id: int) -> Message:
    return Message(
        id=message_id, conversation_id=conversation_id, role="system", content=UNREADABLE_MESSAGE,
        status="error", created=0.0, updated=0.0, stats={}, damaged=True,
        problems=(msg("This message is stored in a damaged part of the history file and could not be read."),),
    )


# ------------------------------------------------------------------------- connect / corrupt / salvage


def _connect(path: Path, busy_timeout_s: float, *, check: bool) -> sqlite3.Connection:
    """A configured connection at the current schema; raises _Corrupt if the file is not healthy SQLite."""
    if check and path.is_file():
        size = path.stat().st_size
        if size:
            with path.open("rb") as f:
                header = f.read(100)
            if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
                raise _Corrupt(f"{path} is not an SQLite database")
    try:
        # isolation_level=None: we issue BEGIN IMMEDIATE/COMMIT ourselves, so transactions are explicit.
        conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=True)
    except sqlite3.Error as exc:
        raise _plain(exc, msg("open the chat history")) from exc
    conn.text_factory = _lenient_text
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise HistoryError(msg(
                "Could not open the chat history: the file system at {folder} does not support the "
                "journal mode ModelNest needs (WAL); choose another data folder with MODELNEST_HOME.",
                folder=path.parent,
            ))
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if check:
            result = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
            if result != ["ok"]:
                raise _Corrupt("; ".join(result[:5]))
        _migrate(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if _is_corruption(exc):
            raise _Corrupt(str(exc)) from exc
        raise _plain(exc, msg("open the chat history")) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise HistoryError(msg(
            "The chat history was written by a newer ModelNest (format {version}; this version reads up to "
            "{supported}). Update ModelNest to open it; the file was left untouched.",
            version=version, supported=SCHEMA_VERSION,
        ))
    while version < SCHEMA_VERSION:
        step = MIGRATIONS[version + 1]
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        version += 1


def _move_aside(path: Path, now: float) -> Path:
    stamp = datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    try:
        # Side files keep SQLite's naming (<db>-wal) so the set-aside copy still opens with its journal.
        for suffix in ("-wal", "-shm", "-journal"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        os.replace(path, target)
    except OSError as exc:
        raise HistoryError(msg(
            "The chat history file {path} is damaged and could not be moved aside ({reason}). "
            "Move or delete it yourself, then start ModelNest again.", path=path, reason=exc.strerror,
        )) from exc
    return target


@dataclass
class _Salvaged:
    """What a salvage kept and lost, per table (lost = known to have existed, from any index or table, unreadable)."""

    conversations: int = 0
    messages: int = 0
    lost_conversations: int = 0
    lost_messages: int = 0


_PROBE_LIMIT = 5_000_000  # point lookups at most, per table (a 5-million-message history)


def _scan(src: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> tuple[list[tuple[Any, ...]], bool]:
    """Rows of a query up to the first damaged page; and whether it got to the end."""
    rows: list[tuple[Any, ...]] = []
    try:
        for row in src.execute(sql, params):
            rows.append(tuple(row))
    except sqlite3.Error:
        return rows, False
    return rows, True


def _read_table(
    src: sqlite3.Connection, table: str, columns: str, known: set[int], upper: int
) -> dict[int, tuple[Any, ...]]:
    """Every row of ``table`` still readable through its own b-tree, whatever its indexes' state.

    A forward and a backward scan (NOT INDEXED: an index may be the damaged part) each stop at a damaged page;
    the rows between them, and ids the indexes still list, are then looked up one by one by id."""
    rows: dict[int, tuple[Any, ...]] = {}
    forward, complete = _scan(src, f"SELECT {columns} FROM {table} NOT INDEXED ORDER BY id")
    rows.update((int(r[0]), r) for r in forward)
    if complete:
        return rows
    backward, _ = _scan(src, f"SELECT {columns} FROM {table} NOT INDEXED ORDER BY id DESC")
    rows.update((int(r[0]), r) for r in backward)
    low = max((int(r[0]) for r in forward), default=0)
    high = min((int(r[0]) for r in backward), default=max(upper, low) + 1)
    candidates = set(range(low + 1, min(high, low + 1 + _PROBE_LIMIT))) | known
    for row_id in sorted(candidates - rows.keys()):
        try:
            row = src.execute(f"SELECT {columns} FROM {table} WHERE id = ?", (row_id,)).fetchone()
        except sqlite3.Error:
            continue
        if row is not None:
            rows[row_id] = tuple(row)
    return rows


def _listed_ids(src: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    """What an index still lists, read from both ends (``sql`` ends in ``ORDER BY`` columns without direction)."""
    forward, complete = _scan(src, sql)
    if complete:
        return forward
    head, _, order = sql.rpartition(" ORDER BY ")
    backward, _ = _scan(src, f"{head} ORDER BY " + ", ".join(f"{c.strip()} DESC" for c in order.split(",")))
    return forward + backward


def _schema_readable(path: Path) -> bool:
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1.0)) as src:
            names = {str(r[0]) for r in src.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    except sqlite3.Error:
        return False
    return {"conversations", "messages", "message_chunks"} <= names


def _with_known_schema(old: Path, folder: Path) -> Path | None:
    """A copy of ``old`` whose damaged page 1 (SQLite's schema) is replaced by the one our migrations write.

    Every history is created by the same migrations into an empty file and never vacuumed, so its tables and
    indexes sit at the same root pages as in a fresh database of the same page size; with page 1 rebuilt, SQLite
    finds the intact tables again. Only used when the schema cannot be read at all. The page size comes from the
    header if it survived, else each size SQLite allows is tried until a table reads."""
    data = old.read_bytes()
    if len(data) < 100 or not data.startswith(_SQLITE_MAGIC):
        return None
    stated = int.from_bytes(data[16:18], "big")
    sizes = [65536 if stated == 1 else stated, 4096, 1024, 2048, 8192, 16384, 32768, 65536, 512]
    for page_size in dict.fromkeys(sizes):
        if page_size < 512 or page_size > 65536 or page_size & (page_size - 1) or len(data) % page_size:
            continue
        template = folder / f"template-{page_size}.sqlite3"
        with closing(sqlite3.connect(template, isolation_level=None)) as fresh:
            fresh.execute(f"PRAGMA page_size = {page_size}")
            fresh.execute("PRAGMA journal_mode = DELETE")
            _migrate(fresh)
        page1 = bytearray(template.read_bytes()[:page_size])
        page1[18:20] = b"\x01\x01"  # rollback journal: the copy needs no WAL file
        page1[28:32] = (len(data) // page_size).to_bytes(4, "big")  # the damaged file's size in pages
        page1[32:40] = bytes(8)  # no free-list: it lived in the lost page's header
        repaired = folder / f"repaired-{page_size}.sqlite3"
        repaired.write_bytes(bytes(page1) + data[page_size:])
        if _tables_read(repaired):
            return repaired
    return None


def _tables_read(path: Path) -> bool:
    """Whether at least one of our tables yields a row through its own b-tree (the root pages are right)."""
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1.0)) as src:
            for table in ("conversations", "messages", "message_chunks"):
                rows, _ = _scan(src, f"SELECT id FROM {table} NOT INDEXED ORDER BY id LIMIT 1")
                if rows:
                    return True
    except sqlite3.Error:
        pass
    return False


def _salvage(old: Path, conn: sqlite3.Connection, now: float) -> _Salvaged:
    """Copy every conversation and message still readable from the damaged file; best effort, never raises.

    Each table is read on its own (conversations, messages, chunks), so a damaged page of one table or index
    costs only the rows on it; the counts say exactly what was copied and what is known to be lost."""
    if not _schema_readable(old):
        try:
            with tempfile.TemporaryDirectory(prefix="modelnest-salvage-") as folder:
                repaired = _with_known_schema(old, Path(folder))
                if repaired is not None:
                    return _salvage_from(repaired, conn, now)
        except (OSError, sqlite3.Error, HistoryError):
            pass  # fall through: read what the damaged file itself still gives
    return _salvage_from(old, conn, now)


def _salvage_from(old: Path, conn: sqlite3.Connection, now: float) -> _Salvaged:
    result = _Salvaged()
    try:
        src = sqlite3.connect(f"{old.as_uri()}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return result
    src.text_factory = bytes  # copy text byte for byte; readers flag bad bytes later
    try:
        sequences = {
            bytes(name).decode("utf-8", "replace") if isinstance(name, bytes) else str(name): int(seq or 0)
            for name, seq in _scan(src, "SELECT name, seq FROM sqlite_sequence")[0]
        }
        listed_conversations = {
            r[0]
            for r in _listed_ids(src, "SELECT id FROM conversations INDEXED BY conversations_updated "
                                      "ORDER BY updated_at")
            if isinstance(r[0], int)
        }
        listed_messages = {
            r[0]: r[1]
            for r in _listed_ids(src, "SELECT id, conversation_id FROM messages INDEXED BY messages_conversation "
                                      "ORDER BY conversation_id, id")
            if isinstance(r[0], int) and isinstance(r[1], int)
        }
        conversations = _read_table(src, "conversations", _CONVERSATION_COLUMNS, listed_conversations,
                                    sequences.get("conversations", 0))
        messages = _read_table(src, "messages", _MESSAGE_COLUMNS, set(listed_messages),
                               sequences.get("messages", 0))
        chunk_rows = _read_table(src, "message_chunks", "id, message_id, CAST(text AS BLOB)", set(), 0)
    except Exception:  # noqa: BLE001 - salvage is a bonus; the fresh database is already usable
        src.close()
        return result
    src.close()

    chunks: dict[int, list[bytes]] = {}
    for _, message_id, text in sorted(chunk_rows.values(), key=lambda r: r[0]):
        if isinstance(message_id, int) and isinstance(text, bytes):
            chunks.setdefault(message_id, []).append(text)
    # Every message known to exist, by conversation: read rows, and ids only an index still lists.
    by_conversation: dict[int, list[tuple[int, tuple[Any, ...] | None]]] = {}
    for message_id, message_row in messages.items():
        if not isinstance(message_row[1], int):  # a row that breaks the schema: only its place can be kept
            result.lost_messages += 1
            continue
        by_conversation.setdefault(message_row[1], []).append((message_id, message_row))
    for message_id, conversation_id in listed_messages.items():
        if message_id not in messages:
            by_conversation.setdefault(conversation_id, []).append((message_id, None))
    known_conversations = set(conversations) | listed_conversations | set(by_conversation)
    result.lost_conversations = len(known_conversations - set(conversations))
    try:
        _copy_all(conn, result, known_conversations, conversations, by_conversation, chunks, now)
    except Exception:  # noqa: BLE001 - never raise: the counts cover exactly the conversations committed so far
        pass
    return result


def _copy_all(
    conn: sqlite3.Connection, result: _Salvaged, known_conversations: set[int],
    conversations: Mapping[int, tuple[Any, ...]],
    by_conversation: Mapping[int, list[tuple[int, tuple[Any, ...] | None]]], chunks: Mapping[int, list[bytes]],
    now: float,
) -> None:
    for conversation_id in sorted(known_conversations):
        row = conversations.get(conversation_id)
        entries = sorted(by_conversation.get(conversation_id, []), key=lambda e: e[0])
        if row is None and not entries:
            continue  # only an index remembers it: nothing to show
        if row is None:  # keep its messages under a placeholder title
            row = (conversation_id, UNREADABLE_CONVERSATION.encode(), now, now, None, None, b"", b"{}")
        copied = _copy_conversation(conn, row, entries, chunks, now)
        if copied is None:
            result.lost_conversations += conversation_id in conversations
            result.lost_messages += len(entries)
            continue
        result.conversations += conversation_id in conversations
        result.messages += copied
        result.lost_messages += len(entries) - copied


def _copy_conversation(
    conn: sqlite3.Connection, row: Sequence[Any], entries: Sequence[tuple[int, tuple[Any, ...] | None]],
    chunks: Mapping[int, list[bytes]], now: float,
) -> int | None:
    """Insert one conversation and its messages (placeholders where a message is lost); messages copied."""
    text = "CAST(? AS TEXT)"
    conversation_id = row[0]
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            f"INSERT INTO conversations ({_CONVERSATION_COLUMNS}) VALUES (?, {text}, ?, ?, {text}, {text}, "
            f"COALESCE({text}, ''), COALESCE({text}, '{{}}'))",
            tuple(row),
        )
        copied = 0
        for message_id, m in entries:
            if m is not None:
                content = (m[3] if isinstance(m[3], bytes) else str(m[3] or "").encode()) + b"".join(
                    chunks.get(message_id, []))
                status = m[4] if m[4] != b"streaming" else b"interrupted"
                try:
                    conn.execute(
                        f"INSERT INTO messages ({_MESSAGE_COLUMNS}) VALUES (?, ?, {text}, {text}, {text}, ?, ?, "
                        f"COALESCE({text}, '{{}}'))",
                        (m[0], conversation_id, m[2], content, status, m[5], m[6], m[7]),
                    )
                    copied += 1
                    continue
                except sqlite3.IntegrityError:
                    pass  # a row breaking the schema's rules (unknown role/status): its place is marked instead
            conn.execute(
                "INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at, "
                "stats_json) VALUES (?, ?, 'system', ?, 'error', ?, ?, ?)",
                (message_id, conversation_id, UNREADABLE_MESSAGE, now, now,
                 json.dumps({"error": str(_LOST), "error_message": _LOST.to_json()})),
            )
        conn.execute("COMMIT")
        return copied
    except sqlite3.Error:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        return None


# Stored with the placeholder of a message the salvage could not read: English for exports, the Message for the GUI.
_LOST = msg("This message was in a damaged part of the old history file.")


def _corrupt_message(moved: Path, salvaged: _Salvaged) -> Text:
    if salvaged.conversations or salvaged.messages:
        saved = msg(
            "Copied into it: {conversations} of {known_conversations} conversations and {messages} of "
            "{known_messages} messages; the places of unreadable ones are marked.",
            conversations=salvaged.conversations,
            known_conversations=salvaged.conversations + salvaged.lost_conversations,
            messages=salvaged.messages,
            known_messages=salvaged.messages + salvaged.lost_messages,
        )
    else:
        saved = msg("Nothing could be read from the damaged file, so the new history is empty.")
    return msg(
        "Your chat history file was damaged and could not be opened. ModelNest set it aside as "
        "{name} (in {folder}) and started a new history. {saved}", name=moved.name, folder=moved.parent, saved=saved,
    )
