"""Benchmark: the window's event-loop latency while the chat page's local API server streams to N clients.

The real ChatPage with the real engine child: a model is loaded in the page, the serve switch is turned on, and
N threads stream chat completions with the official ``openai`` client (each asks again as soon as its stream
ends) for --seconds. A precise 5 ms QTimer in the GUI thread records how late each tick fires (how long a click
or a repaint would have waited). The baseline is the same page, model loaded, server off, nothing streaming.
Goal: serving adds nothing the user notices (p99 well under one 16 ms frame).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/api_gui_latency.py [--clients 1 2 4] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import openai  # noqa: E402
from gui_latency import LatencyProbe, tiny_model  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait_for(signal: object, timeout_s: float = 120) -> list[object]:
    loop = QEventLoop()
    got: list[object] = []

    def done(*args: object) -> None:
        got.extend(args)
        loop.quit()

    signal.connect(done)  # type: ignore[attr-defined]
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    signal.disconnect(done)  # type: ignore[attr-defined]
    return got


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    if len(samples) < 2:
        return (samples[0] if samples else 0.0,) * 3  # type: ignore[return-value]
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[98], max(samples)


def stream_clients(client: openai.OpenAI, model: str, n: int, stop: threading.Event, tokens: int,
                   counts: list[int]) -> list[threading.Thread]:
    def run(i: int) -> None:
        while not stop.is_set():
            stream = client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": f"client {i}"}], max_tokens=tokens,
                temperature=0.8, stream=True, extra_body={"ignore_eos": True})
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    counts[i] += 1
                if stop.is_set():
                    stream.close()
                    break

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    return threads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--tokens", type=int, default=200, help="max_tokens of each streamed request")
    parser.add_argument("--model", type=Path, help="a GGUF model (default: the tests' tiny random model)")
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    from support.app_context import recorded_context

    from modelnest.gui.chat import ChatPage

    work = Path(tempfile.mkdtemp(prefix="modelnest-api-gui-"))
    os.environ["MODELNEST_HOME"] = str(work / "home")
    model = args.model or tiny_model(work)
    ctx = recorded_context(work / "ctx")
    page = ChatPage(ctx)
    page.resize(1200, 780)
    page.show()
    page.panel.add_model(str(model))
    page.panel.n_ctx.setValue(2048)
    page.panel.threads.setValue(2)
    page.panel.load_button.click()
    if not wait_for(page.controller.model_loaded):
        print("the model did not load", file=sys.stderr)
        return 1
    probe = LatencyProbe()
    rows: list[tuple[str, list[float], float]] = []

    probe.start()
    spin(args.seconds)
    rows.append(("baseline: model loaded, server off", probe.stop(), 0.0))

    page.server.port.setValue(0)
    page.server.switch.setChecked(True)
    if wait_for(page.server.serving_changed) != [True]:
        print("the server did not start", file=sys.stderr)
        return 1
    assert page.server.server is not None
    client = openai.OpenAI(base_url=page.server.server.url, api_key=page.server.server.config.token,
                           max_retries=0, timeout=300)
    for n in args.clients:
        stop = threading.Event()
        counts = [0] * n
        threads = stream_clients(client, model.stem, n, stop, args.tokens, counts)
        probe.start()
        spin(args.seconds)
        samples = probe.stop()
        stop.set()
        for t in threads:
            while t.is_alive():
                spin(0.05)  # keep the loop running while the streams wind down
        rows.append((f"serving {n} streaming client(s)", samples, sum(counts) / args.seconds))

    page.shutdown()
    ctx.shutdown()
    print(f"event-loop lateness of a {5} ms timer over {args.seconds:.0f} s (ms); tokens/s received by the clients")
    print(f"{'':40} {'p50':>7} {'p99':>7} {'max':>7} {'ticks':>7} {'tok/s':>7}")
    for name, samples, rate in rows:
        p50, p99, worst = percentiles(samples)
        print(f"{name:40} {p50:7.2f} {p99:7.2f} {worst:7.2f} {len(samples):7d} {rate:7.1f}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
