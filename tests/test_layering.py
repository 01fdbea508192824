"""The architecture's rules as contracts: which package may import which, checked on every import in the source.

The rules are read from the source with `ast`, so they see what a run-time check cannot: imports inside functions
(the way a package cycle hides), imports under ``if TYPE_CHECKING``, relative imports (resolved to the absolute
module) and ``importlib.import_module("literal")`` calls. The subprocess tests below then check the same rules at run
time, importing every module of a package, not just the entry point. import-linter (via grimp) would also see
function-level imports; a short AST walk keeps the rules, their messages and the known-violation list in one file
and adds no dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAPPING = {"core": "modelnest.core", "gui": "modelnest.gui", "resources": "modelnest.resources"}
QT = ("PySide6", "shiboken6")


@dataclass(frozen=True)
class Import:
    """One import statement (or import_module call) of one source file, resolved to an absolute module name."""

    path: str  # relative to the repository root, e.g. "core/hardware/tier.py"
    line: int
    importer: str  # the importing module, e.g. "modelnest.core.hardware.tier"
    module: str  # the imported module, e.g. "modelnest.core.plan"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.module}"


def _module_name(path: Path) -> tuple[str, bool]:
    """The dotted name a source file installs as, and whether it is a package's __init__."""
    folder = path.relative_to(ROOT).parts[0]
    rel = path.relative_to(ROOT / folder).with_suffix("")
    is_package = rel.name == "__init__"
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([MAPPING[folder], *parts]), is_package


def _sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _known_modules() -> set[str]:
    return {_module_name(p)[0] for p in _sources(*MAPPING)}


def _imports_in(source: str, rel: str, known: set[str]) -> Iterator[Import]:
    """Every import in `source`, the text of the file at `rel` (a path relative to the repository root)."""
    importer, is_package = _module_name(ROOT / rel)
    package = importer if is_package else importer.rpartition(".")[0]
    tree = ast.parse(source, filename=rel)
    yield from dict.fromkeys(_walk(tree, rel, importer, package, known))  # one entry per line and module


def _walk(tree: ast.AST, rel: str, importer: str, package: str, known: set[str]) -> Iterator[Import]:
    for node in ast.walk(tree):  # every level: module body, functions, classes, if/try blocks
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(rel, node.lineno, importer, alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                up = node.level - 1
                assert up < len(base_parts), f"{rel}:{node.lineno}: relative import leaves the package"
                base = ".".join(base_parts[: len(base_parts) - up])
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            for alias in node.names:
                # `from pkg import sub` imports the submodule when there is one; otherwise a name of pkg.
                sub = f"{base}.{alias.name}"
                yield Import(rel, node.lineno, importer, sub if sub in known else base)
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__"))
            )
        ):
            yield Import(rel, node.lineno, importer, node.args[0].value)


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    known = _known_modules()
    return [
        imp
        for path in _sources("core", "gui")
        for imp in _imports_in(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix(), known)
    ]


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _core_packages() -> list[str]:
    return sorted(f"modelnest.core.{p.parent.name}" for p in (ROOT / "core").glob("*/__init__.py"))


# Known violations, each to be removed by the change that fixes it, keyed by file and imported module, so any *new*
# edge, even from a listed file, still fails; an entry that no longer matches anything fails too, so the list only
# shrinks. (Issue 10 point 5 emptied it: the tier line moved to the planner, the instruction-set query to the engine.)
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()  # tier.py moved to plan/, engine_features.py to engine/features.py


def _only_core_modules(imp: Import) -> bool:
    """gguf sits below everything else in core: it may use core's top-level modules (errors, messages, units,
    paths …), never another core package."""
    if not _within(imp.importer, "modelnest.core.gguf") or not _within(imp.module, "modelnest.core"):
        return False
    package = ".".join(imp.module.split(".")[:3])
    return package in _core_packages() and package != "modelnest.core.gguf"


