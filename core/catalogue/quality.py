"""Published quality figures per catalogue model and the quality a quantization loses, each with its source.

The figures live in resources/catalogue/quality.json, transcribed from the model's own card (or technical report)
or a public leaderboard, each with its benchmark name and where it was published. Nothing here is estimated: a
model without a published figure for a use has none, and the recommender says "no published figure" instead of
ranking it by an invented one.

Scales are never mixed: a score is always a (benchmark, value) pair, and two models are compared only on the same
benchmark (``comparison_benchmark`` picks, for a set of candidates, the benchmark most of them publish).

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
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from modelnest.core.catalogue.quants import normalize_quant, quant_info
from modelnest.core.messages import Message, msg

__all__ = [
    "BENCHMARKS",
    "FIELDS",
    "USE_FIELD",
    "Figure",
    "QualityTable",
    "QuantLoss",
    "comparison_benchmark",
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
    "reasoning": ("GPQA-Diamond", "MATH-500", "AIME24", "MATH", "GSM8K"),
}


@dataclass(frozen=True)
class Figure:
    """One published score: the benchmark, the value (percent), where it was published."""

    benchmark: str
    score: float
    source_kind: str  # "model card", "technical report", "leaderboard", "blog"
    url: str
    setting: str = ""  # how it was run when the source says (e.g. "0-shot CoT"), shown in the detail

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

    def figure(self, model_id: str, field: str, benchmark: str) -> Figure | None:
        return next((f for f in self.figures_for(model_id, field) if f.benchmark == benchmark), None)

    def thinks(self, model_id: str) -> bool:
        return model_id in self.thinking

    def quant_loss(self, quant: str) -> QuantLoss | None:
        """The measured loss of this type; unsloth-style "UD-Q4_K_XL" counts as its base family (quant_info)."""
        tag = normalize_quant(quant)
        if tag in self.quant_losses:
            return self.quant_losses[tag]
        info = quant_info(tag)
        return self.quant_losses.get(info.name) if info else None


def comparison_benchmark(table: QualityTable, model_ids: list[str], field: str) -> str | None:
    """The benchmark to compare these models on: the one most of them publish (ties: BENCHMARKS' order).
    None when none of them publishes any accepted benchmark for the field."""
    counts = {b: sum(1 for m in model_ids if table.figure(m, field, b)) for b in BENCHMARKS[field]}
    best = max(BENCHMARKS[field], key=lambda b: (counts[b], -BENCHMARKS[field].index(b)))
    return best if counts[best] else None


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
                                   str(row.get("setting", ""))))
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
