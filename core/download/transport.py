"""Streaming HTTP GET for model bytes over the standard library's http.client: redirects, TLS, proxies, abort.

Deliberately not httpx2 (huggingface_hub's client, still used for all metadata): its pure-Python h11 parser
re-copies every body chunk and capped a local transfer at ~350 MB/s on our 2-core machines, a third of curl's
speed; `HTTPResponse.read1` hands over whatever the socket has in one copy, so the download keeps up with curl
(benchmarks/download_throughput.py). What httpx2 gave us for free is re-done here in a few lines each:
redirects (Authorization dropped when the host changes, as httpx does), the OS trust store (truststore, an
httpx2 dependency), HTTP(S)_PROXY / NO_PROXY, timeouts, and an abort that wakes a blocked read at once.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.request
from base64 import b64encode
from urllib.parse import unquote, urljoin, urlsplit

MAX_REDIRECTS = 10
READ_SIZE = 1024 * 1024


class TransportError(Exception):
    """The connection failed (refused, reset, timed out, TLS, bad redirect): worth a retry."""


def _ssl_context() -> ssl.SSLContext:
    try:
        import truststore  # the OS certificate store, like httpx2 and pip use

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:  # pragma: no cover - truststore comes with huggingface_hub's httpx2
        return ssl.create_default_context()


_SSL: ssl.SSLContext | None = None


def _proxy_for(scheme: str, host: str) -> str | None:
    """The proxy URL from HTTP(S)_PROXY (or the OS settings), unless NO_PROXY exempts the host."""
    if urllib.request.proxy_bypass(host):
        return None
    return urllib.request.getproxies().get(scheme)


class StreamResponse:
    """An open GET: status and headers known, body read with `read()`; `abort()` is safe from any thread."""

    def __init__(self, conn: http.client.HTTPConnection, response: http.client.HTTPResponse, url: str) -> None:
        self._conn = conn
        self._response = response
        self.url = url
        self.status = response.status
        self.headers = response.headers  # case-insensitive .get()

    def read(self, size: int = READ_SIZE) -> bytes:
        """Up to `size` bytes, as soon as any are there; b"" at the end (or when the server hung up early)."""
        try:
            return self._response.read1(size)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc

    def abort(self) -> None:
        """Wake a read blocked in another thread (shutdown, unlike close, interrupts a pending recv)."""
        sock = self._conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        try:
            self._response.close()
        finally:
            self._conn.close()


def _connect(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection for url (through a proxy when configured) and the request target to send."""
    global _SSL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TransportError(f"unsupported address {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if parts.scheme == "https" and _SSL is None:
        _SSL = _ssl_context()
    proxy = _proxy_for(parts.scheme, parts.hostname)
    if not proxy:
        if parts.scheme == "https":
            return http.client.HTTPSConnection(parts.hostname, port, timeout=timeout, context=_SSL), target
        return http.client.HTTPConnection(parts.hostname, port, timeout=timeout), target
    proxy_parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
    proxy_headers = {}
    if proxy_parts.username:
        creds = f"{unquote(proxy_parts.username)}:{unquote(proxy_parts.password or '')}".encode()
        proxy_headers["Proxy-Authorization"] = "Basic " + b64encode(creds).decode()
    proxy_port = proxy_parts.port or (443 if proxy_parts.scheme == "https" else 80)
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            proxy_parts.hostname or "", proxy_port, timeout=timeout, context=_SSL
        )
        conn.set_tunnel(parts.hostname, port, headers=proxy_headers)  # CONNECT: the proxy never sees the bytes
        return conn, target
    conn = http.client.HTTPConnection(proxy_parts.hostname or "", proxy_port, timeout=timeout)
    conn._modelnest_proxy_headers = proxy_headers  # type: ignore[attr-defined]
    return conn, url  # plain-http proxies take the absolute URL


def open_stream(url: str, headers: dict[str, str], *, timeout: float) -> StreamResponse:
    """GET url following redirects; returns the final response (any status) with its body unread."""
    headers = dict(headers)
    for _ in range(MAX_REDIRECTS + 1):
        conn, target = _connect(url, timeout)
        try:
            sent = {**headers, **getattr(conn, "_modelnest_proxy_headers", {})}
            conn.request("GET", target, headers=sent)
            response = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        location = response.headers.get("Location")
        if response.status in (301, 302, 303, 307, 308) and location:
            response.close()
            conn.close()
            new_url = urljoin(url, location)
            if urlsplit(new_url)[:2] != urlsplit(url)[:2]:
                # Another host (the hub's CDN): its URL is signed, and our token must not leak to it.
                headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            url = new_url
            continue
        return StreamResponse(conn, response, url)
    raise TransportError(f"more than {MAX_REDIRECTS} redirects")
