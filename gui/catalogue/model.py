"""Qt models for the catalogue: a table of entries (one row per model, at its chosen quantization) and a fast
filter/sort proxy.

The proxy is a QAbstractProxyModel over a row order computed in Python with precomputed keys, not a
QSortFilterProxyModel: that class calls back into Python (lessThan / data()) for every comparison, which on 5,000
rows costs hundreds of milliseconds per sort; one `list.sort(key=...)` costs a few (benchmarks/catalogue_filter.py
prints both).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, overload

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QAbstractProxyModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from modelnest.core.catalogue import CatalogueModel, FitResult, quant_info
from modelnest.core.catalogue.quality import USE_FIELD, Figure, QualityTable, comparison_evaluation, load_quality
from modelnest.core.plan.fit import fit_color, fit_label
from modelnest.core.units import format_bytes, format_params, format_tokens_per_s
from modelnest.gui.i18n import tr_text

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the CatalogueRow object
FIT_ROLE = Qt.ItemDataRole.UserRole + 2  # "full_gpu" | ... | None until the plans are in

# Fit, memory and speed come right after the model: they are what a user compares, and they stay in view
# when a narrow window scrolls the rest of the table sideways. "quality" is the published figure for the use chosen
# on the page (the recommendation's use).
COLUMNS = ("model", "params", "quant", "fit", "memory", "speed", "quality", "size", "tasks", "license",
           "downloaded")
# The catalogue data's task tags, shown in the user's language (a tag not listed here is shown as it is).
TASK_NAMES = {
    "chat": QT_TRANSLATE_NOOP("CatalogueTableModel", "chat"),
    "code": QT_TRANSLATE_NOOP("CatalogueTableModel", "code"),
    "reasoning": QT_TRANSLATE_NOOP("CatalogueTableModel", "reasoning"),
    "vision": QT_TRANSLATE_NOOP("CatalogueTableModel", "vision"),
}


# core's quantization notes (core/catalogue/quants.py, no Qt there) written out so lupdate extracts them; shown through
# quant_note(), and tests/gui/test_translations.py checks that every note of core is listed here. The context stays
# "CatalogueView", where the translations of these notes already are.
QUANT_NOTES = (
    QT_TRANSLATE_NOOP("CatalogueView", "very large quality loss; only for machines that can fit nothing larger"),
    QT_TRANSLATE_NOOP("CatalogueView", "large quality loss; a last resort when nothing larger fits"),
    QT_TRANSLATE_NOOP("CatalogueView", "noticeable quality loss"),
    QT_TRANSLATE_NOOP("CatalogueView", "noticeable quality loss, a bit less than Q3_K_M"),
    QT_TRANSLATE_NOOP("CatalogueView", "noticeable quality loss; fine for casual chat"),
    QT_TRANSLATE_NOOP("CatalogueView", "some quality loss"),
    QT_TRANSLATE_NOOP("CatalogueView", "small quality loss, smaller than Q4_K_M"),
    QT_TRANSLATE_NOOP("CatalogueView", "older 4-bit format; a little worse than Q4_K_M, fast on CPUs"),
    QT_TRANSLATE_NOOP("CatalogueView", "small quality loss"),
    QT_TRANSLATE_NOOP("CatalogueView", "small quality loss; the usual balance of size and quality"),
    QT_TRANSLATE_NOOP("CatalogueView", "very small quality loss (older format)"),
    QT_TRANSLATE_NOOP("CatalogueView", "very small quality loss"),
    QT_TRANSLATE_NOOP("CatalogueView", "almost indistinguishable from the original"),
    QT_TRANSLATE_NOOP("CatalogueView", "practically lossless; about twice the size of Q4"),
    QT_TRANSLATE_NOOP("CatalogueView", "original weights; largest and slowest"),
    QT_TRANSLATE_NOOP("CatalogueView", "full precision; rarely worth it for running a model"),
)


def quant_note(quant: str) -> str:
    """What a quantization costs in quality, in the UI language ("" for an unknown one)."""
    info = quant_info(quant)
    if info is None:
        return ""
    note = info.note
    return tr_text(note) if not isinstance(note, str) else QCoreApplication.translate("CatalogueView", note)


def quant_loss_text(quant: str, table: QualityTable | None = None) -> str:
    """llama.cpp's measured loss of this quantization with its source, in the UI language ("" when unmeasured)."""
    loss = (table or load_quality()).quant_loss(quant)
    if loss is None:
        return ""
    if loss.ppl_increase <= 0:
        return QCoreApplication.translate(
            "CatalogueView", "{0}: no measurable perplexity increase over the 16-bit weights ({1}, measured by "
            "llama.cpp: {2})").format(loss.quant, loss.reference, loss.url)
    return QCoreApplication.translate(
        "CatalogueView", "{0}: perplexity +{1:.4f} over the 16-bit weights ({2:.2%} worse), {3}, measured by "
        "llama.cpp: {4}").format(loss.quant, loss.ppl_increase, loss.relative, loss.reference, loss.url)


