"""Fit badges and predicted speed for catalogue entries, from the planner (modelnest.core.plan).

The planner gives the badge, the memory needed and a predicted decode speed range for one model file on one
machine. This module adapts catalogue entries (architecture figures + a quantization) and remote/local headers to
it, and states the "Recommended for this computer" rule in one place so the UI and the CLI quote the same text,
with the choice of quantization a model's row starts on (``initial_quant``). The badges themselves (names,
colours, labels, "fits fully") are modelnest.core.plan.fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from modelnest.core.catalogue.entries import CatalogueModel
from modelnest.core.catalogue.quants import quality_score, quant_rank
from modelnest.core.messages import Text, msg
from modelnest.core.plan import ModelSpec, plan
from modelnest.core.plan.fit import FITS, TOO_LARGE, fits_fully, full_fit

if TYPE_CHECKING:
    from modelnest.core.gguf import GGUFHeader
    from modelnest.core.hardware import HardwareSnapshot
    from modelnest.core.plan import Calibration
    from modelnest.core.plan.speedtest import SpeedProfile

DEFAULT_CTX = 4096  # the context the catalogue plans for (stated in the UI)
USABLE_TOKENS_PER_S = 10.0
# The rule as a translatable message (the GUI shows tr_text of it) and in English (the CLI, --json).
RECOMMENDATION_RULE_MESSAGE = msg(
    "The highest-quality model and quantization (bigger model first, then less lossy quantization) that fits "
    "entirely in this computer's memory — fully on the GPU when there is one, else in RAM — and is predicted to "
    "generate at least {tps} tokens/s at a {ctx}-token context.",
    tps=f"{USABLE_TOKENS_PER_S:g}", ctx=DEFAULT_CTX,
)
RECOMMENDATION_RULE = str(RECOMMENDATION_RULE_MESSAGE)


@dataclass(frozen=True)
class FitResult:
    """What the planner says about one model file on this machine."""

    fit: str  # full_gpu | partial_gpu | cpu_only | too_large
    gpu_layers: int
    ctx: int
    total_bytes: int
    host_bytes: int
    device_bytes: int
    decode_tps: float | None
    decode_low: float | None
    decode_high: float | None
    calibration_runs: int
    file_bytes: int | None
    file_bytes_estimated: bool
    notes: tuple[Text, ...] = ()  # the planner's notes, translatable (modelnest.core.messages)
    experts_in_ram: bool = False  # partial_gpu by keeping routed experts of some layers in RAM (not a layer split)
    plan: Any = field(default=None, compare=False, repr=False)  # the full Plan, for the memory bar

    def to_json(self) -> dict[str, Any]:
        """The figures, without the Plan object itself (its own to_dict() is what `modelnest plan` prints)."""
        out = {k: v for k, v in self.__dict__.items() if k != "plan"}
        out["notes"] = [str(n) for n in self.notes]  # English, like `modelnest plan --json`
        return out

    @property
    def fits_fully(self) -> bool:
        return fits_fully(self.fit)


def _result(p: Any, file_bytes: int | None, estimated: bool) -> FitResult:
    mem, pred = p.memory, p.predicted
    return FitResult(
        fit=str(p.fit),
        gpu_layers=int(p.gpu_layers),
        ctx=int(p.ctx),
        total_bytes=int(mem.needed_bytes),  # RAM + GPU memory really needed (repacked weights once)
        host_bytes=int(mem.host_bytes),
        device_bytes=int(mem.device_bytes),
        decode_tps=getattr(pred, "decode_tokens_per_s", None),
        decode_low=getattr(pred, "low", None),
        decode_high=getattr(pred, "high", None),
        calibration_runs=int(getattr(pred, "calibration_runs", 0) or 0),
        file_bytes=file_bytes,
        file_bytes_estimated=estimated,
        notes=tuple(getattr(p, "notes", ()) or ()),
        experts_in_ram=bool(getattr(p, "experts_in_ram", False)),
        plan=p,
    )


def plan_entry(
    model: CatalogueModel, quant: str, hardware: HardwareSnapshot, ctx: int | None = None, *,
    calibration: Calibration | None = None, profile: SpeedProfile | bool | None = True,
) -> FitResult | None:
    """Plan one catalogue entry at one quantization; None when the size is unknown. `calibration` and `profile`
    as for modelnest.core.plan.plan (profile None: tables only, as for another computer)."""
    qf = model.file_for(quant)
    if qf is None:
        return None
    file_bytes, estimated = qf.size_or_estimate(model.n_params)
    if file_bytes is None:
        return None
    a = model.architecture
    spec = ModelSpec.from_architecture(**a.spec_kwargs(), file_bytes=file_bytes, quant=quant, n_params=model.n_params)
    wanted = min(ctx or DEFAULT_CTX, a.n_ctx_train) if a.n_ctx_train else (ctx or DEFAULT_CTX)
    return _result(plan(spec, hardware, ctx=wanted, calibration=calibration, profile=profile), file_bytes, estimated)


def plan_header(header: GGUFHeader, hardware: HardwareSnapshot, ctx: int | None = None) -> FitResult:
    """Plan a model from its (local or remote) GGUF header: exact tensor sizes, no estimate."""
    spec = ModelSpec.from_header(header)
    n_ctx_train = header.context_length or DEFAULT_CTX
    return _result(plan(spec, hardware, ctx=min(ctx or DEFAULT_CTX, n_ctx_train)), header.file_size, False)


@dataclass(frozen=True)
class Recommendation:
    model: CatalogueModel
    quant: str
    result: FitResult


def recommend(
    plans: dict[tuple[str, str], FitResult | None],
    models: list[CatalogueModel],
    *,
    has_gpu: bool,
    min_tps: float = USABLE_TOKENS_PER_S,
) -> Recommendation | None:
    """LEGACY, kept importable only until gui/catalogue/page.py moves to modelnest.core.catalogue.recommend
    (published quality, thinking tokens, top three): this old rule ranks by quants.quality_score, a size heuristic
    with no published source. Nothing else calls it."""
    wanted_fit = full_fit(has_gpu)
    best: tuple[float, float, Recommendation] | None = None
    for m in models:
        for q in m.quants:
            r = plans.get((m.id, q))
            if r is None or r.fit != wanted_fit or r.decode_tps is None or r.decode_tps < min_tps:
                continue
            key = (quality_score(m.n_params, q), r.decode_tps)
            if best is None or key > best[:2]:
                best = (key[0], key[1], Recommendation(m, q, r))
    return best[2] if best else None


def initial_quant(
    model: CatalogueModel,
    plans: Mapping[str, FitResult | None],
    *,
    has_gpu: bool,
    min_tps: float = USABLE_TOKENS_PER_S,
) -> str:
    """The quantization a model's row starts on, from its plans keyed by quant:
    the best quality that fits fully (``full_fit(has_gpu)``) at a usable speed; else the usual default
    (Q4_K_M, ``CatalogueModel.default_quant``) when it fits at all; else the best that fits at all; else the
    default (shown as too large)."""
    full = full_fit(has_gpu)
    usable = [
        q for q in model.quants
        if (p := plans.get(q)) is not None and p.fit == full and (p.decode_tps or 0.0) >= min_tps
    ]
    if usable:
        return max(usable, key=quant_rank)
    default = model.default_quant()
    fitting = [q for q in model.quants if (p := plans.get(q)) is not None and p.fit != TOO_LARGE]
    if default in fitting or not fitting:
        return default
    return max(fitting, key=quant_rank)


__all__ = [
    "DEFAULT_CTX",
    "FITS",
    "FitResult",
    "RECOMMENDATION_RULE",
    "RECOMMENDATION_RULE_MESSAGE",
    "Recommendation",
    "USABLE_TOKENS_PER_S",
    "initial_quant",
    "plan_entry",
    "plan_header",
    "recommend",
]
