""""Recommended for you": the best published quality for a use among the files this computer runs fast enough.

The rule (the GUI and the CLI quote it; docs/recommendations.md applies it to recorded machines):

1. Plan every catalogue file for this computer **idle** (tier.idle_snapshot: the machine, not this moment's free
   memory, so the pick does not change with whatever else is open). A file is a candidate when it fits at all
   (any badge but too_large) and its **lower** predicted decode speed is at least ``min_tps``.
2. A model that thinks before it answers (reasoning distills, QwQ, Qwen3 by default) spends THINKING_TOKENS
   before the ANSWER_TOKENS of a typical answer. For every use except "reasoning" it must reach ``min_tps`` on
   the answer itself: lower speed x ANSWER_TOKENS / (ANSWER_TOKENS + THINKING_TOKENS) >= min_tps. (For
   "reasoning" the user asked for the thinking; its time to answer is still shown.)
3. Quality is the use's published score (quality.py: general for chat, coding, Chinese, reasoning) in ONE
   evaluation, the same benchmark from the same source for every candidate (quality.comparison_evaluation: the
   use's most preferred benchmark that one source publishes for at least three of the fast-enough candidates,
   from the source covering most of them; when no source covers two, the largest candidate's), after the
   quantization's measured loss (quality.py's stated rule). A
   candidate that evaluation does not cover is not ranked at all, whatever other figures it has.
4. Best first by expected quality, then by the lower predicted speed, then by model id and quantization (a full
   order, so the same inputs always give the same picks); one file per model (its best quantization), at most
   three models.

The headline's "runs comfortably" is the fast-enough model with the most **active** parameters (those a token
multiplies: all of a dense model's, the routed experts in use of a MoE's; core/catalogue/shape.py). That is what
decides speed and what people mean by "this computer runs 8B models"; ranking by total parameters made a 21B-A3B
MoE "the biggest it runs comfortably" on machines that run no dense model above 4B. A MoE is named with its
active size ("ERNIE 4.5 21B-A3B (MoE), 3B active"). "Largest it can load" stays by total parameters: memory.

``Recommendations.inputs`` holds a digest of each input (hardware, calibration with the speed test, catalogue,
settings, quality figures) so a face can say what changed when the picks change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from modelnest.core.catalogue.entries import Catalogue, CatalogueModel
from modelnest.core.catalogue.fit import FitResult, plan_entry
from modelnest.core.catalogue.quality import (
    USE_FIELD,
    Figure,
    QualityTable,
    comparison_evaluation,
    load_quality,
)
from modelnest.core.catalogue.quants import quant_rank
from modelnest.core.catalogue.shape import active_parameters, parameter_count
from modelnest.core.messages import Message, msg
from modelnest.core.plan.calibration import SPEED_MODEL_VERSION, Calibration, machine_id
from modelnest.core.plan.fit import CPU_ONLY, FULL_GPU, PARTIAL_GPU, TOO_LARGE
from modelnest.core.plan.tier import idle_snapshot
from modelnest.core.units import format_params, format_tokens_per_s

if TYPE_CHECKING:
    from modelnest.core.hardware import HardwareSnapshot
    from modelnest.core.plan.speedtest import SpeedProfile

__all__ = [
    "ANSWER_TOKENS",
    "DEFAULT_MIN_TPS",
    "DEFAULT_USE",
    "HEADLINE_MIN_QUANT",
    "PROMPT_TOKENS",
    "THINKING_TOKENS",
    "USES",
    "Headline",
    "Pick",
    "active_params",
    "Recommendations",
    "headline",
    "headline_text",
    "plan_all",
    "recommend",
    "size_label_of",
]

USES = ("chat", "coding", "chinese", "reasoning")
DEFAULT_USE = "chat"
DEFAULT_MIN_TPS = 10.0
# A typical answer: a few paragraphs of chat, ~300 tokens (about 225 English words).
ANSWER_TOKENS = 300
# What a thinking model writes before that answer. An assumption, stated: reasoning models think for hundreds to
# thousands of tokens even on short questions; 1000 is a modest middle (hard maths runs far longer).
THINKING_TOKENS = 1000
# The question and the chat template in front of it, read at the prefill speed before the first token.
PROMPT_TOKENS = 200
# "Runs comfortably" in the headline counts files of at least the usual 4-bit balance (a 2-bit file of a big
# model is fast but not that model any more).
HEADLINE_MIN_QUANT = "Q4_K_M"


@dataclass(frozen=True)
class Pick:
    model_id: str
    name: str
    quant: str
    fit: str  # the fit badge (modelnest.core.plan.fit)
    decode_low: float  # predicted decode range, tokens/s
    decode_high: float
    answer_seconds: float | None  # predicted time to a typical answer (prompt, thinking tokens and answer)
    quality: float | None  # the use's score after the quantization's loss
    quality_source: Message | None  # "MMLU-Pro, model card"
    why: Message
    why_not_bigger: Message | None
    benchmark: str | None = None
    published_score: float | None = None  # the figure before the quantization's loss
    source_url: str | None = None
    thinks: bool = False
    n_params: int = 0
    active_params: int = 0  # parameters a token multiplies (= n_params for a dense model)

    @property
    def is_moe(self) -> bool:
        return 0 < self.active_params < self.n_params

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.model_id,
            "name": self.name,
            "quant": self.quant,
            "fit": self.fit,
            "decode_low": round(self.decode_low, 2),
            "decode_high": round(self.decode_high, 2),
            "answer_seconds": None if self.answer_seconds is None else round(self.answer_seconds, 1),
            "quality": None if self.quality is None else round(self.quality, 2),
            "quality_source": None if self.quality_source is None else str(self.quality_source),
            "benchmark": self.benchmark,
            "published_score": self.published_score,
            "source_url": self.source_url,
            "thinks": self.thinks,
            "why": str(self.why),
            "why_not_bigger": None if self.why_not_bigger is None else str(self.why_not_bigger),
        }


@dataclass(frozen=True)
class Recommendations:
    use: str
    min_tps: float
    picks: tuple[Pick, ...]  # best first, at most 3
    inputs: dict[str, str]  # digest per input: hardware, calibration, catalogue, settings, quality
    benchmark: str | None = None  # what the picks were compared on (None: no candidate publishes a figure)
    source: str | None = None  # whose table that benchmark comes from (quality.json source id)

    def changed_inputs(self, previous: Mapping[str, str] | None) -> list[str]:
        """Names of the inputs whose digest differs from ``previous`` (all of them without one), in a fixed order."""
        if previous is None:
            return list(self.inputs)
        return [k for k, v in self.inputs.items() if previous.get(k) != v]

    def to_json(self) -> list[dict[str, Any]]:
        return [p.to_json() for p in self.picks]


@dataclass(frozen=True)
class Headline:
    comfortable: Pick | None  # the biggest model this computer runs at the threshold, with its speed
    largest: Pick | None  # the largest it can load at all (fit != too_large), with that speed


# ---------------------------------------------------------------------------------------------------- inputs


class _FrozenCalibration(Calibration):
    """The calibration records read once: every plan of one recommendation sees the same ones (and fast)."""

    def __init__(self, source: Calibration) -> None:
        super().__init__(source.path)
        self._records = Calibration._load(source)

    def _load(self) -> list[dict[str, Any]]:
        return self._records

    def digest_records(self) -> list[dict[str, Any]]:
        here = machine_id()
        return [r for r in self._records if r.get("machine") == here and r.get("speed_model") == SPEED_MODEL_VERSION]


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _hardware_digest(hw: HardwareSnapshot) -> str:
    """What decides fit and speed; not sensors, free disk or this moment's free memory (hw is the idle one)."""
    d = hw.to_dict()
    for volatile in ("sensors", "disk", "probe_seconds"):
        d.pop(volatile, None)
    for key in ("swap_free_bytes", "missing"):
        d.get("memory", {}).pop(key, None)
    for g in d.get("gpus", []):
        g.pop("vram_used_bytes", None)
    return _digest(d)


