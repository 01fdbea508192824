"""Time to first token per turn over a 30-turn conversation: a turn should cost the same early and late.

The engine keeps the KV cache of the conversation so far and reads only the tokens that differ from what it
already holds (core/engine/host.py), so each turn reads its new user message plus the previous reply (the reply
is re-tokenized from its text, which need not match the sampled tokens). Runs through ChatSession and a real
history file, exactly as the chat does (the context policy's token count included), with the 1.1B-shape
benchmark model (built once, as in benchmarks/engine_overhead.py). Then measures the two things that break the
reuse: an edit of a middle message (the prompt changes there) and a truncation by the rolling window (the oldest
turn leaves, so the prompt changes at its start).

    .venv/bin/python benchmarks/turn_latency.py [--turns 30] [--reply 24] [--threads 2]

Goal: time to first token of the last turn <= 1.3x the first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from engine_overhead import bench_model  # noqa: E402

from modelnest.core.chat.history import HistoryStore  # noqa: E402
from modelnest.core.chat.session import ChatSession, ReplyDelta, ReplyFinished, build_messages  # noqa: E402
from modelnest.core.engine.client import EngineClient, TokenEvent  # noqa: E402
from modelnest.core.engine.params import EngineParams, SamplingParams  # noqa: E402

WORDS = ["the", "a", "is", "hello"]  # the benchmark vocabulary is mostly letters: 15 words are ~55 tokens


def user_text(turn: int) -> str:
    """Every turn's message has the same length (and so the same token count)."""
    words = [WORDS[(turn + i) % len(WORDS)] for i in range(15)]
    return " ".join(words)


def timed_turn(session: ChatSession, events: object) -> tuple[float, float, int]:
    """(seconds from the call to the first token, the engine's own TTFT, prompt tokens evaluated)."""
    start = time.perf_counter()
    first: float | None = None
    summary = None
    for event in events:  # type: ignore[attr-defined]
        if first is None and isinstance(event, ReplyDelta) and event.tokens:
            first = time.perf_counter() - start
        if isinstance(event, ReplyFinished):
            summary = event.summary
    assert summary is not None and first is not None
    return first, summary.ttft_s, summary.prompt_tokens_evaluated


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--reply", type=int, default=16, help="tokens per reply (ignore_eos: always this many)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    model = bench_model()
    params = EngineParams(n_ctx=8192, n_batch=512, n_ubatch=512, n_threads=args.threads,
                          n_threads_batch=args.threads)
    sampling = SamplingParams(max_tokens=args.reply, ignore_eos=True, seed=1, temperature=0.7)
    with tempfile.TemporaryDirectory() as folder, EngineClient(hang_timeout=300) as engine, \
            HistoryStore.open(Path(folder) / "history.sqlite3") as store:
        engine.load(model, params)
        engine.run(prompt="warm up", sampling=SamplingParams(max_tokens=4, ignore_eos=True))
        conv = store.create_conversation("bench", system_prompt="You are a helpful assistant.")
        session = ChatSession(engine, store, delta_interval_s=0.0)
        rows: list[tuple[int, float, float, int]] = []
        user_tokens = engine.count_tokens([{"role": "user", "content": user_text(1)}]) - engine.count_tokens(
            [{"role": "user", "content": ""}])
        print(f"model: {model.name}, threads {args.threads}, per turn: a user message of {user_tokens} tokens, a "
              f"reply of {args.reply} sampled tokens")
        print("turn  first token (s, as the chat sees it)  engine TTFT (s)  prompt tokens read / in context")
        for turn in range(1, args.turns + 1):
            wall, ttft, evaluated = timed_turn(session, session.send(conv.id, user_text(turn), sampling))
            in_context = engine.count_tokens(build_messages(store.list_messages(conv.id), conv.system_prompt))
            rows.append((turn, wall, ttft, evaluated))
            print(f"{turn:4d}  {wall:10.3f}  {ttft:14.3f}  {evaluated:8d} / {in_context}", flush=True)
        first, last = rows[0][1], rows[-1][1]
        early = statistics.median(r[1] for r in rows[1:6])
        late = statistics.median(r[1] for r in rows[-5:])
        print(f"last / first: {last / first:.2f} (goal <= 1.3); median of turns 2-6 vs the last 5: "
              f"{early:.3f} s vs {late:.3f} s ({late / early:.2f}x)")

        # Truncation: the rolling window leaves out the oldest turn, so the prompt differs from its start.
        messages = build_messages(store.list_messages(conv.id), conv.system_prompt)
        messages.append({"role": "user", "content": user_text(0)})
        dropped = [messages[0], *messages[3:]]
        start = time.perf_counter()
        stream = engine.generate(dropped, sampling)
        truncated = 0.0
        for event in stream:
            if isinstance(event, TokenEvent):
                truncated = time.perf_counter() - start
                break
        engine.cancel()
        for _ in stream:
            pass  # to its summary (stop reason: cancelled)
        print(f"after a truncation (oldest turn dropped, {engine.count_tokens(dropped)} tokens re-read): first "
              f"token {truncated:.3f} s = {truncated / last:.1f}x a normal turn")

        # An edit in the middle: the conversation continues from that message, so only it is read again... but
        # the cache was just replaced by the truncation above, so put the full conversation back first.
        timed_turn(session, session.regenerate(conv.id, sampling))
        middle = [m for m in store.list_messages(conv.id) if m.role == "user"][args.turns // 2]
        wall, ttft, evaluated = timed_turn(session, session.edit_and_resend(
            conv.id, user_text(99), sampling, message_id=middle.id))
        print(f"after editing turn {args.turns // 2 + 1} of {args.turns}: first token {wall:.3f} s "
              f"({evaluated} prompt tokens read) = {wall / last:.1f}x a normal turn")


if __name__ == "__main__":
    main()
