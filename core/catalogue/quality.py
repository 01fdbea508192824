"""Published quality figures per catalogue model and the quality a quantization loses, each with its source.

The figures live in resources/catalogue/quality.json, transcribed from the model's own card (or technical report)
or a public leaderboard, each with its benchmark name and where it was published. Nothing here is estimated: a
model without a published figure for a use has none, and the recommender says "no published figure" instead of
ranking it by an invented one.

Scales are never mixed: a score is always a (benchmark, value, source) triple, and two models are compared only on
one **evaluation**: the same benchmark from the same source (one lab's table, one harness, one setting). The same
benchmark name from two sources is not comparable (Llama 3.1 8B's MMLU-Pro is 44.0 in the Phi-4-mini card and 48.3
in Meta's and Qwen's tables). ``comparison_evaluation`` picks it for a set of candidates by the stated rule:

1. The use's benchmarks in their order of preference (BENCHMARKS: the harder, less saturated one first).
2. The first benchmark that one source publishes for at least ``MIN_COMPARED`` of the candidates (or, when no
   evaluation covers that many, for as many as the widest evaluation covers) is used, from the source that covers
   the most candidates (ties: the source id, so the choice is deterministic).
3. When no evaluation covers two candidates (nothing can be compared), the evaluation of the largest candidate
   with a figure is used: without a comparison, the bigger model of its class is the one an experienced user picks.
4. A candidate that evaluation does not cover is not ranked (the recommender says so); nothing is estimated.

Quantization loss comes from llama.cpp's own measurement (the perplexity increase over the 16-bit weights of
Llama-3-8B that ``llama-quantize --help`` prints for each type, tools/quantize/quantize.cpp). The stated rule that
turns it into a score: **expected score = published score x (1 - relative perplexity increase)**, where the relative
increase is that Δppl over the 16-bit perplexity of the same measurement. It is an approximation (benchmarks were
not re-run per quantization) and is labelled so; it only ever orders quantizations of one model and trades a
model's size against a lossier quantization of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from modelnest.core.catalogue.quants import normalize_quant, quant_info
from modelnest.core.messages import Message, msg

__all__ = [
    "BENCHMARKS",
    "MIN_COMPARED",
    "FIELDS",
    "USE_FIELD",
    "Figure",
    "QualityTable",
    "QuantLoss",
    "comparison_benchmark",
    "comparison_evaluation",
    "load_quality",
]

# The four scores a model can have, and which one each use of the recommender ranks by.
FIELDS = ("general", "coding", "chinese", "reasoning")
USE_FIELD = {"chat": "general", "coding": "coding", "chinese": "chinese", "reasoning": "reasoning"}
# Benchmarks accepted per score, in order of preference when equally many candidates publish them.
BENCHMARKS: dict[str, tuple[str, ...]] = {
    "general": ("MMLU-Pro", "MMLU-Redux", "MMLU"),
    "coding": ("LiveCodeBench", "HumanEval", "MBPP"),
    "chinese": ("C-Eval", "CMMLU"),
    "reasoning": ("GPQA-Diamond", "MATH-500", "AIME24", "GPQA", "MATH", "GSM8K"),
}
# An evaluation is preferred for its benchmark only when it compares at least this many candidates (three picks).
MIN_COMPARED = 3


@dataclass(frozen=True)
class Figure:
    """One published score: the benchmark, the value (percent), where it was published."""

    benchmark: str
    score: float
    source_kind: str  # "model card", "technical report", "leaderboard", "blog"
    url: str
    setting: str = ""  # how it was run when the source says (e.g. "0-shot CoT"), shown in the detail
    source: str = ""  # the source's id in quality.json: figures are comparable only within one (benchmark, source)

    @property
    def label(self) -> Message:
        """"MMLU-Pro, model card": the short attribution the why-line carries (one message per kind of source, so
        the translator sees whole phrases)."""
        if self.source_kind == "model card":
            return msg("{benchmark}, model card", benchmark=self.benchmark)
        if self.source_kind == "technical report":
            return msg("{benchmark}, technical report", benchmark=self.benchmark)
        if self.source_kind == "leaderboard":
            return msg("{benchmark}, leaderboard", benchmark=self.benchmark)
        if self.source_kind == "blog":
            return msg("{benchmark}, developer's blog", benchmark=self.benchmark)
        return msg("{benchmark}, {source}", benchmark=self.benchmark, source=self.source_kind)


@dataclass(frozen=True)
class QuantLoss:
    """llama.cpp's measured perplexity increase of one quantization type, relative to the 16-bit weights."""

    quant: str
    ppl_increase: float  # absolute Δppl as published
    base_ppl: float  # the 16-bit perplexity of the same measurement (so the increase can be relative)
    reference: str  # the model it was measured on
    url: str

    @property
    def relative(self) -> float:
        return max(0.0, self.ppl_increase) / self.base_ppl

    def apply(self, score: float) -> float:
        """The stated rule: published score x (1 - relative perplexity increase)."""
        return score * (1.0 - self.relative)


