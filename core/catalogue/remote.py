"""The hub beyond the curated list: search GGUF repositories, group their files by quantization, read a remote header.

A header is read with HTTP Range requests: fetch a first slice, let the bounded GGUF reader say how many bytes it
needs (NeedMoreData), fetch up to there, repeat. A few KB to a few MB instead of gigabytes, and the planner gets the
exact tensor table of the file before anything is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from modelnest.core.catalogue.quants import normalize_quant, sort_quants
from modelnest.core.download import (
    HubAccessError,
    RemoteFile,
    RepoListing,
    model_key,
    quant_of,
    resolve_endpoint,
    split_info,
)
from modelnest.core.download.hub import ensure_online, hub_error
from modelnest.core.download.transport import TransportError, open_stream
from modelnest.core.gguf import GGUFError, GGUFHeader, NeedMoreData, read_prefix
from modelnest.core.messages import msg

FIRST_FETCH = 256 * 1024  # most headers (metadata + tensor table) fit; big vocabularies need a second request
MAX_HEADER_BYTES = 64 * 1024 * 1024  # a header larger than this is refused rather than downloaded
HEADER_TIMEOUT = 30.0


@dataclass(frozen=True)
class HubRepo:
    """One search hit."""

    repo_id: str
    downloads: int | None
    likes: int | None
    last_modified: str | None
    gated: bool


@dataclass(frozen=True)
class QuantGroup:
    """One model in a repository: a quantization with all its split parts (size = all parts together)."""

    quant: str
    key: str  # the model's name with split suffixes removed
    files: tuple[RemoteFile, ...]
    complete: bool  # every split part listed

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def first(self) -> RemoteFile:
        return self.files[0]


def search_hub(
    text: str,
    *,
    limit: int = 50,
    endpoint: str | None = None,
    token: str | bool | None = None,
) -> list[HubRepo]:
    """GGUF repositories matching `text`, most downloaded first (huggingface_hub list_models with the gguf filter)."""
    from huggingface_hub import HfApi

    ensure_online()
    base = resolve_endpoint(endpoint)
    api = HfApi(endpoint=base, token=token)
    try:
        hits = list(api.list_models(filter="gguf", search=text.strip() or None, sort="downloads", limit=limit))
    except Exception as exc:  # any failure is mapped to a plain-language message
        raise hub_error(exc, f"search {text!r}", base) from exc
    out: list[HubRepo] = []
    for m in hits:
        last = getattr(m, "last_modified", None) or getattr(m, "lastModified", None)
        when = last.isoformat() if last is not None and hasattr(last, "isoformat") else (str(last) if last else None)
        out.append(
            HubRepo(
                repo_id=m.id,
                downloads=getattr(m, "downloads", None),
                likes=getattr(m, "likes", None),
                last_modified=when,
                gated=bool(getattr(m, "gated", False)),
            )
        )
    return out


def group_by_quant(listing: RepoListing) -> list[QuantGroup]:
    """The repository's GGUF models, one per quantization file set, smallest quant first.

    Split files (`-00001-of-00003.gguf`) form one group; vision projectors (mmproj) are not models and are left out.
    """
    groups: dict[str, list[RemoteFile]] = {}
    for f in listing.gguf_files():
        if "mmproj" in f.filename.lower():
            continue
        groups.setdefault(model_key(f.filename), []).append(f)
    out: list[QuantGroup] = []
    for key, files in groups.items():
        files.sort(key=lambda f: f.filename)
        info = split_info(files[0].filename)
        complete = info is None or len(files) == info.count
        tag = quant_of(files[0].filename)
        out.append(QuantGroup(normalize_quant(tag) if tag else "unknown", key, tuple(files), complete))
    order = {q: i for i, q in enumerate(sort_quants([g.quant for g in out]))}
    out.sort(key=lambda g: (order.get(g.quant, 0), g.key))
    return out


def read_range(url: str, start: int, end: int, headers: dict[str, str]) -> bytes:
    """Bytes [start, end) of url. A server that ignores Range (200) is read only up to `end`, then dropped."""
    want = end - start
    resp = open_stream(url, {**headers, "Range": f"bytes={start}-{end - 1}"}, timeout=HEADER_TIMEOUT)
    try:
        if resp.status not in (200, 206):
            raise HubAccessError(
                msg("the hub answered {status} while reading the header of {url}", status=resp.status, url=url),
                resp.status,
            )
        if resp.status == 200 and start > 0:
            # Range ignored: skip to `start` (bounded by MAX_HEADER_BYTES, so at most a few MB are discarded).
            skipped = 0
            while skipped < start:
                chunk = resp.read(min(1 << 20, start - skipped))
                if not chunk:
                    break
                skipped += len(chunk)
        parts: list[bytes] = []
        got = 0
        while got < want:
            chunk = resp.read(min(1 << 20, want - got))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)[:want]
    finally:
        resp.close()


def fetch_header(
    url: str,
    file_size: int,
    *,
    token: str | bool | None = None,
    first: int = FIRST_FETCH,
    max_bytes: int = MAX_HEADER_BYTES,
) -> tuple[GGUFHeader, int]:
    """Read a remote GGUF header with Range requests; returns (header, bytes fetched).

    Raises GGUFError for a file that is not a valid GGUF (the same checks as a local file) and HubAccessError when
    the server cannot be read or the header would exceed `max_bytes`.
    """
    from huggingface_hub.utils import build_hf_headers

    headers: dict[str, Any] = build_hf_headers(token=token)
    prefix = b""
    target = min(first, file_size)
    while True:
        if target > len(prefix):
            try:
                more = read_range(url, len(prefix), target, headers)
            except TransportError as exc:
                raise HubAccessError(msg("Cannot read the header of {url}: {error}", url=url, error=str(exc))) from exc
            if not more:
                raise HubAccessError(
                    msg("The server sent no bytes for the header of {url} (asked from byte {start}).", url=url,
                        start=len(prefix))
                )
            prefix += more
        try:
            return read_prefix(prefix, file_size), len(prefix)
        except NeedMoreData as need:
            if need.needed > max_bytes:
                raise HubAccessError(
                    msg("The header of {url} is larger than {limit} MiB; refusing to read it.", url=url,
                        limit=max_bytes // (1024 * 1024))
                ) from None
            if len(prefix) < target:
                raise HubAccessError(
                    msg("The server ended the header of {url} early (after {size} bytes).", url=url, size=len(prefix))
                ) from None
            # Ask for what the reader needs, at least doubling, so big vocabularies take few round trips.
            target = min(file_size, max(need.needed, len(prefix) * 2))


def merge_split_headers(headers: list[GGUFHeader]) -> GGUFHeader:
    """One header for a split model: part 1's metadata, every part's tensors, the size of all parts together.

    Each part of a split GGUF carries only its own tensors, so planning from part 1 alone would undercount the
    weights. Raises GGUFError when the parts do not add up to the tensor count part 1 declares.
    """
    if len(headers) == 1:
        return headers[0]
    first = headers[0]
    tensors = [t for h in headers for t in h.tensors]
    declared = first.metadata.get("split.tensors.count")
    if isinstance(declared, int) and declared != len(tensors):
        raise GGUFError(msg("the parts of this split model hold {found} tensors, but part 1 declares {declared}",
                            found=len(tensors), declared=declared))
    return replace(first, tensors=tensors, file_size=sum(h.file_size for h in headers))


def fetch_group_header(group: QuantGroup, *, token: str | bool | None = None) -> tuple[GGUFHeader, int]:
    """The header of a whole model (every part of a split model, each by Range); returns (header, bytes fetched)."""
    headers: list[GGUFHeader] = []
    fetched = 0
    for f in group.files:
        header, n = fetch_header(f.url, f.size, token=token)
        headers.append(header)
        fetched += n
    return merge_split_headers(headers), fetched


__all__ = [
    "FIRST_FETCH",
    "GGUFError",
    "HubRepo",
    "QuantGroup",
    "fetch_group_header",
    "fetch_header",
    "group_by_quant",
    "merge_split_headers",
    "read_range",
    "search_hub",
]