def _resolve_profile(hw: HardwareSnapshot, profile: SpeedProfile | bool | None) -> SpeedProfile | None:
    if profile is True:
        from modelnest.core.plan.speedtest import cached_profile  # the engine client comes with it: load late

        return cached_profile(hw)
    return profile or None


def _calibration_digest(cal: _FrozenCalibration, profile: SpeedProfile | None) -> str:
    speed_test = None if profile is None else [profile.fingerprint, profile.engine_version, profile.measured_at]
    return _digest({"records": cal.digest_records(), "speed_test": speed_test})


def plan_all(
    catalogue: Catalogue, hardware: HardwareSnapshot, *, calibration: Calibration | None = None,
    profile: SpeedProfile | bool | None = True, plans: Mapping[tuple[str, str], FitResult | None] | None = None,
) -> dict[tuple[str, str], FitResult | None]:
    """Plans of every catalogue file for the idle machine, keyed (model id, quant); ``plans`` given are reused."""
    hw = idle_snapshot(hardware)
    cal = calibration if isinstance(calibration, _FrozenCalibration) else _FrozenCalibration(
        calibration or Calibration.default())
    prof = _resolve_profile(hardware, profile)
    out: dict[tuple[str, str], FitResult | None] = {}
    for m in catalogue.models:
        for q in m.quants:
            key = (m.id, q)
            if plans is not None and key in plans:
                out[key] = plans[key]
            else:
                out[key] = plan_entry(m, q, hw, calibration=cal, profile=prof)
    return out


