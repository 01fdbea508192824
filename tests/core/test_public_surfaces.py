"""modelnest.core.engine and modelnest.core.chat: every name in __all__ resolves, what other packages import is
in it, nothing loads before it is asked for, and no module imports another package's private name."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("modelnest.core.engine", "modelnest.core.chat")
ENTRY_POINTS = {"main"}  # host.main / template_worker.main start child processes; they are not API


def _from_imports(folders: tuple[str, ...]) -> list[tuple[Path, str, str]]:
    out = []
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("modelnest."):
                    out += [(path, node.module, alias.name) for alias in node.names]
    return out


@pytest.mark.parametrize("package", PACKAGES)
def test_all_resolves_and_covers_what_others_use(package: str) -> None:
    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(set(module.__all__))
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    own = ROOT / "core" / package.rsplit(".", 1)[1]
    used = {
        name for path, mod, name in _from_imports(("core", "gui"))
        if mod.startswith(package + ".") and own not in path.parents and name not in ENTRY_POINTS
    }
    submodules = {p.stem for p in own.glob("*.py")}
    missing = sorted(n for n in used - set(module.__all__) if n not in submodules)
    assert missing == [], f"other packages use these: add them to {package}.__all__"


def test_unknown_names_raise_attribute_error() -> None:
    engine = importlib.import_module("modelnest.core.engine")
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        engine.Nope  # noqa: B018 - the attribute access is the test
    from modelnest.core.engine import runtime  # submodules stay importable by name

    assert runtime.select_runtime is engine.select_runtime


def test_names_load_on_first_use() -> None:
    code = (
        "import sys\n"
        "from modelnest.core.engine import EngineParams\n"
        "from modelnest.core.chat import SamplingSettings\n"
        "loaded = [m for m in ('modelnest.core.engine.client', 'modelnest.core.engine.templates',"
        " 'modelnest.core.hardware.probe', 'modelnest.core.chat.history', 'sqlite3') if m in sys.modules]\n"
        "print(loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_no_module_imports_another_packages_private_names() -> None:
    offenders = []
    for path, module, name in _from_imports(("core", "gui")):
        if not name.startswith("_") or name.startswith("__"):
            continue
        importer = ".".join(("modelnest", *path.relative_to(ROOT).with_suffix("").parts))
        if module.split(".")[:3] != importer.split(".")[:3]:  # modelnest.<core|gui>.<package>
            offenders.append(f"{path.relative_to(ROOT)}: from {module} import {name}")
    assert offenders == []
