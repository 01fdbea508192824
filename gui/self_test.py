"""`modelnest --self-test`: proves an installed (usually frozen) app works, headless, and prints a JSON report.

Checks, in order: the main window builds and shows (offscreen unless QT_QPA_PLATFORM says otherwise), the
packaged resources are readable, the hardware probe answers, a llama.cpp build is chosen for this machine, the
engine child starts from this same executable and reports its llama.cpp, and which native library the loader
actually mapped into the child. With `--model PATH` it also loads that model and generates a few tokens.
Exit status 0 when every check passed, 1 otherwise; the report goes to stdout and, with `--report`, to a file
(a windowed Windows build has no stdout).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from importlib import resources, util
from pathlib import Path
from typing import Any, cast

SCHEMA = 1


class _Report:
    """Collects one entry per check with its duration; a check that raises is recorded, not propagated."""

    def __init__(self) -> None:
        self.checks: list[dict[str, Any]] = []
        self.data: dict[str, Any] = {}

    def check(self, name: str, fn: Callable[[], tuple[bool, str]]) -> bool:
        started = time.perf_counter()
        try:
            ok, detail = fn()
        except Exception as exc:  # noqa: BLE001 - the report must say what broke and go on
            ok, detail = False, f"{type(exc).__name__}: {exc}"
            self.data.setdefault("tracebacks", {})[name] = traceback.format_exc(limit=8)
        self.checks.append(
            {"name": name, "ok": bool(ok), "detail": detail, "seconds": round(time.perf_counter() - started, 4)}
        )
        return bool(ok)


def _process_age() -> float | None:
    """Seconds since this process was created (for cold start: includes the bootloader and all imports)."""
    try:
        import psutil

        return max(0.0, time.time() - psutil.Process().create_time())
    except Exception:  # noqa: BLE001 - psutil missing or no permission: the figure is just absent
        return None


def _window_check(report: _Report) -> tuple[bool, str]:
    from PySide6.QtCore import QDeadlineTimer, QEventLoop  # Qt only after QT_QPA_PLATFORM is set
    from PySide6.QtWidgets import QApplication, QListWidget

    from modelnest.gui.app import build_main_window
    from modelnest.gui.gc_in_gui_thread import install as install_collector
    from modelnest.gui.i18n import install_translator

    started = time.perf_counter()
    app = cast("QApplication | None", QApplication.instance()) or QApplication([sys.argv[0]])
    app.setApplicationName("ModelNest")
    install_collector(app)  # as run_app does
    install_translator(app)
    window = build_main_window()
    window.show()
    # "Interactive" = the window is exposed and the event loop has turned: it now answers input. A local event
    # loop, not app.exec()/quit(): Qt 6's quit() closes the top-level windows first.
    deadline = QDeadlineTimer(10_000)
    while True:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        handle = window.windowHandle()
        exposed = bool(handle is not None and handle.isExposed())
        if exposed or deadline.hasExpired():
            break
    report.data["timings"]["window_build_s"] = round(time.perf_counter() - started, 4)
    age = _process_age()
    if age is not None:
        report.data["timings"]["cold_start_to_window_s"] = round(age, 4)
    visible = window.isVisible()
    nav = window.findChild(QListWidget, "navigation")
    pages = nav.count() if nav is not None else 0
    report.data["window"] = {
        "title": window.windowTitle(),
        "visible": visible,
        "exposed": exposed,
        "platform": app.platformName(),
        "size": [window.width(), window.height()],
        "pages": pages,
    }
    window.close()  # stops page threads (the hardware card samples sensors while shown)
    app.processEvents()
    window.deleteLater()
    app.processEvents()
    ok = visible and exposed and pages > 0
    return ok, f"{pages} page(s) shown on '{app.platformName()}' ({'exposed' if exposed else 'not exposed'})"


def _resources_check(report: _Report) -> tuple[bool, str]:
    root = resources.files("modelnest.resources")

    def names(folder: str, suffix: str) -> list[str]:
        where = root.joinpath(folder)
        return sorted(p.name for p in where.iterdir() if p.name.endswith(suffix)) if where.is_dir() else []

    qm = names("i18n", ".qm")
    catalogue = names("catalogue", ".json")
    catalogue_dir = root.joinpath("catalogue")
    for name in catalogue:  # every packaged JSON must parse, or the catalogue page would fail later
        json.loads(catalogue_dir.joinpath(name).read_text(encoding="utf-8"))
    from PySide6.QtCore import QTranslator

    broken = [n for n in qm if not QTranslator().load(root.joinpath("i18n").joinpath(n).read_bytes())]
    report.data["resources"] = {"translations": qm, "catalogue": catalogue, "unreadable_translations": broken}
    detail = f"{len(qm)} translation(s), {len(catalogue)} catalogue file(s)"
    return not broken, detail + (f"; unreadable: {', '.join(broken)}" if broken else "")


def _expected_lib_dir(choice: Any) -> Path | None:
    """Where libllama should come from: the chosen build's folder, or llama_cpp's own lib/ (found, not imported)."""
    if choice.lib_dir is not None:
        return Path(choice.lib_dir)
    spec = util.find_spec("llama_cpp")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "lib"


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return os.path.normcase(str(a)) == os.path.normcase(str(b))


def run_self_test(model: Path | None = None, *, tokens: int = 8, engine_timeout: float = 120.0) -> dict[str, Any]:
    """Run every check; returns the report (see module docstring). Never raises."""
    started = time.perf_counter()
    report = _Report()
    report.data.update(
        {
            "schema": SCHEMA,
            "frozen": bool(getattr(sys, "frozen", False)),
            "executable": sys.executable,
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
            "timings": {},
        }
    )
    report.check("window", lambda: _window_check(report))
    report.check("resources", lambda: _resources_check(report))

    from modelnest.core.engine import runtime

    state: dict[str, Any] = {}

    def probe() -> tuple[bool, str]:
        from modelnest.core.hardware import probe as hw_probe

        snap = hw_probe(with_sensors=False)
        state["gpus"] = snap.gpus
        report.data["hardware"] = {
            "cpu": snap.cpu.brand,
            "cores": snap.cpu.logical_cores,
            "memory_bytes": snap.memory.total_bytes,
            "gpus": [f"{g.vendor}: {g.name} ({g.backend})" for g in snap.gpus],
            "gpu_problems": snap.gpu_problems,
        }
        return snap.cpu.logical_cores is not None, f"{snap.cpu.brand}, {len(snap.gpus)} GPU(s)"

    def choose() -> tuple[bool, str]:
        choice = runtime.select_runtime(state.get("gpus", []))
        state["choice"] = choice
        report.data["runtime"] = choice.to_dict()
        return True, str(choice.reason)

    report.check("hardware", probe)
    report.check("runtime", choose)

    from modelnest.core.engine.client import EngineClient

    choice = state.get("choice") or runtime.select_runtime([])
    client = EngineClient(env=choice.env())

    def engine() -> tuple[bool, str]:
        t0 = time.perf_counter()
        info = client.start(timeout=engine_timeout)
        report.data["timings"]["engine_start_s"] = round(time.perf_counter() - t0, 4)
        # Prefer what the child says it loaded; otherwise read the child's memory maps from here.
        libraries = list(info.get("libraries") or []) or runtime.loaded_libraries(client.pid)
        report.data["engine"] = {
            "pid": client.pid,
            "llama_cpp_version": info.get("llama_cpp_version"),
            "system_info": info.get("system_info"),
            "gpu_offload": info.get("gpu_offload"),
            "libraries": libraries,
            "loaded_variant": runtime.variant_of(libraries),
        }
        return bool(info.get("system_info")), f"llama-cpp-python {info.get('llama_cpp_version')}"

    def library() -> tuple[bool, str]:
        libraries = report.data.get("engine", {}).get("libraries") or []
        llama = [p for p in libraries if Path(p.replace("\\", "/")).name.lower().startswith(("libllama", "llama"))]
        if not llama:
            return False, "no llama library is mapped into the engine process"
        expected = _expected_lib_dir(choice)
        where = Path(llama[0]).parent
        report.data["engine"]["library"] = llama[0]
        report.data["engine"]["expected_dir"] = str(expected) if expected else None
        loaded_variant = runtime.variant_of(libraries)
        wanted = "cpu" if choice.variant == "custom" else choice.variant
        if expected is not None:
            # Every llama/ggml library must come from the chosen folder: a libggml picked up elsewhere (a stray
            # copy on the library path) would silently run another build than the one reported.
            strays = [p for p in libraries if not _same_dir(Path(p).parent, expected)]
            if not _same_dir(where, expected) or strays:
                return False, f"loaded {', '.join(strays or llama)}; expected every library in {expected}"
        if choice.variant != "custom" and loaded_variant != wanted:
            return False, f"loaded a {loaded_variant} build, the {wanted} build was chosen"
        return True, llama[0]

    engine_ok = report.check("engine", engine)
    if engine_ok:
        report.check("engine_library", library)
    if engine_ok and model is not None:

        def generate() -> tuple[bool, str]:
            from modelnest.core.engine.params import EngineParams, SamplingParams

            t0 = time.perf_counter()
            loaded = client.load(model, EngineParams(n_ctx=256, n_batch=64, n_ubatch=64))
            t1 = time.perf_counter()
            summary = client.run(
                [{"role": "user", "content": "Say hello."}],
                SamplingParams(temperature=0.0, seed=1, max_tokens=tokens, ignore_eos=True),
            )
            report.data["timings"]["model_load_s"] = round(t1 - t0, 4)
            report.data["timings"]["generate_s"] = round(time.perf_counter() - t1, 4)
            report.data["generation"] = {
                "model": str(model),
                "weights_bytes": loaded.weights_bytes,
                "tokens": summary.tokens,
                "ttft_s": summary.ttft_s,
                "decode_tokens_per_s": summary.decode_tokens_per_s,
                "stop_reason": summary.stop_reason,
                "warnings": list(client.warnings),
            }
            return summary.tokens > 0, f"{summary.tokens} tokens, {summary.decode_tokens_per_s:.0f} tokens/s"

        report.check("generate", generate)
    try:
        client.shutdown()
    except Exception:  # noqa: BLE001 - a dead child has already been reported by its check
        client.kill()
    report.data["timings"]["self_test_s"] = round(time.perf_counter() - started, 4)
    report.data["checks"] = report.checks
    report.data["ok"] = all(c["ok"] for c in report.checks)
    return report.data


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="modelnest --self-test", description="Check that this installation works.")
    parser.add_argument("--model", type=Path, help="a small GGUF model to load and generate a few tokens with")
    parser.add_argument("--tokens", type=int, default=8, help="tokens to generate with --model (default 8)")
    parser.add_argument("--report", type=Path, help="also write the JSON report to this file")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds the engine may take to start")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `modelnest --self-test [--model PATH] [--report FILE]`; 0 when every check passed."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    # Headless by default (CI, installers' post-install check); a caller can still ask for a real screen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    report = run_self_test(args.model, tokens=args.tokens, engine_timeout=args.timeout)
    text = json.dumps(report, indent=2, default=str)
    if args.report is not None:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(text + "\n", encoding="utf-8")
    if sys.stdout is not None:
        print(text, flush=True)
    return 0 if report["ok"] else 1
