"""The OpenAI-compatible routes over one engine worker: models, chat completions, completions, embeddings.

Starlette gives us routing and exception mapping; uvicorn (core/server/run.py) the HTTP protocol itself. The
responses that follow a job are written as small ASGI callables (``JobResponse``) because they must watch the
connection while they wait: the moment the client goes away, its job is cancelled in the engine. API chats are
never written to the user's chat history.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from modelnest.core.engine.client import Embeddings, TokenEvent
from modelnest.core.engine.embedder import pack_floats
from modelnest.core.engine.errors import (
    EmbeddingInputInvalid,
    EmbeddingUnsupported,
    EngineError,
    GenerationFailed,
    ModelRefused,
)
from modelnest.core.engine.params import GenerationSummary
from modelnest.core.messages import msg
from modelnest.core.server.config import ServerConfig
from modelnest.core.server.history_log import ApiHistory
from modelnest.core.server.schema import (
    ApiError,
    EmbeddingRequest,
    GenerationRequest,
    StopScanner,
    dimensions_refused,
    error_body,
    finish_reason,
    new_id,
    now,
    parse_chat,
    parse_completion,
    parse_embeddings,
)
from modelnest.core.server.security import Guard, Receive, Scope, Send, send_error, too_large
from modelnest.core.server.worker import Cancelled, EngineWorker, Job, QueueFull

__all__ = ["build_app"]


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def engine_error(error: EngineError) -> ApiError:
    """An engine failure as an HTTP error: the client's fault (context full) is 400, the rest 5xx."""
    text = str(error)
    if isinstance(error, GenerationFailed) and "context" in text:
        return ApiError(400, text, param="messages", code="context_length_exceeded")
    if isinstance(error, EmbeddingUnsupported):
        return ApiError(501, text, code="embeddings_unsupported")
    if isinstance(error, EmbeddingInputInvalid):
        too_long = error.tokens > error.limit
        return ApiError(400, text, param="input", code="context_length_exceeded" if too_long else "invalid_value")
    if isinstance(error, ModelRefused):
        return ApiError(503, text, code="model_refused")
    return ApiError(500, msg("The engine failed: {error}", error=text), code=f"engine_{error.kind}")


def _stopping() -> ApiError:
    return ApiError(503, msg("The server is stopping; this request was not served."), code="server_stopping")


@dataclass
class Outcome:
    finish: str
    prompt_tokens: int
    completion_tokens: int
    error: EngineError | None = None
    cancelled: bool = False


async def _pieces(job: Job, stops: tuple[str, ...], first: Any = None) -> AsyncIterator[str | Outcome]:
    """The job's text (cut at the first stop sequence), then one Outcome."""
    scanner = StopScanner(stops)
    stopped_at: int | None = None
    item = first if first is not None else await job.next()
    while True:
        if isinstance(item, TokenEvent):
            if stopped_at is None:
                text, hit = scanner.feed(item.text)
                if text:
                    yield text
                if hit:
                    stopped_at = item.n
                    job.cancel()  # the engine stops within a token; its summary still brings the usage
        elif isinstance(item, GenerationSummary):
            if stopped_at is None:
                tail = scanner.flush()
                if tail:
                    yield tail
                yield Outcome(finish_reason(item.stop_reason), item.prompt_tokens, item.tokens)
            else:
                yield Outcome("stop", item.prompt_tokens, stopped_at)
            return
        elif isinstance(item, Cancelled):
            yield Outcome("stop", 0, 0, cancelled=True)
            return
        elif isinstance(item, EngineError):
            yield Outcome("error", 0, 0, error=item)
            return
        item = await job.next()


class _JobWatch(Response):
    """A response for one engine job that cancels the job as soon as its client disconnects."""

    job: Job
    _disconnected: bool

    async def _watch(self, receive: Receive) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self._disconnected = True
                self.job.cancel()
                return


