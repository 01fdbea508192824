"""The render process for untrusted chat templates: compiles and renders under a memory limit, one request a line.

Started by template_sandbox.py (`python -m modelnest.core.engine.template_worker`, or the frozen app's
`__template__` subcommand). It limits its own address space before reading any template (Linux/BSD; macOS does
not enforce RLIMIT_AS and Windows has no rlimits: there the parent's watch on its resident size is the memory
limit), and the parent kills it when a render takes too long, so nothing a template does inside this process
can lift either limit. A thread exits the process if the parent goes away while a render is still running.

Requests:  {"id", "key", "source" (first use of a key only), "messages", "add_generation_prompt", "bos", "eos"}
Responses: {"ev": "ready", "pid", "base_bytes"} once, then {"id", "ok": true, "text", "peak_rss"} or
           {"id", "ok": false, "reason": compile|unsafe|failed|output|memory|protocol, "detail", "peak_rss"}.
After a "memory" answer the process exits: its heap may be left fragmented at the limit.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import threading
import time
from typing import Any, BinaryIO

DETAIL_CHARS = 200  # the template chooses its own error text; keep what reaches a warning short


def _vm_bytes() -> int:
    """This process's current address-space size (what RLIMIT_AS counts)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        import psutil

        return int(psutil.Process().memory_info().vms)


def hwm_bytes(pid: int | str = "self") -> int:
    """Linux: the peak resident size of a process since its exec (VmHWM); 0 elsewhere or if it is gone.

    Not getrusage's ru_maxrss: that also counts the parent's pages the process held between fork and exec."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def peak_rss_bytes() -> int:
    """Peak resident size of this process so far (0 where the OS does not say)."""
    if sys.platform.startswith("linux"):
        return hwm_bytes()
    try:
        import resource
    except ImportError:  # Windows
        try:
            import psutil

            return int(getattr(psutil.Process().memory_info(), "peak_wset", 0))
        except Exception:  # noqa: BLE001 - a statistic only
            return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)  # macOS reports bytes, Linux KiB


def limit_memory(budget: int) -> int:
    """Cap the address space at its current size + `budget`; returns the cap, or 0 where none was set."""
    if sys.platform in ("win32", "darwin"):
        return 0
    try:
        import resource

        cap = _vm_bytes() + budget
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        return cap
    except (ImportError, OSError, ValueError):
        return 0


def _watch_parent(parent: int) -> None:
    """Exit when the parent is gone, even in the middle of a render (stdin's end is only seen between them)."""
    while True:
        time.sleep(0.5)
        if os.name == "posix" and os.getppid() != parent:
            os._exit(0)
        if os.name != "posix":
            import psutil

            if not psutil.pid_exists(parent):
                os._exit(0)


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 1] + "…"


def serve(stdin: BinaryIO, out: BinaryIO, budget: int) -> None:
    from jinja2 import Template, TemplateError
    from jinja2.exceptions import SecurityError

    from modelnest.core.engine.templates import OutputTooLarge, compile_source, render_compiled

    cap = limit_memory(budget)
    compiled: dict[str, Template] = {}

    def send(message: dict[str, Any]) -> None:
        # ASCII JSON: a lone surrogate (a tokenizer split mid-character) survives the pipe as an escape.
        out.write((json.dumps(message) + "\n").encode("ascii"))
        out.flush()

    send({"ev": "ready", "pid": os.getpid(), "base_bytes": _vm_bytes(), "cap_bytes": cap})
    for line in stdin:
        answer: dict[str, Any]
        rid: Any = None
        exit_after = False
        try:
            request = json.loads(line)
            rid = request.get("id")
            key = str(request["key"])
            template = compiled.get(key)
            if template is None:
                try:
                    template = compile_source(str(request["source"]))
                except MemoryError:
                    raise
                except (TemplateError, SyntaxError, RecursionError, ValueError, OverflowError, TypeError) as exc:
                    answer = {"ok": False, "reason": "compile", "detail": _short(exc)}
                    template = None
                else:
                    compiled[key] = template
            if template is not None:
                text = render_compiled(
                    template,
                    list(request.get("messages") or []),
                    bool(request.get("add_generation_prompt", True)),
                    str(request.get("bos", "")),
                    str(request.get("eos", "")),
                )
                answer = {"ok": True, "text": text}
        except MemoryError:
            # Drop whatever the render built before answering; then leave, so the next template starts clean.
            answer, exit_after = {"ok": False, "reason": "memory", "detail": ""}, True
        except OutputTooLarge:
            answer = {"ok": False, "reason": "output", "detail": ""}
        except SecurityError as exc:
            answer = {"ok": False, "reason": "unsafe", "detail": _short(exc)}
        except (KeyError, ValueError, TypeError) as exc:
            if rid is None:
                answer = {"ok": False, "reason": "protocol", "detail": _short(exc)}
            else:
                answer = {"ok": False, "reason": "failed", "detail": _short(exc)}
        except Exception as exc:  # noqa: BLE001 - whatever untrusted code raises only means "not usable"
            answer = {"ok": False, "reason": "failed", "detail": _short(exc)}
        if not answer["ok"]:
            gc.collect()  # a failed render may leave cycles holding what it built
        answer["id"] = rid
        answer["peak_rss"] = peak_rss_bytes()
        try:
            send(answer)
        except MemoryError:
            os._exit(3)  # the parent sees the end of the stream and treats the template as hostile
        if exit_after:
            os._exit(0)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from modelnest.core.engine.templates import MEMORY_BYTES

    budget = int(args[0]) if args else MEMORY_BYTES
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # nothing a library prints can corrupt the answers
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True, name="template-parent").start()
    serve(sys.stdin.buffer, out, budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
