"""docs/recommendations.md is the script's output, and every recorded machine's picks are what the document states."""

from __future__ import annotations

import importlib.util
import re
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

from modelnest.core.catalogue import bundled_catalogue
from modelnest.core.catalogue.recommend import recommend
from modelnest.core.hardware import probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.plan.calibration import Calibration

ROOT = Path(__file__).resolve().parents[3]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_recommendations", ROOT / "scripts" / "make_recommendations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_recommendations", module)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def test_the_committed_document_is_the_scripts_output() -> None:
    committed = (ROOT / "docs" / "recommendations.md").read_text(encoding="utf-8")
    assert committed == SCRIPT.build(), "run scripts/make_recommendations.py and commit docs/recommendations.md"


@pytest.mark.parametrize(("tier", "name", "size"), SCRIPT.TIERS, ids=[t[1] for t in SCRIPT.TIERS])
def test_each_machines_chat_picks_are_in_the_stated_range(tier: str, name: str, size: tuple[float, float]) -> None:
    text = (ROOT / "docs" / "recommendations.md").read_text(encoding="utf-8")
    section = text.split(f"`tests/data/machines/{name}.json`", 1)[1].split("\n## ", 1)[0]
    stated = re.search(r"instruct models of ([\d.]+)-([\d.]+)B parameters that answer without thinking", section)
    assert stated is not None and (float(stated[1]), float(stated[2])) == size
    with tempfile.TemporaryDirectory() as tmp:
        hw = probe(load_machine(SCRIPT.MACHINES / f"{name}.json", Path(tmp)), with_sensors=False)
        recs = recommend(bundled_catalogue(), hw, profile=None, calibration=Calibration(Path(tmp) / "c.json"))
    assert recs.picks, f"{tier}: no chat pick"
    for p in recs.picks:
        assert size[0] * 1e9 <= p.n_params <= size[1] * 1e9, f"{tier}: {p.name} is outside {size}"
        assert not p.thinks and "distill" not in p.model_id
        assert f"{p.name} (`{p.model_id}`)" in section  # the document names what the recommender picks
