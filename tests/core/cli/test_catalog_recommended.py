"""`modelnest catalog --json --use USE --hardware PROBE.json`: the top three for another computer, best first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelnest.core.cli import main
from modelnest.core.hardware import probe
from modelnest.core.hardware.recorded import load_machine

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"


def _probe_file(tmp_path: Path, name: str) -> Path:
    snapshot = probe(load_machine(MACHINES / f"{name}.json", tmp_path / name), with_sensors=False)
    path = tmp_path / f"{name}.probe.json"
    path.write_text(json.dumps(snapshot.to_dict()))
    return path


@pytest.mark.parametrize("use", ["chat", "reasoning"])
def test_recommended_for_another_computer(tmp_path: Path, capsys: pytest.CaptureFixture[str], use: str) -> None:
    hw = _probe_file(tmp_path, "rtx3060_desktop")
    assert main(["catalog", "--json", "--use", use, "--hardware", str(hw)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["use"] == use and doc["hardware"] == str(hw)
    picks = doc["recommended"]
    assert 1 <= len(picks) <= 3
    for p in picks:
        assert {"id", "quant", "why", "decode_low", "decode_high", "quality"} <= set(p)
        assert p["decode_low"] >= 10 and p["decode_low"] <= p["decode_high"] and "t/s predicted" in p["why"]
    assert [p["quality"] for p in picks] == sorted((p["quality"] for p in picks), reverse=True)
    assert main(["catalog", "--use", use, "--hardware", str(hw)]) == 0
    out = capsys.readouterr().out
    assert f"Recommended for {use} on the computer in {hw}" in out and f"1. {picks[0]['name']}" in out


def test_a_slower_computer_gets_other_picks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    picks = {}
    for name in ("rtx3060_desktop", "cpu_2core_24gb_vm"):
        assert main(["catalog", "--json", "--hardware", str(_probe_file(tmp_path, name))]) == 0
        picks[name] = [p["id"] for p in json.loads(capsys.readouterr().out)["recommended"]]
    assert picks["rtx3060_desktop"] != picks["cpu_2core_24gb_vm"]
    assert not any("distill" in i for i in picks["cpu_2core_24gb_vm"])


def test_bad_arguments_are_plain_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--hardware", str(tmp_path / "missing.json")]) != 0
    assert "cannot read the hardware file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["catalog", "--use", "poetry"])