def tasks_text(tasks: Iterable[str]) -> str:
    """"chat, code" in the UI language."""
    names = (QCoreApplication.translate("CatalogueTableModel", str(TASK_NAMES[t])) if t in TASK_NAMES else t
             for t in tasks)
    return QCoreApplication.translate("CatalogueTableModel", ", ", "separator of a list of task names").join(names)


@dataclass
class CatalogueRow:
    """One catalogue entry at its currently chosen quantization, with the planner's answer for each quant."""

    model: CatalogueModel
    quant: str
    plans: dict[str, FitResult | None] = field(default_factory=dict)
    downloaded_quants: set[str] = field(default_factory=set)
    figure: Figure | None = None  # the published figure for the page's use (set by the table model)
    comparable: bool = False  # the figure is from the one evaluation (benchmark, source) the column compares on
    _sizes: dict[str, tuple[int | None, bool]] = field(default_factory=dict, repr=False, compare=False)
    _hay: str | None = field(default=None, repr=False, compare=False)

    @property
    def plan(self) -> FitResult | None:
        return self.plans.get(self.quant)

    @property
    def fit(self) -> str | None:
        p = self.plan
        return p.fit if p else None

    @property
    def size(self) -> tuple[int | None, bool]:
        """(bytes, is_estimate), cached per quant: sorting by size reads it thousands of times."""
        cached = self._sizes.get(self.quant)
        if cached is None:
            f = self.model.file_for(self.quant)
            cached = f.size_or_estimate(self.model.n_params) if f else (None, True)
            self._sizes[self.quant] = cached
        return cached

    @property
    def speed(self) -> float | None:
        p = self.plan
        return p.decode_tps if p else None

    @property
    def quality(self) -> tuple[int, float]:
        """Sort key, best first when sorted descending: figures from the compared evaluation, then others, then none
        (published scores are never compared across benchmarks or sources)."""
        if self.figure is None:
            return (0, 0.0)
        return (2 if self.comparable else 1, self.figure.score)

    @property
    def haystack(self) -> str:
        """Lower-case text the search box matches (cached: it never changes for a row)."""
        if self._hay is None:
            self._hay = f"{self.model.name} {self.model.repo} {self.model.family}".lower()
        return self._hay

    @property
    def downloaded(self) -> bool:
        return bool(self.downloaded_quants)


def fit_name(fit: str | None, experts_in_ram: bool = False) -> str:
    """The fit badge's label in the UI language ("" while the plans are not in)."""
    return tr_text(fit_label(fit, experts_in_ram)) if fit else ""


def speed_text(p: FitResult | None) -> str:
    """"8.0–12 t/s": the predicted decode range (one decimal below 10, where it matters)."""
    if p is None or p.decode_tps is None:
        return ""
    low = p.decode_low if p.decode_low is not None else p.decode_tps
    high = p.decode_high if p.decode_high is not None else p.decode_tps
    return format_tokens_per_s(low, high)


