"""Screenshots of every page in English and Simplified Chinese, from the real widgets on a recorded machine.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--machine NAME]

The language is switched the way a user does it (View ▸ Language, no restart), so the Chinese pictures also show
that the live switch reaches every page. A core message (an engine crash explanation) is posted to the status line
to show core text translated. Chinese needs a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # tests/support builds the recorded-machine context


def _settle(app: object, ctx: object, seconds: float = 8.0) -> None:
    """Let background jobs (probe, plans, scans) finish and the event queue drain."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        if not [j for j in ctx.background.jobs() if j.key != "hardware-sensors"]:  # type: ignore[attr-defined]
            break
        time.sleep(0.02)
    for _ in range(20):
        QApplication.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--machine", default="i7_no_gpu_16gb", help="a recorded machine in tests/data/machines")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="modelnest-shots-"))
    os.environ["MODELNEST_HOME"] = str(home)

    from PySide6.QtWidgets import QApplication
    from support.app_context import recorded_context

    from modelnest.core.engine.errors import explain_exit
    from modelnest.gui.app import build_main_window
    from modelnest.gui.gc_in_gui_thread import install as install_collector

    app = QApplication.instance() or QApplication([sys.argv[0]])
    install_collector(app)  # as run_app does
    ctx = recorded_context(home, args.machine)
    window = build_main_window(ctx)
    window.resize(1200, 780)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for language in ("en", "zh_CN"):
            ctx.settings.set_language(language)  # what View ▸ Language does
            _settle(app, ctx)
            # A real core message (what an engine abort() is explained as), shown through the message bridge.
            ctx.messages.warning(explain_exit(-6, ""))
            for key in ("hardware", "catalogue", "downloads", "chat"):
                window.show_page(key)
                _settle(app, ctx, 3.0)
                path = args.out / f"{key}_{language}.png"
                window.grab().save(str(path))
                written.append(path)
    finally:
        ctx.settings.set_language("en")
        for key in ("downloads", "chat"):
            page = window.page(key)
            getattr(page, "shutdown", lambda: None)()
        ctx.shutdown()
        window.close()
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