# ---------------------------------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class _Option:
    """One planned file with what the rule needs."""

    model: CatalogueModel
    quant: str
    plan: FitResult
    low: float
    high: float
    thinks: bool
    answer_seconds: float | None

    @property
    def answer_tps(self) -> float:
        """The speed at which the answer itself arrives: thinking tokens count as time without answer."""
        if not self.thinks:
            return self.low
        return self.low * ANSWER_TOKENS / (ANSWER_TOKENS + THINKING_TOKENS)


def _prefill_tps(plan: FitResult) -> float | None:
    predicted = getattr(plan.plan, "predicted", None)
    value = getattr(predicted, "prefill_tokens_per_s", None)
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def _options(catalogue: Catalogue, plans: Mapping[tuple[str, str], FitResult | None],
             table: QualityTable) -> list[_Option]:
    out = []
    for m in catalogue.models:
        thinks = table.thinks(m.id)
        for q in m.quants:
            p = plans.get((m.id, q))
            if p is None or p.fit == TOO_LARGE or p.decode_tps is None:
                continue
            low = p.decode_low if p.decode_low is not None else p.decode_tps
            high = p.decode_high if p.decode_high is not None else p.decode_tps
            if low <= 0:
                continue
            prefill = _prefill_tps(p)
            tokens = ANSWER_TOKENS + (THINKING_TOKENS if thinks else 0)
            seconds = tokens / low + (PROMPT_TOKENS / prefill if prefill else 0.0)
            out.append(_Option(m, q, p, float(low), float(high), thinks, seconds))
    return out


def _fast_enough(o: _Option, use: str, min_tps: float) -> bool:
    return (o.low if use == "reasoning" else o.answer_tps) >= min_tps


Evaluation = tuple[str, str] | None  # (benchmark, source id) the candidates are compared on


def _quality(o: _Option, table: QualityTable, field: str, evaluation: Evaluation) -> tuple[float, Figure] | None:
    if evaluation is None:
        return None
    fig = table.figure(o.model.id, field, evaluation[0], evaluation[1])
    loss = table.quant_loss(o.quant)
    if fig is None or loss is None:
        return None  # no published figure, or no measured loss for this type: never ranked by an invented one
    return loss.apply(fig.score), fig


def _fit_words(fit: str) -> Message:
    if fit == FULL_GPU:
        return msg("fits fully on the GPU")
    if fit == CPU_ONLY:
        return msg("fits fully in RAM")
    if fit == PARTIAL_GPU:
        return msg("partly on the GPU")
    return msg("does not fit")


def _speed(o: _Option) -> str:
    return format_tokens_per_s(o.low, o.high)


def _why(o: _Option, quality: tuple[float, Figure] | None) -> Message:
    if quality is None:
        base = msg("{fit} · {speed} predicted · no published figure", fit=_fit_words(o.plan.fit), speed=_speed(o))
    else:
        score, fig = quality
        base = msg("{fit} · {speed} predicted · quality {score} ({source})", fit=_fit_words(o.plan.fit),
                   speed=_speed(o), score=f"{score:.0f}", source=fig.label)
    if o.thinks and o.answer_seconds is not None:
        return msg("{line} · thinks first: ≈{seconds} s to a typical answer", line=base,
                   seconds=f"{o.answer_seconds:.0f}")
    return base


def _pick(o: _Option, quality: tuple[float, Figure] | None, why_not: Message | None) -> Pick:
    return Pick(
        model_id=o.model.id, name=o.model.name, quant=o.quant, fit=o.plan.fit, decode_low=o.low, decode_high=o.high,
        answer_seconds=o.answer_seconds, quality=quality[0] if quality else None,
        quality_source=quality[1].label if quality else None, why=_why(o, quality), why_not_bigger=why_not,
        benchmark=quality[1].benchmark if quality else None, published_score=quality[1].score if quality else None,
        source_url=quality[1].url if quality else None, thinks=o.thinks, n_params=o.model.n_params,
        active_params=active_params(o.model),
    )


