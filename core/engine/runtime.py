"""Which llama.cpp build the engine child loads: a GPU build when this machine can use it, else the portable CPU one.

Layout. The build that comes with llama_cpp (its own `lib/` folder) is the default: the portable CPU build
(GGML_NATIVE=OFF, AVX2 baseline), or on macOS arm64 the Metal build (which also runs on the CPU). Optional builds
live in `<runtimes>/<variant>/` (frozen app: `_internal/runtimes/`), each holding the llama + ggml shared libraries
and a `runtime.json` manifest: {"variant": "cuda", "llama_cpp_version": "0.3.36", "cuda": "12.4"}.

The choice reaches the child as LLAMA_CPP_LIB_PATH: llama_cpp reads it at import to find libllama, and libllama
finds the ggml libraries beside it (RUNPATH $ORIGIN on Linux, @loader_path on macOS, the DLL directory llama_cpp
adds on Windows). Every reason to pass over a GPU build is kept as a plain sentence, so the CPU fallback says why.
Qt-free and llama_cpp-free: the GUI process decides, only the child loads.
"""

from __future__ import annotations

import ctypes.util
import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from modelnest.core import config
from modelnest.core.hardware.model import GpuInfo
from modelnest.core.messages import Message, Text, msg, sentences

LIB_PATH_ENV = config.LLAMA_CPP_LIB_PATH  # read by llama_cpp.llama_cpp at import time
OVERRIDE_ENV = config.MODELNEST_RUNTIME  # auto (default) | cpu | vulkan | cuda: the user's explicit choice
RUNTIMES_DIR_ENV = config.MODELNEST_RUNTIMES_DIR  # where optional builds live when not frozen (developers, tests)
MANIFEST = "runtime.json"
GPU_VARIANTS = ("cuda", "vulkan")  # preference order: CUDA is faster than Vulkan on NVIDIA cards
_VULKAN_VENDORS = ("nvidia", "amd", "intel")
_NATIVE_LIB = re.compile(r"^(lib)?(llama|mtmd|ggml(-[\w]+)?)(\.so(\.[\d.]+)?|\.dylib|\.dll)$", re.IGNORECASE)


def library_names(system: str | None = None) -> tuple[str, ...]:
    """File names llama_cpp's loader accepts for libllama on `system` (same order it tries them)."""
    system = system or platform.system()
    if system == "Windows":
        return ("llama.dll", "libllama.dll")
    if system == "Darwin":
        return ("libllama.so", "libllama.dylib")
    return ("libllama.so",)


def default_runtimes_dir() -> Path | None:
    """`_internal/runtimes` in the frozen app, MODELNEST_RUNTIMES_DIR otherwise (None: no optional builds)."""
    override = config.read().runtimes_dir
    if override is not None:
        return override
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "runtimes" if bundle else None


def bindings_version() -> str | None:
    """Version of the llama-cpp-python bindings (read from metadata: importing llama_cpp would load the library)."""
    try:
        return metadata.version("llama_cpp_python")
    except metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True)
class RuntimeBuild:
    """One optional llama.cpp build found on disk."""

    variant: str
    path: Path
    llama_cpp_version: str | None = None
    cuda: str | None = None  # CUDA toolkit the build was compiled with; the driver must support at least this


def discover(root: Path | None, system: str | None = None) -> tuple[list[RuntimeBuild], list[Message]]:
    """Optional builds under `root`, plus one sentence per folder that is there but unusable."""
    builds: list[RuntimeBuild] = []
    problems: list[Message] = []
    if root is None or not root.is_dir():
        return builds, problems
    names = library_names(system)
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not any((folder / name).is_file() for name in names):
            problems.append(msg("The {build} build is incomplete (no {library} in {folder}).", build=folder.name,
                                library=names[0], folder=folder))
            continue
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            if not isinstance(manifest, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            problems.append(msg("The {build} build has no readable {manifest} ({error}).", build=folder.name,
                                manifest=MANIFEST, error=str(exc)))
            continue
        builds.append(
            RuntimeBuild(
                variant=str(manifest.get("variant", folder.name)),
                path=folder,
                llama_cpp_version=manifest.get("llama_cpp_version"),
                cuda=manifest.get("cuda"),
            )
        )
    return builds, problems


def vulkan_loader_present(system: str | None = None) -> bool:
    """True when the Vulkan loader (installed with any current GPU driver) can be found."""
    system = system or platform.system()
    if system == "Windows":
        return (Path(os.environ.get("SYSTEMROOT", r"C:\Windows")) / "System32" / "vulkan-1.dll").is_file()
    return ctypes.util.find_library("vulkan") is not None


@dataclass(frozen=True)
class RuntimeChoice:
    """The build the engine will load and why; `passed_over` holds one sentence per GPU build not used."""

    variant: str  # "cpu", "metal", "cuda", "vulkan" or "custom" (LLAMA_CPP_LIB_PATH set by the user)
    lib_dir: Path | None  # None: the build that comes with llama_cpp
    reason: Text
    passed_over: tuple[Text, ...] = field(default_factory=tuple)

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """Environment for the engine child: `base` (default os.environ) with LLAMA_CPP_LIB_PATH set or removed."""
        env = dict(os.environ if base is None else base)
        if self.lib_dir is None:
            env.pop(LIB_PATH_ENV, None)
        else:
            env[LIB_PATH_ENV] = str(self.lib_dir)
        return env

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "lib_dir": str(self.lib_dir) if self.lib_dir else None,
            "reason": str(self.reason),
            "passed_over": [str(p) for p in self.passed_over],
        }


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _builtin_variant(system: str, machine: str) -> str:
    return "metal" if system == "Darwin" and machine.lower() in ("arm64", "aarch64") else "cpu"


