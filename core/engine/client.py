"""The parent's side of the engine: starts the child, sends requests, turns its events and deaths into results.

One EngineClient owns one engine process. It is safe to call `cancel()` from another thread while a
`generate()` iterator is being consumed (the GUI's Stop button); everything else is meant for one thread.
"""

from __future__ import annotations

import base64
import collections
import itertools
import os
import queue
import struct
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from modelnest.core.engine import protocol
from modelnest.core.engine.errors import (
    ContextFull,
    DeathEvidence,
    EmbeddingCancelled,
    EmbeddingFailed,
    EmbeddingInputInvalid,
    EmbeddingUnsupported,
    EngineError,
    EngineHung,
    EngineStartError,
    GenerationFailed,
    ModelLoadFailed,
    ModelRefused,
    cgroup_oom_kills,
    explain_exit,
    kernel_killed_for_memory,
    memory_advice,
)
from modelnest.core.engine.launch import engine_command
from modelnest.core.engine.params import EngineParams, GenerationSummary, LoadReport, SamplingParams
from modelnest.core.engine.runtime import RuntimeChoice, fallback_after_failure
from modelnest.core.gguf import read_file
from modelnest.core.messages import Message, Text, msg

_EOF = object()


@dataclass(frozen=True)
class TokenEvent:
    text: str
    n: int  # tokens so far
    t: float  # seconds since the engine received the request


@dataclass(frozen=True)
class ProgressEvent:
    stage: str  # "load" or "prompt"
    fraction: float
    done: int = 0  # prompt tokens read so far (stage "prompt")
    total: int = 0  # prompt tokens to read in all, including those reused from the cache


Event = TokenEvent | ProgressEvent | GenerationSummary


@dataclass(frozen=True)
class Embeddings:
    """One vector per input text, in order, and what it took."""

    vectors: list[list[float]]
    tokens: list[int]  # each input's tokens (special tokens included)
    seconds: float  # measured in the engine, from the request to the last vector
    context: dict[str, Any] | None = None  # the engine's embedding context (n_ctx, pooling, its buffers' bytes)

    @property
    def prompt_tokens(self) -> int:
        return sum(self.tokens)


class CrashLedger:
    """Counts engine crashes per model file so a model that crashed twice is not loaded again automatically."""

    LIMIT = 2

    def __init__(self) -> None:
        self._crashes: dict[str, int] = {}
        self._lock = threading.Lock()

    def record(self, path: str) -> int:
        with self._lock:
            self._crashes[path] = self._crashes.get(path, 0) + 1
            return self._crashes[path]

    def count(self, path: str) -> int:
        return self._crashes.get(path, 0)

    def clear(self, path: str) -> None:
        with self._lock:
            self._crashes.pop(path, None)


LEDGER = CrashLedger()


def event_text(event: dict[str, Any]) -> Text:
    """An engine event's message for people: the Message the engine sent (``msg``), else its English ``message``."""
    sent = event.get("msg")
    if isinstance(sent, dict):
        try:
            return Message.from_json(sent)
        except ValueError:
            pass
    return str(event.get("message"))


