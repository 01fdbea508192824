"""From a model to a chat, in the window users get: download from the local hub server, chat from a finished
download, from the catalogue detail and from every "On this computer" row, and delete with confirmation.

Real widgets, the real engine process with a tiny real GGUF, real HTTP on 127.0.0.1. The only stand-ins are at the
machine's edge: the folders other apps keep models in (a test folder plays LM Studio's) and the file manager
("Show in folder" records the URL it would open).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot
from support.hub_server import HubServer
from support.processes import gone

from modelnest.core import paths
from modelnest.core.catalogue.library import Location
from modelnest.gui.app import build_main_window
from modelnest.gui.catalogue import CatalogueView
from modelnest.gui.chat import ChatPage
from modelnest.gui.context import AppContext
from modelnest.gui.downloads_panel import DownloadsPanel
from modelnest.gui.main_window import MainWindow
from modelnest.gui.model_delete import ModelDeleter

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

QWEN = "Qwen/Qwen2.5-0.5B-Instruct-GGUF"  # a bundled catalogue entry, hosted here with the tiny model's bytes
QWEN_FILE = "qwen2.5-0.5b-instruct-q4_k_m.gguf"
LOAD_TIMEOUT = 60_000


@pytest.fixture
def other_apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """LM Studio's models folder is a test folder; no Hugging Face cache (the host's own is never scanned)."""
    lmstudio = tmp_path / "lmstudio-models"
    lmstudio.mkdir()
    monkeypatch.setattr("modelnest.core.catalogue.library.default_locations",
                        lambda **_kw: [Location("lmstudio", lmstudio)])
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    return lmstudio


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("modelnest.core.download.hub.METADATA_RETRY_DELAY", 0.01)
    with HubServer(tmp_path / "hub-files") as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        yield server


@pytest.fixture
def window(qtbot: QtBot, app_context: AppContext, other_apps: Path) -> Iterator[MainWindow]:
    w = build_main_window(app_context)
    qtbot.addWidget(w)
    w.show()
    chat = pages(w)[2]
    chat.panel.threads.setValue(2)
    yield w
    pid = chat.controller.engine_pid()
    pages(w)[1].shutdown()
    chat.shutdown()
    if pid is not None:
        assert gone(pid), "engine process left behind"


def pages(w: MainWindow) -> tuple[CatalogueView, DownloadsPanel, ChatPage]:
    return w.page("catalogue"), w.page("downloads"), w.page("chat")  # type: ignore[return-value]


def combo_items(chat: ChatPage) -> dict[str, str]:
    combo = chat.panel.model_combo
    return {combo.itemText(i): combo.itemData(i) for i in range(combo.count())}


def named_in_chat(qtbot: QtBot, chat: ChatPage, label: str) -> str:
    """The path Chat's list shows as ``label`` once the headers are read (file-name names come first, at once)."""
    qtbot.waitUntil(lambda: label in combo_items(chat), timeout=10_000)
    return combo_items(chat)[label]


def loaded_path(qtbot: QtBot, chat: ChatPage) -> str:
    qtbot.waitUntil(lambda: chat.controller.report is not None and not chat.controller.loading,
                    timeout=LOAD_TIMEOUT)
    assert chat.controller.report is not None
    return str(chat.controller.report.path)