def _check(
    build: RuntimeBuild, gpus: Sequence[GpuInfo], bindings: str | None, vulkan_ok: Callable[[], bool]
) -> tuple[Message | None, Text]:
    """(None, why-usable) if `build` can run here, else (why-not, "")."""
    label = build.variant.upper() if build.variant == "cuda" else build.variant.capitalize()
    if bindings and build.llama_cpp_version and build.llama_cpp_version != bindings:
        return (
            msg("The {build} build was made for llama-cpp-python {made_for}, but this app has {bindings}: loading "
                "it could crash.", build=label, made_for=build.llama_cpp_version, bindings=bindings),
            "",
        )
    if build.variant == "cuda":
        nvidia = [g for g in gpus if g.vendor == "nvidia"]
        if not nvidia:
            return msg("The {build} build needs an NVIDIA graphics card; none was found.", build=label), ""
        gpu = nvidia[0]
        if gpu.driver_version is None:
            why: Text = "; ".join(f"{k}: {v}" for k, v in gpu.missing.items()) or msg("no driver answered")
            return msg("The {build} build needs a working NVIDIA driver for {gpu} ({why}).", build=label,
                       gpu=gpu.name, why=why), ""
        if build.cuda and gpu.cuda_version and _version_tuple(gpu.cuda_version) < _version_tuple(build.cuda):
            return (
                msg("The {build} build needs a driver for CUDA {cuda} or newer; the installed NVIDIA driver {driver} "
                    "supports CUDA {supported}. Updating the driver enables it.", build=label, cuda=build.cuda,
                    driver=gpu.driver_version, supported=gpu.cuda_version),
                "",
            )
        return None, msg("{gpu} found", gpu=gpu.name)
    if build.variant == "vulkan":
        usable = [g for g in gpus if g.vendor in _VULKAN_VENDORS]
        if not usable:
            return msg("The {build} build needs an NVIDIA, AMD or Intel graphics card; none was found.",
                       build=label), ""
        if not vulkan_ok():
            return (
                msg("The {build} build needs the Vulkan loader, which comes with the graphics driver; it was not "
                    "found (install or update the driver for {gpu}).", build=label, gpu=usable[0].name),
                "",
            )
        return None, msg("{gpu} found", gpu=usable[0].name)
    return msg("Unknown build '{build}' in {path}.", build=build.variant, path=build.path), ""


