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
from modelnest.core.engine.params import SAMPLING_LIMITS, SamplingParams
from modelnest.core.errors import UserInputError
from modelnest.core.messages import Message, Text, msg, sentences

__all__ = [
    "LANGUAGES",
    "RECOMMEND_USES",
    "ChatSettings",
    "LoadedSettings",
    "SamplingSettings",
    "SettingsStore",
    "default_settings_path",
]

SETTINGS_FILENAME = "settings.json"
FORMAT_VERSION = 1
LANGUAGES: tuple[str, ...] = ("system", "en", "zh_CN")

# The limits are the engine's (SAMPLING_LIMITS, one set for every face); the plain-language error names the
# setting the way the UI does.
_SAMPLING_LABELS: dict[str, Message] = {
    "temperature": msg("Temperature"),
    "top_p": msg("Top-p"),
    "top_k": msg("Top-k"),
    "repeat_penalty": msg("Repeat penalty"),
    "max_tokens": msg("Max tokens"),
    "seed": msg("Seed"),
}
_CONTEXT_LABEL = msg("Context length")
_SAMPLING_LIMITS: dict[str, tuple[float, float, Message]] = {
    name: (*SAMPLING_LIMITS[name], label) for name, label in _SAMPLING_LABELS.items()
}
_ENGINE_DEFAULTS = SamplingParams()
_N_CTX_LIMITS = (128, 1_048_576)
# "Recommended for you": the use it ranks for and the slowest lower predicted speed it accepts (tokens/s). The
# names match modelnest.core.catalogue.recommend.USES (core.chat does not import the catalogue).
RECOMMEND_USES: tuple[str, ...] = ("chat", "coding", "chinese", "reasoning")
_MIN_TPS_LIMITS = (1.0, 1000.0)
_MIN_TPS_LABEL = msg("Minimum speed for recommendations")


def default_settings_path() -> Path:
    return paths.config_dir() / SETTINGS_FILENAME


@dataclass(frozen=True)
class SamplingSettings:
    """The sampling values a user sets and settings.json keeps; ``seed = -1`` means a new random seed each reply,
    ``top_k = 0`` off. Defaults and limits are the engine's (modelnest.core.engine.params.SamplingParams,
    SAMPLING_LIMITS); modelnest.core.chat.sampling converts to what the engine takes."""

    temperature: float = _ENGINE_DEFAULTS.temperature
    top_p: float = _ENGINE_DEFAULTS.top_p
    top_k: int = _ENGINE_DEFAULTS.top_k
    repeat_penalty: float = _ENGINE_DEFAULTS.repeat_penalty
    max_tokens: int = _ENGINE_DEFAULTS.max_tokens
    seed: int = _ENGINE_DEFAULTS.seed

    def validate(self) -> None:
        """Raise UserInputError naming the first value out of range (for settings forms and the CLI)."""
        for f in fields(self):
            low, high, label = _SAMPLING_LIMITS[f.name]
            problem = _check_number(getattr(self, f.name), low, high, integer=f.type in ("int", int), setting=label)
            if problem:
                raise UserInputError(msg("{problem}.", problem=problem))


