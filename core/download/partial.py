"""Files on disk around a download: `.part` + sidecar JSON + lock, the verified manifest, and leftover partials."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from modelnest.core import paths
from modelnest.core.atomic import atomic_write_json
from modelnest.core.download.errors import DownloadBusyError, UnsafeFileNameError
from modelnest.core.download.hub import RemoteFile
from modelnest.core.download.names import repo_dir_name, validate_remote_filename
from modelnest.core.messages import msg

PART_SUFFIX = ".part"
SIDECAR_SUFFIX = ".part.json"
LOCK_SUFFIX = ".lock"
MANIFEST_NAME = "modelnest-verified.json"
# Lock files live in a hidden folder, not beside the models: on POSIX they must outlive their holders (deleting a
# lock file another process is waiting on would let two writers in), so they would otherwise litter every folder.
LOCKS_DIR = ".locks"
SIDECAR_VERSION = 1


@dataclass(frozen=True)
class FilePaths:
    """Where one remote file lives on disk: final name, partial bytes, sidecar and lock."""

    final: Path
    part: Path
    sidecar: Path
    lock: Path
    repo_folder: Path  # <models>/<owner__name>, where the manifest of verified files lives

    @classmethod
    def for_file(cls, models_dir: Path, repo_id: str, filename: str) -> FilePaths:
        validate_remote_filename(filename)
        repo_dir = (models_dir / repo_dir_name(repo_id)).resolve()
        final = (repo_dir / filename).resolve()
        # Second line of defence after the name check: the resolved path must stay inside the repo folder.
        if repo_dir not in final.parents:
            raise UnsafeFileNameError(
                msg("Refusing file name {name!r}: it resolves outside {folder}.", name=filename, folder=repo_dir)
            )
        return cls(
            final=final,
            part=final.with_name(final.name + PART_SUFFIX),
            sidecar=final.with_name(final.name + SIDECAR_SUFFIX),
            lock=lock_path_for(repo_dir, filename),
            repo_folder=repo_dir,
        )


def lock_path_for(repo_folder: Path, filename: str) -> Path:
    """<models>/.locks/<owner__name>/<file>.lock for the file <models>/<owner__name>/<file>."""
    return repo_folder.parent / LOCKS_DIR / repo_folder.name / (filename + LOCK_SUFFIX)


def writer_identity() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so a crash leaves either the old or the new content, never half a file (modelnest.core.atomic)."""
    atomic_write_json(path, data, indent=1, sort_keys=True)


def read_json(path: Path) -> Any | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def make_sidecar(remote: RemoteFile, group: list[RemoteFile]) -> dict[str, Any]:
    """What a later process needs to resume: the file, its siblings in a split set, and who was writing it."""
    return {
        "version": SIDECAR_VERSION,
        "file": remote.to_json(),
        "group": [f.to_json() for f in group],
        "writer": writer_identity(),
    }


def lock_file(path: Path) -> FileLock:
    """An OS-level lock (flock / LockFileEx via filelock) that dies with its process: never two writers."""
    return FileLock(str(path), timeout=0)


@contextmanager
def exclusive(fp: FilePaths) -> Iterator[None]:
    """Hold the writer lock of one file, or raise DownloadBusyError naming the current writer."""
    fp.lock.parent.mkdir(parents=True, exist_ok=True)
    lock = lock_file(fp.lock)
    try:
        lock.acquire()
    except Timeout:
        writer = (read_json(fp.sidecar) or {}).get("writer") or {}
        raise DownloadBusyError(
            msg("{file} is already being downloaded by another ModelNest (process {pid} on {host}); wait for it to "
                "finish.", file=fp.final.name, pid=writer.get("pid"), host=writer.get("host"))
            if writer else
            msg("{file} is already being downloaded by another ModelNest; wait for it to finish.", file=fp.final.name)
        ) from None
    try:
        yield
    finally:
        lock.release()


# --- the manifest of verified files -------------------------------------------------------------------------


def manifest_path(repo_folder: Path) -> Path:
    return repo_folder / MANIFEST_NAME