def active_params(model: CatalogueModel) -> int:
    """The model's parameters a token multiplies: all of a dense model's; a MoE's catalogue total scaled by the
    active share its shape implies (shape.active_parameters / parameter_count), so it agrees with n_params."""
    a = model.architecture
    if not a.is_moe:
        return model.n_params
    total = parameter_count(a)
    return round(model.n_params * active_parameters(a) / total) if total > 0 else model.n_params


def _next_bigger(catalogue: Catalogue, model: CatalogueModel) -> CatalogueModel | None:
    bigger = [m for m in catalogue.models if m.family == model.family and m.n_params > model.n_params]
    return min(bigger, key=lambda m: (m.n_params, m.id)) if bigger else None


def _why_not_bigger(
    catalogue: Catalogue, model: CatalogueModel, by_model: Mapping[str, list[_Option]], use: str, min_tps: float,
    table: QualityTable, field: str, evaluation: Evaluation, chosen: set[str],
) -> Message | None:
    bigger = _next_bigger(catalogue, model)
    if bigger is None:
        return None
    name = bigger.name
    options = by_model.get(bigger.id, [])
    if not options:
        return msg("{name} does not fit in this computer's memory", name=name)
    fast = [o for o in options if _fast_enough(o, use, min_tps)]
    if not fast:
        best = max(options, key=lambda o: (o.low, quant_rank(o.quant), o.quant))
        if best.thinks and use != "reasoning" and best.answer_seconds is not None and best.low >= min_tps:
            return msg("{name} thinks first: ≈{seconds} s to a typical answer at {speed}", name=name,
                       seconds=f"{best.answer_seconds:.0f}", speed=_speed(best))
        return msg("{name} would run at {speed} ({quant})", name=name, speed=_speed(best), quant=best.quant)
    if bigger.id in chosen:
        return msg("{name} is recommended too", name=name)
    scored = [(q, o) for o in fast if (q := _quality(o, table, field, evaluation)) is not None]
    if not scored:
        if evaluation is not None and table.figures_for(bigger.id, field):
            return msg("{name} is not in the evaluation compared here ({benchmark}, {source})", name=name,
                       benchmark=evaluation[0], source=evaluation[1])
        return msg("{name} has no published {benchmark} figure", name=name,
                   benchmark=evaluation[0] if evaluation else field)
    (score, fig), _o = max(scored, key=lambda t: (t[0][0], t[1].low))
    return msg("{name} scores lower: {score} ({source}) at the quantizations that run fast enough", name=name,
               score=f"{score:.0f}", source=fig.label)


def _inputs(catalogue: Catalogue, hw: HardwareSnapshot, cal: _FrozenCalibration, profile: SpeedProfile | None,
            table: QualityTable, use: str, min_tps: float) -> dict[str, str]:
    return {
        "hardware": _hardware_digest(hw),
        "calibration": _calibration_digest(cal, profile),
        "catalogue": _digest(catalogue.to_json()),
        "settings": _digest({"use": use, "min_tps": min_tps}),
        "quality": table.digest,
    }


def recommend(
    catalogue: Catalogue,
    hardware: HardwareSnapshot,
    *,
    use: str = DEFAULT_USE,
    min_tps: float = DEFAULT_MIN_TPS,
    calibration: Calibration | None = None,
    profile: SpeedProfile | bool | None = True,
    plans: Mapping[tuple[str, str], FitResult | None] | None = None,
    quality: QualityTable | None = None,
) -> Recommendations:
    """The top three for ``use`` on this computer (the rule in the module docstring).

    ``plans`` (keyed (model id, quant), from plan_entry on ``tier.idle_snapshot(hardware)`` with the same
    calibration and profile) are reused; missing ones are planned here. Plans of the live snapshot (this moment's
    free memory) work too but make the picks follow whatever else is open."""
    if use not in USES:
        raise ValueError(f"use must be one of {', '.join(USES)}, not {use!r}")
    table = quality or load_quality()
    hw = idle_snapshot(hardware)
    cal = _FrozenCalibration(calibration or Calibration.default())
    prof = _resolve_profile(hardware, profile)
    all_plans = plan_all(catalogue, hardware, calibration=cal, profile=prof or None, plans=plans)
    field = USE_FIELD[use]
    options = _options(catalogue, all_plans, table)
    by_model: dict[str, list[_Option]] = {}
    for o in options:
        by_model.setdefault(o.model.id, []).append(o)
    fast = [o for o in options if _fast_enough(o, use, min_tps)]
    evaluation = comparison_evaluation(table, sorted({o.model.id for o in fast}), field,
                                       {o.model.id: o.model.n_params for o in fast})
    best_per_model: dict[str, tuple[tuple[float, float, int, str], _Option, tuple[float, Figure]]] = {}
    for o in fast:
        q = _quality(o, table, field, evaluation)
        if q is None:
            continue
        key = (q[0], o.low, quant_rank(o.quant), o.quant)
        current = best_per_model.get(o.model.id)
        if current is None or key > current[0]:
            best_per_model[o.model.id] = (key, o, q)
    ranked = sorted(best_per_model.values(), key=lambda t: (-t[0][0], -t[0][1], t[1].model.id, t[1].quant))[:3]
    chosen = {t[1].model.id for t in ranked}
    picks = tuple(
        _pick(o, q, _why_not_bigger(catalogue, o.model, by_model, use, min_tps, table, field, evaluation, chosen))
        for _key, o, q in ranked
    )
    return Recommendations(use, float(min_tps), picks, _inputs(catalogue, hw, cal, prof, table, use, min_tps),
                           evaluation[0] if evaluation else None, evaluation[1] if evaluation else None)


