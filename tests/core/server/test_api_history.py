"""Chats served over the API reach the user's history only when the user asked (ApiHistory), whole or streamed,
exactly as the client received them; completions and interrupted streams are not kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from support.processes import gone

from modelnest.core.chat.history import HistoryStore
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.server.config import ServerConfig
from modelnest.core.server.history_log import ApiHistory
from modelnest.core.server.run import ApiServer

from .conftest import PARAMS, TOKEN


@pytest.fixture
def kept(tiny_model: Path, tmp_path: Path) -> Iterator[tuple[ApiServer, Path]]:
    engine = EngineClient(hang_timeout=10.0, cancel_grace=3.0, ledger=CrashLedger())
    engine.load(tiny_model, PARAMS)
    path = tmp_path / "history.sqlite3"
    config = ServerConfig(token=TOKEN, port=0, model_id="tiny", n_ctx=PARAMS.n_ctx)
    server = ApiServer(engine, config, history=ApiHistory(path)).start()
    try:
        yield server, path
    finally:
        server.stop()
        pid = engine.pid
        engine.shutdown()
        assert pid is None or gone(pid)


def test_kept_chats_are_the_replies_the_client_got(kept: tuple[ApiServer, Path]) -> None:
    server, path = kept
    client = openai.OpenAI(base_url=server.url, api_key=TOKEN, max_retries=0, timeout=60)
    whole = client.chat.completions.create(
        model="tiny", seed=3, max_tokens=6,
        messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "first question"}])
    streamed = "".join(
        chunk.choices[0].delta.content or "" for chunk in client.chat.completions.create(
            model="tiny", seed=4, max_tokens=6, stream=True,
            messages=[{"role": "user", "content": "earlier"}, {"role": "assistant", "content": "reply"},
                      {"role": "user", "content": "second question"}]) if chunk.choices)
    client.completions.create(model="tiny", prompt="a completion is no chat", max_tokens=3)
    # A stream the client drops after the first piece: an interrupted reply is not kept.
    with httpx.stream("POST", server.url + "/chat/completions", headers={"Authorization": f"Bearer {TOKEN}"},
                      json={"model": "tiny", "stream": True, "max_tokens": 400,
                            "messages": [{"role": "user", "content": "dropped"}]}, timeout=60) as dropped:
        next(dropped.iter_lines())
    assert server.history is not None
    server.history.flush()
    store = HistoryStore.open(path)
    try:
        conversations = sorted(store.list_conversations(), key=lambda c: c.id)
        assert [c.title for c in conversations] == ["first question", "second question"]
        assert all(c.model_name == "tiny (API)" for c in conversations)
        assert conversations[0].system_prompt == "Be brief."
        first = [(m.role, m.content) for m in store.list_messages(conversations[0].id)]
        assert first == [("user", "first question"), ("assistant", whole.choices[0].message.content)]
        second = [(m.role, m.content) for m in store.list_messages(conversations[1].id)]
        assert second == [("user", "earlier"), ("assistant", "reply"), ("user", "second question"),
                          ("assistant", streamed)]
    finally:
        store.close()