class CatalogueTableModel(QAbstractTableModel):
    """Rows are CatalogueRow objects; changing a row's quantization updates its size, badge, memory and speed."""

    def __init__(self, rows: Iterable[CatalogueRow] = (), parent: QObject | None = None, *,
                 use: str = "chat", quality: QualityTable | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CatalogueRow] = list(rows)
        self.quality_table = quality or load_quality()
        self.use = use
        # The one evaluation (benchmark, quality.json source id) the quality column compares on: the recommender's
        # for this use once it has chosen (set_evaluation), else the same rule (comparison_evaluation) over every
        # row. The same benchmark name from another source is a different scale, so it is never "comparable".
        self.evaluation: tuple[str, str] | None = None
        self._pinned = False  # the evaluation is the recommender's, not this table's own choice
        self._set_figures()

    @property
    def benchmark(self) -> str | None:
        return self.evaluation[0] if self.evaluation else None

    @property
    def source(self) -> str | None:
        return self.evaluation[1] if self.evaluation else None

    def _set_figures(self) -> None:
        table, field = self.quality_table, USE_FIELD.get(self.use, "general")
        if not self._pinned:
            self.evaluation = comparison_evaluation(table, [r.model.id for r in self._rows], field,
                                                    {r.model.id: r.model.n_params for r in self._rows})
        for r in self._rows:
            figures = table.figures_for(r.model.id, field)
            same = table.figure(r.model.id, field, *self.evaluation) if self.evaluation else None
            # Not in the compared evaluation: the same benchmark from another source if it has one, else its first
            # figure; shown in parentheses as not comparable.
            other = next((f for f in figures if f.benchmark == self.benchmark), figures[0] if figures else None)
            r.figure = same or other
            r.comparable = same is not None

    def set_use(self, use: str) -> None:
        """The page's use changed: the quality column shows that use's figures (header and cells), compared on this
        table's own choice of evaluation until the recommender's arrives (set_evaluation)."""
        if use == self.use:
            return
        self.use = use
        self._pinned = False
        self._set_figures()
        self._quality_changed()

    def set_evaluation(self, use: str, benchmark: str | None, source: str | None) -> None:
        """The recommender compared ``use`` on (benchmark, source): the column compares on the same evaluation, so a
        cell is "comparable" exactly when that model could be ranked. None: it had none; this table chooses. Picks
        for another use than the one shown are ignored."""
        evaluation = (benchmark, source) if benchmark and source else None
        if use != self.use:
            return  # picks for a use no longer shown (the new use's picks follow)
        if self._pinned == (evaluation is not None) and (evaluation is None or evaluation == self.evaluation):
            return
        self._pinned = evaluation is not None
        self.evaluation = evaluation
        self._set_figures()
        self._quality_changed()

    def _quality_changed(self) -> None:
        col = COLUMNS.index("quality")
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, col, col)
        if self._rows:
            self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))

    def _header(self, column: str) -> str:
        # Looked up on every call, so a language change only needs headerDataChanged (see retranslate).
        headers = {
            "model": self.tr("Model"), "params": self.tr("Parameters"), "quant": self.tr("Quantization"),
            "size": self.tr("File size (≈ estimate)"), "fit": self.tr("Fit"), "memory": self.tr("Memory needed"),
            "speed": self.tr("Speed (predicted)"), "tasks": self.tr("Tasks"), "license": self.tr("License"),
            "downloaded": self.tr("On disk"), "quality": self.tr("Quality"),
        }
        return headers[column]

    def use_name(self) -> str:
        names = {"chat": self.tr("general chat"), "coding": self.tr("coding"), "chinese": self.tr("Chinese"),
                 "reasoning": self.tr("reasoning")}
        return names.get(self.use, self.use)

    def retranslate(self) -> None:
        """The UI language changed: every header and cell is drawn again (their texts are built on demand)."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    # --- contents ----------------------------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[CatalogueRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._set_figures()
        self.endResetModel()

    def rows(self) -> list[CatalogueRow]:
        return self._rows

    def row_object(self, row: int) -> CatalogueRow:
        return self._rows[row]

    def set_quant(self, row: int, quant: str) -> None:
        r = self._rows[row]
        if quant == r.quant or quant not in r.model.quants:
            return
        r.quant = quant
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def update_plans(self, plans: dict[tuple[str, str], FitResult | None], downloaded: dict[str, set[str]]) -> None:
        """New planner answers (e.g. once the hardware probe finished): every row changes, order may too."""
        self.beginResetModel()
        for r in self._rows:
            r.plans = {q: plans.get((r.model.id, q)) for q in r.model.quants}
            r.downloaded_quants = set(downloaded.get(r.model.repo, set()))
        self.endResetModel()

    # --- Qt API -------------------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return self._header(COLUMNS[section])
        if horizontal and role == Qt.ItemDataRole.ToolTipRole and 0 <= section < len(COLUMNS):
            return self.quality_header_tooltip() if COLUMNS[section] == "quality" else None
        return None

    def quality_header_tooltip(self) -> str:
        if self.evaluation is None:
            return self.tr("No model here has a published figure for {0}.").format(self.use_name())
        return self.tr("Published {0} score for {1} from one evaluation: {2}. Only figures from that source are "
                       "compared (the recommendation compares the same). In parentheses: a figure from another "
                       "benchmark or source, not comparable. \u2014: no published figure.").format(
            self.benchmark, self.use_name(), self._evaluation_source())

    def _evaluation_source(self) -> str:
        """"the technical report, https://…": where the compared evaluation was published (its source id if no row
        carries a figure from it, which cannot happen for an evaluation chosen from these rows)."""
        field = USE_FIELD.get(self.use, "general")
        fig = next((f for r in self._rows for f in self.quality_table.figures_for(r.model.id, field)
                    if self.evaluation and (f.benchmark, f.source) == self.evaluation), None)
        if fig is None:
            return self.source or ""
        return self.tr("{0}, {1}").format(self._source_kind(fig.source_kind), fig.url)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) or not (0 <= index.column() < len(COLUMNS)):
            return None
        r = self._rows[index.row()]
        col = COLUMNS[index.column()]
        if role == ROW_ROLE:
            return r
        if role == FIT_ROLE:
            return r.fit
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, col)
        if role == Qt.ItemDataRole.ForegroundRole and col == "fit" and r.fit:
            return QColor(fit_color(r.fit))
        return None

    def _display(self, r: CatalogueRow, col: str) -> str:
        m = r.model
        if col == "model":
            return m.name
        if col == "params":
            return format_params(m.n_params)
        if col == "quant":
            return r.quant
        if col == "size":
            size, estimated = r.size
            if size is None:
                return ""
            return f"≈{format_bytes(size)}" if estimated else format_bytes(size)
        if col == "fit":
            return fit_name(r.fit, r.plan.experts_in_ram if r.plan is not None else False)
        if col == "memory":
            p = r.plan
            return format_bytes(p.total_bytes) if p else ""
        if col == "speed":
            return speed_text(r.plan)
        if col == "quality":
            # Narrow on purpose (the model name needs the room): the benchmark and source are in the tooltip and
            # the header's; a figure on another benchmark is in parentheses (not comparable), none is a dash.
            f = r.figure
            if f is None:
                return "\u2014"
            return f"{f.score:.1f}" if r.comparable else f"({f.score:.1f})"
        if col == "tasks":
            return tasks_text(m.tasks)
        if col == "license":
            return m.license
        if col == "downloaded":
            return self.tr("yes") if r.downloaded else ""
        return ""

    def _tooltip(self, r: CatalogueRow, col: str) -> str | None:
        if col == "model":
            return f"{r.model.repo}\n{', '.join(r.model.languages)}"
        if col == "quant":
            lines = [quant_note(r.quant), quant_loss_text(r.quant, self.quality_table)]
            return "\n".join(line for line in lines if line) or None
        if col == "quality":
            return self.quality_tooltip(r)
        if col == "size" and r.size[1]:
            return self.tr("Estimate from the parameter count and the quantization's bits per weight; "
                           "refresh the catalogue from the hub for the real size.")
        if col == "speed" and r.plan is not None:
            return self.tr("Predicted decode speed on this computer, based on {0} calibration run(s).").format(
                r.plan.calibration_runs)
        return None

    def quality_tooltip(self, r: CatalogueRow) -> str:
        """The figure's benchmark, source and how it compares; or why there is none."""
        f = r.figure
        if f is None:
            return self.tr("No published figure for {0} for this model: it is not ranked by an invented one.").format(
                self.use_name())
        setting = f" ({f.setting})" if f.setting else ""
        text = self.tr("{0} {1:g}{2} for {3}, from the {4}: {5}").format(
            f.benchmark, f.score, setting, self.use_name(), self._source_kind(f.source_kind), f.url)
        if not r.comparable and self.evaluation:
            text += "\n" + self.tr("Not comparable: the models are compared on {0} from {1}, and this model is not "
                                   "in that evaluation.").format(self.benchmark, self._evaluation_source())
        loss = self.quality_table.quant_loss(r.quant)
        if loss is not None:
            text += "\n" + self.tr("At {0}: about {1:.3g} expected (published score \u00d7 (1 \u2212 relative "
                                   "perplexity increase); an approximation, not a measurement).").format(
                r.quant, loss.apply(f.score))
        return text

    def _source_kind(self, kind: str) -> str:
        kinds = {"model card": self.tr("model card"), "technical report": self.tr("technical report"),
                 "leaderboard": self.tr("leaderboard"), "blog": self.tr("blog")}
        return kinds.get(kind, kind)


