"""The parent's side of the template render process: one reused process, each render timed and watched from outside.

Why a process and not a limit inside the renderer: a trace hook that raises on a deadline can be switched off by
the template (Jinja code that reaches a Python call under ``try/except Exception`` swallows the exception and
CPython then drops the hook), and a memory check inside Python cannot stop one C call that allocates gigabytes.
Here the wall-clock limit is the parent killing the process, and the memory limit is the process's own
address-space limit (set before it reads a template) plus the parent killing it when its resident size passes
the budget (the only memory limit on Windows, where the standard library offers no job objects, and on macOS,
which does not enforce RLIMIT_AS; there a fast allocation can overshoot by what it touches between two polls).

The process is started once and reused (start-up costs ~0.1–0.3 s, a render round trip well under a
millisecond plus the render itself); after a kill the next render starts a fresh one.
"""

from __future__ import annotations

import atexit
import itertools
import json
import queue
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from modelnest.core.engine.launch import template_worker_command
from modelnest.core.engine.template_worker import hwm_bytes
from modelnest.core.engine.templates import (
    COMPILE_SECONDS,
    MAX_OUTPUT_CHARS,
    MEMORY_BYTES,
    RENDER_SECONDS,
    TemplateRejected,
)
from modelnest.core.messages import Message, msg

if TYPE_CHECKING:
    from modelnest.core.engine.templates import ChatTemplate

MIB = 1024 * 1024
START_SECONDS = 30.0  # a busy machine; the start is not counted against any template
POLL_SECONDS = 0.01  # how often the parent looks at the render process's memory while it waits


@dataclass(frozen=True)
class RenderStats:
    """What the last render cost: wall-clock seconds, the render process's peak resident size, the outcome."""

    seconds: float
    peak_rss_bytes: int
    outcome: str  # ok | compile | unsafe | failed | output | memory | timeout | crashed | unavailable


