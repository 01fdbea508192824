"""Safe names: repo ids and hub file names checked before any I/O, split-GGUF grouping, quant matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

from modelnest.core.download.errors import UnsafeFileNameError
from modelnest.core.messages import Message, msg

# Hub repo ids are "owner/name" made of letters, digits, "-", "_", "."; anything else is refused outright.
_REPO_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
# Windows refuses these as file names whatever the extension ("NUL.gguf" is the NUL device).
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_MAX_COMPONENT = 200
_MAX_PATH = 400

SPLIT_RE = re.compile(r"^(?P<stem>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


def validate_repo_id(repo_id: str) -> str:
    """Return repo_id if it is a plain "owner/name", else raise UnsafeFileNameError."""
    parts = repo_id.split("/") if isinstance(repo_id, str) else []
    if len(parts) != 2 or not all(_REPO_PART.match(p) for p in parts) or any(p in (".", "..") for p in parts):
        raise UnsafeFileNameError(msg(
            "{repo!r} is not a valid repository id; expected the form owner/name "
            "(for example Qwen/Qwen2.5-0.5B-Instruct-GGUF).", repo=repo_id,
        ))
    if any(".." in p for p in parts):
        raise UnsafeFileNameError(msg("{repo!r} is not a valid repository id: it contains '..'.", repo=repo_id))
    return repo_id


def repo_dir_name(repo_id: str) -> str:
    """The folder a repository's files go to inside the models directory: owner__name."""
    owner, name = validate_repo_id(repo_id).split("/")
    return f"{owner}__{name}"


def validate_remote_filename(filename: str) -> str:
    """Return a hub file name if it stays inside its folder on every OS, else raise UnsafeFileNameError.

    Checked for names typed by the user and for names the (possibly hostile) server lists: forward slashes
    separate sub-folders; backslashes, drive letters, UNC prefixes, absolute paths, "..", NUL and control
    characters are refused before anything touches the disk.
    """

    def refuse(why: Message) -> UnsafeFileNameError:
        return UnsafeFileNameError(
            msg("Refusing file name {name!r}: {why}. It could write outside the models folder.", name=filename, why=why)
        )

    if not isinstance(filename, str) or not filename:
        raise refuse(msg("it is empty"))
    if len(filename) > _MAX_PATH:
        raise refuse(msg("it is too long"))
    if "\x00" in filename:
        raise refuse(msg("it contains a NUL character"))
    if any(ord(c) < 32 or ord(c) == 127 for c in filename):
        raise refuse(msg("it contains control characters"))
    if "\\" in filename:
        raise refuse(msg("it contains a backslash (a Windows path separator)"))
    if filename.startswith("/"):
        raise refuse(msg("it is an absolute path"))
    if re.match(r"^[A-Za-z]:", filename):
        raise refuse(msg("it starts with a drive letter"))
    for part in filename.split("/"):
        if part in ("", ".", ".."):
            raise refuse(msg("it contains an empty, '.' or '..' path component"))
        if ":" in part:
            raise refuse(msg("it contains ':' (a drive letter or an alternate data stream on Windows)"))
        if part.endswith((" ", ".")):
            raise refuse(msg("a path component ends with a space or a dot (Windows would silently change it)"))
        if part.split(".")[0].upper() in _WINDOWS_DEVICES:
            raise refuse(msg("it uses a reserved Windows device name"))
        if len(part) > _MAX_COMPONENT:
            raise refuse(msg("a path component is too long"))
        if part.endswith((".part", ".lock", ".part.json")):
            raise refuse(msg("it ends like ModelNest's own temporary files"))
    return filename


@dataclass(frozen=True)
class SplitInfo:
    """Where one file sits in a split GGUF set (model-00001-of-00003.gguf)."""

    stem: str
    index: int
    count: int


def split_info(filename: str) -> SplitInfo | None:
    """The split position of a GGUF file name, or None for a single-file model."""
    match = SPLIT_RE.match(filename)
    if not match:
        return None
    return SplitInfo(match["stem"], int(match["index"]), int(match["count"]))


def model_key(filename: str) -> str:
    """One key per model: the split parts of a model share it, a single file is its own key."""
    info = split_info(filename)
    return f"{info.stem}.gguf" if info else filename


def matches_quant(filename: str, quant: str) -> bool:
    """True when the file name carries the quantization tag (Q4_K_M matches "x-Q4_K_M.gguf", not "x-Q4_K_M_L")."""
    key = model_key(filename)
    stem = key[: -len(".gguf")] if key.lower().endswith(".gguf") else key
    # Before the tag: start, "-", ".", "_" or a folder; after it: end, "-" or "." (so Q4_K never matches Q4_K_M).
    pattern = r"(?:^|[-._/])" + re.escape(quant.strip()) + r"(?:$|[-./])"
    return re.search(pattern, stem, re.IGNORECASE) is not None


_QUANT_RE = re.compile(
    r"(?:^|[-._/])((?:UD-)?(?:I?Q\d(?:_[A-Z0-9]+)*|BF16|F16|F32|FP16|FP32|MXFP4(?:_MOE)?|TQ\d_\d))(?=$|[-./])",
    re.IGNORECASE,
)


def quant_of(filename: str) -> str | None:
    """The quantization tag in a GGUF file name (last match wins: "Llama-3-8B-Q4_K_M" -> "Q4_K_M"), if any."""
    key = model_key(filename)
    stem = key[: -len(".gguf")] if key.lower().endswith(".gguf") else key
    found = _QUANT_RE.findall(stem)
    return found[-1].upper() if found else None
