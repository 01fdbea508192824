#!/usr/bin/env bash
# Build the Linux bundle, prove it works headless, and print its figures.
#
#   packaging/build_linux.sh            (from anywhere; uses .venv/bin/python unless PYTHON is set)
#
# 1. freezes the app with PyInstaller (packaging/modelnest.spec) into build/dist/ModelNest/
# 2. fails if the unpacked bundle is bigger than the budget (SIZE_BUDGET_MB, default 260 MiB)
# 3. runs `ModelNest --self-test` headless with a tiny generated model: a cold start (bundle evicted from the
#    page cache first) and warm starts; checks the report (frozen, window shown, engine started from the
#    bundle, every llama/ggml library loaded from _internal/llama_cpp/lib, tokens generated)
# 4. checks that LLAMA_CPP_LIB_PATH really moves the engine to another build folder (the GPU-variant mechanism)
# 5. checks the console executable (modelnest-cli --version / inspect / run)
# 6. packs ModelNest-<version>-linux-<arch>.tar.gz (bundle + .desktop file + icon + menu script), unpacks it
#    elsewhere and runs the self-test again from there
# Figures go to stdout and build/linux-figures.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
py=${PYTHON:-$root/.venv/bin/python}
# 260 MiB since the API server and remote engines (issue 16): keyring's Linux backend (Secret Service) needs
# cryptography (~19 MiB with libcrypto); without it remote-engine tokens could not be kept in the OS keychain.
budget_mb=${SIZE_BUDGET_MB:-260}
version=$("$py" -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])")
arch=$(uname -m)
out=$root/build
dist=$out/dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
t_all=$(date +%s.%N)

if ! "$py" -c "import PyInstaller" 2>/dev/null; then
    echo "== installing PyInstaller (the 'build' extra of pyproject.toml)"
    "$py" -m pip install --quiet "pyinstaller>=6.10"
fi

