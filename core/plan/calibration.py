"""Measured vs predicted speeds per machine and class of run, so the next prediction starts from reality.

Stored as a small JSON file in the data directory, written atomically. A class is what the run was learnt on: the
backend and placement, the quantization family, and dense vs mixture-of-experts (e.g. "cpu:cpu:Q4:dense"); a
factor learnt in one class is never applied to another (a MoE model's runs say nothing about a dense model's).
Records are also kept apart by the basis of the prediction they corrected (this computer's speed test of a given
date, or the tables): a new speed test starts calibration again rather than correcting twice.

The range shown narrows from the spread of what was measured (the ratios measured/predicted), not from the number
of runs alone: three runs that disagree by 30 % keep a wide range.

The policy for which real runs are recorded (``measured_run``) lives here too, so the chat page and
``modelnest run`` record the same runs:
- a reply of fewer than MIN_TOKENS tokens is not recorded: its time is mostly the first token's overhead;
- its decode speed must be a finite, positive figure;
- its prompt speed counts only when at least MIN_TOKENS prompt tokens were really evaluated (a turn that reused
  the KV cache of the previous one evaluates a handful, and their speed says nothing); else it is left out;
- it is recorded against the context it attended to on average while decoding: the prompt plus half the reply.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelnest.core import paths
from modelnest.core.atomic import atomic_write_json
from modelnest.core.engine.params import GenerationSummary
from modelnest.core.plan.speed import CalibrationFactors

MAX_RECORDS = 500
MIN_TOKENS = 8  # replies (and evaluated prompts) shorter than this are not timed reliably enough to learn from
# Bumped whenever speed.py's formula changes: factors measured against an older formula no longer apply.
SPEED_MODEL_VERSION = 5
MIN_SPREAD = 0.05  # never claim a range narrower than ±5 %: runs vary by that much on any machine


def run_class(backend: str, gpu_layers: int, n_layer: int, quant: str, moe: bool = False) -> str:
    placement = "cpu" if gpu_layers == 0 else ("gpu" if gpu_layers > n_layer else "split")
    family = quant.split("_")[0] if quant.startswith(("Q", "IQ")) else quant
    return f"{backend}:{placement}:{family}:{'moe' if moe else 'dense'}"


@dataclass(frozen=True)
class MeasuredRun:
    """What a finished reply teaches calibration (see the policy in the module docstring)."""

    decode_tokens_per_s: float
    prefill_tokens_per_s: float  # 0.0: not measured well enough to learn from (calibration then ignores it)
    context_used: int  # tokens attended on average while decoding


def measured_run(summary: GenerationSummary) -> MeasuredRun | None:
    """The run to record for this reply, or None when the policy says it teaches nothing."""
    decode = summary.decode_tokens_per_s
    if summary.tokens < MIN_TOKENS or not math.isfinite(decode) or decode <= 0:
        return None
    prefill = summary.prefill_tokens_per_s
    evaluated = summary.prompt_tokens_evaluated
    usable_prefill = evaluated >= MIN_TOKENS and math.isfinite(prefill) and prefill > 0
    return MeasuredRun(decode, prefill if usable_prefill else 0.0, summary.prompt_tokens + summary.tokens // 2)


def machine_id() -> str:
    return f"{platform.node()}|{platform.machine()}|{os.cpu_count()}"


@dataclass
class Calibration:
    path: Path

    @classmethod
    def default(cls) -> Calibration:
        return cls(paths.data_dir() / "calibration.json")

    def _load(self) -> list[dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text())
            return [r for r in data.get("records", []) if isinstance(r, dict)]
        except (OSError, ValueError):
            return []  # missing or damaged: start again (calibration is an optimisation, never required)

    def record(self, klass: str, predicted_decode: float, measured_decode: float,
               predicted_prefill: float, measured_prefill: float, model: str = "", basis: str = "tables") -> None:
        if predicted_decode <= 0 or measured_decode <= 0:
            return
        records = self._load()
        records.append(
            {
                "machine": machine_id(),
                "class": klass,
                "model": model,
                "basis": basis,
                "speed_model": SPEED_MODEL_VERSION,
                "predicted_decode": predicted_decode,
                "measured_decode": measured_decode,
                "predicted_prefill": predicted_prefill,
                "measured_prefill": measured_prefill,
                "time": time.time(),
            }
        )
        records = records[-MAX_RECORDS:]
        atomic_write_json(self.path, {"records": records}, indent=None)

    def factors(self, klass: str, model: str = "", basis: str = "tables") -> CalibrationFactors | None:
        """What this machine's runs in exactly this class (and against predictions of this basis) taught: of this
        model when it ran, else of any model in the class (the formula's bias differs a little between
        architectures). None without any: nothing transfers from another class."""
        here = machine_id()
        mine = [
            r for r in self._load()
            if r.get("machine") == here and r.get("class") == klass and r.get("speed_model") == SPEED_MODEL_VERSION
            and r.get("basis", "tables") == basis
        ]
        same_model = [r for r in mine if model and r.get("model") == model]
        mine = same_model or mine
        if not mine:
            return None
        ratios = [r["measured_decode"] / r["predicted_decode"] for r in mine]
        decode = statistics.median(ratios)
        prefills = [
            r["measured_prefill"] / r["predicted_prefill"] for r in mine
            if r.get("predicted_prefill", 0) > 0 and r.get("measured_prefill", 0) > 0
        ]
        prefill = statistics.median(prefills) if prefills else 1.0
        return CalibrationFactors(decode, prefill, len(mine), measured_spread(ratios))


def measured_spread(ratios: list[float]) -> float | None:
    """Half-width of the range from how much the measured/predicted ratios disagree (two standard deviations of
    their logarithm, at least MIN_SPREAD); None from a single run, which shows no spread."""
    if len(ratios) < 2:
        return None
    logs = [math.log(r) for r in ratios if r > 0]
    if len(logs) < 2:
        return None
    return max(MIN_SPREAD, math.expm1(2 * statistics.stdev(logs)))
