"""The picks last shown survive a restart; a damaged file is the same as none and is replaced whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelnest.core.catalogue.last_picks import LastPicks, last_picks_path, load_last_picks, save_last_picks


@pytest.fixture(autouse=True)
def _home(modelnest_home: Path) -> None:
    """Every test writes into its own MODELNEST_HOME."""


def test_round_trip() -> None:
    assert load_last_picks() is None  # never shown
    picks = (("qwen3-4b", "Q4_K_M"), ("llama-3.2-3b-instruct", "Q8_0"))
    last = LastPicks({"hardware": "a1", "calibration": "b2"}, picks)
    save_last_picks(last)
    assert load_last_picks() == last


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"inputs": 3, "picks": []}', b'{"inputs": {}}',
                                    b'{"inputs": {}, "picks": [["only-an-id"]]}', b"\xff\xfe"])
def test_a_damaged_file_is_no_previous_pick(damage: bytes) -> None:
    path = last_picks_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(damage)
    assert load_last_picks() is None
    save_last_picks(LastPicks({"hardware": "x"}, (("qwen3-4b", "Q4_K_M"),)))  # replaced whole, atomically
    assert load_last_picks() == LastPicks({"hardware": "x"}, (("qwen3-4b", "Q4_K_M"),))
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind
