"""Typed engine failures with plain-language explanations, and the mapping from exit codes to causes.

    EngineError                 base: `explanation` (what happened), `advice` (what to try), `log_tail`
    ├── EngineStartError        the engine process could not start
    ├── EngineCrashed           the process died (abort, illegal instruction, memory fault, killed)
    │   └── EngineOutOfMemory   ... and the evidence says memory ran out
    ├── EngineHung              no sign of life; it was stopped
    ├── ModelLoadFailed         llama.cpp refused the file or parameters (the process is fine)
    ├── GenerationFailed        a reply could not be produced (template error ...)
    │   └── ContextFull         the conversation is longer than the context (the chat's policy should prevent it)
    ├── EmbeddingFailed         embeddings could not be computed (cancelled, llama.cpp failed, no memory)
    │   ├── EmbeddingCancelled  cancel() stopped it
    │   ├── EmbeddingUnsupported  this model gives no embeddings (recurrent, reranker, llama.cpp refused)
    │   └── EmbeddingInputInvalid an input is empty or longer than the embedding limit (``index``, ``tokens``)
    └── ModelRefused            this model crashed the engine twice; not loaded again automatically
"""

from __future__ import annotations

import os
import re
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from modelnest.core.errors import ModelNestError
from modelnest.core.messages import Message, Text, msg
from modelnest.core.units import format_bytes

MEMORY_ADVICE = msg("Try fewer GPU layers, a smaller context length, or a smaller quantization of the model.")
# Without GPU layers "fewer GPU layers" is advice the user cannot follow.
CPU_MEMORY_ADVICE = msg("Try a smaller context length or a smaller quantization of the model, or close other "
                        "programs that use a lot of memory.")


def memory_advice(gpu_layers: int) -> Message:
    """What to try after running out of memory: GPU layers are mentioned only when some were in use."""
    return MEMORY_ADVICE if gpu_layers > 0 else CPU_MEMORY_ADVICE


class EngineError(ModelNestError):
    """``explanation`` and ``advice`` are Messages (or plain text); ``str(err)`` is both, in English."""

    kind = "engine_error"
    about_memory = False  # set when the evidence says memory ran out (the loader steps down only then)

    def __init__(
        self, explanation: Text, *, advice: Text = "", log_tail: str = "", exit_code: int | None = None
    ) -> None:
        super().__init__(
            msg("{explanation} {advice}", explanation=explanation, advice=advice) if advice else explanation
        )
        self.explanation: Text = explanation
        self.advice: Text = advice
        self.log_tail = log_tail
        self.exit_code = exit_code


class EngineStartError(EngineError):
    kind = "start_failed"


class EngineCrashed(EngineError):
    kind = "crashed"


class EngineOutOfMemory(EngineCrashed):
    kind = "out_of_memory"


class EngineHung(EngineError):
    kind = "hung"


class ModelLoadFailed(EngineError):
    kind = "load_failed"


class GenerationFailed(EngineError):
    kind = "generation_failed"


class ContextFull(GenerationFailed):
    """The conversation does not fit the loaded context; the engine itself is fine."""

    kind = "context_full"

    def __init__(self, explanation: Text, *, tokens: int, n_ctx: int, log_tail: str = "") -> None:
        super().__init__(explanation, log_tail=log_tail)
        self.tokens = tokens
        self.n_ctx = n_ctx


class EmbeddingFailed(EngineError):
    kind = "embedding_failed"


class EmbeddingCancelled(EmbeddingFailed):
    kind = "embedding_cancelled"


class EmbeddingUnsupported(EmbeddingFailed):
    """The loaded model cannot give embeddings here; ``reason`` says why (the engine itself is fine)."""

    kind = "embedding_unsupported"

    def __init__(self, explanation: Text, *, reason: Text = "", log_tail: str = "") -> None:
        super().__init__(explanation, log_tail=log_tail)
        self.reason = reason


class EmbeddingInputInvalid(EmbeddingFailed):
    """Input ``index`` is empty or has more than ``limit`` tokens; nothing was computed."""

    kind = "embedding_input"

    def __init__(self, explanation: Text, *, index: int, tokens: int, limit: int) -> None:
        super().__init__(explanation)
        self.index = index
        self.tokens = tokens
        self.limit = limit


class ModelRefused(EngineError):
    kind = "refused"


_OOM_MARKERS = (
    "out of memory",
    "cannot allocate memory",  # ENOMEM's text (mmap, malloc under an address-space limit)
    "failed to allocate",
    "insufficient memory",
    "cudaMalloc failed",
    "unable to allocate",
    "std::bad_alloc",
    "ErrorOutOfDeviceMemory",
)


