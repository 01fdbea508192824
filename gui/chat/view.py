"""The conversation view: one QTextBrowser document holding every message, streamed text appended at its end.

Why one document (and not one widget per message): a conversation of hundreds of messages stays one
light widget, and appending a batch of streamed text is an insertion at the end of the document whose
cost does not depend on what comes before it. A finished message is rendered once (Markdown + Pygments,
cached by id and last change) and replaces only its own range of the document.
Actions are links inside the document (copy:ID, code:ID:N, edit:ID, delete:ID, alt:ID, retry:ID) handled here;
alt:ID shows another reply of the same group (< 2/3 >). Their words, the
role names and the stats lines are in the UI language: on a language change the cache is dropped and the
conversation is rendered again (a reply being streamed keeps streaming).
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QEvent, QUrl, Signal, Slot
from PySide6.QtGui import QGuiApplication, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QWidget

from modelnest.core.chat.history import Message
from modelnest.core.chat.stats import reply_error, reply_stats_line
from modelnest.gui.chat.compat import emit
from modelnest.gui.i18n import tr_text

__all__ = ["ChatView"]

_ROLE_COLORS = {"user": "#1f5fa8", "assistant": "#2d7d46", "system": "#8a6d00"}


class ChatView(QTextBrowser):
    """Shows one conversation; widgets outside call show_conversation / begin/append/finish_streaming."""

    edit_requested = Signal(int)  # message id of a message of the user's
    delete_requested = Signal(int)  # message id
    alternative_requested = Signal(int)  # id of the alternative reply to show instead
    retry_requested = Signal(int)  # message id of an interrupted / failed last reply
    copied = Signal(str)  # what was put on the clipboard

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chat_view")
        self.setOpenLinks(False)  # model output may contain links; nothing is opened from here
        self.setOpenExternalLinks(False)
        self.document().setUndoRedoEnabled(False)  # an undo stack would grow with every streamed batch
        self.document().setDocumentMargin(10)
        self.anchorClicked.connect(self._on_anchor)
        self._messages: dict[int, Message] = {}
        self._order: list[int] = []
        self._code: dict[int, list[str]] = {}
        self._cache: dict[int, tuple[float, str, str, list[str]]] = {}
        self._stream_id: int | None = None
        self._stream_start = 0
        self._stream_parts: list[str] = []
        self._plain = QTextCharFormat()
        self.render_seconds = 0.0  # time of the last Markdown render (benchmarks, diagnostics)

    # ---- what tests and the page read -------------------------------------------------------------------
    @property
    def streaming_id(self) -> int | None:
        return self._stream_id

    def streamed_text(self) -> str:
        """Everything shown so far of the reply being streamed."""
        return "".join(self._stream_parts)

    def message_ids(self) -> list[int]:
        return list(self._order)

    def message(self, message_id: int) -> Message:
        return self._messages[message_id]

    def code_blocks(self, message_id: int) -> list[str]:
        return list(self._code.get(message_id, []))

    # ---- rendering ----------------------------------------------------------------------------------------
    def _header(self, m: Message, last: bool) -> str:
        role = {"user": self.tr("You"), "assistant": self.tr("Assistant"), "system": self.tr("Note")}[m.role]
        copy, edit = self.tr("Copy"), self.tr("Edit")  # outside f-strings: lupdate does not look inside them
        delete = self.tr("Delete")
        links = [f'<a href="copy:{m.id}">{html.escape(copy)}</a>']
        if m.role == "user" and m.status == "complete":
            links.append(f'<a href="edit:{m.id}">{html.escape(edit)}</a>')
        if m.status != "streaming":
            links.append(f'<a href="delete:{m.id}">{html.escape(delete)}</a>')
        if len(m.alternatives) > 1 and m.id in m.alternatives:
            i = m.alternatives.index(m.id)
            # &lsaquo; / &rsaquo;: the single angle quotes, a link when there is a reply that way
            back = f'<a href="alt:{m.alternatives[i - 1]}">&lsaquo;</a>' if i > 0 else "&lsaquo;"
            ahead = (f'<a href="alt:{m.alternatives[i + 1]}">&rsaquo;</a>' if i + 1 < len(m.alternatives)
                     else "&rsaquo;")
            links.append(f"{back} {i + 1}/{len(m.alternatives)} {ahead}")
        color = _ROLE_COLORS.get(m.role, "#333333")
        return (f'<p style="margin-top:12px;"><b style="color:{color};">{html.escape(role)}</b>'
                f'&nbsp;&nbsp;<span style="font-size:small;">{"&nbsp;&nbsp;".join(links)}</span></p>')

    def _footer(self, m: Message, last: bool) -> str:
        parts: list[str] = []
        if m.status == "stopped":
            parts.append(self.tr("Stopped."))
        elif m.status == "interrupted":
            parts.append(self.tr("Interrupted: the engine stopped before this reply was finished."))
        elif m.status == "error":
            error = reply_error(m.stats)  # the stored Message when there is one, so it is shown translated
            parts.append(self.tr("Error: {0}").format(html.escape(tr_text(error))) if error else self.tr("Error."))
        if m.status in ("interrupted", "error", "stopped") and last and m.role == "assistant":
            retry = self.tr("Retry")
            parts.append(f'<a href="retry:{m.id}">{html.escape(retry)}</a>')
        stats = self.stats_text(m)
        if stats:
            parts.append(html.escape(stats))
        if m.damaged:
            parts.append(html.escape(" ".join(tr_text(p) for p in m.problems)))
        if not parts:
            return ""
        return f'<p style="color:#777777; font-size:small;">{" · ".join(parts)}</p>'

    def stats_text(self, m: Message) -> str:
        """TTFT, prefill and decode speed, and the settings used, in one line (core words it; shown translated)."""
        line = reply_stats_line(m.stats)
        return tr_text(line) if line is not None else ""

    def _message_html(self, m: Message, last: bool) -> str:
        cached = self._cache.get(m.id)
        key = f"{m.status}:{int(last)}:{m.alternatives}"
        if cached is not None and cached[0] == m.updated and cached[1] == key:
            self._code[m.id] = cached[3]
            return cached[2]
        started = time.perf_counter()
        if m.role == "assistant":
            # Imported on first use: Markdown + Pygments cost ~0.3 s of start-up otherwise.
            from modelnest.gui.markdown_render import render_markdown

            mid = m.id
            rendered = render_markdown(m.content, lambda i: f"code:{mid}:{i}", self.tr("Copy code"))
            body, blocks = rendered.html, rendered.code_blocks
        else:  # what the user typed is shown as typed
            body = "<p>" + html.escape(m.content).replace("\n", "<br/>") + "</p>"
            blocks = []
        self.render_seconds = time.perf_counter() - started
        out = self._header(m, last) + body + self._footer(m, last)
        self._cache[m.id] = (m.updated, key, out, blocks)
        self._code[m.id] = blocks
        return out

    def show_conversation(self, messages: Sequence[Message]) -> None:
        """Replace the document with these messages; a ``streaming`` last one continues as the stream."""
        self._messages = {m.id: m for m in messages}
        self._order = [m.id for m in messages]
        self._code = {}
        self._stream_id = None
        self._stream_parts = []
        finished = [m for m in messages if m.status != "streaming"]
        last_id = messages[-1].id if messages else None
        last_user_id = next((m.id for m in reversed(messages) if m.role == "user"), None)
        # "last" gives a message its actions: Edit on the last message of the user's, Retry on the final reply.
        self.setHtml("".join(self._message_html(m, m.id == (last_user_id if m.role == "user" else last_id))
                             for m in finished))
        streaming = [m for m in messages if m.status == "streaming"]
        if streaming:
            self.begin_streaming(streaming[-1], add=False)
            if streaming[-1].content:
                self.append_stream(streaming[-1].content)
        self._scroll_to_end()

    def append_message(self, m: Message) -> None:
        """Add one finished message at the end (the user's message when a turn starts)."""
        if self._order:  # an earlier message loses its Edit link (a newer user message) or its Retry link
            prev = self._messages[self._order[-1]]
            earlier_user = m.role == "user" and any(self._messages[i].role == "user" for i in self._order)
            if earlier_user or prev.status != "complete":
                self.show_conversation([*(self._messages[i] for i in self._order), m])
                return
        self._messages[m.id] = m
        self._order.append(m.id)
        cursor = self._end_cursor()
        cursor.insertHtml(self._message_html(m, True))
        self._scroll_to_end()

    def begin_streaming(self, m: Message, *, add: bool = True) -> None:
        if add:
            self._messages[m.id] = m
            self._order.append(m.id)
        self._stream_id = m.id
        self._stream_parts = []
        cursor = self._end_cursor()
        self._stream_start = cursor.position()
        cursor.insertHtml(self._header(m, True))
        cursor.insertBlock(QTextBlockFormat(), self._plain)
        self._cursor = cursor
        self._scroll_to_end()

    def append_stream(self, text: str) -> None:
        """Plain-text insertion at the end: constant cost per batch whatever the conversation's length."""
        if self._stream_id is None or not text:
            return
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        self._stream_parts.append(text)
        self._cursor.insertText(text, self._plain)
        if at_end:
            bar.setValue(bar.maximum())

    def finish_streaming(self, m: Message) -> None:
        """Render the finished reply (Markdown) in place of its streamed plain text."""
        if self._stream_id != m.id:
            return
        self._messages[m.id] = m
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._stream_start)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        cursor.insertHtml(self._message_html(m, m.id == self._order[-1]))
        self._stream_id = None
        self._stream_parts = []
        self._scroll_to_end()

    def _end_cursor(self) -> QTextCursor:
        """A cursor at the start of a fresh, plain block at the end of the document."""
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if not self.document().isEmpty():
            cursor.insertBlock(QTextBlockFormat(), self._plain)
        return cursor

    def _scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    # ---- language -----------------------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and self._order:
            self.rerender()

    def rerender(self) -> None:
        """Render every message again (new language); a reply being streamed continues with what it showed."""
        self._cache.clear()
        messages = [self._messages[i] for i in self._order]
        if self._stream_id is not None:
            streamed = self.streamed_text()
            messages = [replace(m, content=streamed, status="streaming") if m.id == self._stream_id else m
                        for m in messages]
        self.show_conversation(messages)

    # ---- links ----------------------------------------------------------------------------------------------
    def copy_message(self, message_id: int) -> str:
        if message_id == self._stream_id:
            text = self.streamed_text()
        else:
            text = self._messages[message_id].content
        self._copy(text)
        return text

    def copy_code(self, message_id: int, index: int) -> str:
        text = self._code[message_id][index]
        self._copy(text)
        return text

    def _copy(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        emit(self.copied, text)

    @Slot(QUrl)
    def _on_anchor(self, url: QUrl) -> None:
        kind, _, rest = url.toString().partition(":")
        try:
            if kind == "copy":
                self.copy_message(int(rest))
            elif kind == "code":
                mid, _, index = rest.partition(":")
                self.copy_code(int(mid), int(index))
            elif kind == "edit":
                emit(self.edit_requested, int(rest))
            elif kind == "delete":
                emit(self.delete_requested, int(rest))
            elif kind == "alt":
                emit(self.alternative_requested, int(rest))
            elif kind == "retry":
                emit(self.retry_requested, int(rest))
        except (ValueError, KeyError, IndexError):
            pass  # a link from the model's own text, or a message no longer shown: ignore
