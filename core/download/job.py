"""A download job: resumable HTTP Range transfer into `.part`, retries, sha256, atomic install; Qt-free, thread-safe.

We move the bytes ourselves (see transport.py) instead of calling `hf_hub_download`, because
`hf_hub_download` restarts an interrupted file from zero after a restart, checks the size but not the
sha256, and only warns on low disk. huggingface_hub still supplies the metadata, URLs and auth headers.

Threads: `run()` blocks in the caller's thread (a QThread worker in the GUI, the main thread in the CLI).
A helper thread per HTTP connection reads the socket into a bounded queue, so `run()` never blocks on the
network for more than a fraction of a second: `pause()` and `cancel()` (from any thread) are honoured within
a second in every phase, and hashing/writing overlaps with receiving.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO

from modelnest.core import paths
from modelnest.core.atomic import fsync_dir
from modelnest.core.download import disk
from modelnest.core.download.errors import (
    ChecksumMismatchError,
    DownloadError,
    HubAccessError,
    NotEnoughDiskSpaceError,
    TransferFailedError,
)
from modelnest.core.download.hub import RemoteFile, ensure_online
from modelnest.core.download.partial import (
    FilePaths,
    PartialDownload,
    exclusive,
    make_sidecar,
    read_json,
    read_manifest,
    record_verified,
    write_json_atomic,
)
from modelnest.core.download.transport import StreamResponse, TransportError, open_stream
from modelnest.core.messages import Message, Text, msg, text_of

log = logging.getLogger(__name__)

_HASH_BLOCK = 4 * 1024 * 1024
_PARALLEL_HASH_MIN = 128 * 1024  # smaller chunks (slow links) are hashed inline: a thread hand-off costs more
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")


class DownloadState(str, Enum):
    QUEUED = "queued"
    CHECKING = "checking"  # locks, disk space, files already on disk, re-hashing a resumed prefix
    DOWNLOADING = "downloading"
    RETRYING = "retrying"  # waiting before reconnecting (message says why and when)
    VERIFYING = "verifying"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class DownloadProgress:
    """One snapshot for a progress bar: totals cover every part of a split model."""

    state: DownloadState
    filename: str
    file_index: int  # 0-based index of the current part
    file_count: int
    bytes_done: int
    bytes_total: int
    speed: float  # bytes per second over the last few seconds
    eta: float | None  # seconds, None while the speed is unknown
    message: Text = ""  # a Message from the job (the GUI translates it), "" when there is nothing to say

    @property
    def fraction(self) -> float:
        return self.bytes_done / self.bytes_total if self.bytes_total else 0.0


@dataclass(frozen=True)
class TransferSettings:
    """Knobs for retries and stall detection (tests shrink the delays)."""

    max_retries: int = 8  # consecutive failed attempts without new bytes before giving up
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    stall_timeout: float = 30.0  # no byte for this long: drop the connection and reconnect with Range
    connect_timeout: float = 20.0
    disk_margin: int | None = None  # None: disk.default_margin()
    progress_interval: float = 0.1


class _Interrupted(Exception):
    """pause() or cancel() was called."""


class _Transient(Exception):
    """A failure worth retrying (dropped connection, stall, 429, 5xx)."""

    def __init__(self, message: Message, retry_after: float | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.retry_after = retry_after


class _Checksum:
    """Incremental sha256 (LFS files) or git blob sha1 (small files) over the bytes written so far."""

    def __init__(self, remote: RemoteFile) -> None:
        self.remote = remote
        self.reset()

    def reset(self) -> None:
        if self.remote.sha256:
            self._h = hashlib.sha256()
        else:
            self._h = hashlib.sha1(f"blob {self.remote.size}\0".encode())  # git's object id, not a security hash
        self.length = 0

    def update(self, data: bytes | memoryview) -> None:
        self._h.update(data)
        self.length += len(data)

    @property
    def expected(self) -> str:
        return (self.remote.sha256 or self.remote.git_sha1 or "").lower()

    @property
    def kind(self) -> str:
        return "sha256" if self.remote.sha256 else "git sha1"

    def hexdigest(self) -> str:
        return self._h.hexdigest()


class _Fetch(threading.Thread):
    """One HTTP GET read by a helper thread into a bounded queue; `stop()` abandons it at once."""

    def __init__(self, url: str, headers: dict[str, str], timeout: float) -> None:
        super().__init__(name="modelnest-download-fetch", daemon=True)
        self._url, self._headers, self._timeout = url, headers, timeout
        # Up to 32 reads of at most 1 MiB in flight: the socket keeps flowing while the job thread hashes and writes.
        self.items: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=32)
        self._stopped = threading.Event()
        self._response: StreamResponse | None = None

    def run(self) -> None:
        response = None
        try:
            response = open_stream(self._url, self._headers, timeout=self._timeout)
            self._response = response
            if self._stopped.is_set() or not self._put(("response", response)):
                return
            if response.status not in (200, 206):
                return
            while data := response.read():
                if not self._put(("data", data)):
                    return
            self._put(("end", None))
        except Exception as exc:  # noqa: BLE001 - every failure is handed to the job thread
            self._put(("error", exc))
        finally:
            if response is not None:
                response.close()

    def _put(self, item: tuple[str, Any]) -> bool:
        while not self._stopped.is_set():
            try:
                self.items.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def stop(self) -> None:
        """Abandon the transfer: the reader notices within 0.2 s, and shutting the socket wakes a blocked read."""
        self._stopped.set()
        response = self._response
        if response is not None:
            response.abort()


class Download:
    """Download the files of one model (all parts of a split GGUF), resumably, into the models folder.

    Use from any one thread: `run()` blocks until the model is installed (returns DONE), paused (PAUSED, the
    `.part` files are kept), or cancelled (CANCELLED, the current `.part` is deleted); failures raise a
    DownloadError whose message is for the user. `pause()`, `cancel()` and `progress` are safe from any thread.
    `run()` may be called again after a pause or a failure: it continues from the bytes on disk.
    """

    def __init__(
        self,
        files: Sequence[RemoteFile],
        *,
        models_dir: Path | None = None,
        token: str | bool | None = None,
        on_progress: Callable[[DownloadProgress], None] | None = None,
        settings: TransferSettings | None = None,
    ) -> None:
        if not files:
            raise DownloadError(msg("Nothing to download."))
        self.files = list(files)
        self.models_dir = models_dir
        self.token = token
        self.on_progress = on_progress
        self.settings = settings or TransferSettings()
        self._pause = threading.Event()
        self._cancel = threading.Event()
        self._run_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._fetch: _Fetch | None = None
        total = sum(f.size for f in self.files)
        self._progress = DownloadProgress(
            DownloadState.QUEUED, self.files[0].filename, 0, len(self.files), 0, total, 0.0, None
        )
        self._last_emit = 0.0
        self._samples: deque[tuple[float, int]] = deque()
        self.paths: list[Path] = []
        self.resumed_from: dict[str, int] = {}  # filename -> bytes already on disk when this run started

    @classmethod
    def from_partial(cls, partial: PartialDownload, **kwargs: Any) -> Download:
        """Resume a leftover found by find_partial_downloads() (with every part of its split set)."""
        if partial.remote is None:
            raise DownloadError(
                msg("{file} has no readable description; it can only be deleted.", file=partial.part.name)
            )
        return cls(list(partial.group) or [partial.remote], **kwargs)

    # --- control, from any thread ---------------------------------------------------------------------------

    def pause(self) -> None:
        """Stop soon, keeping the partial file; `run()` returns PAUSED within a second."""
        self._pause.set()
        self._abort_fetch()

    def cancel(self) -> None:
        """Stop soon and delete the partial file; `run()` returns CANCELLED within a second."""
        self._cancel.set()
        self._abort_fetch()

    @property
    def progress(self) -> DownloadProgress:
        with self._state_lock:
            return self._progress

    def _abort_fetch(self) -> None:
        fetch = self._fetch
        if fetch is not None:
            fetch.stop()

    # --- the job --------------------------------------------------------------------------------------------

    def run(self) -> DownloadState:
        """Download, verify and install every file; see the class docstring for the outcomes."""
        if not self._run_lock.acquire(blocking=False):
            raise DownloadError(msg("This download is already running."))
        try:
            return self._run()
        except _Interrupted:
            state = DownloadState.CANCELLED if self._cancel.is_set() else DownloadState.PAUSED
            self._emit(state, force=True)
            return state
        except DownloadError as exc:
            self._emit(DownloadState.FAILED, message=text_of(exc), force=True)
            raise
        except OSError as exc:
            # Permissions, a vanished folder, a file held open by another program (Windows): still one plain line.
            reason = exc.strerror or str(exc)
            error = DownloadError(
                msg("Could not write the model to disk ({path}): {reason}.", path=exc.filename, reason=reason)
                if exc.filename else msg("Could not write the model to disk: {reason}.", reason=reason)
            )
            self._emit(DownloadState.FAILED, message=text_of(error), force=True)
            raise error from exc
        finally:
            self._fetch = None
            # Cleared on the way out, not the way in: a pause()/cancel() that races the start is still obeyed.
            self._pause.clear()
            self._cancel.clear()
            self._run_lock.release()

    def discard_partials(self) -> None:
        """Delete the `.part` files of this job (e.g. "cancel" pressed while paused); refused while it runs."""
        if self._run_lock.locked():
            raise DownloadError(msg("Cancel the running download instead; it deletes its own partial file."))
        root = self.models_dir or paths.models_dir()
        for remote in self.files:
            fp = FilePaths.for_file(root, remote.repo_id, remote.filename)
            with exclusive(fp):
                fp.part.unlink(missing_ok=True)
                fp.sidecar.unlink(missing_ok=True)

    def _run(self) -> DownloadState:
        ensure_online()
        models_dir = self.models_dir or paths.models_dir()
        layout = [FilePaths.for_file(models_dir, f.repo_id, f.filename) for f in self.files]  # names checked first
        self._emit(DownloadState.CHECKING, force=True)
        with ExitStack() as locks:
            for fp in layout:
                fp.final.parent.mkdir(parents=True, exist_ok=True)
                locks.enter_context(exclusive(fp))  # never two writers: refuse before touching any byte
            todo: list[tuple[RemoteFile, FilePaths]] = []
            done_bytes = 0
            for remote, fp in zip(self.files, layout, strict=True):
                if self._already_installed(remote, fp):
                    done_bytes += remote.size
                else:
                    todo.append((remote, fp))
            needed = sum(r.size - self._reusable_bytes(r, fp) for r, fp in todo)
            disk.ensure_free_space(layout[0].final.parent, needed, margin=self.settings.disk_margin)
            self._set(bytes_done=done_bytes)
            headers = self._headers()
            for index, (remote, fp) in enumerate(zip(self.files, layout, strict=True)):
                if (remote, fp) not in todo:
                    continue
                self._set(filename=remote.filename, file_index=index)
                self._download_one(headers, remote, fp, base_done=self.progress.bytes_done)
            self.paths = [fp.final for fp in layout]
        self._emit(DownloadState.DONE, force=True)
        return DownloadState.DONE

    def _headers(self) -> dict[str, str]:
        from huggingface_hub.utils import build_hf_headers

        headers = build_hf_headers(token=self.token, library_name="modelnest", library_version="0.1.0")
        headers["Accept-Encoding"] = "identity"  # the byte count and the sha256 are of the raw file
        return headers

    def _already_installed(self, remote: RemoteFile, fp: FilePaths) -> bool:
        """True when the final file is there and verified (by the manifest, else by hashing it once now)."""
        if not fp.final.is_file() or fp.final.stat().st_size != remote.size:
            return False
        entry = read_manifest(fp.repo_folder).get(remote.filename) or {}
        expected = (remote.sha256 or remote.git_sha1 or "").lower()
        if entry and (entry.get("sha256") or entry.get("git_sha1") or "").lower() == expected:
            return True
        checksum = _Checksum(remote)
        self._emit(DownloadState.VERIFYING, message=msg("checking {file} already on disk", file=remote.filename),
                   force=True)
        with open(fp.final, "rb") as fh:
            self._hash_prefix(fh, checksum, remote.size)
        if checksum.hexdigest() == expected:
            record_verified(fp.repo_folder, remote)
            return True
        return False

    @staticmethod
    def _reusable_bytes(remote: RemoteFile, fp: FilePaths) -> int:
        """Bytes of an earlier `.part` that belong to this exact file (same checksum and size), else 0."""
        sidecar = read_json(fp.sidecar) or {}
        try:
            previous = RemoteFile.from_json(sidecar["file"])
        except (KeyError, TypeError, ValueError, DownloadError):
            return 0
        same = (previous.sha256, previous.git_sha1, previous.size) == (remote.sha256, remote.git_sha1, remote.size)
        if not same or not fp.part.is_file():
            return 0
        size = fp.part.stat().st_size
        return size if size <= remote.size else 0

    def _download_one(self, headers: dict[str, str], remote: RemoteFile, fp: FilePaths, base_done: int) -> None:
        if not (remote.sha256 or remote.git_sha1):
            raise DownloadError(
                msg("The hub published no checksum for {file}; ModelNest does not install unverified models.",
                    file=remote.filename)
            )
        offset = self._reusable_bytes(remote, fp)
        if offset == 0:
            fp.part.unlink(missing_ok=True)  # stale bytes of another version, or of an unknown origin
        write_json_atomic(fp.sidecar, make_sidecar(remote, self.files))
        self.resumed_from[remote.filename] = offset
        checksum = _Checksum(remote)
        retried_whole = False
        while True:
            try:
                self._transfer(headers, remote, fp, checksum, base_done)
                self._install(remote, fp, checksum)
                self._set(bytes_done=base_done + remote.size)
                return
            except ChecksumMismatchError:
                # A resumed prefix may be what is damaged (written before a power cut): one clean retry.
                if self.resumed_from[remote.filename] > 0 and not retried_whole:
                    retried_whole = True
                    self.resumed_from[remote.filename] = 0
                    log.warning(
                        "%s failed verification after a resume; downloading it again from zero", remote.filename
                    )
                    write_json_atomic(fp.sidecar, make_sidecar(remote, self.files))
                    continue
                raise
            except _Interrupted:
                if self._cancel.is_set():
                    fp.part.unlink(missing_ok=True)
                    fp.sidecar.unlink(missing_ok=True)
                raise

    def _check_interrupt(self) -> None:
        if self._cancel.is_set() or self._pause.is_set():
            raise _Interrupted()

    def _hash_prefix(self, fh: BinaryIO, checksum: _Checksum, length: int) -> None:
        """Re-hash the bytes already on disk (a resume continues the sha256 from the real prefix)."""
        checksum.reset()
        fh.seek(0)
        remaining = length
        while remaining > 0:
            self._check_interrupt()
            block = fh.read(min(_HASH_BLOCK, remaining))
            if not block:
                break
            checksum.update(block)
            remaining -= len(block)

    def _transfer(
        self, headers: dict[str, str], remote: RemoteFile, fp: FilePaths, checksum: _Checksum, base_done: int
    ) -> None:
        """Bring `fp.part` to the full size, retrying with backoff; the checksum follows every byte written."""
        failures = 0
        fp.part.touch(exist_ok=True)
        with open(fp.part, "r+b", buffering=0) as fh:
            while True:
                self._check_interrupt()
                offset = os.fstat(fh.fileno()).st_size
                if offset > remote.size:
                    offset = 0
                    fh.truncate(0)
                if checksum.length != offset:
                    if offset:
                        self._emit(DownloadState.CHECKING, force=True, message=msg(
                            "re-reading {size} already downloaded", size=disk.format_bytes(offset)))
                    self._hash_prefix(fh, checksum, offset)
                self._set(bytes_done=base_done + offset)
                if offset == remote.size:
                    return
                if offset:
                    self._emit(DownloadState.DOWNLOADING, force=True, message=msg(
                        "resuming {file} from {size}", file=remote.filename, size=disk.format_bytes(offset)))
                else:
                    self._emit(DownloadState.DOWNLOADING, force=True)
                before = offset
                try:
                    self._stream(headers, remote, fh, offset, checksum, base_done)
                    return
                except _Transient as exc:
                    now = os.fstat(fh.fileno()).st_size
                    failures = 0 if now > before else failures + 1
                    if failures > self.settings.max_retries:
                        raise TransferFailedError(msg(
                            "Downloading {file} kept failing ({reason}); gave up after {retries} retries. "
                            "{size} are kept and the next attempt continues from there.",
                            file=remote.filename, reason=exc.message, retries=self.settings.max_retries,
                            size=disk.format_bytes(now),
                        )) from None
                    delay = min(self.settings.backoff_max, self.settings.backoff_initial * 2 ** max(failures - 1, 0))
                    if exc.retry_after is not None:
                        delay = min(max(delay, exc.retry_after), self.settings.backoff_max * 4)
                    log.info("%s: %s; retrying in %.1f s", remote.filename, exc, delay)
                    self._emit(DownloadState.RETRYING, force=True, message=msg(
                        "{reason}; retrying in {seconds:.0f} s", reason=exc.message, seconds=delay))
                    self._sleep(delay)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self._check_interrupt()
            self._cancel.wait(min(left, 0.1))
        self._check_interrupt()

    def _stream(
        self,
        headers: dict[str, str],
        remote: RemoteFile,
        fh: BinaryIO,
        offset: int,
        checksum: _Checksum,
        base_done: int,
    ) -> None:
        """One connection: GET with Range from `offset`, append to the file until complete (or raise)."""
        if offset:
            headers = {**headers, "Range": f"bytes={offset}-"}
        # The socket timeout only backs up the stall detection in _next(), which is what decides to reconnect.
        fetch = _Fetch(remote.url, headers, timeout=max(self.settings.connect_timeout, self.settings.stall_timeout + 5))
        self._fetch = fetch
        if self._cancel.is_set() or self._pause.is_set():
            raise _Interrupted()
        fetch.start()
        hash_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="modelnest-sha256")
        hashing: deque[Future[None]] = deque()
        try:
            kind, response = self._next(fetch, remote)
            if kind != "response":
                raise self._as_transient(response)
            offset = self._check_response(response, remote, fh, offset, checksum)
            while True:
                kind, value = self._next(fetch, remote)
                if kind == "data":
                    if offset + len(value) > remote.size:
                        while hashing:
                            hashing.popleft().result()
                        fh.truncate(0)
                        checksum.reset()
                        raise DownloadError(msg(
                            "The server sent more than the {size} bytes the hub announced for {file}; "
                            "the partial file was deleted.", size=remote.size, file=remote.filename,
                        ))
                    if len(value) >= _PARALLEL_HASH_MIN:
                        # Hash on another core while this thread writes (both release the GIL), up to a few chunks
                        # behind; a chunk whose write fails is still hashed, which the re-hash at the next attempt
                        # (checksum.length != file size) sets right.
                        hashing.append(hash_pool.submit(checksum.update, value))
                        while len(hashing) > 8:
                            hashing.popleft().result()
                        self._write(fh, value, remote, offset)
                    else:
                        while hashing:
                            hashing.popleft().result()
                        self._write(fh, value, remote, offset)
                        checksum.update(value)
                    offset += len(value)
                    self._bytes(base_done + offset)
                elif kind == "end":
                    if offset != remote.size:
                        raise _Transient(msg("the connection ended after {done} of {total}",
                                             done=disk.format_bytes(offset), total=disk.format_bytes(remote.size)))
                    return
                else:
                    raise self._as_transient(value)
        finally:
            fetch.stop()
            self._fetch = None
            hash_pool.shutdown(wait=True)  # every submitted chunk is hashed before the checksum is read

    def _next(self, fetch: _Fetch, remote: RemoteFile) -> tuple[str, Any]:
        """The next item from the reader thread; checks pause/cancel often and turns silence into a stall."""
        deadline = time.monotonic() + self.settings.stall_timeout
        while True:
            self._check_interrupt()
            try:
                return fetch.items.get(timeout=min(0.2, max(deadline - time.monotonic(), 0.001)))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    raise _Transient(
                        msg("no data for {seconds:.0f} s (stalled)", seconds=self.settings.stall_timeout)
                    ) from None

    @staticmethod
    def _as_transient(exc: Exception) -> Exception:
        if isinstance(exc, TransportError):
            return _Transient(msg("connection problem ({error})", error=str(exc)))
        if isinstance(exc, DownloadError):
            return exc
        return _Transient(msg("unexpected error ({kind}: {error})", kind=type(exc).__name__, error=str(exc)))

    def _check_response(
        self, response: StreamResponse, remote: RemoteFile, fh: BinaryIO, offset: int, checksum: _Checksum
    ) -> int:
        """Validate status and Content-Range; returns the offset the body starts at (0 when Range was ignored)."""
        status = response.status
        if status == 206:
            match = _CONTENT_RANGE.match(response.headers.get("Content-Range", "").strip())
            if not match or int(match[1]) != offset:
                raise _Transient(msg("the server answered a different range ({range!r})",
                                     range=response.headers.get("Content-Range")))
            if match[3] != "*" and int(match[3]) != remote.size:
                raise DownloadError(msg(
                    "The server's copy of {file} is {size} bytes, the hub announced {announced}; "
                    "the file may have changed. Try again later.", file=remote.filename, size=match[3],
                    announced=remote.size,
                ))
            return offset
        if status == 200:
            length = response.headers.get("Content-Length")
            if length is not None and int(length) != remote.size:
                raise DownloadError(msg(
                    "The server's copy of {file} is {size} bytes, the hub announced {announced}; "
                    "the file may have changed. Try again later.", file=remote.filename, size=length,
                    announced=remote.size,
                ))
            if offset:
                # The server ignored Range and is sending the whole file: start over cleanly, never append.
                log.warning("%s: server ignored Range; restarting from zero", remote.filename)
                self._emit(DownloadState.DOWNLOADING, message=msg("the server cannot resume; restarting from zero"),
                           force=True)
            fh.truncate(0)
            fh.seek(0)
            checksum.reset()
            self.resumed_from[remote.filename] = 0
            return 0
        if status == 416:
            fh.truncate(0)
            checksum.reset()
            raise _Transient(msg("the server refused the resume range; restarting from zero"))
        retry_after = _retry_after(response.headers.get("Retry-After"))
        if status == 429:
            raise _Transient(msg("the server is rate-limiting (429)"), retry_after=retry_after)
        if status >= 500 or status == 408:
            raise _Transient(msg("server error {status}", status=status), retry_after=retry_after)
        page = f"{remote.endpoint}/{remote.repo_id}"
        if status == 401:
            raise HubAccessError(
                msg("{endpoint} asks for a login to download {file}: set HF_TOKEN or run `hf auth login`.",
                    endpoint=remote.endpoint, file=remote.filename),
                401,
            )
        if status == 403:
            raise HubAccessError(
                msg("Access to {file} was refused (403). If {repo} is gated, accept its license at {page} and check "
                    "that HF_TOKEN belongs to that account.", file=remote.filename, repo=remote.repo_id, page=page),
                403,
            )
        if status == 404:
            raise HubAccessError(
                msg("{file} is no longer on {endpoint} (404) at revision {revision}.", file=remote.filename,
                    endpoint=remote.endpoint, revision=remote.revision[:12]),
                404,
            )
        raise HubAccessError(
            msg("{endpoint} answered {status} for {file}.", endpoint=remote.endpoint, status=status,
                file=remote.filename),
            status,
        )

    @staticmethod
    def _write(fh: BinaryIO, data: bytes, remote: RemoteFile, offset: int) -> None:
        view = memoryview(data)
        try:
            while view:
                written = fh.write(view)
                view = view[written or 0 :]
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
                raise NotEnoughDiskSpaceError(
                    msg("The disk filled up while downloading {file} ({done} of {total} written). The partial file "
                        "is kept: free up at least {missing} and start the download again to continue.",
                        file=remote.filename, done=disk.format_bytes(offset), total=disk.format_bytes(remote.size),
                        missing=disk.format_bytes(remote.size - offset)),
                    missing_bytes=remote.size - offset,
                ) from None
            raise DownloadError(
                msg("Could not write {file}: {reason}.", file=remote.filename, reason=exc.strerror or str(exc))
            ) from None

    def _install(self, remote: RemoteFile, fp: FilePaths, checksum: _Checksum) -> None:
        """Verify, fsync, then atomically rename into place; a mismatch deletes the file."""
        self._emit(DownloadState.VERIFYING, force=True)
        actual = checksum.hexdigest()
        if checksum.length != remote.size or actual != checksum.expected:
            fp.part.unlink(missing_ok=True)
            fp.sidecar.unlink(missing_ok=True)
            raise ChecksumMismatchError(msg(
                "{file} is damaged: its {kind} is {actual}…, the hub says {expected}…. The downloaded file was "
                "deleted; try again (if it happens again, the mirror may be serving a bad copy).",
                file=remote.filename, kind=checksum.kind, actual=actual[:16], expected=checksum.expected[:16],
            ))
        with open(fp.part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(fp.part, fp.final)
        fsync_dir(fp.final.parent)  # the rename itself survives a power cut
        record_verified(fp.repo_folder, remote)
        fp.sidecar.unlink(missing_ok=True)

    # --- progress ----------------------------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        with self._state_lock:
            self._progress = replace(self._progress, **changes)

    def _bytes(self, bytes_done: int) -> None:
        now = time.monotonic()
        with self._state_lock:
            self._samples.append((now, bytes_done))
            while len(self._samples) > 2 and now - self._samples[0][0] > 5.0:
                self._samples.popleft()
            t0, b0 = self._samples[0]
            speed = (bytes_done - b0) / (now - t0) if now - t0 > 0.2 else self._progress.speed
            left = self._progress.bytes_total - bytes_done
            eta = left / speed if speed > 0 else None
            self._progress = replace(self._progress, bytes_done=bytes_done, speed=speed, eta=eta)
        self._emit(DownloadState.DOWNLOADING)

    def _emit(self, state: DownloadState, *, message: Text | None = None, force: bool = False) -> None:
        now = time.monotonic()
        with self._state_lock:
            changed = state != self._progress.state
            if message is not None or changed:
                self._progress = replace(self._progress, state=state, message=message or "")
            if state in (DownloadState.RETRYING, DownloadState.PAUSED, DownloadState.CANCELLED):
                self._samples.clear()
                self._progress = replace(self._progress, speed=0.0, eta=None)
            if not (force or changed) and now - self._last_emit < self.settings.progress_interval:
                return
            self._last_emit = now
            snapshot = self._progress
        if self.on_progress is not None:
            self.on_progress(snapshot)


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None
