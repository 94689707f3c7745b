"""The app's first run with an office user: the office window opens instead of the agent's, and no
replica is made on this computer (the office works online); an agent still gets its replica."""

from __future__ import annotations

import pytest
from shell_support import make_shell, password_of, prefs  # noqa: F401

from sfa_desktop.session import SessionState


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_an_office_user_gets_the_office_window_and_no_replica(server, prefs, make_shell, qtbot):  # noqa: F811
    shell = make_shell(prefs)
    shell.start()
    dialog = shell.dialog
    dialog.server.setText(server.url)
    dialog.username.setText("ufficio")
    dialog.password.setText(password_of("ufficio"))
    dialog.sign_in.click()
    qtbot.wait_until(lambda: shell.office_window is not None, timeout=20_000)
    window = shell.office_window
    qtbot.wait_until(lambda: window.approvals.model.total > 0, timeout=20_000)
    assert window.client.user.role == "office" and not dialog.isVisible() and shell.window is None
    assert shell.session.state is SessionState.NEW and not shell.session.replica_path.exists()
    assert shell.preferences.username == "ufficio" and shell.preferences.server_url == server.url
    with qtbot.wait_signal(shell.finished, timeout=10_000):
        window.close()  # closing the office window ends the app


def test_an_agent_still_gets_its_replica_under_one_device(server, prefs, make_shell, qtbot):  # noqa: F811
    from integration.test_lifecycle import admin

    shell = make_shell(prefs)
    shell.start()
    dialog = shell.dialog
    dialog.server.setText(server.url)
    dialog.username.setText("ag02")
    dialog.password.setText(password_of("ag02"))
    with qtbot.wait_signal(dialog.signed_in, timeout=20_000):
        dialog.sign_in.click()
    assert shell.office_window is None and shell.session.state is SessionState.OPEN
    devices = admin(server.url).get(f"{server.url}/api/v1/admin/devices", timeout=10).json()["devices"]
    mine = [d for d in devices if d["username"] == "ag02"]
    assert len(mine) == 1 and mine[0]["id"] == shell.session.transport.device_id
