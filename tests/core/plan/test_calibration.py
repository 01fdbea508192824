"""The calibration policy: which finished replies are recorded, and what the next prediction learns from them."""

from __future__ import annotations

import json
import math
from pathlib import Path

from modelnest.core.engine.params import GenerationSummary
from modelnest.core.hardware import HardwareSnapshot, probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.plan import Calibration, ModelSpec, learn_from_summary, measured_run, plan
from modelnest.core.plan.calibration import MIN_TOKENS

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"
QWEN25_7B = dict(arch="qwen2", n_layer=28, n_embd=3584, n_head=28, n_head_kv=4, n_vocab=152064, n_ff=18944,
                 n_ctx_train=32768, n_params=7_615_616_512)


def summary(tokens: int = 100, decode: float = 5.0, prefill: float = 40.0, prompt: int = 300,
            evaluated: int = 300) -> GenerationSummary:
    return GenerationSummary(text="x", tokens=tokens, prompt_tokens=prompt, prompt_tokens_evaluated=evaluated,
                             ttft_s=1.0, prefill_tokens_per_s=prefill, decode_tokens_per_s=decode, total_s=20.0,
                             stop_reason="eos")


def test_policy() -> None:
    run = measured_run(summary())
    assert run is not None and (run.decode_tokens_per_s, run.prefill_tokens_per_s, run.context_used) == (5.0, 40.0, 350)
    assert measured_run(summary(tokens=MIN_TOKENS - 1)) is None  # too short to time the decode
    assert measured_run(summary(tokens=MIN_TOKENS)) is not None
    assert measured_run(summary(decode=math.inf)) is None and measured_run(summary(decode=0.0)) is None
    # a turn that reused the KV cache evaluated 3 prompt tokens: their speed is not learnt, the decode speed is
    cached = measured_run(summary(evaluated=3, prefill=900.0))
    assert cached is not None and cached.prefill_tokens_per_s == 0.0 and cached.decode_tokens_per_s == 5.0
    assert measured_run(summary(prefill=math.inf)).prefill_tokens_per_s == 0.0  # type: ignore[union-attr]


def _machine(tmp_path: Path) -> HardwareSnapshot:
    return probe(load_machine(MACHINES / "i7_no_gpu_16gb.json", tmp_path / "m"), with_sensors=False)


def test_recorded_runs_move_the_next_prediction(tmp_path: Path) -> None:
    cal = Calibration(tmp_path / "calibration.json")
    spec = ModelSpec.from_architecture(**QWEN25_7B, quant="Q4_K_M")
    first = plan(spec, _machine(tmp_path), 4096, calibration=cal)
    assert first.predicted.calibration_runs == 0
    slow = first.predicted.uncalibrated_decode_tokens_per_s / 2  # this machine turns out twice as slow
    assert learn_from_summary(first, first.engine_params, summary(tokens=4), cal) is None  # policy: not recorded
    assert not cal.path.exists()
    run = learn_from_summary(first, first.engine_params, summary(decode=slow, evaluated=2), cal)
    assert run is not None and run.prefill_tokens_per_s == 0.0
    (record,) = json.loads(cal.path.read_text())["records"]
    assert record["measured_decode"] == slow and record["measured_prefill"] == 0.0
    second = plan(spec, _machine(tmp_path), 4096, calibration=cal)
    assert second.predicted.calibration_runs == 1
    assert second.predicted.decode_tokens_per_s < first.predicted.decode_tokens_per_s * 0.7
    assert second.predicted.prefill_tokens_per_s == first.predicted.prefill_tokens_per_s  # nothing learnt there
