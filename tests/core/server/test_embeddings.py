"""/v1/embeddings with the official openai client against our server and a real engine."""

from __future__ import annotations

import base64
import math
import struct
import threading
from collections.abc import Iterator

import httpx
import openai
import pytest
from support.gguf_mamba import write_mamba
from support.waiting import wait_until

from .conftest import TOKEN, Served, serve

N_EMBD = 256  # the tiny model's
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TEXTS = ["hello world", "the cat is on the mat", "你好，世界"]


def norm(v: list[float]) -> float:
    return math.sqrt(math.fsum(x * x for x in v))


def same_vector(a: list[float], b: list[float]) -> bool:
    """Equal up to llama.cpp's batched arithmetic (see tests/core/engine/test_embed.py)."""
    cosine_distance = 1.0 - math.fsum(x * y for x, y in zip(a, b, strict=True)) / (norm(a) * norm(b))
    return cosine_distance <= 1e-4 and max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 5e-3


def post(served: Served, body: dict[str, object], headers: dict[str, str] = AUTH) -> httpx.Response:
    return httpx.post(served.url + "/embeddings", json=body, headers=headers, timeout=60)


def test_one_input_gives_one_normalised_vector_with_usage(served: Served) -> None:
    client = served.client()
    reply = client.embeddings.create(model=served.model, input=TEXTS[0], encoding_format="float")
    assert reply.object == "list" and reply.model == served.model and len(reply.data) == 1
    item = reply.data[0]
    assert item.object == "embedding" and item.index == 0 and len(item.embedding) == N_EMBD
    assert abs(norm(item.embedding) - 1.0) < 1e-5  # L2-normalised, as OpenAI's are
    assert reply.usage.prompt_tokens == reply.usage.total_tokens > 2
    again = client.embeddings.create(model=served.model, input=TEXTS[0], encoding_format="float")
    assert again.data[0].embedding == item.embedding
    # the client's default is base64 (it decodes it itself): the same floats
    default = client.embeddings.create(model=served.model, input=TEXTS[0])
    assert default.data[0].embedding == item.embedding


def test_a_batch_keeps_order_and_equals_each_text_alone(served: Served) -> None:
    client = served.client()
    batch = client.embeddings.create(model=served.model, input=TEXTS, encoding_format="float")
    assert [d.index for d in batch.data] == [0, 1, 2]
    singles = [client.embeddings.create(model=served.model, input=t, encoding_format="float") for t in TEXTS]
    for one, item in zip(singles, batch.data, strict=True):
        assert same_vector(one.data[0].embedding, item.embedding)
    assert not same_vector(batch.data[0].embedding, batch.data[1].embedding)
    assert batch.usage.prompt_tokens == sum(s.usage.prompt_tokens for s in singles)


def test_base64_is_little_endian_float32_of_the_same_vector(served: Served) -> None:
    floats = post(served, {"model": served.model, "input": TEXTS[1], "encoding_format": "float"}).json()
    encoded = post(served, {"model": served.model, "input": TEXTS[1], "encoding_format": "base64"}).json()
    raw = base64.b64decode(encoded["data"][0]["embedding"])
    assert len(raw) == 4 * N_EMBD
    assert list(struct.unpack(f"<{N_EMBD}f", raw)) == floats["data"][0]["embedding"]
    assert encoded["usage"] == floats["usage"]


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({"input": ""}, "input", "invalid_value"),
        ({"input": []}, "input", "invalid_type"),
        ({"input": ["fine", ""]}, "input[1]", "invalid_value"),
        ({"input": [1, 2, 3]}, "input", "unsupported_parameter"),
        ({"input": [[1, 2], [3]]}, "input", "unsupported_parameter"),
        ({"input": ["a", 5]}, "input[1]", "invalid_type"),
        ({}, "input", "missing_required_parameter"),
        ({"input": "x", "encoding_format": "int8"}, "encoding_format", "invalid_value"),
        ({"input": "x", "dimensions": 0}, "dimensions", "invalid_value"),
        ({"input": ["x"] * 2049}, "input", "invalid_value"),
    ],
)
def test_bad_input_is_400_before_the_engine(served: Served, body: dict[str, object], param: str, code: str) -> None:
    served.drain()
    response = post(served, {"model": served.model, **body})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == param and error["code"] == code
    assert error["type"] == "invalid_request_error" and error["message"]
    assert served.submitted.empty()  # nothing reached the engine


