"""Clients that leave mid-stream, a full queue, and several streaming clients at once, all on loopback."""

from __future__ import annotations

import http.client
import json
import threading
import time

import openai
import pytest

from modelnest.core.engine.client import TokenEvent
from modelnest.core.engine.params import GenerationSummary, SamplingParams

from .conftest import TOKEN, Served, Shared


def test_client_leaving_mid_stream_stops_the_engine_within_a_token(served_slow: Served) -> None:
    served_slow.drain()
    stream = served_slow.client().chat.completions.create(
        model=served_slow.model, messages=[{"role": "user", "content": "go on"}], max_tokens=400, stream=True,
        extra_body={"ignore_eos": True})
    received = 0
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            received += 1
            if received == 5:
                break
    stream.close()  # drops the connection mid-reply
    job = served_slow.wait_finished(served_slow.submitted.get(timeout=10))  # the worker's event: it ended
    assert job.summary is not None and job.summary.stop_reason == "cancelled"
    assert job.cancel_at is not None, "the disconnect never reached the job"
    assert job.summary.tokens - job.cancel_at <= 2  # honoured within a token or two of the cancel
    assert job.summary.tokens < 400
    # and the engine serves the next request normally
    after = served_slow.client().completions.create(model=served_slow.model, prompt="x", max_tokens=3,
                                                    extra_body={"ignore_eos": True})
    assert after.usage is not None and after.usage.completion_tokens == 3


def test_full_queue_is_429_and_waiting_request_dropped_when_its_client_leaves(served_slow: Served) -> None:
    client = served_slow.client()
    served_slow.drain()
    long = client.chat.completions.create(  # occupies the engine
        model=served_slow.model, messages=[{"role": "user", "content": "long"}], max_tokens=1000, stream=True,
        extra_body={"ignore_eos": True})
    # 1000 tokens of this model (~150 t/s here) cannot end, on any CPU, within the waiter's single 1 s attempt
    # (400 did within its three 3 s attempts on a quiet machine: the waiter was then served instead of timing out).
    first = next(iter(long))
    assert first.choices[0].delta.role == "assistant"
    waiting_error: list[BaseException] = []

    def waiter() -> None:  # the second slot (max_pending 2): queued behind the long stream
        try:
            client.with_options(timeout=1, max_retries=0).completions.create(
                model=served_slow.model, prompt="w", max_tokens=2)
        except BaseException as exc:  # noqa: BLE001 - the timeout is expected: report whatever ended it
            waiting_error.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    long_job = served_slow.submitted.get(timeout=10)
    waiting_job = served_slow.submitted.get(timeout=10)  # the waiting request holds the second place
    assert served_slow.server.worker.pending == 2
    with pytest.raises(openai.RateLimitError, match="busy"):
        # no retries: a retry after the waiter's timeout would find a free place and be queued
        client.with_options(max_retries=0).completions.create(model=served_slow.model, prompt="third", max_tokens=2)
    thread.join(30)
    assert waiting_error and isinstance(waiting_error[0], openai.APITimeoutError)
    dropped = served_slow.wait_finished(waiting_job)  # the waiting job was dropped without reaching the engine
    assert dropped.summary is None and dropped.error is None and dropped.tokens_seen == 0
    long.close()
    ended = served_slow.wait_finished(long_job)
    assert ended.summary is not None and ended.summary.stop_reason == "cancelled"
    assert served_slow.server.worker.pending == 0


def test_concurrent_streams_all_complete_in_order(served: Served) -> None:
    n, tokens = 4, 24
    client = served.client()
    reference = {}
    for i in range(n):  # what each seed writes, one at a time
        r = client.completions.create(model=served.model, prompt=f"client {i}", max_tokens=tokens, seed=100 + i,
                                      extra_body={"ignore_eos": True})
        reference[i] = r.choices[0].text
    served.drain()
    results: dict[int, tuple[str, list[str | None]]] = {}
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            parts, finishes = [], []
            for chunk in client.completions.create(model=served.model, prompt=f"client {i}", max_tokens=tokens,
                                                   seed=100 + i, stream=True, extra_body={"ignore_eos": True}):
                parts.append(chunk.choices[0].text)
                finishes.append(chunk.choices[0].finish_reason)
            results[i] = ("".join(parts), finishes)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test thread below
            errors.append(exc)

    started = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    elapsed = time.monotonic() - started
    assert not errors, errors
    assert elapsed < 120
    for i in range(n):
        text, finishes = results[i]
        assert text == reference[i], f"stream {i} lost or reordered text"
        assert finishes[-1] == "length" and all(f is None for f in finishes[:-1])
    admitted = [served.submitted.get(timeout=30) for _ in range(n)]  # in order of arrival
    jobs = []
    while len(jobs) < n:
        done = served.finished.get(timeout=60)
        if any(done is j for j in admitted):
            jobs.append(done)
    assert [j.id for j in jobs] == [j.id for j in admitted]  # served first come, first served
    assert all(j.summary is not None and j.summary.tokens == tokens for j in jobs)


def test_a_request_waiting_for_the_apps_chat_never_cancels_the_chats_reply(served_shared: Shared) -> None:
    served = served_shared.served
    served.drain()
    port = served.server.config.port
    body = json.dumps({"model": served.model, "messages": [{"role": "user", "content": "x"}], "max_tokens": 5,
                       "stream": True})
    with served_shared.lock:  # the app's chat holds the engine for a turn
        api = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        api.request("POST", "/v1/chat/completions", body=body,
                    headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        waiting = served.submitted.get(timeout=30)
        events = []
        for event in served.engine.generate([{"role": "user", "content": "chat"}],
                                            SamplingParams(max_tokens=400, ignore_eos=True, seed=1)):
            events.append(event)
            if isinstance(event, TokenEvent) and event.n == 5:
                api.close()  # the API client leaves while the chat is generating
                assert waiting.cancel_requested.wait(30), "the server never noticed the client leave"
    summary = events[-1]
    assert isinstance(summary, GenerationSummary)
    assert summary.stop_reason == "length" and summary.tokens == 400  # the chat's reply was not touched
    dropped = served.wait_finished(waiting)
    assert dropped.summary is None and dropped.tokens_seen == 0  # it never reached the engine
    after = served.client().completions.create(model=served.model, prompt="y", max_tokens=2,
                                               extra_body={"ignore_eos": True})
    assert after.usage is not None and after.usage.completion_tokens == 2
