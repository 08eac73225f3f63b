#!/usr/bin/env bash
# WaDesk.app -> a compressed .dmg with an Applications link (drag to install), signed and
# notarised when the Apple variables are set, unsigned otherwise (docs/INSTALLERS.md).
#
#   bash installers/macos/make_dmg.sh dist/WaDesk.app dist/WaDesk-0.1.0-macos.dmg 0.1.0
#
# Signing:      MACOS_SIGN_IDENTITY  e.g. "Developer ID Application: Your Shop (TEAMID1234)"
#               (the certificate must be in the keychain; release.yml imports it from secrets)
# Notarising:   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD (an app-specific password);
#               needs MACOS_SIGN_IDENTITY too.
set -euo pipefail
app=$1 dmg=$2 version=$3
here="$(cd "$(dirname "$0")" && pwd)"
[ -d "$app" ] || { echo "make_dmg: $app not found; build the bundle first" >&2; exit 1; }

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  # Hardened runtime (required for notarisation); entitlements let Python load its own libraries.
  codesign --force --deep --timestamp --options runtime \
    --entitlements "$here/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
else
  echo "MACOS_SIGN_IDENTITY not set: the app is unsigned (Gatekeeper will ask on first open)"
fi

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "WaDesk $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg" >/dev/null

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
  if [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
    xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
      --password "$APPLE_APP_PASSWORD" --wait
    xcrun stapler staple "$dmg"
  else
    echo "APPLE_ID / APPLE_TEAM_ID / APPLE_APP_PASSWORD not set: signed but not notarised"
  fi
fi
echo "$dmg"
