#!/usr/bin/env bash
# Wrap the frozen Linux bundle into an AppImage (one file users can download, chmod +x and run).
#
#   APPIMAGETOOL=/path/to/appimagetool packaging/linux/make_appimage.sh build/dist/ModelNest out.AppImage
#
# The AppDir keeps the onedir bundle intact under usr/lib/modelnest; AppRun just starts it. appimagetool is
# itself an AppImage: APPIMAGE_EXTRACT_AND_RUN=1 lets it run where FUSE is missing (CI runners, containers).
set -euo pipefail
bundle=$(cd "${1:?frozen bundle folder}" && pwd)
out=${2:?output .AppImage path}
tool=${APPIMAGETOOL:-appimagetool}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
appdir=$work/ModelNest.AppDir
mkdir -p "$appdir/usr/lib" "$appdir/usr/share/applications" "$appdir/usr/share/icons/hicolor/scalable/apps"
cp -a "$bundle" "$appdir/usr/lib/modelnest"
cp "$here/modelnest.desktop" "$appdir/modelnest.desktop"
cp "$here/modelnest.desktop" "$appdir/usr/share/applications/modelnest.desktop"
cp "$here/modelnest.svg" "$appdir/modelnest.svg"
cp "$here/modelnest.svg" "$appdir/usr/share/icons/hicolor/scalable/apps/modelnest.svg"
ln -s modelnest.svg "$appdir/.DirIcon"
cat > "$appdir/AppRun" <<'SH'
#!/bin/sh
here=$(dirname "$(readlink -f "$0")")
exec "$here/usr/lib/modelnest/ModelNest" "$@"
SH
chmod +x "$appdir/AppRun"
ARCH=$(uname -m) APPIMAGE_EXTRACT_AND_RUN=1 "$tool" --no-appstream "$appdir" "$out"
echo "AppImage: $out ($(du -h "$out" | cut -f1))"
