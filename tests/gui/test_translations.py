"""The Simplified Chinese translation: in step with the code, complete, placeholders intact, and really shown."""

from __future__ import annotations

import gc
import importlib.util
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "modelnest_zh_CN.ts"

# str.format fields ({0}, {v:.1f}, {name}), Qt's %1 and %n, HTML tags and entities must survive translation.
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\d+|%n|<[^<>]+>|&[a-z]+;|&#\d+;")

Key = tuple[str, str, str]  # (context, source, disambiguation comment)


def _qt_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a Qt tool shipped with PySide6 (pyside6-lupdate / -lrelease) the same way on every system."""
    code = f"import sys; from PySide6.scripts.pyside_tool import {name}; sys.argv[0] = 'pyside6-{name}'; {name}()"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, check=False)


def _messages(ts: Path) -> dict[Key, ET.Element]:
    root = ET.parse(ts).getroot()
    out: dict[Key, ET.Element] = {}
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            assert key not in out, f"duplicate message {key}"
            out[key] = message
    return out


def _translations(message: ET.Element) -> list[str]:
    tr = message.find("translation")
    assert tr is not None
    forms = tr.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [tr.text or ""]


@pytest.fixture(scope="module")
def committed() -> dict[Key, ET.Element]:
    return _messages(TS)


@pytest.fixture(scope="module")
def compiled_qm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed .ts compiled now (a .qm left in resources/ could be stale)."""
    out = tmp_path_factory.mktemp("qm")
    done = _qt_tool("lrelease", str(TS), "-qm", str(out / "modelnest_zh_CN.qm"))
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_ts_file_is_in_step_with_the_code(tmp_path: Path, committed: dict[Key, ET.Element]) -> None:
    """The strings lupdate finds in gui/ now are exactly those in the committed .ts (run
    scripts/update_translations.sh and translate the new ones when this fails)."""
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in (ROOT / "gui").rglob("*.py"))  # the same files as scripts/update_translations.sh
    done = _qt_tool("lupdate", "-no-obsolete", "-locations", "none", *sources, "-ts", str(fresh))
    assert done.returncode == 0, done.stdout + done.stderr
    found = set(_messages(fresh))
    assert len(found) > 300  # lupdate really read the code
    # ... including core's templates, declared with QT_TRANSLATE_NOOP("core", ...) in gui/core_messages.py
    assert len([key for key in found if key[0] == "core"]) > 300
    assert sorted(found - set(committed)) == [], "strings in the code missing from the .ts"
    assert sorted(set(committed) - found) == [], "strings in the .ts that the code no longer has"


def test_every_string_is_translated(committed: dict[Key, ET.Element]) -> None:
    unfinished = [
        k
        for k, m in committed.items()
        if (m.find("translation").get("type") or "") in ("unfinished", "vanished", "obsolete")  # type: ignore[union-attr]
    ]
    empty = [k for k, m in committed.items() if not all(t.strip() for t in _translations(m))]
    assert unfinished == [] and empty == []


def test_placeholders_markup_and_accelerators_survive(committed: dict[Key, ET.Element]) -> None:
    problems = []
    for (context, source, _), message in committed.items():
        want = Counter(PLACEHOLDER.findall(source))
        for text in _translations(message):
            if Counter(PLACEHOLDER.findall(text)) != want:
                problems.append((context, source, text))
            # A menu accelerator (&File) needs one in the translation too: 文件(&F).
            if re.search(r"&\w", PLACEHOLDER.sub("", source)) and not re.search(r"&\w", PLACEHOLDER.sub("", text)):
                problems.append((context, source, text))
    assert problems == []


def test_placeholder_check_catches_a_lost_field() -> None:
    """The check above can fail: a translation that drops or renames a field is caught."""
    assert Counter(PLACEHOLDER.findall("{0} of {1} in use")) != Counter(PLACEHOLDER.findall("已用 {0}"))
    assert Counter(PLACEHOLDER.findall("measured: {v:.1f} tokens/s")) != Counter(
        PLACEHOLDER.findall("实测：{v} tokens/s")
    )
    assert Counter(PLACEHOLDER.findall("<b>{0}</b> at {1}")) == Counter(PLACEHOLDER.findall("<b>{0}</b>（{1}）"))


def _tr_inside_fstrings(source: str) -> list[int]:
    """Lines where tr()/translate() is called inside an f-string: lupdate skips those, so they stay English."""
    import ast

    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call):
                    func = inner.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in ("tr", "translate"):
                        lines.append(inner.lineno)
    return lines


