"""The linter and the type checker, run by the test suite so the README's test command (and CI) runs them too.

Rules and strictness live in pyproject.toml ([tool.ruff], [tool.mypy]); these tests only run the tools and show
their findings as the failure message. Run by hand: `python tests/test_static_checks.py` (both tools).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINTED = ["core", "gui", "tests", "benchmarks", "scripts", "packaging", "resources"]
TYPED = ["modelnest.core", "modelnest.gui"]  # both strict (pyproject.toml [tool.mypy])
# core/ installs as modelnest.core through setuptools' editable-install import hook, which mypy cannot follow;
# mypy reads the package through these links instead (pyproject's [tool.mypy] mypy_path points here).
LINKS = ROOT / "build" / "mypy-path" / "modelnest"
FOLDERS = {"core": "core", "gui": "gui", "resources": "resources"}


def _tool(name: str) -> list[str]:
    """The tool from the interpreter running the tests (the project's venv), as a module so PATH does not matter."""
    return [sys.executable, "-m", name]


def _link_package_tree() -> None:
    LINKS.mkdir(parents=True, exist_ok=True)
    for name, folder in FOLDERS.items():
        link, target = LINKS / name, ROOT / folder
        if link.is_symlink() and link.resolve() == target.resolve():
            continue
        if link.is_symlink() or link.is_file():
            link.unlink()
        elif link.is_dir():
            shutil.rmtree(link)  # an older copy (see below)
        try:
            link.symlink_to(target, target_is_directory=True)
        except OSError:  # no symlink privilege (Windows without developer mode): a copy, renewed each run
            shutil.copytree(target, link)


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "MYPY_FORCE_COLOR": "0"}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)


def run_ruff() -> subprocess.CompletedProcess[str]:
    return _run([*_tool("ruff"), "check", "--no-cache", "--output-format", "concise", *LINTED])


def run_mypy() -> subprocess.CompletedProcess[str]:
    _link_package_tree()
    result = _run([*_tool("mypy"), *(arg for p in TYPED for arg in ("-p", p))])
    # Report the repository's paths, not the links' (build/mypy-path/modelnest/core/x.py -> core/x.py).
    prefix = (LINKS.relative_to(ROOT).as_posix() + "/", str(LINKS) + os.sep)
    for p in prefix:
        result.stdout = result.stdout.replace(p, "")
    return result


def test_ruff_finds_nothing() -> None:
    result = run_ruff()
    if result.returncode != 0:  # the findings only, without pytest's repr of the process object
        pytest.fail(f"ruff check (rules in pyproject.toml [tool.ruff]):\n{result.stdout}{result.stderr}", pytrace=False)


def test_mypy_strict_on_core_and_gui() -> None:
    result = run_mypy()
    if result.returncode != 0:
        pytest.fail(f"mypy (pyproject.toml [tool.mypy]):\n{result.stdout}{result.stderr}", pytrace=False)
    # It must have read this repository's folders, every file of them (not an installed copy, not nothing).
    assert (LINKS / "core" / "__init__.py").resolve() == (ROOT / "core" / "__init__.py").resolve()
    count = sum(len(list((ROOT / FOLDERS[p.split(".")[1]]).rglob("*.py"))) for p in TYPED)
    assert f"no issues found in {count} source files" in result.stdout, (count, result.stdout)


if __name__ == "__main__":
    status = 0
    for run in (run_ruff, run_mypy):
        done = run()
        print(done.stdout + done.stderr, end="")
        status |= done.returncode
    sys.exit(status)
