"""Syncing in the app against the real server: the Sync section (outbox with reasons, retry, conflicts
with their choices, updates), decisions arriving, the session expiring, the computer revoked, and
the automatic sync."""

from __future__ import annotations

from pathlib import Path

from integration.helpers import place_order, server_session, some_customer_and_products
from integration.test_lifecycle import admin
from PySide6.QtCore import Qt
from shell_support import locked_prefs, make_shell, open_shell, password_of, prefs
from sqlalchemy import update

from sfa_desktop.i18n import render
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.session import SessionState
from sfa_desktop.sync.engine import SyncReport


def _sync(shell, qtbot) -> SyncReport:
    with qtbot.wait_signal(shell.sync.synced, timeout=30000) as done:
        assert shell.sync.sync_now()
    return done.args[0]


def _sync_page(shell):
    shell.window.navigate("sync")
    return shell.window.pages["sync"]


def test_outbox_shows_what_waits_in_words_and_a_refused_order_can_be_settled(open_shell, server, qtbot,
                                                                            qtmodeltester):
    from sfa_server.models import Customer as ServerCustomer

    shell = open_shell
    replica = shell.session.replica
    customer, products = some_customer_and_products(replica)
    _order_id, number, _command = place_order(replica, customer_id=customer, lines=[(products[0], "1")])
    shell.session.announce(Changes(outbox=True))
    page = _sync_page(shell)
    outbox = page.outbox
    qtbot.wait_until(lambda: outbox.model.rowCount() == 1 and outbox.model.record(0) is not None, timeout=5000)
    about = outbox.model.data(outbox.model.index(0, 0))
    assert about.startswith(f"Ordine {number} per ") and outbox.model.data(outbox.model.index(0, 1)) == \
        "in attesa di invio"
    qtmodeltester.check(outbox.model, force_py=True)
    # the office blocks the customer meanwhile: the server refuses the order
    with server_session(server.database_url) as s:
        s.execute(update(ServerCustomer).where(ServerCustomer.id == customer).values(status="blocked"))
    report = _sync(shell, qtbot)
    assert report.commands_rejected == 1
    conflicts = page.conflicts
    qtbot.wait_until(lambda: conflicts.model.rowCount() == 1 and conflicts.model.record(0) is not None,
                     timeout=5000)
    qtmodeltester.check(conflicts.model, force_py=True)
    conflicts.view.setCurrentIndex(conflicts.model.index(0, 0))
    row = conflicts.model.record(0)
    assert conflicts.message.text() == render(row.message) and conflicts.message.text()
    codes = [b.objectName() for b in conflicts.buttons]
    assert codes == [f"choice_{code}" for code, _label in row.choices] and "choice_discard" in codes
    assert page.tabs.tabText(1) == "Conflitti (1)"
    status = shell.window.status
    qtbot.wait_until(lambda: status.conflicts.isVisible() and "1 conflitto" in status.conflicts.text(), timeout=5000)
    # the refused command is in the outbox with its reason; it can be sent again once the office unblocks
    qtbot.wait_until(lambda: outbox.model.rowCount() == 1 and outbox.model.record(0) is not None
                     and outbox.model.record(0).status == "failed", timeout=5000)
    assert outbox.model.data(outbox.model.index(0, 2))  # the reason, in words
    outbox.view.setCurrentIndex(outbox.model.index(0, 0))
    assert outbox.retry.isEnabled()
    discard = next(b for b in conflicts.buttons if b.objectName() == "choice_discard")
    with qtbot.wait_signal(conflicts.resolved, timeout=5000):
        discard.click()
    qtbot.wait_until(lambda: conflicts.model.rowCount() == 0, timeout=5000)
    assert not conflicts.empty.isHidden() and conflicts.split.isHidden()  # the empty state says so
    qtbot.wait_until(lambda: not status.conflicts.isVisible(), timeout=5000)


def test_retry_sends_a_refused_change_again(open_shell, server, qtbot):
    from sfa_server.models import Customer as ServerCustomer

    shell = open_shell
    replica = shell.session.replica
    customer, products = some_customer_and_products(replica)
    place_order(replica, customer_id=customer, lines=[(products[0], "1")])
    with server_session(server.database_url) as s:
        s.execute(update(ServerCustomer).where(ServerCustomer.id == customer).values(status="blocked"))
    _sync(shell, qtbot)
    outbox = _sync_page(shell).outbox
    qtbot.wait_until(lambda: outbox.model.record(0) is not None and outbox.model.record(0).status == "failed",
                     timeout=5000)
    with server_session(server.database_url) as s:  # the office unblocks the customer
        s.execute(update(ServerCustomer).where(ServerCustomer.id == customer).values(status="active"))
    outbox.view.setCurrentIndex(outbox.model.index(0, 0))
    outbox.retry.click()
    qtbot.wait_until(lambda: outbox.model.record(0) is not None and outbox.model.record(0).status == "pending",
                     timeout=5000)
    report = _sync(shell, qtbot)
    assert report.commands_applied == 1
    qtbot.wait_until(lambda: outbox.model.rowCount() == 0, timeout=5000)


