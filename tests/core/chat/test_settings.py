"""Settings file: atomic saves, damaged files fall back to defaults and are kept aside, bad values reset."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from modelnest.core import atomic, paths
from modelnest.core.chat.settings import ChatSettings, SamplingSettings, SettingsStore
from modelnest.core.errors import UserInputError


def custom() -> ChatSettings:
    return ChatSettings(
        sampling=SamplingSettings(temperature=0.3, top_p=0.9, top_k=20, repeat_penalty=1.2, max_tokens=256, seed=7),
        n_ctx=8192, system_prompt="Answer in 中文.", language="zh_CN", last_model_path="/models/tiny.gguf",
    )


def test_missing_file_gives_defaults_and_save_round_trips(modelnest_home: Path) -> None:
    store = SettingsStore()
    assert store.path == paths.config_dir() / "settings.json"
    loaded = store.load()
    assert loaded.settings == ChatSettings() and loaded.notice is None
    store.save(custom())
    assert store.load().settings == custom()
    assert json.loads(store.path.read_text("utf-8"))["version"] == 1
    assert [p.name for p in store.path.parent.iterdir()] == ["settings.json"]  # no temp files left


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(None, id="truncated"),
        pytest.param(b"\x00\x00\x00\x00\x00\x00", id="zeros"),  # what some file systems leave after a crash
        pytest.param(b"\xff\xfe{not utf-8", id="invalid-utf8"),
        pytest.param(b"[1, 2, 3]", id="not-an-object"),
        pytest.param(b"", id="empty"),
    ],
)
def test_damaged_file_falls_back_to_defaults_and_is_kept_aside(tmp_path: Path, content: bytes | None) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(custom())
    if content is None:
        content = store.path.read_bytes()[:37]  # an interrupted write, cut mid-value
    store.path.write_bytes(content)
    loaded = store.load()
    assert loaded.settings == ChatSettings()
    assert loaded.notice is not None and "damaged" in str(loaded.notice)
    assert loaded.moved_to is not None and loaded.moved_to.name.startswith("settings.json.corrupt-")
    assert loaded.moved_to.read_bytes() == content
    assert loaded.moved_to.name in str(loaded.notice)
    assert not store.path.exists()
    store.save(custom())  # the app keeps working and the next save is clean
    assert store.load().notice is None


def test_out_of_range_values_reset_only_themselves(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    data = custom().to_dict()
    data["sampling"].update(temperature=-1, top_k=2.5, seed="x")
    data.update(n_ctx=10**9, language="klingon", system_prompt=5, future_option={"keep": True})
    path.write_text(json.dumps(data), "utf-8")
    loaded = SettingsStore(path).load()
    s = loaded.settings
    defaults = ChatSettings()
    assert s.sampling.temperature == defaults.sampling.temperature
    assert s.sampling.top_k == defaults.sampling.top_k and s.sampling.seed == defaults.sampling.seed
    assert s.sampling.top_p == 0.9 and s.sampling.max_tokens == 256  # good values kept
    assert s.n_ctx == defaults.n_ctx and s.language == "system" and s.system_prompt == ""
    assert s.last_model_path == "/models/tiny.gguf"
    assert len(loaded.problems) == 6 and loaded.moved_to is None
    assert loaded.notice is not None and "Temperature must be between 0 and 5" in str(loaded.notice)
    SettingsStore(path).save(s)  # unknown keys from a newer version survive a save
    assert json.loads(path.read_text("utf-8"))["future_option"] == {"keep": True}


def test_save_refuses_invalid_values_plainly(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    with pytest.raises(UserInputError, match="Top-p must be between 0 and 1"):
        store.save(replace(custom(), sampling=replace(custom().sampling, top_p=1.5)))
    with pytest.raises(UserInputError, match="Context length must be a whole number"):
        store.save(replace(custom(), n_ctx=4096.5))  # type: ignore[arg-type]
    with pytest.raises(UserInputError, match="Language must be one of"):
        store.save(replace(custom(), language="fr"))
    assert not store.path.exists()


def test_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(ChatSettings())
    before = store.path.read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(UserInputError, match="No space left on device"):
        store.save(custom())
    assert store.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


CHILD = """
import sys
from dataclasses import replace
from modelnest.core.chat.settings import ChatSettings, SettingsStore
store = SettingsStore(sys.argv[1])
i = 0
while True:
    store.save(replace(ChatSettings(), system_prompt="p" * (i % 5000), n_ctx=128 + i))
    if i == 0:
        print("ready", flush=True)  # one complete save exists from here on
    i += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_during_saves_always_leaves_a_loadable_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for delay in (0.01, 0.03, 0.05, 0.08, 0.12):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        time.sleep(delay)  # where the kill lands is what is under test (after "ready", a save is always under way)
        os.kill(child.pid, signal.SIGKILL)
        child.communicate()  # reaps it and closes the pipe
        loaded = SettingsStore(path).load()
        assert loaded.notice is None and loaded.moved_to is None
        assert not list(tmp_path.glob(".settings.json.*.tmp"))  # load() clears what a killed save left
        # One of the saves, whole (the defaults would fail this: n_ctx 4096 with an empty prompt).
        assert loaded.settings.system_prompt == "p" * ((loaded.settings.n_ctx - 128) % 5000)
