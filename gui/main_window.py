"""The main window: a navigation list on the left, one page per feature, a status line for the message bridge."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from modelnest.core.errors import UserInputError
from modelnest.gui.context import AppContext
from modelnest.gui.messages import Level, UserMessage
from modelnest.gui.retranslate import Retranslator

_LEVEL_COLORS = {Level.INFO: "palette(text)", Level.WARNING: "#8a5a00", Level.ERROR: "#a12622"}


class MainWindow(QMainWindow):
    """Pages are added by the features that own them, so this file never grows with each feature."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self._texts = Retranslator(self)
        self._texts.add(lambda: self.setWindowTitle(self.tr("ModelNest")))
        self.resize(1200, 780)
        self._nav = QListWidget()
        self._nav.setFixedWidth(170)
        self._nav.setObjectName("navigation")
        self._nav.setStyleSheet(
            "QListWidget#navigation { border: none; background: palette(alternate-base); padding-top: 8px; }"
            "QListWidget#navigation::item { padding: 9px 14px; }"
        )
        self._pages = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._nav)
        layout.addWidget(self._pages, 1)
        self.setCentralWidget(central)
        self._keys: list[str] = []
        self._titles: list[tuple[str, str]] = []  # (translation context, English title) per page
        self._nav.currentRowChanged.connect(self._pages.setCurrentIndex)
        self.status_text = QLabel()
        self.status_text.setObjectName("status_text")
        self.status_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.status_text, 1)
        ctx.messages.posted.connect(self._show_message)
        ctx.settings.changed.connect(self._sync_language_menu)
        self._build_menus()
        self._texts.add(self._retitle_pages)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("")
        quit_action = QAction(self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("")
        language_menu = view_menu.addMenu("")
        self._language_group = QActionGroup(self)
        system = QAction(self, checkable=True)
        system.setData("system")
        # Language names are written in their own language on purpose: a user must find theirs in any UI.
        actions = [system]
        for code, name in (("en", "English"), ("zh_CN", "简体中文")):
            action = QAction(name, self, checkable=True)
            action.setData(code)
            actions.append(action)
        for action in actions:
            action.setObjectName(f"language_{action.data()}")
            self._language_group.addAction(action)
            language_menu.addAction(action)
        self._sync_language_menu()
        self._language_group.triggered.connect(self._language_chosen)
        help_menu = self.menuBar().addMenu("")
        about = QAction(self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

        def texts() -> None:
            file_menu.setTitle(self.tr("&File"))
            quit_action.setText(self.tr("&Quit"))
            view_menu.setTitle(self.tr("&View"))
            language_menu.setTitle(self.tr("&Language"))
            system.setText(self.tr("System default"))
            help_menu.setTitle(self.tr("&Help"))
            about.setText(self.tr("&About ModelNest"))

        self._texts.add(texts)

    def language_actions(self) -> list[QAction]:
        return self._language_group.actions()

    def _sync_language_menu(self, *_: object) -> None:
        current = self.ctx.settings.settings.language
        for action in self._language_group.actions():
            action.setChecked(action.data() == current)

    def _language_chosen(self, action: QAction) -> None:
        """Saved at once; the app installs the translator and every open window retranslates itself."""
        try:
            self.ctx.settings.set_language(str(action.data()))
        except UserInputError as exc:
            self._sync_language_menu()  # the menu never shows a choice that was not saved
            self.ctx.messages.error(exc)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About ModelNest"),
            self.tr(
                "ModelNest runs language models on your own computer with llama.cpp. Every figure it shows is "
                "measured, or derived and labelled as a prediction."
            ),
        )

    def _show_message(self, message: UserMessage) -> None:
        self.status_text.setStyleSheet(f"color: {_LEVEL_COLORS[message.level]};")
        self.status_text.setText(message.text)
        self.status_text.setToolTip(message.details)

    def add_page(self, key: str, title: str, widget: QWidget, *, context: str = "MainWindow") -> None:
        """``title`` is the English source text, translated in ``context`` now and after each language change."""
        item = QListWidgetItem(QCoreApplication.translate(context, title))
        item.setData(Qt.ItemDataRole.UserRole, key)
        self._nav.addItem(item)
        self._pages.addWidget(widget)
        self._keys.append(key)
        self._titles.append((context, title))
        if self._nav.currentRow() < 0:
            self._nav.setCurrentRow(0)

    def _retitle_pages(self) -> None:
        for row, (context, title) in enumerate(self._titles):
            item = self._nav.item(row)
            if item is not None:
                item.setText(QCoreApplication.translate(context, title))

    def show_page(self, key: str) -> None:
        self._nav.setCurrentRow(self._keys.index(key))

    def page(self, key: str) -> QWidget:
        widget = self._pages.widget(self._keys.index(key))
        if widget is None:  # cannot happen for a key add_page() registered; tells the type checker
            raise KeyError(key)
        return widget

    def page_title(self, key: str) -> str:
        item = self._nav.item(self._keys.index(key))
        return item.text() if item is not None else ""

    def current_page_key(self) -> str:
        return self._keys[self._pages.currentIndex()]

