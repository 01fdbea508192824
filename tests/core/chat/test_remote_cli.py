"""`modelnest chat --remote URL` against llama-cpp-python's own server: a saved conversation, our own timings."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelnest.core.chat.history import HistoryStore
from modelnest.core.chat.remote import RemoteHosts, normalize_url

from .test_remote import LlamaServer, llama_server


@pytest.fixture(scope="module")
def server(tiny_model: Path) -> Iterator[LlamaServer]:
    with llama_server(tiny_model) as s:
        yield s


def test_cli_chats_through_the_remote_and_saves_the_conversation(server: LlamaServer) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "modelnest.gui.launcher", "chat", "--remote", server.url, "--max-tokens", "6"],
        input="hello\n", capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    assert f"Connected to {server.url}/v1" in result.stderr
    assert "measured by ModelNest, over the network" in result.stderr
    assert "tokens" in result.stderr.splitlines()[-1]  # the stats line after the reply
    store = HistoryStore.open()
    try:
        conversations = store.list_conversations()
        assert len(conversations) == 1
        messages = store.list_messages(conversations[0].id)
        assert [m.role for m in messages] == ["user", "assistant"]
        assert messages[1].status == "complete" and messages[1].content.strip() in result.stdout
        assert "@ " + normalize_url(server.url) in (conversations[0].model_name or "")
    finally:
        store.close()
    assert [h.url for h in RemoteHosts().list()] == [normalize_url(server.url)]


def test_cli_says_clearly_when_nobody_is_there() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "modelnest.gui.launcher", "chat", "--remote", "http://127.0.0.1:9"],
        input="hello\n", capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Cannot reach the server at http://127.0.0.1:9/v1" in result.stderr
    assert "Traceback" not in result.stderr
