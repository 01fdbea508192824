"""`modelnest catalog --refresh`: rebuild the catalogue snapshot from the hub (files, sizes, sha256, header figures).

For each curated repository: the file listing (huggingface_hub model_info with LFS metadata, through
core/download), grouped by quantization, and the header of one file read with HTTP Range requests, whose figures
replace the transcribed architecture. A repository that cannot be read keeps its previous entry and is reported;
nothing is written when no repository could be read at all.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from modelnest.core.catalogue.entries import (
    Architecture,
    Catalogue,
    CatalogueModel,
    QuantFile,
    load_catalogue,
    save_catalogue,
)
from modelnest.core.catalogue.remote import QuantGroup, fetch_header, group_by_quant
from modelnest.core.download import DownloadError, HubAccessError, OfflineError, is_offline, list_repo_files
from modelnest.core.gguf import ArraySummary, GGUFError, GGUFHeader
from modelnest.core.messages import Text, msg, text_of


@dataclass
class RefreshReport:
    catalogue: Catalogue
    updated: list[str] = field(default_factory=list)
    failed: dict[str, Text] = field(default_factory=dict)  # model id -> plain-language reason (a Message)
    saved_to: str | None = None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, int) for v in value):
        return max(int(v) for v in value)  # per-layer arrays (e.g. head_count_kv of some architectures): the largest
    return None


def architecture_from_header(header: GGUFHeader, fallback: Architecture) -> Architecture:
    """Architecture figures read from a GGUF header; a figure the header lacks keeps the fallback value."""
    def get(key: str, old: int | None) -> int | None:
        value = _as_int(header.arch_value(key))
        return value if value is not None else old

    n_vocab = _as_int(header.arch_value("vocab_size"))
    tokens = header.metadata.get("tokenizer.ggml.tokens")
    if n_vocab is None and isinstance(tokens, ArraySummary):
        n_vocab = tokens.count
    elif n_vocab is None and isinstance(tokens, list):
        n_vocab = len(tokens)
    return Architecture(
        arch=header.architecture or fallback.arch,
        n_layer=get("block_count", fallback.n_layer) or fallback.n_layer,
        n_embd=get("embedding_length", fallback.n_embd) or fallback.n_embd,
        n_head=get("attention.head_count", fallback.n_head) or fallback.n_head,
        n_head_kv=get("attention.head_count_kv", fallback.n_head_kv) or fallback.n_head_kv,
        n_vocab=n_vocab or fallback.n_vocab,
        n_ff=get("feed_forward_length", fallback.n_ff) or fallback.n_ff,
        n_ctx_train=get("context_length", fallback.n_ctx_train) or fallback.n_ctx_train,
        head_dim=get("attention.key_length", fallback.head_dim),
        sliding_window=get("attention.sliding_window", fallback.sliding_window),
        expert_count=get("expert_count", fallback.expert_count),
        expert_used_count=get("expert_used_count", fallback.expert_used_count),
        expert_ff=get("expert_feed_forward_length", fallback.expert_ff),
        expert_shared_count=get("expert_shared_count", fallback.expert_shared_count),
        expert_shared_ff=get("expert_shared_feed_forward_length", fallback.expert_shared_ff),
        leading_dense_layers=get("leading_dense_block_count", fallback.leading_dense_layers),
        tied_embeddings=(not any(t.name == "output.weight" for t in header.tensors)) if header.tensors
        else fallback.tied_embeddings,
    )


def missing_files(model: CatalogueModel, listed: list[str] | None = None) -> list[str]:
    """Quantizations in `listed` (default: the entry's own list) for which the entry has no file name: before a
    refresh every curated quant (unverified), after one those the hub did not offer. Order of `listed`."""
    named = {f.quant for f in model.files if f.file}
    return [q for q in (listed if listed is not None else model.quants) if q not in named]


def _files(groups: list[QuantGroup]) -> tuple[QuantFile, ...]:
    out: list[QuantFile] = []
    seen: set[str] = set()
    for g in groups:
        if not g.complete or g.quant == "unknown" or g.quant in seen:
            continue  # one file per quant (the first name when a repo has variants of one quant)
        seen.add(g.quant)
        single = len(g.files) == 1
        out.append(QuantFile(g.quant, g.first.filename, g.size, g.first.sha256 if single else None, len(g.files)))
    return tuple(out)


def refresh_model(
    model: CatalogueModel, *, endpoint: str | None = None, token: str | bool | None = None
) -> CatalogueModel:
    """One entry rebuilt from the hub; raises DownloadError/GGUFError with a plain-language reason."""
    listing = list_repo_files(model.repo, endpoint=endpoint, token=token)
    groups = [g for g in group_by_quant(listing) if g.complete]
    files = _files(groups)
    if not files:
        raise HubAccessError(msg("{repo} lists no complete GGUF model files.", repo=model.repo))
    provenance = dict(model.provenance)
    provenance["files"] = f"hub listing of {model.repo} at commit {listing.commit} ({listing.endpoint})"
    absent = [q for q in model.quants if q not in {f.quant for f in files}]
    if absent:
        provenance["files_missing"] = f"curated quantizations the hub did not offer: {', '.join(absent)}"
    else:
        provenance.pop("files_missing", None)
    arch = model.architecture
    by_quant = {g.quant: g for g in groups}
    probe = by_quant.get("Q4_K_M") or next((by_quant[f.quant] for f in files), None)
    if probe is not None:
        header, _ = fetch_header(probe.first.url, probe.first.size, token=token)
        arch = architecture_from_header(header, arch)
        provenance["architecture"] = f"GGUF header of {model.repo}/{probe.first.filename} at commit {listing.commit}"
    downloads = _downloads(model.repo, endpoint=endpoint, token=token)
    if downloads is not None:
        provenance["downloads"] = f"hub download count of {model.repo} on {_dt.date.today().isoformat()}"
    return replace(model, files=files, architecture=arch, provenance=provenance,
                   downloads=downloads if downloads is not None else model.downloads)


def _downloads(repo_id: str, *, endpoint: str | None, token: str | bool | None) -> int | None:
    """The hub's download count (popularity sort); optional, so any failure just leaves it unknown."""
    from huggingface_hub import HfApi

    from modelnest.core.download import resolve_endpoint

    try:
        api = HfApi(endpoint=resolve_endpoint(endpoint), token=token)
        info = api.model_info(repo_id, expand=["downloads"], timeout=30)
    except Exception:  # noqa: BLE001 - popularity is a nicety; the refresh itself succeeded
        return None
    value = getattr(info, "downloads", None)
    return int(value) if isinstance(value, int) else None


def refresh_catalogue(
    *,
    endpoint: str | None = None,
    token: str | bool | None = None,
    base: Catalogue | None = None,
    workers: int = 4,
    on_progress: Callable[[str, Text | None], None] | None = None,
    save: bool = True,
    today: str | None = None,
) -> RefreshReport:
    """Refresh every entry (a few in parallel); saves the new snapshot unless nothing could be read."""
    if is_offline():
        raise OfflineError(msg("Offline mode is on (HF_HUB_OFFLINE), so the catalogue cannot be refreshed; "
                               "the bundled snapshot stays in use."))
    base = base or load_catalogue()
    report = RefreshReport(base)

    first_error: dict[str, Exception] = {}

    def one(model: CatalogueModel) -> tuple[CatalogueModel, Text | None]:
        try:
            new = refresh_model(model, endpoint=endpoint, token=token)
            error = None
        except (DownloadError, GGUFError) as exc:
            new, error = model, text_of(exc)
            first_error.setdefault("exc", exc)
        if on_progress is not None:
            on_progress(model.id, error)
        return new, error

    if not base.models:
        raise HubAccessError(msg("The catalogue has no entries to refresh."))
    # One entry first: when the hub cannot be reached at all (no status code), stop now instead of waiting out
    # every entry's retries (tens of seconds each).
    first = one(base.models[0])
    first_exc = first_error.get("exc")
    if first[1] is not None and isinstance(first_exc, HubAccessError) and first_exc.status is None:
        raise first_exc
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = [first, *pool.map(one, base.models[1:])]
    models: list[CatalogueModel] = []
    for (new, error), old in zip(results, base.models, strict=True):
        models.append(new)
        if error is None:
            report.updated.append(old.id)
        else:
            report.failed[old.id] = error
    if not report.updated:
        reason = next(iter(report.failed.values()), msg("no entries"))
        raise HubAccessError(
            msg("No catalogue entry could be refreshed ({reason}); the previous snapshot stays in use.", reason=reason)
        )
    from modelnest.core.download import resolve_endpoint

    source = f"hub {resolve_endpoint(endpoint)}"
    report.catalogue = base.with_models(
        models,
        snapshot_date=today or _dt.datetime.now(_dt.timezone.utc).date().isoformat(),
        source=source,
        note=f"{len(report.updated)} of {len(models)} entries refreshed from the hub.",
    )
    if save:
        report.saved_to = str(save_catalogue(report.catalogue))
    return report


__all__ = ["RefreshReport", "architecture_from_header", "refresh_catalogue", "refresh_model"]
