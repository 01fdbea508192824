"""The server's settings and their safe defaults: loopback only, a random token, bounded sizes and queue."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, replace

from modelnest.core import config
from modelnest.core.errors import UserInputError
from modelnest.core.messages import Message, msg

TOKEN_ENV = config.MODELNEST_API_TOKEN
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
MIN_TOKEN_CHARS = 16


class ServerError(UserInputError):
    """The server cannot start with these settings (bad address, weak token ...)."""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_from_env() -> str | None:
    """``MODELNEST_API_TOKEN`` when set (checked for length: a guessable token is no protection)."""
    value = config.api_token() or ""
    if not value:
        return None
    if len(value) < MIN_TOKEN_CHARS:
        raise ServerError(msg("{env} is too short: use at least {n} characters.", env=TOKEN_ENV, n=MIN_TOKEN_CHARS))
    return value


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class ServerConfig:
    """What the API accepts. The defaults are the safe ones; every bound is an explicit number."""

    token: str
    host: str = "127.0.0.1"
    port: int = 8080
    model_id: str = "model"
    allow_origins: tuple[str, ...] = ()  # CORS and Origin allow-list; empty: browsers' cross-site calls refused
    allow_hosts: tuple[str, ...] = ()  # extra Host header names accepted (when bound beyond loopback)
    max_body_bytes: int = 4 * 1024 * 1024
    max_tokens: int = 4096  # the largest max_tokens a request may ask for (also the default)
    max_pending: int = 8  # requests running or waiting; one more gets 429
    max_messages: int = 1024
    n_ctx: int = 0  # the loaded context (0: unknown); max_tokens beyond it is refused up front
    n_embd: int = 0  # the model's embedding size (0: unknown; learnt from the first embeddings) for `dimensions`

    def __post_init__(self) -> None:
        if len(self.token) < MIN_TOKEN_CHARS:
            raise ServerError(msg("The API token must be at least {n} characters long.", n=MIN_TOKEN_CHARS))
        if not 0 <= self.port <= 65535:
            raise ServerError(msg("Port {port} is not a valid port number (0 to 65535).", port=self.port))
        if self.max_pending < 1 or self.max_tokens < 1 or self.max_body_bytes < 1024:
            raise ServerError(msg("The server's limits must be positive (and the body limit at least 1 KiB)."))
        for origin in self.allow_origins:
            if origin == "*" or "://" not in origin:
                raise ServerError(
                    msg("Allowed origins are full origins such as http://localhost:3000, not {origin}.", origin=origin)
                )

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def with_port(self, port: int) -> ServerConfig:
        return replace(self, port=port)

    def base_url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}/v1"

    def warnings(self) -> list[Message]:
        """What the person starting the server should know about their choice of address."""
        out: list[Message] = []
        if not self.loopback:
            out.append(
                msg(
                    "The server listens on {host}, not only on this computer: anyone who can reach this address "
                    "and knows the token can use the model. Keep the token secret.",
                    host=self.host,
                )
            )
        if self.allow_origins:
            out.append(
                msg("Web pages from {origins} may call the API from a browser.", origins=", ".join(self.allow_origins))
            )
        return out

