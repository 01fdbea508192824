"""What rendering untrusted chat templates in the sandbox process costs per render, against rendering in-process.

    python benchmarks/template_latency.py

A Llama-3-style template over conversations of 2, 20 and 200 messages: median and 95th percentile of 200
renders in the reused process, and the first render (which starts the process and compiles the template).
"""

from __future__ import annotations

import statistics
import time

from modelnest.core.engine.template_sandbox import TemplateSandbox
from modelnest.core.engine.templates import ChatTemplate, compile_source, render_compiled

SRC = ("{{ bos_token }}{% for message in messages %}<|start_header_id|>{{ message['role'] }}<|end_header_id|>\n\n"
       "{{ message['content'] | trim }}<|eot_id|>{% endfor %}{% if add_generation_prompt %}"
       "<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}")

def main() -> None:
    for turns in (2, 20, 200):
        _measure(turns)


def _measure(turns: int) -> None:
    msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": "word " * 60} for i in range(turns)]
    t = compile_source(SRC)
    inproc = []
    for _ in range(200):
        a = time.perf_counter()
        render_compiled(t, msgs, True, "<s>", "</s>")
        inproc.append(time.perf_counter() - a)
    sb = TemplateSandbox()
    tpl = ChatTemplate(SRC, "<s>", "</s>")
    a = time.perf_counter()
    sb.render(tpl, msgs, True)
    first = time.perf_counter() - a
    sand = []
    for _ in range(200):
        a = time.perf_counter()
        sb.render(tpl, msgs, True)
        sand.append(time.perf_counter() - a)
    sb.close()
    mi, ms = statistics.median(inproc) * 1000, statistics.median(sand) * 1000
    print(f"{turns:4d} messages: in-process {mi:.3f} ms, sandbox {ms:.3f} ms (added {ms - mi:.3f} ms median, "
          f"p95 {sorted(sand)[189] * 1000:.3f} ms); first render incl. process start {first * 1000:.0f} ms")


if __name__ == "__main__":
    main()
