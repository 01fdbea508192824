"""Exporting a conversation from a real history file to Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from modelnest.core.chat.export import JSON_FORMAT, export_conversation
from modelnest.core.chat.history import HistoryStore, ReplyStats
from modelnest.core.errors import UserInputError


@pytest.fixture
def filled(tmp_path: Path) -> tuple[HistoryStore, int]:
    store = HistoryStore.open(tmp_path / "history.sqlite3", wall_clock=lambda: 1_795_000_000.0)
    conv = store.create_conversation("Sorting in Python", model_name="tiny-1.1b-Q4_K_M",
                                      system_prompt="You are terse.", settings={"temperature": 0.7})
    store.add_user_message(conv.id, "How do I sort a list?")
    r1 = store.begin_reply(conv.id)
    store.append_reply(r1.id, "Use `sorted`:\n\n```python\nsorted([3, 1, 2])\n```")
    store.finish_reply(r1.id, "complete", ReplyStats(ttft_s=0.42, prefill_tokens_per_s=64.0,
                                                     decode_tokens_per_s=16.1, completion_tokens=12,
                                                     model="tiny-1.1b-Q4_K_M", settings={"temperature": 0.7}))
    store.add_user_message(conv.id, "And in reverse? 中文")
    r2 = store.begin_reply(conv.id)
    store.append_reply(r2.id, "Pass `reverse=True`")
    store.finish_reply(r2.id, "stopped")
    store.add_user_message(conv.id, "Thanks")
    r3 = store.begin_reply(conv.id)
    store.finish_reply(r3.id, "error", {"error": "The engine ran out of memory."})
    yield store, conv.id
    store.close()


def test_markdown_export(filled: tuple[HistoryStore, int], tmp_path: Path) -> None:
    store, conversation_id = filled
    out = export_conversation(store, conversation_id, tmp_path / "chat.md")
    text = out.read_text("utf-8")
    assert text.startswith("# Sorting in Python\n")
    assert "- Created: 2026-11-18T11:06:40Z" in text and "- Model: tiny-1.1b-Q4_K_M" in text
    assert "**System prompt:**\n\nYou are terse." in text
    assert text.count("## You") == 3 and text.count("## Assistant") == 3
    assert "```python\nsorted([3, 1, 2])\n```" in text  # code blocks pass through untouched
    # the chat view's own line (core.chat.stats), not a copy with other words
    assert ("*12 tokens · first token 420 ms · prompt 64.0 t/s · generation 16.1 t/s · temp 0.7 · "
            "tiny-1.1b-Q4_K_M*") in text
    assert "*stopped before the end*" in text
    assert "*failed: The engine ran out of memory.*" in text
    assert "And in reverse? 中文" in text


def test_markdown_labels_can_be_translated(filled: tuple[HistoryStore, int], tmp_path: Path) -> None:
    store, conversation_id = filled
    text = export_conversation(store, conversation_id, tmp_path / "chat.markdown",
                               labels={"user": "你", "assistant": "助手"}).read_text("utf-8")
    assert text.count("## 你") == 3 and text.count("## 助手") == 3
    zh = {"{n} tokens": "{n} 个词元", "{head} · {tail}": "{head} · {tail}", "temp {value}": "温度 {value}"}
    text = export_conversation(store, conversation_id, tmp_path / "zh.md",
                               translate=lambda t: zh.get(t, t)).read_text("utf-8")
    assert "*12 个词元 · first token 420 ms" in text and "温度 0.7" in text


def test_json_export(filled: tuple[HistoryStore, int], tmp_path: Path) -> None:
    store, conversation_id = filled
    data = json.loads(export_conversation(store, conversation_id, tmp_path / "chat.json").read_text("utf-8"))
    assert data["format"] == JSON_FORMAT and data["version"] == 1
    conv = data["conversation"]
    assert conv["title"] == "Sorting in Python" and conv["settings"] == {"temperature": 0.7}
    assert conv["created"] == "2026-11-18T11:06:40Z"
    messages = data["messages"]
    assert [(m["role"], m["status"]) for m in messages] == [
        ("user", "complete"), ("assistant", "complete"), ("user", "complete"), ("assistant", "stopped"),
        ("user", "complete"), ("assistant", "error")]
    assert messages[1]["stats"]["decode_tokens_per_s"] == 16.1
    assert messages[3]["content"] == "Pass `reverse=True`"
    assert messages[5]["stats"] == {"error": "The engine ran out of memory."}
    assert "damaged" not in messages[0]


def test_export_format_errors(filled: tuple[HistoryStore, int], tmp_path: Path) -> None:
    store, conversation_id = filled
    with pytest.raises(UserInputError, match=r"use a \.md or \.json"):
        export_conversation(store, conversation_id, tmp_path / "chat.txt")
    assert export_conversation(store, conversation_id, tmp_path / "chat.txt", fmt="json").is_file()
    with pytest.raises(UserInputError, match="Could not write the export"):
        export_conversation(store, conversation_id, tmp_path / "chat.txt" / "inside-a-file.json")
