"""The chat's GUI-thread controller and its one worker thread, the single owner of the engine (and its history).

Widgets and tests listen only to ``ChatController``'s signals. The engine work runs in a parentless
QThread with a worker QObject; its signals reach the controller's bound ``@Slot`` methods (queued, so
they run in the GUI thread) and are re-emitted from there (DESIGN.md, threading pitfalls). The worker
blocks inside ``EngineClient.generate`` while a reply streams, so Stop does not go through its event
queue: ``ChatController.stop()`` calls the thread-safe ``ChatSession.cancel()`` directly.

Everything else slow (planning, calibration records, sensors) runs through the app's one background helper;
sensor readings come from the app's hardware service, not from a thread of the chat's own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from modelnest.core.chat.history import HistoryStore
from modelnest.core.chat.remote import RemoteEngine
from modelnest.core.chat.session import (
    ChatSession,
    ContextUsage,
    ReplyDelta,
    ReplyFinished,
    ReplyStarted,
    StoreWarning,
)
from modelnest.core.engine.client import EngineClient, ProgressEvent
from modelnest.core.engine.errors import EngineError
from modelnest.core.engine.params import EngineParams, LoadReport, SamplingParams
from modelnest.core.errors import ModelNestError
from modelnest.core.messages import Message
from modelnest.core.server.turns import EngineLock, TurnLock
from modelnest.gui.chat.compat import emit

__all__ = ["ChatController", "EngineFactory", "LoadRequest", "RemoteInfo", "RemoteRequest", "TurnRequest",
           "UnexpectedFailure"]

EngineFactory = Callable[[], EngineClient]


@dataclass(frozen=True)
class LoadRequest:
    path: str
    params: EngineParams
    force: bool = False  # Reload after a crash: the user asked for it, so the crash ledger does not refuse


@dataclass(frozen=True)
class RemoteRequest:
    url: str
    token: str | None
    model: str | None  # None: the server's first model


@dataclass(frozen=True)
class RemoteInfo:
    """The remote engine the chat talks to now."""

    url: str
    model: str
    served: tuple[str, ...] = ()  # every model the server listed as it was connected (the remembered list follows)

    @property
    def model_name(self) -> str:
        return f"{self.model} @ {self.url}"  # how the history names it (as `modelnest chat --remote` does)


@dataclass(frozen=True)
class TurnRequest:
    kind: Literal["send", "regenerate", "edit"]
    conversation_id: int
    sampling: SamplingParams
    text: str = ""
    extra_settings: dict[str, Any] = field(default_factory=dict)
    message_id: int | None = None  # edit: which message of the user's (None: the last)


class UnexpectedFailure(ModelNestError):
    """A failure the engine client did not turn into an explanation; the page words it (in the UI language).

    ``stage`` is "read" (the model file could not be read), "load" or "reply"; ``detail`` the original error.
    """

    def __init__(self, stage: Literal["read", "load", "reply"], detail: str) -> None:
        super().__init__(f"{stage}: {detail}")
        self.stage = stage
        self.detail = detail


def _quit_own_thread(worker: QObject) -> None:
    """Hand the worker back to the GUI thread (so it may be deleted there) and end its thread's loop."""
    thread = QThread.currentThread()
    app = QCoreApplication.instance()
    if app is not None and app.thread() is not thread:
        worker.moveToThread(app.thread())
        thread.quit()


