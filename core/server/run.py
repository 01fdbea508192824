"""Starting and stopping the API server: uvicorn on a socket we bind ourselves, in the foreground or a thread.

uvicorn, never a hand-written HTTP server: request parsing (and its smuggling pitfalls), keep-alive, header
size limits, flow control and disconnect detection are exactly what a well-kept server gets right and a
home-made one gets wrong. We bind the socket first so port 0 (any free port) works and the Host check and the
printed address know the real port.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
from collections.abc import Callable
from dataclasses import replace

import uvicorn

from modelnest.core.engine.client import EngineClient
from modelnest.core.messages import msg
from modelnest.core.server.app import build_app
from modelnest.core.server.config import ServerConfig, ServerError
from modelnest.core.server.history_log import ApiHistory
from modelnest.core.server.turns import EngineLock
from modelnest.core.server.worker import EngineWorker, Job

__all__ = ["ApiServer", "bind_socket"]


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or a ServerError that says why not (port taken, no such address)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServerError(msg("{host} is not an address of this computer: {error}", host=host, error=str(exc))) \
            from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ServerError(msg("Port {port} is already in use; choose another with --port (0 picks a free one).",
                                  port=port)) from None
        raise ServerError(msg("Cannot listen on {host} port {port}: {error}", host=host, port=port,
                              error=exc.strerror or str(exc))) from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, telling us when it accepts connections (no polling of ``started``)."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self._ready.set()


class ApiServer:
    """One API server over one loaded engine. ``start()`` runs it in a thread; ``serve()`` in the foreground."""

    def __init__(
        self,
        engine: EngineClient,
        config: ServerConfig,
        *,
        reload: Callable[[EngineClient], object] | None = None,
        on_finished: Callable[[Job], None] | None = None,
        on_submitted: Callable[[Job], None] | None = None,
        sock: socket.socket | None = None,
        engine_lock: EngineLock | None = None,
        history: ApiHistory | None = None,
    ) -> None:
        """`history`: keep finished chats in the user's history (off unless the user asked); closed by stop()."""
        self._sock = sock if sock is not None else bind_socket(config.host, config.port)  # bound early by the CLI
        port = self._sock.getsockname()[1]
        self.config = replace(config, port=port)
        self.worker = EngineWorker(engine, max_pending=config.max_pending, reload=reload, on_finished=on_finished,
                                   on_submitted=on_submitted, engine_lock=engine_lock)
        self.history = history
        app = build_app(self.config, self.worker, history)
        uv = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            server_header=False,
            # A backstop below the app's own 429: connections beyond it get uvicorn's 503.
            limit_concurrency=config.max_pending * 4 + 16,
            timeout_keep_alive=5,
            timeout_graceful_shutdown=5,
            h11_max_incomplete_event_size=64 * 1024,  # header block size
        )
        self._ready = threading.Event()
        self._server = _Server(uv, self._ready)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.config.base_url()

    def serve(self) -> None:
        """Run in this thread until Ctrl-C (uvicorn handles the signal) or ``stop()``."""
        try:
            self._server.run(sockets=[self._sock])
        except KeyboardInterrupt:
            pass  # uvicorn re-raises the Ctrl-C it handled, after its graceful shutdown: a normal stop
        finally:
            self.worker.stop()
            self._sock.close()
            if self.history is not None:
                self.history.close()

    def start(self, timeout: float = 30.0) -> ApiServer:
        """Run in a background thread; returns once connections are accepted."""
        self._thread = threading.Thread(target=self._run_thread, daemon=True, name="api-server")
        self._thread.start()
        if not self._ready.wait(timeout):
            raise ServerError(msg("The API server did not start within {s} seconds.", s=timeout))
        return self

    def _run_thread(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._sock]))

    def stop(self, timeout: float = 15.0) -> None:
        """Cancel the running job, drop waiting ones, close the listener and wait for the thread."""
        self.worker.stop()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._sock.close()
        if self.history is not None:
            self.history.close()  # the chats finished so far are written first

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
