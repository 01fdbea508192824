"""The planner: exact memory before download, GPU layer split, threads, context, and predicted speed that learns.

    ModelSpec            a model's shape (from a GGUF header, local or remote, or a catalogue entry)
    estimate()           analytic memory model (memory.py)
    predict()            tokens/s prediction (speed.py), calibrated by Calibration
    plan()               the choice of parameters and the fit badge (planner.py; badges in fit.py)
    learn_from_summary() the calibration policy applied to a finished reply (calibration.py)
    estimate_tier()      what this machine can run, in one line (tier.py)
    exact.measure()      llama.cpp's own figures from a header-only sparse copy (exact.py)
"""

from modelnest.core.plan.calibration import Calibration, MeasuredRun, measured_run, run_class
from modelnest.core.plan.fit import FITS, Fit, fits_fully
from modelnest.core.plan.memory import MemoryEstimate, estimate
from modelnest.core.plan.planner import Plan, learn_from_run, learn_from_summary, plan, step_down
from modelnest.core.plan.spec import ModelSpec
from modelnest.core.plan.speed import SpeedPrediction, predict

__all__ = [
    "FITS",
    "Calibration",
    "Fit",
    "MeasuredRun",
    "MemoryEstimate",
    "ModelSpec",
    "Plan",
    "SpeedPrediction",
    "estimate",
    "fits_fully",
    "learn_from_run",
    "learn_from_summary",
    "measured_run",
    "plan",
    "predict",
    "run_class",
    "step_down",
]
