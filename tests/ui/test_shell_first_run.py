"""First run against the real server: sign-in, registration, the first sync's progress, the main window;
and every refusal the server or the network can give, said in place in the agent's words."""

from __future__ import annotations

import threading

import pytest
from integration.conftest import NO_KEYRING, free_port
from shell_support import make_shell, password_of, prefs

from sfa_desktop.domain.messages import Message
from sfa_desktop.i18n import render
from sfa_desktop.session import SessionState
from sfa_desktop.sync import protocol
from sfa_desktop.ui.background import NetworkOp


def _first_run(shell, qtbot, server_url: str, username: str = "ag01", password: str | None = None):
    shell.start()
    dialog = shell.dialog
    assert dialog.objectName() == "firstRunDialog" and dialog.isVisible()
    dialog.server.setText(server_url)
    dialog.username.setText(username)
    dialog.password.setText(password or password_of(username))
    return dialog


def _refusal(dialog, qtbot) -> str:
    with qtbot.wait_signal(dialog.sign_in.clicked, timeout=1000, raising=False):
        dialog.sign_in.click()
    qtbot.wait_until(lambda: dialog.banner.text() != "" and dialog.sign_in.isEnabled(), timeout=15000)
    return dialog.banner.text()


def test_first_run_signs_in_syncs_with_progress_and_opens_the_main_window(server, prefs, make_shell, qtbot):
    shell = make_shell(prefs)
    dialog = _first_run(shell, qtbot, server.url)
    seen: list[str] = []
    shell.bridge.sync_progressed.connect(lambda status: seen.append(dialog.progress.detail.text()))
    with qtbot.wait_signal(shell.ready, timeout=30000):
        dialog.sign_in.click()
    assert shell.session.state is SessionState.OPEN
    assert any("KiB" in text and "righe" in text for text in seen), seen
    assert dialog.progress.bar.value() == dialog.progress.bar.maximum()
    assert shell.window.isVisible() and shell.window.nav.count() == 8
    assert dialog.password.text() == ""  # the password is not kept in a widget
    # the server address is remembered (QSettings), the password nowhere on disk
    text = prefs.file.read_text()
    assert server.url in text and password_of("ag01") not in text
    assert len(shell.session.after_sync) == 1  # the pyramid's refresh after each sync


def test_wrong_password_is_said_in_place_and_the_form_stays(server, prefs, make_shell, qtbot):
    shell = make_shell(prefs)
    dialog = _first_run(shell, qtbot, server.url, password="not-the-password")
    assert _refusal(dialog, qtbot) == render(Message("sync.login_failed"))
    assert dialog.username.text() == "ag01" and dialog.password.text() == ""
    assert shell.session.state is SessionState.NEW  # nothing left behind
    dialog.password.setText(password_of("ag01"))
    with qtbot.wait_signal(shell.ready, timeout=30000):
        dialog.sign_in.click()


def test_locked_out_after_repeated_wrong_passwords_says_for_how_long(server, prefs, make_shell, qtbot):
    shell = make_shell(prefs)
    dialog = _first_run(shell, qtbot, server.url, password="wrong-1")
    texts = []
    for attempt in range(7):
        dialog.password.setText(f"wrong-password-{attempt}")
        texts.append(_refusal(dialog, qtbot))
        dialog.banner.hide()
        if "Troppe password errate" in texts[-1]:
            break
    assert "Troppe password errate" in texts[-1] and "minut" in texts[-1], texts


def test_server_unreachable_on_a_closed_port(prefs, make_shell, qtbot):
    shell = make_shell(prefs)
    dialog = _first_run(shell, qtbot, f"http://127.0.0.1:{free_port()}")
    assert _refusal(dialog, qtbot) == render(Message("sync.unreachable"))
    assert shell.session.state is SessionState.NEW


def test_certificate_not_trusted_when_tls_meets_a_plain_server(server, prefs, make_shell, qtbot):
    shell = make_shell(prefs)
    dialog = _first_run(shell, qtbot, server.url.replace("http://", "https://"))
    assert _refusal(dialog, qtbot) == render(Message("sync.certificate"))


def test_update_required_when_the_server_no_longer_speaks_this_version(server, prefs, make_shell, qtbot,
                                                                        monkeypatch):
    monkeypatch.setattr(protocol, "PROTOCOL_VERSION", 0)  # this build is older than the server accepts
    shell = make_shell(prefs)
    dialog = _first_run(shell, qtbot, server.url)
    assert _refusal(dialog, qtbot) == render(Message("sync.update_required"))


def test_computer_of_another_user(server, prefs, make_shell, qtbot, tmp_path):
    from shell_support import FAST

    from sfa_desktop.session import AgentSession
    from sfa_desktop.sync import state

    first = AgentSession(tmp_path / "other" / "r.sfadb", keystore=NO_KEYRING, transport_factory=FAST)
    first.sign_in_first_time(server_url=server.url, username="ag01", password=password_of("ag01"))
    device_id = state.device_id(first.replica)
    first.close()
    shell = make_shell(prefs)
    shell.session._restore_device_id = device_id  # the same computer (its device id), now for ag02
    dialog = _first_run(shell, qtbot, server.url, username="ag02")
    assert _refusal(dialog, qtbot) == render(Message("sync.other_user_device"))


@pytest.mark.parametrize(("address", "username", "password", "expected"), [
    ("", "ag01", "x", "Inserire l'indirizzo del server"),
    ("sfa.example.com", "ag01", "x", "https://"),
    ("https://sfa.example.com", "", "x", "nome utente"),
    ("https://sfa.example.com", "ag01", "", "password"),
])
def test_bad_input_is_refused_before_any_network(prefs, make_shell, qtbot, address, username, password,
                                                 expected):
    shell = make_shell(prefs)
    shell.start()
    dialog = shell.dialog
    dialog.server.setText(address)
    dialog.username.setText(username)
    dialog.password.setText(password)
    dialog.sign_in.click()
    assert expected in dialog.banner.text()
    assert dialog.sign_in.isEnabled()


def test_cancel_the_first_sync_then_go_on_with_what_arrived(server, prefs, make_shell, qtbot):
    shell = make_shell(prefs)
    dialog = _first_run(shell, qtbot, server.url)
    hold = threading.Event()
    # queued on the network worker ahead of the first sync, so that Cancel is pressed before it runs
    dialog.signed_in.connect(lambda _a: NetworkOp(None, lambda _agent: hold.wait(10)).run(shell.runner))
    dialog.sign_in.click()
    qtbot.wait_until(lambda: dialog.token is not None and dialog.progress.cancel.isVisible(), timeout=15000)
    dialog.progress.cancel.click()
    hold.set()
    qtbot.wait_until(lambda: dialog.go_on.isVisible(), timeout=15000)
    assert "interrotta" in dialog.sync_banner.text()
    with qtbot.wait_signal(shell.ready, timeout=10000):
        dialog.go_on.click()
    assert shell.window.isVisible()
