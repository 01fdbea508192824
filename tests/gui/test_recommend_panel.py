"""The Models page's recommendations and the hardware card's headline, with real widgets on recorded machines:
the real planner and recommender, real settings and calibration files in the test's own folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from modelnest.core.catalogue import load_catalogue
from modelnest.core.catalogue.recommend import Recommendations, headline
from modelnest.core.chat.settings import SettingsStore
from modelnest.core.plan.calibration import Calibration, run_class
from modelnest.core.units import format_tokens_per_s
from modelnest.gui.catalogue import CatalogueView
from modelnest.gui.catalogue.model import COLUMNS
from modelnest.gui.context import AppContext
from modelnest.gui.hardware_card import HardwareCard
from modelnest.gui.i18n import tr_text

pytestmark = [pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]
MachineContext = Callable[..., AppContext]


def page(qtbot: QtBot, ctx: AppContext) -> CatalogueView:
    """The Models page once its first picks are shown."""
    view = CatalogueView(ctx, downloaded_fn=dict)
    qtbot.addWidget(view)
    view.resize(1200, 780)
    qtbot.waitUntil(lambda: view.recommendations_shown >= 1, timeout=30_000)
    return view


def keys(recs: Recommendations | None) -> list[tuple[str, str]]:
    assert recs is not None
    return [(p.model_id, p.quant) for p in recs.picks]


def next_picks(qtbot: QtBot, view: CatalogueView, action: Callable[[], None]) -> Recommendations:
    """Do something and wait for the picks it causes."""
    shown = view.recommendations_shown
    action()
    qtbot.waitUntil(lambda: view.recommendations_shown > shown, timeout=30_000)
    assert view.recommendations is not None
    return view.recommendations


def choose_use(view: CatalogueView, use: str) -> None:
    """What picking an entry of the combo box does (activated is the user's signal, not setCurrentIndex's)."""
    combo = view.recommend_panel.use_combo
    index = combo.findData(use)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def saved(ctx: AppContext) -> object:
    """The settings as they are on disk (what the next start reads)."""
    return SettingsStore(ctx.settings.store.path).load().settings


def slow_down_every_cpu_run(factor: float) -> None:
    """Calibration records saying real runs on this computer were ``factor`` times the prediction, in every class a
    CPU-only catalogue file is in (what chatting records after each reply)."""
    cal = Calibration.default()
    classes = {run_class("cpu", 0, m.architecture.n_layer, q, moe) for m in load_catalogue().models
               for q in m.quants for moe in (False, True)}
    for klass in sorted(classes):
        cal.record(klass, 10.0, 10.0 * factor, 50.0, 50.0)


def test_the_panel_shows_three_picks_with_why_and_show(qtbot: QtBot, app_context: AppContext) -> None:
    view = page(qtbot, app_context)
    panel = view.recommend_panel
    recs = view.recommendations
    assert recs is not None and recs.use == "chat" and recs.min_tps == 10.0  # the defaults
    assert len(recs.picks) == 3
    for i, pick in enumerate(recs.picks):
        assert panel.name_labels[i].isVisibleTo(panel) and pick.name in panel.name_labels[i].text()
        assert pick.quant in panel.name_labels[i].text()
        why = panel.why_labels[i].text()
        assert why == tr_text(pick.why)
        assert f"{format_tokens_per_s(pick.decode_low, pick.decode_high)} predicted" in why  # labelled a prediction
        assert pick.decode_low >= 10.0  # the rule: the lower predicted speed reaches the threshold
    first = recs.picks[0]
    assert first.why_not_bigger is not None
    assert panel.why_not_label.isVisibleTo(panel) and tr_text(first.why_not_bigger) in panel.why_not_label.text()
    assert not panel.changed_label.isVisibleTo(panel)  # first picks: nothing to compare with
    # "Show" brings that row into view at that quantization.
    for i in (2, 0):
        qtbot.mouseClick(panel.show_buttons[i], Qt.MouseButton.LeftButton)
        row = view.current_row()
        assert row is not None and (row.model.id, row.quant) == (recs.picks[i].model_id, recs.picks[i].quant)
        assert view.curated.detail.row is row


def test_the_use_selector_changes_the_picks_and_is_saved(qtbot: QtBot, machine_context: MachineContext) -> None:
    ctx = machine_context("i7_no_gpu_16gb")
    view = page(qtbot, ctx)
    chat = keys(view.recommendations)
    table = view.curated.table
    col = COLUMNS.index("quality")
    general = [table.index(r, col).data() for r in range(table.rowCount())]
    coding = next_picks(qtbot, view, lambda: choose_use(view, "coding"))
    assert coding.use == "coding" and keys(coding) != chat and coding.picks
    assert ctx.settings.settings.recommend_use == "coding"
    assert saved(ctx).recommend_use == "coding"  # type: ignore[attr-defined]
    # The quality column shows the coding figures now, each with its benchmark.
    assert [table.index(r, col).data() for r in range(table.rowCount())] != general
    best = coding.picks[0]
    row = next(r for r in range(table.rowCount()) if table.row_object(r).model.id == best.model_id)
    figure = table.row_object(row).figure
    assert figure is not None and f"{figure.score:.1f}" in table.index(row, col).data()
    tip = table.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
    assert figure.benchmark in tip and figure.url in tip and "coding" in tip  # the benchmark and its source
    assert str(table.benchmark) in table.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    missing = [r for r in range(table.rowCount()) if table.row_object(r).figure is None]
    assert missing and "No published figure" in table.index(missing[0], col).data(Qt.ItemDataRole.ToolTipRole)
    # A new page (the next start) opens on the saved use.
    again = page(qtbot, ctx)
    assert again.recommend_panel.use == "coding" and keys(again.recommendations) == keys(coding)


def test_the_threshold_changes_the_picks_and_is_saved(qtbot: QtBot, app_context: AppContext) -> None:
    view = page(qtbot, app_context)
    at_10 = view.recommendations
    assert at_10 is not None and at_10.picks
    slowest = min(p.decode_low for p in at_10.picks)
    wanted = float(int(slowest) + 1)  # just above the slowest pick's lower speed: that pick must go
    at_more = next_picks(qtbot, view, lambda: view.recommend_panel.min_tps.setValue(wanted))
    assert at_more.min_tps == wanted and keys(at_more) != keys(at_10)
    assert all(p.decode_low >= wanted for p in at_more.picks)
    assert app_context.settings.settings.recommend_min_tps == wanted
    assert saved(app_context).recommend_min_tps == wanted  # type: ignore[attr-defined]
    assert view.recommend_panel.changed_label.isVisibleTo(view.recommend_panel)
    assert "settings" in view.recommend_panel.changed_label.text()


def test_picks_are_stable_and_say_what_changed(qtbot: QtBot, app_context: AppContext, tmp_path: Path) -> None:
    first = page(qtbot, app_context)
    second = page(qtbot, app_context)  # a second construction with the same inputs: the same picks, no notice
    assert first.recommendations is not None and second.recommendations is not None
    assert keys(first.recommendations) == keys(second.recommendations)
    assert first.recommendations.inputs == second.recommendations.inputs
    panel = second.recommend_panel
    assert not panel.changed_label.isVisibleTo(panel)
    # Planning again with nothing changed: the same picks, still nothing to say.
    same = next_picks(qtbot, second, second.replan)
    assert keys(same) == keys(first.recommendations) and not panel.changed_label.isVisibleTo(panel)
    # Real runs were half as fast as predicted: the picks' speeds fall below the threshold, the picks change, and
    # the panel says that calibration is why.
    slow_down_every_cpu_run(0.5)
    moved = next_picks(qtbot, second, second.replan)
    assert keys(moved) != keys(same)
    assert moved.changed_inputs(same.inputs) == ["calibration"]
    assert panel.changed_label.isVisibleTo(panel)
    assert "calibration" in panel.changed_label.text() and "settings" not in panel.changed_label.text()
    assert all(p.decode_low >= 10.0 for p in moved.picks)


def test_what_changed_is_said_after_a_restart(qtbot: QtBot, app_context: AppContext) -> None:
    # The picks shown last are remembered (core/catalogue/last_picks.py): at the next start the page compares
    # with them, so a changed recommendation says why even before anything changed in this session.
    first = page(qtbot, app_context)
    shown = keys(first.recommendations)
    slow_down_every_cpu_run(0.5)
    restarted = page(qtbot, app_context)  # nothing shown in this session yet
    assert keys(restarted.recommendations) != shown
    panel = restarted.recommend_panel
    assert panel.changed_label.isVisibleTo(panel)
    assert "calibration" in panel.changed_label.text() and "settings" not in panel.changed_label.text()


def test_the_hardware_headline_is_the_planners_pick(qtbot: QtBot, app_context: AppContext) -> None:
    card = HardwareCard(app_context, measure_if_missing=False)
    qtbot.addWidget(card)
    card.resize(1000, 720)
    with qtbot.waitSignal(card.headline_shown, timeout=30_000):
        card.show()
    snapshot = app_context.hardware.snapshot
    assert snapshot is not None
    expected = headline(load_catalogue(), snapshot, min_tps=10.0)
    assert expected.comfortable is not None and expected.largest is not None
    tier = card.findChild(QLabel, "tier")
    assert tier is not None
    text = tier.text()
    for pick in (expected.comfortable, expected.largest):
        speed = format_tokens_per_s(pick.decode_low, pick.decode_high)
        assert f"{pick.name} {pick.quant} at {speed} (predicted)" in text
    assert text.index("Runs comfortably") < text.index("Largest it can load")
    assert expected.comfortable.decode_low >= 10.0
    assert "Runs comfortably" in card.copy_text()
    # A higher threshold (saved on the Models page) names a smaller comfortable model.
    with qtbot.waitSignal(card.headline_shown, timeout=30_000):
        app_context.settings.update(recommend_min_tps=expected.comfortable.decode_low + 1)
    assert card.headline is not None and card.headline.comfortable != expected.comfortable


def test_the_quantization_loss_is_shown_with_its_source(qtbot: QtBot, app_context: AppContext) -> None:
    view = page(qtbot, app_context)
    detail = view.curated.detail
    table = view.curated.table
    loss_q2 = table.quality_table.quant_loss("Q2_K")
    loss_q8 = table.quality_table.quant_loss("Q8_0")
    assert loss_q2 is not None and loss_q8 is not None
    assert view.select_model("llama-3.1-8b-instruct")
    row = view.current_row()
    assert row is not None
    detail.quant_slider.setValue(row.model.quants.index("Q2_K"))
    tip = detail.quant_slider.toolTip()
    assert f"perplexity +{loss_q2.ppl_increase:.4f}" in tip and loss_q2.url in tip and "llama.cpp" in tip
    assert loss_q2.reference in detail.d_quality.toolTip()
    detail.quant_slider.setValue(row.model.quants.index("Q8_0"))  # the tooltip follows the slider
    assert f"perplexity +{loss_q8.ppl_increase:.4f}" in detail.quant_slider.toolTip()
    proxy_row = view.curated.proxy.proxy_row_of(row.model.id)
    assert proxy_row is not None
    quant_tip = view.curated.proxy.index(proxy_row, COLUMNS.index("quant")).data(Qt.ItemDataRole.ToolTipRole)
    assert "Q8_0" in quant_tip and loss_q8.url in quant_tip
