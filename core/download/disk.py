"""Free-space checks before a download, and byte counts written the way people read them."""

from __future__ import annotations

import shutil
from pathlib import Path

from modelnest.core.download.errors import NotEnoughDiskSpaceError
from modelnest.core.messages import msg
from modelnest.core.units import format_bytes  # re-exported: the one size format (binary units), see units.py

__all__ = ["default_margin", "ensure_free_space", "format_bytes", "free_bytes"]

MIN_MARGIN_BYTES = 256 * 1024 * 1024
MARGIN_FRACTION = 0.02


def free_bytes(path: Path) -> int:
    """Free bytes for this user on the file system holding path (tests patch this)."""
    return shutil.disk_usage(path).free


def default_margin(download_bytes: int) -> int:
    """Room left after the download: 256 MiB or 2 % of it, whichever is larger (the OS, logs and history need space)."""
    return max(MIN_MARGIN_BYTES, int(download_bytes * MARGIN_FRACTION))


def ensure_free_space(directory: Path, needed: int, *, margin: int | None = None) -> None:
    """Refuse (saying how much is missing) unless `needed` bytes plus a margin fit in `directory`."""
    if needed <= 0:
        return
    margin = default_margin(needed) if margin is None else margin
    free = free_bytes(directory)
    if free >= needed + margin:
        return
    missing = needed + margin - free
    raise NotEnoughDiskSpaceError(
        msg("Not enough free disk space in {folder}: the download needs {needed} plus {margin} to spare, but only "
            "{free} is free. Free up {missing} or choose another models folder.", folder=directory,
            needed=format_bytes(needed), margin=format_bytes(margin), free=format_bytes(free),
            missing=format_bytes(missing)),
        missing_bytes=missing,
    )
