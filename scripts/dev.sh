#!/usr/bin/env bash
# The README's two commands: `scripts/dev.sh app` installs everything and starts ModelNest;
# `scripts/dev.sh test` installs everything and runs the whole test suite (extra args go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
VENV="${MODELNEST_VENV:-.venv}"

setup() {
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  local wheel stamp want
  wheel=$(PYTHON="$VENV/bin/python" scripts/build_llama_wheel.sh)
  # Reinstall only when the project's requirements or the engine wheel changed (keeps reruns fast).
  want=$("$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read() + open(sys.argv[2], "rb").read()).hexdigest()[:16])' pyproject.toml "$0")-$(basename "$(dirname "$wheel")")
  stamp="$VENV/.modelnest-installed"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel" -e ".[test]"
    printf '%s\n' "$want" > "$stamp"
  fi
  # Compiled translations are build products, not committed binaries.
  for ts in resources/i18n/*.ts; do
    [ -e "$ts" ] || continue
    "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
  done
}

# Qt's window system plugin (xcb) needs libraries that minimal Debian/Ubuntu images lack; install the missing
# ones when we can (root + apt). Headless tests use the offscreen plugin and need none of them.
qt_system_libs() {
  [ "$(uname -s)" = Linux ] && command -v dpkg >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] || return 0
  local want=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4
              libxcb-keysyms1 libxcb-shape0 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-xkb1)
  local missing=()
  for pkg in "${want[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing the system libraries Qt needs: ${missing[*]} (apt-get)" >&2
    apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2 || echo "could not install them" >&2
  fi
}

# The packaging tests lint the Windows installer (makensis), the shell scripts (shellcheck) and the Linux menu
# entry (desktop-file-validate): install those Debian tools for the test run when we can.
test_tools() {
  local missing=()
  command -v makensis >/dev/null || missing+=(nsis)
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  command -v desktop-file-validate >/dev/null || missing+=(desktop-file-utils)
  if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing test tools: ${missing[*]} (apt-get)" >&2
    apt-get update -qq >&2 && apt-get install -y -qq "${missing[@]}" >&2 || echo "could not install ${missing[*]}" >&2
  fi
}

case "${1:-}" in
  app)  shift; setup; qt_system_libs; exec "$VENV/bin/modelnest" "$@" ;;
  test) shift; setup; test_tools; export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"; exec "$VENV/bin/python" -m pytest "$@" ;;
  setup) setup ;;
  *) echo "usage: scripts/dev.sh app|test|setup [args]" >&2; exit 2 ;;
esac
