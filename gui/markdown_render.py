"""Markdown to Qt rich-text HTML for finished chat messages, with Pygments-highlighted code blocks.

Model output is untrusted: raw HTML and images are not interpreted (shown as text), so a reply can never
make the text browser load a local file. Fenced code blocks are cut out first (a small line-based
splitter, so each block's exact source is known for its Copy link) and highlighted with inline styles,
because Qt's rich text supports inline colours but not stylesheets with classes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import markdown
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name, guess_lexer
from pygments.util import ClassNotFound

__all__ = ["Rendered", "render_markdown", "split_fences"]

_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[^\s`]*)[^`]*$")
_CODE_STYLE = "background-color:#f4f5f7; font-family:monospace; white-space:pre; margin:2px 0px;"
_FORMATTER = HtmlFormatter(noclasses=True, nowrap=True, style="friendly")


@dataclass
class Rendered:
    """The HTML to insert and the source of every code block, in order (what the Copy links copy)."""

    html: str
    code_blocks: list[str] = field(default_factory=list)


def split_fences(text: str) -> list[tuple[str, str, str | None]]:
    """Split into ("prose", text, None) and ("code", source, language) parts; an unclosed fence runs to the end."""
    parts: list[tuple[str, str, str | None]] = []
    prose: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m is None:
            prose.append(lines[i])
            i += 1
            continue
        fence = m["fence"]
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        i += 1
        while i < len(lines) and not closing.match(lines[i]):
            body.append(lines[i])
            i += 1
        i += 1  # the closing fence (or past the end)
        if prose:
            parts.append(("prose", "\n".join(prose), None))
            prose = []
        parts.append(("code", "\n".join(body), m["lang"] or None))
    if prose:
        parts.append(("prose", "\n".join(prose), None))
    return parts


def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["tables", "sane_lists"])
    # Untrusted text: no raw HTML (escaped instead) and no images (could point at local files).
    md.preprocessors.deregister("html_block")
    for pattern in ("html", "image_link", "image_reference", "short_image_ref"):
        if pattern in md.inlinePatterns:
            md.inlinePatterns.deregister(pattern)
    return md


_MD = _markdown()


def _highlight(code: str, language: str | None) -> str:
    try:
        lexer = get_lexer_by_name(language) if language else guess_lexer(code) if code.strip() else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    if len(code) > 200_000:  # highlighting huge blocks costs seconds; plain text is enough
        lexer = TextLexer()
    return highlight(code, lexer, _FORMATTER).rstrip("\n")


def render_markdown(
    text: str, copy_link: Callable[[int], str] | None = None, copy_label: str = "Copy code"
) -> Rendered:
    """Render `text`; `copy_link(i)` gives the href of code block i's Copy link (no links when None)."""
    out: list[str] = []
    blocks: list[str] = []
    for kind, body, language in split_fences(text):
        if kind == "prose":
            if body.strip():
                _MD.reset()
                out.append(_MD.convert(body))
            continue
        index = len(blocks)
        blocks.append(body)
        header = html.escape(language or "")
        if copy_link is not None:
            link = f'<a href="{html.escape(copy_link(index))}">{html.escape(copy_label)}</a>'
            header = f"{header}&nbsp;&nbsp;{link}" if header else link
        if header:
            out.append(f'<p style="margin:4px 0px 0px 0px; color:#666666; font-size:small;">{header}</p>')
        out.append(f'<pre style="{_CODE_STYLE}">{_highlight(body, language)}</pre>')
    return Rendered("\n".join(out), blocks)
