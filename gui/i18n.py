"""Loads the Qt translation matching the system locale (or the user's choice) from modelnest.resources."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

SUPPORTED = ("en", "zh_CN")

_installed: list[QTranslator] = []


def install_translator(app: QCoreApplication, language: str | None = None) -> str:
    """Install the translator for `language` ("en", "zh_CN", or None for the system locale); returns the one used."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    lang = language or ("zh_CN" if QLocale.system().name().startswith("zh") else "en")
    if lang == "en":
        return lang
    qm = resources.files("modelnest.resources").joinpath("i18n", f"modelnest_{lang}.qm")
    translator = QTranslator(app)
    if qm.is_file() and translator.load(qm.read_bytes()):
        app.installTranslator(translator)
        _installed.append(translator)
        return lang
    return "en"
