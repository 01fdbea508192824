"""The window at its default size (1200x780), in English and Chinese: nothing grows it, nothing scrolls sideways,
the Download button is in view, and no label in the chat's model panel is cut off.

Real window, real pages, the real engine for the streamed reply (a tiny real GGUF), on a recorded CPU-only desktop.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from support.processes import gone

from modelnest.core import paths
from modelnest.core.catalogue.library import Location
from modelnest.gui import i18n
from modelnest.gui.app import build_main_window
from modelnest.gui.catalogue import CatalogueView
from modelnest.gui.catalogue.curated import HIDDEN_BY_DEFAULT
from modelnest.gui.catalogue.model import COLUMNS
from modelnest.gui.chat import ChatPage
from modelnest.gui.context import AppContext
from modelnest.gui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

DEFAULT = QSize(1200, 780)
LONGEST = "qwen2.5-coder-14b-instruct"  # a long name, so a long Download label


@pytest.fixture
def window(qtbot: QtBot, app_context: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           tiny_model: Path) -> Iterator[MainWindow]:
    monkeypatch.setattr("modelnest.core.catalogue.library.default_locations", lambda **_kw: [
        Location("lmstudio", tmp_path / "no-lmstudio")])
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    ours = paths.models_dir() / "Qwen__Qwen2.5-Coder-14B-Instruct-GGUF" / "qwen2.5-coder-14b-instruct-q4_k_m.gguf"
    ours.parent.mkdir(parents=True)
    shutil.copyfile(tiny_model, ours)
    w = build_main_window(app_context)
    qtbot.addWidget(w)
    w.show()
    chat: ChatPage = w.page("chat")  # type: ignore[assignment]
    yield w
    pid = chat.controller.engine_pid()
    w.page("downloads").shutdown()  # type: ignore[attr-defined]
    chat.shutdown()
    if pid is not None:
        assert gone(pid), "engine process left behind"


def settle() -> None:
    """Let posted layout requests run (no waiting on time: the queue is drained)."""
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def clipped_labels(root: QWidget) -> list[str]:
    """Visible labels given less room than their text needs (a wrapped one: less height than it asks at its width)."""
    out = []
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or not label.text():
            continue
        if label.wordWrap():
            short = label.height() < label.heightForWidth(label.width())
        else:
            need = label.minimumSizeHint()
            short = label.width() < need.width() or label.height() < need.height()
        if short:
            out.append(f"{label.objectName() or label.text()[:40]!r} {label.size().toTuple()}")
    return out


def check_every_page(qtbot: QtBot, w: MainWindow) -> None:
    catalogue: CatalogueView = w.page("catalogue")  # type: ignore[assignment]
    chat: ChatPage = w.page("chat")  # type: ignore[assignment]
    for key in ("hardware", "catalogue", "downloads", "chat"):
        w.show_page(key)
        settle()
        assert w.size() == DEFAULT, key
    w.show_page("catalogue")
    qtbot.waitUntil(lambda: catalogue.plans_applied >= 1 and bool(catalogue.downloaded), timeout=30_000)
    catalogue.tabs.setCurrentWidget(catalogue.curated)
    assert catalogue.select_model(LONGEST)
    settle()
    table = catalogue.curated.view
    assert table.horizontalScrollBar().maximum() == 0, "the catalogue table needs a sideways scroll"
    shown = [COLUMNS[c] for c in range(len(COLUMNS)) if not table.isColumnHidden(c)]
    assert set(shown) == set(COLUMNS) - HIDDEN_BY_DEFAULT
    for col in range(1, len(COLUMNS)):  # every shown column as wide as its header text (the name may elide)
        if not table.isColumnHidden(col):
            header = str(catalogue.curated.table.headerData(col, Qt.Orientation.Horizontal))
            assert table.columnWidth(col) >= table.fontMetrics().horizontalAdvance(header), header
    # The recommendation panel: three picks with their Show buttons in view, no label cut off, the why-not line.
    qtbot.waitUntil(lambda: catalogue.recommendations_shown >= 1, timeout=30_000)
    settle()
    panel = catalogue.recommend_panel
    assert len(panel.picks()) == 3
    assert not clipped_labels(panel), clipped_labels(panel)
    for i in range(3):
        button = panel.show_buttons[i]
        assert button.isVisible() and panel.name_labels[i].isVisible() and panel.why_labels[i].isVisible()
        assert button.mapTo(w, QPoint(button.width(), button.height())).x() <= w.width()
        why = panel.why_labels[i]
        assert why.height() <= 2 * why.fontMetrics().lineSpacing() + 4, why.text()  # one line, two at most
    assert panel.use_combo.isVisible() and panel.min_tps.isVisible()
    assert panel.why_not_label.isVisible()
    assert catalogue.tabs.geometry().height() > 420  # the list keeps most of the page
    detail = catalogue.curated.detail
    for button in (detail.download_button, detail.chat_button):
        assert button.isVisible(), button.objectName()
        bottom = button.mapTo(w, QPoint(0, button.height()))
        assert 0 < bottom.y() <= w.height() and button.mapTo(w, QPoint(button.width(), 0)).x() <= w.width()
    assert "Qwen2.5 Coder 14B" in detail.download_button.text()  # the whole label, elided on screen only
    assert w.size() == DEFAULT
    # "On this computer": its table fits too, with the row's buttons in view.
    catalogue.tabs.setCurrentWidget(catalogue.library)
    catalogue.library.scan()
    qtbot.waitUntil(lambda: catalogue.library.library_scan.isEnabled()
                    and catalogue.library.library_table.rowCount() == 1, timeout=20_000)
    settle()
    assert catalogue.library.library_table.horizontalScrollBar().maximum() == 0
    assert w.size() == DEFAULT
    w.show_page("chat")
    qtbot.waitUntil(lambda: chat.panel.memory_bar.isVisibleTo(chat.panel), timeout=20_000)
    settle()
    legend = chat.panel.memory_bar.findChild(QLabel, "memory_legend")
    assert legend is not None and legend.text().count("<br>") == 3  # four items, one line each
    assert not clipped_labels(chat.panel), clipped_labels(chat.panel)
    assert w.size() == DEFAULT


def test_english_and_chinese_fit_the_default_window(qtbot: QtBot, window: MainWindow, chinese_ready: Path) -> None:
    assert window.size() == DEFAULT
    check_every_page(qtbot, window)
    app = QApplication.instance()
    assert app is not None
    i18n.install_translator(app, "zh_CN")
    settle()
    assert window.page_title("chat") != "Chat"  # really in Chinese now
    check_every_page(qtbot, window)


def test_the_window_never_grows_while_a_reply_streams(qtbot: QtBot, window: MainWindow, chinese_ready: Path) -> None:
    app = QApplication.instance()
    assert app is not None
    i18n.install_translator(app, "zh_CN")  # the longer labels
    chat: ChatPage = window.page("chat")  # type: ignore[assignment]
    window.show_page("chat")
    chat.panel.threads.setValue(2)
    chat.panel.max_tokens.setValue(400)
    chat.panel.ignore_eos = True  # a long reply of known length
    path = str(next(paths.models_dir().rglob("*.gguf")))
    with qtbot.waitSignal(chat.controller.model_loaded, timeout=60_000):
        chat.chat_with(path)
    sizes: list[QSize] = []
    chat.controller.reply_delta.connect(lambda _e: sizes.append(window.size()))
    chat.input.setPlainText("一个很长的问题 " * 40)
    with qtbot.waitSignal(chat.controller.reply_finished, timeout=60_000):
        qtbot.mouseClick(chat.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not chat.controller.busy, timeout=60_000)
    settle()
    assert len(sizes) > 3  # streamed in several batches
    assert set(sizes) == {DEFAULT} and window.size() == DEFAULT
    for key in ("catalogue", "downloads", "hardware", "chat"):
        window.show_page(key)
        settle()
        assert window.size() == DEFAULT, key


def test_hidden_columns_come_back_from_the_header_menu(qtbot: QtBot, window: MainWindow) -> None:
    catalogue: CatalogueView = window.page("catalogue")  # type: ignore[assignment]
    curated = catalogue.curated
    menu = curated.column_menu()
    actions = {a.data(): a for a in menu.actions()}
    assert set(actions) == set(COLUMNS) - {"model"}  # the name column cannot be hidden
    assert {k for k, a in actions.items() if not a.isChecked()} == HIDDEN_BY_DEFAULT
    assert actions["license"].text() == str(curated.table.headerData(COLUMNS.index("license"),
                                                                      Qt.Orientation.Horizontal))
    actions["license"].trigger()
    assert not curated.view.isColumnHidden(COLUMNS.index("license"))
    actions["speed"].trigger()
    assert curated.view.isColumnHidden(COLUMNS.index("speed"))
    assert {a.data() for a in curated.column_menu().actions() if not a.isChecked()} == (
        HIDDEN_BY_DEFAULT - {"license"}) | {"speed"}
    assert window.size() == DEFAULT
