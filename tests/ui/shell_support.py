"""Fixtures of the app shell's tests: the app's data folder, a Shell on a real session (new, locked or
signed in) against the real server on loopback, and helpers to find its dialogs.

Imported by the tests/ui/test_shell_*.py modules (kept out of conftest.py, which the section
pages' tests share).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from integration.conftest import NO_KEYRING, LiveServer

from sfa_desktop.sync.transport import Transport
from sfa_desktop.ui.app import Shell, make_session
from sfa_desktop.ui.preferences import Preferences

FAST = functools.partial(Transport, timeout=(2.0, 5.0), max_retries=1, backoff_base=0.02, backoff_cap=0.1)


def password_of(username: str) -> str:
    return f"demo-{username}"


@pytest.fixture
def prefs(tmp_path: Path) -> Preferences:
    """The app's data folder of a computer that never ran the app (NEW)."""
    preferences = Preferences(tmp_path / "app", log_dir=str(tmp_path / "logs"))
    preferences.autolock_minutes = 0  # tests lock on purpose only
    preferences.save()
    return preferences


@pytest.fixture
def make_shell(qtbot) -> Iterator[Callable[..., Shell]]:
    made: list[Shell] = []

    def build(preferences: Preferences, *, keystore=NO_KEYRING, **kw) -> Shell:
        session = make_session(preferences, keystore=keystore, transport_factory=FAST,
                               device_name="test pc")
        shell = Shell(Preferences.load(preferences.data_dir), session=session,
                      log_dir=Path(preferences.log_folder), **kw)
        made.append(shell)
        return shell

    yield build
    for shell in made:
        shell.close()


def sign_in_and_sync(preferences: Preferences, server: LiveServer, username: str = "ag01", *,
                     keystore=NO_KEYRING) -> None:
    """A computer where the agent signed in and synced once before (the replica is LOCKED now)."""
    session = make_session(preferences, keystore=keystore, transport_factory=FAST, device_name="test pc")
    session.sign_in_first_time(server_url=server.url, username=username, password=password_of(username))
    session.sync()
    preferences.server_url, preferences.username = server.url, username
    preferences.save()
    session.close()


@pytest.fixture
def locked_prefs(prefs: Preferences, server: LiveServer) -> Preferences:
    sign_in_and_sync(prefs, server)
    return prefs


@pytest.fixture
def open_shell(locked_prefs: Preferences, make_shell, qtbot) -> Shell:
    """The app started on a computer already set up, unlocked with the password: the main window."""
    shell = make_shell(locked_prefs)
    shell.start()
    qtbot.wait_until(lambda: shell.dialog is not None and shell.dialog.objectName() == "unlockDialog")
    with qtbot.wait_signal(shell.ready, timeout=15000):
        shell.dialog.password.setText(password_of("ag01"))
        shell.dialog.submit()
    return shell
