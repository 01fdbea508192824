"""`catalog --refresh`: sizes, sha256 and header figures from the hub; failures keep the old entry and are reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modelnest.core.catalogue import bundled_catalogue, load_catalogue, refresh_catalogue
from modelnest.core.download import HubAccessError, OfflineError
from modelnest.core.gguf import read_file


def _base(repo: str, missing_repo: str):  # type: ignore[no-untyped-def]
    cat = bundled_catalogue()
    a = cat.get("tinyllama-1.1b-chat-v1.0")
    b = cat.get("smollm2-135m-instruct")
    from dataclasses import replace

    return cat.with_models([replace(a, repo=repo), replace(b, repo=missing_repo)])  # type: ignore[type-var]


def test_refresh_fills_files_from_the_hub_and_architecture_from_the_header(
    hub: Any, tiny_models: dict[str, Path]
) -> None:
    repo = "acme/tiny-GGUF"
    q4 = hub.add_file(repo, "tiny-Q4_K_M.gguf", path=tiny_models["Q4_K_M"])
    q8 = hub.add_file(repo, "tiny-Q8_0.gguf", path=tiny_models["Q8_0"])
    hub.add_file(repo, "tiny-F16-00001-of-00002.gguf", size=100, seed=1)
    hub.add_file(repo, "tiny-F16-00002-of-00002.gguf", size=50, seed=2)
    hub.downloads[repo] = 12345
    seen: list[tuple[str, str | None]] = []
    report = refresh_catalogue(base=_base(repo, "acme/missing-GGUF"), on_progress=lambda i, e: seen.append((i, e)),
                               today="2999-12-31")
    assert report.updated == ["tinyllama-1.1b-chat-v1.0"]
    assert "smollm2-135m-instruct" in report.failed and "not found" in str(report.failed["smollm2-135m-instruct"])
    assert len(seen) == 2
    m = report.catalogue.models[0]
    files = {f.quant: f for f in m.files}
    assert files["Q4_K_M"].size == q4.size and files["Q4_K_M"].sha256 == q4.sha256
    assert files["Q4_K_M"].file == "tiny-Q4_K_M.gguf"
    assert files["Q8_0"].sha256 == q8.sha256
    assert files["F16"].size == 150 and files["F16"].parts == 2 and files["F16"].sha256 is None
    header = read_file(tiny_models["Q4_K_M"])
    assert m.architecture.n_layer == header.arch_value("block_count") == 2
    assert m.architecture.n_embd == 256 and m.architecture.n_head_kv == 2
    assert "GGUF header" in m.provenance["architecture"] and "commit" in m.provenance["files"]
    assert m.downloads == 12345 and "download count" in m.provenance["downloads"]  # popularity sort uses it
    # The failed entry is kept as it was.
    assert report.catalogue.models[1].files == bundled_catalogue().get("smollm2-135m-instruct").files  # type: ignore[union-attr]
    saved = json.loads(Path(report.saved_to).read_text())  # type: ignore[arg-type]
    assert saved["snapshot_date"] == "2999-12-31" and saved["source"] == f"hub {hub.endpoint}"
    assert load_catalogue().snapshot_date == "2999-12-31"


def test_refresh_with_nothing_reachable_changes_nothing(hub: Any) -> None:
    with pytest.raises(HubAccessError, match="No catalogue entry could be refreshed"):
        refresh_catalogue(base=_base("acme/gone-GGUF", "acme/missing-GGUF"))
    assert load_catalogue().source == "bundled"


def test_refresh_offline_keeps_the_bundled_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(OfflineError, match="bundled snapshot"):
        refresh_catalogue()
    assert load_catalogue().source == "bundled"


def test_an_unreachable_hub_stops_after_the_first_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on: connection refused at once
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr("modelnest.core.download.hub.METADATA_RETRY_DELAY", 0.01)
    calls: list[str] = []
    with pytest.raises(HubAccessError, match="Cannot reach"):
        refresh_catalogue(on_progress=lambda i, e: calls.append(i))
    assert calls == [bundled_catalogue().models[0].id]  # not 47 entries' worth of retries
    assert load_catalogue().source == "bundled"
