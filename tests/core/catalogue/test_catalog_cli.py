"""`modelnest catalog`: listing with the snapshot date, search, JSON, hub search, refresh, and clear refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modelnest.core.cli import main


def test_listing_shows_the_snapshot_date_and_labels_estimates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--search", "qwen2.5 coder"]) == 0
    out = capsys.readouterr().out
    assert "snapshot of 2026-12-02 (bundled)" in out
    assert "Qwen2.5 Coder 7B Instruct" in out and "Llama" not in out
    assert "(estimate)" in out


def test_json_is_complete_and_parseable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["snapshot_date"] == "2026-12-02" and len(doc["models"]) >= 40
    m = doc["models"][0]
    assert {"id", "repo", "architecture", "quant", "file_bytes", "file_bytes_estimated", "plan"} <= set(m)
    assert all(m["plan"] is not None for m in doc["models"] if m["file_bytes"])  # every entry with a size is planned


def test_hub_search_and_its_refusals(hub: Any, capsys: pytest.CaptureFixture[str]) -> None:
    hub.add_file("acme/tiny-GGUF", "x-Q4_K_M.gguf", b"GGUF")
    hub.downloads["acme/tiny-GGUF"] = 7
    assert main(["catalog", "--hub", "--search", "tiny"]) == 0
    assert "acme/tiny-GGUF" in capsys.readouterr().out
    assert main(["catalog", "--hub"]) == 2
    assert "--hub needs --search" in capsys.readouterr().err


def test_refresh_from_the_cli(hub: Any, tiny_models: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    hub.add_file("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf", path=tiny_models["Q4_K_M"])
    # Only one curated repo exists on this hub: the rest are reported, the one found is refreshed; exit 1: "partial".
    assert main(["catalog", "--refresh", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["updated"] == ["qwen2.5-0.5b-instruct"] and len(doc["failed"]) >= 39
    assert main(["catalog", "--json", "--search", "qwen2.5 0.5b"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["source"] == f"hub {hub.endpoint}"
    entry = listed["models"][0]
    assert entry["file_bytes"] == tiny_models["Q4_K_M"].stat().st_size and entry["file_bytes_estimated"] is False


def test_refresh_offline_is_one_plain_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["catalog", "--refresh"]) != 0
    err = capsys.readouterr().err
    assert "Offline mode" in err and "Traceback" not in err


@pytest.mark.parametrize("machine", ["i7_no_gpu_16gb", "rtx3060_desktop"])
def test_fits_lists_only_what_fits_with_a_recommendation(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, machine: str
) -> None:
    # A recorded machine, the same in every call: this host's free memory moves between two live probes (other
    # processes), and a model at the edge would then fit in one listing and not in the other.
    from modelnest.core import hardware
    from modelnest.core.hardware.recorded import load_machine

    machines = Path(__file__).resolve().parents[2] / "data" / "machines"
    snapshot = hardware.probe(load_machine(machines / f"{machine}.json", tmp_path / machine), with_sensors=False)
    monkeypatch.setattr(hardware, "probe", lambda *args, **kwargs: snapshot)
    assert main(["catalog", "--json"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert main(["catalog", "--fits", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    fits = [m["plan"]["fit"] for m in doc["models"]]
    assert fits and "too_large" not in fits
    too_large = [m for m in everything["models"] if m["plan"]["fit"] == "too_large"]
    assert len(doc["models"]) == len(everything["models"]) - len(too_large)
    for m in doc["models"]:
        assert m["plan"]["decode_low"] <= m["plan"]["decode_tps"] <= m["plan"]["decode_high"]
    assert isinstance(doc["recommended"], list) and len(doc["recommended"]) <= 3
    for pick in doc["recommended"]:
        assert pick["decode_low"] >= 10 and {"id", "quant", "why", "decode_high"} <= set(pick)
    assert main(["catalog", "--fits"]) == 0
    out = capsys.readouterr().out
    assert "t/s predicted" in out and ("Recommended for chat on this computer" in out or "No recommendation" in out)


def test_local_lists_models_on_disk_with_reasons(tmp_path: Path, tiny_models: dict[str, Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from modelnest.core import paths
    from modelnest.core.catalogue.library import add_user_folder

    good = paths.models_dir() / "acme__tiny-GGUF" / "tiny-Q4_K_M.gguf"
    good.parent.mkdir(parents=True)
    shutil.copyfile(tiny_models["Q4_K_M"], good)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "bad.gguf").write_bytes(b"not a gguf at all")
    add_user_folder(tmp_path / "mine")
    assert main(["catalog", "--local", "--json"]) == 0
    doc = {m["name"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    assert doc["tiny-Q4_K_M.gguf"]["runnable"] and doc["tiny-Q4_K_M.gguf"]["repo_id"] == "acme/tiny-GGUF"
    assert not doc["bad.gguf"]["runnable"] and doc["bad.gguf"]["error"]
    assert main(["catalog", "--local"]) == 0
    out = capsys.readouterr().out
    assert "tiny-Q4_K_M.gguf" in out and "not runnable" in out
