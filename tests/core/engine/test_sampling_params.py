"""Sampling defaults and limits have one source (the engine's SamplingParams); the chat settings follow it."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path

import pytest

from modelnest.core.chat.settings import ChatSettings, SamplingSettings, SettingsStore
from modelnest.core.engine.params import SAMPLING_LIMITS, SEED_MAX, SamplingParams
from modelnest.core.errors import UserInputError


def test_settings_defaults_are_the_engines() -> None:
    engine, saved = SamplingParams(), SamplingSettings()
    for f in fields(SamplingSettings):
        assert getattr(saved, f.name) == getattr(engine, f.name), f.name
    assert engine.temperature == 0.8  # llama.cpp's own default (it was 0.7 here and 0.8 in the settings)


def test_one_set_of_limits() -> None:
    assert set(SAMPLING_LIMITS) >= {f.name for f in fields(SamplingSettings)}
    assert SamplingParams().out_of_range() == []
    assert SamplingParams(temperature=7.0, seed=2**31).out_of_range() == ["temperature", "seed"]
    # a seed llama.cpp would read as "random" (0xFFFFFFFF) or a QSpinBox cannot show is refused, in the settings too
    with pytest.raises(UserInputError, match="Seed must be between -1 and 2147483647"):
        SamplingSettings(seed=2**32 - 1).validate()
    SamplingSettings(seed=SEED_MAX).validate()


def test_a_saved_seed_beyond_the_limit_is_reset_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    data = ChatSettings(sampling=replace(SamplingSettings(), seed=5)).to_dict()
    data["sampling"]["seed"] = 2**32 - 1  # allowed by older versions
    path.write_text(json.dumps(data))
    loaded = SettingsStore(path).load()
    assert loaded.settings.sampling.seed == -1
    assert loaded.notice is not None and "Seed must be between -1 and 2147483647" in str(loaded.notice)
