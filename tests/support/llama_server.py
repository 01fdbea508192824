"""llama-cpp-python's own OpenAI-compatible server (``python -m llama_cpp.server``, its [server] extra) on
127.0.0.1: a remote engine no one here wrote, for the remote-chat tests."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from support.processes import gone


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LlamaServer:
    proc: subprocess.Popen[bytes]
    url: str
    log: list[str] = field(default_factory=list)


@contextmanager
def llama_server(model: Path, *extra: str) -> Iterator[LlamaServer]:
    """The server on a free port, ready (it said "Uvicorn running on"); stopped (and reaped) afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "512", "--n_threads", "2", "--n_threads_batch", "2", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = LlamaServer(proc, f"http://127.0.0.1:{port}")
    ready = threading.Event()

    def read() -> None:  # keeps draining its log (a full pipe would stall the server) and spots readiness
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode("utf-8", "replace")
            server.log.append(line)
            if "Uvicorn running on" in line:
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(120) and proc.poll() is None, "".join(server.log[-30:])
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        assert gone(proc.pid)
