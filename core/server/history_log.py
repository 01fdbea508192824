"""Chats served over the API, kept in the user's history only when the user asked for it (off by default).

An editor or agent may send thousands of requests, many holding text the user never saw; so they stay out of the
history unless the user turns "Keep API chats in my history" on (the serve switch, or `modelnest serve
--keep-history`). Each finished chat completion becomes one conversation titled from its last user message,
with the model's name and "API" in the model field, so it is told apart from the chats typed in the window.

SQLite connections belong to one thread: the recorder writes from its own single worker thread, never from the
server's event loop (a slow disk must not hold up other clients' streams).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from modelnest.core.chat.history import HistoryError, HistoryStore

__all__ = ["API_MODEL_TAG", "ApiHistory"]

API_MODEL_TAG = "API"  # model_name of a conversation that came over the API: "<model> (API)"
TITLE_CHARS = 60


class ApiHistory:
    """Writes finished API chats into the history file at `path` (None: the user's default history)."""

    def __init__(self, path: Path | None = None, on_saved: Callable[[int], None] | None = None) -> None:
        """`on_saved`: called with each saved conversation's id, on the recorder's thread (the GUI lists it)."""
        self.path = path
        self._on_saved = on_saved
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="api-history")
        self._store: HistoryStore | None = None
        self._lock = threading.Lock()
        self._pending: list[Future[int | None]] = []
        self.failures: list[BaseException] = []  # writes that failed (the API answer was sent regardless)

    def record(self, model: str, messages: Sequence[Mapping[str, str]], reply: str) -> Future[int | None]:
        """Queue one finished chat; the future gives the new conversation's id (None if it could not be saved)."""
        turns = [(str(m.get("role", "")), str(m.get("content", ""))) for m in messages]
        future = self._pool.submit(self._write, model, turns, reply)
        with self._lock:
            self._pending = [f for f in self._pending if not f.done()] + [future]
        return future

    def _write(self, model: str, turns: list[tuple[str, str]], reply: str) -> int | None:
        try:
            if self._store is None:
                self._store = HistoryStore.open(self.path)
            store = self._store
            system = "\n\n".join(content for role, content in turns if role == "system")
            asked = next((content for role, content in reversed(turns) if role == "user"), "")
            title = (asked.strip().splitlines() or [""])[0][:TITLE_CHARS]  # what this request asked
            conversation = store.create_conversation(title, model_name=f"{model} ({API_MODEL_TAG})",
                                                     system_prompt=system)
            for role, content in turns:
                if role == "user":
                    store.add_user_message(conversation.id, content)
                elif role == "assistant":
                    store.add_message(conversation.id, "assistant", content)
            store.add_message(conversation.id, "assistant", reply)
        except (HistoryError, OSError) as exc:
            self.failures.append(exc)
            return None
        if self._on_saved is not None:
            self._on_saved(conversation.id)
        return conversation.id

    def flush(self, timeout: float = 10.0) -> None:
        """Wait for the writes queued so far (tests; the server's stop)."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            future.result(timeout)

    def close(self) -> None:
        def shut() -> None:
            if self._store is not None:
                self._store.close()
                self._store = None

        self._pool.submit(shut).result(30)  # closed on the thread that opened it
        self._pool.shutdown(wait=True)
