"""Builds the QApplication, the one application context and the main window with every feature page."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QApplication

from modelnest.gui.context import AppContext
from modelnest.gui.i18n import install_translator
from modelnest.gui.main_window import MainWindow

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


def run_app(argv: Sequence[str]) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("ModelNest")
    ctx = AppContext.create()
    apply_language(ctx.settings.settings.language)
    window = build_main_window(ctx)
    window.show()
    return app.exec()
