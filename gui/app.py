"""Builds the QApplication, the one application context and the main window with every feature page."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QApplication

from modelnest.core.catalogue.library import LocalModel
from modelnest.gui.context import AppContext
from modelnest.gui.gc_in_gui_thread import install as install_collector
from modelnest.gui.i18n import install_translator
from modelnest.gui.main_window import MainWindow

if TYPE_CHECKING:
    from modelnest.gui.catalogue import CatalogueView
    from modelnest.gui.chat import ChatPage
    from modelnest.gui.downloads_panel import DownloadsPanel

# English titles, translated in the MainWindow context (QT_TRANSLATE_NOOP marks them for lupdate).
# QT_TRANSLATE_NOOP marks each title for lupdate and returns it unchanged (PySide6's stubs say `object`).
PAGE_TITLES = cast("dict[str, str]", {
    "hardware": QT_TRANSLATE_NOOP("MainWindow", "This computer"),
    "catalogue": QT_TRANSLATE_NOOP("MainWindow", "Models"),
    "downloads": QT_TRANSLATE_NOOP("MainWindow", "Downloads"),
    "chat": QT_TRANSLATE_NOOP("MainWindow", "Chat"),
})


def apply_language(language: str) -> str:
    """Install the translator for a settings value ("system", "en", "zh_CN"); Qt then retranslates every window."""
    app = QApplication.instance()
    if app is None:
        return "en"
    return install_translator(app, None if language == "system" else language)


def build_main_window(ctx: AppContext | None = None) -> MainWindow:
    """The window with all pages; separate from run_app so tests drive exactly what users get."""
    ctx = ctx or AppContext.create()
    ctx.settings.language_changed.connect(apply_language)
    window = MainWindow(ctx)
    from modelnest.gui.hardware_card import HardwareCard

    window.add_page("hardware", PAGE_TITLES["hardware"], HardwareCard(ctx))
    from modelnest.gui.catalogue import CatalogueView
    from modelnest.gui.downloads_panel import DownloadsPanel

    catalogue = CatalogueView(ctx)  # plans in the background once the hardware service has probed
    downloads = DownloadsPanel(ctx)  # offers leftover partial downloads at start-up
    window.add_page("catalogue", PAGE_TITLES["catalogue"], catalogue)
    window.add_page("downloads", PAGE_TITLES["downloads"], downloads)
    catalogue.download_requested.connect(downloads.request)
    catalogue.download_requested.connect(lambda *_: window.show_page("downloads"))
    downloads.model_installed.connect(catalogue.rescan_downloaded)
    from modelnest.gui.chat import ChatPage

    chat = ChatPage(ctx)  # the engine starts only on the first Load
    window.add_page("chat", PAGE_TITLES["chat"], chat)
    _connect_models(window, catalogue, downloads, chat)
    app = QApplication.instance()
    if app is not None:
        # Pages first (the engine child ends, downloads pause: their .part files resume next time), then the
        # shared services.
        app.aboutToQuit.connect(chat.shutdown)
        app.aboutToQuit.connect(downloads.shutdown)
        app.aboutToQuit.connect(ctx.shutdown)
    ctx.hardware.start()
    ctx.post_start_notices()
    window.show_page("hardware")  # opens on the hardware card, model or not
    return window


def _connect_models(window: MainWindow, catalogue: CatalogueView, downloads: DownloadsPanel, chat: ChatPage) -> None:
    """From a model to a chat, and every list of models in step with the disk: pages only emit what the user asked
    for; this is the one place that says which page answers."""
    from modelnest.gui.catalogue.library import SOURCES
    from modelnest.gui.model_delete import ModelDeleter

    def open_chat(path: str) -> None:
        window.show_page("chat")
        chat.chat_with(path)

    for page in (catalogue, downloads):
        page.chat_requested.connect(open_chat)

    def open_remote_chat(url: str, model: str) -> None:
        window.show_page("chat")
        chat.chat_with_remote(url, model)

    def add_remote() -> None:
        window.show_page("chat")
        chat.add_remote_server()

    catalogue.remote_chat_requested.connect(open_remote_chat)  # too large here: chat on a remote server
    catalogue.add_remote_requested.connect(add_remote)
    downloads.model_installed.connect(chat.panel.rescan_models)  # in Chat's list the moment it is installed

    def loaded(path: str) -> bool:
        report = chat.controller.report
        return (report is not None and str(report.path) == path) or (
            chat.controller.loading and chat.controller.last_load is not None
            and str(chat.controller.last_load.path) == path)

    deleter = ModelDeleter(window.ctx.messages, loaded, window)
    deleter.setObjectName("model_deleter")  # window.findChild(ModelDeleter, "model_deleter")

    def delete_local(model: LocalModel) -> None:
        deleter.delete(model.path, source=model.source, parts=model.parts, label=model.label,
                       app=None if model.source in ("modelnest", "folder") else SOURCES.get(model.source),
                       parent=window)

    catalogue.delete_requested.connect(delete_local)
    chat.panel.delete_requested.connect(lambda path: deleter.delete(path, parent=window))
    deleter.deleted.connect(catalogue.rescan_downloaded)
    deleter.deleted.connect(chat.panel.rescan_models)
    deleter.deleted.connect(downloads.refresh_rows)


def run_app(argv: Sequence[str]) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("ModelNest")
    install_collector(app)  # reference cycles are collected in the GUI thread only (see that module)
    ctx = AppContext.create(speed_test_at_start=True)  # this computer's speed test, once, in the background
    apply_language(ctx.settings.settings.language)
    window = build_main_window(ctx)
    window.show()
    return app.exec()
