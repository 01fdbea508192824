"""The catalogue table model and its filter/sort proxy: qtmodeltester-valid, every filter and sort key honoured."""

from __future__ import annotations

import pytest
from pytestqt.modeltest import ModelTester

from modelnest.core.catalogue import FitResult, bundled_catalogue
from modelnest.gui.catalogue.model import (
    COLUMNS,
    FIT_ROLE,
    ROW_ROLE,
    CatalogueFilterProxy,
    CatalogueRow,
    CatalogueTableModel,
)


def _rows() -> list[CatalogueRow]:
    return [CatalogueRow(m, m.default_quant()) for m in bundled_catalogue().models]


def _fit(fit: str, tps: float, total: int = 1 << 30) -> FitResult:
    """Hand-written planner answers: inputs for testing the filter logic only (the view shows real planner output)."""
    return FitResult(fit, 0, 4096, total, total, 0, tps, tps * 0.8, tps * 1.2, 0, total, True)


def _names(proxy: CatalogueFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_models_pass_the_model_tester(qtmodeltester: ModelTester) -> None:
    table = CatalogueTableModel(_rows())
    qtmodeltester.check(table)
    proxy = CatalogueFilterProxy()
    proxy.setSourceModel(table)
    qtmodeltester.check(proxy)
    proxy.configure(text="qwen", sort_key="size")
    qtmodeltester.check(proxy)
    table.set_quant(proxy.source_row(0), table.row_object(proxy.source_row(0)).model.quants[-1])
    qtmodeltester.check(proxy)
    table.retranslate()  # a language change redraws every header and cell; the models stay valid
    qtmodeltester.check(table)
    qtmodeltester.check(proxy)


def test_filters(qtbot: object) -> None:
    table = CatalogueTableModel(_rows())
    proxy = CatalogueFilterProxy()
    proxy.setSourceModel(table)
    total = proxy.rowCount()
    assert total == len(bundled_catalogue().models)  # without planner answers nothing is hidden by fit
    proxy.configure(task="code")
    assert proxy.rowCount() < total and all("code" in proxy.row_object(r).model.tasks for r in range(proxy.rowCount()))
    proxy.configure(task=None, language="zh")
    assert all(proxy.row_object(r).model.chinese for r in range(proxy.rowCount()))
    assert "Llama 3.2 3B Instruct" not in _names(proxy)
    proxy.configure(language=None, min_params=1.0, max_params=4.0)
    assert all(1e9 <= proxy.row_object(r).model.n_params <= 4e9 for r in range(proxy.rowCount()))
    assert "Qwen2.5 3B Instruct" in _names(proxy) and "Qwen2.5 7B Instruct" not in _names(proxy)
    proxy.configure(min_params=0.0, max_params=float("inf"), license="mit")
    assert {proxy.row_object(r).model.license for r in range(proxy.rowCount())} == {"mit"}
    proxy.configure(license=None, downloaded_only=True)
    assert proxy.rowCount() == 0
    table.rows()[3].downloaded_quants = {"Q4_K_M"}
    proxy.refresh()
    assert proxy.rowCount() == 1
    proxy.configure(downloaded_only=False, text="gemma 3")
    assert _names(proxy) and all(n.startswith("Gemma 3") for n in _names(proxy))


def test_fit_filters_and_speed_sort() -> None:
    rows = _rows()[:4]
    fits = [("full_gpu", 40.0), ("partial_gpu", 12.0), ("cpu_only", 8.0), ("too_large", 1.0)]
    for r, (fit, tps) in zip(rows, fits, strict=True):
        r.plans = {r.quant: _fit(fit, tps)}
    table = CatalogueTableModel(rows)
    proxy = CatalogueFilterProxy()
    proxy.setSourceModel(table)
    assert [proxy.row_object(i).fit for i in range(proxy.rowCount())] == ["full_gpu", "partial_gpu", "cpu_only"]
    proxy.configure(fits={"full_gpu", "partial_gpu", "cpu_only", "too_large"}, sort_key="speed")
    assert [proxy.row_object(i).speed for i in range(proxy.rowCount())] == [40.0, 12.0, 8.0, 1.0]
    proxy.configure(fits={"cpu_only"})
    assert proxy.rowCount() == 1 and proxy.index(0, 0).data(FIT_ROLE) == "cpu_only"
    fit_col = COLUMNS.index("fit")
    assert proxy.index(0, fit_col).data() == "Runs on CPU"
    assert proxy.index(0, COLUMNS.index("speed")).data() == "6.4–9.6 t/s"


@pytest.mark.parametrize("key", ["size", "quality", "popularity"])
def test_sort_keys_order_rows(key: str) -> None:
    table = CatalogueTableModel(_rows())
    proxy = CatalogueFilterProxy()
    proxy.setSourceModel(table)
    proxy.configure(sort_key=key)
    rows = [proxy.row_object(i) for i in range(proxy.rowCount())]
    if key == "size":
        sizes = [r.size[0] for r in rows]
        assert sizes == sorted(sizes)
    elif key == "quality":
        q = [r.quality for r in rows]
        assert q == sorted(q, reverse=True)
    else:
        ranks = [r.model.popularity_rank for r in rows]
        assert ranks == sorted(ranks)


def test_changing_a_quant_updates_the_row_in_place(qtbot: object) -> None:
    table = CatalogueTableModel(_rows())
    proxy = CatalogueFilterProxy()
    proxy.setSourceModel(table)
    proxy.configure(sort_key="size")
    first = proxy.row_object(0)
    before = proxy.index(0, COLUMNS.index("size")).data()
    changes: list[int] = []
    proxy.dataChanged.connect(lambda tl, br, roles=(): changes.append(tl.row()))
    table.set_quant(proxy.source_row(0), first.model.quants[-1])
    assert changes == [0]  # the row stays where it is while the slider moves
    assert proxy.row_object(0) is first and proxy.index(0, COLUMNS.index("quant")).data() == first.model.quants[-1]
    assert proxy.index(0, COLUMNS.index("size")).data() != before
    assert proxy.index(0, 0).data(ROW_ROLE) is first


def test_the_quality_column_compares_on_one_evaluation_the_recommenders(qtbot: object) -> None:
    """A figure is "comparable" only when it is from the compared (benchmark, source) evaluation: the same
    benchmark name from another source is another scale. The recommender's evaluation replaces the table's own."""
    from PySide6.QtCore import Qt

    from modelnest.core.catalogue.quality import comparison_evaluation, load_quality

    table = CatalogueTableModel(_rows(), use="chat")
    quality = load_quality()
    ids = [r.model.id for r in table.rows()]
    own = comparison_evaluation(quality, ids, "general", {r.model.id: r.model.n_params for r in table.rows()})
    assert own is not None and table.evaluation == own
    by_id = {r.model.id: r for r in table.rows()}
    # Llama 3.1 8B has MMLU-Pro from three sources; Phi-4 mini only from its own card.
    table.set_evaluation("chat", "MMLU-Pro", "phi4mini-card")
    assert (table.benchmark, table.source) == ("MMLU-Pro", "phi4mini-card")
    llama, qwen3 = by_id["llama-3.1-8b-instruct"], by_id["qwen3-8b"]
    assert llama.comparable and llama.figure is not None and llama.figure.source == "phi4mini-card"
    assert llama.figure.score == 44.0  # the card's figure, not Meta's 48.3 under the same benchmark name
    other = by_id["qwen2.5-14b-instruct"]  # MMLU-Pro too, but only from the Qwen2.5 blog: another scale
    assert other.figure is not None and other.figure.benchmark == "MMLU-Pro" and not other.comparable
    assert other.quality[0] < llama.quality[0]  # sorted after every figure of the compared evaluation
    gemma3 = by_id["gemma-3-12b-it"]  # MMLU-Pro from the Gemma 3 report only (another scale): shown, not comparable
    assert not gemma3.comparable and gemma3.figure is not None and gemma3.figure.source == "gemma3-report-2nd"
    col = COLUMNS.index("quality")
    row = table.rows().index(gemma3)
    assert table.index(row, col).data().startswith("(")
    tip = table.index(row, col).data(Qt.ItemDataRole.ToolTipRole)
    assert "phi4mini-card" not in tip and "huggingface.co/microsoft/Phi-4-mini-instruct" in tip  # names the source
    header = table.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "MMLU-Pro" in header and "huggingface.co/microsoft/Phi-4-mini-instruct" in header
    assert qwen3.figure is not None and not qwen3.comparable
    # Picks for a use no longer shown change nothing; a new use goes back to the table's own choice.
    table.set_evaluation("coding", "HumanEval", "qwen25-blog")
    assert (table.use, table.evaluation) == ("chat", ("MMLU-Pro", "phi4mini-card"))
    table.set_use("coding")
    assert table.evaluation == comparison_evaluation(quality, ids, "coding",
                                                     {r.model.id: r.model.n_params for r in table.rows()})
    table.set_evaluation("coding", None, None)  # the recommender compared nothing: the table's own choice stays
    assert table.evaluation is not None
