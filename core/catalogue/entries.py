"""The curated catalogue: typed entries read from the bundled snapshot, or a newer snapshot refreshed from the hub."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from modelnest.core import paths
from modelnest.core.atomic import atomic_write_json
from modelnest.core.catalogue.quants import estimate_file_bytes, quant_info, sort_quants
from modelnest.core.errors import ModelNestError
from modelnest.core.messages import msg

SCHEMA = 1
TASKS = ("chat", "code", "reasoning", "vision")


class CatalogueError(ModelNestError):
    """The catalogue snapshot could not be read."""


@dataclass(frozen=True)
class Architecture:
    arch: str
    n_layer: int
    n_embd: int
    n_head: int
    n_head_kv: int
    n_vocab: int
    n_ff: int
    n_ctx_train: int
    head_dim: int | None = None
    sliding_window: int | None = None
    # Mixture of experts (None: dense): routed experts, experts used per token, each expert's FFN size; the planner
    # predicts decode from the used experts only.
    expert_count: int | None = None
    expert_used_count: int | None = None
    expert_ff: int | None = None
    # Experts every token runs (config `n_shared_experts` & co.) and their FFN size summed over them (what llama.cpp
    # calls n_ff_shexp); the first `leading_dense_layers` layers have a dense FFN of n_ff instead of experts
    # (config `first_k_dense_replace`, `moe_layer_start_index`; GGUF `leading_dense_block_count`). None: not
    # applicable. n_ff of an all-MoE model is the config's `intermediate_size`, used by no layer.
    expert_shared_count: int | None = None
    expert_shared_ff: int | None = None
    leading_dense_layers: int | None = None
    # The output matrix is the input embedding (config `tie_word_embeddings`); None: not recorded (older entries).
    tied_embeddings: bool | None = None

    @property
    def is_moe(self) -> bool:
        return bool(self.expert_count and self.expert_count > 1 and self.expert_used_count)

    def spec_kwargs(self) -> dict[str, Any]:
        """The shape arguments of modelnest.core.plan.ModelSpec.from_architecture (add quant, n_params, file_bytes)."""
        return {
            "arch": self.arch, "n_layer": self.n_layer, "n_embd": self.n_embd, "n_head": self.n_head,
            "n_head_kv": self.n_head_kv, "n_vocab": self.n_vocab, "n_ff": self.n_ff, "n_ctx_train": self.n_ctx_train,
            "head_dim": self.head_dim, "sliding_window": self.sliding_window,
            "tied_embeddings": bool(self.tied_embeddings),
            "expert_count": self.expert_count or 0, "expert_used_count": self.expert_used_count or 0,
            "expert_ff": self.expert_ff or 0, "expert_shared_count": self.expert_shared_count or 0,
            "expert_shared_ff": self.expert_shared_ff or 0, "leading_dense_layers": self.leading_dense_layers or 0,
        }


@dataclass(frozen=True)
class QuantFile:
    """One quantization a repository offers; file/size/sha256 are None until verified against the hub."""

    quant: str
    file: str | None = None  # the first part for split models
    size: int | None = None  # bytes, all parts together
    sha256: str | None = None  # of a single-file model (split parts each have their own; see parts)
    parts: int = 1

    def size_or_estimate(self, n_params: int) -> tuple[int | None, bool]:
        """(bytes, is_estimate): the hub's size when known, else parameter count x bits per weight."""
        if self.size is not None:
            return self.size, False
        return estimate_file_bytes(n_params, self.quant), True


