"""Builds the QApplication and the main window with every feature page."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from modelnest.gui.i18n import install_translator
from modelnest.gui.main_window import MainWindow


def build_main_window() -> MainWindow:
    """The window with all pages; separate from run_app so tests drive exactly what users get."""
    window = MainWindow()
    from modelnest.gui.hardware_card import HardwareCard

    # Page titles are translated in the window's context; lupdate cannot see the context of window.tr() from here.
    window.add_page("hardware", QCoreApplication.translate("MainWindow", "This computer"), HardwareCard())
    from modelnest.gui.catalogue_view import CatalogueView
    from modelnest.gui.downloads_panel import DownloadsPanel

    catalogue = CatalogueView()  # probes and plans in a worker thread
    downloads = DownloadsPanel()  # offers leftover partial downloads at start-up
    window.add_page("catalogue", QCoreApplication.translate("MainWindow", "Models"), catalogue)
    window.add_page("downloads", QCoreApplication.translate("MainWindow", "Downloads"), downloads)
    catalogue.download_requested.connect(downloads.request)
    catalogue.download_requested.connect(lambda *_: window.show_page("downloads"))
    downloads.model_installed.connect(catalogue.rescan_downloaded)
    from modelnest.gui.chat import ChatPage

    chat = ChatPage()  # opens the history; the engine starts only on the first Load
    window.add_page("chat", QCoreApplication.translate("MainWindow", "Chat"), chat)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(chat.shutdown)  # end the engine child and wait for the chat threads
        app.aboutToQuit.connect(downloads.shutdown)  # pause downloads: their .part files resume next time
    window.show_page("hardware")  # opens on the hardware card, model or not
    return window


def run_app(argv: Sequence[str]) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("ModelNest")
    from modelnest.core.chat.settings import SettingsStore

    language = SettingsStore().load().settings.language
    install_translator(app, None if language == "system" else language)
    window = build_main_window()
    window.show()
    return app.exec()