class _ChatWorker(QObject):
    """Lives in the chat thread: owns its own HistoryStore and uses the engine; never touches widgets."""

    load_progress = Signal(float)
    loaded = Signal(object)  # LoadReport
    load_failed = Signal(object)  # ModelNestError
    unloaded = Signal()
    turn_event = Signal(object)  # ReplyStarted | ReplyDelta | ProgressEvent | StoreWarning | ReplyFinished
    turn_failed = Signal(object)  # ModelNestError before a reply row existed
    turn_done = Signal()
    stopped = Signal()
    engine_died = Signal(object)  # EngineError: the engine died while idle (emitted from the engine's reader thread)
    engine_wait = Signal()  # the engine is busy with another user (the local API server): this call waits its turn
    remote_connected = Signal(object)  # RemoteInfo
    remote_failed = Signal(object)  # ModelNestError: the server could not be reached or refused
    remote_closed = Signal()

    def __init__(self, engine: EngineClient, gui_store: HistoryStore, delta_interval_s: float,
                 engine_lock: EngineLock | None = None) -> None:
        super().__init__()  # parentless: moved to the worker thread
        self._engine = engine
        # Held around every load, unload and turn; the local API server's worker takes it around each request,
        # so the two take turns on the one engine and never call it at once.
        self._engine_lock: EngineLock = engine_lock or TurnLock()
        self._holding = False  # this thread holds the engine (a cancel may reach it)
        self._cancel_pending = False  # Stop pressed while waiting for the engine: stop the turn once it starts
        self._remote: RemoteEngine | None = None  # chatting through a remote server instead of the local engine
        self._remote_session: ChatSession | None = None
        self._gui_store = gui_store
        self._store: HistoryStore | None = None
        self._delta_interval_s = delta_interval_s
        self._session: ChatSession | None = None
        self._cancel_lock = threading.Lock()
        self._warmed = False
        engine.on_idle_death = self._on_idle_death

    def _on_idle_death(self, error: EngineError) -> None:
        # Runs in the engine client's event-reader thread; the queued signal carries it to the GUI thread.
        emit(self.engine_died, error)

    def _session_for_thread(self) -> ChatSession:
        if self._session is None:
            self._store = self._gui_store.reopen()  # runs in this thread: the store belongs to it
            self._session = ChatSession(self._engine, self._store, delta_interval_s=self._delta_interval_s)
        return self._session

    @contextmanager
    def _engine_turn(self) -> Iterator[None]:
        """Hold the engine for one call; say so first when another user (the API server) has it."""
        if not self._engine_lock.acquire(blocking=False):
            emit(self.engine_wait)
            self._engine_lock.acquire()
        try:
            with self._cancel_lock:
                self._holding = True
            yield
        finally:
            with self._cancel_lock:
                self._holding = False
                self._cancel_pending = False
            self._engine_lock.release()

    def cancel(self) -> None:
        """Called from the GUI thread: thread-safe (an Event and EngineClient.cancel)."""
        with self._cancel_lock:
            if self._remote_session is not None:
                self._remote_session.cancel()  # closes the stream; the server sees the client leave
                return
            if not self._holding:
                # Waiting for the engine: a cancel now would stop the API server's request, not ours.
                self._cancel_pending = True
                return
            if self._session is not None:
                self._session.cancel()
            else:
                self._engine.cancel()

    def _progress(self, fraction: float) -> None:
        emit(self.load_progress, fraction)

    @Slot(object)
    def load(self, request: LoadRequest) -> None:
        self._close_remote()
        with self._engine_turn():
            self._load(request)

    # ---- remote engines -------------------------------------------------------------------------------
    @Slot(object)
    def connect_remote(self, request: RemoteRequest) -> None:
        """Chat through an OpenAI-compatible server from now on (the local model is unloaded: one engine at once)."""
        self._close_remote()
        if self._engine.loaded is not None:
            with self._engine_turn():
                try:
                    self._engine.unload()
                except EngineError:
                    self._engine.kill()
            emit(self.unloaded)
        remote = RemoteEngine(request.url, request.token)
        try:
            model = remote.use(request.model)
        except ModelNestError as exc:
            remote.close()
            emit(self.remote_failed, exc)
            return
        except Exception as exc:  # noqa: BLE001 - a slot must never leave the controller stuck "loading"
            remote.close()
            emit(self.remote_failed, UnexpectedFailure("load", f"{type(exc).__name__}: {exc}"))
            return
        info = RemoteInfo(remote.url, model, remote.served)
        self._session_for_thread()  # opens this thread's store
        assert self._store is not None
        with self._cancel_lock:
            self._remote = remote
            # RemoteEngine offers what ChatSession uses of an engine (generate, cancel; no token counting).
            self._remote_session = ChatSession(remote, self._store, model_name=info.model_name,  # type: ignore[arg-type]
                                               delta_interval_s=self._delta_interval_s)
        emit(self.remote_connected, info)

    @Slot()
    def disconnect_remote(self) -> None:
        self._close_remote()

    def _close_remote(self) -> None:
        with self._cancel_lock:
            remote, self._remote, self._remote_session = self._remote, None, None
        if remote is not None:
            remote.close()
            emit(self.remote_closed)

    def _load(self, request: LoadRequest) -> None:
        try:
            if self._engine.loaded is not None:
                self._engine.unload()
            from modelnest.core.gguf import read_file
            from modelnest.core.plan.loader import load_stepping_down

            steps: list[Message] = []
            header = read_file(request.path)
            n_layer = int(header.arch_value("block_count", 0) or 0)
            is_moe = any("_exps." in t.name for t in header.tensors)  # routed experts: step down moves them first
            report, _params = load_stepping_down(self._engine, request.path, request.params, n_layer,
                                                 on_step=steps.append, force=request.force, is_moe=is_moe,
                                                 on_progress=self._progress)
            self._engine.warnings.extend(steps)  # shown with the load report
        except ModelNestError as exc:
            emit(self.load_failed, exc)
            return
        except OSError as exc:
            emit(self.load_failed, UnexpectedFailure("read", str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - a slot must never leave the controller stuck "loading"
            emit(self.load_failed, UnexpectedFailure("load", f"{type(exc).__name__}: {exc}"))
            return
        emit(self.loaded, report)
        self._warm_up()

    def _warm_up(self) -> None:
        # The first Markdown render imports Pygments' lexers (~50 ms); do it here, not in the GUI thread.
        if not self._warmed:
            self._warmed = True
            from modelnest.gui.markdown_render import render_markdown

            render_markdown("**x**\n\n```python\nx = 1\n```\n")

    @Slot()
    def unload(self) -> None:
        with self._engine_turn():
            try:
                self._engine.unload()
            except EngineError:
                self._engine.kill()  # it was going away anyway
        emit(self.unloaded)

    @Slot(object)
    def turn(self, request: TurnRequest) -> None:
        if self._remote_session is not None:
            self._turn(request)  # the local engine is not used: no turn to wait for
            return
        with self._engine_turn():
            self._turn(request)

    def _turn(self, request: TurnRequest) -> None:
        try:
            session = self._remote_session or self._session_for_thread()
            if request.kind == "send":
                events = session.send(request.conversation_id, request.text, request.sampling,
                                      request.extra_settings)
            elif request.kind == "regenerate":
                events = session.regenerate(request.conversation_id, request.sampling, request.extra_settings)
            else:
                events = session.edit_and_resend(request.conversation_id, request.text, request.sampling,
                                                 request.extra_settings, message_id=request.message_id)
            for event in events:
                if isinstance(event, ReplyStarted) and self._cancel_pending:
                    session.cancel()  # Stop came while we waited for the engine: the reply ends as stopped
                emit(self.turn_event, event)
        except ModelNestError as exc:
            emit(self.turn_failed, exc)
        except Exception as exc:  # noqa: BLE001 - a slot must never leave the controller stuck "busy"
            emit(self.turn_failed, UnexpectedFailure("reply", f"{type(exc).__name__}: {exc}"))
        finally:
            emit(self.turn_done)

    @Slot()
    def stop(self) -> None:
        """Last call in this thread: close the store, end the engine, leave the thread."""
        with self._engine_turn():
            self._stop()

    def _stop(self) -> None:
        self._close_remote()
        if self._store is not None:
            self._store.close()
            self._store = None
        self._session = None
        try:
            self._engine.shutdown(timeout=3.0)
        except Exception:  # noqa: BLE001 - shutting down; a stuck engine is killed below
            self._engine.kill()
        emit(self.stopped)
        _quit_own_thread(self)


class ChatController(QObject):
    """GUI-thread face of the chat: commands in, signals out. Never blocks the GUI thread on the engine."""

    busy_changed = Signal(bool)  # a turn is running
    load_started = Signal(str)
    load_progress = Signal(float)
    model_loaded = Signal(object)  # LoadReport
    model_unloaded = Signal()
    load_failed = Signal(object)  # ModelNestError (EngineError carries explanation/advice/log_tail)
    reply_started = Signal(object)  # ReplyStarted
    reply_delta = Signal(object)  # ReplyDelta
    prompt_progress = Signal(object)  # ProgressEvent of the prompt being read (fraction, done / total tokens)
    context_usage = Signal(object)  # ContextUsage: prompt tokens of the context, and what the policy left out
    reply_finished = Signal(object)  # ReplyFinished
    engine_failed = Signal(object)  # EngineError that ended a reply (crash, hang, generation failure)
    engine_died = Signal(object)  # EngineError: the engine died while no reply was being written
    turn_failed = Signal(object)  # ModelNestError before a reply existed (e.g. history refused)
    store_warning = Signal(object)  # Text (a core Message or plain text): the history could not be written yet
    waiting_for_engine = Signal()  # a load or turn waits while the local API server's request uses the engine
    remote_connected = Signal(object)  # RemoteInfo: replies now come from a remote server
    remote_failed = Signal(object)  # ModelNestError (RemoteUnreachable, RemoteRefused ...)
    remote_closed = Signal()
    _load_requested = Signal(object)
    _remote_requested = Signal(object)
    _remote_close_requested = Signal()
    _unload_requested = Signal()
    _turn_requested = Signal(object)
    _stop_requested = Signal()

    def __init__(
        self,
        store: HistoryStore,
        engine_factory: EngineFactory = EngineClient,
        *,
        delta_interval_s: float = 0.05,
    ) -> None:
        super().__init__()
        self.store = store  # the GUI thread's store
        self._engine_factory = engine_factory
        self._delta_interval_s = delta_interval_s
        self.engine: EngineClient | None = None  # created on first load, never at window construction
        # Shared with the local API server (gui/server_panel.py): whoever holds it uses the engine.
        self.engine_lock = TurnLock()  # first come, first served: API clients cannot starve the chat
        self._thread: QThread | None = None
        self._worker: _ChatWorker | None = None
        self.report: LoadReport | None = None
        self.remote: RemoteInfo | None = None  # chatting through a remote server (then report is None)
        self._connecting = False  # a remote connection is being made (the local model's unload is part of it)
        self.last_load: LoadRequest | None = None
        self.busy = False
        self.loading = False
        self.streaming_conversation_id: int | None = None

    # ---- threads ------------------------------------------------------------------------------------
    def _ensure_worker(self) -> _ChatWorker:
        if self._worker is not None:
            return self._worker
        self.engine = self._engine_factory()
        thread = QThread()  # parentless, always wait()ed on (DESIGN.md threading pitfalls)
        thread.setObjectName("chat-engine")
        worker = _ChatWorker(self.engine, self.store, self._delta_interval_s, self.engine_lock)
        worker.moveToThread(thread)
        worker.load_progress.connect(self._on_load_progress)
        worker.loaded.connect(self._on_loaded)
        worker.load_failed.connect(self._on_load_failed)
        worker.unloaded.connect(self._on_unloaded)
        worker.turn_event.connect(self._on_turn_event)
        worker.turn_failed.connect(self._on_turn_failed)
        worker.turn_done.connect(self._on_turn_done)
        worker.engine_died.connect(self._on_engine_died)
        worker.engine_wait.connect(self.waiting_for_engine)
        worker.remote_connected.connect(self._on_remote_connected)
        worker.remote_failed.connect(self._on_remote_failed)
        worker.remote_closed.connect(self._on_remote_closed)
        self._remote_requested.connect(worker.connect_remote)
        self._remote_close_requested.connect(worker.disconnect_remote)
        self._load_requested.connect(worker.load)
        self._unload_requested.connect(worker.unload)
        self._turn_requested.connect(worker.turn)
        self._stop_requested.connect(worker.stop)
        self._thread, self._worker = thread, worker
        thread.start()
        return worker

    def shutdown(self) -> None:
        """Stop any reply, end the engine and its thread, and wait for them (window close, app exit)."""
        if self._thread is not None and self._worker is not None:
            if self.busy:
                self._worker.cancel()
            emit(self._stop_requested)
            if not self._thread.wait(15_000) and self.engine is not None:
                self.engine.kill()  # a stuck engine call: killing it makes the worker return
                self._thread.wait()
            for sig in (self._load_requested, self._unload_requested, self._turn_requested, self._stop_requested,
                        self._remote_requested, self._remote_close_requested):
                sig.disconnect()
            self._thread = self._worker = None

    # ---- commands -----------------------------------------------------------------------------------
    def load(self, path: str | Path, params: EngineParams, *, force: bool = False) -> None:
        if self.busy or self.loading:
            return
        request = LoadRequest(str(path), params, force)
        self.last_load = request
        self.loading = True
        emit(self.load_started, str(path))
        self._ensure_worker()
        emit(self._load_requested, request)

    def reload(self) -> None:
        """Load the last model again (after a crash); the user asked, so it is forced past the crash ledger."""
        if self.last_load is not None:
            self.load(self.last_load.path, self.last_load.params, force=True)

    def unload(self) -> None:
        if self.busy or self.loading or self._worker is None:
            return
        self.loading = True
        emit(self._unload_requested)

    def connect_remote(self, url: str, token: str | None, model: str | None = None) -> None:
        """Chat through the server at ``url`` (its ``model``, or its first): ``remote_connected`` or ``_failed``."""
        if self.busy or self.loading:
            return
        self.loading = self._connecting = True
        emit(self.load_started, url)
        self._ensure_worker()
        emit(self._remote_requested, RemoteRequest(url, token, model))

    def disconnect_remote(self) -> None:
        if self.busy or self.loading or self._worker is None or self.remote is None:
            return
        emit(self._remote_close_requested)

    @property
    def ready(self) -> bool:
        """A turn can be sent: a local model is loaded or a remote server is connected."""
        return self.report is not None or self.remote is not None

    def send(self, conversation_id: int, text: str, sampling: SamplingParams, **extra: Any) -> bool:
        return self._turn(TurnRequest("send", conversation_id, sampling, text, dict(extra)))

    def regenerate(self, conversation_id: int, sampling: SamplingParams, **extra: Any) -> bool:
        return self._turn(TurnRequest("regenerate", conversation_id, sampling, "", dict(extra)))

    def edit_and_resend(self, conversation_id: int, text: str, sampling: SamplingParams, *,
                        message_id: int | None = None, **extra: Any) -> bool:
        return self._turn(TurnRequest("edit", conversation_id, sampling, text, dict(extra), message_id))

    def _turn(self, request: TurnRequest) -> bool:
        if self.busy or self.loading or not self.ready:
            return False
        self._ensure_worker()
        self.streaming_conversation_id = request.conversation_id
        self._set_busy(True)
        emit(self._turn_requested, request)
        return True

    def stop(self) -> None:
        """Stop the reply now (within one token); the partial text is kept with status ``stopped``."""
        if self.busy and self._worker is not None:
            self._worker.cancel()

    def engine_pid(self) -> int | None:
        return self.engine.pid if self.engine is not None else None

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            emit(self.busy_changed, busy)

    # ---- worker signals (run in the GUI thread) -----------------------------------------------------
    @Slot(float)
    def _on_load_progress(self, fraction: float) -> None:
        emit(self.load_progress, fraction)

    @Slot(object)
    def _on_loaded(self, report: LoadReport) -> None:
        self.loading = False
        self.report = report
        emit(self.model_loaded, report)

    @Slot(object)
    def _on_load_failed(self, error: ModelNestError) -> None:
        self.loading = False
        self.report = None
        emit(self.load_failed, error)

    @Slot()
    def _on_unloaded(self) -> None:
        self.loading = self._connecting  # unloading the local model as part of connecting to a remote one
        self.report = None
        emit(self.model_unloaded)

    @Slot(object)
    def _on_remote_connected(self, info: RemoteInfo) -> None:
        self.loading = self._connecting = False
        self.report = None
        self.remote = info
        emit(self.remote_connected, info)

    @Slot(object)
    def _on_remote_failed(self, error: ModelNestError) -> None:
        self.loading = self._connecting = False
        self.remote = None
        emit(self.remote_failed, error)

    @Slot()
    def _on_remote_closed(self) -> None:
        self.remote = None
        emit(self.remote_closed)

    @Slot(object)
    def _on_turn_event(self, event: object) -> None:
        if isinstance(event, ReplyDelta):
            emit(self.reply_delta, event)
        elif isinstance(event, ReplyStarted):
            emit(self.reply_started, event)
        elif isinstance(event, ProgressEvent):
            emit(self.prompt_progress, event)
        elif isinstance(event, ContextUsage):
            emit(self.context_usage, event)
        elif isinstance(event, StoreWarning):
            emit(self.store_warning, event.message)
        elif isinstance(event, ReplyFinished):
            if event.error is not None and (self.engine is None or self.engine.loaded is None):
                self.report = None  # the engine died: the model must be loaded again
            emit(self.reply_finished, event)
            if event.error is not None:
                emit(self.engine_failed, event.error)

    @Slot(object)
    def _on_engine_died(self, error: EngineError) -> None:
        if self.busy or self.loading:
            return  # the running request reports the death itself (and says what it was doing)
        self.report = None
        emit(self.engine_died, error)

    @Slot(object)
    def _on_turn_failed(self, error: ModelNestError) -> None:
        emit(self.turn_failed, error)

    @Slot()
    def _on_turn_done(self) -> None:
        self.streaming_conversation_id = None
        self._set_busy(False)