RULES: dict[str, Callable[[Import], bool]] = {
    # Each rule says when an import is forbidden.
    "core never imports the GUI (gui → core only)": lambda i: (
        _within(i.importer, "modelnest.core") and _within(i.module, "modelnest.gui")
    ),
    "core never imports Qt": lambda i: (
        _within(i.importer, "modelnest.core") and i.module.split(".")[0] in QT
    ),
    "only core/engine/host.py (the engine child) imports llama_cpp": lambda i: (
        i.module.split(".")[0] == "llama_cpp" and i.path != "core/engine/host.py"
    ),
    "gguf is below every other core package": _only_core_modules,
    "the engine knows no chat": lambda i: (
        _within(i.importer, "modelnest.core.engine") and _within(i.module, "modelnest.core.chat")
    ),
    "download never imports the engine": lambda i: (
        _within(i.importer, "modelnest.core.download") and _within(i.module, "modelnest.core.engine")
    ),
    "hardware imports neither plan nor engine": lambda i: (
        _within(i.importer, "modelnest.core.hardware")
        and (_within(i.module, "modelnest.core.plan") or _within(i.module, "modelnest.core.engine"))
    ),
    # Not in the issue's list, but DESIGN.md §7's shape, and true today: keep them so.
    "the planner knows no catalogue (the catalogue builds on the planner)": lambda i: (
        _within(i.importer, "modelnest.core.plan") and _within(i.module, "modelnest.core.catalogue")
    ),
    "nothing in core imports the CLI (it is a face of core, like the GUI)": lambda i: (
        _within(i.importer, "modelnest.core")
        and not _within(i.importer, "modelnest.core.cli")
        and _within(i.module, "modelnest.core.cli")
    ),
    "always import modelnest.…, never the bare folder names": lambda i: (
        i.module.split(".")[0] in MAPPING
    ),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_layering_rule(rule: str, imports: list[Import]) -> None:
    broken = [i for i in imports if RULES[rule](i) and (i.path, i.module) not in KNOWN_VIOLATIONS]
    assert not broken, f"{rule}:\n" + "\n".join(f"  {i}" for i in broken)


def test_known_violations_still_exist(imports: list[Import]) -> None:
    present = {(i.path, i.module) for i in imports if any(rule(i) for rule in RULES.values())}
    stale = sorted(KNOWN_VIOLATIONS - present)
    assert not stale, f"fixed, so remove from KNOWN_VIOLATIONS in tests/test_layering.py: {stale}"


def test_the_import_reader_sees_every_kind_of_import() -> None:
    """The contract is only as good as the reader: function-level, relative and import_module imports count."""
    source = (
        "import os\n"
        "from . import cpu\n"
        "from .. import errors\n"
        "from ..plan import planner\n"
        "def f():\n"
        "    from modelnest.core.engine.client import EngineClient\n"
        "    import importlib\n"
        "    importlib.import_module('llama_cpp')\n"
        "class C:\n"
        "    def g(self):\n"
        "        import PySide6.QtCore\n"
        "        from modelnest.core.cli import main\n"
    )
    imps = list(_imports_in(source, "core/hardware/_probe.py", _known_modules()))
    assert sorted((i.line, i.module) for i in imps) == [
        (1, "os"),
        (2, "modelnest.core.hardware.cpu"),
        (3, "modelnest.core.errors"),
        (4, "modelnest.core.plan.planner"),
        (6, "modelnest.core.engine.client"),
        (7, "importlib"),
        (8, "llama_cpp"),
        (11, "PySide6.QtCore"),
        (12, "modelnest.core.cli"),
    ]
    broken = {(i.line, rule) for i in imps for rule, forbids in RULES.items() if forbids(i)}
    assert broken == {
        (4, "hardware imports neither plan nor engine"),
        (6, "hardware imports neither plan nor engine"),
        (8, "only core/engine/host.py (the engine child) imports llama_cpp"),
        (11, "core never imports Qt"),
        (12, "nothing in core imports the CLI (it is a face of core, like the GUI)"),
    }
    assert str(imps[0]) == "core/hardware/_probe.py:1: modelnest.core.hardware._probe imports os"


def _modules(folder: str) -> list[str]:
    return [_module_name(p)[0] for p in _sources(folder)]


def _loaded_after_importing(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in {prefixes!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return [n for n in result.stdout.strip().split(",") if n]


def test_core_never_loads_qt_or_llama_cpp() -> None:
    modules = [m for m in _modules("core") if m != "modelnest.core.engine.host"]
    assert len(modules) > 50, modules  # every core module, not a sample
    loaded = _loaded_after_importing(modules, (*QT, "llama_cpp"))
    assert loaded == [], f"importing core loaded: {loaded}"


def test_gui_never_loads_llama_cpp() -> None:
    modules = _modules("gui")
    assert len(modules) > 20 and "modelnest.gui.app" in modules, modules  # every gui module, not just the entry
    loaded = _loaded_after_importing(modules, ("llama_cpp",))
    assert loaded == [], f"importing every gui module loaded: {loaded}"


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for folder, package in MAPPING.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *rel.parts]))
    assert found <= listed, f"add to pyproject packages: {sorted(found - listed)}"
