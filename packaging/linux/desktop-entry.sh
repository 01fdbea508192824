#!/usr/bin/env bash
# Add (or remove) ModelNest in the desktop's application menu for this user; shipped inside the Linux tarball.
#
#   ./desktop-entry.sh install      menu entry + icon, pointing at the ModelNest beside this script
#   ./desktop-entry.sh uninstall    removes them again (models, chats and settings are not touched)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
apps=${XDG_DATA_HOME:-$HOME/.local/share}/applications
icons=${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps
case "${1:-install}" in
    install)
        mkdir -p "$apps" "$icons"
        cp "$here/modelnest.svg" "$icons/modelnest.svg"
        # Exec must be absolute in a menu entry; quote it for paths with spaces (desktop entry spec).
        sed "s|^Exec=ModelNest|Exec=\"$here/ModelNest\"|" "$here/modelnest.desktop" > "$apps/modelnest.desktop"
        update-desktop-database "$apps" 2>/dev/null || true
        echo "Added ModelNest to the application menu ($apps/modelnest.desktop)."
        ;;
    uninstall)
        rm -f "$apps/modelnest.desktop" "$icons/modelnest.svg"
        update-desktop-database "$apps" 2>/dev/null || true
        echo "Removed ModelNest from the application menu."
        ;;
    *)
        echo "usage: $0 install|uninstall" >&2
        exit 2
        ;;
esac
