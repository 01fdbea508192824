"""The main window: a navigation list on the left and one page per feature (hardware, catalogue, chat, ...)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QMainWindow, QStackedWidget, QWidget


class MainWindow(QMainWindow):
    """Pages are added by the features that own them, so this file never grows with each feature."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("ModelNest"))
        self.resize(1200, 780)
        self._nav = QListWidget()
        self._nav.setFixedWidth(170)
        self._nav.setObjectName("navigation")
        self._pages = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._nav)
        layout.addWidget(self._pages, 1)
        self.setCentralWidget(central)
        self._keys: list[str] = []
        self._nav.currentRowChanged.connect(self._pages.setCurrentIndex)

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
