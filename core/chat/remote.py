"""Remote engines: chat through any OpenAI-compatible server (vLLM, llama.cpp's server, Ollama, LM Studio ...).

``RemoteEngine`` speaks the subset of ``EngineClient`` that ``ChatSession`` uses (``generate``, ``cancel``), so
a remote reply goes through the same history, export and stats as a local one. Time to first token and tokens/s
are measured here, on our side of the network (labelled so: ``TIMING_LABEL``), because a remote server's own
figures are not comparable across servers and many send none. Tokens are kept in the OS keychain (``keyring``);
where there is none (a headless Linux without a Secret Service), the token is used for this session only and
the caller is told so. A server that dies mid-reply ends the reply as *interrupted* with its text kept.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import keyring
import keyring.backends.fail
import keyring.errors

from modelnest.core.atomic import atomic_write_json
from modelnest.core.engine.client import TokenEvent
from modelnest.core.engine.errors import EngineCrashed, EngineHung, EngineStartError, GenerationFailed
from modelnest.core.engine.params import GenerationSummary, SamplingParams
from modelnest.core.errors import UserInputError
from modelnest.core.messages import Message, msg
from modelnest.core.paths import config_dir

__all__ = [
    "TIMING_LABEL",
    "RemoteEngine",
    "RemoteHost",
    "RemoteHosts",
    "RemoteInterrupted",
    "RemoteRefused",
    "RemoteUnreachable",
    "TokenStore",
    "find_remote_model",
    "model_key",
    "normalize_url",
]

KEYRING_SERVICE = "ModelNest remote engine"
TIMING_LABEL = msg("measured by ModelNest, over the network")


class RemoteUnreachable(EngineStartError):
    """The server could not be reached (nothing listening, DNS, TLS)."""

    kind = "remote_unreachable"


class RemoteInterrupted(EngineCrashed):
    """The connection broke in the middle of a reply; what arrived is kept (status interrupted)."""

    kind = "remote_interrupted"


class RemoteRefused(GenerationFailed):
    """The server answered with an error (bad token, unknown model, bad parameter ...); ``status`` is HTTP's."""

    kind = "remote_refused"
    status: int | None = None


def _refused(message: Message, status: int | None = None) -> RemoteRefused:
    error = RemoteRefused(message)
    error.status = status
    return error


def normalize_url(url: str) -> str:
    """``http://host:8000`` -> ``http://host:8000/v1``; the base every OpenAI-style path hangs from."""
    text = url.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserInputError(msg("{url} is not a server address: use http://HOST:PORT or https://HOST.", url=text))
    path = parts.path.rstrip("/")
    if not path.endswith("/v1"):
        path += "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class TokenStore:
    """Tokens per server URL in the OS keychain; in memory for this session when there is no keychain."""

    def __init__(self) -> None:
        self._session: dict[str, str] = {}

    @staticmethod
    def available() -> bool:
        """A real keychain backend is configured (keyring's ``fail`` backend means there is none)."""
        backend = keyring.get_keyring()
        return not isinstance(backend, keyring.backends.fail.Keyring) and backend.priority > 0

    def save(self, url: str, token: str) -> Message | None:
        """Store the token; returns a notice when it could only be kept for this session."""
        self._session[url] = token
        if not self.available():
            return msg("No system keychain is available here, so the token for {url} is kept for this session "
                       "only; you will be asked for it again next time.", url=url)
        try:
            keyring.set_password(KEYRING_SERVICE, url, token)
        except keyring.errors.KeyringError as exc:
            return msg("The system keychain refused to store the token for {url} ({error}); it is kept for this "
                       "session only.", url=url, error=str(exc))
        return None

    def load(self, url: str) -> str | None:
        if url in self._session:
            return self._session[url]
        if not self.available():
            return None
        try:
            return keyring.get_password(KEYRING_SERVICE, url)
        except keyring.errors.KeyringError:
            return None

    def delete(self, url: str) -> None:
        self._session.pop(url, None)
        if self.available():
            try:
                keyring.delete_password(KEYRING_SERVICE, url)
            except keyring.errors.KeyringError:
                pass  # nothing stored: nothing to delete


@dataclass(frozen=True)
class RemoteHost:
    url: str  # normalized, ending in /v1
    name: str = ""
    models: tuple[str, ...] = ()  # what its /v1/models listed when it was last asked (the Models page matches them)

    @property
    def label(self) -> str:
        """The name the user gave it, else its address without the /v1."""
        return self.name or self.url.removesuffix("/v1")

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "name": self.name, "models": list(self.models)}


# Words in a model id that name its packaging, not the model: quantization, file format, tuning flavour.
_NOISE = re.compile(r"^(gguf|ggml|awq|gptq|exl2|mlx|fp8|fp16|bf16|f16|f32|int4|int8|w4a16|w8a8|instruct|chat|it|"
                    r"latest|q\d+|iq\d+|k|m|s|l|xs|xxs|xl|0|1)$")


