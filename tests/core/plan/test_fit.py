"""The four fits: one colour set readable with white text, one label set (translatable), one "fits fully" rule,
and the planner's badges on recorded machines match classify()."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from modelnest.core.hardware import HardwareSnapshot, probe
from modelnest.core.hardware.recorded import load_machine
from modelnest.core.messages import Message
from modelnest.core.plan import Calibration, ModelSpec, plan
from modelnest.core.plan import fit as fit_module
from modelnest.core.plan.fit import (
    CPU_ONLY,
    FIT_COLORS,
    FITS,
    FULL_GPU,
    PARTIAL_GPU,
    TOO_LARGE,
    classify,
    fit_color,
    fit_description,
    fit_label,
    fits_fully,
    full_fit,
)

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"
QWEN25_7B = dict(arch="qwen2", n_layer=28, n_embd=3584, n_head=28, n_head_kv=4, n_vocab=152064, n_ff=18944,
                 n_ctx_train=32768, n_params=7_615_616_512)


def _luminance(color: str) -> float:
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_four_fits_best_first_each_with_colour_and_labels() -> None:
    assert FITS == (FULL_GPU, PARTIAL_GPU, CPU_ONLY, TOO_LARGE) == ("full_gpu", "partial_gpu", "cpu_only", "too_large")
    assert set(FIT_COLORS) == set(FITS) and len(set(FIT_COLORS.values())) == 4
    for f in FITS:
        # white badge text on the colour (and the colour as text on white) passes WCAG AA: 4.5:1
        assert 1.05 / (_luminance(fit_color(f)) + 0.05) >= 4.5, f
        label, description = fit_label(f), fit_description(f)
        assert isinstance(label, Message) and isinstance(description, Message)
        assert len(str(label)) <= 14 and str(description).endswith(".")
    assert len({str(fit_label(f)) for f in FITS}) == 4
    assert str(fit_label("brand_new")) == "Unknown fit brand_new" and fit_color("brand_new") == "#555555"


def test_labels_are_literal_templates_for_the_translation_extractor() -> None:
    tree = ast.parse(inspect.getsource(fit_module))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "msg"]
    assert len(calls) >= 9
    assert all(isinstance(c.args[0], ast.Constant) and isinstance(c.args[0].value, str) for c in calls)


def test_fits_fully_and_the_fit_to_aim_for() -> None:
    assert [f for f in FITS if fits_fully(f)] == [FULL_GPU, CPU_ONLY]
    assert full_fit(True) == FULL_GPU and full_fit(False) == CPU_ONLY


def test_classify() -> None:
    assert classify(fits_in_memory=False, has_gpu=True, gpu_layers=33, total_layers=33) == TOO_LARGE
    assert classify(fits_in_memory=True, has_gpu=True, gpu_layers=33, total_layers=33) == FULL_GPU
    assert classify(fits_in_memory=True, has_gpu=True, gpu_layers=12, total_layers=33) == PARTIAL_GPU
    assert classify(fits_in_memory=True, has_gpu=True, gpu_layers=0, total_layers=33) == CPU_ONLY
    assert classify(fits_in_memory=True, has_gpu=False, gpu_layers=0, total_layers=33) == CPU_ONLY


def _machine(name: str, tmp_path: Path) -> HardwareSnapshot:
    return probe(load_machine(MACHINES / f"{name}.json", tmp_path / name), with_sensors=False)


LLAMA31_70B = dict(arch="llama", n_layer=80, n_embd=8192, n_head=64, n_head_kv=8, n_vocab=128256, n_ff=28672,
                   n_ctx_train=131072, n_params=70_553_706_496)


def test_planner_badges_on_recorded_machines(tmp_path: Path) -> None:
    """Each fit appears where the numbers put it (a 7B at Q4_K_M is about 4.4 GiB of weights)."""
    cal = Calibration(tmp_path / "calibration.json")
    cases = [
        ("rtx3060_desktop", QWEN25_7B, 32768, FULL_GPU),  # 12 GiB card
        ("gtx1660_desktop", QWEN25_7B, 4096, FULL_GPU),  # 6 GiB card: fits at 4k ...
        ("gtx1660_desktop", QWEN25_7B, 32768, PARTIAL_GPU),  # ... not with a 32k KV cache
        ("optimus_rtx3050_laptop", QWEN25_7B, 4096, PARTIAL_GPU),  # 4 GiB card
        ("i7_no_gpu_16gb", QWEN25_7B, 4096, CPU_ONLY),
        ("rpi5_8gb", LLAMA31_70B, 4096, TOO_LARGE),
    ]
    for name, shape, ctx, expected in cases:
        p = plan(ModelSpec.from_architecture(**shape, quant="Q4_K_M"), _machine(name, tmp_path), ctx,
                 calibration=cal)
        assert p.fit == expected, (name, ctx, p.fit)
        gpu = p.backend != "cpu" or p.fit == FULL_GPU
        assert p.fit == classify(fits_in_memory=p.fit != TOO_LARGE, has_gpu=gpu, gpu_layers=p.gpu_layers,
                                 total_layers=int(shape["n_layer"]) + 1)
