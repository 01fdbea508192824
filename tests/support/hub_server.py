"""A local hub-like HTTP server on 127.0.0.1 for download tests: real bytes, real sockets, injectable faults.

Answers what huggingface_hub 2.4 asks for — `GET /api/models/{repo}[/revision/{rev}]` (siblings with size,
blobId and lfs sha256 when `blobs=True`), `POST /api/models/{repo}/paths-info/{rev}`, and
`HEAD|GET /{repo}/resolve/{rev}/{file}` with ETag, X-Repo-Commit, X-Linked-Etag, X-Linked-Size and Range → 206 —
and can break a transfer the way networks and mirrors do (see `Fault`). Every request is logged with its
Range header, so tests can assert where a download resumed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"
REPO = "acme/tiny-GGUF"  # the repository most tests host their files in


@dataclass
class Fault:
    """A misbehaviour applied to the next `times` GETs of one file (times=-1: every GET).

    kind: "drop" (close the socket after `at` of the file), "ignore_range" (200 + whole file whatever the
    Range), "flip" (one byte at `at` inverted), "stall" (send up to `at`, then go silent for `seconds`),
    "status" (answer `status`, with Retry-After `retry_after` if set), "drip" (`chunk` bytes every `interval`).
    """

    kind: str
    times: int = 1
    at: float = 0.3
    seconds: float = 30.0
    status: int = 500
    retry_after: float | None = None
    chunk: int = 1024
    interval: float = 0.05


@dataclass
class HostedFile:
    path: Path
    size: int
    sha256: str
    git_sha1: str
    lfs: bool


@dataclass
class RequestRecord:
    method: str
    path: str
    range: str | None
    status: int
    authorization: str | None
    headers: dict[str, str] = field(default_factory=dict)
    time: float = field(default_factory=time.monotonic)


def _git_sha1(path: Path, size: int) -> str:
    h = hashlib.sha1(f"blob {size}\0".encode())  # git's object id, not a security hash
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


class HubServer:
    """Threaded hub-like server. Use as a context manager; `endpoint` is the HF_ENDPOINT to point clients at."""

    def __init__(self, root: Path, *, token: str | None = None, redirect: bool = False, commit: str = COMMIT) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.token = token  # required for gated repos
        self.redirect = redirect  # resolve answers 302 to /cdn/<sha256> like the real hub's LFS files
        self.cdn_endpoint: str | None = None  # redirect to another server (host) instead of this one
        self.commit = commit
        self.repos: dict[str, dict[str, HostedFile]] = {}
        self.gated: set[str] = set()
        self.omit_lfs_metadata = False  # a mirror that lists files without sizes/checksums
        self.faults: dict[tuple[str, str], Fault] = {}
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self.stalled = threading.Event()  # set when a "stall" fault has sent its bytes and gone silent
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- content -------------------------------------------------------------------------------------------

    def add_file(self, repo_id: str, filename: str, data: bytes | None = None, *, path: Path | None = None,
                 size: int | None = None, lfs: bool = True, seed: int = 0) -> HostedFile:
        """Host a file: given bytes, an existing path, or `size` random bytes (seeded, written once to disk)."""
        if path is None:
            path = self.root / "blobs" / hashlib.sha1(f"{repo_id}/{filename}/{seed}".encode()).hexdigest()
            path.parent.mkdir(parents=True, exist_ok=True)
            if data is None:
                assert size is not None
                rng = __import__("random").Random(seed or filename)
                with open(path, "wb") as fh:
                    left = size
                    while left:
                        n = min(left, 1 << 20)
                        fh.write(rng.randbytes(n))
                        left -= n
            else:
                path.write_bytes(data)
        real_size = path.stat().st_size
        hosted = HostedFile(path, real_size, _sha256(path), _git_sha1(path, real_size), lfs)
        with self._lock:
            self.repos.setdefault(repo_id, {})[filename] = hosted
        return hosted

    def set_fault(self, repo_id: str, filename: str, fault: Fault | None) -> None:
        with self._lock:
            if fault is None:
                self.faults.pop((repo_id, filename), None)
            else:
                self.faults[(repo_id, filename)] = fault

    def gets_for(self, filename: str) -> list[RequestRecord]:
        """Logged GETs of one file's bytes (resolve or CDN), oldest first."""
        with self._lock:
            return [r for r in self.requests if r.method == "GET" and r.path.endswith("/" + filename)]

    def _take_fault(self, repo_id: str, filename: str) -> Fault | None:
        with self._lock:
            fault = self.faults.get((repo_id, filename))
            if fault is None:
                return None
            if fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    del self.faults[(repo_id, filename)]
            return fault

    def _log(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)

    # --- lifecycle -----------------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubServer:
        server = self

        class Handler(_HubHandler):
            hub = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="hub-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_INFO = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+?)(?:/revision/(?P<rev>[^/]+))?$")
