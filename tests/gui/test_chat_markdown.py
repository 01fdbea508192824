"""Markdown rendering of finished replies: untrusted text stays text, code blocks are exact and highlighted."""

from __future__ import annotations

from modelnest.gui.markdown_render import render_markdown, split_fences


def test_fences_split_exactly_including_an_unclosed_one() -> None:
    text = "intro\n```py\na = 1\n\nb = 2\n```\nmiddle\n~~~~\nraw ``` inside\n~~~~\nend\n```js\nlet x"
    assert split_fences(text) == [
        ("prose", "intro", None),
        ("code", "a = 1\n\nb = 2", "py"),
        ("prose", "middle", None),
        ("code", "raw ``` inside", None),
        ("prose", "end", None),
        ("code", "let x", "js"),  # still streaming when cut: runs to the end
    ]


def test_code_blocks_get_copy_links_and_inline_colours() -> None:
    rendered = render_markdown("Text\n\n```python\ndef f():\n    return 1\n```\n\n```nosuchlang\nplain <b>\n```",
                               copy_link=lambda i: f"code:7:{i}", copy_label="Copy code")
    assert rendered.code_blocks == ["def f():\n    return 1", "plain <b>"]
    assert 'href="code:7:0"' in rendered.html and 'href="code:7:1"' in rendered.html
    assert "style=" in rendered.html and "class=" not in rendered.html  # Qt rich text needs inline styles
    assert "plain &lt;b&gt;" in rendered.html  # unknown language: shown as escaped plain text


def test_raw_html_and_images_from_the_model_are_not_interpreted() -> None:
    html = render_markdown("<script>alert(1)</script>\n\n<div onclick='x'>hi</div> ![pic](file:///etc/passwd) "
                           "**bold** `a<b>`").html
    assert "<script" not in html and "<div" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "<strong>bold</strong>" in html and "<code>a&lt;b&gt;</code>" in html


def test_tables_and_lists_render() -> None:
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two").html
    assert "<table>" in html and "<li>one</li>" in html