class CatalogueFilterProxy(QAbstractProxyModel):
    """Filters and sorts the table model; recomputes its row order in one pass whenever a filter or the sort changes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fits: set[str] = {"full_gpu", "partial_gpu", "cpu_only"}  # "too_large" shown only when asked for
        self.min_params: float = 0.0  # billions
        self.max_params: float = math.inf
        self.task: str | None = None
        self.language: str | None = None
        self.license: str | None = None
        self.downloaded_only = False
        self.text = ""
        self.sort_key = "popularity"
        self._order: list[int] = []
        self._inverse: dict[int, int] = {}
        self._table: CatalogueTableModel | None = None  # the source model, typed

    # --- configuration -------------------------------------------------------------------------------------------

    def setSourceModel(self, source: QAbstractItemModel) -> None:  # noqa: N802
        if not isinstance(source, CatalogueTableModel):
            raise TypeError("CatalogueFilterProxy filters a CatalogueTableModel")
        old = self._table
        if old is not None:
            old.modelReset.disconnect(self._source_reset)
            old.dataChanged.disconnect(self._source_data_changed)
        self.beginResetModel()
        self._table = source
        super().setSourceModel(source)
        source.modelReset.connect(self._source_reset)
        source.dataChanged.connect(self._source_data_changed)
        self._compute()
        self.endResetModel()

    def configure(self, **settings: Any) -> None:
        """Change any filter/sort attribute(s) and recompute once."""
        for key, value in settings.items():
            if not hasattr(self, key) or key.startswith("_"):
                raise AttributeError(key)
            setattr(self, key, value)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the order as a layout change (what QSortFilterProxyModel.invalidate() does): persistent indexes
        (the view's selection and current row) follow their rows, and the view is not reset."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        sources = [(self._order[i.row()] if 0 <= i.row() < len(self._order) else -1, i.column()) for i in old]
        self._compute()
        new = [self.createIndex(self._inverse[src], col) if src in self._inverse else QModelIndex()
               for src, col in sources]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _source_reset(self) -> None:
        self.beginResetModel()
        self._compute()
        self.endResetModel()

    def _accepts(self, r: CatalogueRow) -> bool:
        m = r.model
        fit = r.fit
        if fit is not None and fit not in self.fits:
            return False
        billions = m.n_params / 1e9
        if billions < self.min_params or billions > self.max_params:
            return False
        if self.task and self.task not in m.tasks:
            return False
        if self.language and self.language not in m.languages:
            return False
        if self.license and m.license != self.license:
            return False
        if self.downloaded_only and not r.downloaded_quants:
            return False
        if self.text:
            hay = r.haystack
            if any(word not in hay for word in self.text.lower().split()):
                return False
        return True

    def _key(self) -> Any:
        if self.sort_key == "speed":  # fastest first; unknown speeds last
            return lambda r: -(r.speed if r.speed is not None else -1.0)
        if self.sort_key == "size":  # smallest first
            return lambda r: (r.size[0] if r.size[0] is not None else math.inf)
        if self.sort_key == "quality":  # best first: figures on the compared benchmark, then others, then none
            return lambda r: (-r.quality[0], -r.quality[1], r.model.popularity_rank)
        # Hub downloads when known, else the curated order.
        return lambda r: (-(r.model.downloads or 0), r.model.popularity_rank)

    def _compute(self) -> None:
        rows = self._table.rows() if self._table is not None else []
        accepted = [i for i, r in enumerate(rows) if self._accepts(r)]
        key = self._key()
        accepted.sort(key=lambda i: key(rows[i]))
        self._order = accepted
        self._inverse = {src: proxy for proxy, src in enumerate(accepted)}

    def _source_data_changed(self, top: QModelIndex, bottom: QModelIndex, roles: list[int] = []) -> None:  # noqa: B006
        # Keep the order while the user moves a quantization slider (rows do not jump away); forward the change.
        for src_row in range(top.row(), bottom.row() + 1):
            proxy_row = self._inverse.get(src_row)
            if proxy_row is not None:
                self.dataChanged.emit(self.index(proxy_row, top.column()), self.index(proxy_row, bottom.column()),
                                      roles)

    # --- mapping -------------------------------------------------------------------------------------------------

    def source_row(self, proxy_row: int) -> int:
        return self._order[proxy_row]

    def mapToSource(self, proxy: Index) -> QModelIndex:  # noqa: N802
        source = self.sourceModel()
        if source is None or not proxy.isValid() or not (0 <= proxy.row() < len(self._order)):
            return QModelIndex()
        return source.index(self._order[proxy.row()], proxy.column())

    def mapFromSource(self, src: Index) -> QModelIndex:  # noqa: N802
        if not src.isValid():
            return QModelIndex()
        row = self._inverse.get(src.row())
        return QModelIndex() if row is None else self.index(row, src.column())

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._order)) or not (0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    @overload
    def parent(self) -> QObject | None: ...

    @overload
    def parent(self, child: Index) -> QModelIndex: ...

    def parent(self, child: Index | None = None) -> QObject | QModelIndex | None:
        """No argument: the QObject parent (as for every QObject); with an index: none, the table is flat."""
        if child is None:
            return super().parent()
        return QModelIndex()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        source = self.sourceModel()
        return 0 if parent.isValid() or source is None else source.columnCount()

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and bool(self._order)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        source = self.sourceModel()
        if source is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return source.headerData(section, orientation, role)
        return None

    def row_object(self, proxy_row: int) -> CatalogueRow:
        assert self._table is not None
        return self._table.row_object(self._order[proxy_row])

    def proxy_row_of(self, model_id: str) -> int | None:
        rows = self._table.rows() if self._table is not None else []
        for proxy_row, src in enumerate(self._order):
            if rows[src].model.id == model_id:
                return proxy_row
        return None
