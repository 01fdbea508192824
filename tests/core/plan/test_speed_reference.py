"""The published results of tests/data/speed_reference.json plan from the tables alone, each with a finite prediction
and a basis; how close the predictions come is a benchmark goal (benchmarks/speed_accuracy.py --reference), not a
test threshold."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from support.speed_reference import check, load, machine, row_class

from modelnest.core.hardware.model import BandwidthInfo

DATA = load()
ROWS: list[dict[str, Any]] = DATA["rows"]


def test_every_row_names_its_source_and_what_was_measured() -> None:
    assert len(ROWS) >= 30
    for row in ROWS:
        assert row["source"].startswith("https://"), row["machine"]
        assert row["measured"], row["machine"]
        assert isinstance(row["fit"], bool), row["machine"]
        assert row["tg"] > 0, row["machine"]
        assert row["model"] in DATA["models"], row["machine"]
    for name, shape in DATA["models"].items():
        assert shape["source"].startswith("https://"), name


def test_the_set_covers_every_class() -> None:
    classes = {row_class(row, DATA["models"]) for row in ROWS}
    assert classes == {"CPU", "GPU full", "partial", "Apple", "MoE"}
    assert any(not row["fit"] for row in ROWS) and any(row["fit"] for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["machine"] for r in ROWS])
def test_row_plans_with_a_finite_prediction_and_a_basis(row: dict[str, Any], tmp_path: Path) -> None:
    checked = check(row, DATA["models"], tmp_path / "calibration.json")
    p = checked.prediction
    assert math.isfinite(p.decode_tokens_per_s) and p.decode_tokens_per_s > 0
    assert p.low < p.decode_tokens_per_s < p.high
    assert p.kind in ("measured", "table", "assumed")
    assert str(p.basis)
    assert checked.tables and all(checked.tables)  # which table rows the prediction used
    if any("not in the GPU tables" in t for t in checked.tables):
        assert p.kind == "assumed" and p.notes  # a GPU we do not know is labelled, never free


def test_unknown_memory_speed_gets_a_wider_range_than_a_measured_one(tmp_path: Path) -> None:
    row = next(r for r in ROWS if "ram_gb_s" in r and "gpu" not in r)
    measured_hw, _ = machine(row)
    assert measured_hw.bandwidth.source and str(measured_hw.bandwidth.source).startswith("measured")
    unknown_hw = replace(measured_hw, bandwidth=BandwidthInfo())
    measured = check(row, DATA["models"], tmp_path / "a.json", hw=measured_hw).prediction
    unknown = check(row, DATA["models"], tmp_path / "b.json", hw=unknown_hw).prediction
    assert measured.kind == "measured" and unknown.kind == "assumed"
    assert unknown.high / unknown.low > measured.high / measured.low
