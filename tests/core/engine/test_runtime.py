"""Choosing the llama.cpp build: recorded machines, optional build folders on disk, and what a real child loads."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from modelnest.core.engine import runtime
from modelnest.core.engine.runtime import RuntimeBuild, RuntimeChoice, discover, select_runtime
from modelnest.core.hardware import probe
from modelnest.core.hardware.model import GpuInfo
from modelnest.core.hardware.recorded import load_machine

MACHINES = Path(__file__).resolve().parents[2] / "data" / "machines"
BINDINGS = "0.3.36"


def gpus_of(name: str, tmp_path: Path) -> list[GpuInfo]:
    data = json.loads((MACHINES / f"{name}.json").read_text())
    return probe(load_machine(data, tmp_path), models_dir=tmp_path, with_sensors=False).gpus


def builds(tmp_path: Path, cuda: str = "12.4", version: str = BINDINGS) -> list[RuntimeBuild]:
    return [
        RuntimeBuild("cuda", tmp_path / "cuda", version, cuda),
        RuntimeBuild("vulkan", tmp_path / "vulkan", version),
    ]


def choose(gpus: list[GpuInfo], found: list[RuntimeBuild], **kw: object) -> RuntimeChoice:
    kw.setdefault("environ", {})
    kw.setdefault("system", "Linux")
    kw.setdefault("machine", "x86_64")
    kw.setdefault("bindings", BINDINGS)
    kw.setdefault("vulkan_ok", lambda: True)
    return select_runtime(gpus, builds=found, **kw)  # type: ignore[arg-type]


def test_nvidia_desktop_gets_the_cuda_build(tmp_path: Path) -> None:
    choice = choose(gpus_of("rtx3060_desktop", tmp_path), builds(tmp_path))
    assert (choice.variant, choice.lib_dir) == ("cuda", tmp_path / "cuda")
    assert "RTX 3060" in str(choice.reason)
    assert choice.env({"PATH": "/bin"}) == {"PATH": "/bin", runtime.LIB_PATH_ENV: str(tmp_path / "cuda")}


def test_driver_too_old_for_the_cuda_build_falls_back_to_vulkan_and_says_why(tmp_path: Path) -> None:
    gpus = gpus_of("rtx3060_desktop", tmp_path)
    supported = gpus[0].cuda_version
    assert supported  # the recording has it: the comparison below is a real one
    major = int(supported.split(".")[0])
    choice = choose(gpus, builds(tmp_path, cuda=f"{major + 1}.0"))
    assert choice.variant == "vulkan"
    assert any(f"CUDA {major + 1}.0" in str(why) and "driver" in str(why) for why in choice.passed_over)


def test_nvml_failure_skips_cuda(tmp_path: Path) -> None:
    gpu = GpuInfo(vendor="nvidia", name="GeForce GTX 1660", backend="cuda", missing={"driver": "NVML not found"})
    choice = choose([gpu], builds(tmp_path)[:1])
    assert choice.variant == "cpu" and choice.lib_dir is None
    assert "NVML not found" in str(choice.reason) and "portable CPU build" in str(choice.reason)


def test_amd_card_gets_vulkan_only_with_a_vulkan_loader(tmp_path: Path) -> None:
    gpus = gpus_of("rx7900xtx_linux", tmp_path)
    assert choose(gpus, builds(tmp_path)).variant == "vulkan"
    without = choose(gpus, builds(tmp_path), vulkan_ok=lambda: False)
    assert without.variant == "cpu"
    assert "Vulkan loader" in str(without.reason)
    assert any("NVIDIA graphics card" in str(why) for why in without.passed_over)  # CUDA was considered first


def test_intel_igpu_laptop_without_gpu_builds_says_none_are_bundled(tmp_path: Path) -> None:
    choice = choose(gpus_of("intel_igpu_laptop", tmp_path), [])
    assert choice.variant == "cpu"
    assert "no GPU build" in str(choice.reason)


def test_machine_without_gpu(tmp_path: Path) -> None:
    choice = choose(gpus_of("i7_no_gpu_16gb", tmp_path), builds(tmp_path))
    assert choice.variant == "cpu" and choice.lib_dir is None
    assert "NVIDIA" in str(choice.reason)  # says why each GPU build was passed over


def test_apple_silicon_uses_the_builtin_metal_build(tmp_path: Path) -> None:
    choice = choose(gpus_of("m1pro_16gb", tmp_path), builds(tmp_path), system="Darwin", machine="arm64")
    assert (choice.variant, choice.lib_dir) == ("metal", None)
    assert choice.env({runtime.LIB_PATH_ENV: "/stale", "HOME": "/h"}) == {"HOME": "/h"}


def test_build_for_other_bindings_is_never_loaded(tmp_path: Path) -> None:
    gpus = gpus_of("rtx3060_desktop", tmp_path)
    choice = choose(gpus, builds(tmp_path, version="0.3.1"))
    assert choice.variant == "cpu"
    assert "0.3.1" in str(choice.reason) and "could crash" in str(choice.reason)
    # not even when the user asks for it by name
    forced = choose(gpus, builds(tmp_path, version="0.3.1"), environ={runtime.OVERRIDE_ENV: "cuda"})
    assert forced.variant == "cpu"


def test_user_choices(tmp_path: Path) -> None:
    gpus = gpus_of("rtx3060_desktop", tmp_path)
    assert choose(gpus, builds(tmp_path), environ={runtime.OVERRIDE_ENV: "cpu"}).variant == "cpu"
    forced = choose([], builds(tmp_path), environ={runtime.OVERRIDE_ENV: "Vulkan"})  # the user knows better
    assert (forced.variant, forced.lib_dir) == ("vulkan", tmp_path / "vulkan")
    missing = choose(gpus, builds(tmp_path)[:1], environ={runtime.OVERRIDE_ENV: "vulkan"})
    assert missing.variant == "cuda"
    assert any("has none" in str(why) for why in missing.passed_over)
    typo = choose([], [], environ={runtime.OVERRIDE_ENV: "gpu"})
    assert typo.variant == "cpu" and "not one of" in str(typo.reason)
    custom = choose(gpus, builds(tmp_path), environ={runtime.LIB_PATH_ENV: "/opt/llama"})
    assert (custom.variant, custom.lib_dir) == ("custom", Path("/opt/llama"))


def test_fallback_after_a_failed_start_keeps_the_story(tmp_path: Path) -> None:
    first = choose(gpus_of("rtx3060_desktop", tmp_path), builds(tmp_path))
    after = runtime.fallback_after_failure(first, "the engine stopped at once (exit code -11)")
    assert (after.variant, after.lib_dir) == ("cpu", None)
    assert "cuda build could not start" in str(after.reason) and "exit code -11" in str(after.reason)


def write_build(root: Path, variant: str, manifest: object | None, lib: str = "libllama.so") -> Path:
    folder = root / variant
    folder.mkdir(parents=True)
    (folder / lib).write_bytes(b"\x7fELF")
    if manifest is not None:
        (folder / runtime.MANIFEST).write_text(manifest if isinstance(manifest, str) else json.dumps(manifest))
    return folder


def test_discover_reads_manifests_and_explains_broken_folders(tmp_path: Path) -> None:
    write_build(tmp_path, "cuda", {"variant": "cuda", "llama_cpp_version": BINDINGS, "cuda": "12.4"})
    write_build(tmp_path, "vulkan", None)
    write_build(tmp_path, "rocm", "{not json")
    (tmp_path / "empty").mkdir()
    write_build(tmp_path, "win", {"variant": "vulkan"}, lib="llama.dll")
    found, problems = discover(tmp_path, "Linux")
    assert found == [RuntimeBuild("cuda", tmp_path / "cuda", BINDINGS, "12.4")]
    assert len(problems) == 4
    assert any("empty build is incomplete" in str(p) for p in problems)
    assert any("vulkan build has no readable runtime.json" in str(p) for p in problems)
    win_found, _ = discover(tmp_path, "Windows")
    assert [b.variant for b in win_found] == ["vulkan"]
    assert discover(tmp_path / "absent") == ([], [])


def test_select_reads_the_runtimes_folder(tmp_path: Path) -> None:
    write_build(tmp_path, "vulkan", {"variant": "vulkan", "llama_cpp_version": BINDINGS})
    write_build(tmp_path, "cuda", None)
    choice = select_runtime(
        gpus_of("rx7900xtx_linux", tmp_path / "m"),
        runtimes_dir=tmp_path,
        environ={},
        system="Linux",
        machine="x86_64",
        bindings=BINDINGS,
        vulkan_ok=lambda: True,
    )
    assert (choice.variant, choice.lib_dir) == ("vulkan", tmp_path / "vulkan")
    assert any("cuda build has no readable" in str(why) for why in choice.passed_over)


def test_native_library_names() -> None:
    for name in ("libllama.so", "libggml-cpu.so.0", "ggml-vulkan.dll", "llama.dll", "libggml-metal.dylib",
                 r"C:\App\_internal\llama_cpp\lib\ggml-base.dll", "libmtmd.so.0.5.0"):
        assert runtime.is_native_library(name), name
    for name in ("libllamafile.so", "libc.so.6", "libggml.txt", "llama.py"):
        assert not runtime.is_native_library(name), name
    assert runtime.variant_of(["/x/libggml-cuda.so", "/x/libllama.so"]) == "cuda"
    assert runtime.variant_of([r"C:\x\ggml-vulkan.dll"]) == "vulkan"
    assert runtime.variant_of(["/x/libggml-cpu.so.0"]) == "cpu"
    assert runtime.variant_of([]) is None


def test_a_child_loads_every_library_from_the_chosen_folder(tmp_path: Path) -> None:
    """LLAMA_CPP_LIB_PATH moves libllama *and* its ggml libraries; the parent sees it in the child's maps."""
    pytest.importorskip("llama_cpp")
    from importlib import util

    spec = util.find_spec("llama_cpp")
    assert spec is not None and spec.submodule_search_locations
    shipped = Path(next(iter(spec.submodule_search_locations))) / "lib"
    copy = tmp_path / "other-build"
    shutil.copytree(shipped, copy)
    choice = RuntimeChoice("custom", copy, "test")
    child = subprocess.Popen(
        [sys.executable, "-c", "import llama_cpp, sys; print('ready', flush=True); sys.stdin.read()"],
        env=choice.env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        libs = runtime.loaded_libraries(child.pid)
    finally:
        child.communicate("", timeout=30)
    assert any(Path(p).name.startswith("libllama") for p in libs)
    assert libs and all(Path(p).parent.resolve() == copy.resolve() for p in libs), libs
    assert runtime.variant_of(libs) == "cpu"

