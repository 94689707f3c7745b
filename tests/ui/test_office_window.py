"""The office window against a real server: the queue model (qtmodeltester), paging as the view
scrolls, filters, the note that a rejection needs, "already decided", prospects, admin only for admins."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QTabWidget

from sfa_desktop.office.client import OfficeClient
from sfa_desktop.ui.background import Runner
from sfa_desktop.ui.office import OfficeLaunch, open_office_window
from sfa_desktop.ui.office.decisions import NoteDialog
from sfa_desktop.ui.office.queue_model import ApprovalQueueModel

OFFSCREEN_NOISE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _office_window(qtbot, server, user: str = "ufficio"):
    window = open_office_window(OfficeLaunch(server.url, user, f"demo-{user}"))
    qtbot.addWidget(window)
    qtbot.wait_until(lambda: window.client is not None and window.approvals.model.total > 0, timeout=20_000)
    return window


def test_queue_model_pages_as_the_view_asks_and_passes_the_model_tester(qtbot, qtmodeltester, server) -> None:
    client = OfficeClient.sign_in(server.url, "ufficio", "demo-ufficio")
    runner = Runner(client)
    try:
        model = ApprovalQueueModel(runner, page=3)
        with qtbot.wait_signal(model.loaded, timeout=10_000) as loaded:
            model.refresh(keep=False)
        total = loaded.args[0]
        assert total > 6 and model.rowCount() == 3 and model.canFetchMore()
        qtmodeltester.check(model)
        model.fetchMore()
        qtbot.wait_until(lambda: model.rowCount() == 6, timeout=10_000)
        while model.canFetchMore() or model._fetching:
            model.fetchMore()
            qtbot.wait(20)
        assert model.rowCount() == total and len({model.order_at(i).id for i in range(total)}) == total
        qtmodeltester.check(model)
        first_agent = model.order_at(0).agent_id
        with qtbot.wait_signal(model.loaded, timeout=10_000):
            model.set_filter(agent_id=first_agent, reason=None)
        assert {model.order_at(i).agent_id for i in range(model.rowCount())} == {first_agent}
        with qtbot.wait_signal(model.loaded, timeout=10_000):
            model.set_filter(agent_id=None, reason="blocked_customer")
        assert model.total == model.rowCount() and not model.canFetchMore()
    finally:
        runner.close()
        client.close()


@OFFSCREEN_NOISE
def test_reject_needs_a_note_and_a_faster_colleague_is_named(qtbot, server) -> None:
    window = _office_window(qtbot, server)
    approvals = window.approvals
    assert window.findChild(QTabWidget, "office.sections").count() == 2  # no admin section for the office
    order = approvals.model.order_at(0)
    approvals.table.selectRow(0)
    qtbot.wait_until(lambda: approvals.detail is not None and approvals.detail.order.id == order.id, timeout=10_000)

    def cancel_empty() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog) and not dialog.ok.isEnabled()
        dialog.note.setPlainText("   ")
        assert not dialog.ok.isEnabled()  # blanks are no reason
        dialog.reject()
    QTimer.singleShot(0, cancel_empty)
    window.findChild(QPushButton, "office.reject").click()
    assert approvals.detail.order.status == "pending_approval"

    colleague = OfficeClient.sign_in(server.url, "admin", "demo-admin")
    colleague.approve(order.id, "ok")  # faster, from another computer
    colleague.close()
    window.findChild(QPushButton, "office.approve").click()
    qtbot.wait_until(lambda: "admin" in approvals.banner.text, timeout=10_000)
    assert "già stato approvato da admin" in approvals.banner.text
    qtbot.wait_until(lambda: approvals.detail.order.status == "approved", timeout=10_000)
    assert not window.findChild(QPushButton, "office.approve").isEnabled()
    window.close()


@OFFSCREEN_NOISE
def test_admin_sees_agents_and_devices(qtbot, server, synced_agent) -> None:
    window = _office_window(qtbot, server, "admin")
    tabs = window.findChild(QTabWidget, "office.sections")
    assert tabs.count() == 3
    tabs.setCurrentIndex(2)
    admin = window.admin
    qtbot.wait_until(lambda: admin.device_table.rowCount() > 0, timeout=10_000)
    users = [admin.user_table.item(r, 0).text() for r in range(admin.user_table.rowCount())]
    assert {"admin", "ufficio", "ag01"} <= set(users)
    devices = [admin.device_table.item(r, 1).text() for r in range(admin.device_table.rowCount())]
    assert "test pc of ag01" in devices
    tabs.setCurrentIndex(1)
    qtbot.wait_until(lambda: window.prospects.table.rowCount() > 0 or window.prospects.empty.isVisible(),
                     timeout=10_000)
    window.close()


def test_an_agent_gets_no_office_window(qtbot, server) -> None:
    window = open_office_window(OfficeLaunch(server.url, "ag01", "demo-ag01"), show=False)
    qtbot.addWidget(window)
    qtbot.wait_until(lambda: "agente" in (window.waiting.text() if window.waiting else ""), timeout=10_000)
    assert window.client is None
    window.close()


def test_the_shells_signed_in_transport_opens_the_office(qtbot, server) -> None:
    """The entry point the first-run / sign-in flow uses: its Transport and the login answer."""
    import uuid

    from sfa_desktop.sync.transport import Transport
    from sfa_desktop.ui.office import is_office_role

    transport = Transport(server.url)
    answer = transport.login(username="ufficio", password="demo-ufficio", device_id=str(uuid.uuid4()),
                             device_name="shell")
    assert is_office_role(answer) and not is_office_role({"role": "agent"})
    window = open_office_window(transport, answer, show=False)
    qtbot.addWidget(window)
    qtbot.wait_until(lambda: window.approvals.model.total > 0, timeout=20_000)
    assert window.client.user.username == "ufficio"
    with pytest.raises(ValueError):
        open_office_window(transport, {"role": "agent"}, show=False)
    window.close()
    assert not transport.signed_in  # closing the window signed out
