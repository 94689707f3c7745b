"""Screenshots of the installation check's window (`sfa-desktop smoke-test`), in Italian and English.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_installer.py

Runs the real smoke test (embedded demo server, sign-in, sync) once per language and keeps its
screenshot as docs/screenshots/<lang>/installer-smoke.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    for lang in ("it", "en"):
        target = HERE / lang / "installer-smoke.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "SFA_LANGUAGE": lang, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        done = subprocess.run([sys.executable, "-m", "sfa_desktop", "smoke-test", "--screenshot", str(target)],  # noqa: S603
                              env=env, check=False)
        if done.returncode != 0:
            return done.returncode
        print(f"written {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