@dataclass(frozen=True)
class ChatSettings:
    """Everything a new conversation starts from; saved between runs."""

    sampling: SamplingSettings = field(default_factory=SamplingSettings)
    n_ctx: int = 4096
    system_prompt: str = ""
    language: str = "system"  # "system" follows the OS locale; see modelnest.gui.i18n
    last_model_path: str | None = None
    recommend_min_tps: float = 10.0  # tokens/s the lower predicted speed of a recommended file must reach
    recommend_use: str = "chat"  # one of RECOMMEND_USES
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown keys, kept for newer versions

    def validate(self) -> None:
        self.sampling.validate()
        problem = _check_number(self.n_ctx, *_N_CTX_LIMITS, integer=True, setting=_CONTEXT_LABEL)
        if problem:
            raise UserInputError(msg("{problem}.", problem=problem))
        if self.language not in LANGUAGES:
            raise UserInputError(msg("Language must be one of {languages}, not {language!r}.",
                                     languages=", ".join(LANGUAGES), language=self.language))
        problem = _check_number(self.recommend_min_tps, *_MIN_TPS_LIMITS, integer=False, setting=_MIN_TPS_LABEL)
        if problem:
            raise UserInputError(msg("{problem}.", problem=problem))
        if self.recommend_use not in RECOMMEND_USES:
            raise UserInputError(msg("The use for recommendations must be one of {uses}, not {use!r}.",
                                     uses=", ".join(RECOMMEND_USES), use=self.recommend_use))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update(
            version=FORMAT_VERSION,
            sampling=asdict(self.sampling),
            n_ctx=self.n_ctx,
            system_prompt=self.system_prompt,
            language=self.language,
            last_model_path=self.last_model_path,
            recommend_min_tps=self.recommend_min_tps,
            recommend_use=self.recommend_use,
        )
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> tuple[ChatSettings, list[Message]]:
        """Settings from parsed JSON plus the problems found; every bad value falls back to its default."""
        problems: list[Message] = []
        defaults = cls()
        raw_sampling = data.get("sampling", {})
        if not isinstance(raw_sampling, Mapping):
            problems.append(msg("The sampling settings were not readable and were reset."))
            raw_sampling = {}
        sampling_values: dict[str, Any] = {}
        for f in fields(SamplingSettings):
            if f.name not in raw_sampling:
                continue
            low, high, label = _SAMPLING_LIMITS[f.name]
            value = raw_sampling[f.name]
            integer = f.type in ("int", int)
            problem = _check_number(value, low, high, integer=integer, setting=label)
            if problem:
                problems.append(msg("{problem}; it was reset to {default}.", problem=problem,
                                    default=getattr(defaults.sampling, f.name)))
            else:
                sampling_values[f.name] = int(value) if integer else float(value)
        settings = replace(defaults, sampling=replace(defaults.sampling, **sampling_values))

        if "n_ctx" in data:
            problem = _check_number(data["n_ctx"], *_N_CTX_LIMITS, integer=True, setting=_CONTEXT_LABEL)
            if problem:
                problems.append(msg("{problem}; it was reset to {default}.", problem=problem, default=defaults.n_ctx))
            else:
                settings = replace(settings, n_ctx=int(data["n_ctx"]))
        if "system_prompt" in data:
            if isinstance(data["system_prompt"], str):
                settings = replace(settings, system_prompt=data["system_prompt"])
            else:
                problems.append(msg("The default system prompt was not text; it was cleared."))
        if "language" in data:
            if data["language"] in LANGUAGES:
                settings = replace(settings, language=data["language"])
            else:
                problems.append(msg("The language {language!r} is not available; the system language is used.",
                                    language=data["language"]))
        last = data.get("last_model_path")
        if isinstance(last, str) or last is None:
            settings = replace(settings, last_model_path=last)
        if "recommend_min_tps" in data:
            problem = _check_number(data["recommend_min_tps"], *_MIN_TPS_LIMITS, integer=False,
                                    setting=_MIN_TPS_LABEL)
            if problem:
                problems.append(msg("{problem}; it was reset to {default}.", problem=problem,
                                    default=_shown(defaults.recommend_min_tps)))
            else:
                settings = replace(settings, recommend_min_tps=float(data["recommend_min_tps"]))
        if "recommend_use" in data:
            if data["recommend_use"] in RECOMMEND_USES:
                settings = replace(settings, recommend_use=data["recommend_use"])
            else:
                problems.append(msg("The use {use!r} is not one the recommendations know; general chat is used.",
                                    use=data["recommend_use"]))
        known = {"version", "sampling", "n_ctx", "system_prompt", "language", "last_model_path", "recommend_min_tps",
                 "recommend_use"}
        return replace(settings, extra={k: v for k, v in data.items() if k not in known}), problems


def _check_number(value: object, low: float, high: float, *, integer: bool, setting: Text) -> Message | None:
    """None if fine, else a clause saying what is wrong with ``setting`` (no final full stop)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return msg("{setting} must be a number", setting=setting)
    if not math.isfinite(value):
        return msg("{setting} must be a finite number", setting=setting)
    if integer and value != int(value):
        return msg("{setting} must be a whole number", setting=setting)
    if not low <= value <= high:
        return msg("{setting} must be between {low} and {high} (got {value})", setting=setting, low=_shown(low),
                   high=_shown(high), value=_shown(value))
    return None


def _shown(value: float) -> str:
    """A limit as people type it: 2147483647, not :g's 2.14748e+09."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:g}"


@dataclass(frozen=True)
class LoadedSettings:
    """What ``SettingsStore.load`` found: the settings to use, and what to tell the user (if anything)."""

    settings: ChatSettings
    notice: Text | None = None
    moved_to: Path | None = None
    problems: tuple[Text, ...] = ()


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
                notice=msg("Your settings could not be read ({reason}); the defaults are used for now.",
                           reason=exc.strerror),
            )
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            moved = self._move_aside()
            return LoadedSettings(
                ChatSettings(),
                notice=msg("Your settings file was damaged (perhaps a save was interrupted), so the default "
                           "settings are used. The damaged file was kept as {name}.", name=moved.name)
                if moved else msg("Your settings file was damaged (perhaps a save was interrupted), so the default "
                                  "settings are used."),
                moved_to=moved,
            )
        settings, problems = ChatSettings.from_dict(data)
        notice = msg("Some settings were not valid and were reset: {problems}",
                     problems=sentences(problems)) if problems else None
        return LoadedSettings(settings, notice=notice, problems=tuple(problems))

    def save(self, settings: ChatSettings) -> None:
        """Validate, then write atomically (temp file + fsync + os.replace): a crash leaves old or new, whole."""
        settings.validate()
        text = json.dumps(settings.to_dict(), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        try:
            atomic_write_text(self.path, text)
        except OSError as exc:
            raise UserInputError(msg("Could not save your settings to {path}: {reason}.", path=self.path,
                                     reason=exc.strerror or str(exc))) from exc

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
