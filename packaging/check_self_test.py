"""Run an installed/frozen ModelNest's `--self-test` headless and check its report; used by every build.

    python packaging/check_self_test.py APP [--model M] [--report R] [--lib-dir DIR] [--env K=V ...]

APP is the executable (ModelNest, ModelNest.exe, ModelNest.app/Contents/MacOS/ModelNest). Checks on top of the
app's own verdict: the report comes from a frozen app at APP's location, the window was shown, the engine ran,
every llama/ggml library was loaded from DIR (default: APP's _internal/llama_cpp/lib, or Frameworks/... in a
macOS bundle), every translation source of the repository is shipped compiled, and with --model that tokens
were generated. Exit 0 when all hold; prints the report's timings.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def default_lib_dir(app: Path) -> list[Path]:
    """Where PyInstaller puts llama_cpp/lib next to APP (onedir: _internal; .app: Frameworks and Resources)."""
    base = app.resolve().parent
    return [
        base / "_internal" / "llama_cpp" / "lib",
        base.parent / "Frameworks" / "llama_cpp" / "lib",
        base.parent / "Resources" / "llama_cpp" / "lib",
    ]


def same(a: str | Path, b: Path) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", type=Path)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--report", type=Path)
    parser.add_argument("--lib-dir", type=Path, help="folder every llama/ggml library must come from")
    parser.add_argument("--env", action="append", default=[], help="extra KEY=VALUE for the app")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--i18n-dir", type=Path, default=Path(__file__).resolve().parents[1] / "resources" / "i18n",
                        help="every *.ts here must be shipped as .qm (default: the repository's)")
    args = parser.parse_args(argv)

    report_path = args.report or Path(tempfile.mkdtemp()) / "self-test.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.setdefault("MODELNEST_HOME", tempfile.mkdtemp(prefix="modelnest-selftest-"))
    env.update(kv.split("=", 1) for kv in args.env)
    cmd = [str(args.app), "--self-test", "--report", str(report_path)]
    if args.model:
        cmd += ["--model", str(args.model)]
    started = time.perf_counter()
    # subprocess waits for a windowed (GUI-subsystem) Windows executable too, and returns its exit status.
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=args.timeout)
    wall = time.perf_counter() - started
    if not report_path.is_file():
        print(f"FAIL: no report from {args.app} (exit {done.returncode})\n{done.stdout}\n{done.stderr[-4000:]}")
        return 1
    report = json.loads(report_path.read_text(encoding="utf-8"))
    problems = [f"check {c['name']}: {c['detail']}" for c in report.get("checks", []) if not c["ok"]]
    if done.returncode != 0:
        problems.append(f"exit status {done.returncode}")
    if report.get("frozen") is not True:
        problems.append("the report does not come from a frozen app")
    # An AppImage runs the bundle from its mount point, so only there may the executable differ from APP.
    if not str(args.app).endswith(".AppImage") and not same(report.get("executable", ""), args.app):
        problems.append(f"the engine's executable is {report.get('executable')}, not {args.app}")
    window = report.get("window", {})
    if not (window.get("visible") and window.get("exposed") and window.get("pages", 0) >= 1):
        problems.append(f"window not shown: {window}")
    libs = report.get("engine", {}).get("libraries") or []
    dirs = [args.lib_dir] if args.lib_dir else default_lib_dir(Path(report.get("executable") or args.app))
    if not libs:
        problems.append("no llama/ggml library was loaded in the engine")
    elif not any(all(same(Path(p).parent, d) for p in libs) for d in dirs):
        problems.append(f"libraries {libs} are not all in {' or '.join(map(str, dirs))}")
    # Every translation source in the repository must be in the bundle, compiled.
    shipped = set(report.get("resources", {}).get("translations", []))
    for ts in sorted(args.i18n_dir.glob("*.ts")) if args.i18n_dir.is_dir() else []:
        if ts.with_suffix(".qm").name not in shipped:
            problems.append(f"translation {ts.stem} is not in the bundle (compile {ts.name} before freezing)")
    if args.model and report.get("generation", {}).get("tokens", 0) <= 0:
        problems.append("no tokens generated")
    print(json.dumps({"app": str(args.app), "wall_s": round(wall, 3), **report.get("timings", {})}, indent=2))
    print("engine library:", report.get("engine", {}).get("library"))
    print("runtime:", report.get("runtime", {}).get("reason"))
    for problem in problems:
        print("FAIL:", problem)
    if problems:
        print(done.stderr[-4000:])
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
