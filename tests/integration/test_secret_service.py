"""The real Secret Service keyring (gnome-keyring on a private D-Bus session): the replica's key
goes there and opens without a password; the key file beside the database holds no key in clear;
in another session (that keyring is gone) the password still opens it. Skips, saying why, where
gnome-keyring or dbus-run-session is not installed (apt-get install gnome-keyring dbus-x11)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sfa_desktop.local_db import keys

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def _in_session(home: Path, db: Path, step: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_RUNTIME_DIR=str(home / "run"))
    (home / "run").mkdir(mode=0o700, exist_ok=True)
    script = (f"printf %s {PASSWORD!r} | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
              f"exec {sys.executable} -m tests.integration.secret_service_child {db} {step}")
    done = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_the_key_lives_in_a_real_secret_service_keyring(tmp_path: Path) -> None:
    missing = [tool for tool in ("dbus-run-session", "gnome-keyring-daemon") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed: apt-get install gnome-keyring dbus-x11")
    home, db = tmp_path / "home", tmp_path / "ag01.db"
    home.mkdir()
    created = dict(part.split("=", 1) for part in _in_session(home, db, "create").split())
    assert created["backend"].startswith("keyring.backends.SecretService"), created
    assert created["secure"] == "True"
    key = created["key"]
    assert keys.key_file_path(db).exists()  # the password copy, for a lost keyring
    stored = keys.key_file_path(db).read_bytes()
    assert key.encode() not in stored and bytes.fromhex(key) not in stored
    # the same keyring (its files under HOME) in a new session: no password needed
    assert _in_session(home, db, "open-with-keyring") == f"secure=True key={key}"
    # another user's keyring (empty): the password opens the key file
    other = tmp_path / "other-home"
    other.mkdir()
    assert _in_session(other, db, "open-with-password") == f"secure=True key={key}"
