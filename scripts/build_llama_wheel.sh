#!/usr/bin/env bash
# Builds llama-cpp-python once, portable, into a wheelhouse outside the repo keyed by version + CMake flags.
# Why: pip's wheel cache is keyed by the sdist only and would silently reuse a native (-march=native) wheel,
# which dies of SIGILL (AMX) on these machines and must never ship. Prints the wheel's path.
set -euo pipefail
LLAMA_VERSION="${LLAMA_VERSION:-0.3.36}"
CMAKE_ARGS="${MODELNEST_CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON}"
PY="${PYTHON:-python3}"
# Key: version + flags + interpreter + machine (Python does the hashing: macOS has no sha256sum).
key=$("$PY" -c 'import hashlib, platform, sys; print(hashlib.sha256("|".join([*sys.argv[1:], sys.implementation.cache_tag, platform.machine()]).encode()).hexdigest()[:16])' "$LLAMA_VERSION" "$CMAKE_ARGS")
house="${MODELNEST_WHEELHOUSE:-${XDG_CACHE_HOME:-$HOME/.cache}/modelnest/wheelhouse}/llama-cpp-python-$LLAMA_VERSION-$key"
wheel=$(ls "$house"/llama_cpp_python-*.whl 2>/dev/null | head -1 || true)
if [ -z "$wheel" ]; then
  mkdir -p "$house.tmp"
  echo "building llama-cpp-python $LLAMA_VERSION portable (8-10 min on 2 cores) into $house" >&2
  CMAKE_ARGS="$CMAKE_ARGS" FORCE_CMAKE=1 CMAKE_BUILD_PARALLEL_LEVEL="$("$PY" -c 'import os; print(os.cpu_count() or 2)')" \
    "$PY" -m pip wheel --no-cache-dir --no-deps --wheel-dir "$house.tmp" "llama-cpp-python==$LLAMA_VERSION" >&2
  printf '%s\n' "$CMAKE_ARGS" > "$house.tmp/CMAKE_ARGS"
  rm -rf "$house"; mv "$house.tmp" "$house"   # atomic-ish: a half-built wheelhouse is never used
  wheel=$(ls "$house"/llama_cpp_python-*.whl | head -1)
fi
printf '%s\n' "$wheel"
