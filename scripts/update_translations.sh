#!/usr/bin/env bash
# Refresh the translation sources from the GUI code and core's messages (Qt Linguist workflow). First the
# msg("...") templates of core/ are collected into gui/core_messages.py (scripts/extract_core_messages.py), so
# lupdate sees them in the "core" context with the rest of gui/. Existing translations are kept,
# new strings appear as unfinished, vanished ones are dropped. Translate with `pyside6-linguist` or any .ts editor
# (docs/translating.md has the glossary), then run this again: it also compiles the .qm next to the .ts so a
# development run shows the change (scripts/dev.sh compiles them at install time; .qm files are not committed).
# tests/gui/test_translations.py fails while the .ts is behind the code or has unfinished entries.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${MODELNEST_VENV:-.venv}"
"$VENV/bin/python" scripts/extract_core_messages.py
mapfile -t sources < <(find gui -name '*.py' | sort)
for ts in resources/i18n/modelnest_*.ts; do
    "$VENV/bin/pyside6-lupdate" -no-obsolete -locations none "${sources[@]}" -ts "$ts"
    "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
done
