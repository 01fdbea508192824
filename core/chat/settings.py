"""Chat settings (sampling, context length, system prompt, language) in a JSON file written atomically.

A file left truncated or garbled (a crash in an older version, a disk error, a hand edit) never stops
the app: it is moved aside as ``settings.json.corrupt-<UTC time>``, the defaults are used and
``LoadedSettings.notice`` says so in plain language. A single out-of-range value only resets that
value. Keys this version does not know (written by a newer ModelNest) are kept and written back.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from modelnest.core import paths
from modelnest.core.atomic import atomic_write_text, stale_temp_files
from modelnest.core.errors import UserInputError

__all__ = [
    "LANGUAGES",
    "ChatSettings",
    "LoadedSettings",
    "SamplingSettings",
    "SettingsStore",
    "default_settings_path",
]

SETTINGS_FILENAME = "settings.json"
FORMAT_VERSION = 1
LANGUAGES: tuple[str, ...] = ("system", "en", "zh_CN")

# name -> (minimum, maximum); the plain-language error names the setting the way the UI does.
_SAMPLING_LIMITS: dict[str, tuple[float, float, str]] = {
    "temperature": (0.0, 5.0, "Temperature"),
    "top_p": (0.0, 1.0, "Top-p"),
    "top_k": (0, 100_000, "Top-k"),
    "repeat_penalty": (0.0, 10.0, "Repeat penalty"),
    "max_tokens": (1, 1_048_576, "Max tokens"),
    "seed": (-1, 2**32 - 1, "Seed"),
}
_N_CTX_LIMITS = (128, 1_048_576)


def default_settings_path() -> Path:
    return paths.config_dir() / SETTINGS_FILENAME


@dataclass(frozen=True)
class SamplingSettings:
    """llama.cpp sampling parameters; ``seed = -1`` means a new random seed each reply, ``top_k = 0`` off."""

    temperature: float = 0.8
    top_p: float = 0.95
    top_k: int = 40
    repeat_penalty: float = 1.1
    max_tokens: int = 1024
    seed: int = -1

    def validate(self) -> None:
        """Raise UserInputError naming the first value out of range (for settings forms and the CLI)."""
        for f in fields(self):
            low, high, label = _SAMPLING_LIMITS[f.name]
            problem = _check_number(getattr(self, f.name), low, high, integer=f.type in ("int", int))
            if problem:
                raise UserInputError(f"{label} {problem}.")


@dataclass(frozen=True)
class ChatSettings:
    """Everything a new conversation starts from; saved between runs."""

    sampling: SamplingSettings = field(default_factory=SamplingSettings)
    n_ctx: int = 4096
    system_prompt: str = ""
    language: str = "system"  # "system" follows the OS locale; see modelnest.gui.i18n
    last_model_path: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown keys, kept for newer versions

    def validate(self) -> None:
        self.sampling.validate()
        problem = _check_number(self.n_ctx, *_N_CTX_LIMITS, integer=True)
        if problem:
            raise UserInputError(f"Context length {problem}.")
        if self.language not in LANGUAGES:
            raise UserInputError(f"Language must be one of {', '.join(LANGUAGES)}, not {self.language!r}.")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update(
            version=FORMAT_VERSION,
            sampling=asdict(self.sampling),
            n_ctx=self.n_ctx,
            system_prompt=self.system_prompt,
            language=self.language,
            last_model_path=self.last_model_path,
        )
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> tuple[ChatSettings, list[str]]:
        """Settings from parsed JSON plus the problems found; every bad value falls back to its default."""
        problems: list[str] = []
        defaults = cls()
        raw_sampling = data.get("sampling", {})
        if not isinstance(raw_sampling, Mapping):
            problems.append("The sampling settings were not readable and were reset.")
            raw_sampling = {}
        sampling_values: dict[str, Any] = {}
        for f in fields(SamplingSettings):
            if f.name not in raw_sampling:
                continue
            low, high, label = _SAMPLING_LIMITS[f.name]
            value = raw_sampling[f.name]
            integer = f.type in ("int", int)
            problem = _check_number(value, low, high, integer=integer)
            if problem:
                problems.append(f"{label} {problem}; it was reset to {getattr(defaults.sampling, f.name)}.")
            else:
                sampling_values[f.name] = int(value) if integer else float(value)
        settings = replace(defaults, sampling=replace(defaults.sampling, **sampling_values))

        if "n_ctx" in data:
            problem = _check_number(data["n_ctx"], *_N_CTX_LIMITS, integer=True)
            if problem:
                problems.append(f"Context length {problem}; it was reset to {defaults.n_ctx}.")
            else:
                settings = replace(settings, n_ctx=int(data["n_ctx"]))
        if "system_prompt" in data:
            if isinstance(data["system_prompt"], str):
                settings = replace(settings, system_prompt=data["system_prompt"])
            else:
                problems.append("The default system prompt was not text; it was cleared.")
        if "language" in data:
            if data["language"] in LANGUAGES:
                settings = replace(settings, language=data["language"])
            else:
                problems.append(f"The language {data['language']!r} is not available; the system language is used.")
        last = data.get("last_model_path")
        if isinstance(last, str) or last is None:
            settings = replace(settings, last_model_path=last)
        known = {"version", "sampling", "n_ctx", "system_prompt", "language", "last_model_path"}
        return replace(settings, extra={k: v for k, v in data.items() if k not in known}), problems


def _check_number(value: object, low: float, high: float, *, integer: bool) -> str | None:
    """None if fine, else the end of a sentence saying what is wrong."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "must be a number"
    if not math.isfinite(value):
        return "must be a finite number"
    if integer and value != int(value):
        return "must be a whole number"
    if not low <= value <= high:
        return f"must be between {low:g} and {high:g} (got {value:g})"
    return None


