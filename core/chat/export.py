"""Export a conversation from the history to Markdown (for reading) or JSON (for tools and re-import)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from modelnest.core.atomic import atomic_write_text
from modelnest.core.chat.history import Conversation, HistoryStore, Message
from modelnest.core.chat.stats import reply_error, reply_stats_line
from modelnest.core.errors import UserInputError
from modelnest.core.messages import msg, render

__all__ = [
    "JSON_FORMAT",
    "conversation_to_dict",
    "conversation_to_json",
    "conversation_to_markdown",
    "export_conversation",
]

JSON_FORMAT = "modelnest.conversation"
JSON_VERSION = 1

ExportFormat = Literal["markdown", "json"]

# English labels; the GUI passes translated ones (core never imports Qt, so it cannot call tr()).
DEFAULT_LABELS: dict[str, str] = {
    "user": "You",
    "assistant": "Assistant",
    "system": "System",
    "system_prompt": "System prompt",
    "model": "Model",
    "created": "Created",
    "untitled": "Untitled conversation",
    "alternative": "Other reply",
    "stopped": "stopped before the end",
    "interrupted": "interrupted: the engine stopped before the reply was finished",
    "streaming": "still being written when exported",
    "error": "failed",
    "damaged": "part of this message could not be read",
}


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def conversation_to_markdown(
    conversation: Conversation,
    messages: Sequence[Message],
    labels: Mapping[str, str] | None = None,
    translate: Callable[[str], str] | None = None,
    alternatives: Mapping[int, Sequence[Message]] | None = None,
) -> str:
    """A readable Markdown document: title, model, system prompt, then each message with its stats.

    ``alternatives`` (message id -> every reply of its group): the replies not shown follow it, quoted.

    The stats line and a failed reply's error are core's translatable messages (chat.stats, the same line the
    chat view shows); ``translate`` (a core-message template → its translation) renders them in the UI language.
    """
    lab = {**DEFAULT_LABELS, **(labels or {})}
    lines = [f"# {conversation.title or lab['untitled']}", ""]
    meta = [f"- {lab['created']}: {_iso(conversation.created)}"]
    if conversation.model_name or conversation.model_path:
        meta.append(f"- {lab['model']}: {conversation.model_name or Path(conversation.model_path or '').name}")
    lines += [*meta, ""]
    if conversation.system_prompt:
        lines += [f"**{lab['system_prompt']}:**", "", conversation.system_prompt, ""]
    for message in messages:
        lines += [f"## {lab.get(message.role, message.role)}", "", message.content.rstrip("\n"), ""]
        notes: list[str] = []
        if message.status != "complete":
            note = lab.get(message.status, message.status)
            error = reply_error(message.stats) if message.status == "error" else None
            notes.append(f"{note}: {render(error, translate)}" if error else note)
        if message.damaged:
            notes.append(lab["damaged"])
        stats = reply_stats_line(message.stats)
        if stats is not None:
            notes.append(stats.render(translate))
        if notes:
            lines += [f"*{' — '.join(notes)}*", ""]
        group = (alternatives or {}).get(message.id, ())
        for i, other in enumerate(group, 1):
            if other.id != message.id:
                quoted = "\n".join(f"> {line}" if line else ">" for line in other.content.rstrip("\n").split("\n"))
                lines += [f"*{lab['alternative']} ({i}/{len(group)})*", "", quoted, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def conversation_to_dict(
    conversation: Conversation, messages: Sequence[Message],
    alternatives: Mapping[int, Sequence[Message]] | None = None,
) -> dict[str, Any]:
    """The JSON export as a dict: a versioned envelope, ISO 8601 UTC times, every message with its stats.

    A reply with alternatives lists them all (``alternatives``, oldest first, the one shown marked ``shown``)."""
    groups = alternatives or {}

    def other(m: Message, shown: Message) -> dict[str, Any]:
        return {"id": m.id, "content": m.content, "status": m.status, "created": _iso(m.created),
                "stats": m.stats, "shown": m.id == shown.id}

    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "exported_at": _iso(datetime.now(timezone.utc).timestamp()),
        "conversation": {
            "id": conversation.id,
            "title": conversation.title,
            "created": _iso(conversation.created),
            "updated": _iso(conversation.updated),
            "model_path": conversation.model_path,
            "model_name": conversation.model_name,
            "system_prompt": conversation.system_prompt,
            "settings": conversation.settings,
        },
        "messages": [
            {
                "id": m.id,
                "role": m.role,
                "content": m.content,
                "status": m.status,
                "created": _iso(m.created),
                "updated": _iso(m.updated),
                "stats": m.stats,
                **({"damaged": True, "problems": [str(p) for p in m.problems]} if m.damaged else {}),
                **({"alternatives": [other(a, m) for a in groups[m.id]]} if m.id in groups else {}),
            }
            for m in messages
        ],
    }


def conversation_to_json(
    conversation: Conversation, messages: Sequence[Message],
    alternatives: Mapping[int, Sequence[Message]] | None = None,
) -> str:
    return json.dumps(conversation_to_dict(conversation, messages, alternatives), ensure_ascii=False,
                      indent=2) + "\n"


def export_conversation(
    store: HistoryStore,
    conversation_id: int,
    path: Path | str,
    fmt: ExportFormat | None = None,
    labels: Mapping[str, str] | None = None,
    translate: Callable[[str], str] | None = None,
) -> Path:
    """Write one conversation to ``path`` atomically; the format follows the suffix (.md / .json) unless given."""
    target = Path(path)
    if fmt is None:
        suffix = target.suffix.lower()
        if suffix in (".md", ".markdown"):
            fmt = "markdown"
        elif suffix == ".json":
            fmt = "json"
        else:
            raise UserInputError(
                msg("Cannot tell the export format from {name!r}; use a .md or .json file name.", name=target.name)
            )
    conversation = store.get_conversation(conversation_id)
    messages = store.list_messages(conversation_id)
    alternatives = {m.id: store.list_alternatives(m.id) for m in messages if m.alternatives}
    if fmt == "markdown":
        text = conversation_to_markdown(conversation, messages, labels, translate, alternatives)
    elif fmt == "json":
        text = conversation_to_json(conversation, messages, alternatives)
    else:
        raise UserInputError(msg("Unknown export format {format!r}; use 'markdown' or 'json'.", format=fmt))
    try:
        atomic_write_text(target, text)
    except OSError as exc:
        raise UserInputError(
            msg("Could not write the export to {path}: {reason}.", path=target, reason=exc.strerror or str(exc))
        ) from exc
    return target
