"""Benchmark: appending 20,000 streamed token deltas to a conversation of 200 messages vs an empty one.

Goal (issue 3): the ratio stays <= 1.2, i.e. saving a token costs the same however long the
conversation is. Measured with real files and fsync (WAL, synchronous=FULL) under two flush policies:
the app's default (every 250 ms or 4 KiB, on a simulated clock of 1,000 tokens/s: 80 commits) and a
dense one (every 64 characters, ~16 tokens: ~1,380 commits) that makes the database dominate; then the
dense policy once more without fsync, which shows SQLite's own work apart from the disk's fsync
latency (noisy on a shared VM). Last, the cost of one flush early vs late in one long reply (chunk
rows: flat; the `content = content || ?` alternative grows with the reply).

    python benchmarks/history_append.py [--deltas 20000] [--existing 200] [--runs 7]
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from modelnest.core.chat.history import FlushPolicy, HistoryStore, PeriodicFlush

TOKEN_INTERVAL_S = 0.001  # 1,000 tokens/s: a tiny model at full speed (issue 3's GUI latency benchmark)
WORDS = ["the", " model", " runs", " on", " your", " own", " computer", ",", " token", " by", " token", ".\n"]


def deltas(n: int) -> list[str]:
    return [WORDS[i % len(WORDS)] for i in range(n)]


def fill(store: HistoryStore, conversation_id: int, existing: int) -> None:
    body = "Some earlier message with `code` and prose. " * 40  # ~1.8 KB each, like a real chat
    for i in range(existing):
        store.add_message(conversation_id, "user" if i % 2 == 0 else "assistant", f"{i}: {body}")


def append_run(directory: Path, existing: int, policy: FlushPolicy, pieces: list[str], *, elsewhere: bool = False,
               fsync: bool = True) -> float:
    """Seconds to stream ``pieces`` into a reply after ``existing`` messages (in another conversation if elsewhere)."""
    path = directory / f"h-{existing}-{time.monotonic_ns()}.sqlite3"
    clock = [0.0]  # simulated engine time: one token per TOKEN_INTERVAL_S, so time-based flushes happen as live
    with HistoryStore.open(path, flush_policy=policy, clock=lambda: clock[0]) as store:
        conv = store.create_conversation("bench")
        fill(store, store.create_conversation("other").id if elsewhere else conv.id, existing)
        store.add_user_message(conv.id, "question")
        if not fsync:  # isolates SQLite's own work from the disk's fsync noise (never done in the app)
            store._conn.execute("PRAGMA synchronous = OFF")
        reply = store.begin_reply(conv.id)
        start = time.perf_counter()
        for piece in pieces:
            clock[0] += TOKEN_INTERVAL_S
            store.append_reply(reply.id, piece)
        store.finish_reply(reply.id, "complete", {"completion_tokens": len(pieces)})
        elapsed = time.perf_counter() - start
        assert len(store.get_message(reply.id).content) == sum(map(len, pieces))
    return elapsed


def flush_cost_early_vs_late(directory: Path, pieces: list[str]) -> tuple[float, float, float, float]:
    """Median seconds per flush in the first and last 10 % of one long reply: chunk rows vs `content ||`."""
    path = directory / "growth.sqlite3"
    texts = ["".join(pieces[i:i + 16]) for i in range(0, len(pieces), 16)]
    manual = PeriodicFlush(interval_s=math.inf, max_chars=math.inf)  # we time each flush() ourselves
    with HistoryStore.open(path, flush_policy=manual) as store:
        conv = store.create_conversation("growth")
        reply = store.begin_reply(conv.id)
        ours: list[float] = []
        for text in texts:
            store.append_reply(reply.id, text)
            start = time.perf_counter()
            store.flush()
            ours.append(time.perf_counter() - start)
        store.finish_reply(reply.id, "complete")
    conn = sqlite3.connect(directory / "naive.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, content TEXT NOT NULL)")
    conn.execute("INSERT INTO m VALUES (1, '')")
    naive: list[float] = []
    for text in texts:
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE m SET content = content || ? WHERE id = 1", (text,))
        conn.execute("COMMIT")
        naive.append(time.perf_counter() - start)
    conn.close()
    tenth = max(1, len(texts) // 10)
    med = statistics.median
    return med(ours[:tenth]), med(ours[-tenth:]), med(naive[:tenth]), med(naive[-tenth:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deltas", type=int, default=20_000)
    parser.add_argument("--existing", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    pieces = deltas(args.deltas)
    dense = PeriodicFlush(interval_s=math.inf, max_chars=64)
    policies: list[tuple[str, FlushPolicy, bool]] = [
        ("default policy (250 ms / 4 KiB) at 1,000 tokens/s simulated", PeriodicFlush(), True),
        ("dense policy (every 64 chars)", dense, True),
        ("dense policy, synchronous=OFF (SQLite work without fsync noise)", dense, False),
    ]
    with tempfile.TemporaryDirectory(prefix="modelnest-bench-") as tmp:
        directory = Path(tmp)
        print(f"history append: {args.deltas:,} deltas ({sum(map(len, pieces)):,} chars), median of {args.runs} runs")
        for label, policy, fsync in policies:
            empty: list[float] = []
            warm: list[float] = []
            full: list[float] = []
            for run in range(args.runs):  # interleaved, rotating order, so drift hits every case alike
                cases = [(0, False, empty), (args.existing, True, warm), (args.existing, False, full)]
                cases = cases[run % 3:] + cases[:run % 3]
                for existing, elsewhere, results in cases:
                    results.append(append_run(directory, existing, policy, pieces, elsewhere=elsewhere, fsync=fsync))
            e, w, f = statistics.median(empty), statistics.median(warm), statistics.median(full)

            def row(name: str, seconds: float) -> None:
                print(f"    {name:<52}{seconds * 1000:8.1f} ms  ({seconds / args.deltas * 1e6:.2f} µs/delta)")

            print(f"  {label}")
            row("empty conversation, new file (baseline)", e)
            row(f"empty conversation, {args.existing} messages elsewhere in file", w)
            row(f"conversation already holding {args.existing} messages", f)
            print(f"    ratio {args.existing} messages / baseline: {f / e:.2f}  (goal <= 1.2);"
                  f"  / same-size file: {f / w:.2f}")
        o_early, o_late, n_early, n_late = flush_cost_early_vs_late(directory, pieces)
        print("  cost of one flush (16 deltas) in the first vs last 10 % of one long reply")
        for name, early, late in (("chunk rows (ours)", o_early, o_late), ("content = content || ?", n_early, n_late)):
            print(f"    {name:<27}{early * 1e3:.3f} ms -> {late * 1e3:.3f} ms  (x{late / early:.2f})")


if __name__ == "__main__":
    main()
