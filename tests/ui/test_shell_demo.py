"""`sfa-desktop demo` opens the app signed in as the demo agent (offscreen here), with its note."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings

pytestmark = pytest.mark.slow


def test_demo_opens_the_app_signed_in_and_synced(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SFA_LANGUAGE": "en"}
    done = subprocess.run([sys.executable, "-m", "sfa_desktop", "demo", "--workdir", str(tmp_path),
                           "--exit-when-ready"], capture_output=True, text=True, timeout=240, env=env, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    app = tmp_path / "app"
    assert (app / "replica.sfadb").exists() and (tmp_path / "server.sqlite").exists()
    settings = QSettings(str(app / "settings.ini"), QSettings.Format.IniFormat)
    assert str(settings.value("server_url")).startswith("http://127.0.0.1:") and settings.value("username") == "ag01"
    log = (tmp_path / "logs" / "sfa-desktop.log").read_text()
    assert "sync done" in log and "demo-ag01" not in log  # no password in the log


def test_no_arguments_means_the_app(monkeypatch):
    from sfa_desktop.app import build_parser

    args = build_parser().parse_args([])
    assert getattr(args, "func", None) is None  # main() then opens the app (run_gui)
    args = build_parser().parse_args(["gui"])
    assert args.func.__name__ == "run_gui"
