"""The hardware card: the machine at a glance, what it runs (the planner's headline), live sensors each second, and
"Copy as text".

The card has no probe, thread or timer of its own: the snapshot, the live readings and the RAM speed measurement
come from the one hardware service in the application context (``ctx.hardware``), which the catalogue and the
chat page share, so the machine is probed once and every page shows the same figures.

The headline ("Runs comfortably: … · Largest it can load: …") is core's ``headline``: the planner and the
recommender on the catalogue for this snapshot, at the user's speed threshold; computed in the background, again
when the snapshot (memory speed, speed test) or the threshold changes.
"""

from __future__ import annotations

import functools
import html
import weakref
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from modelnest.core.catalogue.entries import load_catalogue
from modelnest.core.catalogue.fit import DEFAULT_CTX
from modelnest.core.catalogue.recommend import Headline, Pick, headline
from modelnest.core.chat.settings import ChatSettings
from modelnest.core.errors import ModelNestError
from modelnest.core.hardware import (
    HardwareSnapshot,
    SensorReading,
    ThrottleDetector,
    ThrottleVerdict,
)
from modelnest.core.hardware.model import BandwidthInfo
from modelnest.core.messages import Message, Text
from modelnest.core.plan.speedtest import GpuProfile
from modelnest.core.units import format_gib, format_tokens_per_s
from modelnest.gui.background import JobControl
from modelnest.gui.context import AppContext
from modelnest.gui.hardware_service import HardwareService
from modelnest.gui.i18n import tr_text
from modelnest.gui.retranslate import Retranslator

__all__ = ["HardwareCard"]


class _SensorLease:
    """The card's claim on live sensors; released on hide, and also if the card is deleted while shown.

    A deleted widget gets no hide event in Python, so ``destroyed`` is connected to a partial holding this object
    (not to a method of the card, which is gone by then): sampling never outlives the card.
    """

    def __init__(self, hardware: HardwareService) -> None:
        self._hardware = hardware
        self.held = False

    def acquire(self) -> None:
        if not self.held:
            self.held = True
            self._hardware.acquire_sensors()

    def release(self, *_: object) -> None:
        if self.held:
            self.held = False
            self._hardware.release_sensors()


