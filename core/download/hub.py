"""What to download: file sizes, checksums and the commit, read from the hub (or a mirror) through huggingface_hub."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from modelnest.core import config
from modelnest.core.download.errors import HubAccessError, NoMatchingFileError, OfflineError
from modelnest.core.download.names import (
    matches_quant,
    model_key,
    quant_of,
    split_info,
    validate_remote_filename,
    validate_repo_id,
)
from modelnest.core.messages import msg

DEFAULT_ENDPOINT = "https://huggingface.co"
METADATA_RETRY_DELAY = 1.0  # seconds before the first retry of a failed metadata request (doubles each time)


def resolve_endpoint(endpoint: str | None = None) -> str:
    """The hub address to use: the explicit argument (app settings), else HF_ENDPOINT, else huggingface.co.

    Read at call time, not import time (huggingface_hub freezes HF_ENDPOINT when it is imported), so a mirror
    chosen in the settings takes effect without a restart.
    """
    value = (endpoint or config.hf_endpoint() or DEFAULT_ENDPOINT).strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HubAccessError(
            msg("The hub address {address!r} is not an http(s) URL (check HF_ENDPOINT or the mirror setting).",
                address=value)
        )
    return value


def is_offline() -> bool:
    """True when HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) asks never to contact the hub."""
    from huggingface_hub import constants

    # constants.HF_HUB_OFFLINE was frozen when huggingface_hub was imported; config reads the variable now.
    return config.hf_offline() or bool(constants.HF_HUB_OFFLINE)


def ensure_online() -> None:
    """Raise OfflineError with the way out when offline mode is on."""
    if is_offline():
        raise OfflineError(msg(
            "Offline mode is on (HF_HUB_OFFLINE is set), so nothing can be downloaded. "
            "Unset HF_HUB_OFFLINE to download, or use a model that is already on disk."
        ))


@dataclass(frozen=True)
class RemoteFile:
    """One file to download, pinned to a commit so every split part comes from the same version."""

    repo_id: str
    filename: str
    size: int
    sha256: str | None  # from the LFS pointer; None for small non-LFS files
    git_sha1: str | None  # the git blob id, used only when there is no LFS sha256
    revision: str  # the commit hash the URL is pinned to (or the branch when the hub gave no commit)
    url: str
    endpoint: str

    def __post_init__(self) -> None:
        validate_repo_id(self.repo_id)
        validate_remote_filename(self.filename)
        if self.size < 0:
            raise HubAccessError(msg("The hub reported a negative size for {file}.", file=self.filename))

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RemoteFile:
        return cls(
            repo_id=str(data["repo_id"]),
            filename=str(data["filename"]),
            size=int(data["size"]),  # type: ignore[call-overload]
            sha256=(str(data["sha256"]) if data.get("sha256") else None),
            git_sha1=(str(data["git_sha1"]) if data.get("git_sha1") else None),
            revision=str(data["revision"]),
            url=str(data["url"]),
            endpoint=str(data["endpoint"]),
        )


@dataclass(frozen=True)
class RepoListing:
    """The files of one repository at one commit."""

    repo_id: str
    commit: str
    endpoint: str
    files: tuple[RemoteFile, ...]

    def gguf_files(self) -> list[RemoteFile]:
        return [f for f in self.files if f.filename.lower().endswith(".gguf")]

    def quants(self) -> list[str]:
        """Quantization tags offered (one per model, split parts counted once), sorted."""
        return sorted({q for f in self.gguf_files() if (q := quant_of(f.filename))})


def hub_error(exc: Exception, repo_id: str, endpoint: str) -> HubAccessError:
    """Turn a huggingface_hub / httpx2 exception into a plain-language HubAccessError."""
    from huggingface_hub import errors as hf_errors

    status = getattr(getattr(exc, "response", None), "status_code", None)
    page = f"{endpoint}/{repo_id}"
    if isinstance(exc, hf_errors.GatedRepoError):
        return HubAccessError(
            msg("{repo} is gated: accept its license at {page} with your account, then set HF_TOKEN "
                "(or run `hf auth login`) so ModelNest can use your access.", repo=repo_id, page=page),
            status,
        )
    if isinstance(exc, hf_errors.RepositoryNotFoundError):
        return HubAccessError(
            msg("Repository {repo} was not found on {endpoint}. Check the name; if it is private, set HF_TOKEN "
                "(or run `hf auth login`) with an account that can see it.", repo=repo_id, endpoint=endpoint),
            status,
        )
    if isinstance(exc, hf_errors.RevisionNotFoundError):
        return HubAccessError(
            msg("That revision of {repo} does not exist on {endpoint}.", repo=repo_id, endpoint=endpoint), status
        )
    if status == 401:
        return HubAccessError(
            msg("{endpoint} asks for a login to see {repo}: set HF_TOKEN or run `hf auth login`.",
                endpoint=endpoint, repo=repo_id),
            401,
        )
    if status == 403:
        return HubAccessError(
            msg("Access to {repo} was refused (403). If the model is gated, accept its license at {page}; "
                "check that HF_TOKEN belongs to that account.", repo=repo_id, page=page),
            403,
        )
    if status == 429:
        return HubAccessError(
            msg("{endpoint} is rate-limiting requests (429). Wait a few minutes and try again.", endpoint=endpoint),
            429,
        )
    if status is not None:
        return HubAccessError(
            msg("{endpoint} answered {status} for {repo}.", endpoint=endpoint, status=status, repo=repo_id), status
        )
    return HubAccessError(
        msg("Cannot reach {endpoint} ({kind}: {error}). Check the connection or the mirror setting.",
            endpoint=endpoint, kind=type(exc).__name__, error=str(exc))
    )


def _retryable(exc: Exception) -> bool:
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if isinstance(status, int):
        return status == 429 or status >= 500
    import httpx2

    return isinstance(exc, httpx2.TransportError)


def list_repo_files(
    repo_id: str,
    *,
    endpoint: str | None = None,
    token: str | bool | None = None,
    revision: str | None = None,
    attempts: int = 3,
) -> RepoListing:
    """Every file of a repository with size, checksum and commit, from one `model_info(files_metadata=True)` call.

    `model_info` returns the commit (`sha`) and, per file, the size and the LFS sha256 in one request; the
    per-file HEAD (`get_hf_file_metadata`) only carries the sha256 as an ETag, so it is the fallback for
    mirrors that omit `lfs` data.
    """
    from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_url

    validate_repo_id(repo_id)
    ensure_online()
    base = resolve_endpoint(endpoint)
    api = HfApi(endpoint=base, token=token)
    delay = METADATA_RETRY_DELAY
    for attempt in range(1, attempts + 1):
        try:
            info = api.model_info(repo_id, revision=revision, files_metadata=True, timeout=30)
            break
        except Exception as exc:  # mapped to a plain message below
            if attempt < attempts and _retryable(exc):
                time.sleep(delay)
                delay *= 2
                continue
            raise hub_error(exc, repo_id, base) from exc
    commit = info.sha or revision or "main"
    files: list[RemoteFile] = []
    for sibling in info.siblings or []:
        name = validate_remote_filename(sibling.rfilename)  # a hostile server's names are refused too
        sha256 = sibling.lfs.sha256 if sibling.lfs else None
        size = sibling.lfs.size if sibling.lfs else sibling.size
        url = hf_hub_url(repo_id, name, revision=commit, endpoint=base)
        if size is None or (sha256 is None and sibling.blob_id is None):
            # A mirror that leaves out blob data: ask for this file's headers (size, ETag = sha256 for LFS).
            if not name.lower().endswith(".gguf"):
                continue
            try:
                meta = get_hf_file_metadata(url, token=token, endpoint=base, timeout=30)
            except Exception as exc:
                raise hub_error(exc, repo_id, base) from exc
            size = meta.size if size is None else size
            etag = (meta.etag or "").strip('"')
            sha256 = sha256 or (etag if len(etag) == 64 else None)
        if size is None:
            continue
        files.append(
            RemoteFile(
                repo_id=repo_id,
                filename=name,
                size=int(size),
                sha256=sha256.lower() if sha256 else None,
                git_sha1=sibling.blob_id if not sha256 else None,
                revision=commit,
                url=url,
                endpoint=base,
            )
        )
    return RepoListing(repo_id=repo_id, commit=commit, endpoint=base, files=tuple(files))


def _complete_group(listing: RepoListing, key: str) -> list[RemoteFile]:
    """All parts of one model, in order; refuses a split set with parts missing from the listing."""
    parts = sorted((f for f in listing.gguf_files() if model_key(f.filename) == key), key=lambda f: f.filename)
    info = split_info(parts[0].filename)
    if info and len(parts) != info.count:
        raise NoMatchingFileError(
            msg("{repo} lists {found} of the {count} parts of {model}; the model cannot be assembled.",
                repo=listing.repo_id, found=len(parts), count=info.count, model=key)
        )
    return parts


def select_model_files(
    listing: RepoListing, *, quant: str | None = None, filename: str | None = None
) -> list[RemoteFile]:
    """The file(s) of one model: by exact name (any split part selects the whole set) or by quantization tag."""
    if quant and filename:
        raise NoMatchingFileError(msg("Give either a quantization or a file name, not both."))
    ggufs = listing.gguf_files()
    if filename:
        validate_remote_filename(filename)
        exact = [f for f in listing.files if f.filename == filename]
        if not exact:
            if ggufs:
                raise NoMatchingFileError(
                    msg("{repo} has no file {file!r}. GGUF files: {files}.", repo=listing.repo_id, file=filename,
                        files=", ".join(f.filename for f in ggufs))
                )
            raise NoMatchingFileError(
                msg("{repo} has no file {file!r} and no GGUF files.", repo=listing.repo_id, file=filename)
            )
        if not filename.lower().endswith(".gguf"):
            return exact
        return _complete_group(listing, model_key(filename))
    if not ggufs:
        raise NoMatchingFileError(msg("{repo} has no GGUF files.", repo=listing.repo_id))
    if quant:
        keys = sorted({model_key(f.filename) for f in ggufs if matches_quant(f.filename, quant)})
        if not keys:
            if listing.quants():
                raise NoMatchingFileError(
                    msg("{repo} has no {quant} file. Available: {quants}.", repo=listing.repo_id, quant=quant,
                        quants=", ".join(listing.quants()))
                )
            raise NoMatchingFileError(
                msg("{repo} has no {quant} file, and none of its quantizations was recognised.",
                    repo=listing.repo_id, quant=quant)
            )
    else:
        keys = sorted({model_key(f.filename) for f in ggufs})
    if len(keys) > 1:
        if quant:
            raise NoMatchingFileError(
                msg("Several {quant} models in {repo}: {models}. Choose one with --quant or --file.",
                    quant=quant, repo=listing.repo_id, models=", ".join(keys))
            )
        raise NoMatchingFileError(
            msg("Several models in {repo}: {models} (quantizations: {quants}). Choose one with --quant or --file.",
                repo=listing.repo_id, models=", ".join(keys), quants=", ".join(listing.quants()))
        )
    return _complete_group(listing, keys[0])


def resolve_pull(
    repo_id: str,
    *,
    quant: str | None = None,
    filename: str | None = None,
    endpoint: str | None = None,
    token: str | bool | None = None,
    revision: str | None = None,
) -> list[RemoteFile]:
    """The files `modelnest pull REPO [--quant Q | --file NAME]` downloads."""
    validate_repo_id(repo_id)
    if filename:
        validate_remote_filename(filename)  # before any network I/O
    listing = list_repo_files(repo_id, endpoint=endpoint, token=token, revision=revision)
    return select_model_files(listing, quant=quant, filename=filename)