@dataclass(frozen=True)
class CatalogueModel:
    id: str
    repo: str
    name: str
    family: str
    architecture: Architecture
    n_params: int
    license: str
    languages: tuple[str, ...]
    chinese: bool
    tasks: tuple[str, ...]
    files: tuple[QuantFile, ...]
    popularity_rank: int
    base_repo: str | None = None
    downloads: int | None = None  # hub download count, from a refresh
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def quants(self) -> list[str]:
        """Quantizations offered, smallest first."""
        return sort_quants([f.quant for f in self.files])

    def file_for(self, quant: str) -> QuantFile | None:
        return next((f for f in self.files if f.quant == quant), None)

    def default_quant(self) -> str:
        """Q4_K_M when offered (the usual balance), else the nearest offered lower-quality quant, else the smallest."""
        quants = self.quants
        if "Q4_K_M" in quants:
            return "Q4_K_M"
        q4 = quant_info("Q4_K_M")
        below = [q for q in quants if (i := quant_info(q)) and q4 and i.rank <= q4.rank]
        return below[-1] if below else quants[0]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["languages"] = list(self.languages)
        data["tasks"] = list(self.tasks)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CatalogueModel:
        try:
            arch = data["architecture"]
            files = tuple(
                QuantFile(
                    quant=str(f["quant"]),
                    file=f.get("file"),
                    size=int(f["size"]) if f.get("size") is not None else None,
                    sha256=f.get("sha256"),
                    parts=int(f.get("parts") or 1),
                )
                for f in data.get("files", [])
            )
            return cls(
                id=str(data["id"]),
                repo=str(data["repo"]),
                name=str(data["name"]),
                family=str(data.get("family", "")),
                architecture=Architecture(**{k: arch.get(k) for k in Architecture.__dataclass_fields__}),
                n_params=int(data["n_params"]),
                license=str(data.get("license", "unknown")),
                languages=tuple(data.get("languages", [])),
                chinese=bool(data.get("chinese", False)),
                tasks=tuple(data.get("tasks", [])),
                files=files,
                popularity_rank=int(data.get("popularity_rank", 0)),
                base_repo=data.get("base_repo"),
                downloads=data.get("downloads"),
                provenance=dict(data.get("provenance", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise CatalogueError(
                msg("catalogue entry {id!r} is malformed: {error}", id=data.get("id", "?"), error=str(exc))
            ) from exc


@dataclass(frozen=True)
class Catalogue:
    snapshot_date: str
    source: str  # "bundled" or "hub <endpoint>"
    models: tuple[CatalogueModel, ...]
    note: str = ""
    path: str | None = None

    def get(self, model_id: str) -> CatalogueModel | None:
        return next((m for m in self.models if m.id == model_id), None)

    def with_models(self, models: list[CatalogueModel], **changes: Any) -> Catalogue:
        return replace(self, models=tuple(models), **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "snapshot_date": self.snapshot_date,
            "source": self.source,
            "note": self.note,
            "models": [m.to_json() for m in self.models],
        }


def parse_catalogue(doc: Any, *, path: str | None = None) -> Catalogue:
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or not isinstance(doc.get("models"), list):
        raise CatalogueError(
            msg("{path} is not a ModelNest catalogue snapshot (schema {schema}).", path=path, schema=SCHEMA)
            if path else msg("This is not a ModelNest catalogue snapshot (schema {schema}).", schema=SCHEMA)
        )
    models = tuple(CatalogueModel.from_json(m) for m in doc["models"])
    return Catalogue(str(doc.get("snapshot_date", "unknown")), str(doc.get("source", "bundled")), models,
                     str(doc.get("note", "")), path)


def bundled_catalogue() -> Catalogue:
    """The snapshot shipped with the app (read with importlib.resources, so it works frozen too)."""
    text = (resources.files("modelnest.resources") / "catalogue" / "snapshot.json").read_text(encoding="utf-8")
    return parse_catalogue(json.loads(text), path="bundled snapshot")


def refreshed_path() -> Path:
    return paths.data_dir() / "catalogue" / "snapshot.json"


def load_catalogue() -> Catalogue:
    """The refreshed snapshot when there is a readable one not older than the bundled one, else the bundled one."""
    bundled = bundled_catalogue()
    path = refreshed_path()
    if path.exists():
        try:
            refreshed = parse_catalogue(json.loads(path.read_text(encoding="utf-8")), path=str(path))
        except (OSError, ValueError, CatalogueError):
            return bundled  # a damaged refresh never hides the bundled catalogue
        if refreshed.snapshot_date >= bundled.snapshot_date:
            return refreshed
    return bundled


def save_catalogue(catalogue: Catalogue, path: Path | None = None) -> Path:
    """Write atomically (modelnest.core.atomic) so a crash mid-write leaves the previous snapshot."""
    target = path or refreshed_path()
    atomic_write_json(target, catalogue.to_json(), indent=1)
    return target