_PATHS_INFO = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)/paths-info/(?P<rev>[^/]+)$")
_CDN = re.compile(r"^/cdn/(?P<repo>[^/]+/[^/]+)/(?P<sha>[0-9a-f]{64})/(?P<file>.+)$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up mid-body is what the fault tests do on purpose; anything else is a bug to show.
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, OSError)):
            super().handle_error(request, client_address)


class _HubHandler(BaseHTTPRequestHandler):
    hub: HubServer
    protocol_version = "HTTP/1.1"  # keep-alive, like the real hub

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr logging
        pass

    # --- helpers -------------------------------------------------------------------------------------------

    def _record(self, status: int) -> None:
        self.hub._log(RequestRecord(self.command, unquote(urlsplit(self.path).path), self.headers.get("Range"),
                                    status, self.headers.get("Authorization"), dict(self.headers.items())))

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self._record(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(
        self, status: int, code: str | None = None, message: str = "error", extra: dict[str, str] | None = None
    ) -> None:
        headers = dict(extra or {})
        if code:
            headers["X-Error-Code"] = code
        headers["X-Error-Message"] = message
        self._send_json(status, {"error": message}, headers)

    def _auth_error(self, repo_id: str) -> bool:
        """Gated repos need the server's token: none → 401, a wrong one → 403 (as the hub does)."""
        if repo_id not in self.hub.gated:
            return False
        auth = self.headers.get("Authorization")
        if not auth:
            self._error(401, "GatedRepo", f"Access to model {repo_id} is restricted. You must be authenticated.")
            return True
        if auth != f"Bearer {self.hub.token}":
            self._error(
                403, "GatedRepo", f"Access to model {repo_id} is restricted and you are not in the authorized list."
            )
            return True
        return False

    # --- API -------------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        path = unquote(urlsplit(self.path).path)
        match = _PATHS_INFO.match(path)
        if not match:
            return self._error(404, None, "not found")
        repo_id = match["repo"]
        files = self.hub.repos.get(repo_id)
        if files is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        if self._auth_error(repo_id):
            return
        if self.headers.get("Content-Type", "").startswith("application/json"):
            wanted = json.loads(body or "{}").get("paths", [])
        else:
            wanted = parse_qs(body).get("paths", [])
        out = []
        for name in wanted:
            hosted = files.get(name)
            if hosted is None:
                continue
            entry: dict[str, Any] = {"type": "file", "path": name, "size": hosted.size, "oid": hosted.git_sha1}
            if hosted.lfs:
                entry["lfs"] = {"oid": hosted.sha256, "size": hosted.size, "pointerSize": 134}
            out.append(entry)
        self._send_json(200, out)

    def _dispatch(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if match := _INFO.match(path):
            return self._model_info(match["repo"], urlsplit(self.path).query)
        if match := _RESOLVE.match(path):
            return self._resolve(match["repo"], match["file"])
        if match := _CDN.match(path):
            return self._serve(match["repo"], match["file"], cdn=True)
        self._error(404, None, "not found")

    def _model_info(self, repo_id: str, query: str) -> None:
        files = self.hub.repos.get(repo_id)
        if files is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        if self._auth_error(repo_id):
            return
        blobs = "blobs=True" in query or "blobs=true" in query
        siblings = []
        for name, hosted in sorted(files.items()):
            sib: dict[str, Any] = {"rfilename": name}
            if blobs and not self.hub.omit_lfs_metadata:
                sib.update(size=hosted.size, blobId=hosted.git_sha1)
                if hosted.lfs:
                    sib["lfs"] = {"sha256": hosted.sha256, "size": hosted.size, "pointerSize": 134}
            siblings.append(sib)
        self._send_json(200, {
            "_id": "0" * 24, "id": repo_id, "modelId": repo_id, "sha": self.hub.commit, "private": False,
            "gated": "manual" if repo_id in self.hub.gated else False, "disabled": False, "tags": ["gguf"],
            "lastModified": "2026-01-01T00:00:00.000Z", "siblings": siblings,
        })

    def _resolve(self, repo_id: str, filename: str) -> None:
        files = self.hub.repos.get(repo_id)
        if files is None:
            return self._error(404, "RepoNotFound", "Repository not found")
        if self._auth_error(repo_id):
            return
        hosted = files.get(filename)
        if hosted is None:
            return self._error(404, "EntryNotFound", f"{filename} does not exist")
        if self.hub.redirect and hosted.lfs:
            # The real hub: 302 to a CDN with the LFS facts in X-Linked-* headers.
            self._record(302)
            self.send_response(302)
            # Absolute, like the real CDN address: huggingface_hub's HEAD then stops here and reads X-Linked-*.
            cdn = self.hub.cdn_endpoint or self.hub.endpoint
            self.send_header("Location", f"{cdn}/cdn/{repo_id}/{hosted.sha256}/{filename}")
            self.send_header("X-Repo-Commit", self.hub.commit)
            self.send_header("X-Linked-Etag", f'"{hosted.sha256}"')
            self.send_header("X-Linked-Size", str(hosted.size))
            self.send_header("ETag", f'"{hosted.git_sha1}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._serve(repo_id, filename, cdn=False)

    def _serve(self, repo_id: str, filename: str, *, cdn: bool) -> None:
        hosted = self.hub.repos.get(repo_id, {}).get(filename)
        if hosted is None:
            return self._error(404, "EntryNotFound", "not found")
        fault = self.hub._take_fault(repo_id, filename) if self.command == "GET" else None
        if fault is not None and fault.kind == "status":
            extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            code = {401: "GatedRepo", 403: "GatedRepo", 404: "EntryNotFound"}.get(fault.status)
            return self._error(fault.status, code, f"injected {fault.status}", extra)
        etag = hosted.sha256 if hosted.lfs else hosted.git_sha1
        start, end = 0, hosted.size - 1
        status = 200
        range_header = self.headers.get("Range")
        if range_header and not (fault is not None and fault.kind == "ignore_range"):
            match = _RANGE.match(range_header.strip())
            if match:
                start = int(match[1])
                end = min(int(match[2]), hosted.size - 1) if match[2] else hosted.size - 1
                if start >= hosted.size:
                    self._record(416)
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{hosted.size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
        length = end - start + 1
        self._record(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(length))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{etag}"')
        if not cdn:
            self.send_header("X-Repo-Commit", self.hub.commit)
            self.send_header("X-Linked-Etag", f'"{etag}"')
            self.send_header("X-Linked-Size", str(hosted.size))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{hosted.size}")
        self.end_headers()
        if self.command == "HEAD":
            return
        with open(hosted.path, "rb") as fh:
            if fault is None:
                self.connection.sendfile(fh, start, length)  # zero-copy: the benchmark measures the client
                return
            self._send_with_fault(fh, start, length, hosted.size, fault)

    def _send_with_fault(self, fh: Any, start: int, length: int, size: int, fault: Fault) -> None:
        fh.seek(start)
        pos, stop = start, start + length
        cut = int(size * fault.at)
        while pos < stop:
            if self.hub.stopping.is_set():
                break
            if fault.kind in ("drop", "stall") and pos >= cut:
                if fault.kind == "stall":
                    self.hub.stalled.set()
                    self.hub.stopping.wait(fault.seconds)
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            step = fault.chunk if fault.kind == "drip" else 64 * 1024
            if fault.kind in ("drop", "stall"):
                step = min(step, max(cut - pos, 1))
            block = bytearray(fh.read(min(step, stop - pos)))
            if fault.kind == "flip" and pos <= cut < pos + len(block):
                block[cut - pos] ^= 0xFF
            try:
                self.wfile.write(block)
            except OSError:
                return
            pos += len(block)
            if fault.kind == "drip":
                time.sleep(fault.interval)  # the fault itself: a slow link, not a wait for anything


def make_repo(server: HubServer, repo_id: str, files: dict[str, int], *, seed: int = 0) -> dict[str, HostedFile]:
    """Host several random files of the given sizes in one repo."""
    return {
        name: server.add_file(repo_id, name, size=size, seed=seed + i + 1)
        for i, (name, size) in enumerate(files.items())
    }


__all__ = ["COMMIT", "REPO", "Fault", "HostedFile", "HubServer", "RequestRecord", "make_repo"]

if __name__ == "__main__":  # manual runs: python tests/support/hub_server.py DIR REPO FILE SIZE
    import sys

    root, repo, name, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with HubServer(Path(root)) as hub:
        hub.add_file(repo, name, size=size)
        print(hub.endpoint, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            os._exit(0)
