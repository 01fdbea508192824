"""Messages core builds for people (planner notes, crash explanations, download errors), translatable by the GUI.

Core never imports Qt, yet the Chinese UI must show a planner note or a crash explanation in Chinese. We follow
gettext's convention: the English template is the key. Core writes ``msg("context reduced from {old} to {new}
tokens", old=8192, new=4096)``; ``str()`` of it is the English sentence (the CLI, logs, JSON); the GUI looks the
template up in the "core" translation context and fills in the same parameters (``modelnest.gui.i18n.tr``).

Rules for templates, checked by tests/gui/test_translations.py:
- the first argument of ``msg`` is a string literal (the extractor reads it from the source, like xgettext);
- parameters are numbers, names, paths or other ``Message`` objects, never English words to splice into a
  sentence (write two messages instead), so the translator sees whole sentences;
- placeholders use str.format syntax (``{name}``, ``{value:.1f}``) and are kept as they are in translations.

``scripts/update_translations.sh`` collects every template into ``gui/core_messages.py`` (as QT_TRANSLATE_NOOP
entries, so Qt Linguist's lupdate sees them) and from there into the .ts files.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

__all__ = ["CONTEXT", "Message", "Text", "english", "msg", "render", "sentences", "text_of"]

CONTEXT = "core"  # the Qt translation context of every core message


class Message:
    """An English ``template`` with named ``params``; ``str()`` renders it in English. Immutable.

    Deliberately not a dataclass: ``dataclasses.asdict`` of a record holding messages (a hardware snapshot, a
    plan) would take a dataclass Message apart into a dict; as an opaque value it is copied whole, and
    ``english()`` turns it into text for JSON.
    """

    __slots__ = ("_params", "_template")
    _template: str  # annotations only (no class attribute), so the checker knows the slots' types
    _params: Mapping[str, Any]

    def __init__(self, template: str, params: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_template", template)
        object.__setattr__(self, "_params", MappingProxyType(dict(params or {})))

    @property
    def template(self) -> str:
        return self._template

    @property
    def params(self) -> Mapping[str, Any]:
        return self._params

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Message is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return self._template == other._template and dict(self._params) == dict(other._params)

    __hash__ = None  # type: ignore[assignment]  # equal by value, parameters may be unhashable

    def __repr__(self) -> str:
        return f"msg({self._template!r}{''.join(f', {k}={v!r}' for k, v in self._params.items())})"

    def __copy__(self) -> Message:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Message:
        return self  # immutable (its parameters are numbers, names, paths and other messages)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self._template, dict(self._params)))

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        """The sentence, with ``translate`` (template → translated template) applied to it and to nested messages."""
        return render(self, translate)

    def __str__(self) -> str:
        return render(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)  # f"{note:<40}" pads the English text, as it did when notes were str

    def to_json(self) -> dict[str, Any]:
        """The id and parameters for machine-readable output (``--json``, the engine pipe), plus the English text.

        Parameters that JSON cannot hold (paths, ...) become their ``str``."""
        return {
            "text": str(self),
            "template": self.template,
            "params": {k: _json_param(v) for k, v in self.params.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        """The Message ``to_json`` described (nested messages included); raises ValueError if it is not one."""
        template = data.get("template")
        params = data.get("params", {})
        if not isinstance(template, str) or not isinstance(params, Mapping):
            raise ValueError("not a message")
        return cls(template, {
            k: cls.from_json(v) if isinstance(v, Mapping) and "template" in v else v for k, v in params.items()
        })


def sentences(items: Sequence[Text]) -> Text:
    """Several sentences shown as one text: nested pairs of ``"{first} {rest}"`` (the translation may drop the
    space, as Chinese does). Empty gives ""."""
    if not items:
        return ""
    joined = items[-1]
    for item in reversed(items[:-1]):
        joined = msg("{first} {rest}", first=item, rest=joined)
    return joined


def english(value: Any) -> Any:
    """``value`` with every Message in it (in dicts, lists, tuples) replaced by its English text, for JSON."""
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, Mapping):
        return {k: english(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [english(v) for v in value]
    return value


def _json_param(value: Any) -> Any:
    if isinstance(value, Message):
        return value.to_json()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


Text = Message | str  # what an API that shows text to people accepts and returns


def msg(template: str, /, **params: Any) -> Message:
    """A translatable message; ``template`` must be a literal (see the module docstring)."""
    return Message(template, params)


class _Lenient(string.Formatter):
    """str.format that leaves an unknown or malformed field visible instead of raising.

    A translation with a typo in a placeholder must never turn an error dialog into a second error.
    """

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str) and key in kwargs:
            return kwargs[key]
        return "{" + str(key) + "}"


_FORMATTER = _Lenient()


def render(text: Text, translate: Callable[[str], str] | None = None) -> str:
    """A Message (or plain text) as a sentence, translated when ``translate`` is given."""
    if not isinstance(text, Message):
        return text
    template = translate(text.template) if translate is not None else text.template
    params = {k: render(v, translate) if isinstance(v, Message) else v for k, v in text.params.items()}
    try:
        return _FORMATTER.vformat(template, (), params)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        if translate is not None:  # a broken translation: fall back to the English template
            return render(text)
        return template


def text_of(value: object) -> Text:
    """The Message an exception (or anything) carries for people, else its plain ``str``."""
    message = getattr(value, "message", None)
    if isinstance(message, Message):
        return message
    if isinstance(value, Message):
        return value
    return str(value)
