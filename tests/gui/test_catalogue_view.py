"""The catalogue page with real widgets, the real planner on recorded machines, and the local hub over HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from support.hub_server import HubServer, _HubHandler, _QuietServer

from modelnest.core.catalogue import load_catalogue, plan_entry
from modelnest.core.hardware import HardwareSnapshot, probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.gui.catalogue import CatalogueView
from modelnest.gui.catalogue.model import COLUMNS, fit_name, speed_text
from modelnest.gui.context import AppContext

MACHINES = Path(__file__).resolve().parents[1] / "data" / "machines"
pytestmark = [pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]
MachineContext = Callable[..., AppContext]


def machine(name: str, tmp_path: Path) -> HardwareSnapshot:
    src = load_machine(MACHINES / f"{name}.json", tmp_path / name)
    return probe(src, models_dir=tmp_path, with_sensors=False)


def make_view(qtbot: QtBot, machine_context: MachineContext, name: str,
              downloaded: dict[str, set[str]] | None = None, **kw: Any) -> CatalogueView:
    """The page on a recorded machine, once its plans are in."""
    view = CatalogueView(machine_context(name), downloaded_fn=lambda: dict(downloaded or {}), **kw)
    qtbot.addWidget(view)
    view.resize(1300, 800)
    qtbot.waitUntil(lambda: view.plans_applied >= 1, timeout=20_000)
    return view


def visible_rows(view: CatalogueView) -> list[Any]:
    proxy = view.curated.proxy
    return [proxy.row_object(i) for i in range(proxy.rowCount())]


def test_recommendation_follows_the_stated_rule(qtbot: QtBot, machine_context: MachineContext) -> None:
    view = make_view(qtbot, machine_context, "rtx3060_desktop")
    qtbot.waitUntil(lambda: view.recommendations_shown >= 1, timeout=20_000)
    recs = view.recommendations
    assert recs is not None and recs.picks
    first = recs.picks[0]
    assert first.fit != "too_large" and first.decode_low >= 10  # the lower predicted speed reaches the threshold
    assert first.name in view.recommend_panel.name_labels[0].text()
    assert "predicted" in view.recommend_panel.why_labels[0].text()
    # Best first by expected quality (on one benchmark, after the quantization's measured loss).
    qualities = [p.quality for p in recs.picks]
    assert None not in qualities and qualities == sorted(qualities, reverse=True)  # type: ignore[type-var]
    view.show_recommendation()
    current = view.current_row()
    assert current is not None and current.model.id == first.model_id and current.quant == first.quant
    assert first.fit in ("full_gpu", "partial_gpu")  # a 12 GB card: the pick uses it
    assert current.plan is not None  # the detail shows the pick's own badge
    assert view.curated.detail.d_badge.text() == fit_name(first.fit, current.plan.experts_in_ram)


def test_the_quant_slider_updates_memory_speed_and_quality(qtbot: QtBot, machine_context: MachineContext) -> None:
    view = make_view(qtbot, machine_context, "i7_no_gpu_16gb")
    detail = view.curated.detail
    assert view.select_model("llama-3.1-8b-instruct")
    row = view.current_row()
    assert row is not None
    quants = row.model.quants
    detail.quant_slider.setValue(0)
    assert row.quant == quants[0] == "Q2_K"
    assert view.hardware is not None
    expected = plan_entry(row.model, "Q2_K", view.hardware)
    assert expected is not None
    assert speed_text(expected) in detail.d_speed.text() and "predicted" in detail.d_speed.text()
    assert "large quality loss" in detail.d_quality.text()
    assert "GiB" in detail.d_memory.text()  # binary units, labelled so
    low_memory = detail.d_memory.text()
    proxy = view.curated.proxy
    proxy_row = proxy.proxy_row_of(row.model.id)
    assert proxy.index(proxy_row, COLUMNS.index("quant")).data() == "Q2_K"  # type: ignore[arg-type]
    detail.quant_slider.setValue(quants.index("Q8_0"))
    assert row.quant == "Q8_0" and detail.d_memory.text() != low_memory
    assert "practically lossless" in detail.d_quality.text()
    assert "estimate" in detail.d_size.text()
    with qtbot.waitSignal(view.download_requested) as sig:
        detail.download_button.click()
    assert sig.args == ["bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "Q8_0", ""]


def test_fit_filters_and_speed_sort_through_the_widgets(qtbot: QtBot, machine_context: MachineContext) -> None:
    view = make_view(qtbot, machine_context, "i7_no_gpu_16gb")
    curated = view.curated
    shown = visible_rows(view)
    assert shown and all(r.fit != "too_large" for r in shown)
    curated.fit_boxes["too_large"].setChecked(True)
    with_large = visible_rows(view)
    assert any(r.fit == "too_large" for r in with_large) and len(with_large) > len(shown)
    curated.fit_boxes["cpu_only"].setChecked(False)
    assert all(r.fit == "too_large" for r in visible_rows(view))
    curated.fit_boxes["cpu_only"].setChecked(True)
    curated.sort_combo.setCurrentIndex(curated.sort_combo.findData("speed"))
    speeds = [r.speed for r in visible_rows(view)]
    assert speeds == sorted(speeds, reverse=True)


def test_attribute_filters_through_the_widgets(qtbot: QtBot, machine_context: MachineContext) -> None:
    view = make_view(qtbot, machine_context, "rtx4090_desktop",
                     downloaded={"Qwen/Qwen2.5-7B-Instruct-GGUF": {"Q4_K_M"}})
    c = view.curated
    c.language_combo.setCurrentIndex(c.language_combo.findData("zh"))
    assert visible_rows(view) and all(r.model.chinese for r in visible_rows(view))
    c.language_combo.setCurrentIndex(0)
    c.task_combo.setCurrentIndex(c.task_combo.findData("vision"))
    vision = {m.family for m in view.catalogue.models if "vision" in m.tasks}
    assert "Gemma 3" in vision and {r.model.family for r in visible_rows(view)} == vision
    c.task_combo.setCurrentIndex(0)
    c.min_params.setValue(7.0)
    c.max_params.setValue(9.0)
    assert visible_rows(view) and all(7e9 <= r.model.n_params <= 9e9 for r in visible_rows(view))
    c.min_params.setValue(0.0)
    c.max_params.setValue(1000.0)
    c.license_combo.setCurrentIndex(c.license_combo.findData("mit"))
    assert {r.model.license for r in visible_rows(view)} == {"mit"}
    c.license_combo.setCurrentIndex(0)
    c.downloaded_box.setChecked(True)
    (only,) = visible_rows(view)
    assert only.model.id == "qwen2.5-7b-instruct"
    view.select_model("qwen2.5-7b-instruct")
    c.detail.quant_slider.setValue(only.model.quants.index("Q4_K_M"))
    assert "on disk" in c.detail.quant_label.text()
    c.downloaded_box.setChecked(False)
    c.search_edit.setText("coder 32b")
    assert [r.model.id for r in visible_rows(view)] == ["qwen2.5-coder-32b-instruct"]


def test_the_selection_follows_its_row_through_filter_changes(qtbot: QtBot, machine_context: MachineContext) -> None:
    view = make_view(qtbot, machine_context, "rtx3060_desktop")
    c = view.curated
    assert view.select_model("phi-4-mini-instruct")
    c.sort_combo.setCurrentIndex(c.sort_combo.findData("size"))
    c.search_edit.setText("phi")
    current = view.current_row()
    assert current is not None and current.model.id == "phi-4-mini-instruct"
    assert c.detail.d_name.text() == "Phi-4 mini instruct"
    c.search_edit.setText("qwen")  # the selected row is filtered out: the detail says so instead of going stale
    assert view.current_row() is None or view.current_row().model.id != "phi-4-mini-instruct"  # type: ignore[union-attr]
    assert c.detail.d_name.text() != "Phi-4 mini instruct"


def test_planning_runs_off_the_gui_thread(qtbot: QtBot, app_context: AppContext) -> None:
    threads: list[str] = []

    def downloaded() -> dict[str, set[str]]:
        threads.append(threading.current_thread().name)
        return {}

    view = CatalogueView(app_context, downloaded_fn=downloaded)
    qtbot.addWidget(view)
    assert "planning every model" in view.status_label.text()
    qtbot.waitUntil(lambda: not view.busy and view.plans_applied == 1, timeout=20_000)
    assert threads and threads[0] != threading.main_thread().name
    assert view.plans and view.recommendations is not None
    assert view.status_label.text() == ""


def test_a_failed_probe_is_said_on_the_page(qtbot: QtBot, app_context: AppContext) -> None:
    from modelnest.gui.hardware_service import HardwareService

    def broken_probe() -> HardwareSnapshot:
        raise OSError("/proc/meminfo is not readable")

    hardware = HardwareService(app_context.background, probe_fn=broken_probe)
    ctx = AppContext(app_context.settings, hardware, app_context.history, app_context.messages,
                     app_context.background)
    view = CatalogueView(ctx, downloaded_fn=dict)
    qtbot.addWidget(view)
    with qtbot.waitSignal(hardware.probe_failed, timeout=10_000):
        pass
    assert "Could not look at this computer" in view.status_label.text()
    assert "/proc/meminfo is not readable" in view.status_label.text() and view.plans_applied == 0


def test_card_and_catalogue_share_one_probe(qtbot: QtBot, app_context: AppContext) -> None:
    from modelnest.gui.hardware_card import HardwareCard

    card = HardwareCard(app_context, measure_if_missing=False)
    view = CatalogueView(app_context, downloaded_fn=dict)
    qtbot.addWidget(card)
    qtbot.addWidget(view)
    card.show()
    qtbot.waitUntil(lambda: view.plans_applied == 1 and card.headline is not None, timeout=20_000)
    assert app_context.hardware.probe_count == 1
    assert view.hardware is card.snapshot is app_context.hardware.snapshot


def test_a_superseded_plan_is_dropped(qtbot: QtBot, app_context: AppContext, tmp_path: Path) -> None:
    """Two quick re-plans (the hardware changed twice): only the second result is ever shown."""
    view = CatalogueView(app_context, downloaded_fn=dict)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.plans_applied == 1, timeout=20_000)
    gpu_machine, cpu_machine = machine("rtx4090_desktop", tmp_path), machine("i7_no_gpu_16gb", tmp_path)
    with qtbot.waitSignal(view.plans_ready, timeout=20_000):
        app_context.hardware.set_snapshot(gpu_machine)  # re-plan 1
        app_context.hardware.set_snapshot(cpu_machine)  # re-plan 2 supersedes 1 before it can report
    qtbot.waitUntil(lambda: not app_context.background.jobs(), timeout=20_000)  # re-plan 1 ended too
    assert view.plans_applied == 2
    assert view.hardware is cpu_machine
    fits = {p.fit for p in view.plans.values() if p is not None}
    assert "full_gpu" not in fits and "cpu_only" in fits  # the GPU machine's plans never reached the page


def test_a_recorded_calibration_plans_again(qtbot: QtBot, app_context: AppContext) -> None:
    """A chat reply's measured speed was recorded: the predictions (and the picks built on them) are refreshed."""
    view = CatalogueView(app_context, downloaded_fn=dict)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.plans_applied == 1, timeout=20_000)
    with qtbot.waitSignal(view.plans_ready, timeout=20_000):
        app_context.hardware.note_calibration()
    assert view.plans_applied == 2