def test_a_download_is_in_chat_at_once_and_one_click_from_a_reply(
    qtbot: QtBot, window: MainWindow, hub: HubServer, tiny_model: Path
) -> None:
    catalogue, downloads, chat = pages(window)
    hub.add_file(QWEN, QWEN_FILE, path=tiny_model)
    assert "tiny-random-llama · Q4_K_M" not in combo_items(chat)
    qtbot.waitUntil(lambda: catalogue.plans_applied >= 1, timeout=30_000)
    assert catalogue.select_model("qwen2.5-0.5b-instruct")
    detail = catalogue.curated.detail
    assert detail.chat_button.isHidden()  # nothing of this model on disk yet
    detail.quant_slider.setValue(catalogue.current_row().model.quants.index("Q4_K_M"))  # type: ignore[union-attr]
    with qtbot.waitSignal(downloads.model_installed, timeout=30_000) as installed:
        detail.download_button.click()
    (path,) = installed.args[0]
    # In Chat's list the moment the download is installed (named from its file name until the header is read),
    # then by the header's name and the quantization, never as "qwen2.5-0.5b-instruct-q4_k_m.gguf".
    assert combo_items(chat)["qwen2.5-0.5b-instruct · Q4_K_M"] == path
    assert named_in_chat(qtbot, chat, "tiny-random-llama · Q4_K_M") == path
    assert QWEN_FILE not in combo_items(chat)
    assert Path(path) == paths.models_dir() / "Qwen__Qwen2.5-0.5B-Instruct-GGUF" / QWEN_FILE

    row = downloads.job_rows()[0]
    assert row.chat_button.isVisible() and row.show_folder_button.isVisible()
    assert str(Path(path)) in row.location.text()
    opened: list[QUrl] = []
    downloads.open_url = opened.append
    row.show_folder_button.click()
    assert opened == [QUrl.fromLocalFile(str(Path(path).parent))]

    chat.panel.max_tokens.setValue(24)
    chat.panel.ignore_eos = True  # a reply of known length: the random model could otherwise stop at once
    with qtbot.waitSignal(chat.controller.model_loaded, timeout=LOAD_TIMEOUT):
        row.chat_button.click()  # loads at once: no second click on Load
    assert window.current_page_key() == "chat" and chat.panel.model_path() == path
    assert loaded_path(qtbot, chat) == path
    chat.input.setPlainText("hello")
    with qtbot.waitSignal(chat.controller.reply_finished, timeout=LOAD_TIMEOUT) as finished:
        qtbot.mouseClick(chat.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not chat.controller.busy, timeout=LOAD_TIMEOUT)
    done = finished.args[0]
    assert done.status == "complete" and done.summary is not None and done.summary.tokens == 24
    assert chat.conversation_id is not None
    reply = chat.store.list_messages(chat.conversation_id)[-1]
    assert reply.role == "assistant" and reply.content and reply.status == "complete"

    # The catalogue marks it on disk and offers the same chat (the loaded model is kept, not loaded again).
    window.show_page("catalogue")
    qtbot.waitUntil(lambda: "Q4_K_M" in catalogue.downloaded.get(QWEN, set()), timeout=10_000)
    catalogue.select_model("qwen2.5-0.5b-instruct")
    assert detail.chat_button.isVisible() and detail.chat_button.text() == "Chat with this model"
    with qtbot.waitSignal(catalogue.chat_requested) as asked:
        detail.chat_button.click()
    assert asked.args == [path] and window.current_page_key() == "chat"
    assert not chat.controller.loading and str(chat.controller.report.path) == path  # type: ignore[union-attr]

    # Deleted (after unloading it): gone from Chat's list and the catalogue; the download no longer offers it.
    with qtbot.waitSignal(chat.controller.model_unloaded, timeout=LOAD_TIMEOUT):
        chat.panel.unload_button.click()
    deleter = window.findChild(ModelDeleter, "model_deleter")
    assert deleter is not None
    with qtbot.waitSignal(deleter.deleted) as deleted:
        assert deleter.delete(path, confirm=lambda question: "Qwen__Qwen2.5-0.5B-Instruct-GGUF" in question)
    assert deleted.args == [[path]] and not Path(path).exists()
    assert path not in combo_items(chat).values()
    assert row.chat_button.isHidden() and row.show_folder_button.isHidden() and "deleted" in row.location.text()
    qtbot.waitUntil(lambda: not catalogue.downloaded.get(QWEN), timeout=10_000)
    assert detail.chat_button.isHidden()


def scan_library(qtbot: QtBot, catalogue: CatalogueView, rows: int) -> dict[str, int]:
    catalogue.tabs.setCurrentWidget(catalogue.library)
    catalogue.library.library_scan.click()
    table = catalogue.library.library_table
    qtbot.waitUntil(lambda: catalogue.library.library_scan.isEnabled() and table.rowCount() == rows,
                    timeout=20_000)
    return {table.item(i, 5).text(): i for i in range(table.rowCount())}


def place_models(tiny_models: dict[str, Path], lmstudio: Path) -> tuple[Path, Path]:
    ours = paths.models_dir() / "acme__tiny-GGUF" / "tiny-Q4_K_M.gguf"
    ours.parent.mkdir(parents=True)
    shutil.copyfile(tiny_models["Q4_K_M"], ours)
    theirs = lmstudio / "acme" / "tiny-GGUF" / "tiny-Q8_0.gguf"
    theirs.parent.mkdir(parents=True)
    shutil.copyfile(tiny_models["Q8_0"], theirs)
    return ours, theirs


