"""PyInstaller hook: llama_cpp's shared libraries (libllama, libggml-*) into llama_cpp/lib, where it looks for them.

llama_cpp loads libllama with ctypes from `Path(__file__).parent / "lib"` (or LLAMA_CPP_LIB_PATH), which PyInstaller
cannot see; collected as binaries they keep that relative place in the bundle (and get codesigned on macOS).
Linux wheels hold three identical copies of each library (libx.so, libx.so.0, libx.so.0.y.z); only the file
llama_cpp opens (libllama.so, libggml.so) and the sonames the others are linked against (libggml*.so.0) are kept.
libmtmd (multimodal projectors) and llama_cpp.server (the OpenAI-compatible server) are not used by the app.
Anything else in lib/ (e.g. a Metal shader library) goes along as data.
"""

import re
import sys
from pathlib import Path

from PyInstaller.utils.hooks import copy_metadata, get_package_paths

_FULL_VERSION = re.compile(r"\.so\.\d+\.\d+(\.\d+)?$")


def _wanted(name: str) -> bool:
    if name.startswith(("libmtmd", "mtmd", "libllava", "llava")):
        return False
    if sys.platform.startswith("linux"):
        if _FULL_VERSION.search(name):
            return False  # libx.so.0.25.3: nothing refers to the full version
        if name.endswith(".so"):
            return name in ("libllama.so", "libggml.so")  # opened by path; the rest load by soname (.so.0)
        if name.startswith("libllama.so."):
            return False  # only libmtmd links against libllama's soname
    return True


_, _pkg_dir = get_package_paths("llama_cpp")
_LIB = re.compile(r"(\.so(\.\d+)*|\.dylib|\.dll)$")
_files = sorted(p for p in (Path(_pkg_dir) / "lib").glob("*") if p.is_file())
# Listed by hand rather than with collect_dynamic_libs(), which sees only the unversioned *.so names.
binaries = [(str(p), "llama_cpp/lib") for p in _files if _LIB.search(p.name) and _wanted(p.name)]
datas = [
    (str(p), "llama_cpp/lib")
    for p in _files
    if not _LIB.search(p.name) and not p.name.endswith((".a", ".lib", ".h", ".cmake", ".pc"))
]
datas += copy_metadata("llama_cpp_python")  # runtime.bindings_version() reads it without importing llama_cpp
excludedimports = ["llama_cpp.server"]