def test_language_switch_retranslates_the_pages_without_restart(
    qtbot: QtBot, app_context: AppContext, chinese_ready: Path
) -> None:
    from modelnest.gui.app import apply_language
    from modelnest.gui.downloads_panel import DownloadsPanel
    from modelnest.gui.hardware_card import HardwareCard

    app_context.settings.language_changed.connect(apply_language)
    card = HardwareCard(app_context, measure_if_missing=False)
    view = CatalogueView(app_context, downloaded_fn=dict)
    downloads = DownloadsPanel(app_context)
    qtbot.addWidget(card)
    qtbot.addWidget(view)
    qtbot.addWidget(downloads)
    empty = downloads.empty_label.text()
    card.show()
    qtbot.waitUntil(lambda: view.plans_applied == 1 and card.headline is not None, timeout=20_000)
    assert view.select_model("qwen2.5-7b-instruct")
    english = {
        "tab": view.tabs.tabText(0), "refresh": view.refresh_button.text(),
        "rule": view.recommend_panel.title_label.text(),
        "header": view.curated.proxy.headerData(0, Qt.Orientation.Horizontal), "fit": view.curated.fit_boxes[
            "full_gpu"].text(), "detail": view.curated.detail.title(), "tier": card.findChild(QLabel, "tier").text(),
        "cpu": card._cpu_box.title(),
    }
    assert english["tab"] == "Curated models" and english["cpu"] == "Processor"
    app_context.settings.set_language("zh_CN")
    # Qt posts LanguageChange to each window; wait until both have handled it.
    qtbot.waitUntil(lambda: view.refresh_button.text() != english["refresh"] and card._cpu_box.title() != "Processor",
                    timeout=5_000)
    chinese = {
        "tab": view.tabs.tabText(0), "refresh": view.refresh_button.text(),
        "rule": view.recommend_panel.title_label.text(),
        "header": view.curated.proxy.headerData(0, Qt.Orientation.Horizontal), "fit": view.curated.fit_boxes[
            "full_gpu"].text(), "detail": view.curated.detail.title(), "tier": card.findChild(QLabel, "tier").text(),
        "cpu": card._cpu_box.title(),
    }
    changed = {k for k in english if english[k] != chinese[k]}
    # Every text whose translation exists changed at once; the tier line is built from the snapshot again.
    assert {"refresh", "rule", "header", "cpu", "tier"} <= changed, (english, chinese)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese["cpu"])
    qtbot.waitUntil(lambda: downloads.empty_label.text() != empty, timeout=5_000)  # the downloads page too
    app_context.settings.set_language("en")
    qtbot.waitUntil(lambda: view.refresh_button.text() == english["refresh"] and card._cpu_box.title() == "Processor",
                    timeout=5_000)
    assert view.tabs.tabText(0) == "Curated models"
    qtbot.waitUntil(lambda: downloads.empty_label.text() == empty, timeout=5_000)
    assert view.refresh_button.text() == english["refresh"] and card.findChild(QLabel, "tier").text() == english["tier"]


