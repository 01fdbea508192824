"""OpenAI request checking and response shapes: every bad parameter is a 400 before anything reaches the engine.

Fields the engine cannot honour (n > 1, tools, logprobs, penalties, JSON mode) are refused by name rather than
silently ignored, so a client never believes it got something it did not. Unknown fields are ignored, as
OpenAI-compatible servers do (clients send vendor extras). Extensions shared with llama.cpp's server:
``top_k``, ``min_p``, ``repeat_penalty``, ``ignore_eos``.
"""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass
from typing import Any

from modelnest.core.engine.params import SamplingParams
from modelnest.core.messages import Message, Text, msg
from modelnest.core.server.config import ServerConfig

__all__ = [
    "ApiError",
    "EmbeddingRequest",
    "GenerationRequest",
    "StopScanner",
    "error_body",
    "finish_reason",
    "parse_chat",
    "parse_completion",
    "parse_embeddings",
]

MAX_STOPS = 4
MAX_STOP_CHARS = 256
MAX_EMBEDDING_INPUTS = 2048  # OpenAI's own limit per request
SEED_LIMIT = 2**32 - 1  # llama.cpp seeds are uint32 and 0xFFFFFFFF means "random"
_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    501: "not_implemented_error",
    503: "server_error",
}


def error_body(status: int, message: Text, *, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {
        "error": {
            "message": str(message),
            "type": _ERROR_TYPES.get(status, "server_error"),
            "param": param,
            "code": code,
        }
    }


class ApiError(Exception):
    """An answer with an HTTP status and an OpenAI-style error body."""

    def __init__(self, status: int, message: Text, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(str(message))
        self.status = status
        self.message: Message | str = message
        self.param = param
        self.code = code

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.message, param=self.param, code=self.code)


def _bad(param: str, message: Message, code: str = "invalid_value") -> ApiError:
    return ApiError(400, message, param=param, code=code)


@dataclass(frozen=True)
class GenerationRequest:
    """A checked chat or completion request, ready for the engine worker."""

    kind: str  # "chat" | "completion"
    model: str
    sampling: SamplingParams
    stop: tuple[str, ...]
    stream: bool
    include_usage: bool
    messages: tuple[dict[str, str], ...] = ()
    prompt: str | None = None
    echo: bool = False


def _number(body: dict[str, Any], name: str, lo: float, hi: float, default: float) -> float:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(name, msg("{name} must be a number.", name=name), "invalid_type")
    if not lo <= value <= hi:
        raise _bad(name, msg("{name} must be between {lo} and {hi}; it was {value}.", name=name, lo=lo, hi=hi,
                             value=value))
    return float(value)


def _integer(body: dict[str, Any], name: str, lo: int, hi: int, default: int | None) -> int | None:
    value = body.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(name, msg("{name} must be a whole number.", name=name), "invalid_type")
    if not lo <= value <= hi:
        raise _bad(name, msg("{name} must be between {lo} and {hi}; it was {value}.", name=name, lo=lo, hi=hi,
                             value=value))
    return value


def _flag(body: dict[str, Any], name: str, default: bool = False) -> bool:
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad(name, msg("{name} must be true or false.", name=name), "invalid_type")
    return value


def _unsupported(body: dict[str, Any], name: str, allowed: tuple[Any, ...] = (None,)) -> None:
    value = body.get(name)
    empty_ok = () in allowed and isinstance(value, (list, dict)) and not value
    if empty_ok or value in allowed:
        return
    raise _bad(name, msg("This server does not support {name}.", name=name), "unsupported_parameter")


def _stop(body: dict[str, Any]) -> tuple[str, ...]:
    value = body.get("stop")
    if value is None:
        return ()
    stops = [value] if isinstance(value, str) else value
    if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
        raise _bad("stop", msg("stop must be a string or a list of strings."), "invalid_type")
    if len(stops) > MAX_STOPS:
        raise _bad("stop", msg("stop may hold at most {n} sequences.", n=MAX_STOPS))
    if any(not s or len(s) > MAX_STOP_CHARS for s in stops):
        raise _bad("stop", msg("Each stop sequence must be 1 to {n} characters long.", n=MAX_STOP_CHARS))
    return tuple(dict.fromkeys(stops))


def _model(body: dict[str, Any], config: ServerConfig) -> str:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _bad("model", msg("model is required: this server serves {model}.", model=config.model_id),
                   "missing_required_parameter")
    if model not in (config.model_id, f"{config.model_id}.gguf"):
        raise ApiError(404, msg("The model {asked} is not served here; this server serves {model}.", asked=model,
                                model=config.model_id), param="model", code="model_not_found")
    return config.model_id


def _common(body: Any, config: ServerConfig) -> tuple[str, SamplingParams, tuple[str, ...], bool, bool]:
    if not isinstance(body, dict):
        raise ApiError(400, msg("The request body must be a JSON object."), code="invalid_json")
    model = _model(body, config)
    if body.get("n") not in (None, 1):
        raise _bad("n", msg("This server writes one reply per request: n must be 1."), "unsupported_parameter")
    for name in ("tools", "functions", "logit_bias", "tool_choice", "function_call"):
        _unsupported(body, name, (None, ()))
    for name in ("frequency_penalty", "presence_penalty"):
        _unsupported(body, name, (None, 0, 0.0))
    _unsupported(body, "logprobs", (None, False))
    _unsupported(body, "top_logprobs", (None, 0))
    if body.get("best_of") not in (None, 1):
        raise _bad("best_of", msg("This server does not support best_of."), "unsupported_parameter")
    fmt = body.get("response_format")
    if fmt is not None and fmt != {"type": "text"}:
        raise _bad("response_format", msg("This server does not support response_format."), "unsupported_parameter")
    limit = config.max_tokens if not config.n_ctx else min(config.max_tokens, config.n_ctx)
    max_tokens = _integer(body, "max_completion_tokens", 1, limit, None)
    if max_tokens is None:
        max_tokens = _integer(body, "max_tokens", 1, limit, limit)
    assert max_tokens is not None
    defaults = SamplingParams()
    temperature = _number(body, "temperature", 0.0, 2.0, defaults.temperature)
    top_p = _number(body, "top_p", 0.0, 1.0, defaults.top_p)
    if top_p == 0.0:
        raise _bad("top_p", msg("top_p must be greater than 0."))
    seed = _integer(body, "seed", 0, SEED_LIMIT - 1, -1)
    assert seed is not None
    sampling = SamplingParams(
        temperature=temperature,
        top_p=top_p,
        top_k=int(_integer(body, "top_k", 0, 1000, defaults.top_k) or 0),
        min_p=_number(body, "min_p", 0.0, 1.0, defaults.min_p),
        repeat_penalty=_number(body, "repeat_penalty", 0.5, 2.0, defaults.repeat_penalty),
        seed=seed,
        max_tokens=max_tokens,
        ignore_eos=_flag(body, "ignore_eos"),
    )
    stream = _flag(body, "stream")
    options = body.get("stream_options")
    include_usage = False
    if options is not None:
        if not stream:
            raise _bad("stream_options", msg("stream_options is only allowed when stream is true."))
        if not isinstance(options, dict):
            raise _bad("stream_options", msg("stream_options must be an object."), "invalid_type")
        include_usage = _flag(options, "include_usage")
    return model, sampling, _stop(body), stream, include_usage


def _content(value: Any, index: int) -> str:
    param = f"messages[{index}].content"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = []
        for part in value:
            if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                raise _bad(param, msg("Only text content is supported (message {index}).", index=index),
                           "unsupported_content")
            parts.append(part["text"])
        return "".join(parts)
    raise _bad(param, msg("Message {index} needs text content.", index=index), "invalid_type")


def parse_chat(body: Any, config: ServerConfig) -> GenerationRequest:
    model, sampling, stop, stream, include_usage = _common(body, config)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _bad("messages", msg("messages must be a non-empty list."), "missing_required_parameter")
    if len(messages) > config.max_messages:
        raise _bad("messages", msg("messages may hold at most {n} entries.", n=config.max_messages))
    out: list[dict[str, str]] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            raise _bad(f"messages[{i}]", msg("Message {index} must be an object.", index=i), "invalid_type")
        role = m.get("role")
        if role == "developer":
            role = "system"  # OpenAI's newer name for the system role
        if role not in ("system", "user", "assistant"):
            raise _bad(f"messages[{i}].role", msg("Message {index} has an unsupported role (system, user or "
                                                  "assistant are supported).", index=i))
        if m.get("tool_calls") or m.get("function_call"):
            raise _bad(f"messages[{i}]", msg("This server does not support tool calls."), "unsupported_parameter")
        content = m.get("content")
        out.append({"role": role, "content": "" if content is None and role == "assistant" else _content(content, i)})
    return GenerationRequest("chat", model, sampling, stop, stream, include_usage, messages=tuple(out))


def parse_completion(body: Any, config: ServerConfig) -> GenerationRequest:
    model, sampling, stop, stream, include_usage = _common(body, config)
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise _bad("prompt", msg("prompt must be one string (token lists and batches are not supported)."),
                   "invalid_type")
    if body.get("suffix") not in (None, ""):
        raise _bad("suffix", msg("This server does not support suffix."), "unsupported_parameter")
    echo = _flag(body, "echo")
    return GenerationRequest("completion", model, sampling, stop, stream, include_usage, prompt=prompt, echo=echo)


@dataclass(frozen=True)
class EmbeddingRequest:
    """A checked embeddings request: texts in order, how to encode the vectors, the size asked for (if any)."""

    model: str
    texts: tuple[str, ...]
    encoding_format: str  # "float" | "base64"
    dimensions: int | None
    single: bool  # input was one string (errors then name "input", not "input[i]")


def _is_tokens(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(t, int) and not isinstance(t, bool)
                                                           for t in value)


def parse_embeddings(body: Any, config: ServerConfig) -> EmbeddingRequest:
    if not isinstance(body, dict):
        raise ApiError(400, msg("The request body must be a JSON object."), code="invalid_json")
    model = _model(body, config)
    value = body.get("input")
    if value is None:
        raise _bad("input", msg("input is required: a string or a list of strings."), "missing_required_parameter")
    single = isinstance(value, str)
    items = [value] if single else value
    if not isinstance(items, list) or not items:
        raise _bad("input", msg("input must be a string or a non-empty list of strings."), "invalid_type")
    if _is_tokens(items) or any(_is_tokens(item) for item in items):
        raise _bad("input", msg("This server embeds text only: send strings, not token arrays."),
                   "unsupported_parameter")
    if len(items) > MAX_EMBEDDING_INPUTS:
        raise _bad("input", msg("input may hold at most {n} strings.", n=MAX_EMBEDDING_INPUTS))
    for i, item in enumerate(items):
        param = "input" if single else f"input[{i}]"
        if not isinstance(item, str):
            raise _bad(param, msg("input must be a string or a list of strings."), "invalid_type")
        if not item:
            raise _bad(param, msg("An input is empty: every input needs some text."))
    fmt = body.get("encoding_format")
    if fmt is None:
        fmt = "float"
    if fmt not in ("float", "base64"):
        raise _bad("encoding_format", msg("encoding_format must be float or base64."))
    dimensions = _integer(body, "dimensions", 1, 1 << 20, None)
    if dimensions is not None and config.n_embd and dimensions != config.n_embd:
        raise _bad("dimensions", dimensions_refused(dimensions, config.n_embd), "unsupported_parameter")
    return EmbeddingRequest(model, tuple(items), fmt, dimensions, single)


def dimensions_refused(asked: int, n_embd: int) -> Message:
    return msg("This model's embeddings have {n} dimensions and cannot be shortened: dimensions must be {n} or "
               "left out (it was {asked}).", n=n_embd, asked=asked)


def finish_reason(stop_reason: str) -> str:
    """The engine's stop reason in OpenAI's words ("stop" covers end-of-text and stop sequences)."""
    return "length" if stop_reason in ("length", "context_full") else "stop"


def new_id(kind: str) -> str:
    return ("chatcmpl-" if kind == "chat" else "cmpl-") + secrets.token_hex(12)


def now() -> int:
    return int(time.time())


class StopScanner:
    """Cuts the text at the first stop sequence; holds back a tail that may be the start of one."""

    def __init__(self, stops: tuple[str, ...]) -> None:
        self.stops = stops
        self._buf = ""

    def feed(self, text: str) -> tuple[str, bool]:
        """(text safe to send now, whether a stop sequence was found)."""
        if not self.stops:
            return text, False
        self._buf += text
        cut = min((i for i in (self._buf.find(s) for s in self.stops) if i >= 0), default=-1)
        if cut >= 0:
            out, self._buf = self._buf[:cut], ""
            return out, True
        hold = 0
        for s in self.stops:
            for k in range(min(len(s) - 1, len(self._buf)), hold, -1):
                if self._buf.endswith(s[:k]):
                    hold = k
                    break
        out = self._buf[: len(self._buf) - hold]
        self._buf = self._buf[len(self._buf) - hold :]
        return out, False

    def flush(self) -> str:
        out, self._buf = self._buf, ""
        return out
