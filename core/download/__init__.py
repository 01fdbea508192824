"""Model downloads that never leave a broken model: resumable, retried, sha256-verified, atomically installed.

Typical use (the CLI and the GUI's worker do exactly this)::

    files = resolve_pull("Qwen/Qwen2.5-0.5B-Instruct-GGUF", quant="Q4_K_M")   # metadata via huggingface_hub
    job = Download(files, on_progress=print)                                     # Qt-free, thread-safe
    job.run()            # blocks; from another thread: job.pause() / job.cancel() (honoured within a second)
"""

from __future__ import annotations

from modelnest.core.download.disk import ensure_free_space, format_bytes
from modelnest.core.download.errors import (
    ChecksumMismatchError,
    DownloadBusyError,
    DownloadError,
    HubAccessError,
    NoMatchingFileError,
    NotEnoughDiskSpaceError,
    OfflineError,
    TransferFailedError,
    UnsafeFileNameError,
)
from modelnest.core.download.hub import (
    RemoteFile,
    RepoListing,
    is_offline,
    list_repo_files,
    resolve_endpoint,
    resolve_pull,
    select_model_files,
)
from modelnest.core.download.job import Download, DownloadProgress, DownloadState, TransferSettings
from modelnest.core.download.names import (
    model_key,
    quant_of,
    repo_dir_name,
    split_info,
    validate_remote_filename,
    validate_repo_id,
)
from modelnest.core.download.partial import FilePaths, PartialDownload, find_partial_downloads

__all__ = [
    "ChecksumMismatchError",
    "Download",
    "DownloadBusyError",
    "DownloadError",
    "DownloadProgress",
    "DownloadState",
    "FilePaths",
    "HubAccessError",
    "NoMatchingFileError",
    "NotEnoughDiskSpaceError",
    "OfflineError",
    "PartialDownload",
    "RemoteFile",
    "RepoListing",
    "TransferFailedError",
    "TransferSettings",
    "UnsafeFileNameError",
    "ensure_free_space",
    "find_partial_downloads",
    "format_bytes",
    "is_offline",
    "list_repo_files",
    "model_key",
    "quant_of",
    "repo_dir_name",
    "resolve_endpoint",
    "resolve_pull",
    "select_model_files",
    "split_info",
    "validate_remote_filename",
    "validate_repo_id",
]
