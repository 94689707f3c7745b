#!/usr/bin/env bash
# Build the desktop app as a one-folder program (PyInstaller) and, on Linux, a tarball with a
# .desktop entry and the icon. Anyone can run it from a clone: it makes its own build venv.
#   installer/build.sh            build into dist/ (dist/sfa-desktop/, dist/sfa-desktop-<v>-linux-x86_64.tar.gz)
#   installer/build.sh --smoke    then run the built program's smoke test (offscreen)
# Environment: PYTHON (interpreter, default python3), SFA_BUILD_VENV (default build/venv),
# SFA_BUNDLE_DEMO=0 to leave out the embedded demo server.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${SFA_BUILD_VENV:-build/venv}
PY=${PYTHON:-}
if [ -z "$PY" ]; then  # the same choice as ./run: the newest Python 3.11+ on PATH
    for cand in python3.13 python3.12 python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
           "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            PY=$cand; break
        fi
    done
    [ -n "$PY" ] || { echo "the build needs Python 3.11 or newer on PATH (or PYTHON=...)" >&2; exit 1; }
fi
started=$(date +%s)

if [ ! -x "$VENV/bin/python" ]; then
    echo "== build venv $VENV" >&2
    "$PY" -m venv "$VENV"
fi
# The app as a user's pip would install it (not editable), with the server for the embedded demo.
"$VENV/bin/python" -m pip install --disable-pip-version-check -q --upgrade pip
"$VENV/bin/python" -m pip install --disable-pip-version-check -q "pyinstaller>=6.10" "pillow>=10" \
    "$ROOT[desktop,server]"
"$VENV/bin/python" installer/make_icons.py

echo "== PyInstaller" >&2
rm -rf dist/sfa-desktop
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    installer/sfa-desktop.spec
built=$(date +%s)
version=$("$VENV/bin/python" -c 'from importlib.metadata import version; print(version("sfa-desktop"))')

if [ "$(uname -s)" = Linux ]; then
    arch=$(uname -m)
    name="sfa-desktop-$version-linux-$arch"
    stage=build/tarball/$name
    rm -rf "build/tarball" && mkdir -p "$stage"
    cp -a dist/sfa-desktop "$stage/sfa-desktop"
    cp installer/linux/sfa-desktop.desktop installer/linux/install.sh "$stage/"
    cp resources/icons/sfa-desktop-256.png "$stage/sfa-desktop.png"
    tar -C build/tarball -czf "dist/$name.tar.gz" "$name"
    echo "== dist/$name.tar.gz ($(du -m "dist/$name.tar.gz" | cut -f1) MB)" >&2
fi

size_mb=$(du -sm dist/sfa-desktop | cut -f1)
files=$(find dist/sfa-desktop -type f | wc -l)
echo "== dist/sfa-desktop: $size_mb MB, $files files; build $((built - started)) s (venv + PyInstaller)" >&2

if [ "${1:-}" = --smoke ]; then
    echo "== smoke test of the built program" >&2
    QT_QPA_PLATFORM=offscreen dist/sfa-desktop/sfa-desktop smoke-test --screenshot dist/smoke-test.png
fi
