"""Later starts and locking on a real replica: unlock with the password or silently through a secure
keyring, damaged data rebuilt from the server, Ctrl+L and the idle lock keeping what was typed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from shell_support import (
    locked_prefs,
    make_shell,
    open_shell,
    password_of,
    prefs,
    sign_in_and_sync,
)

from sfa_desktop.domain.messages import Message
from sfa_desktop.i18n import render
from sfa_desktop.local_db import keys
from sfa_desktop.session import SessionState

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "local_db"))
from helpers import SecureMemoryKeyring


def test_unlock_with_the_password_after_a_wrong_one(locked_prefs, make_shell, qtbot):
    shell = make_shell(locked_prefs)
    shell.start()
    qtbot.wait_until(lambda: shell.dialog is not None and shell.dialog.objectName() == "unlockDialog")
    dialog = shell.dialog
    dialog.password.setText("not the right password")
    dialog.ok.click()
    qtbot.wait_until(lambda: dialog.banner.text() != "", timeout=10000)
    assert dialog.banner.text() == render(Message("replica.wrong_password"))
    assert shell.session.state is SessionState.LOCKED
    with qtbot.wait_signal(shell.ready, timeout=10000):
        dialog.password.setText(password_of("ag01"))
        dialog.ok.click()
    assert shell.session.state is SessionState.OPEN and shell.window.isVisible()


def test_unlock_silently_through_a_secure_keyring(prefs, server, make_shell, qtbot):
    keyring = keys.KeyStore(backend=SecureMemoryKeyring())
    sign_in_and_sync(prefs, server, keystore=keyring)
    shell = make_shell(prefs, keystore=keyring)
    assert not shell.session.needs_password()
    with qtbot.wait_signal(shell.ready, timeout=10000):
        shell.start()
    assert shell.session.state is SessionState.OPEN


def test_damaged_data_is_explained_and_rebuilt_from_the_server(locked_prefs, make_shell, qtbot):
    shell = make_shell(locked_prefs)
    shell.session.damaged_marker.write_text("{}")
    shell.start()
    box = shell.dialog
    assert box.objectName() == "damagedBox" and box.isVisible()
    rebuild = next(b for b in box.buttons() if b.text() == "Ricostruire dal server")
    rebuild.click()
    dialog = shell.dialog
    assert dialog.objectName() == "firstRunDialog" and dialog.server.isReadOnly()
    dialog.password.setText(password_of("ag01"))
    with qtbot.wait_signal(shell.ready, timeout=30000):
        dialog.sign_in.click()
    assert shell.session.state is SessionState.OPEN
    assert list(locked_prefs.data_dir.glob("replica.sfadb.damaged-*")), "the old file is kept aside"


class TypingPage(QWidget):
    """A page with a half-typed note, as a section page would hold one."""

    def __init__(self) -> None:
        super().__init__()
        self.note = QLineEdit(self)
        self.saved: list[str] = []

    def before_lock(self) -> None:
        self.saved.append(self.note.text())


def _typing_page(shell) -> TypingPage:
    page = TypingPage()
    shell.window.pages["figures"] = page
    shell.window.stack.addWidget(page)
    shell.window.stack.setCurrentWidget(page)
    page.note.setText("Consegna entro venerd")
    return page


def test_ctrl_l_locks_keeps_what_was_typed_and_unlocks(open_shell, qtbot):
    shell = open_shell
    page = _typing_page(shell)
    with qtbot.wait_signal(shell.bridge.locked, timeout=10000):
        qtbot.keyClick(shell.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert shell.window.locked and shell.window.overlay.isVisible()
    assert shell.session.replica is None and page.saved == ["Consegna entro venerd"]
    assert not shell.window.content.isEnabled()  # nothing underneath takes the keyboard
    overlay = shell.window.overlay
    overlay.password.setText("wrong password here")
    overlay.button.click()
    qtbot.wait_until(lambda: overlay.banner.text() != "", timeout=10000)
    assert overlay.isVisible()
    with qtbot.wait_signal(overlay.unlocked, timeout=10000):
        overlay.password.setText(password_of("ag01"))
        qtbot.keyClick(overlay.password, Qt.Key.Key_Return)
    assert not shell.window.locked and shell.window.content.isEnabled()
    assert page.note.text() == "Consegna entro venerd"
    assert shell.session.state is SessionState.OPEN


def test_idle_time_locks_on_its_own(open_shell, qtbot):
    shell = open_shell
    with qtbot.wait_signal(shell.bridge.locked, timeout=10000):
        shell.idle.set_minutes(0.002)  # about a tenth of a second without input
    assert shell.window.locked


def test_input_postpones_the_idle_lock(open_shell, qtbot):
    shell = open_shell
    shell.idle.set_minutes(0.005)  # 0.3 s
    for _ in range(6):
        qtbot.wait(100)
        qtbot.keyClick(shell.window.nav, Qt.Key.Key_Down)
    assert not shell.window.locked
    qtbot.wait_until(lambda: shell.window.locked, timeout=5000)


@pytest.mark.parametrize("minutes", [0])
def test_zero_minutes_never_locks(open_shell, qtbot, minutes):
    shell = open_shell
    shell.idle.set_minutes(minutes)
    qtbot.wait(300)
    assert not shell.window.locked and not shell.idle.timer.isActive()