def model_key(name: str) -> str:
    """A model id reduced to what names the model: ``Qwen/Qwen2.5-Coder-14B-Instruct-AWQ``, ``qwen2.5-coder:14b``
    and ``Qwen2.5 Coder 14B Instruct`` all give ``qwen2.5coder14b``."""
    tail = name.strip().lower().replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".gguf")
    return "".join(t for t in re.split(r"[\s_:\-]+", tail) if t and not _NOISE.match(t))


def find_remote_model(names: Sequence[str], models: Sequence[str]) -> str | None:
    """The first of a server's ``models`` that is one of ``names`` (a catalogue entry's name and repository)."""
    keys = {k for k in map(model_key, names) if k}
    for model in models:
        if model_key(model) in keys:
            return model
    return None


class RemoteHosts:
    """The servers the user added (addresses and names only; tokens live in the keychain), in config/remote.json."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else config_dir() / "remote_hosts.json"

    def list(self) -> list[RemoteHost]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [RemoteHost(str(h["url"]), str(h.get("name", "")), tuple(str(m) for m in h.get("models") or ()))
                    for h in data.get("hosts", [])]
        except FileNotFoundError:
            return []
        except (ValueError, KeyError, TypeError, AttributeError):
            return []  # a damaged file loses no chats: the hosts can be added again

    def add(self, url: str, name: str = "", models: Sequence[str] = ()) -> RemoteHost:
        """Remember a server (again: a name or model list not given keeps the one remembered)."""
        target = normalize_url(url)
        known = self.list()
        old = next((h for h in known if h.url == target), None)
        host = RemoteHost(target, name or (old.name if old else ""), tuple(models) or (old.models if old else ()))
        hosts = [h for h in known if h.url != host.url] + [host]
        atomic_write_json(self.path, {"hosts": [h.to_dict() for h in hosts]})
        return host

    def remove(self, url: str) -> None:
        target = normalize_url(url)
        atomic_write_json(self.path, {"hosts": [h.to_dict() for h in self.list() if h.url != target]})


def _error_text(response: httpx.Response) -> str:
    """The server's own explanation from an OpenAI-style error body, else the status line."""
    try:
        body = json.loads(response.read())
        error = body.get("error", body) if isinstance(body, dict) else body
        text = error.get("message") if isinstance(error, dict) else error
        if isinstance(text, str) and text:
            return text[:500]
    except (ValueError, AttributeError, httpx.HTTPError):
        pass
    return f"HTTP {response.status_code} {response.reason_phrase}"


