"""The quantization a catalogue row starts on and the recommendation, from real plans on recorded machines."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelnest.core.catalogue.entries import load_catalogue
from modelnest.core.catalogue.fit import FitResult, initial_quant, plan_entry, recommend
from modelnest.core.hardware import HardwareSnapshot, probe
from modelnest.core.hardware.recorded import load_machine

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"


def _machine(name: str, tmp_path: Path) -> HardwareSnapshot:
    return probe(load_machine(MACHINES / f"{name}.json", tmp_path / name), with_sensors=False)


def _plans(model_id: str, hw: HardwareSnapshot) -> dict[str, FitResult | None]:
    model = load_catalogue().get(model_id)
    assert model is not None
    return {q: plan_entry(model, q, hw) for q in model.quants}


@pytest.mark.parametrize(("machine", "model_id", "expected", "why"), [
    ("rtx3060_desktop", "qwen2.5-7b-instruct", "Q8_0", "best quality fully on the 12 GiB card at >= 10 t/s"),
    ("gtx1660_desktop", "qwen2.5-14b-instruct", "Q4_K_M", "nothing fits fully; the usual default fits partly"),
    ("rtx3060_desktop", "llama-3.3-70b-instruct", "Q3_K_M", "the default is too large; the best that fits at all"),
    ("rpi5_8gb", "qwen2.5-14b-instruct", "Q2_K", "only the smallest fits"),
    ("rpi5_8gb", "llama-3.3-70b-instruct", "Q4_K_M", "nothing fits: the default, shown as too large"),
])
def test_initial_quant(tmp_path: Path, machine: str, model_id: str, expected: str, why: str) -> None:
    hw = _machine(machine, tmp_path)
    model = load_catalogue().get(model_id)
    assert model is not None
    assert initial_quant(model, _plans(model_id, hw), has_gpu=bool(hw.gpus)) == expected, why


def test_unknown_plans_start_on_the_default(tmp_path: Path) -> None:
    model = load_catalogue().get("qwen2.5-7b-instruct")
    assert model is not None
    assert initial_quant(model, {}, has_gpu=True) == model.default_quant() == "Q4_K_M"


def test_recommendation_prefers_the_bigger_model_that_fits_fully(tmp_path: Path) -> None:
    hw = _machine("rtx3060_desktop", tmp_path)
    catalogue = load_catalogue()
    ids = ["qwen2.5-0.5b-instruct", "qwen2.5-7b-instruct", "qwen2.5-14b-instruct", "llama-3.3-70b-instruct"]
    models = [m for m in (catalogue.get(i) for i in ids) if m is not None]
    plans = {(m.id, q): p for m in models for q, p in _plans(m.id, hw).items()}
    rec = recommend(plans, models, has_gpu=True)
    assert rec is not None and (rec.model.id, rec.quant) == ("qwen2.5-14b-instruct", "Q5_K_M")
    assert rec.result.fits_fully and rec.result.fit == "full_gpu"
