"""Typed engine failures with plain-language explanations, and the mapping from exit codes to causes.

    EngineError                 base: `explanation` (what happened), `advice` (what to try), `log_tail`
    ├── EngineStartError        the engine process could not start
    ├── EngineCrashed           the process died (abort, illegal instruction, memory fault, killed)
    │   └── EngineOutOfMemory   ... and the evidence says memory ran out
    ├── EngineHung              no sign of life; it was stopped
    ├── ModelLoadFailed         llama.cpp refused the file or parameters (the process is fine)
    ├── GenerationFailed        a reply could not be produced (context full, template error ...)
    └── ModelRefused            this model crashed the engine twice; not loaded again automatically
"""

from __future__ import annotations

import signal
import sys

from modelnest.core.errors import ModelNestError
from modelnest.core.messages import Message, Text, msg

MEMORY_ADVICE = msg("Try fewer GPU layers, a smaller context length, or a smaller quantization of the model.")


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


def explain_exit(exit_code: int | None, log_tail: str, *, killed_by_us: bool = False) -> EngineError:
    """Turn how the engine process ended into the error the user sees."""
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
            sentence(msg("The engine ran out of memory")), advice=MEMORY_ADVICE, log_tail=log_tail,
            exit_code=exit_code,
        )
    if cause == "killed" and not killed_by_us:
        return EngineOutOfMemory(
            sentence(msg(
                "The engine was killed by the operating system, most likely because the computer ran out of memory"
            )),
            advice=MEMORY_ADVICE,
            log_tail=log_tail,
            exit_code=exit_code,
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
