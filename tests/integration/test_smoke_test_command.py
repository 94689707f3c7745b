"""`sfa-desktop smoke-test`, the installer's check, run from source as the bundle runs it (a process).

installer/build.sh --smoke (and installer/ci-smoke.sh) runs the same command on the built program.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from .conftest import free_port

pytestmark = pytest.mark.slow


def _smoke(*args: str, tmp_path: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SFA_FAST_KDF": "1"}
    return subprocess.run([sys.executable, "-m", "sfa_desktop", "smoke-test", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=240, input=stdin, check=False)


def test_smoke_test_passes_and_grabs_a_window(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = _smoke("--screenshot", str(shot), "--workdir", str(tmp_path / "work"), tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("sfa-desktop 0.")
    for check in ("version", "embedded demo server", "sign in", "encrypted replica", "sync",
                  "PDF with the shipped fonts", "Italian translation", "window screenshot"):
        assert any(line.startswith(f"ok     {check} (") for line in lines), (check, done.stdout)
    assert lines[-1] == "smoke test passed"
    with Image.open(shot) as image:
        assert image.size == (1280, 800)
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or ()) > 10  # text drawn, not a blank
    (run,) = (tmp_path / "work").iterdir()  # a folder per run: the replica stays encrypted on disk
    assert not (run / "ag01.sfadb").read_bytes().startswith(b"SQLite format 3")


def test_smoke_test_fails_loudly_without_a_server(tmp_path: Path) -> None:
    done = _smoke("--server", f"http://127.0.0.1:{free_port()}", "--password-stdin", tmp_path=tmp_path,
                  stdin="whatever\n")
    assert done.returncode == 1
    assert "FAILED sign in" in done.stdout
    assert done.stdout.splitlines()[-1] == "smoke test FAILED: sign in"
