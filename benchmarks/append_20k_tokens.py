"""Benchmark (GUI side): showing 20,000 streamed tokens in a conversation of 200 messages vs an empty one.

Goal (issue 3): ratio <= 1.2, i.e. the view's cost per token does not grow with the conversation. The
real ChatView (offscreen, shown) receives the tokens exactly as the controller delivers them: 50 ms
batches at 1,000 tokens/s = 50 tokens per batch, each batch followed by processEvents() so layout and
painting are counted (CPU time of the process, so a busy machine disturbs the figure less). The 200 earlier
messages are realistic Markdown (prose, lists, code blocks), each ~1.5 KB. The Markdown render of the finished
reply (once per reply) is reported apart. The history side of the same question is benchmarks/history_append.py.

    QT_QPA_PLATFORM=offscreen python benchmarks/append_20k_tokens.py [--tokens 20000] [--existing 200] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from dataclasses import replace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from modelnest.core.chat.history import Message
from modelnest.gui.chat.view import ChatView

WORDS = ["The", " model", " runs", " on", " your", " own", " computer", ",", " token", " by", " token", ".", "\n"]
EARLIER = (
    "Here is what I found:\n\n- first point with **bold** text\n- second point with `inline code`\n\n"
    "```python\ndef add(a, b):\n    return a + b\n\nprint(add(2, 3))\n```\n\n"
    + "A paragraph of ordinary prose that goes on for a while to look like a real answer. " * 12
)


def message(i: int, conversation_id: int = 1, role: str = "assistant", content: str = "",
            status: str = "complete") -> Message:
    return Message(id=i, conversation_id=conversation_id, role=role, content=content,  # type: ignore[arg-type]
                   status=status, created=float(i), updated=float(i), stats={})  # type: ignore[arg-type]


def run_once(app: QApplication, existing: int, tokens: int, batch: int) -> tuple[float, float]:
    view = ChatView()
    view.resize(900, 700)
    view.show()
    history = [message(i + 1, role="user" if i % 2 == 0 else "assistant",
                       content=f"Question {i}?" if i % 2 == 0 else EARLIER) for i in range(existing)]
    view.show_conversation(history)
    app.processEvents()
    reply = message(existing + 1, status="streaming")
    view.begin_streaming(reply)
    app.processEvents()
    pieces = [WORDS[i % len(WORDS)] for i in range(tokens)]
    # CPU time of this (single-threaded) process: on a shared 2-core machine wall time mostly measures
    # the neighbours; the GUI thread's own work is what must not grow with the conversation.
    started = time.process_time()
    for i in range(0, tokens, batch):
        view.append_stream("".join(pieces[i:i + batch]))
        app.processEvents()
    append_s = time.process_time() - started
    started = time.perf_counter()
    view.finish_streaming(replace(reply, content="".join(pieces), status="complete"))
    app.processEvents()
    render_s = time.perf_counter() - started
    view.close()
    view.deleteLater()
    app.processEvents()
    return append_s, render_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--existing", type=int, default=200)
    parser.add_argument("--batch", type=int, default=50, help="tokens per 50 ms batch (50 = 1,000 tokens/s)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    run_once(app, 2, 500, args.batch)  # warm-up: fonts, first layout
    empty: list[float] = []
    full: list[float] = []
    renders: list[float] = []
    for _ in range(args.runs):  # interleaved, so machine noise hits both sides alike
        a, _r = run_once(app, 0, args.tokens, args.batch)
        empty.append(a)
        b, r = run_once(app, args.existing, args.tokens, args.batch)
        full.append(b)
        renders.append(r)
    e, f = statistics.median(empty), statistics.median(full)
    per_batch = args.tokens / args.batch
    print(f"ChatView: {args.tokens:,} tokens in batches of {args.batch} (+ processEvents each), CPU time, "
          f"median of {args.runs}")
    print(f"  into an empty conversation   : {e * 1000:8.1f} ms  ({e / per_batch * 1000:.2f} ms per batch)")
    print(f"  into {args.existing} earlier messages : {f * 1000:8.1f} ms  ({f / per_batch * 1000:.2f} ms per batch)")
    print(f"  ratio                        : {f / e:8.2f}   (goal <= 1.2)")
    print(f"  ratio of the fastest runs    : {min(full) / min(empty):8.2f}   (less sensitive to a busy machine)")
    print(f"  Markdown render of the finished {args.tokens:,}-token reply: {statistics.median(renders) * 1000:.0f} ms "
          "(once per reply)")


if __name__ == "__main__":
    main()
