"""The gate every request passes first: Host, Origin, body size and the bearer token, checked in that order.

Why each check (DESIGN.md §4): a web page can make a browser send requests to 127.0.0.1, and with DNS
rebinding read the answers (Ollama CVE-2024-37032, Jan CVE-2024-36857/8). A rebound request still carries the
attacker's name in ``Host``, and a cross-site request carries its page in ``Origin``: both are refused unless
they name this server or an allow-listed origin. The token protects against everything else on the machine or
network. Everything is answered with OpenAI-style JSON errors so clients show a readable reason.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from modelnest.core.messages import msg
from modelnest.core.server.config import LOOPBACK_NAMES, ServerConfig
from modelnest.core.server.schema import ApiError

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

__all__ = ["Guard", "host_name", "send_error", "too_large"]


def host_name(header: str) -> str:
    """The name part of a Host header: ``[::1]:8080`` -> ``::1``, ``Example.COM:80`` -> ``example.com``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    return header


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


async def send_error(send: Send, error: ApiError, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(error.body(), ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Guard:
    """Pure ASGI middleware (outermost): refuses a request before any handler reads its body."""

    def __init__(self, app: ASGIApp, config: ServerConfig) -> None:
        self.app = app
        self.config = config
        self._token = f"Bearer {config.token}".encode()
        names = {config.host.lower().strip("[]"), *(h.lower() for h in config.allow_hosts)}
        if config.loopback:
            names.update(LOOPBACK_NAMES)
        else:
            # Bound beyond loopback: this machine's names and any IP literal (rebinding needs a DNS name).
            names.update(LOOPBACK_NAMES)
            names.add(socket.gethostname().lower())
            names.add(socket.getfqdn().lower())
        self._names = frozenset(names)
        self._origins = frozenset(config.allow_origins)

    def host_allowed(self, header: str | None) -> bool:
        if not header:
            return False  # HTTP/1.1 requires Host; its absence is not a client we know
        name = host_name(header)
        if name in self._names:
            return True
        return not self.config.loopback and _is_ip(name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = {}
        for key, value in scope.get("headers", []):
            headers.setdefault(key.lower(), value)
        host = headers.get(b"host", b"").decode("latin-1")
        if not self.host_allowed(host):
            await send_error(send, ApiError(403, msg("The Host header {host} does not name this server; requests "
                                                     "through other names are refused (DNS rebinding protection).",
                                                     host=host[:100]), code="forbidden_host"))
            return
        origin_raw = headers.get(b"origin")
        origin = origin_raw.decode("latin-1") if origin_raw is not None else None
        if origin is not None and origin not in self._origins:
            await send_error(send, ApiError(403, msg("Requests from web pages at {origin} are refused; allow the "
                                                     "origin when starting the server if you trust it.",
                                                     origin=origin[:100]), code="forbidden_origin"))
            return
        if scope["method"] == "OPTIONS" and origin is not None and b"access-control-request-method" in headers:
            await self.app(scope, receive, send)  # a CORS preflight from an allowed origin: CORSMiddleware answers
            return
        length = headers.get(b"content-length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                size = -1
            if size < 0:
                await send_error(send, ApiError(400, msg("The Content-Length header is not a number.")))
                return
            if size > self.config.max_body_bytes:
                await send_error(send, too_large(self.config.max_body_bytes))
                return
        supplied = headers.get(b"authorization", b"")
        if not hmac.compare_digest(supplied, self._token):
            await send_error(
                send,
                ApiError(401, msg("A valid API token is required: send the header Authorization: Bearer TOKEN with "
                                  "the token shown when the server started."), code="invalid_api_key"),
                [(b"www-authenticate", b'Bearer realm="modelnest"')],
            )
            return
        await self.app(scope, receive, send)


def too_large(limit: int) -> ApiError:
    return ApiError(413, msg("The request is larger than this server accepts ({kib} KiB).", kib=limit // 1024),
                    code="request_too_large")

