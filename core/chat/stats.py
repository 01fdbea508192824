"""The one-line summary of a finished reply (speed, first token, settings used), worded once for every front end.

The chat view showed it, the export and the CLI each wrote their own copy with drifting labels. This builds it as a
translatable Message from the stats a reply stores (``ReplyStats.to_dict()``, also ``ReplyFinished.stats``), so
the GUI shows it with ``tr_text`` and the CLI prints ``str()`` of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from modelnest.core.messages import Message, Text, msg

__all__ = ["reply_error", "reply_stats_line"]


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


Part = Message | str


def _join(parts: Sequence[Part], pair: Callable[[Part, Part], Message]) -> Part:
    """``parts`` joined pairwise by ``pair`` (a msg with {head} and {tail}): the separator stays translatable."""
    if len(parts) == 1:
        return parts[0]
    return pair(parts[0], _join(parts[1:], pair))


def _dot(head: Part, tail: Part) -> Message:
    return msg("{head} · {tail}", head=head, tail=tail)


def _comma(head: Part, tail: Part) -> Message:
    return msg("{head}, {tail}", head=head, tail=tail)  # translatable: Chinese lists use a full-width comma


def _settings_part(settings: Mapping[str, Any]) -> Part | None:
    def value(key: str) -> str:
        v = settings[key]
        return f"{v:g}" if isinstance(v, float) else str(v)

    shown: list[Part] = []
    if "temperature" in settings:
        shown.append(msg("temp {value}", value=value("temperature")))
    if "top_p" in settings:
        shown.append(f"top-p {value('top_p')}")  # a parameter's name, the same in every language
    if "top_k" in settings:
        shown.append(f"top-k {value('top_k')}")
    if "repeat_penalty" in settings:
        shown.append(msg("repeat {value}", value=value("repeat_penalty")))
    if "max_tokens" in settings:
        shown.append(msg("max {value}", value=value("max_tokens")))
    if "seed" in settings:
        shown.append(msg("seed {value}", value=value("seed")))
    if "n_ctx" in settings:
        shown.append(msg("ctx {value}", value=value("n_ctx")))
    if not shown:
        return None
    return _join(shown, _comma)


def reply_stats_line(stats: Mapping[str, Any]) -> Message | None:
    """"12 tokens · first token 80 ms · prompt 64.0 t/s · generation 16.2 t/s · temp 0.8, … · model.gguf";
    None when the reply recorded none of these (a message from an older version, a user message)."""
    parts: list[Part] = []
    tokens = stats.get("completion_tokens")
    if isinstance(tokens, int) and not isinstance(tokens, bool):
        parts.append(msg("{n} tokens", n=tokens))
    if _number(stats.get("ttft_s")):
        parts.append(msg("first token {ms:.0f} ms", ms=float(stats["ttft_s"]) * 1000))
    if _number(stats.get("prefill_tokens_per_s")):
        parts.append(msg("prompt {rate:.1f} t/s", rate=float(stats["prefill_tokens_per_s"])))
    if _number(stats.get("decode_tokens_per_s")):
        parts.append(msg("generation {rate:.1f} t/s", rate=float(stats["decode_tokens_per_s"])))
    settings = stats.get("settings")
    if isinstance(settings, Mapping):
        part = _settings_part(settings)
        if part is not None:
            parts.append(part)
    if isinstance(stats.get("model"), str):
        parts.append(stats["model"])  # a file name, never translated
    if not parts:
        return None
    line = _join(parts, _dot)
    return line if isinstance(line, Message) else msg("{name}", name=line)  # only the model's file name


def reply_error(stats: Mapping[str, Any]) -> Text | None:
    """Why a reply failed, as stored: the Message the session recorded (translatable) or the English text."""
    stored = stats.get("error_message")
    if isinstance(stored, Mapping):
        try:
            return Message.from_json(stored)
        except ValueError:
            pass  # written by another version: fall back to the English text
    error = stats.get("error")
    return str(error) if error else None