def mentions_memory(log_text: str) -> bool:
    """Whether llama.cpp's log says an allocation failed: only then is memory advice (or a step-down) right."""
    lowered = log_text.lower()
    return any(marker.lower() in lowered for marker in _OOM_MARKERS)

# ---- evidence about a death ---------------------------------------------------------------------------------
LOW_MEMORY_FRACTION = 0.05  # "memory ran out" needs less than this share of RAM free (or LOW_MEMORY_BYTES) ...
LOW_MEMORY_BYTES = 256 * 1024**2  # ... just before the death


@dataclass(frozen=True)
class DeathEvidence:
    """What the parent knew when the engine died; ``explain_exit`` blames memory only when this says so.

    None means "could not be read here" (no psutil sample yet, cgroup or kernel log not readable)."""

    available_before: int | None = None  # bytes of memory available at the last sample before the death
    total_memory: int | None = None
    engine_rss: int | None = None  # the engine's resident memory at that sample
    cgroup_oom_kills: int | None = None  # out-of-memory kills the cgroup counted since the engine started
    kernel_oom: bool | None = None  # the kernel log records killing this process for memory
    planned_bytes: int | None = None  # what llama.cpp allocated (or the plan said) for the loaded model
    gpu_layers: int = 0  # layers on a GPU: only then is GPU advice given

    def memory_reason(self) -> Message | None:
        """The evidence that memory ran out, in words; None when there is none."""
        if self.cgroup_oom_kills:
            return msg("the system's memory controller recorded {count} out-of-memory kill(s)",
                       count=self.cgroup_oom_kills)
        if self.kernel_oom:
            return msg("the kernel log records that it killed the engine for lack of memory")
        if self.available_before is not None:
            low = max(LOW_MEMORY_BYTES, int((self.total_memory or 0) * LOW_MEMORY_FRACTION))
            if self.available_before < low:
                return msg("only {free} of memory was free just before", free=format_bytes(self.available_before))
            if self.planned_bytes is not None and self.planned_bytes > self.available_before + (self.engine_rss or 0):
                return msg("the model needs {need}, more than the {free} that was free",
                           need=format_bytes(self.planned_bytes), free=format_bytes(self.available_before))
        return None


def _cgroup_files() -> list[Path]:
    """This process's memory cgroup counters, v2 (memory.events) and v1 (memory.oom_control), most specific first."""
    root = Path("/sys/fs/cgroup")
    found: list[Path] = []
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        _, controllers, path = [*line.split(":", 2), "", ""][:3]
        rel = path.lstrip("/")
        if controllers == "":
            found.append(root / rel / "memory.events")
        elif "memory" in controllers.split(","):
            found.append(root / "memory" / rel / "memory.oom_control")
    # Inside a container the cgroup path is often not mounted under its own name: the namespace root is.
    found += [root / "memory.events", root / "memory" / "memory.oom_control"]
    return found


def cgroup_oom_kills() -> int | None:
    """The memory cgroup's oom_kill counter, or None where no cgroup file is readable (macOS, Windows, ...)."""
    if not sys.platform.startswith("linux"):
        return None
    for path in _cgroup_files():
        try:
            text = path.read_text()
        except OSError:
            continue
        match = re.search(r"^oom_kill (\d+)$", text, re.MULTILINE)
        if match:
            return int(match.group(1))
    return None


