"""Environment configuration is read in one place, at call time, with huggingface_hub's truth values."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelnest.core import config, paths


def test_parse_every_variable() -> None:
    c = config.read({
        "HF_ENDPOINT": " https://hf-mirror.com/ ", "HF_TOKEN": "hf_x", "HF_HUB_OFFLINE": "YES",
        "MODELNEST_HOME": "/srv/nest", "MODELNEST_MODELS_DIR": "/big/models", "MODELNEST_RUNTIME": " CUDA ",
        "MODELNEST_RUNTIMES_DIR": "/opt/rt", "LLAMA_CPP_LIB_PATH": "/opt/lib", "MODELNEST_API_TOKEN": " t0k ",
    })
    assert c == config.Config(
        hf_endpoint="https://hf-mirror.com", hf_token="hf_x", hf_offline=True, home=Path("/srv/nest"),
        models_dir=Path("/big/models"), runtime="cuda", runtimes_dir=Path("/opt/rt"), llama_lib_path="/opt/lib",
        api_token="t0k",
    )
    assert set(config.VARIABLES) >= {"HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE", "MODELNEST_HOME"}


def test_unset_and_empty_mean_default() -> None:
    assert config.read({}) == config.Config()
    assert config.read({"HF_ENDPOINT": "", "MODELNEST_HOME": "  ", "HF_HUB_OFFLINE": "0"}) == config.Config()
    assert config.read({"TRANSFORMERS_OFFLINE": "1"}).hf_offline


def test_read_at_call_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELNEST_HOME", str(tmp_path / "a"))
    monkeypatch.delenv("MODELNEST_MODELS_DIR", raising=False)
    assert paths.data_dir() == tmp_path / "a" / "data"
    monkeypatch.setenv("MODELNEST_HOME", str(tmp_path / "b"))
    monkeypatch.setenv("MODELNEST_MODELS_DIR", str(tmp_path / "models"))
    assert paths.config_dir() == tmp_path / "b" / "config"
    assert paths.models_dir() == tmp_path / "models"
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9/")
    assert config.hf_endpoint() == "http://127.0.0.1:9"
