"""Language switch without restart: a widget registers how it sets its texts, and runs that again on LanguageChange.

Qt sends ``QEvent.LanguageChange`` to every widget when a translator is installed or removed. Qt Designer's
generated ``retranslateUi`` is the usual answer; we have no .ui files, so each widget registers small text setters
instead (``self._texts.add(lambda: label.setText(self.tr("Model")))``: lupdate sees the ``self.tr`` literal inside
the lambda and files it under the widget's class). Texts built from data (a plan, a snapshot) register the method
that renders them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject

__all__ = ["Retranslator"]


class Retranslator(QObject):
    """Runs each registered setter now, and again whenever the watched widget receives LanguageChange."""

    def __init__(self, widget: QObject) -> None:
        super().__init__(widget)
        self._setters: list[Callable[[], None]] = []
        widget.installEventFilter(self)
        self.count = 0  # how many language changes were applied (tests wait on it)

    def add(self, setter: Callable[[], None]) -> Callable[[], None]:
        setter()
        self._setters.append(setter)
        return setter

    def retranslate(self) -> None:
        for setter in self._setters:
            setter()
        self.count += 1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False  # the widget (and its children) still get the event
