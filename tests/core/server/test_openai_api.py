"""The official openai client against our server with a real engine: answers, streams, usage, stops, refusals."""

from __future__ import annotations

import httpx
import openai
import pytest

from modelnest.core.chat.history import HistoryStore
from modelnest.core.engine.params import GenerationSummary

from .conftest import TOKEN, Served

LONG = {"ignore_eos": True}  # llama.cpp-server extension: a fixed length, whatever the random model writes


def test_models_lists_the_loaded_model(served: Served) -> None:
    models = served.client().models.list()
    assert [m.id for m in models.data] == [served.model]
    assert served.client().models.retrieve(served.model).owned_by == "modelnest"


def test_chat_same_seed_same_reply_with_usage(served: Served) -> None:
    client = served.client()
    kw = {"model": served.model, "messages": [{"role": "user", "content": "hello"}], "max_tokens": 12, "seed": 7}
    first = client.chat.completions.create(**kw)  # type: ignore[call-overload]
    again = client.chat.completions.create(**kw)  # type: ignore[call-overload]
    choice = first.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content == again.choices[0].message.content
    assert choice.finish_reason in ("stop", "length")
    assert first.usage is not None and 0 < first.usage.completion_tokens <= 12
    if choice.finish_reason == "length":
        assert first.usage.completion_tokens == 12
    assert first.usage.prompt_tokens > 2  # the template wraps the message
    assert first.usage.total_tokens == first.usage.prompt_tokens + first.usage.completion_tokens
    assert first.model == served.model and first.id.startswith("chatcmpl-")


def test_streamed_chat_equals_whole_reply_and_reports_usage(served: Served) -> None:
    client = served.client()
    kw = {"model": served.model, "messages": [{"role": "user", "content": "tell me"}], "max_tokens": 20, "seed": 3,
          "extra_body": LONG}
    whole = client.chat.completions.create(**kw)  # type: ignore[call-overload]
    chunks = list(client.chat.completions.create(stream=True, stream_options={"include_usage": True}, **kw))  # type: ignore[call-overload]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    assert chunks[0].choices[0].delta.role == "assistant"
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["length"]
    usage = chunks[-1].usage
    assert chunks[-1].choices == [] and usage is not None
    assert usage.completion_tokens == 20 == whole.usage.completion_tokens
    assert usage.prompt_tokens == whole.usage.prompt_tokens
    assert all(c.usage is None for c in chunks[:-1])


def test_completions_whole_and_streamed(served: Served) -> None:
    client = served.client()
    kw = {"model": served.model, "prompt": "once upon", "max_tokens": 10, "seed": 11, "extra_body": LONG}
    whole = client.completions.create(**kw)  # type: ignore[call-overload]
    assert whole.object == "text_completion" and whole.choices[0].finish_reason == "length"
    assert whole.usage is not None and whole.usage.completion_tokens == 10
    streamed = "".join(c.choices[0].text for c in client.completions.create(stream=True, **kw) if c.choices)  # type: ignore[call-overload]
    assert streamed == whole.choices[0].text
    echoed = client.completions.create(echo=True, **kw)  # type: ignore[call-overload]
    assert echoed.choices[0].text == "once upon" + whole.choices[0].text


def test_stop_sequence_cuts_the_reply_and_stops_the_engine(served: Served) -> None:
    client = served.client()
    # 500 tokens: far more than the engine writes before the stop's cancel reaches it, even on this fast model
    kw = {"model": served.model, "messages": [{"role": "user", "content": "stop test"}], "max_tokens": 500,
          "seed": 5, "extra_body": LONG}
    full = client.chat.completions.create(**kw).choices[0].message.content  # type: ignore[call-overload]
    assert full and len(full) > 12
    stop = full[6:9]
    expected = full[: full.index(stop)]
    served.drain()
    cut = client.chat.completions.create(stop=[stop, "never-appears-zz"], **kw)  # type: ignore[call-overload]
    assert cut.choices[0].message.content == expected
    assert cut.choices[0].finish_reason == "stop"
    job = served.wait_finished(served.submitted.get(timeout=30))
    assert job.summary is not None and job.summary.stop_reason == "cancelled"  # the engine did not write all 500
    assert job.summary.tokens < 500
    streamed = "".join(c.choices[0].delta.content or "" for c in
                       client.chat.completions.create(stream=True, stop=stop, **kw) if c.choices)  # type: ignore[call-overload]
    assert streamed == expected