# Compiled translations: ship .qm files; compile the .ts sources when no .qm is checked in.
qm_dir=$work/qm
mkdir -p "$qm_dir"
shopt -s nullglob
for ts in resources/i18n/*.ts; do
    qm=resources/i18n/$(basename "${ts%.ts}").qm
    if [[ ! -f "$qm" ]]; then
        "$(dirname "$py")/pyside6-lrelease" -silent "$ts" -qm "$qm_dir/$(basename "$qm")"
    fi
done
shopt -u nullglob

echo "== freezing with PyInstaller $("$py" -c 'import PyInstaller; print(PyInstaller.__version__)')"
t0=$(date +%s.%N)
MODELNEST_QM_DIR=$qm_dir "$py" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$dist" --workpath "$out/pyinstaller" packaging/modelnest.spec
freeze_s=$(echo "$(date +%s.%N) - $t0" | bc)
bundle=$dist/ModelNest

bundle_bytes=$(du -sb "$bundle" | cut -f1)
bundle_mib=$(echo "scale=1; $bundle_bytes / 1048576" | bc)
echo "== bundle: $bundle_mib MiB unpacked (budget $budget_mb MiB)"
if (( bundle_bytes > budget_mb * 1048576 )); then
    echo "FAIL: the bundle is bigger than the budget; biggest parts:" >&2
    du -sh "$bundle"/_internal/* | sort -h | tail -12 >&2
    exit 1
fi

model=$work/tiny-Q4_K_M.gguf
"$py" packaging/make_test_model.py "$model" > /dev/null

self_test() {  # self_test NAME APP [check_self_test.py options...]: headless, report in $work/NAME.json
    local name=$1 app=$2
    shift 2
    "$py" packaging/check_self_test.py "$app" --report "$work/$name.json" --env MODELNEST_HOME="$work/home" "$@" \
        > "$work/$name.out" || { cat "$work/$name.out" >&2; echo "FAIL: self-test $name" >&2; exit 1; }
}

evict() {  # drop the bundle's files from the page cache, so the next start reads them from disk
    "$py" - "$@" <<'PY'
import os, sys
for top in sys.argv[1:]:
    for dirpath, _, files in os.walk(top):
        for name in files:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                finally:
                    os.close(fd)
PY
}

echo "== self-test (cold: bundle evicted from the page cache first, then 3 warm runs)"
evict "$bundle"
self_test cold "$bundle/ModelNest" --model "$model"
for i in 1 2 3; do
    self_test "warm$i" "$bundle/ModelNest" --model "$model"
done
sed -n 's/^engine library: /   engine library: /p' "$work/cold.out"

echo "== LLAMA_CPP_LIB_PATH moves the engine to another build folder"
cp -r "$bundle/_internal/llama_cpp/lib" "$work/other-build"
self_test switch "$bundle/ModelNest" --model "$model" --lib-dir "$work/other-build" \
    --env LLAMA_CPP_LIB_PATH="$work/other-build"
echo "   every llama/ggml library came from the chosen folder"

echo "== command-line executable"
MODELNEST_HOME="$work/home" "$bundle/modelnest-cli" --version
MODELNEST_HOME="$work/home" "$bundle/modelnest-cli" inspect "$model" > /dev/null
MODELNEST_HOME="$work/home" "$bundle/modelnest-cli" run "$model" --prompt hi --max-tokens 4 --json > /dev/null 2>&1
echo "   modelnest-cli --version, inspect and run work"

echo "== tarball"
name=ModelNest-$version-linux-$arch
stage=$work/tar/$name
mkdir -p "$stage"
cp -a "$bundle/." "$stage/"
cp packaging/linux/modelnest.desktop packaging/linux/modelnest.svg packaging/linux/desktop-entry.sh "$stage/"
tarball=$dist/$name.tar.gz
t0=$(date +%s.%N)
tar -C "$work/tar" -czf "$tarball" "$name"
tar_s=$(echo "$(date +%s.%N) - $t0" | bc)
tar_bytes=$(stat -c %s "$tarball")
mkdir -p "$work/installed"
tar -C "$work/installed" -xzf "$tarball"
self_test installed "$work/installed/$name/ModelNest" --model "$model"
echo "   unpacked tarball passes its self-test"

all_s=$(echo "$(date +%s.%N) - $t_all" | bc)
"$py" - "$work" "$out/linux-figures.json" "$bundle_bytes" "$tar_bytes" "$freeze_s" "$tar_s" \
    "$all_s" "$budget_mb" "$tarball" <<'PY'
import json, os, statistics, sys
work, dest = sys.argv[1], sys.argv[2]
bundle_bytes, tar_bytes = int(sys.argv[3]), int(sys.argv[4])
freeze_s, tar_s, all_s = map(float, sys.argv[5:8])
budget_mb, tarball = int(sys.argv[8]), sys.argv[9]
cold = json.load(open(os.path.join(work, "cold.json")))
warm = [json.load(open(os.path.join(work, f"warm{i}.json"))) for i in (1, 2, 3)]
med = lambda key: statistics.median(r["timings"][key] for r in warm)
figures = {
    "bundle_mib": round(bundle_bytes / 2**20, 1),
    "size_budget_mib": budget_mb,
    "tarball_mib": round(tar_bytes / 2**20, 1),
    "tarball": os.path.basename(tarball),
    "cold_start_to_window_s": cold["timings"]["cold_start_to_window_s"],
    "warm_start_to_window_s_median": med("cold_start_to_window_s"),
    "self_test_s_cold": cold["timings"]["self_test_s"],
    "self_test_s_warm_median": med("self_test_s"),
    "self_test_wall_s_cold": json.JSONDecoder().raw_decode(open(os.path.join(work, "cold.out")).read())[0]["wall_s"],
    "engine_start_s_warm_median": med("engine_start_s"),
    "freeze_s": round(freeze_s, 1),
    "tar_s": round(tar_s, 1),
    "script_total_s": round(all_s, 1),
}
json.dump(figures, open(dest, "w"), indent=2)
print("== figures (also in", dest + ")")
for key, value in figures.items():
    print(f"   {key:32} {value}")
PY
echo "OK: $tarball"
