"""Embeddings in the engine process with real llama.cpp: the second context, batching, limits, cancel, unload."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.gguf_mamba import write_mamba
from support.processes import gone
from support.waiting import wait_until

from modelnest.core.engine.client import CrashLedger, Embeddings, EngineClient
from modelnest.core.engine.embedder import MIN_CTX, SEQ_MAX, context_size, pack
from modelnest.core.engine.errors import (
    EmbeddingCancelled,
    EmbeddingFailed,
    EmbeddingInputInvalid,
    EmbeddingUnsupported,
)
from modelnest.core.engine.params import EngineParams, SamplingParams

PARAMS = EngineParams(n_ctx=2048, n_batch=512, n_ubatch=512, n_threads=2, n_threads_batch=2)
N_EMBD = 256  # the tiny model's (support.gguf_models.TINY)
TEXTS = ["hello world", "the cat is on the mat", "你好，世界"]


@pytest.fixture
def engine() -> Iterator[EngineClient]:
    client = EngineClient(hang_timeout=10.0, cancel_grace=3.0, ledger=CrashLedger())
    yield client
    pid = client.pid
    client.shutdown()
    if pid is not None:
        assert gone(pid), "engine process left behind"


def norm(vector: list[float]) -> float:
    return math.sqrt(math.fsum(v * v for v in vector))


def close(a: list[float], b: list[float], tol: float = 1e-6) -> bool:
    return len(a) == len(b) and max(abs(x - y) for x, y in zip(a, b, strict=True)) <= tol


def same_vector(a: list[float], b: list[float]) -> bool:
    """Equal up to llama.cpp's batched arithmetic: it picks other CPU kernels once a decode holds more tokens
    (about 64 here), which moves a quantized model's unit vectors by up to ~1e-3 per component (measured: cosine
    distance <= 2.3e-5 on the tiny Q4_K_M model; <= 7e-6 when both decodes are large)."""
    cosine_distance = 1.0 - math.fsum(x * y for x, y in zip(a, b, strict=True)) / (norm(a) * norm(b))
    return len(a) == len(b) and cosine_distance <= 1e-4 and close(a, b, 5e-3)


def test_one_vector_per_text_in_order_normalised(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(tiny_model, PARAMS)
    assert engine.system_info()["embedding_context"] is None  # made at the first request, not at load
    batch = engine.embed(TEXTS)
    assert isinstance(batch, Embeddings)
    assert [len(v) for v in batch.vectors] == [N_EMBD] * 3
    assert all(abs(norm(v) - 1.0) < 1e-5 for v in batch.vectors)
    singles = [engine.embed([t]) for t in TEXTS]
    for one, v in zip(singles, batch.vectors, strict=True):
        assert same_vector(one.vectors[0], v)
    assert batch.tokens == [s.tokens[0] for s in singles] and all(t > 1 for t in batch.tokens)
    assert batch.prompt_tokens == sum(batch.tokens)
    assert engine.embed([TEXTS[0]]).vectors == singles[0].vectors  # same input, same context: identical
    assert not same_vector(batch.vectors[0], batch.vectors[1])  # different texts, different vectors
    raw = engine.embed([TEXTS[0]], normalize=False).vectors[0]
    assert norm(raw) > 1.5 and close([v / norm(raw) for v in raw], singles[0].vectors[0])
    state = engine.system_info()["embedding_context"]
    assert state["n_ctx"] == MIN_CTX and state["pooling"] == "mean"
    assert state["kv_bytes"] > 0 and state["compute_bytes"] > 0 and state["output_bytes"] > 0


def test_more_inputs_than_one_decode_holds_keep_their_order(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(tiny_model, PARAMS)
    texts = [f"the w{i} is a hello {'ab ' * (i % 7)}" for i in range(SEQ_MAX * 2 + 3)]
    many = engine.embed(texts)
    assert len(many.vectors) == len(texts)
    for i in (0, SEQ_MAX - 1, SEQ_MAX, len(texts) - 1):
        assert same_vector(engine.embed([texts[i]]).vectors[0], many.vectors[i])
    assert not same_vector(many.vectors[0], many.vectors[1])  # and neighbours are not all alike


def test_context_grows_for_a_longer_input_and_limits_are_checked_before_decoding(
    engine: EngineClient, tiny_model: Path
) -> None:
    engine.load(tiny_model, PARAMS)
    engine.embed(["short"])
    assert engine.system_info()["embedding_context"]["n_ctx"] == MIN_CTX
    long = engine.embed(["hello " * 100])
    assert 512 < long.tokens[0] <= 1024
    assert engine.system_info()["embedding_context"]["n_ctx"] == context_size(long.tokens[0], PARAMS.n_ctx) == 1024
    with pytest.raises(EmbeddingInputInvalid) as info:
        engine.embed(["fine", "hello " * 3000])
    assert info.value.index == 1 and info.value.tokens > info.value.limit == PARAMS.n_ctx
    assert "2,048 tokens" in str(info.value)
    with pytest.raises(EmbeddingInputInvalid) as empty:
        engine.embed(["fine", "also fine", ""])
    assert empty.value.index == 2 and "empty" in str(empty.value)
    with pytest.raises(EmbeddingInputInvalid):
        engine.embed([])
    # the engine is fine after all of that: it embeds and it chats
    assert len(engine.embed(["again"]).vectors[0]) == N_EMBD
    assert engine.run([{"role": "user", "content": "hi"}], SamplingParams(max_tokens=3, ignore_eos=True)).tokens == 3


def test_unload_and_a_new_model_free_the_embedding_context(engine: EngineClient, tiny_models: dict[str, Path]) -> None:
    engine.load(tiny_models["Q4_K_M"], PARAMS)
    before = engine.embed(TEXTS[:1]).vectors[0]
    assert engine.system_info()["embedding_context"] is not None
    engine.unload()
    assert engine.system_info()["embedding_context"] is None
    with pytest.raises(EmbeddingFailed, match="No model"):
        engine.embed(TEXTS[:1])
    engine.load(tiny_models["Q4_K_M"], PARAMS)
    assert engine.system_info()["embedding_context"] is None
    assert engine.embed(TEXTS[:1]).vectors[0] == before
    engine.load(tiny_models["Q8_0"], PARAMS)  # another model: the old model's context went with it
    assert engine.system_info()["embedding_context"] is None
    other = engine.embed(TEXTS[:1]).vectors[0]
    assert len(other) == N_EMBD and other != before


def test_cancel_stops_a_long_embedding(engine: EngineClient, tiny_model: Path) -> None:
    engine.load(tiny_model, PARAMS)
    texts = ["hello " * 300] * 200  # 360k tokens: tens of seconds here if the cancel were ignored
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(engine.embed(texts))
        except EmbeddingFailed as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    wait_until(lambda: engine._active_id is not None, "the embed request is under way")
    engine.cancel()
    thread.join(60)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], EmbeddingCancelled), outcome
    assert len(engine.embed(["after"]).vectors) == 1


def test_a_recurrent_model_says_it_cannot_embed_and_still_generates(engine: EngineClient, tmp_path: Path) -> None:
    model = write_mamba(tmp_path / "mamba-F32.gguf")
    engine.load(model, EngineParams(n_ctx=512, n_batch=256, n_ubatch=256, n_threads=2, n_threads_batch=2))
    with pytest.raises(EmbeddingUnsupported, match="recurrent") as info:
        engine.embed(["hello"])
    assert "recurrent" in str(info.value.reason)
    assert engine.system_info()["embedding_context"] is None  # nothing was made
    assert engine.run(prompt="hello", sampling=SamplingParams(max_tokens=4, ignore_eos=True)).tokens == 4


def test_packing_respects_tokens_per_decode_and_sequences() -> None:
    assert pack([3, 3, 3], per_decode=6) == [[0, 1], [2]]
    assert pack([1] * 5, per_decode=100, seq_max=2) == [[0, 1], [2, 3], [4]]
    assert pack([10], per_decode=10) == [[0]]
    assert context_size(1, 4096) == 256 and context_size(257, 4096) == 512 and context_size(3000, 2048) == 2048
