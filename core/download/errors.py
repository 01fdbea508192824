"""Errors a download can end with; each message says what happened and what the user can do.

    ModelNestError
    └── DownloadError                  a download could not finish (nothing corrupt is ever left under a final name)
        ├── UnsafeFileNameError        a repo id or file name could escape the models folder (also a UserInputError)
        ├── NoMatchingFileError        --quant / --file matched nothing, or several models (also a UserInputError)
        ├── OfflineError               HF_HUB_OFFLINE is set, the hub cannot be asked
        ├── HubAccessError             the hub refused: not found, login needed, gated, rate-limited, unreachable
        ├── NotEnoughDiskSpaceError    refused before starting, or the disk filled up mid-way (partial file kept)
        ├── DownloadBusyError          another process (or job) is already writing this file
        ├── ChecksumMismatchError      the bytes did not match the hub's sha256; the damaged file was deleted
        └── TransferFailedError        the connection kept failing after every retry; partial file kept for resume
"""

from __future__ import annotations

from modelnest.core.errors import ModelNestError, UserInputError
from modelnest.core.messages import Text


class DownloadError(ModelNestError):
    """A download could not finish; the message is meant for the user as it is."""


class UnsafeFileNameError(DownloadError, UserInputError):
    """A repository id or file name that could write outside the models folder."""


class NoMatchingFileError(DownloadError, UserInputError):
    """The requested quantization or file is not in the repository (or is ambiguous)."""


class OfflineError(DownloadError):
    """Offline mode is on (HF_HUB_OFFLINE), so the hub cannot be contacted."""


class HubAccessError(DownloadError):
    """The hub (or mirror) answered with a refusal or could not be reached."""

    def __init__(self, message: Text, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotEnoughDiskSpaceError(DownloadError):
    """Not enough free disk space, before the start or in the middle of a download."""

    def __init__(self, message: Text, missing_bytes: int | None = None) -> None:
        super().__init__(message)
        self.missing_bytes = missing_bytes


class DownloadBusyError(DownloadError):
    """Another writer holds the lock on this file."""


class ChecksumMismatchError(DownloadError):
    """The downloaded bytes do not match the hub's checksum; the file was deleted."""


class TransferFailedError(DownloadError):
    """The transfer failed after all retries; the partial file is kept so it can resume."""