class EngineClient:
    """Runs one engine child process. Raises EngineError subclasses; never lets the child's death escape raw."""

    def __init__(
        self,
        *,
        hang_timeout: float = 15.0,
        cancel_grace: float = 3.0,
        log_lines: int = 200,
        env: dict[str, str] | None = None,
        ledger: CrashLedger = LEDGER,
        runtime: RuntimeChoice | None = None,
    ) -> None:
        self.hang_timeout = hang_timeout  # no heartbeat or event for this long: the engine is hung
        self.cancel_grace = cancel_grace  # a cancel not honoured within this: the engine is killed
        self._log: collections.deque[str] = collections.deque(maxlen=log_lines)
        self._env = env
        self._ledger = ledger
        self.runtime = runtime  # which llama.cpp build the child loads (runtime.select_runtime); None: the built-in
        self._proc: subprocess.Popen[bytes] | None = None
        self._events: queue.Queue[Any] = queue.Queue()
        self._write_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._killed_by_us = False
        self._active_id: int | None = None
        self._cancel_sent_at: float | None = None  # when cancel() asked the engine to stop the current request
        self.info: dict[str, Any] = {}
        self.loaded: LoadReport | None = None
        self.warnings: list[Text] = []
        # Death detection. `on_idle_death(error)` is called from the event-reader thread when the engine dies while
        # no request is running (a reply or load notices a death itself); the pipe's end of file arrives at once.
        self.on_idle_death: Any = None
        self.idle_death: EngineError | None = None  # the last such death (also noticed at the next request)
        self.idle_death_noticed_at: float | None = None  # time.monotonic() when its end of file arrived
        self._death_lock = threading.Lock()
        self._death_error: EngineError | None = None  # explained once per process, whoever notices first
        self._closing = False
        self.exit_code: int | None = None  # the last process's, once shut down (negative: killed by that signal)
        self._gpu_layers = 0  # GPU layers requested / offloaded: GPU advice only when this is > 0
        self._memory: tuple[int, int, int | None] | None = None  # (available, total, engine rss) at the last sample
        self._memory_sampled_at = 0.0
        self._oom_kills_at_start: int | None = None

    # ---- process ------------------------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(list(self._log)[-lines:])

    def start(self, timeout: float = 60.0) -> dict[str, Any]:
        """Start the engine child; a GPU build that cannot start is replaced by the CPU build, with the reason."""
        if self.alive:
            return self.info
        try:
            return self._start(timeout)
        except EngineStartError as exc:
            if self.runtime is None or self.runtime.lib_dir is None:
                raise
            self.runtime = fallback_after_failure(self.runtime, exc.explanation)
            self.warnings.append(self.runtime.reason)
            return self._start(timeout)

    def _start(self, timeout: float) -> dict[str, Any]:
        env = dict(os.environ if self._env is None else self._env)
        if self.runtime is not None:
            env = self.runtime.env(env)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self._events = queue.Queue()
        self._log.clear()
        self._killed_by_us = False
        self._closing = False
        self._death_error = None
        self.idle_death = None
        self.idle_death_noticed_at = None
        self._memory = None
        self._oom_kills_at_start = cgroup_oom_kills()
        creationflags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            self._proc = subprocess.Popen(
                engine_command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                creationflags=creationflags,
            )
        except OSError as exc:
            raise EngineStartError(msg("The engine could not be started: {error}.", error=str(exc))) from exc
        threading.Thread(target=self._read_events, args=(self._proc,), daemon=True, name="engine-events").start()
        threading.Thread(target=self._read_log, args=(self._proc,), daemon=True, name="engine-log").start()
        try:
            ready = self._next(timeout=timeout)
        except EngineError as exc:
            raise EngineStartError(exc.explanation, advice=exc.advice, log_tail=exc.log_tail) from exc
        if ready.get("ev") != "ready":
            self.kill()
            raise EngineStartError(msg("The engine answered {event!r} instead of starting.", event=ready.get("ev")))
        self.info = ready
        return ready

    def _read_events(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                event = protocol.decode(line)
            except ValueError:
                self._log.append(f"[unreadable engine message: {line[:200]!r}]")
                continue
            if event.get("ev") == "heartbeat":
                self._sample_memory(proc.pid)
            self._events.put(event)
        self._events.put(_EOF)
        if proc is self._proc and not self._closing and not self._killed_by_us and self._active_id is None:
            self.idle_death_noticed_at = time.monotonic()
            error = self._death()
            self.idle_death = error
            callback = self.on_idle_death
            if callback is not None:
                callback(error)

    def _sample_memory(self, pid: int) -> None:
        """Free memory and the engine's size about once a heartbeat: the evidence if the engine is killed later."""
        now = time.monotonic()
        if now - self._memory_sampled_at < protocol.HEARTBEAT_SECONDS:
            return
        self._memory_sampled_at = now
        try:
            import psutil

            vm = psutil.virtual_memory()
            try:
                rss: int | None = psutil.Process(pid).memory_info().rss
            except psutil.Error:
                rss = None
            self._memory = (int(vm.available), int(vm.total), rss)
        except Exception:  # noqa: BLE001 - evidence only; a failed sample must never disturb the engine
            pass

    def death_evidence(self, pid: int | None) -> DeathEvidence:
        """What is known about memory when the engine died (see errors.DeathEvidence)."""
        kills_now = cgroup_oom_kills()
        kills = None
        if kills_now is not None and self._oom_kills_at_start is not None:
            kills = kills_now - self._oom_kills_at_start
        available, total, rss = self._memory or (None, None, None)
        planned = self.loaded.total_bytes if self.loaded is not None and self.loaded.total_bytes else None
        return DeathEvidence(
            available_before=available, total_memory=total, engine_rss=rss, cgroup_oom_kills=kills,
            kernel_oom=kernel_killed_for_memory(pid) if pid is not None else None,
            planned_bytes=planned, gpu_layers=self._gpu_layers,
        )

    def _read_log(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        for raw in proc.stderr:
            self._log.append(raw.decode("utf-8", errors="replace").rstrip("\n"))

    def _send(self, message: dict[str, Any]) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise EngineStartError(msg("The engine is not running."))
        with self._write_lock:
            try:
                proc.stdin.write(protocol.encode(message))
                proc.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass  # the death shows up as end-of-file on the event stream, with its exit code

    def _death(self) -> EngineError:
        """The engine is gone: wait for its exit code and explain it (once, whichever thread notices first)."""
        with self._death_lock:
            if self._death_error is not None:
                return self._death_error
            proc = self._proc
            code: int | None = None
            if proc is not None:
                try:
                    code = proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    code = proc.wait()
            time.sleep(0.05)  # let the log reader drain the last lines (abort messages come last)
            evidence = self.death_evidence(proc.pid if proc is not None else None)
            error = explain_exit(code, self.log_tail(), killed_by_us=self._killed_by_us, evidence=evidence)
            if self.loaded is not None and not self._killed_by_us:
                self._ledger.record(self.loaded.path)
            self.loaded = None
            self._death_error = error
            return error

    def _next(self, timeout: float | None = None) -> dict[str, Any]:
        """Next meaningful event; heartbeats only prove liveness. Raises on death or silence."""
        limit = self.hang_timeout if timeout is None else timeout
        while True:
            try:
                event = self._events.get(timeout=limit)
            except queue.Empty:
                self.kill()
                self._drain()
                raise EngineHung(
                    msg("The engine showed no sign of life for {seconds:.0f} seconds and was stopped.", seconds=limit),
                    advice=msg("Load the model again; if it keeps happening, try a smaller context or model."),
                    log_tail=self.log_tail(),
                ) from None
            if event is _EOF:
                raise self._death()
            if event.get("ev") == "heartbeat":
                continue
            if event.get("ev") == "warning":
                self.warnings.append(event_text(event))
                continue
            return cast("dict[str, Any]", event)  # the queue holds decoded events and the _EOF marker

    def _drain(self) -> None:
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    def kill(self) -> None:
        """Stop the engine at once (hard kill); used for hangs and ignored cancels."""
        if self._proc is not None and self._proc.poll() is None:
            self._killed_by_us = True
            self._proc.kill()
        self.loaded = None

    def shutdown(self, timeout: float = 5.0) -> None:
        proc = self._proc
        if proc is None:
            return
        self._closing = True  # its end of file is expected: not an idle death
        if proc.poll() is None:
            self._send({"op": "shutdown"})
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                proc.wait()
        self.exit_code = proc.returncode
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        self.loaded = None
        self._proc = None

    def __enter__(self) -> EngineClient:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # ---- requests -----------------------------------------------------------------------------------------
    def system_info(self) -> dict[str, Any]:
        self.start()
        rid = next(self._ids)
        self._send({"op": "system_info", "id": rid})
        return self._expect(rid, "info")

    def _expect(self, rid: int, ev: str, timeout: float | None = None) -> dict[str, Any]:
        while True:
            event = self._next(timeout)
            if event.get("id") not in (rid, None):
                continue  # a late event of an earlier request
            if event.get("ev") == "error":
                raise ModelLoadFailed(str(event.get("message")), log_tail=self.log_tail())
            if event.get("ev") == ev:
                return event

    def load(
        self,
        path: str | Path,
        params: EngineParams,
        *,
        force: bool = False,
        on_progress: Any = None,
    ) -> LoadReport:
        """Validate the file, then load it with exactly `params`. `on_progress(fraction)` is called from here."""
        path = str(Path(path).resolve())
        read_file(path)  # raises GGUFError before any engine sees a bad file
        if not force and self._ledger.count(path) >= CrashLedger.LIMIT:
            raise ModelRefused(
                msg("This model crashed the engine twice, so it is not loaded again automatically."),
                advice=msg("Check the settings (context, GPU layers) and load it again yourself."),
            )
        self.warnings = []
        self.start()
        # A build without GPU offload runs every layer on the CPU whatever was asked.
        self._gpu_layers = params.n_gpu_layers if self.info.get("gpu_offload") else 0
        rid = next(self._ids)
        self._active_id = rid
        self._send({"op": "load", "id": rid, "path": path, "params": params.to_dict()})
        try:
            while True:
                event = self._next()
                if event.get("id") not in (rid, None):
                    continue
                kind = event.get("ev")
                if kind == "progress" and on_progress is not None:
                    on_progress(float(event.get("fraction", 0.0)))
                elif kind == "error":
                    # Memory advice only when llama.cpp's log of this load says an allocation failed: a file it
                    # rejects as malformed gets no "smaller context" advice and no step-down.
                    memory = event.get("kind") == "load_failed" and bool(event.get("memory"))
                    failed = ModelLoadFailed(
                        msg("The model could not be loaded: {reason}.", reason=event_text(event)),
                        advice=(msg("Try a smaller context length or fewer GPU layers.") if self._gpu_layers > 0
                                else msg("Try a smaller context length or a smaller quantization of the model."))
                        if memory else (
                            msg("The file may be damaged or made for a newer llama.cpp; download it again or try "
                                "another file of this model.") if event.get("kind") == "load_failed" else ""
                        ),
                        log_tail=self.log_tail(),
                    )
                    failed.about_memory = memory
                    raise failed
                elif kind == "loaded":
                    self.loaded = LoadReport.from_dict(event["report"])
                    self._gpu_layers = self.loaded.gpu_layers_offloaded
                    return self.loaded
        finally:
            self._active_id = None

    def unload(self) -> None:
        if not self.alive:
            self.loaded = None
            return
        rid = next(self._ids)
        self._send({"op": "unload", "id": rid})
        self._expect(rid, "unloaded")
        self.loaded = None

    def cancel(self) -> None:
        """Stop the current load or generation; callable from any thread. Honoured within one token."""
        rid = self._active_id
        if rid is not None:
            self._send({"op": "cancel", "id": rid})
            self._cancel_sent_at = time.monotonic()

    def generate(
        self,
        messages: Sequence[dict[str, str]] | None = None,
        sampling: SamplingParams | None = None,
        *,
        prompt: str | None = None,
    ) -> Iterator[Event]:
        """Stream a reply: TokenEvent / ProgressEvent items, then one GenerationSummary."""
        if self.loaded is None:
            if self.idle_death is not None:
                raise self.idle_death  # it died between requests: say why, not just "no model"
            raise GenerationFailed(msg("No model is loaded."))
        rid = next(self._ids)
        request: dict[str, Any] = {"op": "generate", "id": rid, "sampling": (sampling or SamplingParams()).to_dict()}
        if prompt is not None:
            request["prompt"] = prompt
        else:
            request["messages"] = list(messages or [])
        self._cancel_sent_at = None
        self._active_id = rid
        self._send(request)
        try:
            while True:
                event = self._next_or_force_stop()
                if event.get("id") != rid:
                    continue
                kind = event.get("ev")
                if kind == "token":
                    yield TokenEvent(str(event["text"]), int(event["n"]), float(event["t"]))
                elif kind == "progress":
                    total = max(1, int(event.get("total", 1)))
                    done = int(event.get("done", 0))
                    yield ProgressEvent(str(event.get("stage")), done / total, done, total)
                elif kind == "done":
                    yield GenerationSummary.from_dict(event["summary"])
                    return
                elif kind == "error":
                    if event.get("kind") == "context_full":
                        raise ContextFull(event_text(event), tokens=int(event.get("tokens", 0)),
                                          n_ctx=int(event.get("n_ctx", 0)), log_tail=self.log_tail())
                    raise GenerationFailed(event_text(event), log_tail=self.log_tail())
        finally:
            self._active_id = None

    def embed(self, texts: Sequence[str], *, normalize: bool = True) -> Embeddings:
        """One embedding per text (pooled over its tokens; L2-normalised unless ``normalize`` is false).

        The engine makes a second, small context for embeddings at the first call and keeps it until the model
        is unloaded. ``cancel()`` stops it from another thread (EmbeddingCancelled)."""
        if self.loaded is None:
            if self.idle_death is not None:
                raise self.idle_death
            raise EmbeddingFailed(msg("No model is loaded."))
        rid = next(self._ids)
        self._cancel_sent_at = None
        self._active_id = rid
        self._send({"op": "embed", "id": rid, "texts": list(texts), "normalize": normalize})
        try:
            while True:
                event = self._next_or_force_stop()
                if event.get("id") != rid:
                    continue
                kind = event.get("ev")
                if kind == "embedded":
                    n = int(event["n_embd"])
                    raw = base64.b64decode(event["vectors"])
                    flat = struct.unpack(f"<{len(raw) // 4}f", raw)
                    vectors = [list(flat[i : i + n]) for i in range(0, len(flat), n)]
                    return Embeddings(vectors, [int(t) for t in event["tokens"]], float(event.get("seconds", 0.0)),
                                      event.get("context"))
                if kind == "error":
                    raise self._embed_error(event)
        finally:
            self._active_id = None

    def _next_or_force_stop(self) -> dict[str, Any]:
        """The next event; a cancel the engine does not honour within ``cancel_grace`` kills it."""
        timeout = self.hang_timeout
        if self._cancel_sent_at is not None:
            timeout = max(0.05, self.cancel_grace - (time.monotonic() - self._cancel_sent_at))
        try:
            return self._next(timeout)
        except EngineHung:
            if self._cancel_sent_at is not None:
                raise EngineHung(
                    msg("The engine did not stop when asked, so it was stopped by force."),
                    advice=msg("Load the model again."),
                    log_tail=self.log_tail(),
                ) from None
            raise

    def _embed_error(self, event: dict[str, Any]) -> EngineError:
        reason = event_text(event)
        kind = event.get("kind")
        if kind == "embed_unsupported":
            return EmbeddingUnsupported(msg("This model cannot compute embeddings: {reason}.", reason=reason),
                                        reason=reason, log_tail=self.log_tail())
        if kind == "embed_input":
            return EmbeddingInputInvalid(msg("No embeddings were computed: {reason}.", reason=reason),
                                         index=int(event.get("index", 0)), tokens=int(event.get("tokens", 0)),
                                         limit=int(event.get("limit", 0)))
        if kind == "cancelled":
            return EmbeddingCancelled(msg("Computing embeddings was cancelled."))
        failed = EmbeddingFailed(
            msg("Embeddings could not be computed: {reason}.", reason=reason),
            advice=memory_advice(self._gpu_layers) if kind == "embed_memory" else "",
            log_tail=self.log_tail(),
        )
        failed.about_memory = kind == "embed_memory"
        return failed

    def count_tokens(self, messages: Sequence[dict[str, str]]) -> int:
        """How many tokens ``messages`` take with the loaded model's chat template (no decoding; milliseconds)."""
        if self.loaded is None:
            if self.idle_death is not None:
                raise self.idle_death
            raise GenerationFailed(msg("No model is loaded."))
        rid = next(self._ids)
        self._send({"op": "count", "id": rid, "messages": list(messages)})
        while True:
            event = self._next()
            if event.get("id") != rid:
                continue
            if event.get("ev") == "error":
                raise GenerationFailed(event_text(event), log_tail=self.log_tail())
            if event.get("ev") == "count":
                return int(event["tokens"])

    def run(
        self, messages: Sequence[dict[str, str]] | None = None, sampling: SamplingParams | None = None, **kw: Any
    ) -> GenerationSummary:
        """Generate to the end and return the summary (the CLI's one-shot mode)."""
        summary: GenerationSummary | None = None
        for event in self.generate(messages, sampling, **kw):
            if isinstance(event, GenerationSummary):
                summary = event
        assert summary is not None
        return summary


def default_threads() -> int:
    """Physical cores (llama.cpp decode is memory-bound; hyper-threads do not help); the planner refines this."""
    try:
        import psutil

        return max(1, psutil.cpu_count(logical=False) or os.cpu_count() or 1)
    except Exception:  # noqa: BLE001
        return max(1, (os.cpu_count() or 2) // 2)


__all__ = [
    "CrashLedger",
    "Embeddings",
    "EngineClient",
    "Event",
    "ProgressEvent",
    "TokenEvent",
    "default_threads",
]