def read_manifest(repo_folder: Path) -> dict[str, Any]:
    data = read_json(manifest_path(repo_folder))
    return data if isinstance(data, dict) else {}


def record_verified(repo_folder: Path, remote: RemoteFile) -> None:
    """Remember that `remote` was verified at its final name (so the next pull skips re-hashing it)."""
    lock = lock_path_for(repo_folder, MANIFEST_NAME)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock), timeout=30):
        data = read_manifest(repo_folder)
        data[remote.filename] = {
            "sha256": remote.sha256,
            "git_sha1": remote.git_sha1,
            "size": remote.size,
            "revision": remote.revision,
            "repo_id": remote.repo_id,
            "verified_at": time.time(),
        }
        write_json_atomic(manifest_path(repo_folder), data)


# --- leftovers ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDownload:
    """A `.part` file (or a sidecar) left in the models folder, with what is known about it."""

    part: Path
    sidecar: Path
    lock: Path
    repo_folder: Path
    bytes_on_disk: int
    remote: RemoteFile | None  # None when the sidecar is missing or unreadable: can only be discarded
    group: tuple[RemoteFile, ...]
    writer_pid: int | None
    writer_host: str | None
    in_use: bool  # a live process holds the lock right now

    @property
    def resumable(self) -> bool:
        return self.remote is not None and not self.in_use and self.bytes_on_disk <= self.remote.size

    @property
    def total_bytes(self) -> int | None:
        return self.remote.size if self.remote else None

    def discard(self) -> None:
        """Delete the partial bytes and the sidecar (refused while another process is writing them)."""
        final = self.part.with_name(self.part.name[: -len(PART_SUFFIX)])
        fp = FilePaths(final=final, part=self.part, sidecar=self.sidecar, lock=self.lock, repo_folder=self.repo_folder)
        with exclusive(fp):
            self.part.unlink(missing_ok=True)
            self.sidecar.unlink(missing_ok=True)


def _lock_is_held(lock_path: Path) -> bool:
    if not lock_path.exists():
        return False
    lock = lock_file(lock_path)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def find_partial_downloads(models_dir: Path | None = None) -> list[PartialDownload]:
    """Every unfinished download under the models folder (including ones another live process is writing)."""
    root = (models_dir or paths.models_dir()).resolve()
    found: dict[Path, PartialDownload] = {}
    candidates = {p.resolve() for p in root.rglob("*" + PART_SUFFIX)} | {
        p.resolve().with_name(p.name[: -len(".json")]) for p in root.rglob("*" + SIDECAR_SUFFIX)
    }
    for part in sorted(candidates):
        sidecar = part.with_name(part.name + ".json")
        rel = part.relative_to(root).parts
        if len(rel) < 2 or rel[0] == LOCKS_DIR:
            continue  # not inside a repo folder: not ours
        repo_folder = root / rel[0]
        lock = lock_path_for(repo_folder, "/".join(rel[1:])[: -len(PART_SUFFIX)])
        data = read_json(sidecar) or {}
        remote: RemoteFile | None = None
        group: tuple[RemoteFile, ...] = ()
        try:
            if data.get("version") == SIDECAR_VERSION:
                remote = RemoteFile.from_json(data["file"])
                group = tuple(RemoteFile.from_json(g) for g in data.get("group") or [data["file"]])
                # The sidecar must describe the file it sits next to (a copied or edited sidecar is ignored).
                expected = FilePaths.for_file(root, remote.repo_id, remote.filename)
                if expected.part != part.resolve():
                    remote, group = None, ()
        except (KeyError, TypeError, ValueError, UnsafeFileNameError):
            remote, group = None, ()
        writer = data.get("writer") or {}
        found[part] = PartialDownload(
            part=part,
            sidecar=sidecar,
            lock=lock,
            repo_folder=repo_folder,
            bytes_on_disk=part.stat().st_size if part.exists() else 0,
            remote=remote,
            group=group,
            writer_pid=writer.get("pid"),
            writer_host=writer.get("host"),
            in_use=_lock_is_held(lock),
        )
    return list(found.values())
