"""core.messages: English rendering, translation of nested messages, broken translations, JSON round trips."""

from __future__ import annotations

import copy
import json
import pickle
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from modelnest.core.engine.errors import EngineOutOfMemory
from modelnest.core.errors import ModelNestError, UserInputError
from modelnest.core.messages import Message, Text, english, msg, render, sentences, text_of

ZH = {
    "context reduced from {old} to {new} tokens to fit in memory": "为装入内存，上下文从 {old} 减少到 {new} token",
    "Loading failed: {reason} Trying again with {change}.": "加载失败：{reason}现改用{change}重试。",
    "smaller context ({old} → {new} tokens)": "更小的上下文（{old} → {new} token）",
    "{what} (exit code {code}).": "{what}（退出代码 {code}）。",
    "The engine ran out of memory": "引擎内存不足",
    "{first} {rest}": "{first}{rest}",
}


def to_zh(template: str) -> str:
    return ZH.get(template, template)


def test_str_is_the_english_sentence_with_its_parameters() -> None:
    note = msg("context reduced from {old} to {new} tokens to fit in memory", old=8192, new=4096)
    assert str(note) == "context reduced from 8192 to 4096 tokens to fit in memory"
    assert f"note: {note}" == "note: context reduced from 8192 to 4096 tokens to fit in memory"
    assert str(msg("needs about {ram:.1f} GB", ram=7.25)) == "needs about 7.2 GB"  # format specs apply
    assert render("plain text", to_zh) == "plain text"  # plain strings pass through untouched


def test_nested_messages_are_translated_too() -> None:
    change = msg("smaller context ({old} → {new} tokens)", old=8192, new=4096)
    reason = msg("{what} (exit code {code}).", what=msg("The engine ran out of memory"), code=-9)
    step = msg("Loading failed: {reason} Trying again with {change}.", reason=reason, change=change)
    assert str(step) == (
        "Loading failed: The engine ran out of memory (exit code -9). Trying again with smaller context "
        "(8192 → 4096 tokens)."
    )
    assert step.render(to_zh) == "加载失败：引擎内存不足（退出代码 -9）。现改用更小的上下文（8192 → 4096 token）重试。"


def test_a_broken_translation_falls_back_to_english() -> None:
    note = msg("context reduced from {old} to {new} tokens to fit in memory", old=8192, new=4096)
    english_text = str(note)
    # An unbalanced brace or a format spec that does not suit the value must not turn a message into an error.
    assert note.render(lambda t: "上下文从 {old 减少") == english_text
    assert note.render(lambda t: "上下文从 {old:.1f} 减少到 {new:%Y} token") == english_text
    # A misspelt field is shown as it is (the rest of the sentence still reads), never raises.
    assert note.render(lambda t: "上下文从 {olt} 减少到 {new} token") == "上下文从 {olt} 减少到 4096 token"
    # A template whose own English is broken is shown as written rather than raising.
    assert str(msg("value {x:.1f}", x="text")) == "value {x:.1f}"


def test_to_json_and_back() -> None:
    inner = msg("{path} does not exist", path=Path("/models/x.gguf"))
    outer = msg("part {part}: {problem}", part="x-00001-of-00002.gguf", problem=inner)
    data = json.loads(json.dumps(outer.to_json()))  # paths become text: the document is plain JSON
    assert data["text"] == "part x-00001-of-00002.gguf: /models/x.gguf does not exist"
    assert data["template"] == "part {part}: {problem}"
    assert data["params"]["problem"]["template"] == "{path} does not exist"
    again = Message.from_json(data)
    assert str(again) == str(outer)
    assert again.params["problem"] == msg("{path} does not exist", path="/models/x.gguf")
    with pytest.raises(ValueError):
        Message.from_json({"text": "no template"})


def test_message_is_an_immutable_value() -> None:
    a = msg("{n} of {total} layers on the GPU; the rest run on the CPU", n=10, total=33)
    assert a == msg("{n} of {total} layers on the GPU; the rest run on the CPU", n=10, total=33)
    assert a != msg("{n} of {total} layers on the GPU; the rest run on the CPU", n=11, total=33)
    assert a != str(a)
    with pytest.raises(AttributeError):
        a.template = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        a.params["n"] = 3  # type: ignore[index]
    assert copy.deepcopy(a) is a and pickle.loads(pickle.dumps(a)) == a
    assert repr(a) == "msg('{n} of {total} layers on the GPU; the rest run on the CPU', n=10, total=33)"


@dataclass
class _Record:
    missing: dict[str, Text] = field(default_factory=dict)
    notes: list[Text] = field(default_factory=list)


def test_asdict_keeps_messages_whole_and_english_makes_json() -> None:
    reason = msg("could not read free space ({kind}: {error})", kind="OSError", error="busy")
    record = _Record({"free_bytes": reason, "other": "plain"}, [msg("psutil is not available")])
    data = asdict(record)
    assert data["missing"]["free_bytes"] is reason  # not taken apart into template/params
    assert json.loads(json.dumps(english(data))) == {
        "missing": {"free_bytes": "could not read free space (OSError: busy)", "other": "plain"},
        "notes": ["psutil is not available"],
    }


def test_errors_carry_the_message_and_speak_english_to_the_cli() -> None:
    error = UserInputError(msg("{path} is not a folder.", path="/nope"))
    assert str(error) == "/nope is not a folder."
    assert error.message == msg("{path} is not a folder.", path="/nope")
    assert text_of(error) is error.message
    assert text_of(ModelNestError("plain words")) == "plain words"  # no Message: its text
    assert text_of(ValueError("bad")) == "bad"
    oom = EngineOutOfMemory(msg("The engine ran out of memory"), advice=msg("Load the model again."))
    assert str(oom) == "The engine ran out of memory Load the model again."
    assert isinstance(oom.message, Message) and oom.message.params["advice"] == msg("Load the model again.")


def test_sentences_join_and_translate() -> None:
    items: list[Text] = [msg("The engine ran out of memory"), "Second."]
    joined = sentences(items)
    assert str(joined) == "The engine ran out of memory Second."
    assert render(joined, to_zh) == "引擎内存不足Second."
    assert sentences([]) == "" and sentences(["only"]) == "only"


def test_format_specs_apply_to_the_english_text() -> None:
    assert f"{msg('not detected'):>14}|" == "  not detected|"
    assert str(msg("[{reason:<6}]", reason=msg("gone"))) == "[gone  ]"  # a nested message takes a spec too
