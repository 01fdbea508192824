"""Context policies with the real engine and a small context: a full context is never an engine error."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelnest.core.chat.history import HistoryStore
from modelnest.core.chat.session import (
    ChatSession,
    ContextLimitReached,
    ContextPolicy,
    ContextUsage,
    ReplyFinished,
    context_policy_of,
    fit_context,
)
from modelnest.core.engine.client import CrashLedger, EngineClient
from modelnest.core.engine.errors import ContextFull
from modelnest.core.engine.params import EngineParams, SamplingParams

N_CTX = 256
PARAMS = EngineParams(n_ctx=N_CTX, n_batch=256, n_ubatch=256, n_threads=2, n_threads_batch=2)
SHORT = SamplingParams(max_tokens=24, ignore_eos=True, seed=5)


@pytest.fixture(scope="module")
def engine(tiny_model: Path) -> Iterator[EngineClient]:
    client = EngineClient(hang_timeout=10.0, cancel_grace=3.0, ledger=CrashLedger())
    client.load(tiny_model, PARAMS)
    yield client
    client.shutdown()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    s = HistoryStore.open(tmp_path / "history.sqlite3")
    yield s
    s.close()


def words(n: int, tag: str) -> str:
    return " ".join(f"{tag}{i}" for i in range(n))


def turn(session: ChatSession, conversation_id: int, text: str) -> tuple[ReplyFinished, ContextUsage]:
    events = list(session.send(conversation_id, text, SHORT))
    usage = next(e for e in events if isinstance(e, ContextUsage))
    finished = events[-1]
    assert isinstance(finished, ReplyFinished)
    return finished, usage


def test_a_turn_tokenizes_its_conversation_once(engine: EngineClient, store: HistoryStore) -> None:
    """The session counts the conversation (its context policy) and then generates it: the engine reuses the
    count's tokens instead of tokenizing the whole conversation a second time."""
    session = ChatSession(engine, store)
    conversation = store.create_conversation("tokenized once")
    before = engine.system_info()["prompts_tokenized"]
    finished, usage = turn(session, conversation.id, "hello there")
    assert finished.status == "complete" and usage.tokens > 0
    assert engine.system_info()["prompts_tokenized"] == before + 1
    # another conversation is tokenized anew (the kept tokens are only ever those of the same prompt)
    assert engine.count_tokens([{"role": "user", "content": words(30, "other")}]) > usage.tokens
    assert engine.system_info()["prompts_tokenized"] == before + 2


def test_the_engine_counts_what_it_would_read(engine: EngineClient) -> None:
    short = engine.count_tokens([{"role": "user", "content": "hello"}])
    longer = engine.count_tokens([{"role": "user", "content": words(40, "w")}])
    assert 0 < short < longer < N_CTX
    # Past the context the engine refuses with a typed error carrying the figures (the policy's backstop).
    with pytest.raises(ContextFull) as info:
        list(engine.generate([{"role": "user", "content": words(400, "x")}], SHORT))
    assert info.value.tokens > N_CTX and info.value.n_ctx == N_CTX


def test_fit_keeps_what_each_policy_promises(engine: EngineClient) -> None:
    system = {"role": "system", "content": "Be brief."}
    turns = [[{"role": "user", "content": words(6, f"u{i}_")}, {"role": "assistant", "content": words(6, f"a{i}_")}]
             for i in range(6)]
    conversation = [system, *[m for t in turns for m in t], {"role": "user", "content": "last question"}]
    assert engine.count_tokens(conversation) > N_CTX - 24

    rolling, dropped, tokens = fit_context(conversation, "rolling", engine.count_tokens, N_CTX, 24)
    assert rolling[0] == system and rolling[-1] == conversation[-1] and dropped > 0
    assert rolling[1]["role"] == "user" and turns[0][0] not in rolling  # the oldest went first
    assert tokens == engine.count_tokens(rolling) <= N_CTX - 24

    middle, dropped_middle, tokens_middle = fit_context(conversation, "truncate_middle", engine.count_tokens,
                                                        N_CTX, 24)
    assert middle[:3] == [system, *turns[0]] and middle[-1] == conversation[-1] and dropped_middle > 0
    assert turns[1][0] not in middle and tokens_middle <= N_CTX - 24
    roles = [m["role"] for m in middle[1:]]
    assert all(a != b for a, b in itertools.pairwise(roles))  # roles still alternate

    with pytest.raises(ContextLimitReached) as info:
        fit_context(conversation, "stop", engine.count_tokens, N_CTX, 24)
    assert "Start a new conversation" in str(info.value) and info.value.n_ctx == N_CTX

    alone = [system, {"role": "user", "content": words(400, "huge")}]
    for policy in ("rolling", "truncate_middle"):
        with pytest.raises(ContextLimitReached, match="Shorten the message"):
            fit_context(alone, policy, engine.count_tokens, N_CTX, 24)


@pytest.mark.parametrize("policy", ["rolling", "truncate_middle"])
def test_a_long_conversation_goes_on_under_a_dropping_policy(
    engine: EngineClient, store: HistoryStore, policy: ContextPolicy
) -> None:
    conv = store.create_conversation(system_prompt="Be brief.", settings={"context_policy": policy})
    session = ChatSession(engine, store)
    dropped_seen = False
    for i in range(8):
        finished, usage = turn(session, conv.id, words(8, f"t{i}_"))
        assert finished.error is None and finished.status == "complete", finished.error
        assert usage.policy == policy and usage.n_ctx == N_CTX and usage.tokens + SHORT.max_tokens <= N_CTX
        dropped_seen = dropped_seen or usage.dropped > 0
    assert dropped_seen
    assert len(store.list_messages(conv.id)) == 16  # nothing left out of the history itself


def test_stop_at_the_limit_tells_the_user_and_keeps_the_message(engine: EngineClient, store: HistoryStore) -> None:
    conv = store.create_conversation(settings={"context_policy": "stop"})
    session = ChatSession(engine, store)
    refused: ContextLimitReached | None = None
    for i in range(12):
        try:
            finished, _usage = turn(session, conv.id, words(8, f"s{i}_"))
        except ContextLimitReached as exc:
            refused = exc
            break
        assert finished.error is None
    assert refused is not None and refused.policy == "stop"
    messages = store.list_messages(conv.id)
    assert messages[-1].role == "user" and messages[-1].content.startswith(f"s{i}_")  # kept, unanswered
    # The user switches this conversation to a rolling window and asks again: it is answered.
    store.update_conversation(conv.id, settings={**conv.settings, "context_policy": "rolling"})
    events = list(session.regenerate(conv.id, SHORT))
    assert isinstance(events[-1], ReplyFinished) and events[-1].status == "complete"


def test_unknown_policy_falls_back_to_the_default() -> None:
    assert context_policy_of({}) == "rolling" and context_policy_of({"context_policy": "nonsense"}) == "rolling"
    assert context_policy_of({"context_policy": "stop"}) == "stop"