def test_the_page_can_be_looked_at(qtbot: QtBot, machine_context: MachineContext, tmp_path: Path) -> None:
    view = make_view(qtbot, machine_context, "gtx1660_desktop")
    view.show()
    view.show_recommendation()
    shot = tmp_path / "catalogue.png"
    assert view.grab().save(str(shot)) and shot.stat().st_size > 10_000


# --- hub search and refresh, against the local hub server ------------------------------------------------------------


class _SearchHandler(_HubHandler):
    """The hub server plus GET /api/models (huggingface_hub list_models: filter, search, sort, limit)."""

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        if unquote(parts.path) != "/api/models":
            return super()._dispatch()
        q = parse_qs(parts.query)
        search = (q.get("search") or [""])[0].lower()
        rows = [{"id": r, "modelId": r, "downloads": 3, "likes": 0, "tags": ["gguf"]}
                for r in sorted(self.hub.repos) if search in r.lower()]
        self._send_json(200, rows)


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("modelnest.core.download.hub.METADATA_RETRY_DELAY", 0.01)
    server = HubServer(tmp_path / "hub-files")

    class Handler(_SearchHandler):
        hub = server

    server._httpd = _QuietServer(("127.0.0.1", 0), Handler)
    server._thread = threading.Thread(target=server._httpd.serve_forever, args=(0.05,), daemon=True)
    server._thread.start()
    monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
    yield server
    server.stop()