def test_a_decision_arrives_as_a_notice_and_in_the_updates(open_shell, server, qtbot):
    shell = open_shell
    replica = shell.session.replica
    customer, products = some_customer_and_products(replica)
    order_id, number, _ = place_order(replica, customer_id=customer, lines=[(products[0], "5")], discount="30+10")
    _sync(shell, qtbot)
    office = admin(server.url)
    answer = office.post(f"{server.url}/api/v1/office/orders/{order_id}/approve", json={"note": "Ok."},
                         timeout=10)
    assert answer.status_code == 200, answer.text
    with qtbot.wait_signal(shell.bridge.decisions_arrived, timeout=30000):
        shell.sync.sync_now()
    assert number in shell.window.banner.text() and "approvato" in shell.window.banner.text()
    updates = _sync_page(shell).updates
    qtbot.wait_until(lambda: updates.model.rowCount() >= 1 and updates.model.record(0) is not None, timeout=5000)
    assert number in updates.model.data(updates.model.index(0, 0))
    assert not updates.model.record(0).seen
    updates.seen.click()
    qtbot.wait_until(lambda: updates.model.record(0) is not None and updates.model.record(0).seen, timeout=5000)


def test_session_expired_asks_to_sign_in_on_top_and_the_work_goes_on(open_shell, qtbot):
    shell = open_shell
    shell.session.transport.logout()
    shell.session._password = None  # unlocked through a keyring: no password in memory
    with qtbot.wait_signal(shell.bridge.sign_in_required, timeout=10000):
        shell.sync.sync_now()
    qtbot.wait_until(lambda: shell.dialog is not None and shell.dialog.objectName() == "signInAgainDialog")
    dialog = shell.dialog
    assert shell.window.isVisible() and not shell.window.locked  # the work stays under the dialog
    dialog.password.setText("a wrong password")
    dialog.ok.click()
    qtbot.wait_until(lambda: dialog.banner.text() != "", timeout=10000)
    with qtbot.wait_signal(shell.sync.synced, timeout=30000):
        dialog.password.setText(password_of("ag01"))
        dialog.ok.click()
    assert not dialog.isVisible() and shell.session.transport.signed_in


def test_revoked_computer_is_wiped_and_the_agent_told_whom_to_call(open_shell, server, qtbot, make_shell):
    shell = open_shell
    qtbot.wait_until(lambda: bool(shell.company), timeout=5000)
    device = shell.session.transport.device_id
    answer = admin(server.url).post(f"{server.url}/api/v1/admin/devices/{device}/revoke", timeout=10)
    assert answer.status_code == 200, answer.text
    with qtbot.wait_signal(shell.bridge.device_revoked, timeout=30000):
        shell.sync.sync_now()
    qtbot.wait_until(lambda: shell.dialog is not None and shell.dialog.objectName() == "revokedBox")
    text = shell.dialog.text()
    assert "scollegato" in text and shell.company["phone"] in text
    assert shell.session.state is SessionState.WIPED and not Path(shell.session.replica_path).exists()
    with qtbot.wait_signal(shell.finished, timeout=5000):
        shell.dialog.accept()
    # the next start explains it again before a new first run
    again = make_shell(shell.preferences)
    again.start()
    assert again.dialog.objectName() == "revokedBox" and shell.company["phone"] in again.dialog.text()
    again.dialog.accept()
    assert again.dialog.objectName() == "firstRunDialog"


def test_automatic_sync_starts_on_its_own(open_shell, qtbot):
    shell = open_shell
    shell.session.auto_sync.policy.reconnect_delay_s = 0.0
    shell.session.auto_sync._schedule_after(0.0)  # due now, as after the connection returned
    shell.sync.timer.setInterval(20)
    with qtbot.wait_signal(shell.sync.synced, timeout=30000):
        shell.sync.timer.start()


def test_sync_page_sync_now_button_and_progress(open_shell, qtbot):
    shell = open_shell
    page = _sync_page(shell)
    # what the page shows when the sync starts, read in that moment (after the page's own slot):
    # a fast sync may end before wait_signal returns, and the progress is then hidden again
    at_start = []
    shell.bridge.sync_started.connect(
        lambda: at_start.append((page.progress.isVisible() or not page.isVisible(), page.sync_button.isEnabled())))
    with qtbot.wait_signal(shell.sync.synced, timeout=30000):
        page.sync_button.click()
    assert at_start == [(True, False)]
    qtbot.wait_until(lambda: page.sync_button.isEnabled() and "Ultima sincronizzazione" in page.summary.text(),
                     timeout=5000)
    qtbot.keyClick(shell.window, Qt.Key.Key_F5)
