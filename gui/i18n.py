"""Loads the Qt translation matching the system locale (or the user's choice) from modelnest.resources."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from modelnest.core.messages import CONTEXT, Text, render, text_of

SUPPORTED = ("en", "zh_CN")

_installed: list[QTranslator] = []
# Where compiled .qm files are looked for when no qm_dir is passed; None = modelnest.resources/i18n. Tests point it
# at a fresh compile of the committed .ts.
QM_DIR: Path | None = None


def install_translator(app: QCoreApplication, language: str | None = None, qm_dir: Path | None = None) -> str:
    """Install the translator for `language` ("en", "zh_CN", or None for the system locale); returns the one used.

    The .qm files come from modelnest.resources/i18n, or from `qm_dir` (tests compile the .ts there).
    """
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    qm_dir = qm_dir if qm_dir is not None else QM_DIR
    lang = language or ("zh_CN" if QLocale.system().name().startswith("zh") else "en")
    if lang == "en":
        return lang
    name = f"modelnest_{lang}.qm"
    # One part per `/`: Traversable.joinpath takes a single argument on Python 3.10.
    qm = qm_dir / name if qm_dir is not None else resources.files("modelnest.resources") / "i18n" / name
    translator = QTranslator(app)
    # Load from a file path, never from bytes: QTranslator.load(bytes) keeps a pointer into the buffer without a
    # reference (PySide6 6.11), so a temporary bytes object leaves it reading freed memory (checked: every lookup
    # then falls back to English). From a path Qt maps or copies the file itself. as_file gives the real path for
    # an installed or frozen app (PyInstaller unpacks resources to disk) and a temporary copy only from a zip;
    # Qt has read or mapped it before that copy is removed.
    if not qm.is_file():
        return "en"
    with resources.as_file(qm) as path:
        loaded = translator.load(str(path))
    if not loaded:
        return "en"
    app.installTranslator(translator)
    _installed.append(translator)
    # Qt's own strings (standard buttons such as OK/Cancel, file dialogs) come from Qt's translations; best
    # effort, as a trimmed bundle may lack them.
    qtbase = QTranslator(app)
    if qtbase.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qtbase)
        _installed.append(qtbase)
    return lang


def _translate_core(template: str) -> str:
    return QCoreApplication.translate(CONTEXT, template)


def tr_text(value: Text | BaseException) -> str:
    """A core message (or an error carrying one) in the UI language; plain strings pass through unchanged.

    Core messages are declared for lupdate in ``gui/core_messages.py`` (generated; see core/messages.py).
    """
    text = text_of(value) if isinstance(value, BaseException) else value
    return render(text, _translate_core)
