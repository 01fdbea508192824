"""Build a llama-cpp-python wheel for one llama.cpp variant and unpack its libraries as an app runtime folder.

    python packaging/build_runtime.py cpu --install              # the portable CPU build the app ships by default
    python packaging/build_runtime.py metal --install            # macOS arm64 default
    python packaging/build_runtime.py vulkan --out build/runtimes   # optional GPU build -> build/runtimes/vulkan/
    python packaging/build_runtime.py cuda --out build/runtimes

Wheels go to a wheelhouse keyed by version + CMake flags + platform (default ~/.cache/modelnest-wheelhouse, or
WHEELHOUSE): pip's own cache is keyed by the source archive only, so a native build made once would silently be
reused for a portable one (DESIGN.md §2). `--out` writes <out>/<variant>/ with the llama/ggml libraries (plus,
for CUDA, the CUDA runtime libraries they need) and runtime.json, the manifest core/engine/runtime.py reads.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

VERSION = "0.3.36"  # keep in step with pyproject.toml's llama-cpp-python pin
PORTABLE_X86 = "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
CMAKE_ARGS = {
    # AVX2 baseline: every x86-64 CPU since 2013-2015; -march=native would SIGILL on other machines (AMX, AVX-512).
    "cpu": PORTABLE_X86,
    # Apple Silicon: ggml's default arm64 flags; Metal shaders embedded in the library (no .metal file to ship).
    "metal": "-DGGML_METAL=ON -DGGML_METAL_EMBED_LIBRARY=ON -DGGML_NATIVE=OFF",
    "vulkan": PORTABLE_X86 + " -DGGML_VULKAN=ON",
    # Pascal .. Ada; PTX for newer cards is JIT-compiled by the driver.
    "cuda": PORTABLE_X86 + " -DGGML_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=61;75;86;89",
}
# The CUDA runtime libraries ggml-cuda links against; they are not part of the NVIDIA driver.
CUDA_LIBS = {
    "Windows": ["cudart64_*.dll", "cublas64_*.dll", "cublasLt64_*.dll"],
    "Linux": ["libcudart.so.*", "libcublas.so.*", "libcublasLt.so.*"],
}
_NATIVE = re.compile(r"(\.so(\.\d+)*|\.dylib|\.dll)$")


def wheel_key(variant: str, cmake_args: str, version: str = VERSION) -> str:
    """Wheelhouse sub-folder: changes whenever anything that changes the binary changes."""
    ident = f"{version}|{cmake_args}|{platform.system()}|{platform.machine()}|{sys.version_info[:2]}"
    return f"{variant}-{version}-{hashlib.sha256(ident.encode()).hexdigest()[:12]}"


def build_wheel(variant: str, cmake_args: str, wheelhouse: Path) -> Path:
    target = wheelhouse / wheel_key(variant, cmake_args)
    found = sorted(target.glob("llama_cpp_python-*.whl"))
    if found:
        print(f"reusing {found[-1]}")
        return found[-1]
    target.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CMAKE_ARGS=cmake_args, FORCE_CMAKE="1")
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-cache-dir", "--no-deps", "--no-binary", "llama-cpp-python",
           "--wheel-dir", str(target), f"llama-cpp-python=={VERSION}"]
    print("+", " ".join(cmd), f"(CMAKE_ARGS={cmake_args})", flush=True)
    subprocess.run(cmd, env=env, check=True)
    return sorted(target.glob("llama_cpp_python-*.whl"))[-1]


def extract_runtime(wheel: Path, variant: str, out: Path, extra: dict[str, str] | None = None) -> Path:
    """Unpack llama_cpp/lib/* from `wheel` into out/variant/ and write runtime.json; returns the folder."""
    folder = out / variant
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            name = info.filename
            if not name.startswith("llama_cpp/lib/") or name.endswith("/"):
                continue
            base = name.rsplit("/", 1)[-1]
            if base.startswith(("libmtmd", "mtmd", "libllava", "llava")) or not _NATIVE.search(base):
                continue  # multimodal projector libraries and build leftovers are not used by the app
            (folder / base).write_bytes(zf.read(info))
            if sys.platform != "win32":
                os.chmod(folder / base, 0o755)
    if not any((folder / n).is_file() for n in ("libllama.so", "libllama.dylib", "llama.dll", "libllama.dll")):
        raise SystemExit(f"{wheel} has no llama library under llama_cpp/lib/")
    manifest = {"variant": variant, "llama_cpp_version": VERSION, **(extra or {})}
    (folder / "runtime.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return folder


def cuda_version() -> str | None:
    try:
        text = subprocess.run(["nvcc", "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"release (\d+\.\d+)", text)
    return match.group(1) if match else None


def copy_cuda_runtime(folder: Path) -> None:
    """Put cudart/cuBLAS beside ggml-cuda, where its loader looks ($ORIGIN / the DLL's own folder)."""
    root = os.environ.get("CUDA_PATH") or os.environ.get("CUDA_HOME") or "/usr/local/cuda"
    sub = "bin" if platform.system() == "Windows" else "lib64"
    for pattern in CUDA_LIBS.get(platform.system(), []):
        matches = glob.glob(os.path.join(root, sub, pattern))
        if not matches:
            raise SystemExit(f"CUDA runtime library {pattern} not found in {root}/{sub}")
        for path in matches:
            shutil.copy2(path, folder / os.path.basename(path), follow_symlinks=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=sorted(CMAKE_ARGS))
    parser.add_argument("--cmake-args", help="override the variant's CMake flags")
    parser.add_argument("--wheelhouse", type=Path,
                        default=Path(os.environ.get("WHEELHOUSE", Path.home() / ".cache" / "modelnest-wheelhouse")))
    parser.add_argument("--install", action="store_true", help="pip-install the wheel into this Python")
    parser.add_argument("--out", type=Path, help="write <out>/<variant>/ as an optional runtime folder")
    args = parser.parse_args(argv)
    cmake_args = args.cmake_args or CMAKE_ARGS[args.variant]
    wheel = build_wheel(args.variant, cmake_args, args.wheelhouse)
    if args.install:
        subprocess.run([sys.executable, "-m", "pip", "install", "--force-reinstall", "--no-deps", str(wheel)],
                       check=True)
    if args.out:
        extra = {"cmake_args": cmake_args}
        if args.variant == "cuda":
            extra["cuda"] = cuda_version() or ""
        folder = extract_runtime(wheel, args.variant, args.out, extra)
        if args.variant == "cuda":
            copy_cuda_runtime(folder)
        print(f"runtime folder: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
