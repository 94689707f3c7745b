#!/usr/bin/env bash
# CI step of the installer: build the Linux bundle from this clone and smoke-test the built program,
# recording its size and the build time. .ci/run calls it (about 3-4 minutes on the 2-core machine);
# SFA_SKIP_INSTALLER=1 skips it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SFA_SKIP_INSTALLER:-}" = 1 ]; then
    echo "installer build skipped (SFA_SKIP_INSTALLER=1)"
    exit 0
fi
started=$(date +%s)
mkdir -p build
installer/build.sh > build/installer-build.log 2>&1 || { tail -n 40 build/installer-build.log; exit 1; }
built=$(date +%s)
QT_QPA_PLATFORM=offscreen dist/sfa-desktop/sfa-desktop smoke-test --screenshot dist/smoke-test.png
echo "installer: dist/sfa-desktop $(du -sm dist/sfa-desktop | cut -f1) MB, $(find dist/sfa-desktop -type f | wc -l) files;" \
     "tarball $(du -m dist/sfa-desktop-*-linux-*.tar.gz | cut -f1) MB; build $((built - started)) s," \
     "smoke test $(( $(date +%s) - built )) s"
