"""`modelnest serve` as a user runs it: prints the address and token, serves the openai client, stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import openai
import psutil
from support.processes import gone


def _start(model: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "modelnest.gui.launcher", "serve", str(model), "--port", "0", "--ctx", "512",
         "--threads", "2", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
    )


def _header(proc: subprocess.Popen[str]) -> tuple[str, str]:
    assert proc.stdout is not None
    serving = proc.stdout.readline()
    token_line = proc.stdout.readline()
    assert serving.startswith("Serving "), (serving, proc.stderr.read() if proc.stderr else "")
    return serving.split(" at ", 1)[1].strip(), token_line.split(": ", 1)[1].strip()


def _stop(proc: subprocess.Popen[str]) -> str:
    children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert all(gone(pid) for pid in children), "engine process left behind"
    return err


def test_serve_prints_address_and_token_and_serves(tiny_model: Path) -> None:
    proc = _start(tiny_model)
    try:
        url, token = _header(proc)
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert len(token) >= 16
        client = openai.OpenAI(base_url=url, api_key=token, max_retries=0, timeout=60)
        assert [m.id for m in client.models.list().data] == [tiny_model.stem]
        reply = client.chat.completions.create(model=tiny_model.stem, messages=[{"role": "user", "content": "hi"}],
                                               max_tokens=4, seed=1)
        assert reply.usage is not None and 1 <= reply.usage.completion_tokens <= 4
    finally:
        err = _stop(proc)
    assert "warning" not in err  # loopback: nothing to warn about


def test_serve_takes_the_token_from_the_environment_and_warns_beyond_loopback(tiny_model: Path) -> None:
    secret = "env-token-" + "k" * 20
    proc = _start(tiny_model, "--host", "0.0.0.0", env={"MODELNEST_API_TOKEN": secret})
    try:
        url, token_line = _header(proc)
        assert "MODELNEST_API_TOKEN" in token_line and secret not in token_line  # never echoed
        client = openai.OpenAI(base_url=url, api_key=secret, max_retries=0, timeout=60)
        assert client.models.list().data
    finally:
        err = _stop(proc)
    assert "not only on this computer" in err


def test_serve_refuses_a_short_token_and_a_taken_port(tiny_model: Path) -> None:
    short = subprocess.run([sys.executable, "-m", "modelnest.gui.launcher", "serve", str(tiny_model)],
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "MODELNEST_API_TOKEN": "abc"})
    assert short.returncode == 2 and "too short" in short.stderr
    proc = _start(tiny_model)
    try:
        url, _ = _header(proc)
        port = url.rsplit(":", 1)[1].split("/")[0]
        taken = subprocess.run([sys.executable, "-m", "modelnest.gui.launcher", "serve", str(tiny_model), "--port",
                                port], capture_output=True, text=True, timeout=120)
        assert taken.returncode == 2 and "already in use" in taken.stderr
    finally:
        _stop(proc)
