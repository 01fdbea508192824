"""The one owner of the engine: a worker thread serving generation and embedding jobs first come, first served.

The engine holds one sequence (n_seq_max 1), so requests are queued, not interleaved: HTTP handlers submit a
``Job`` and read its events from an asyncio queue; the worker thread is the only code that calls the
``EngineClient`` (except ``cancel``, which the client allows from any thread). A job whose client went away is
cancelled: dropped if still waiting, or stopped in the engine within a token if running.
"""

from __future__ import annotations

import asyncio
import itertools
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from modelnest.core.engine.client import Embeddings, EngineClient, TokenEvent
from modelnest.core.engine.errors import EngineError, GenerationFailed
from modelnest.core.engine.params import GenerationSummary, SamplingParams
from modelnest.core.messages import msg
from modelnest.core.server.turns import EngineLock

__all__ = ["Cancelled", "EngineWorker", "Job", "JobItem", "QueueFull"]


class QueueFull(Exception):
    """As many requests as allowed are running or waiting; the caller answers 429."""


@dataclass(frozen=True)
class Cancelled:
    """The job was cancelled before the engine started on it."""


JobItem = TokenEvent | GenerationSummary | Embeddings | EngineError | Cancelled
State = Literal["queued", "running", "done"]


class Job:
    """One request: its input (messages, a prompt, or texts to embed), its event stream (read on the event loop),
    and how it ended. An embedding job's stream is one Embeddings item (or an error)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sampling: SamplingParams | None = None,
        *,
        messages: Sequence[dict[str, str]] | None = None,
        prompt: str | None = None,
        texts: Sequence[str] | None = None,
    ) -> None:
        self.id = 0
        self.sampling = sampling
        self.messages = list(messages) if messages is not None else None
        self.prompt = prompt
        self.texts = list(texts) if texts is not None else None
        self.embeddings: Embeddings | None = None
        self.state: State = "queued"
        self.cancel_requested = threading.Event()
        self.in_engine = False  # the worker owns the engine for this job (its lock taken, if any)
        self.tokens_seen = 0  # token events the worker received from the engine
        self.cancel_at: int | None = None  # tokens_seen when the cancel went to the engine
        self.summary: GenerationSummary | None = None
        self.error: EngineError | None = None
        self._loop = loop
        self._items: asyncio.Queue[JobItem] = asyncio.Queue()
        self._worker: EngineWorker | None = None

    def _push(self, item: JobItem) -> None:
        try:
            self._loop.call_soon_threadsafe(self._items.put_nowait, item)
        except RuntimeError:
            pass  # the event loop is closed (server shutting down): nobody is listening

    async def next(self) -> JobItem:
        return await self._items.get()

    def cancel(self) -> None:
        """Stop this job: drop it from the queue, or stop the engine on it. Safe from any thread, idempotent."""
        self.cancel_requested.set()
        if self._worker is not None:
            self._worker._cancel(self)


class EngineWorker:
    """Serves jobs on one EngineClient, in order of arrival, with at most ``max_pending`` running or waiting."""

    def __init__(
        self,
        engine: EngineClient,
        *,
        max_pending: int = 8,
        reload: Callable[[EngineClient], object] | None = None,
        on_finished: Callable[[Job], None] | None = None,
        on_submitted: Callable[[Job], None] | None = None,
        engine_lock: EngineLock | None = None,
    ) -> None:
        self.engine = engine
        # Held while a job runs, when the engine has another user too (the app's chat worker takes the same lock
        # around its turns), so the two never call generate() at once.
        self._engine_lock = engine_lock
        self.max_pending = max_pending
        self._reload = reload  # loads the model again after the engine died (the crash ledger still applies)
        self.on_finished = on_finished  # called in the worker thread after every job (tests, statistics)
        self.on_submitted = on_submitted  # called in the submitting thread once a job holds a place
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._pending = 0
        self._current: Job | None = None
        self._ids = itertools.count(1)
        self._thread = threading.Thread(target=self._serve, daemon=True, name="api-engine-worker")
        self._thread.start()

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def submit(self, job: Job) -> Job:
        with self._lock:
            if self._pending >= self.max_pending:
                raise QueueFull()
            self._pending += 1
            job.id = next(self._ids)
            job._worker = self
        if self.on_submitted is not None:
            self.on_submitted(job)
        self._queue.put(job)
        return job

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel what is running, drop what waits, and end the thread (the engine itself stays the caller's)."""
        with self._lock:
            current = self._current
        if current is not None:
            current.cancel()
        self._queue.put(None)
        self._thread.join(timeout)

    # ---- worker thread ----------------------------------------------------------------------------------
    def _cancel(self, job: Job) -> None:
        with self._lock:
            if job.state == "queued":
                job.state = "done"
                self._pending -= 1
                dropped = True
            else:
                dropped = False
                # Only a job that owns the engine may cancel in it (else the cancel would hit another user's reply).
                running = job is self._current and job.state == "running" and job.in_engine
                if running and job.cancel_at is None:
                    job.cancel_at = job.tokens_seen
        if dropped:
            job._push(Cancelled())
            self._finished(job)
        elif running:
            self.engine.cancel()  # thread-safe; honoured within a token

    def _serve(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                self._drain()
                return
            with self._lock:
                if job.state != "queued":
                    continue  # cancelled while waiting
                job.state = "running"
                self._current = job
            try:
                if self._engine_lock is not None:
                    with self._engine_lock:
                        self._run(job)
                else:
                    self._run(job)
            finally:
                with self._lock:
                    job.state = "done"
                    self._current = None
                    self._pending -= 1
                self._finished(job)

    def _drain(self) -> None:
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job.cancel()

    def _finished(self, job: Job) -> None:
        if self.on_finished is not None:
            self.on_finished(job)

    def _run(self, job: Job) -> None:
        engine = self.engine
        with self._lock:
            job.in_engine = True
        try:
            if job.cancel_requested.is_set():
                job._push(Cancelled())  # cancelled while waiting for the engine's other user
                return
            if engine.loaded is None and self._reload is not None:
                self._reload(engine)
            if job.texts is not None:
                job.embeddings = engine.embed(job.texts)  # cancel() reaches it through the engine, like a reply
                job._push(job.embeddings)
                return
            forwarded = False
            for event in engine.generate(job.messages, job.sampling, prompt=job.prompt):
                if job.cancel_requested.is_set() and not forwarded:
                    # Cancelled between submission and the engine knowing the request id: forward it now.
                    forwarded = True
                    with self._lock:
                        if job.cancel_at is None:
                            job.cancel_at = job.tokens_seen
                    engine.cancel()
                if isinstance(event, TokenEvent):
                    job.tokens_seen = event.n
                    job._push(event)
                elif isinstance(event, GenerationSummary):
                    job.summary = event
                    job._push(event)
        except EngineError as exc:
            job.error = exc
            job._push(exc)
        except Exception as exc:  # noqa: BLE001 - a waiting HTTP handler must always hear how its job ended
            job.error = GenerationFailed(msg("The server failed while generating: {error}", error=str(exc)))
            job._push(job.error)
        finally:
            with self._lock:
                # Before the engine lock is released: a late cancel of this job must not reach the next user's reply.
                job.in_engine = False