@dataclass(frozen=True)
class LoadedSettings:
    """What ``SettingsStore.load`` found: the settings to use, and what to tell the user (if anything)."""

    settings: ChatSettings
    notice: str | None = None
    moved_to: Path | None = None
    problems: tuple[str, ...] = ()


class SettingsStore:
    """Loads and saves ``ChatSettings`` as JSON (default ``<config dir>/settings.json``)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_settings_path()

    def load(self) -> LoadedSettings:
        self._remove_stale_temp_files()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return LoadedSettings(ChatSettings())
        except OSError as exc:
            return LoadedSettings(
                ChatSettings(),
                notice=f"Your settings could not be read ({exc.strerror}); the defaults are used for now.",
            )
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            moved = self._move_aside()
            where = f" The damaged file was kept as {moved.name}." if moved else ""
            return LoadedSettings(
                ChatSettings(),
                notice="Your settings file was damaged (perhaps a save was interrupted), so the default "
                f"settings are used.{where}",
                moved_to=moved,
            )
        settings, problems = ChatSettings.from_dict(data)
        notice = " ".join(["Some settings were not valid and were reset:", *problems]) if problems else None
        return LoadedSettings(settings, notice=notice, problems=tuple(problems))

    def save(self, settings: ChatSettings) -> None:
        """Validate, then write atomically (temp file + fsync + os.replace): a crash leaves old or new, whole."""
        settings.validate()
        text = json.dumps(settings.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        try:
            atomic_write_text(self.path, text)
        except OSError as exc:
            raise UserInputError(f"Could not save your settings to {self.path}: {exc.strerror or exc}.") from exc

    def _remove_stale_temp_files(self) -> None:
        # Temp files of a save that was killed before os.replace (see atomic.py); they never hold the settings.
        for stale in stale_temp_files(self.path):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _move_aside(self) -> Path | None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        try:
            os.replace(self.path, target)
        except OSError:
            return None  # keep running on defaults; the next save overwrites the bad file atomically
        return target