def test_hub_search_lists_quants_and_checks_fit_from_the_header(
    qtbot: QtBot, machine_context: MachineContext, hub: HubServer, tiny_models: dict[str, Path]
) -> None:
    hub.add_file("acme/tiny-GGUF", "tiny-Q4_K_M.gguf", path=tiny_models["Q4_K_M"])
    hub.add_file("acme/tiny-GGUF", "tiny-Q8_0-00001-of-00002.gguf", path=tiny_models["Q8_0"])
    hub.add_file("acme/tiny-GGUF", "tiny-Q8_0-00002-of-00002.gguf", size=1000, seed=3)
    view = make_view(qtbot, machine_context, "i7_no_gpu_16gb")
    view.tabs.setCurrentIndex(1)
    view.hub.hub_edit.setText("tiny")
    view.hub.hub_button.click()
    qtbot.waitUntil(lambda: view.hub.hub_results.count() == 1, timeout=10_000)
    view.hub.hub_results.setCurrentRow(0)
    qtbot.waitUntil(lambda: view.hub.hub_files.rowCount() == 2, timeout=10_000)
    assert [view.hub.hub_files.item(i, 0).text() for i in range(2)] == ["Q4_K_M", "Q8_0"]
    assert view.hub.hub_files.item(1, 2).text() == "2"  # two split parts, one model
    view.hub.hub_files.selectRow(0)
    view.hub.hub_check.click()
    qtbot.waitUntil(lambda: view.hub.hub_files.item(0, 3) is not None and view.hub.hub_files.item(0, 3).text() != "",
                    timeout=10_000)
    assert view.hub.hub_files.item(0, 3).text() == "Runs on CPU" and "t/s" in view.hub.hub_files.item(0, 5).text()
    assert view.hub.hub_files.item(0, 4).text().endswith("MiB")
    assert "of the file's header" in view.hub.hub_status.text()
    assert all(r.range for r in hub.gets_for("tiny-Q4_K_M.gguf"))  # header only, by Range
    with qtbot.waitSignal(view.download_requested) as sig:
        view.hub.hub_download.click()
    assert sig.args == ["acme/tiny-GGUF", "Q4_K_M", "tiny-Q4_K_M.gguf"]