def headline(
    catalogue: Catalogue,
    hardware: HardwareSnapshot,
    *,
    min_tps: float = DEFAULT_MIN_TPS,
    calibration: Calibration | None = None,
    profile: SpeedProfile | bool | None = True,
    plans: Mapping[tuple[str, str], FitResult | None] | None = None,
    quality: QualityTable | None = None,
) -> Headline:
    """What this computer runs comfortably and the largest it can load at all, from the planner.

    comfortable: the model with the most active parameters (module docstring: a MoE counts the experts a token
    uses) that has a file of at least HEADLINE_MIN_QUANT reaching ``min_tps`` (a thinking model on its answer, as
    for chat); its best such file. largest: the model with the most total parameters that fits at all; its
    best-quality file that fits."""
    table = quality or load_quality()
    all_plans = plan_all(catalogue, hardware, calibration=calibration, profile=profile, plans=plans)
    options = _options(catalogue, all_plans, table)
    floor = quant_rank(HEADLINE_MIN_QUANT)

    def size_key(o: _Option) -> tuple[int, int, float, str, str]:
        return (o.model.n_params, quant_rank(o.quant), o.low, o.model.id, o.quant)

    def compute_key(o: _Option) -> tuple[int, int, int, float, str, str]:
        return (active_params(o.model), o.model.n_params, quant_rank(o.quant), o.low, o.model.id, o.quant)

    comfy = [o for o in options if quant_rank(o.quant) >= floor and _fast_enough(o, "chat", min_tps)]
    best_comfy = max(comfy, key=compute_key) if comfy else None
    best_any = max(options, key=size_key) if options else None

    def as_pick(o: _Option | None) -> Pick | None:
        if o is None:
            return None
        q = _general_quality(o, table)
        return _pick(o, q, None)

    return Headline(as_pick(best_comfy), as_pick(best_any))


def _general_quality(o: _Option, table: QualityTable) -> tuple[float, Figure] | None:
    """The model's own first published general figure (for the headline's detail; nothing is ranked by it)."""
    figs = table.figures_for(o.model.id, "general")
    loss = table.quant_loss(o.quant)
    if not figs or loss is None:
        return None
    return loss.apply(figs[0].score), figs[0]


def headline_text(h: Headline, min_tps: float = DEFAULT_MIN_TPS) -> Message:
    """The headline in one translatable line (the probe CLI prints it; the hardware card may show it)."""
    if h.comfortable is not None:
        c = h.comfortable
        if c.is_moe:
            comfortable = msg("runs {name}, {active} active, {quant} comfortably, {speed} predicted", name=c.name,
                              active=size_label_of(c.active_params), quant=c.quant,
                              speed=format_tokens_per_s(c.decode_low, c.decode_high))
        else:
            comfortable = msg("runs {name} {quant} comfortably, {speed} predicted", name=c.name, quant=c.quant,
                              speed=format_tokens_per_s(c.decode_low, c.decode_high))
    else:
        comfortable = msg("no catalogue model reaches {tps} t/s here", tps=f"{min_tps:g}")
    if h.largest is None:
        return msg("{comfortable}; no catalogue model fits", comfortable=comfortable)
    g = h.largest
    return msg("{comfortable}; the largest it can load is {name} {quant}, {speed} predicted", comfortable=comfortable,
               name=g.name, quant=g.quant, speed=format_tokens_per_s(g.decode_low, g.decode_high))


def size_label(pick: Pick) -> str:
    """"8B": a model's size as a headline names it."""
    return size_label_of(pick.n_params)


def size_label_of(n_params: int) -> str:
    """"8B", "3.3B": a parameter count as a headline names it."""
    return format_params(n_params).replace(".0B", "B")