@dataclass(frozen=True)
class QualityTable:
    figures: dict[str, dict[str, tuple[Figure, ...]]]  # model id -> field -> figures
    thinking: frozenset[str]  # model ids that think (emit reasoning tokens) before answering by default
    quant_losses: dict[str, QuantLoss]
    digest: str  # of the file, for Recommendations.inputs["quality"]

    def figures_for(self, model_id: str, field: str) -> tuple[Figure, ...]:
        return self.figures.get(model_id, {}).get(field, ())

    def figure(self, model_id: str, field: str, benchmark: str, source: str | None = None) -> Figure | None:
        """The model's figure on ``benchmark`` (from ``source`` when given; else its first source in the file)."""
        return next((f for f in self.figures_for(model_id, field)
                     if f.benchmark == benchmark and (source is None or f.source == source)), None)

    def thinks(self, model_id: str) -> bool:
        return model_id in self.thinking

    def quant_loss(self, quant: str) -> QuantLoss | None:
        """The measured loss of this type; unsloth-style "UD-Q4_K_XL" counts as its base family (quant_info)."""
        tag = normalize_quant(quant)
        if tag in self.quant_losses:
            return self.quant_losses[tag]
        info = quant_info(tag)
        return self.quant_losses.get(info.name) if info else None


def comparison_evaluation(table: QualityTable, model_ids: list[str], field: str,
                          sizes: Mapping[str, int] | None = None) -> tuple[str, str] | None:
    """(benchmark, source id) to compare these models on, by the rule in the module docstring; None when none of
    them has any figure for the field. ``sizes`` (parameters per model id) decides rule 3."""
    coverage: dict[tuple[str, str], int] = {}
    for m in set(model_ids):
        for f in table.figures_for(m, field):
            coverage[(f.benchmark, f.source)] = coverage.get((f.benchmark, f.source), 0) + 1
    if not coverage:
        return None
    if max(coverage.values()) < 2 and sizes:
        published = [m for m in set(model_ids) if table.figures_for(m, field)]
        largest = max(published, key=lambda m: (sizes.get(m, 0), m))
        covering = {key for key in coverage if table.figure(largest, field, key[0], key[1])}
        bench, src = min(covering, key=lambda k: (BENCHMARKS[field].index(k[0]), k[1]))
        return bench, src
    need = min(MIN_COMPARED, max(coverage.values()))
    for bench in BENCHMARKS[field]:
        sources = [(n, src) for (b, src), n in coverage.items() if b == bench and n >= need]
        if sources:
            _n, src = min(sources, key=lambda t: (-t[0], t[1]))
            return bench, src
    return None  # unreachable: the widest evaluation reaches `need`


def comparison_benchmark(table: QualityTable, model_ids: list[str], field: str) -> str | None:
    """The benchmark of ``comparison_evaluation`` (for faces that show one benchmark name)."""
    chosen = comparison_evaluation(table, model_ids, field)
    return chosen[0] if chosen else None


def parse_quality(doc: Any) -> QualityTable:
    """The table from the parsed JSON; raises ValueError on a malformed file (a test reads the bundled one)."""
    if not isinstance(doc, dict) or doc.get("schema") != 1:
        raise ValueError("quality.json: schema 1 expected")
    sources: dict[str, Any] = doc.get("sources", {})
    figures: dict[str, dict[str, tuple[Figure, ...]]] = {}
    for model_id, entry in doc.get("models", {}).items():
        per_field: dict[str, tuple[Figure, ...]] = {}
        for field in FIELDS:
            rows = []
            for row in entry.get(field, []):
                src = sources[row["source"]]
                if row["benchmark"] not in BENCHMARKS[field]:
                    raise ValueError(f"quality.json: {model_id} {field}: unknown benchmark {row['benchmark']!r}")
                rows.append(Figure(str(row["benchmark"]), float(row["score"]), str(src["kind"]), str(src["url"]),
                                   str(row.get("setting", "")), str(row["source"])))
            if rows:
                per_field[field] = tuple(rows)
        figures[model_id] = per_field
    thinking = frozenset(m for m, e in doc.get("models", {}).items() if e.get("thinks"))
    q = doc["quant_loss"]
    losses = {
        name: QuantLoss(name, float(v), float(q["base_ppl"]), str(q["reference"]), str(q["url"]))
        for name, v in q["ppl_increase"].items()
    }
    return QualityTable(figures, thinking, losses, "")


@cache
def load_quality() -> QualityTable:
    """The bundled table (read with importlib.resources, so it works frozen too)."""
    text = (resources.files("modelnest.resources") / "catalogue" / "quality.json").read_text(encoding="utf-8")
    table = parse_quality(json.loads(text))
    return QualityTable(table.figures, table.thinking, table.quant_losses,
                        hashlib.sha256(text.encode()).hexdigest()[:16])