def test_token_arrays_and_empty_input_through_the_openai_client(served: Served) -> None:
    client = served.client()
    with pytest.raises(openai.BadRequestError, match="token arrays"):
        client.embeddings.create(model=served.model, input=[[1, 2, 3]])
    with pytest.raises(openai.BadRequestError, match="empty"):
        client.embeddings.create(model=served.model, input="")


def test_a_too_long_input_is_400_naming_it_and_nothing_is_decoded(served: Served) -> None:
    client = served.client()
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model=served.model, input=["short", "hello " * 300])  # ~1800 tokens > 1024
    assert info.value.status_code == 400
    body = info.value.body
    assert isinstance(body, dict)  # the client hands over the "error" object
    assert body["param"] == "input[1]" and body["code"] == "context_length_exceeded"
    assert "1,024 tokens" in body["message"]
    assert len(client.embeddings.create(model=served.model, input="still fine").data) == 1


def test_dimensions_other_than_the_models_are_400(served: Served) -> None:
    client = served.client()
    ok = client.embeddings.create(model=served.model, input="x", dimensions=N_EMBD, encoding_format="float")
    assert len(ok.data[0].embedding) == N_EMBD
    served.drain()
    with pytest.raises(openai.BadRequestError, match=f"{N_EMBD} dimensions") as info:
        client.embeddings.create(model=served.model, input="x", dimensions=64)
    assert info.value.body["param"] == "dimensions"  # type: ignore[index]
    assert served.submitted.empty()  # the size is known since the first reply: refused before the engine


def test_wrong_token_host_and_origin_are_refused(served: Served) -> None:
    with pytest.raises(openai.AuthenticationError):
        served.client(token="not-the-token-at-all").embeddings.create(model=served.model, input="x")
    port = served.server.config.port
    assert post(served, {"model": served.model, "input": "x"}, {**AUTH, "Host": f"evil.example:{port}"}
                ).status_code == 403
    assert post(served, {"model": served.model, "input": "x"}, {**AUTH, "Origin": "http://evil.example"}
                ).status_code == 403
    big = httpx.post(served.url + "/embeddings", headers=AUTH, timeout=60,
                     json={"model": served.model, "input": "x" * 100_000})  # over the fixture's 64 KiB
    assert big.status_code == 413
    with pytest.raises(openai.NotFoundError):
        served.client().embeddings.create(model="text-embedding-3-small", input="x")


def test_embeddings_wait_their_turn_on_the_shared_engine(served_shared: object) -> None:
    shared = served_shared
    served: Served = shared.served  # type: ignore[attr-defined]
    lock: threading.Lock = shared.lock  # type: ignore[attr-defined]
    served.drain()
    results: list[object] = []
    with lock:  # the app's chat holds the engine
        thread = threading.Thread(target=lambda: results.append(
            served.client().embeddings.create(model=served.model, input="waiting")))
        thread.start()
        job = served.submitted.get(timeout=30)
        wait_until(lambda: job.state == "running", "the worker took the embedding job")
        assert not job.in_engine and job.embeddings is None  # it waits for the lock, not the engine's answer
    thread.join(60)
    assert len(results) == 1 and len(results[0].data[0].embedding) == N_EMBD  # type: ignore[attr-defined]
    assert job.embeddings is not None


@pytest.fixture(scope="module")
def served_mamba(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    model = write_mamba(tmp_path_factory.mktemp("mamba") / "mamba-F32.gguf")
    yield from serve(model)()


def test_a_model_that_cannot_embed_is_501_saying_why(served_mamba: Served) -> None:
    client = served_mamba.client()
    with pytest.raises(openai.APIStatusError) as info:
        client.embeddings.create(model=served_mamba.model, input="hello")
    assert info.value.status_code == 501
    body = info.value.body
    assert isinstance(body, dict)
    assert body["type"] == "not_implemented_error" and body["code"] == "embeddings_unsupported"
    assert "recurrent" in body["message"]
    # chat on the same model still works
    reply = client.completions.create(model=served_mamba.model, prompt="hi", max_tokens=2)
    assert reply.choices[0].finish_reason in ("stop", "length")
