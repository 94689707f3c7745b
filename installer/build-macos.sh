#!/usr/bin/env bash
# Build the desktop app on macOS: dist/SFA Desktop.app (icon from the .icns) and a .dmg if hdiutil is
# there. NOT built or run on macOS by this project's CI: see docs/installer.md. Unsigned: for other Macs
# sign it (codesign --deep --options runtime -s "Developer ID Application: ...") and notarise it
# (xcrun notarytool submit ... --wait; xcrun stapler staple), else Gatekeeper refuses to open it.
#   installer/build-macos.sh [--smoke]
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${SFA_BUILD_VENV:-build/venv}
PY=${PYTHON:-python3}
started=$(date +%s)
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
"$VENV/bin/python" -m pip install --disable-pip-version-check -q "pyinstaller>=6.10" "pillow>=10" ".[desktop,server]"
"$VENV/bin/python" installer/make_icons.py   # sfa-desktop.icns from the PNG
version=$("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("sfa-desktop"))')
rm -rf dist/sfa-desktop "dist/SFA Desktop.app"
SFA_VERSION=$version "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist \
    --workpath build/pyinstaller installer/sfa-desktop.spec
if command -v hdiutil >/dev/null; then
    hdiutil create -volname "SFA Desktop" -srcfolder "dist/SFA Desktop.app" -ov -format UDZO \
        "dist/sfa-desktop-$version-macos-$(uname -m).dmg"
fi
echo "== dist/SFA Desktop.app: $(du -sm "dist/SFA Desktop.app" | cut -f1) MB; $(( $(date +%s) - started )) s" >&2
if [ "${1:-}" = --smoke ]; then
    QT_QPA_PLATFORM=offscreen "dist/SFA Desktop.app/Contents/MacOS/sfa-desktop" smoke-test \
        --screenshot dist/smoke-test.png
fi
