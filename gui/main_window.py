"""The main window: a navigation list on the left and one page per feature (hardware, catalogue, chat, ...)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from modelnest.core.chat.settings import SettingsStore


class MainWindow(QMainWindow):
    """Pages are added by the features that own them, so this file never grows with each feature."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("ModelNest"))
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
        self._nav.currentRowChanged.connect(self._pages.setCurrentIndex)
        self._build_menus()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        language_menu = view_menu.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        current = self._settings_language()
        # Language names are written in their own language on purpose: a user must find theirs in any UI.
        for code, name in (("system", self.tr("System default")), ("en", "English"), ("zh_CN", "简体中文")):
            action = QAction(name, self, checkable=True)
            action.setData(code)
            action.setChecked(code == current)
            group.addAction(action)
            language_menu.addAction(action)
        group.triggered.connect(self._language_chosen)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About ModelNest"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    @staticmethod
    def _settings_language() -> str:
        return SettingsStore().load().settings.language

    def _language_chosen(self, action: QAction) -> None:
        store = SettingsStore()
        loaded = store.load()
        loaded.settings.language = str(action.data())
        store.save(loaded.settings)
        QMessageBox.information(
            self, self.tr("Language"), self.tr("ModelNest will use the new language the next time it starts.")
        )

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About ModelNest"),
            self.tr(
                "ModelNest runs language models on your own computer with llama.cpp. Every figure it shows is "
                "measured, or derived and labelled as a prediction."
            ),
        )

    def add_page(self, key: str, title: str, widget: QWidget) -> None:
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self._nav.addItem(item)
        self._pages.addWidget(widget)
        self._keys.append(key)
        if self._nav.currentRow() < 0:
            self._nav.setCurrentRow(0)

    def show_page(self, key: str) -> None:
        self._nav.setCurrentRow(self._keys.index(key))

    def page(self, key: str) -> QWidget:
        return self._pages.widget(self._keys.index(key))

    def current_page_key(self) -> str:
        return self._keys[self._pages.currentIndex()]