def test_chat_with_a_model_from_its_row_on_this_computer(
    qtbot: QtBot, window: MainWindow, other_apps: Path, tiny_models: dict[str, Path]
) -> None:
    catalogue, _downloads, chat = pages(window)
    ours, theirs = place_models(tiny_models, other_apps)
    window.show_page("catalogue")
    rows = scan_library(qtbot, catalogue, 2)
    table = catalogue.library.library_table
    assert table.item(rows[str(theirs)], 0).text() == "tiny-random-llama · Q8_0"
    assert table.item(rows[str(theirs)], 1).text() == "LM Studio"
    button = table.cellWidget(rows[str(ours)], catalogue.library.ACTIONS).findChild(QPushButton, "library_chat")
    assert button is not None and button.isEnabled() and button.toolTip() == "Chat with this model"
    button.click()
    assert window.current_page_key() == "chat" and chat.panel.model_path() == str(ours)
    assert loaded_path(qtbot, chat) == str(ours)

    # Double-click on a row of another app's model: loaded where it is (nothing copied), in Chat's list too.
    window.show_page("catalogue")
    qtbot.waitUntil(table.isVisible)
    cell = table.visualRect(table.model().index(rows[str(theirs)], 0)).center()
    with qtbot.waitSignal(chat.controller.model_loaded, timeout=LOAD_TIMEOUT):
        # What a real double-click delivers: a click, then the double-click (QTest's alone has no press first).
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert window.current_page_key() == "chat" and loaded_path(qtbot, chat) == str(theirs)
    assert named_in_chat(qtbot, chat, "tiny-random-llama · Q8_0") == str(theirs)


def test_delete_asks_names_paths_outside_our_folder_and_updates_every_list(
    qtbot: QtBot, window: MainWindow, other_apps: Path, tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue, _downloads, chat = pages(window)
    ours, theirs = place_models(tiny_models, other_apps)
    chat.panel.rescan_models()
    assert named_in_chat(qtbot, chat, "tiny-random-llama · Q4_K_M") == str(ours)
    window.show_page("catalogue")
    rows = scan_library(qtbot, catalogue, 2)
    questions: list[str] = []
    answer = [QMessageBox.StandardButton.No]

    def question(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        questions.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)

    def delete_button(row: int) -> QPushButton:
        cell = catalogue.library.library_table.cellWidget(row, catalogue.library.ACTIONS)
        return cell.findChild(QPushButton, "library_delete")  # type: ignore[return-value]

    # Another app's file: the question says where it is and whose folder that is; "No" keeps it.
    delete_button(rows[str(theirs)]).click()
    assert str(theirs) in questions[-1] and "LM Studio's folder" in questions[-1]
    assert "not in the ModelNest models folder" in questions[-1]
    assert theirs.exists()
    answer[0] = QMessageBox.StandardButton.Yes
    delete_button(rows[str(theirs)]).click()
    assert not theirs.exists() and theirs.parent.parent.parent.exists()  # LM Studio's own folders stay
    rows = scan_library(qtbot, catalogue, 1)  # rescanned after the deletion
    assert list(rows) == [str(ours)]

    # Ours, from Chat's list: the question names our folder; file, folder and list entry go.
    window.show_page("chat")
    chat.panel.add_model(str(ours))
    with qtbot.waitSignal(window.ctx.messages.posted):
        chat.panel.delete_button.click()
    assert "from the ModelNest models folder" in questions[-1] and str(ours.parent) in questions[-1]
    assert not ours.exists() and not ours.parent.exists()
    assert str(ours) not in combo_items(chat).values()
    qtbot.waitUntil(lambda: catalogue.library.library_table.rowCount() == 0, timeout=20_000)


def test_a_loaded_model_is_not_deleted_under_the_engine(
    qtbot: QtBot, window: MainWindow, other_apps: Path, tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _catalogue, _downloads, chat = pages(window)
    ours, _theirs = place_models(tiny_models, other_apps)
    chat.panel.rescan_models()
    window.show_page("chat")
    with qtbot.waitSignal(chat.controller.model_loaded, timeout=LOAD_TIMEOUT):
        chat.chat_with(str(ours))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.ctx.messages.posted) as posted:
        chat.panel.delete_button.click()
    assert ours.exists() and not asked and "unload it before deleting" in posted.args[0].text