def select_runtime(
    gpus: Sequence[GpuInfo],
    *,
    builds: Sequence[RuntimeBuild] | None = None,
    runtimes_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    system: str | None = None,
    machine: str | None = None,
    bindings: str | None = None,
    vulkan_ok: Callable[[], bool] | None = None,
) -> RuntimeChoice:
    """Pick the build for this machine from the probed GPUs; never raises."""
    settings = config.read(environ)
    system = system or platform.system()
    machine = machine or platform.machine()
    builtin = _builtin_variant(system, machine)
    custom = settings.llama_lib_path
    if custom:
        return RuntimeChoice("custom", Path(custom), msg("{variable} is set, so the engine loads {path}.",
                                                         variable=LIB_PATH_ENV, path=custom))
    passed_over: list[Message] = []
    if builds is None:
        found, problems = discover(runtimes_dir if runtimes_dir is not None else default_runtimes_dir(), system)
        passed_over += problems
    else:
        found = list(builds)
    bindings = bindings if bindings is not None else bindings_version()
    vulkan_check = vulkan_ok or (lambda: vulkan_loader_present(system))
    wanted = settings.runtime
    if wanted in ("cpu", builtin):
        chosen = (
            msg("Using the Metal build, as chosen with {variable}={value}.", variable=OVERRIDE_ENV, value=wanted)
            if builtin == "metal" else
            msg("Using the portable CPU build, as chosen with {variable}={value}.", variable=OVERRIDE_ENV, value=wanted)
        )
        return RuntimeChoice(builtin, None, chosen)
    by_variant = {b.variant: b for b in found}
    if wanted in GPU_VARIANTS:
        build = by_variant.get(wanted)
        if build is not None:
            # An explicit choice skips the hardware check (the user may know better than the probe); the
            # bindings check stays, because a mismatched library crashes rather than falls back.
            why_not, _ = _check(build, gpus, bindings, lambda: True)
            if why_not is None or "llama-cpp-python" not in why_not.template:
                return RuntimeChoice(wanted, build.path, msg("Using the {build} build, as chosen with {variable}.",
                                                             build=wanted, variable=OVERRIDE_ENV))
            passed_over.append(why_not)
        else:
            passed_over.append(msg("{variable}={value} asks for a {value} build, but this app has none.",
                                   variable=OVERRIDE_ENV, value=wanted))
    elif wanted != "auto":
        passed_over.append(msg("{variable}={value} is not one of auto, cpu, cuda, vulkan; ignored.",
                               variable=OVERRIDE_ENV, value=wanted))
    if system != "Darwin":  # Apple GPUs are driven by the built-in Metal build
        for variant in GPU_VARIANTS:
            build = by_variant.get(variant)
            if build is None:
                continue
            why_not, found_what = _check(build, gpus, bindings, vulkan_check)
            if why_not is None:
                return RuntimeChoice(
                    variant, build.path, msg("{found}: using the {build} build.", found=found_what, build=variant),
                    tuple(passed_over),
                )
            passed_over.append(why_not)
    if builtin == "metal":
        reason = msg("Using the Metal build (Apple GPU, with the CPU as fallback).")
    elif passed_over:
        reason = msg("Using the portable CPU build. {reasons}", reasons=sentences(passed_over))
    elif any(g.vendor in _VULKAN_VENDORS for g in gpus):
        reason = msg("Using the portable CPU build: this app has no GPU build for the graphics card found.")
    else:
        reason = msg("Using the portable CPU build: no graphics card that llama.cpp can use was found.")
    return RuntimeChoice(builtin, None, reason, tuple(passed_over))


def fallback_after_failure(choice: RuntimeChoice, explanation: Text) -> RuntimeChoice:
    """The CPU choice to retry with when the engine could not start on a GPU build; says what happened."""
    return RuntimeChoice(
        "cpu",
        None,
        msg("The {build} build could not start ({reason}); using the portable CPU build instead.",
            build=choice.variant, reason=explanation),
        (*choice.passed_over, msg("The {build} build failed to start: {reason}", build=choice.variant,
                                  reason=explanation)),
    )


def is_native_library(path: str) -> bool:
    """True for llama.cpp / ggml shared library file names (any platform's spelling)."""
    return bool(_NATIVE_LIB.match(Path(path.replace("\\", "/")).name))


def loaded_libraries(pid: int | None = None) -> list[str]:
    """Paths of the llama/ggml shared libraries mapped into process `pid` (default: this one).

    This is what the dynamic loader actually resolved, which can differ from what LLAMA_CPP_LIB_PATH asked for.
    psutil reads memory maps on Linux and Windows; macOS has no such API in psutil, so `lsof` (always present
    there) lists the mapped dylibs.
    """
    import psutil  # only needed here

    pid = os.getpid() if pid is None else pid
    paths: set[str] = set()
    if sys.platform == "darwin":
        out = subprocess.run(["lsof", "-p", str(pid), "-Fn"], capture_output=True, text=True, timeout=30).stdout
        paths = {line[1:] for line in out.splitlines() if line.startswith("n") and is_native_library(line[1:])}
    else:
        for region in psutil.Process(pid).memory_maps(grouped=True):
            if is_native_library(region.path):
                paths.add(region.path)
    return sorted(paths)


def variant_of(libraries: Sequence[str]) -> str | None:
    """The GPU backend the loaded ggml libraries provide ("cuda", "vulkan", "metal"), "cpu", or None if none loaded."""
    names = {Path(p.replace("\\", "/")).name.lower() for p in libraries}
    if not names:
        return None
    for variant in ("cuda", "vulkan", "metal"):
        if any(f"ggml-{variant}" in n for n in names):
            return variant
    return "cpu"
