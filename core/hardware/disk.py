"""Free space where models are stored, and file systems that cannot hold a model file (FAT32: 4 GiB cap)."""

from __future__ import annotations

from pathlib import Path

from modelnest.core.hardware.model import DiskInfo
from modelnest.core.hardware.sources import Sources
from modelnest.core.messages import msg

FAT_TYPES = {"vfat", "msdos", "fat", "fat16", "fat32"}
FAT_MAX_FILE = 4 * 1024**3 - 1


def filesystem_of(src: Sources, path: Path) -> str | None:
    """The file system type of the mount holding `path` (longest matching mount point)."""
    best: tuple[int, str] | None = None
    resolved = str(path.resolve())
    for part in src.psutil.disk_partitions(all=True):
        mount = str(part.mountpoint)
        prefix = mount if mount.endswith(("/", "\\")) else mount + ("\\" if "\\" in mount else "/")
        inside = resolved == mount or resolved.startswith(prefix) or resolved.lower().startswith(prefix.lower())
        if inside and (best is None or len(mount) > best[0]):
            best = (len(mount), str(part.fstype))
    return best[1] if best else None


def probe_disk(src: Sources, models_dir: Path) -> DiskInfo:
    info = DiskInfo(models_dir=str(models_dir))
    if src.psutil is None:
        info.missing["free_bytes"] = msg("psutil is not available")
        return info
    try:
        usage = src.psutil.disk_usage(str(models_dir))
        info.free_bytes, info.total_bytes = int(usage.free), int(usage.total)
    except Exception as exc:  # noqa: BLE001 - OSError, psutil.AccessDenied
        info.missing["free_bytes"] = msg("could not read free space ({kind}: {error})", kind=type(exc).__name__,
                                         error=str(exc))
    try:
        info.filesystem = filesystem_of(src, models_dir)
    except Exception as exc:  # noqa: BLE001
        info.missing["filesystem"] = msg("could not read the file system type ({kind})", kind=type(exc).__name__)
    if info.filesystem and info.filesystem.lower() in FAT_TYPES:
        info.max_file_bytes = FAT_MAX_FILE
        info.warning = msg(
            "{folder} is on a {filesystem} file system, which cannot hold files over 4 GB; "
            "most models are bigger. Choose a folder on another drive.", folder=models_dir, filesystem=info.filesystem,
        )
    elif info.filesystem is None:
        info.missing.setdefault("filesystem", msg("mount point not found"))
    return info
