#!/usr/bin/env bash
# Refresh the translation sources from the GUI code (Qt Linguist workflow): existing translations are kept,
# new strings appear as unfinished, vanished ones are dropped. Translate with `pyside6-linguist` or any .ts editor;
# scripts/dev.sh compiles .ts to .qm at install time.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${MODELNEST_VENV:-.venv}"
mapfile -t sources < <(find gui -name '*.py' | sort)
"$VENV/bin/pyside6-lupdate" -no-obsolete -locations none "${sources[@]}" -ts resources/i18n/modelnest_zh_CN.ts