def test_no_tr_call_hides_inside_an_f_string() -> None:
    assert _tr_inside_fstrings('x = f"[{self.tr(\'Live\')}]"\ny = "[" + self.tr("Live") + "]"\n') == [1]
    hidden = {
        str(path.relative_to(ROOT)): found
        for path in sorted((ROOT / "gui").rglob("*.py"))
        if (found := _tr_inside_fstrings(path.read_text(encoding="utf-8")))
    }
    assert hidden == {}, "move these tr() calls out of the f-strings (lupdate cannot extract them)"


def test_core_quant_notes_are_all_translatable(committed: dict[Key, ET.Element]) -> None:
    """core keeps the quantization notes (no Qt there); the catalogue page lists them for lupdate."""
    from modelnest.core.catalogue.quants import QUANTS

    sources = {source for (context, source, _) in committed if context == "CatalogueView"}
    assert {q.note for q in QUANTS.values()} <= sources


def test_main_window_speaks_chinese(qtbot: QtBot, compiled_qm: Path) -> None:
    """Real widgets, offscreen: navigation, menus and the hardware card in Chinese; English again afterwards."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication, QLabel

    from modelnest.gui.app import build_main_window
    from modelnest.gui.i18n import install_translator

    app = QApplication.instance()
    assert app is not None
    assert install_translator(app, "zh_CN", qm_dir=compiled_qm) == "zh_CN"
    try:
        # QTranslator.load(bytes) kept no reference to its buffer: freed memory then gave English. Churn the
        # allocator so a translator reading freed memory would show here.
        gc.collect()
        churn = [bytes([i % 251]) * 4096 for i in range(2000)]
        del churn
        window = build_main_window()
        qtbot.addWidget(window)
        try:
            nav = window._nav
            assert [nav.item(i).text() for i in range(nav.count())] == ["本机", "模型", "下载", "聊天"]
            assert [a.text() for a in window.menuBar().actions()] == ["文件(&F)", "视图(&V)", "帮助(&H)"]
            card = window.page("hardware")
            assert "本机" in [label.text() for label in card.findChildren(QLabel)]
            # Qt's own strings come with Qt's translation (standard buttons of message boxes).
            assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        finally:
            window.page("downloads").shutdown()  # type: ignore[attr-defined]
            window.page("chat").shutdown()  # type: ignore[attr-defined]
            window.ctx.shutdown()  # joins the probe and the plans, so none reports to a closed window later
            window.close()
    finally:
        assert install_translator(app, "en") == "en"
    assert QCoreApplication.translate("MainWindow", "This computer") == "This computer"


def test_missing_translation_falls_back_to_english(qapp: object, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from modelnest.gui.i18n import install_translator

    app = QApplication.instance()
    assert app is not None
    assert install_translator(app, "zh_CN", qm_dir=tmp_path) == "en"  # no .qm there
    (tmp_path / "modelnest_zh_CN.qm").write_bytes(b"not a translation file")
    assert install_translator(app, "zh_CN", qm_dir=tmp_path) == "en"


# ---- core's messages (modelnest.core.messages.msg), collected by scripts/extract_core_messages.py ----------

CJK = re.compile(r"[\u4e00-\u9fff]")


def _extractor() -> Any:
    """scripts/extract_core_messages.py as a module (it is a script, not part of the package)."""
    script = ROOT / "scripts" / "extract_core_messages.py"
    spec = importlib.util.spec_from_file_location("extract_core_messages", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def core_templates() -> list[str]:
    templates: list[str] = _extractor().collect()
    return templates


def test_core_messages_file_is_up_to_date(core_templates: list[str]) -> None:
    """gui/core_messages.py declares exactly the msg() templates core has now (run scripts/update_translations.sh
    when this fails); lupdate reads them from there."""
    assert len(core_templates) > 300  # the extractor really read core/
    generated = (ROOT / "gui" / "core_messages.py").read_text(encoding="utf-8")
    assert generated == _extractor().render_module(core_templates)
    assert "GENERATED" in generated.splitlines()[2]


def test_the_extractor_refuses_a_template_that_is_not_a_literal() -> None:
    extractor = _extractor()
    found = extractor.templates_in('x = msg("the disk is full")\ny = msg("a" "b {n}", n=1)\n', "core/ok.py")
    assert found == ["the disk is full", "ab {n}"]
    with pytest.raises(extractor.ExtractionError, match=r"core/bad.py:2: the first argument of msg\(\)"):
        extractor.templates_in('import x\nmsg(f"{x} failed")\n', "core/bad.py")
    with pytest.raises(extractor.ExtractionError, match=r"core/bad.py:1"):
        extractor.templates_in("msg(TEMPLATE)\n", "core/bad.py")
    # Literals survive the trip through the generated Python source exactly (quotes, backslashes, newlines).
    tricky = ['say "hi" \\ {n}', "two\nlines", "a " * 70 + "end"]
    namespace: dict[str, Any] = {"QT_TRANSLATE_NOOP": lambda context, text: (context, text)}
    exec(extractor.render_module(tricky).split("from PySide6.QtCore import QT_TRANSLATE_NOOP")[1], namespace)
    assert namespace["CORE_MESSAGES"] == tuple(("core", t) for t in tricky)


def test_every_core_message_has_a_finished_translation(
    core_templates: list[str], committed: dict[Key, ET.Element]
) -> None:
    missing, unfinished, placeholders = [], [], []
    for template in core_templates:
        message = committed.get(("core", template, ""))
        if message is None:
            missing.append(template)
            continue
        tr = message.find("translation")
        assert tr is not None
        if tr.get("type") in ("unfinished", "vanished", "obsolete") or not (tr.text or "").strip():
            unfinished.append(template)
        elif Counter(PLACEHOLDER.findall(template)) != Counter(PLACEHOLDER.findall(tr.text or "")):
            placeholders.append((template, tr.text))
    assert missing == [] and unfinished == [] and placeholders == []


def test_real_core_messages_are_shown_in_chinese(qapp: object, compiled_qm: Path, tmp_path: Path) -> None:
    """A planner note, an engine crash, a download refusal and a history notice, made by core itself, through
    tr_text under the zh_CN translator: Chinese, with their figures and names filled in."""
    from PySide6.QtWidgets import QApplication

    from modelnest.core.chat.history import HistoryStore
    from modelnest.core.download.disk import ensure_free_space
    from modelnest.core.download.errors import NotEnoughDiskSpaceError
    from modelnest.core.engine.errors import explain_exit
    from modelnest.core.hardware import probe
    from modelnest.core.hardware.recorded import load_machine
    from modelnest.core.plan import Calibration, ModelSpec, plan, step_down
    from modelnest.gui.i18n import install_translator, tr_text

    snapshot = probe(load_machine(ROOT / "tests" / "data" / "machines" / "i7_no_gpu_16gb.json", tmp_path / "m"),
                     with_sensors=False)
    llama_8b = ModelSpec.from_architecture(arch="llama", n_layer=32, n_embd=4096, n_head=32, n_head_kv=8,
                                           n_vocab=128256, n_ff=14336, n_ctx_train=131072,
                                           n_params=8_030_261_248, quant="Q4_K_M")
    result = plan(llama_8b, snapshot, ctx=200_000, calibration=Calibration(tmp_path / "calibration.json"))
    reduced = next(n for n in result.notes if "context reduced" in str(n))
    step = step_down(result.engine_params, llama_8b.n_layer)
    assert step is not None
    crash = explain_exit(-6, "ggml_backend_cpu_buffer_type_alloc_buffer: failed to allocate buffer of size 1024")
    with pytest.raises(NotEnoughDiskSpaceError) as full:
        ensure_free_space(tmp_path, 10**18)
    damaged = tmp_path / "history.sqlite3"
    damaged.write_bytes(b"this is not a database" * 100)
    with HistoryStore.open(damaged) as store:
        assert store.notice is not None
        notice = store.notice.message
        moved = store.notice.moved_to.name

    english = [str(reduced), str(step[1]), str(crash), str(full.value), str(notice)]
    app = QApplication.instance()
    assert app is not None
    assert install_translator(app, "zh_CN", qm_dir=compiled_qm) == "zh_CN"
    try:
        shown = [tr_text(reduced), tr_text(step[1]), tr_text(crash), tr_text(full.value), tr_text(notice)]
        advice = tr_text(crash.advice)
    finally:
        assert install_translator(app, "en") == "en"
    for text in shown:
        assert CJK.search(text) and "{" not in text, text
    assert "131072" in shown[0] and str(result.ctx) in shown[0]
    assert "-6" in shown[2] and CJK.search(advice) and shown[2].endswith(advice)  # exit code, then the advice
    assert str(tmp_path) in shown[3]
    assert moved in shown[4]
    # Without the translator the same objects are English again (the translation happens at display time).
    assert [tr_text(reduced), tr_text(step[1]), tr_text(crash), tr_text(full.value), tr_text(notice)] == english
