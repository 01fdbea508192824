#!/usr/bin/env bash
# Sign (when a Developer ID identity is configured), package and notarize ModelNest.app as a DMG.
#
#   packaging/macos/make_dmg.sh dist/ModelNest.app dist/ModelNest-0.1.0-macos-arm64.dmg
#
# Signing runs only when MACOS_CODESIGN_IDENTITY is set ("Developer ID Application: Name (TEAMID)", with the
# certificate already imported into a keychain); notarization only when APPLE_ID, APPLE_TEAM_ID and
# APPLE_APP_PASSWORD (an app-specific password) are set too. Without them the DMG is built unsigned and the
# script says so: users then open it with right-click > Open (docs/install.md).
set -euo pipefail
app=${1:?path to ModelNest.app}
dmg=${2:?output .dmg path}
here=$(cd "$(dirname "$0")" && pwd)
identity=${MACOS_CODESIGN_IDENTITY:-}

if [[ -n "$identity" ]]; then
    echo "Signing $app with hardened runtime as: $identity"
    # Inside-out: every Mach-O in the bundle first, then the executables, then the bundle itself. (--deep is
    # deprecated for signing; it also skips libraries kept as data, like optional runtimes.)
    while IFS= read -r -d '' f; do
        if file -b "$f" | grep -q "Mach-O"; then
            codesign --force --timestamp --options runtime --sign "$identity" "$f"
        fi
    done < <(find "$app/Contents/Frameworks" "$app/Contents/Resources" -type f -print0 2>/dev/null)
    for exe in "$app"/Contents/MacOS/*; do
        codesign --force --timestamp --options runtime --entitlements "$here/entitlements.plist" \
            --sign "$identity" "$exe"
    done
    codesign --force --timestamp --options runtime --entitlements "$here/entitlements.plist" \
        --sign "$identity" "$app"
    codesign --verify --strict --verbose=2 "$app"
else
    echo "MACOS_CODESIGN_IDENTITY not set: building an unsigned DMG (signing and notarization skipped)."
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "ModelNest" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"

if [[ -n "$identity" ]]; then
    codesign --force --timestamp --sign "$identity" "$dmg"
    if [[ -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
        echo "Notarizing $dmg"
        xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
            --password "$APPLE_APP_PASSWORD" --wait
        xcrun stapler staple "$dmg"
        spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
    else
        echo "APPLE_ID / APPLE_TEAM_ID / APPLE_APP_PASSWORD not set: notarization skipped."
    fi
fi
echo "DMG: $dmg ($(du -h "$dmg" | cut -f1))"
