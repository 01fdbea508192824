"""Fixtures for catalogue tests: the local hub server, extended with the model search endpoint (GET /api/models)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from support.hub_server import HubServer, _HubHandler, _QuietServer


class _SearchHandler(_HubHandler):
    """Answers huggingface_hub's list_models: ?filter=gguf&search=TEXT&sort=downloads&limit=N, like the hub."""

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        if unquote(parts.path) != "/api/models":
            return super()._dispatch()
        query = parse_qs(parts.query)
        search = (query.get("search") or [""])[0].lower()
        filters = set(query.get("filter") or [])
        limit = int((query.get("limit") or ["1000"])[0])
        hub: SearchableHub = self.hub  # type: ignore[assignment]
        rows: list[dict[str, Any]] = []
        for repo_id in sorted(hub.repos):
            tags = hub.tags.get(repo_id, ["gguf"])
            if search and search not in repo_id.lower():
                continue
            if filters and not filters.issubset(tags):
                continue
            rows.append({"_id": "0" * 24, "id": repo_id, "modelId": repo_id, "downloads": hub.downloads.get(repo_id, 0),
                         "likes": 1, "tags": tags, "private": False, "gated": repo_id in hub.gated,
                         "lastModified": "2026-01-01T00:00:00.000Z"})
        rows.sort(key=lambda r: -r["downloads"])
        self._send_json(200, rows[:limit])


    def _model_info(self, repo_id: str, query: str) -> None:
        # `expand=downloads` answers only the fields asked for, as the hub does.
        hub: SearchableHub = self.hub  # type: ignore[assignment]
        if "expand" in query and repo_id in hub.repos:
            return self._send_json(200, {"_id": "0" * 24, "id": repo_id, "downloads": hub.downloads.get(repo_id, 0)})
        return super()._model_info(repo_id, query)


class SearchableHub(HubServer):
    def __init__(self, root: Path, **kwargs: Any) -> None:
        super().__init__(root, **kwargs)
        self.downloads: dict[str, int] = {}
        self.tags: dict[str, list[str]] = {}

    def start(self) -> SearchableHub:
        import threading

        server = self

        class Handler(_SearchHandler):
            hub = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="hub-server", daemon=True)
        self._thread.start()
        return self


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SearchableHub]:
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("modelnest.core.download.hub.METADATA_RETRY_DELAY", 0.01)
    with SearchableHub(tmp_path / "hub-files") as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        yield server


@pytest.fixture(scope="session")
def big_vocab_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real GGUF whose header (a 30k-token vocabulary) is far larger than a first 4 KiB Range request."""
    import gguf
    import numpy as np

    path = tmp_path_factory.mktemp("gguf") / "bigvocab-Q8_0.gguf"
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_block_count(1)
    w.add_context_length(2048)
    w.add_embedding_length(64)
    w.add_head_count(4)
    w.add_head_count_kv(2)
    w.add_feed_forward_length(128)
    w.add_tokenizer_model("llama")
    w.add_token_list([f"tok{i:05d}" for i in range(30000)])
    w.add_tensor("token_embd.weight", np.zeros((100, 64), dtype=np.float32))
    # The one layer it declares, with the feed-forward width it declares (the reader checks both against tensors).
    w.add_tensor("blk.0.ffn_up.weight", np.zeros((128, 64), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def split_model(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """A real split GGUF (gguf's own writer): 5 tensors over 3 parts, each part with only its own tensors."""
    import gguf
    import numpy as np

    root = tmp_path_factory.mktemp("split")
    w = gguf.GGUFWriter(str(root / "split-Q8_0.gguf"), "llama", split_max_tensors=2)
    w.add_block_count(1)
    w.add_context_length(256)
    w.add_embedding_length(32)
    w.add_head_count(2)
    w.add_head_count_kv(1)
    w.add_feed_forward_length(64)
    for i in range(5):
        w.add_tensor(f"t{i}.weight", np.zeros((8, 32), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    parts = sorted(root.glob("split-Q8_0-*.gguf"))
    assert len(parts) == 3
    return parts