def test_refresh_from_the_page(
    qtbot: QtBot, machine_context: MachineContext, hub: HubServer, tiny_models: dict[str, Path]
) -> None:
    hub.add_file("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf", path=tiny_models["Q4_K_M"])
    view = make_view(qtbot, machine_context, "i7_no_gpu_16gb")
    assert "(bundled)" in view.snapshot_label.text()
    view.refresh_button.click()
    qtbot.waitUntil(lambda: not view.busy, timeout=60_000)
    assert "Refreshed 1 of" in view.status_label.text()
    assert hub.endpoint in view.snapshot_label.text() and load_catalogue().source == f"hub {hub.endpoint}"
    view.select_model("qwen2.5-0.5b-instruct")
    assert "estimate" not in view.curated.detail.d_size.text()  # the real size from the hub now


def test_refresh_offline_says_so_and_keeps_the_bundle(
    qtbot: QtBot, machine_context: MachineContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    view = make_view(qtbot, machine_context, "i7_no_gpu_16gb")
    view.refresh_button.click()
    qtbot.waitUntil(lambda: not view.busy, timeout=10_000)
    assert "Refresh failed" in view.status_label.text() and "Offline" in view.status_label.text()
    assert "(bundled)" in view.snapshot_label.text() and view.refresh_button.isEnabled()
    json.dumps(view.catalogue.to_json())  # still a whole catalogue


def test_download_from_the_catalogue_lands_in_the_downloads_panel(
    qtbot: QtBot, app_context: AppContext, hub: HubServer, tiny_models: dict[str, Path]
) -> None:
    from modelnest.gui.app import build_main_window
    from modelnest.gui.downloads_panel import DownloadsPanel

    hub.add_file("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf", path=tiny_models["Q4_K_M"])
    window = build_main_window(app_context)
    qtbot.addWidget(window)
    keys = window._keys
    assert keys.index("catalogue") == keys.index("hardware") + 1 and "downloads" in keys
    view: CatalogueView = window.page("catalogue")  # type: ignore[assignment]
    panel: DownloadsPanel = window.page("downloads")  # type: ignore[assignment]
    try:
        qtbot.waitUntil(lambda: view.plans_applied >= 1, timeout=30_000)
        assert view.select_model("qwen2.5-0.5b-instruct")
        row = view.current_row()
        view.curated.detail.quant_slider.setValue(row.model.quants.index("Q4_K_M"))  # type: ignore[union-attr]
        with qtbot.waitSignal(panel.model_installed, timeout=30_000):
            view.curated.detail.download_button.click()
        assert window.current_page_key() == "downloads"
        qtbot.waitUntil(
            lambda: "Q4_K_M" in view.downloaded.get("Qwen/Qwen2.5-0.5B-Instruct-GGUF", set()), timeout=10_000
        )
        assert "on disk" in view.curated.detail.quant_label.text()
    finally:
        panel.shutdown()
        chat = window.page("chat")
        if hasattr(chat, "shutdown"):
            chat.shutdown()


def test_models_on_this_computer_are_validated_planned_and_listed(
    qtbot: QtBot, tmp_path: Path, machine_context: MachineContext, tiny_models: dict[str, Path]
) -> None:
    import shutil

    from modelnest.core import paths
    from modelnest.core.catalogue.library import scan_library

    ours = paths.models_dir() / "acme__tiny-GGUF" / "tiny-Q4_K_M.gguf"
    ours.parent.mkdir(parents=True)
    shutil.copyfile(tiny_models["Q4_K_M"], ours)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "broken.gguf").write_bytes(b"GGUF" + b"\x00" * 10)
    view = make_view(
        qtbot,
        machine_context,
        "i7_no_gpu_16gb",
        library_fn=lambda: scan_library(locations=[], hf_cache_dir=tmp_path / "no-hf"),
    )
    view.tabs.setCurrentIndex(2)
    view.library.library_scan.click()
    qtbot.waitUntil(
        lambda: view.library.library_scan.isEnabled() and view.library.library_table.rowCount() == 1, timeout=10_000
    )
    assert view.library.library_table.item(0, 0).text() == "tiny-random-llama · Q4_K_M"  # name, not file name
    assert (
        view.library.library_table.item(0, 3).text() == "Runs on CPU"
        and "t/s" in view.library.library_table.item(0, 4).text()
    )
    view.library.add_folder(str(tmp_path / "not-there"))
    assert "not a folder" in view.library.library_status.text()
    view.library.add_folder(str(mine))
    qtbot.waitUntil(
        lambda: view.library.library_scan.isEnabled() and view.library.library_table.rowCount() == 2, timeout=10_000
    )
    rows = {view.library.library_table.item(i, 0).text(): i for i in range(2)}
    broken = rows["broken"]  # unreadable header: named from its file name
    assert view.library.library_table.item(broken, 3).text().startswith("Not runnable:")
    assert view.library.library_table.item(broken, 1).text() == "added folder"
    assert view.library.library_status.text() == "2 models found, 1 runnable."
