"""Remote engines against a server no one here wrote: llama-cpp-python's own OpenAI-compatible server."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from support.keychain import MemoryKeyring, memory_keyring
from support.llama_server import LlamaServer, free_port, llama_server

from modelnest.core.chat.history import HistoryStore
from modelnest.core.chat.remote import (
    TIMING_LABEL,
    RemoteEngine,
    RemoteHosts,
    RemoteInterrupted,
    RemoteRefused,
    RemoteUnreachable,
    TokenStore,
    normalize_url,
)
from modelnest.core.chat.session import ChatSession, ReplyDelta, ReplyFinished
from modelnest.core.engine.client import EngineClient
from modelnest.core.engine.params import SamplingParams
from modelnest.core.errors import UserInputError

# No seed in these requests: llama-cpp-python's server (0.3.36) takes 20-115 s before the first token of a request
# that sets one, here. And no logit_bias against end-of-text: its Python logits processor makes every token slow.
# So a reply may end early; the tests that need a long one try again (bounded) when it did.
ATTEMPTS = 5


@pytest.fixture
def backend() -> Iterator[MemoryKeyring]:
    with memory_keyring() as memory:
        yield memory


@pytest.fixture(scope="module")
def server(tiny_model: Path) -> Iterator[LlamaServer]:
    with llama_server(tiny_model) as s:
        yield s


@pytest.fixture(scope="module")
def medium_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from support.gguf_models import ModelShape, write_model

    shape = ModelShape(n_layer=6, n_embd=768, n_head=12, n_head_kv=4, n_ff=2048, name="medium-random")
    return write_model(tmp_path_factory.mktemp("medium") / "medium-F16.gguf", shape)


def _session(remote: RemoteEngine, store: HistoryStore) -> ChatSession:
    # ChatSession drives the EngineClient methods RemoteEngine provides (generate, cancel).
    return ChatSession(remote, store, model_name=remote.model, delta_interval_s=0.0)  # type: ignore[arg-type]


def test_urls_are_normalized_and_bad_ones_refused() -> None:
    assert normalize_url("http://gpu-box:8000") == "http://gpu-box:8000/v1"
    assert normalize_url(" https://h.example/v1/ ") == "https://h.example/v1"
    with pytest.raises(UserInputError, match="not a server address"):
        normalize_url("gpu-box:8000")


def test_models_and_a_chat_through_the_remote_with_history_and_our_timings(server: LlamaServer) -> None:
    with RemoteEngine(server.url) as remote:
        models = remote.models()
        assert len(models) == 1
        assert remote.use() == models[0]
        store = HistoryStore.open()
        try:
            conversation = store.create_conversation(model_name=f"{models[0]} @ {remote.url}", model_path="",
                                                     system_prompt="", settings={})
            events = list(_session(remote, store).send(conversation.id, "hello there", SamplingParams(
                max_tokens=12, temperature=0.7), {"remote": remote.url, "timing": str(TIMING_LABEL)}))
            finished = events[-1]
            assert isinstance(finished, ReplyFinished) and finished.status == "complete", finished.error
            streamed = "".join(e.text for e in events if isinstance(e, ReplyDelta))
            assert streamed and finished.message.content == streamed
            # llama.cpp-python's server sends no usage in streams: the count is ours (pieces of text received)
            assert finished.summary is not None and 0 < finished.summary.tokens <= 12
            assert finished.summary.stop_reason in ("length", "eos")
            assert 0 < finished.summary.ttft_s < finished.summary.total_s
            assert finished.summary.decode_tokens_per_s > 0
            assert finished.stats["settings"]["timing"] == "measured by ModelNest, over the network"
            stored = store.list_messages(conversation.id)
            assert [m.role for m in stored] == ["user", "assistant"] and stored[1].content == streamed
        finally:
            store.close()


def test_a_model_the_server_no_longer_serves_is_refused_on_connect_with_what_it_serves(
        server: LlamaServer) -> None:
    with RemoteEngine(server.url) as remote:
        served = remote.models()
        assert remote.use(served[0]) == served[0] and remote.served == tuple(served)
        with pytest.raises(RemoteRefused) as refused:
            remote.use("gone-model")  # remembered from when the server had it
        text = str(refused.value)
        assert "no longer serves gone-model" in text and served[0] in text


def test_stop_mid_reply_keeps_the_partial_as_stopped(server: LlamaServer) -> None:
    with RemoteEngine(server.url) as remote:
        remote.use()
        store = HistoryStore.open()
        try:
            conversation = store.create_conversation(model_name="r", model_path="", system_prompt="", settings={})
            session = _session(remote, store)
            for _ in range(ATTEMPTS):
                events = []
                for event in session.send(conversation.id, "go", SamplingParams(max_tokens=400)):
                    events.append(event)
                    if isinstance(event, ReplyDelta) and event.tokens == 3:
                        session.cancel()
                finished = events[-1]
                assert isinstance(finished, ReplyFinished)
                if finished.status != "complete":  # else the model ended before 3 tokens: ask again
                    break
            assert finished.status == "stopped"
            assert finished.summary is not None and finished.summary.tokens < 400
            assert finished.summary.stop_reason == "cancelled"
            assert finished.message.content == "".join(e.text for e in events if isinstance(e, ReplyDelta))
        finally:
            store.close()


def test_server_killed_mid_reply_is_a_clear_message_and_the_partial_is_kept(medium_model: Path) -> None:
    with llama_server(medium_model) as server, RemoteEngine(server.url) as remote:
        remote.use()
        store = HistoryStore.open()
        try:
            conversation = store.create_conversation(model_name="r", model_path="", system_prompt="", settings={})
            for _ in range(ATTEMPTS):
                events = []
                for event in _session(remote, store).send(conversation.id, "go", SamplingParams(max_tokens=400)):
                    events.append(event)
                    # early: this server version sends the first pieces at once and then (here) holds the rest back
                    if isinstance(event, ReplyDelta) and event.tokens >= 2 and server.proc.poll() is None:
                        os.kill(server.proc.pid, signal.SIGKILL)
                finished = events[-1]
                assert isinstance(finished, ReplyFinished)
                if finished.status != "complete":  # else the model ended before 2 tokens: ask again
                    break
            assert finished.status == "interrupted"
            assert isinstance(finished.error, RemoteInterrupted)
            assert "the part that arrived is kept" in str(finished.error)
            partial = "".join(e.text for e in events if isinstance(e, ReplyDelta))
            assert partial and finished.message.content == partial
            assert store.list_messages(conversation.id)[-1].content == partial  # on disk, not just in memory
        finally:
            store.close()
        # and the next attempt says plainly that nobody is there
        with pytest.raises(RemoteUnreachable, match="Cannot reach the server"):
            remote.models()


def test_token_from_the_keychain_and_a_wrong_one_refused(tiny_model: Path, backend: MemoryKeyring) -> None:
    secret = "remote-secret-" + "s" * 12
    with llama_server(tiny_model, "--api_key", secret) as server:
        url = normalize_url(server.url)
        tokens = TokenStore()
        assert tokens.save(url, secret) is None  # stored in the keychain, no notice
        assert TokenStore().load(url) == secret  # a new session finds it
        with RemoteEngine(url, TokenStore().load(url)) as remote:
            assert remote.models()
        with RemoteEngine(url, "wrong-token") as remote, pytest.raises(RemoteRefused, match="refused"):
            remote.models()
        tokens.delete(url)
        assert TokenStore().load(url) is None


def test_without_a_keychain_the_token_lives_for_the_session_and_says_so() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        tokens = TokenStore()
        notice = tokens.save("http://h:1/v1", "t" * 20)
        assert notice is not None and "for this session only" in str(notice)
        assert tokens.load("http://h:1/v1") == "t" * 20
        assert TokenStore().load("http://h:1/v1") is None
    finally:
        keyring.set_keyring(previous)


def test_hosts_are_remembered_without_their_tokens(tmp_path: Path) -> None:
    hosts = RemoteHosts(tmp_path / "hosts.json")
    hosts.add("http://gpu-box:8000", "team vLLM")
    hosts.add("http://gpu-box:8000/v1", "renamed")
    assert [(h.url, h.name) for h in hosts.list()] == [("http://gpu-box:8000/v1", "renamed")]
    assert "token" not in (tmp_path / "hosts.json").read_text()
    hosts.remove("http://gpu-box:8000")
    assert hosts.list() == []


def test_nothing_listening_is_unreachable() -> None:
    with RemoteEngine(f"http://127.0.0.1:{free_port()}", connect_timeout=5) as remote, \
            pytest.raises(RemoteUnreachable, match="Cannot reach"):
        remote.models()


def test_remote_engine_offers_what_chat_session_uses() -> None:
    for name in ("generate", "cancel"):
        assert callable(getattr(RemoteEngine, name)) and callable(getattr(EngineClient, name))


@pytest.mark.parametrize(("status", "trusted"), [(404, True), (401, False)])
def test_a_server_that_will_not_list_its_models(status: int, trusted: bool) -> None:
    """Some proxies answer 404 on /v1/models: a model the user named is then trusted (the chat says if it is
    wrong); a refused token (401) is never papered over. A real HTTP server on 127.0.0.1 that answers only that."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class NoList(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"error": {"message": "not here"}}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NoList)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with RemoteEngine(f"http://127.0.0.1:{server.server_address[1]}") as remote:
            if trusted:
                assert remote.use("my-model") == "my-model" and remote.served == ()
            else:
                with pytest.raises(RemoteRefused) as refused:
                    remote.use("my-model")
                assert refused.value.status == 401
            with pytest.raises(RemoteRefused):
                remote.use()  # no model named and none listed: nothing to trust
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