def test_wrong_or_missing_token_is_401_with_openai_error(served: Served) -> None:
    with pytest.raises(openai.AuthenticationError) as info:
        served.client(token="not-the-token-at-all").models.list()
    assert info.value.status_code == 401
    assert "API token" in info.value.message
    response = httpx.get(served.url + "/models")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_foreign_host_and_origin_are_403(served: Served) -> None:
    port = served.server.config.port
    rebound = served.client(default_headers={"Host": f"attacker.example:{port}"})
    with pytest.raises(openai.PermissionDeniedError, match="DNS rebinding"):
        rebound.models.list()
    page = served.client(default_headers={"Origin": "http://attacker.example"})
    with pytest.raises(openai.PermissionDeniedError, match=r"attacker\.example"):
        page.chat.completions.create(model=served.model, messages=[{"role": "user", "content": "x"}], max_tokens=1)
    # the loopback names themselves are fine
    assert served.client(default_headers={"Host": f"localhost:{port}"}).models.list().data
    # CORS is off: a preflight from any page is refused, and no CORS header is ever sent
    preflight = httpx.options(served.url + "/chat/completions", headers={
        "Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers


def test_oversized_request_is_413_before_the_engine(served: Served) -> None:
    served.drain()
    with pytest.raises(openai.APIStatusError) as info:
        served.client().chat.completions.create(
            model=served.model, messages=[{"role": "user", "content": "x" * 200_000}], max_tokens=1)
    assert info.value.status_code == 413
    # without Content-Length (a chunked upload) the limit holds too
    def body() -> object:
        yield b'{"model": "x", "messages": [{"role": "user", "content": "'
        for _ in range(100):
            yield b"y" * 1024
        yield b'"}]}'
    response = httpx.post(served.url + "/chat/completions", content=body(),
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
    assert served.submitted.empty()  # nothing reached the engine


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"temperature": 7}, "temperature"),
        ({"top_p": 0}, "top_p"),
        ({"max_tokens": 10**6}, "max_tokens"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"n": 2}, "n"),
        ({"seed": -5}, "seed"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"tools": [{"type": "function", "function": {"name": "f"}}]}, "tools"),
        ({"presence_penalty": 1.0}, "presence_penalty"),
        ({"messages": [{"role": "wizard", "content": "x"}]}, "messages[0].role"),
        ({"messages": []}, "messages"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(served: Served, extra: dict[str, object], param: str) -> None:
    body = {"model": served.model, "messages": [{"role": "user", "content": "x"}], "max_tokens": 2, **extra}
    response = httpx.post(served.url + "/chat/completions", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == param and error["type"] == "invalid_request_error" and error["message"]


def test_unknown_model_bad_json_and_unknown_paths(served: Served) -> None:
    client = served.client()
    with pytest.raises(openai.NotFoundError, match=served.model):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}], max_tokens=1)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad = httpx.post(served.url + "/chat/completions", content=b"{not json", headers=auth)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_json"
    with pytest.raises(openai.NotFoundError, match=served.model):
        client.embeddings.create(model="gpt-4o", input="x")  # embeddings themselves: test_embeddings.py
    missing = httpx.get(served.url + "/nothing-here", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["message"]


def test_api_chats_are_not_written_to_history(served: Served) -> None:
    served.client().chat.completions.create(model=served.model, messages=[{"role": "user", "content": "private"}],
                                            max_tokens=2)
    store = HistoryStore.open()
    try:
        assert store.list_conversations() == []
    finally:
        store.close()


def test_summary_type_is_the_engines(served: Served) -> None:
    served.drain()
    served.client().completions.create(model=served.model, prompt="x", max_tokens=2)
    job = served.wait_finished(served.submitted.get(timeout=30))
    assert isinstance(job.summary, GenerationSummary) and job.error is None


def test_our_remote_engine_asks_for_ignore_eos_and_our_server_runs_to_max_tokens(served: Served) -> None:
    # The GUI's "server killed mid-reply" test relies on it: a random model's end-of-text cannot end the reply
    # before the kill. Without the field (as before) this reply may end at any token.
    from modelnest.core.chat.remote import RemoteEngine
    from modelnest.core.engine.params import SamplingParams

    served.drain()
    with RemoteEngine(served.url, TOKEN) as remote:
        remote.use()
        events = list(remote.generate([{"role": "user", "content": "go"}],
                                      SamplingParams(max_tokens=40, ignore_eos=True, seed=3)))
    job = served.submitted.get(timeout=30)
    assert job.sampling is not None and job.sampling.ignore_eos  # what the server was asked for
    summary = events[-1]
    assert isinstance(summary, GenerationSummary)
    assert summary.tokens == 40 and summary.stop_reason == "length"
