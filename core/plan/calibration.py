"""Measured vs predicted speeds per machine and class of run, so the next prediction starts from reality.

Stored as a small JSON file in the data directory, written atomically. A class is where the weights run and in
what format (e.g. "cpu:Q4_K"): speeds of one quantization family on one placement scale together.

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

MAX_RECORDS = 500
MIN_TOKENS = 8  # replies (and evaluated prompts) shorter than this are not timed reliably enough to learn from
# Bumped whenever speed.py's formula changes: factors measured against an older formula no longer apply.
SPEED_MODEL_VERSION = 3


def run_class(backend: str, gpu_layers: int, n_layer: int, quant: str) -> str:
    placement = "cpu" if gpu_layers == 0 else ("gpu" if gpu_layers > n_layer else "split")
    family = quant.split("_")[0] if quant.startswith(("Q", "IQ")) else quant
    return f"{backend}:{placement}:{family}"


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
               predicted_prefill: float, measured_prefill: float, model: str = "") -> None:
        if predicted_decode <= 0 or measured_decode <= 0:
            return
        records = self._load()
        records.append(
            {
                "machine": machine_id(),
                "class": klass,
                "model": model,
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

    def factors(self, klass: str, model: str = "") -> tuple[float, float, int] | None:
        """(decode factor, prefill factor, runs) from this machine's runs of this model in this class, else of any
        model in the class (the formula's bias differs a little between architectures); None without any."""
        here = machine_id()
        mine = [
            r for r in self._load()
            if r.get("machine") == here and r.get("class") == klass and r.get("speed_model") == SPEED_MODEL_VERSION
        ]
        same_model = [r for r in mine if model and r.get("model") == model]
        mine = same_model or mine
        if not mine:
            return None
        decode = statistics.median(r["measured_decode"] / r["predicted_decode"] for r in mine)
        prefills = [
            r["measured_prefill"] / r["predicted_prefill"] for r in mine
            if r.get("predicted_prefill", 0) > 0 and r.get("measured_prefill", 0) > 0
        ]
        prefill = statistics.median(prefills) if prefills else 1.0
        return decode, prefill, len(mine)