def kernel_killed_for_memory(pid: int) -> bool | None:
    """Whether the kernel log (/dev/kmsg) records an OOM kill of ``pid``; None if the log cannot be read."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    pattern = re.compile(rf"(Killed process {pid}\b|oom-kill:.*\bpid={pid}\b)")
    try:
        for _ in range(200_000):  # one record per read; the ring buffer holds far fewer
            try:
                record = os.read(fd, 8192)
            except BlockingIOError:
                break
            except OSError:  # EPIPE: records were overwritten while reading; go on with the next
                continue
            if not record:
                break
            if pattern.search(record.decode("utf-8", errors="replace")):
                return True
        return False
    finally:
        os.close(fd)


# Windows NTSTATUS codes, as unsigned 32-bit values (Python may report them signed or as 64-bit unsigned).
_WINDOWS_CODES = {
    0xC0000409: "abort",  # STATUS_STACK_BUFFER_OVERRUN: __fastfail, what abort() becomes on modern Windows
    0xC000001D: "illegal_instruction",
    0xC0000005: "memory_fault",
    0xC00000FD: "stack_overflow",
    0xC0000017: "out_of_memory",  # STATUS_NO_MEMORY
}


def _signal_of(exit_code: int) -> str | None:
    """Which fatal cause an exit code stands for, on any OS; None for an ordinary exit status."""
    if sys.platform == "win32" or exit_code > 255 or exit_code < -64:
        code = exit_code & 0xFFFFFFFF
        if code in _WINDOWS_CODES:
            return _WINDOWS_CODES[code]
        if exit_code == 3:  # MSVC abort() without fast-fail
            return "abort"
        return None
    if exit_code >= 0:
        return None
    sig = -exit_code
    return {
        signal.SIGABRT: "abort",
        signal.SIGILL: "illegal_instruction",
        signal.SIGSEGV: "memory_fault",
        getattr(signal, "SIGBUS", -1): "memory_fault",
        signal.SIGFPE: "arithmetic_fault",
        getattr(signal, "SIGKILL", -1): "killed",
        signal.SIGTERM: "terminated",
    }.get(sig, f"signal_{sig}")


def explain_exit(
    exit_code: int | None, log_tail: str, *, killed_by_us: bool = False, evidence: DeathEvidence | None = None
) -> EngineError:
    """Turn how the engine process ended into the error the user sees.

    A SIGKILL nobody in ModelNest sent is blamed on memory only when ``evidence`` shows memory ran out;
    otherwise it says the engine was stopped from outside (a task manager, ``kill -9``)."""
    evidence = evidence or DeathEvidence()
    advice_for_memory = memory_advice(evidence.gpu_layers)
    tail_lower = log_tail.lower()
    oom_in_log = any(marker.lower() in tail_lower for marker in _OOM_MARKERS)
    cause = _signal_of(exit_code) if exit_code is not None else None

    def sentence(what: Message) -> Message:
        """`what` as a sentence, with the exit code when there is one."""
        if exit_code is None:
            return msg("{what}.", what=what)
        return msg("{what} (exit code {code}).", what=what, code=exit_code)

    again = msg("Load the model again.")
    if oom_in_log or cause == "out_of_memory":
        return EngineOutOfMemory(
            sentence(msg("The engine ran out of memory")), advice=advice_for_memory, log_tail=log_tail,
            exit_code=exit_code,
        )
    if cause == "killed" and not killed_by_us:
        reason = evidence.memory_reason()
        if reason is not None:
            return EngineOutOfMemory(
                sentence(msg("The engine was killed by the operating system because the computer ran out of "
                             "memory: {reason}", reason=reason)),
                advice=advice_for_memory, log_tail=log_tail, exit_code=exit_code,
            )
        if evidence.available_before is not None:
            advice = msg("{free} of memory was free just before, so lack of memory is not the likely cause. "
                         "Load the model again.", free=format_bytes(evidence.available_before))
        else:
            advice = again
        return EngineCrashed(
            sentence(msg("The engine was stopped from outside ModelNest (by another program, a task manager or "
                         "the kill command)")),
            advice=advice, log_tail=log_tail, exit_code=exit_code,
        )
    messages = {
        "abort": (
            msg("llama.cpp stopped itself because something was wrong (an internal check failed), often a model "
                "file or a setting it cannot handle"),
            msg("Look at the details below; try another quantization or file of this model, or a smaller context."),
        ),
        "illegal_instruction": (
            msg("The engine used a processor instruction this CPU does not support"),
            msg("This build of the engine does not match your processor; install the build for your computer."),
        ),
        "memory_fault": (
            msg("The engine crashed with a memory access error, often caused by a damaged model file or a bug in "
                "llama.cpp"),
            msg("Try downloading the model again, or another quantization of it."),
        ),
        "stack_overflow": (
            msg("The engine crashed with a stack overflow"), msg("Try a smaller context or another model file.")
        ),
        "arithmetic_fault": (msg("The engine crashed with an arithmetic error"), msg("Try another model file.")),
        "terminated": (msg("The engine was stopped by another program"), again),
        "killed": (msg("The engine was stopped because it did not respond"), again),
    }
    if cause in messages:
        text, advice = messages[cause]
        return EngineCrashed(sentence(text), advice=advice, log_tail=log_tail, exit_code=exit_code)
    if cause is not None:
        return EngineCrashed(
            sentence(msg("The engine stopped unexpectedly ({cause})", cause=cause)),
            advice=again,
            log_tail=log_tail,
            exit_code=exit_code,
        )
    return EngineCrashed(
        sentence(msg("The engine stopped unexpectedly")), advice=again, log_tail=log_tail, exit_code=exit_code,
    )
