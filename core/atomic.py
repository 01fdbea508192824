"""Crash-safe file replacement, the one way core writes a file that must never be seen half-written.

Rule: write a temp file beside the target (same directory, so the rename cannot cross file systems), flush and
fsync it, ``os.replace`` it over the target, then fsync the directory so the rename itself is durable (POSIX).
On any failure before the rename — a full disk, an encoding error, a KeyboardInterrupt — the temp file is
removed and the old target is untouched. A process killed mid-write can leave a temp file named
``.<target name>.<random>.tmp``; ``stale_temp_files`` finds those so an owner can clean up at start-up.

We don't use a library for this (``atomicwrites`` is archived; ``safer`` does not fsync the directory): it is
twenty lines and has to behave identically for every file the app keeps.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "TEMP_SUFFIX",
    "atomic_write_bytes",
    "atomic_write_json",
    "atomic_write_text",
    "fsync_dir",
    "stale_temp_files",
    "update_json_object",
]

TEMP_SUFFIX = ".tmp"


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash at any moment leaves either the old or the new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the name points at them
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path | str, text: str) -> None:
    """``atomic_write_bytes`` of ``text`` as UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path | str, data: Any, *, indent: int | None = 1, sort_keys: bool = False) -> None:
    """``data`` as UTF-8 JSON (non-ASCII kept readable); serialised before the file is touched, so a value
    JSON cannot hold raises without creating anything."""
    text = json.dumps(data, indent=indent, sort_keys=sort_keys, ensure_ascii=False)
    atomic_write_text(path, text + "\n")


def update_json_object(path: Path | str, key: str, value: Any) -> None:
    """Set one key of a JSON object file (a per-machine cache), atomically; a missing or damaged file starts empty.

    Callers serialise their own writers (one cache file per feature, written from one job at a time).
    """
    target = Path(path)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    data[key] = value
    atomic_write_json(target, data, indent=1)


def fsync_dir(directory: Path | str) -> None:
    """Make a rename in ``directory`` durable (POSIX); Windows cannot open directories and does not need it."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def stale_temp_files(path: Path | str) -> Iterator[Path]:
    """Temp files a killed ``atomic_write_*`` of ``path`` left behind (they never hold the only copy of data)."""
    path = Path(path)
    return path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}")
