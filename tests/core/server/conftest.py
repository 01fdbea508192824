"""A real engine with a tiny GGUF behind a real API server on 127.0.0.1, shared by a module's tests."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openai
import pytest
from support.processes import gone

from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.engine.params import EngineParams
from modelnest.core.server.config import ServerConfig
from modelnest.core.server.run import ApiServer
from modelnest.core.server.worker import Job

TOKEN = "test-token-" + "x" * 16
PARAMS = EngineParams(n_ctx=1024, n_batch=256, n_ubatch=256, n_threads=2, n_threads_batch=2)


@dataclass
class Served:
    server: ApiServer
    engine: EngineClient
    finished: queue.Queue[Job] = field(default_factory=queue.Queue)
    submitted: queue.Queue[Job] = field(default_factory=queue.Queue)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def model(self) -> str:
        return self.server.config.model_id

    def client(self, token: str = TOKEN, **kw: object) -> openai.OpenAI:
        # max_retries=0: a 429 or 5xx must reach the test, not be retried away by the client.
        return openai.OpenAI(base_url=self.url, api_key=token, max_retries=0, timeout=60, **kw)

    def wait_finished(self, job: Job, timeout: float = 60) -> Job:
        """The worker's event for this job (events of earlier jobs may still arrive after their responses)."""
        while True:
            done = self.finished.get(timeout=timeout)
            if done is job:
                return done

    def drain(self) -> None:
        for q in (self.finished, self.submitted):
            while not q.empty():
                q.get_nowait()


def serve(model: Path, engine_lock: threading.Lock | None = None, **config: object) -> Callable[[], Iterator[Served]]:
    def make() -> Iterator[Served]:
        engine = EngineClient(hang_timeout=10.0, cancel_grace=3.0, ledger=CrashLedger())
        engine.load(model, PARAMS)
        finished: queue.Queue[Job] = queue.Queue()
        submitted: queue.Queue[Job] = queue.Queue()
        cfg = ServerConfig(token=TOKEN, port=0, model_id=model.stem, n_ctx=PARAMS.n_ctx, **config)
        server = ApiServer(engine, cfg, on_finished=finished.put, on_submitted=submitted.put,
                           engine_lock=engine_lock).start()
        yield Served(server, engine, finished, submitted)
        server.stop()
        pid = engine.pid
        engine.shutdown()
        assert pid is None or gone(pid), "engine process left behind"

    return make


@pytest.fixture(scope="module")
def served(tiny_model: Path) -> Iterator[Served]:
    yield from serve(tiny_model, max_body_bytes=64 * 1024, max_tokens=512, max_pending=8)()


@pytest.fixture(scope="module")
def medium_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Slow enough (tens of tokens/s here) that a stream is still running when its client leaves."""
    from support.gguf_models import ModelShape, write_model

    shape = ModelShape(n_layer=6, n_embd=768, n_head=12, n_head_kv=4, n_ff=2048, name="medium-random")
    return write_model(tmp_path_factory.mktemp("medium") / "medium-F16.gguf", shape)


@pytest.fixture(scope="module")
def served_slow(medium_model: Path) -> Iterator[Served]:
    yield from serve(medium_model, max_pending=2)()


@dataclass
class Shared:
    served: Served
    lock: threading.Lock


@pytest.fixture(scope="module")
def served_shared(tiny_model: Path) -> Iterator[Shared]:
    """The engine shared with another user (the app's chat) through a lock."""
    lock = threading.Lock()
    for served in serve(tiny_model, engine_lock=lock)():
        yield Shared(served, lock)