def _pump(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    try:
        for line in stream:
            lines.put(line)
    except (OSError, ValueError):
        pass
    lines.put(None)


class TemplateSandbox:
    """Renders untrusted templates in a child process under a wall-clock and a memory limit."""

    def __init__(
        self,
        *,
        render_seconds: float = RENDER_SECONDS,
        compile_seconds: float = COMPILE_SECONDS,
        memory_bytes: int = MEMORY_BYTES,
        start_seconds: float = START_SECONDS,
    ) -> None:
        self.render_seconds = render_seconds
        self.compile_seconds = compile_seconds
        self.memory_bytes = memory_bytes
        self.start_seconds = start_seconds
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._known: set[str] = set()  # template keys the current process has compiled
        self._rss_limit = 0
        self._ids = itertools.count(1)
        self.starts = 0  # processes started so far (reuse is visible to tests and benchmarks)
        self.last: RenderStats | None = None

    # ---- process ------------------------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def _start(self) -> None:
        creationflags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        try:
            proc = subprocess.Popen(
                [*template_worker_command(), str(self.memory_bytes)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # a hostile template must not flood the engine's log
                creationflags=creationflags,
            )
        except (OSError, ValueError) as exc:
            raise TemplateRejected(_unavailable(str(exc)), hostile=True) from exc
        assert proc.stdout is not None
        lines: queue.Queue[bytes | None] = queue.Queue()
        self._proc, self._lines, self._known = proc, lines, set()
        try:
            threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True, name="template-answers").start()
        except RuntimeError as exc:  # "can't start new thread": an engine at its memory limit
            self._reap(kill=True)
            raise TemplateRejected(_unavailable(str(exc)), hostile=True) from exc
        self.starts += 1
        try:
            line = lines.get(timeout=self.start_seconds)
            ready = json.loads(line) if line else None
        except (queue.Empty, ValueError):
            ready = None
        if not isinstance(ready, dict) or ready.get("ev") != "ready":
            self._reap(kill=True)
            raise TemplateRejected(_unavailable(f"no answer within {self.start_seconds:g} s"), hostile=True)
        self._rss_limit = _rss(proc.pid) + self.memory_bytes

    def _reap(self, *, kill: bool) -> int:
        """Stop (if asked) and wait for the process; returns its peak resident size where the OS tells."""
        proc, self._proc, self._known = self._proc, None, set()
        if proc is None:
            return 0
        peak = hwm_bytes(proc.pid)  # read before the kill: a dead process has no status to read
        if kill and proc.poll() is None:
            proc.kill()
        try:
            proc.wait(timeout=5.0)
        except subprocess.TimeoutExpired:  # it said it would exit and did not
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        return peak

    def close(self) -> None:
        """End the render process (it exits when its input closes; killed if it does not within a second)."""
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            if proc.stdin is not None:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                pass
            self._reap(kill=True)

    # ---- rendering ----------------------------------------------------------------------------------------
    def render(self, template: ChatTemplate, messages: Sequence[dict[str, Any]], add_generation_prompt: bool) -> str:
        """The rendered prompt; TemplateRejected when the template fails, is refused, or hits a limit."""
        with self._lock:
            return self._render(template, messages, add_generation_prompt)

    def _render(self, template: ChatTemplate, messages: Sequence[dict[str, Any]], add_generation_prompt: bool) -> str:
        if self._proc is None or self._proc.poll() is not None:
            if self._proc is not None:
                self._reap(kill=False)  # died between renders (killed from outside): start afresh
            self._start()
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        rid = next(self._ids)
        request: dict[str, Any] = {
            "id": rid,
            "key": template.key,
            "messages": list(messages),
            "add_generation_prompt": add_generation_prompt,
            "bos": template.bos_token,
            "eos": template.eos_token,
        }
        limit = self.render_seconds
        if template.key not in self._known:
            request["source"] = template.source
            limit += self.compile_seconds
        try:
            data = (json.dumps(request) + "\n").encode("ascii")
        except (TypeError, ValueError) as exc:
            raise TemplateRejected(msg("the conversation cannot be passed to the chat template ({error})",
                                       error=str(exc))) from exc
        start = time.monotonic()
        try:
            proc.stdin.write(data)
            proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the death shows up as the end of its answers
        peak_seen = 0
        while True:
            remaining = start + limit - time.monotonic()
            if remaining <= 0:
                peak = max(self._reap(kill=True), peak_seen)
                self.last = RenderStats(time.monotonic() - start, peak, "timeout")
                raise TemplateRejected(
                    msg("the chat template took longer than {seconds:g} seconds to render", seconds=limit),
                    hostile=True,
                )
            try:
                line = self._lines.get(timeout=min(POLL_SECONDS, remaining))
            except queue.Empty:
                rss = _rss(proc.pid)
                peak_seen = max(peak_seen, rss, hwm_bytes(proc.pid))
                if rss > self._rss_limit:
                    peak = max(self._reap(kill=True), peak_seen)
                    self.last = RenderStats(time.monotonic() - start, peak, "memory")
                    raise TemplateRejected(_too_much_memory(self.memory_bytes), hostile=True) from None
                continue
            if line is None:
                code = proc.poll()
                peak = max(self._reap(kill=True), peak_seen)
                self.last = RenderStats(time.monotonic() - start, peak, "crashed")
                raise TemplateRejected(
                    msg("the chat template crashed the process that renders it (exit code {code})",
                        code=proc.returncode if code is None else code),
                    hostile=True,
                )
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            if isinstance(answer, dict) and answer.get("id") == rid:
                break
        elapsed = time.monotonic() - start
        reason = str(answer.get("reason", "ok")) if not answer.get("ok") else "ok"
        peak = max(int(answer.get("peak_rss") or 0), peak_seen)
        if reason != "compile":
            self._known.add(template.key)
        if reason == "memory":
            peak = max(self._reap(kill=False), peak)  # it exits by itself after a memory failure
        self.last = RenderStats(elapsed, peak, reason)
        if reason == "ok":
            text = answer.get("text")
            if not isinstance(text, str) or len(text) > MAX_OUTPUT_CHARS:
                raise TemplateRejected(_too_long(), hostile=True)
            return text
        detail = str(answer.get("detail", ""))
        if reason == "memory":
            raise TemplateRejected(_too_much_memory(self.memory_bytes), hostile=True)
        if reason == "output":
            raise TemplateRejected(_too_long(), hostile=True)
        if reason == "compile":
            raise TemplateRejected(msg("the chat template does not compile ({error})", error=detail))
        if reason == "unsafe":
            raise TemplateRejected(msg("the chat template tried something unsafe ({error})", error=detail))
        raise TemplateRejected(msg("the chat template failed ({error})", error=detail))


def _rss(pid: int) -> int:
    try:
        import psutil

        return int(psutil.Process(pid).memory_info().rss)
    except Exception:  # noqa: BLE001 - gone or not allowed: the end of its answers or the clock decide then
        return 0


def _unavailable(error: str) -> Message:
    return msg("the process that renders chat templates safely could not be started ({error})", error=error)


def _too_much_memory(budget: int) -> Message:
    return msg("the chat template needed more than {mib} MiB of memory to render", mib=budget // MIB)


def _too_long() -> Message:
    return msg("the chat template produced more than {limit} characters", limit=MAX_OUTPUT_CHARS)


_SHARED: TemplateSandbox | None = None
_SHARED_LOCK = threading.Lock()


def shared_sandbox() -> TemplateSandbox:
    """The process-wide sandbox (one render process per engine), started on first use."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = TemplateSandbox()
            atexit.register(_SHARED.close)
        return _SHARED