class RemoteEngine:
    """An OpenAI-compatible server behind the EngineClient methods ChatSession uses.

    ``cancel()`` may be called from another thread (the Stop button): the stream is closed, which also tells the
    server (it sees the client leave) to stop generating.
    """

    loaded = None  # ChatSession asks for a local model's path; a remote engine has none

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 120.0,  # silence this long mid-reply: the server is treated as hung
        transport: httpx.BaseTransport | None = None,
        extra_body: dict[str, Any] | None = None,  # vendor options sent with every chat (e.g. vLLM's top_k)
    ) -> None:
        self.url = normalize_url(url)
        self.extra_body = dict(extra_body or {})
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.read_timeout = read_timeout
        self._http = httpx.Client(base_url=self.url, headers=headers, transport=transport,
                                  timeout=httpx.Timeout(read_timeout, connect=connect_timeout))
        self._cancel = threading.Event()
        self._response: httpx.Response | None = None
        self.model: str | None = None
        self.served: tuple[str, ...] = ()  # what the server listed when a model was chosen (use)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RemoteEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- models -----------------------------------------------------------------------------------------
    def _unreachable(self, exc: httpx.HTTPError) -> RemoteUnreachable:
        return RemoteUnreachable(msg("Cannot reach the server at {url}: {error}", url=self.url, error=str(exc) or
                                     type(exc).__name__),
                                 advice=msg("Check that the server is running and the address is right."))

    def models(self) -> list[str]:
        """Model ids from ``/v1/models``."""
        try:
            response = self._http.get("/models")
        except httpx.HTTPError as exc:
            raise self._unreachable(exc) from None
        if response.status_code != 200:
            raise _refused(msg("The server at {url} refused to list its models: {error}", url=self.url,
                               error=_error_text(response)), response.status_code)
        try:
            data = response.json()["data"]
            return [str(m["id"]) for m in data]
        except (ValueError, KeyError, TypeError):
            raise RemoteRefused(msg("The server at {url} does not answer like an OpenAI-compatible server.",
                                    url=self.url)) from None

    def use(self, model: str | None = None) -> str:
        """Choose the model to chat with (default: the server's first). The server is asked what it serves now:
        a model it no longer has is refused here, with the list, not at the first message; ``self.served`` keeps
        the list (the GUI updates the remembered one). A server that refuses to list (some proxies answer 404)
        is trusted with a model named by the user."""
        try:
            served: list[str] | None = self.models()
        except RemoteRefused as exc:
            if model is None or exc.status in (401, 403):
                raise
            served = None
        self.served = tuple(served or ())
        if model is None:
            if not served:
                raise RemoteRefused(msg("The server at {url} serves no models.", url=self.url))
            model = served[0]
        elif served is not None and model not in served:
            raise RemoteRefused(msg("The server at {url} no longer serves {model}; it serves: {models}.",
                                    url=self.url, model=model, models=", ".join(served) or "-"))
        self.model = model
        return model

    # ---- chat -------------------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Stop the reply being streamed; safe from any thread."""
        self._cancel.set()
        response = self._response
        if response is not None:
            try:
                response.close()
            except (httpx.HTTPError, RuntimeError, OSError):
                pass  # the reading thread notices the closed stream or the flag, whichever comes first

    def generate(
        self, messages: Sequence[dict[str, str]] | None = None, sampling: SamplingParams | None = None,
        *, prompt: str | None = None,
    ) -> Iterator[TokenEvent | GenerationSummary]:
        """Stream a chat reply: TokenEvent per content delta (``t`` seconds since the request left), then a summary."""
        if prompt is not None:
            raise RemoteRefused(msg("Remote engines take a conversation, not a raw prompt."))
        if self.model is None:
            self.use()
        s = sampling or SamplingParams()
        body: dict[str, Any] = {
            "model": self.model, "messages": list(messages or []), "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": s.max_tokens, "temperature": s.temperature, "top_p": s.top_p,
        }
        if s.seed >= 0:
            body["seed"] = s.seed
        if s.ignore_eos:
            # llama.cpp's extension (its server, and ours, honour it). Sent only when set: tests and benchmarks
            # set it for replies of a fixed length, and a strict OpenAI-style server would refuse the field.
            body["ignore_eos"] = True
        body.update(self.extra_body)
        self._cancel.clear()
        started = time.perf_counter()
        parts: list[str] = []
        n = 0
        t_first = t_last = 0.0
        finish: str | None = None
        usage: dict[str, Any] = {}
        done = False
        try:
            with self._http.stream("POST", "/chat/completions", json=body) as response:
                self._response = response
                if response.status_code != 200:
                    raise _refused(msg("The server at {url} refused the request: {error}", url=self.url,
                                       error=_error_text(response)), response.status_code)
                for line in response.iter_lines():
                    if self._cancel.is_set():
                        break
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        done = True
                        break
                    try:
                        chunk = json.loads(data)
                    except ValueError:
                        continue  # a keep-alive or a vendor comment
                    if "error" in chunk:
                        error = chunk["error"]
                        text = error.get("message") if isinstance(error, dict) else str(error)
                        raise RemoteRefused(msg("The server at {url} failed mid-reply: {error}", url=self.url,
                                                error=str(text)))
                    if chunk.get("usage"):
                        usage = chunk["usage"]
                    for choice in chunk.get("choices") or []:
                        piece = (choice.get("delta") or {}).get("content")
                        if piece:
                            n += 1
                            t_last = time.perf_counter() - started
                            if n == 1:
                                t_first = t_last
                            parts.append(piece)
                            yield TokenEvent(piece, n, t_last)
                        if choice.get("finish_reason"):
                            finish = str(choice["finish_reason"])
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise self._unreachable(exc) from None
        except httpx.ReadTimeout:
            if not self._cancel.is_set():
                raise EngineHung(msg("The server at {url} sent nothing for {s:.0f} seconds; the reply was stopped.",
                                     url=self.url, s=self.read_timeout)) from None
        except (httpx.HTTPError, httpx.StreamError) as exc:
            if not self._cancel.is_set():
                raise RemoteInterrupted(
                    msg("The connection to {url} broke in the middle of the reply ({error}); the part that "
                        "arrived is kept.", url=self.url, error=type(exc).__name__),
                    advice=msg("Check that the server is still running, then try again.")) from None
        finally:
            self._response = None
        cancelled = self._cancel.is_set()
        if not cancelled and not done and finish is None:
            raise RemoteInterrupted(
                msg("The server at {url} ended the reply without finishing it; the part that arrived is kept.",
                    url=self.url),
                advice=msg("Check that the server is still running, then try again."))
        total = time.perf_counter() - started
        tokens = int(usage.get("completion_tokens") or n) if not cancelled else n
        decode = (tokens - 1) / (t_last - t_first) if tokens > 1 and t_last > t_first else 0.0
        prompt_tokens = int(usage.get("prompt_tokens") or 0)
        reason = "cancelled" if cancelled else {"stop": "eos", "length": "length"}.get(finish or "", "eos")
        yield GenerationSummary(
            text="".join(parts), tokens=tokens, prompt_tokens=prompt_tokens, prompt_tokens_evaluated=prompt_tokens,
            ttft_s=t_first if n else total, prefill_tokens_per_s=0.0, decode_tokens_per_s=decode, total_s=total,
            stop_reason=reason,
        )