class HardwareCard(QWidget):
    """Sensors run only while the card is visible; the GUI thread never waits on the probe or a sensor."""

    snapshot_shown = Signal()
    reading_shown = Signal()
    bandwidth_shown = Signal()
    speed_shown = Signal()  # the speed test finished (or failed) and the card shows it
    headline_shown = Signal()  # the planner's headline for the current snapshot is on the card

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        measure_if_missing: bool = True,
        measure_delay_ms: int = 3000,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hardware_card")
        self.ctx = ctx
        self._hardware = ctx.hardware
        self._measure_if_missing = measure_if_missing
        self._measure_delay_ms = measure_delay_ms
        self.snapshot: HardwareSnapshot | None = None
        self.latest_reading: SensorReading | None = None
        self._rows: list[tuple[str, str, str]] = []  # (section, label, value) for "Copy as text"
        self._live_rows: list[tuple[str, str]] = []
        self._live_names: list[str] = []
        self._live_labels: dict[str, QLabel] = {}
        self._throttle = ThrottleDetector()
        self._verdict = ThrottleVerdict(False)
        self._status: Callable[[], str] = lambda: ""  # re-run on a language change
        self._measuring = False
        self._speed_failure: Text | None = None
        self.headline: Headline | None = None
        self._headline_key: tuple[HardwareSnapshot, float] | None = None  # the snapshot and threshold asked for
        self._headline_error: BaseException | None = None
        self._lease = _SensorLease(self._hardware)
        self.destroyed.connect(functools.partial(_SensorLease.release, self._lease))
        # The first-visit RAM speed measurement waits a moment after the card appears, so start-up stays quick.
        self._measure_timer = QTimer(self)
        self._measure_timer.setSingleShot(True)
        self._measure_timer.timeout.connect(self._measure_first_visit)
        self._texts = Retranslator(self)
        self._build()
        self._texts.add(self._rerender)
        self._hardware.bandwidth_ready.connect(self.show_bandwidth)
        self._hardware.bandwidth_failed.connect(self._measure_failed)
        self._hardware.probe_failed.connect(self._probe_failed)
        self._hardware.speed_test_ready.connect(self._speed_ready)
        self._hardware.speed_test_progress.connect(self._speed_progress)
        self._hardware.speed_test_failed.connect(self._speed_failed)
        ctx.settings.changed.connect(self._settings_changed)
        self._hardware.when_ready(self.show_snapshot)
        self._hardware.start()  # idempotent: one probe for every page

    # ---- layout -------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)

        title = QLabel()
        title.setObjectName("hardware_title")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        self._texts.add(lambda: title.setText(self.tr("This computer")))
        layout.addWidget(title)

        self._tier = QLabel()
        self._tier.setObjectName("tier")
        self._tier.setWordWrap(True)
        self._tier.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._tier.setFrameShape(QFrame.Shape.StyledPanel)
        self._tier.setStyleSheet("QLabel#tier { padding: 8px; background: palette(alternate-base); }")
        layout.addWidget(self._tier)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        self._cpu_box, self._cpu_form = self._group()
        self._mem_box, self._mem_form = self._group()
        self._gpu_box, self._gpu_form = self._group()
        self._live_box, self._live_form = self._group()

        def titles() -> None:
            self._cpu_box.setTitle(self.tr("Processor"))
            self._mem_box.setTitle(self.tr("Memory and storage"))
            self._gpu_box.setTitle(self.tr("Graphics"))
            self._live_box.setTitle(self.tr("Live (updated every second)"))

        self._texts.add(titles)
        grid.addWidget(self._cpu_box, 0, 0)
        grid.addWidget(self._mem_box, 0, 1)
        grid.addWidget(self._gpu_box, 1, 0)
        grid.addWidget(self._live_box, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        buttons = QHBoxLayout()
        self._copy_button = QPushButton()
        self._copy_button.setObjectName("copy_as_text")
        self._copy_button.clicked.connect(self._copy)
        self._measure_button = QPushButton()
        self._measure_button.setObjectName("measure_again")
        self._measure_button.clicked.connect(self.measure_again)
        self._measure_button.setEnabled(False)
        self._speed_button = QPushButton()
        self._speed_button.setObjectName("measure_speed")
        self._speed_button.clicked.connect(self.measure_speed)
        self._speed_button.setEnabled(False)

        def button_texts() -> None:
            self._copy_button.setText(self.tr("Copy as text"))
            self._copy_button.setToolTip(self.tr("Copy this card as plain text, e.g. to ask for help on a forum"))
            self._measure_button.setText(self.tr("Measure memory speed again"))
            self._speed_button.setText(self.tr("Measure speed"))
            self._speed_button.setToolTip(self.tr(
                "Run small test models through the engine for a few seconds, so that the speeds shown for models "
                "are measured on this computer rather than taken from a table"))

        self._texts.add(button_texts)
        self._status_label = QLabel()
        self._status_label.setObjectName("hardware_status")
        self._status_label.setWordWrap(True)
        buttons.addWidget(self._copy_button)
        buttons.addWidget(self._measure_button)
        buttons.addWidget(self._speed_button)
        buttons.addWidget(self._status_label, 1)
        layout.addLayout(buttons)
        layout.addStretch(1)

    @staticmethod
    def _group() -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox()
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        return box, form

    @staticmethod
    def _clear(form: QFormLayout) -> None:
        while form.rowCount():
            form.removeRow(0)

    def _add(self, form: QFormLayout, section: str, label: str, value: str, name: str) -> QLabel:
        field = QLabel(value)
        field.setObjectName(name)
        field.setWordWrap(True)
        field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(label, field)
        if section:
            self._rows.append((section, label, value))
        return field

    def _set_status(self, text: Callable[[], str]) -> None:
        self._status = text
        self._status_label.setText(text())

    # ---- formatting ---------------------------------------------------------------------------

    def _gib(self, value: int | None) -> str:
        return self.tr("not detected") if value is None else format_gib(value)

    def _missing(self, missing: Mapping[str, Text], key: str) -> str:
        reason = missing.get(key)
        return self.tr("not detected ({0})").format(tr_text(reason)) if reason else self.tr("not detected")

    def _gb_s(self, value: float, source: Text | None) -> str:
        # Bandwidth stays in decimal GB/s, as makers quote it (core/units.py explains why).
        return self.tr("{0:g} GB/s \u2014 {1}").format(value, tr_text(source) if source else self.tr("?"))

    # ---- snapshot -----------------------------------------------------------------------------

    @Slot(object)
    def show_snapshot(self, snapshot: HardwareSnapshot) -> None:
        self.snapshot = snapshot
        self._rows = []
        for form in (self._cpu_form, self._mem_form, self._gpu_form):
            self._clear(form)
        self._render_cpu(snapshot)
        self._render_memory(snapshot)
        self._render_gpus(snapshot)
        self._render_tier(snapshot)
        self._measure_button.setEnabled(not self._measuring)
        self._speed_button.setEnabled(not self._hardware.speed_testing)
        if not self._measuring and not self._hardware.speed_testing:
            seconds = snapshot.probe_seconds
            self._set_status(lambda: self.tr("Detected in {0:.0f} ms").format(seconds * 1000) if seconds else "")
        if self.isVisible():
            self._schedule_first_measurement()
        self.snapshot_shown.emit()

    def _probe_failed(self, error: BaseException) -> None:
        self._set_status(lambda: self.tr("Could not look at this computer: {0}").format(tr_text(error)))

    def _rerender(self) -> None:
        """After a language change: every data-rendered text again, in the new language."""
        if self.snapshot is None:
            self._tier.setText(self.tr("Looking at your hardware\u2026"))
        else:
            self.show_snapshot(self.snapshot)
        if self.latest_reading is not None:
            self._live_names = []  # labels changed language: rebuild the rows
            self._render_reading(self.latest_reading)
        self._status_label.setText(self._status())

    def _render_cpu(self, s: HardwareSnapshot) -> None:
        c, f, sec = s.cpu, self._cpu_form, self.tr("Processor")
        brand = c.brand or self._missing(c.missing, "brand")
        self._add(f, sec, self.tr("Model"), f"{brand} ({c.arch})", "cpu_brand")
        cores = self.tr("{0} cores, {1} threads").format(c.physical_cores or "?", c.logical_cores or "?")
        if c.efficiency_cores:
            cores = self.tr("{0} ({1} performance + {2} efficiency)").format(
                cores, c.performance_cores, c.efficiency_cores
            )
        self._add(f, sec, self.tr("Cores"), cores, "cpu_cores")
        have = [k.upper() for k, v in c.features.items() if v]
        features = " ".join(have) if have else self._missing(c.missing, "features")
        self._add(f, sec, self.tr("Instruction sets"), features, "cpu_features")
        if c.engine_features is not None:
            used = " ".join(k.upper() for k, v in c.engine_features.items() if v) or self.tr("none")
            self._add(f, sec, self.tr("Used by the engine"), used, "engine_features")
        for i, note in enumerate(c.notes):
            self._add(f, sec, self.tr("Note"), tr_text(note), f"cpu_note{i}")
        self._add(f, sec, self.tr("Speed test"), self._speed_text(), "speed_test")
        gpu_text = self._gpu_speed_text()
        if gpu_text:
            self._add(f, sec, self.tr("GPU speed test"), gpu_text, "gpu_speed_test")

    def _speed_text(self) -> str:
        profile = self._hardware.speed_profile
        if self._hardware.speed_testing:
            return self.tr("running…")
        if profile is None:
            if self._speed_failure is not None:
                return self.tr("could not run: {0}").format(tr_text(self._speed_failure))
            return self.tr("not run yet (speeds shown for models come from tables until it runs)")
        rates = self.tr(", ", "separator of a list of speeds").join(
            self.tr("{0} {1:.1f} GB/s").format(kind, value) for kind, value in profile.read_gb_s.items())
        if profile.ram_read_gb_s > 0:  # what bounds a model larger than the cache: the engine's reads from RAM
            return self.tr("measured on {0} ({1} threads): reading weights {2}, from RAM {5:.1f} GB/s; fixed cost "
                           "{3:.2f} ms per token; memory copy {4:g} GB/s").format(
                profile.date, profile.threads, rates, profile.fixed_s * 1000, profile.memory_gb_s,
                profile.ram_read_gb_s)
        return self.tr("measured on {0} ({1} threads): reading weights {2}; fixed cost {3:.2f} ms per token; "
                       "memory {4:g} GB/s").format(profile.date, profile.threads, rates, profile.fixed_s * 1000,
                                                   profile.memory_gb_s)

    def _gpu_speed_text(self) -> str:
        """The speed test's GPU pass: what it measured on which GPU, or why it did not run ("" without a GPU)."""
        profile = self._hardware.speed_profile
        if profile is None or self._hardware.speed_testing or not profile.gpu:
            return ""
        try:
            if "skipped" in profile.gpu:
                return self.tr("not measured: {0}").format(tr_text(Message.from_json(profile.gpu["skipped"])))
            measured = GpuProfile.from_dict(profile.gpu)
        except (KeyError, TypeError, ValueError):
            return ""
        rates = self.tr(", ", "separator of a list of speeds").join(
            self.tr("{0} {1:.1f} GB/s").format(kind, value) for kind, value in measured.read_gb_s.items())
        return self.tr("{0} ({1}), measured on {2}: reading weights {3}; fixed cost {4:.2f} ms per token").format(
            measured.name, measured.backend, profile.date, rates, measured.fixed_s * 1000)

    def _render_memory(self, s: HardwareSnapshot) -> None:
        m, f, sec = s.memory, self._mem_form, self.tr("Memory")
        ram = self.tr("{0} total, {1} available").format(self._gib(m.total_bytes), self._gib(m.available_bytes))
        if m.cgroup_limit_bytes is not None and m.total_bytes == m.cgroup_limit_bytes:
            ram += " " + self.tr("(container limit; the computer has {0})").format(self._gib(m.host_total_bytes))
        self._add(f, sec, self.tr("RAM"), ram, "ram")
        self._add(f, sec, self.tr("Swap"), self._gib(m.swap_total_bytes), "swap")
        self._add(f, sec, self.tr("Memory speed"), self._bandwidth_text(s.bandwidth), "bandwidth")
        d = s.disk
        if d.free_bytes is None:
            disk = self._missing(d.missing, "free_bytes")
        else:
            disk = self.tr("{0} free in {1}").format(self._gib(d.free_bytes), d.models_dir)
        if d.filesystem:
            disk += f" ({d.filesystem})"
        storage = self.tr("Storage")
        self._add(f, storage, self.tr("Models folder"), disk, "disk")
        if d.warning:
            self._add(f, storage, self.tr("Warning"), tr_text(d.warning), "disk_warning")

    def _bandwidth_text(self, b: BandwidthInfo) -> str:
        if not b.figures:
            return self._missing(b.missing, "ram_gb_s")
        return "\n".join(self._gb_s(fig.value, fig.source) for fig in b.figures)

    def _render_gpus(self, s: HardwareSnapshot) -> None:
        f, sec = self._gpu_form, self.tr("Graphics")
        if not s.gpus:
            self._add(f, sec, self.tr("GPU"), self.tr("none found; models run on the processor"), "gpu_none")
        for i, g in enumerate(s.gpus):
            if g.unified_memory and g.vram_total_bytes is None:
                memory = self.tr("shares system memory")
            elif g.unified_memory:
                memory = self.tr("unified memory: up to {0} for the GPU, {1} free now").format(
                    self._gib(g.vram_total_bytes), self._gib(g.vram_free_bytes)
                )
            else:
                memory = self.tr("{0} VRAM, {1} free").format(
                    self._gib(g.vram_total_bytes),
                    self._gib(g.vram_free_bytes) if g.vram_free_bytes is not None else self.tr("?"),
                )
            self._add(f, sec, self.tr("GPU {0}").format(i + 1), f"{g.name} ({g.backend or '?'})", f"gpu{i}_name")
            self._add(f, sec, self.tr("Memory"), memory, f"gpu{i}_vram")
            if g.bandwidth_gb_s:
                speed = self._gb_s(g.bandwidth_gb_s, g.bandwidth_source)
            else:
                speed = self._missing(g.missing, "bandwidth_gb_s")
            self._add(f, sec, self.tr("Memory speed"), speed, f"gpu{i}_bandwidth")
            details = [
                self.tr("driver {0}").format(g.driver_version) if g.driver_version else "",
                self.tr("CUDA {0}").format(g.cuda_version) if g.cuda_version else "",
                self.tr("compute {0}").format(g.compute_capability) if g.compute_capability else "",
                self.tr("no tensor cores") if g.tensor_cores is False else "",
                self.tr("{0} GPU cores").format(g.gpu_cores) if g.gpu_cores else "",
                tr_text(g.pcie) if g.pcie else "",
            ]
            if any(details):
                separator = self.tr(", ", "separator of a list of GPU details")
                self._add(f, sec, self.tr("Details"), separator.join(d for d in details if d), f"gpu{i}_details")
        for i, problem in enumerate(s.gpu_problems):
            self._add(f, sec, self.tr("Problem"), tr_text(problem), f"gpu_problem{i}")

    def _render_tier(self, s: HardwareSnapshot) -> None:
        """The headline for this snapshot: shown if computed, else asked for (in the background)."""
        min_tps = self.ctx.settings.settings.recommend_min_tps
        asked = self._headline_key
        if asked is None or asked[0] is not s or asked[1] != min_tps:
            self._ask_headline(s, min_tps)
        self._render_headline()

    def _ask_headline(self, snapshot: HardwareSnapshot, min_tps: float) -> None:
        key = (snapshot, min_tps)
        self._headline_key = key
        self.headline = None
        self._headline_error = None

        def work(_control: JobControl) -> tuple[tuple[HardwareSnapshot, float], Headline]:
            return key, headline(load_catalogue(), snapshot, min_tps=min_tps)

        # Weak callbacks: a running job must not keep a deleted card alive (its sensor lease ends with the card).
        ready, failed = weakref.WeakMethod(self._headline_ready), weakref.WeakMethod(self._headline_failed)

        def on_result(result: tuple[tuple[HardwareSnapshot, float], Headline]) -> None:
            method = ready()
            if method is not None:
                method(result)

        def on_error(error: BaseException) -> None:
            method = failed()
            if method is not None:
                method(error)

        self.ctx.background.submit(work, key="hardware-headline", on_result=on_result, on_error=on_error)

    def _headline_ready(self, result: tuple[tuple[HardwareSnapshot, float], Headline]) -> None:
        key, head = result
        if key is not self._headline_key:
            return  # for an older snapshot or threshold
        self.headline = head
        self._render_headline()
        self.headline_shown.emit()

    def _headline_failed(self, error: BaseException) -> None:
        self._headline_error = error
        self._render_headline()
        self.headline_shown.emit()

    @Slot(object)
    def _settings_changed(self, settings: ChatSettings) -> None:
        if self.snapshot is not None and self._headline_key is not None and (
                settings.recommend_min_tps != self._headline_key[1]):
            self._render_tier(self.snapshot)

    def _pick_text(self, pick: Pick) -> str:
        return self.tr("{0} {1} at {2} (predicted)").format(
            pick.name, pick.quant, format_tokens_per_s(pick.decode_low, pick.decode_high))

    def headline_parts(self) -> tuple[str, ...]:
        """("Runs comfortably: …", "Largest it can load: …") in the UI language; one text for a failure; () while
        it is being worked out."""
        head = self.headline
        if self._headline_error is not None:
            return (self.tr("Could not work out what this computer runs: {0}").format(tr_text(self._headline_error)),)
        if head is None:
            return ()
        min_tps = self._headline_key[1] if self._headline_key else self.ctx.settings.settings.recommend_min_tps
        comfortable = (self.tr("Runs comfortably: {0}").format(self._pick_text(head.comfortable))
                       if head.comfortable else
                       self.tr("Nothing in the catalogue runs at {0} tokens/s or more (predicted)").format(
                           f"{min_tps:g}"))
        largest = (self.tr("Largest it can load: {0}").format(self._pick_text(head.largest)) if head.largest
                   else self.tr("No catalogue model fits in this computer's memory"))
        return comfortable, largest

    def headline_text(self) -> str:
        """The headline on one line ("Copy as text")."""
        return self.tr(" \u00b7 ", "between the two halves of the hardware headline").join(self.headline_parts())

    def _render_headline(self) -> None:
        parts = self.headline_parts()
        min_tps = self._headline_key[1] if self._headline_key else self.ctx.settings.settings.recommend_min_tps
        if not parts:
            self._tier.setText(self.tr("Working out what this computer runs\u2026"))
            return
        label = self.tr(
            "Predicted by the planner for the catalogue's models at a {0}-token context; \u201ccomfortably\u201d "
            "means at least {1} tokens/s (the threshold on the Models page)").format(DEFAULT_CTX, f"{min_tps:g}")
        self._tier.setText("<br>".join(f"<b>{html.escape(p)}</b>" for p in parts) + f"<br><small>{label}</small>")
        section = self._estimate_section()
        self._rows = [row for row in self._rows if row[0] != section]
        self._rows.insert(0, (section, "", self.headline_text()))

    def _estimate_section(self) -> str:
        return self.tr("What it runs")

    # ---- live sensors -------------------------------------------------------------------------

    @Slot(object)
    def show_reading(self, reading: SensorReading) -> None:
        """A new live sample: into the throttle verdict, then onto the card."""
        self.latest_reading = reading
        self._verdict = self._throttle.add_reading(reading)  # core's one rule (hardware.throttle_sample)
        self._render_reading(reading)

    def _render_reading(self, reading: SensorReading) -> None:
        na = self.tr("not available on this system")
        rows: list[tuple[str, str, str]] = []  # (object name, label, value)
        cpu = self.tr("{0:.0f} %").format(reading.cpu_percent) if reading.cpu_percent is not None else na
        if reading.cpu_freq_mhz:
            cpu += self.tr(" at {0:.0f} MHz").format(reading.cpu_freq_mhz)
        rows.append(("live_cpu", self.tr("Processor load"), cpu))
        temp = self.tr("{0:.0f} \u00b0C").format(reading.cpu_temperature_c) if reading.cpu_temperature_c else na
        if reading.thermal_state:
            temp = self.tr("thermal state: {0}").format(reading.thermal_state)
        rows.append(("live_cpu_temp", self.tr("Processor temperature"), temp))
        if reading.ram_used_bytes is not None:
            ram = self.tr("{0} of {1} in use").format(
                self._gib(reading.ram_used_bytes), self._gib(reading.ram_total_bytes)
            )
        else:
            ram = na
        rows.append(("live_ram", self.tr("RAM"), ram))
        for g in reading.gpus:
            parts = []
            if g.utilization_percent is not None:
                parts.append(self.tr("{0:.0f} % busy").format(g.utilization_percent))
            if g.vram_used_bytes is not None:
                parts.append(self.tr("{0} used").format(self._gib(g.vram_used_bytes)))
            if g.temperature_c is not None:
                parts.append(self.tr("{0:.0f} \u00b0C").format(g.temperature_c))
            if g.power_w is not None:
                parts.append(self.tr("{0:.0f} W").format(g.power_w))
            if g.graphics_clock_mhz:
                parts.append(self.tr("{0} MHz").format(g.graphics_clock_mhz))
            if g.throttle_reasons:
                reasons = self.tr(", ", "separator of a list of GPU readings").join(map(tr_text, g.throttle_reasons))
                parts.append(self.tr("slowed down: {0}").format(reasons))
            separator = self.tr(", ", "separator of a list of GPU readings")
            rows.append((f"live_gpu{g.index}_{g.name[:3].lower()}", g.name, separator.join(parts) or na))
        verdict = self._verdict
        if verdict.throttling:
            rows.append(("live_throttling", self.tr("Warning"),
                         self.tr("running hot and slowing down: {0}").format(tr_text(verdict.reason))))
        names = [name for name, _, _ in rows]
        if names != self._live_names:
            # The set of rows changed (first reading, a GPU appeared, a language change): rebuild; otherwise
            # update in place, so a once-a-second refresh never re-creates widgets.
            self._clear(self._live_form)
            self._live_labels = {
                name: self._add(self._live_form, "", label, value, name) for name, label, value in rows
            }
            self._live_names = names
        else:
            for name, _, value in rows:
                self._live_labels[name].setText(value)
        self._live_rows = [(label, value) for _, label, value in rows]
        self.reading_shown.emit()

    @Slot(object)
    def show_bandwidth(self, bandwidth: BandwidthInfo) -> None:
        self._measuring = False
        if self.snapshot is None:
            return
        # The service replaced its snapshot with one carrying the new figures; show that one.
        self.show_snapshot(self._hardware.snapshot or self.snapshot)
        self._measure_button.setEnabled(True)
        self.bandwidth_shown.emit()

    @Slot(object)
    def _measure_failed(self, error: BaseException) -> None:
        self._measuring = False
        self._measure_button.setEnabled(self.snapshot is not None)
        self._set_status(lambda: self.tr("Could not measure the memory speed: {0}").format(tr_text(error)))

    @Slot()
    def measure_again(self) -> None:
        if self.snapshot is None or self._measuring:
            return
        self._measure_timer.stop()
        self._measuring = True
        self._measure_button.setEnabled(False)
        self._set_status(lambda: self.tr("Measuring memory speed\u2026"))
        self._hardware.measure_bandwidth()

    # ---- the speed test ---------------------------------------------------------------------------

    @Slot()
    def measure_speed(self) -> None:
        """Run this computer's speed test in the background (the hardware service owns it: one for every page)."""
        if self.snapshot is None or self._hardware.speed_testing:
            return
        self._speed_failure = None
        self._speed_button.setEnabled(False)
        self._set_status(lambda: self.tr("Measuring speed…"))
        self._hardware.measure_speed()
        self.show_snapshot(self.snapshot)  # the row says it is running

    @Slot(object)
    def _speed_progress(self, update: object) -> None:
        fraction, what = update if isinstance(update, tuple) else (0.0, "")
        self._speed_button.setEnabled(False)
        self._set_status(lambda: self.tr("Measuring speed: {0} ({1:.0%})").format(tr_text(what), fraction))

    @Slot(object)
    def _speed_ready(self, _profile: object) -> None:
        self._speed_button.setEnabled(True)
        if self.snapshot is not None:
            self._rows = []
            self.show_snapshot(self._hardware.snapshot or self.snapshot)
        self._set_status(lambda: self.tr("Speed measured: the speeds shown for models now come from this computer."))
        self.speed_shown.emit()

    @Slot(object)
    def _speed_failed(self, error: BaseException) -> None:
        self._speed_failure = error.message if isinstance(error, ModelNestError) and error.message else str(error)
        self._speed_button.setEnabled(self.snapshot is not None)
        if self.snapshot is not None:
            self.show_snapshot(self.snapshot)
        self._set_status(lambda: self.tr("Could not measure the speed: {0}").format(tr_text(error)))
        self.speed_shown.emit()

    def _schedule_first_measurement(self) -> None:
        """First visit on this machine: measure RAM speed once (~0.5 s, cached, so later visits skip this)."""
        snapshot = self.snapshot
        if (
            self._measure_if_missing
            and snapshot is not None
            and not self._measuring
            and not self._measure_timer.isActive()
            and not any(str(f.source).startswith("measured") for f in snapshot.bandwidth.figures)
        ):
            self._measure_timer.start(self._measure_delay_ms)

    @Slot()
    def _measure_first_visit(self) -> None:
        self._measure_if_missing = False  # once per card, whatever the outcome
        self.measure_again()

    # ---- copy -----------------------------------------------------------------------------

    def copy_text(self) -> str:
        lines = [self.tr("ModelNest hardware card")]
        section = None
        for sec, label, value in self._rows:
            if sec != section:
                lines.append("")
                lines.append(f"[{sec}]")
                section = sec
            value_lines = value.splitlines() or [""]
            prefix = f"{label}: " if label else ""
            lines.append(prefix + value_lines[0])
            lines.extend(" " * len(prefix) + extra for extra in value_lines[1:])
        if self._live_rows:
            lines.append("")
            lines.append("[" + self.tr("Live") + "]")  # outside an f-string, where lupdate can see it
            lines.extend(f"{label}: {value}" for label, value in self._live_rows)
        return "\n".join(lines) + "\n"

    @Slot()
    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.copy_text())
        self._set_status(lambda: self.tr("Copied to the clipboard."))

    # ---- visibility: live readings only while the card is shown ----------------------------------

    def is_running(self) -> bool:
        """True while this card holds the live sensors."""
        return self._lease.held

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._lease.held:
            self._hardware.reading.connect(self.show_reading)
            self._lease.acquire()
            if self._hardware.latest_reading is not None and self._hardware.sampling:
                self.show_reading(self._hardware.latest_reading)
        self._schedule_first_measurement()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        if self._lease.held:
            self._hardware.reading.disconnect(self.show_reading)
            self._lease.release()
        self._measure_timer.stop()
        super().hideEvent(event)