class JobResponse(_JobWatch):
    """Streams (SSE) or returns one job's answer, cancelling the job as soon as the client disconnects."""

    def __init__(self, job: Job, request: GenerationRequest, model: str, history: ApiHistory | None = None) -> None:
        super().__init__()
        self.job = job
        self.req = request
        self.model = model
        self.history = history  # the user asked to keep API chats in their history
        self.id = new_id(request.kind)
        self.created = now()
        self._disconnected = False
        self._ended = False  # the job's last item (summary, error, cancelled) was read


    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        watcher = asyncio.create_task(self._watch(receive))
        try:
            if self.req.stream:
                await self._stream(send)
            else:
                await self._whole(send)
        except OSError:
            self.job.cancel()  # the client went away while we were writing (uvicorn's ClientDisconnected)
        finally:
            watcher.cancel()
            if not self._ended:
                self.job.cancel()  # we stopped reading before the job ended (an error, a disconnect)

    def gone(self) -> bool:
        """The client has gone (read anew each time: the watcher task sets it while we await)."""
        return self._disconnected

    def _keep(self, reply: str) -> None:
        """A finished chat completion into the user's history, when they asked (queued: never blocks the loop)."""
        if self.history is not None and self.req.kind == "chat":
            self.history.record(self.model, self.req.messages, reply)

    # ---- bodies ---------------------------------------------------------------------------------------
    def _usage(self, o: Outcome) -> dict[str, int]:
        return {
            "prompt_tokens": o.prompt_tokens,
            "completion_tokens": o.completion_tokens,
            "total_tokens": o.prompt_tokens + o.completion_tokens,
        }

    def _chunk(self, text: str | None, finish: str | None, *, role: bool = False) -> dict[str, Any]:
        if self.req.kind == "chat":
            delta: dict[str, Any] = {}
            if role:
                delta["role"] = "assistant"
            if text is not None:
                delta["content"] = text
            choice: dict[str, Any] = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            obj = "chat.completion.chunk"
        else:
            choice = {"index": 0, "text": text or "", "logprobs": None, "finish_reason": finish}
            obj = "text_completion"
        chunk: dict[str, Any] = {"id": self.id, "object": obj, "created": self.created, "model": self.model,
                                 "choices": [choice]}
        if self.req.include_usage:
            chunk["usage"] = None
        return chunk

    async def _stream(self, send: Send) -> None:
        first = await self.job.next()  # wait for the engine before the headers: early failures get a status
        self._ended = isinstance(first, (EngineError, Cancelled))
        if isinstance(first, EngineError):
            await send_error(send, engine_error(first))
            return
        if self.gone():
            return
        if isinstance(first, Cancelled):
            await send_error(send, _stopping())
            return
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),  # proxies must not hold the stream back
        ]})

        async def event(data: Any) -> None:
            await send({"type": "http.response.body", "body": b"data: " + _dumps(data) + b"\n\n", "more_body": True})

        if self.req.kind == "chat":
            await event(self._chunk("", None, role=True))
        elif self.req.echo and self.req.prompt:
            await event(self._chunk(self.req.prompt, None))
        sent: list[str] = []
        async for piece in _pieces(self.job, self.req.stop, first):
            if isinstance(piece, Outcome):
                self._ended = True
            if self.gone():
                continue  # drain until the cancelled job ends; nobody reads any more
            if isinstance(piece, str):
                sent.append(piece)
                await event(self._chunk(piece, None))
                continue
            if piece.cancelled:
                break
            if piece.error is not None:
                await event(engine_error(piece.error).body())  # mid-stream: an error event, then the end
                break
            self._keep("".join(sent))
            await event(self._chunk(None if self.req.kind == "chat" else "", piece.finish))
            if self.req.include_usage:
                await event({"id": self.id, "object": self._chunk(None, None)["object"], "created": self.created,
                             "model": self.model, "choices": [], "usage": self._usage(piece)})
            await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": True})
            break
        if not self.gone():
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _whole(self, send: Send) -> None:
        parts: list[str] = [self.req.prompt or ""] if self.req.echo else []
        outcome: Outcome | None = None
        async for piece in _pieces(self.job, self.req.stop):
            if isinstance(piece, str):
                parts.append(piece)
            else:
                outcome = piece
                self._ended = True
        assert outcome is not None
        if self.gone():
            return
        if outcome.cancelled:
            await send_error(send, _stopping())
            return
        if outcome.error is not None:
            await send_error(send, engine_error(outcome.error))
            return
        text = "".join(parts)
        self._keep(text)
        if self.req.kind == "chat":
            choice: dict[str, Any] = {"index": 0, "message": {"role": "assistant", "content": text},
                                      "logprobs": None, "finish_reason": outcome.finish}
            obj = "chat.completion"
        else:
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": outcome.finish}
            obj = "text_completion"
        body = _dumps({"id": self.id, "object": obj, "created": self.created, "model": self.model,
                       "choices": [choice], "usage": self._usage(outcome)})
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class EmbeddingResponse(_JobWatch):
    """Waits for an embedding job (cancelling it if the client leaves) and answers in OpenAI's shape."""

    def __init__(self, job: Job, request: EmbeddingRequest, model: str, learnt: dict[str, int]) -> None:
        super().__init__()
        self.job = job
        self.req = request
        self.model = model
        self.learnt = learnt  # n_embd, once known: later `dimensions` are checked before the engine
        self._disconnected = False


    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        watcher = asyncio.create_task(self._watch(receive))
        ended = False
        try:
            item = await self.job.next()
            ended = True
            if self._disconnected:
                return
            if isinstance(item, Cancelled):
                await send_error(send, _stopping())
            elif isinstance(item, EngineError):
                error = engine_error(item)
                if error.param == "input" and not self.req.single and isinstance(item, EmbeddingInputInvalid):
                    error.param = f"input[{item.index}]"
                await send_error(send, error)
            elif isinstance(item, Embeddings):
                await self._answer(send, item)
        except OSError:
            self.job.cancel()  # the client went away while we were writing
        finally:
            watcher.cancel()
            if not ended:
                self.job.cancel()

    async def _answer(self, send: Send, result: Embeddings) -> None:
        n_embd = len(result.vectors[0]) if result.vectors else 0
        self.learnt["n_embd"] = n_embd
        if self.req.dimensions is not None and self.req.dimensions != n_embd:
            await send_error(send, ApiError(400, dimensions_refused(self.req.dimensions, n_embd), param="dimensions",
                                            code="unsupported_parameter"))
            return
        data: list[dict[str, Any]] = []
        for i, vector in enumerate(result.vectors):
            embedding: Any = vector
            if self.req.encoding_format == "base64":
                embedding = base64.b64encode(pack_floats([vector])).decode("ascii")  # OpenAI's: float32, LE
            data.append({"object": "embedding", "index": i, "embedding": embedding})
        tokens = result.prompt_tokens
        body = _dumps({"object": "list", "data": data, "model": self.model,
                       "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


async def _read_json(request: Request, limit: int) -> Any:
    """The body, refused past ``limit`` bytes even when no Content-Length was sent (chunked uploads)."""
    size = 0
    chunks: list[bytes] = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, msg("The request body is not valid JSON."), code="invalid_json") from None


def build_app(config: ServerConfig, worker: EngineWorker, history: ApiHistory | None = None) -> Any:
    """The ASGI application: Guard(CORS(routes)); CORS only when origins are allow-listed. `history`: keep
    finished chats in the user's history (only when the user turned that on)."""
    created = now()

    def model_card() -> dict[str, Any]:
        return {"id": config.model_id, "object": "model", "created": created, "owned_by": "modelnest"}

    async def models(request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [model_card()]})

    async def one_model(request: Request) -> Response:
        if request.path_params["model"] not in (config.model_id, f"{config.model_id}.gguf"):
            raise ApiError(404, msg("The model {asked} is not served here; this server serves {model}.",
                                    asked=request.path_params["model"], model=config.model_id), code="model_not_found")
        return JSONResponse(model_card())

    def submit(job: Job) -> None:
        try:
            worker.submit(job)
        except QueueFull:
            raise ApiError(429, msg("The server is busy: {n} requests are already running or waiting. Try again "
                                    "shortly.", n=worker.max_pending), code="queue_full") from None

    async def generate(request: Request, kind: str) -> Response:
        body = await _read_json(request, config.max_body_bytes)
        req = parse_chat(body, config) if kind == "chat" else parse_completion(body, config)
        job = Job(asyncio.get_running_loop(), req.sampling, messages=list(req.messages) if kind == "chat" else None,
                  prompt=req.prompt)
        submit(job)
        return JobResponse(job, req, config.model_id, history)

    async def chat(request: Request) -> Response:
        return await generate(request, "chat")

    async def completions(request: Request) -> Response:
        return await generate(request, "completion")

    learnt: dict[str, int] = {}  # what the first embeddings taught: n_embd

    async def embeddings(request: Request) -> Response:
        # Queued on the same worker (and engine lock) as chat and completions: they take turns on the engine.
        body = await _read_json(request, config.max_body_bytes)
        n_embd = config.n_embd or learnt.get("n_embd", 0)
        req = parse_embeddings(body, replace(config, n_embd=n_embd) if n_embd != config.n_embd else config)
        job = Job(asyncio.get_running_loop(), texts=req.texts)
        submit(job)
        return EmbeddingResponse(job, req, config.model_id, learnt)

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return JSONResponse(exc.body(), status_code=exc.status)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        text = msg("No such endpoint: {path}.", path=request.url.path) if exc.status_code == 404 else \
            msg("Method {method} is not allowed here.", method=request.method)
        return JSONResponse(error_body(exc.status_code, text), status_code=exc.status_code)

    routes = [
        Route("/v1/models", models, methods=["GET"]),
        Route("/v1/models/{model:path}", one_model, methods=["GET"]),
        Route("/v1/chat/completions", chat, methods=["POST"]),
        Route("/v1/completions", completions, methods=["POST"]),
        Route("/v1/embeddings", embeddings, methods=["POST"]),
    ]
    middleware = []
    if config.allow_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(config.allow_origins),
                                     allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"],
                                     max_age=600))
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={ApiError: api_error, HTTPException: http_error})
    return Guard(app, config)
