"""Two windows' worth of work: the agent, offline, submits an order over their limits and syncs; the
office window (real widgets, found by name) rejects it with a note; the agent reads the note, revises
and resubmits; the office approves with Ctrl+Enter; the agent sees it approved."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QTableView

from sfa_desktop import i18n
from sfa_desktop.operations.lines import LineRequest
from sfa_desktop.operations.orders import submit_order
from sfa_desktop.operations.read import catalog, customers, documents
from sfa_desktop.operations.read import sync as sync_reads
from sfa_desktop.ui.office import OfficeLaunch, open_office_window
from sfa_desktop.ui.office.decisions import NoteDialog


def _order_for(agent, discount: str) -> str:
    def pick(s):
        customer = next(c for c in customers.customer_rows(s, customers.customer_ids(s, status="active"))
                        if c.status == "active")
        product = catalog.product_ids(s, in_stock=True, active_only=True, limit=1)[0]
        return customer.id, product

    customer_id, product_id = agent.session.read(pick)
    changes = agent.write(lambda s: submit_order(s, customer_id=customer_id, lines=[
        LineRequest(product_id=product_id, quantity=Decimal(4), discount=discount)]))
    return changes.created


def _order(agent, order_id: str):
    [row] = agent.session.read(lambda s: documents.order_rows(s, [order_id]))
    return row


def _decide_in_dialog(qtbot, note: str) -> None:
    """The note dialog is modal: fill it once it is up, then press its Reject/Approve button."""
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog)
        ok = dialog.findChild(QPushButton, "office.note.ok")
        assert not ok.isEnabled()  # a rejection needs its note
        dialog.note.setPlainText(note)
        assert ok.isEnabled()
        ok.click()
    QTimer.singleShot(0, fill)


#: the offscreen platform's own note when a window is shown (not a warning about our widgets)
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@OFFSCREEN_NOISE
def test_reject_with_a_note_then_approve_the_revision(qtbot, server, synced_agent) -> None:
    agent = synced_agent
    server.stop()  # the agent is at the customer's, offline
    first = _order_for(agent, "45")
    assert _order(agent, first).status == "submitted"
    server.start()
    agent.sync()
    assert _order(agent, first).status == "pending_approval"

    window = open_office_window(OfficeLaunch(server.url, "ufficio", "demo-ufficio"))
    qtbot.addWidget(window)
    window.activateWindow()
    qtbot.wait_until(window.isActiveWindow)  # the shortcuts (F5, Ctrl+Enter) belong to the active window
    approvals = window.approvals
    qtbot.wait_until(lambda: approvals.model.row_of(first) is not None, timeout=20_000)
    queue = window.findChild(QTableView, "office.queue")
    queue.selectRow(approvals.model.row_of(first))
    qtbot.wait_until(lambda: approvals.detail is not None and approvals.detail.order.id == first, timeout=10_000)
    assert approvals.order_view.lines.rowCount() == 1
    reject = window.findChild(QPushButton, "office.reject")
    assert reject.isEnabled() and reject.accessibleName()
    _decide_in_dialog(qtbot, "Sconto 45% fuori politica: rifai l'ordine al massimo al 22%.")
    qtbot.mouseClick(reject, Qt.MouseButton.LeftButton)
    qtbot.wait_until(lambda: approvals.detail.order.status == "rejected", timeout=10_000)
    assert "respinto" in approvals.banner.text and not reject.isEnabled()
    qtbot.wait_until(lambda: approvals.model.row_of(first) is None, timeout=10_000)

    report = agent.sync()
    assert [d.status for d in report.decisions] == ["rejected"]
    rejected = _order(agent, first)
    assert rejected.status == "rejected" and "22%" in rejected.decision_note and rejected.decided_by == "ufficio"
    updates = agent.session.read(lambda s: sync_reads.update_rows(s, sync_reads.update_ids(s, unseen_only=True)))
    assert any("22%" in i18n.render(u.message) and u.row_id == first for u in updates)

    second = _order_for(agent, "22")  # revised at what the office asked, still above the agent's own limit
    agent.sync()
    assert _order(agent, second).status == "pending_approval"
    window.activateWindow()  # back from the modal note dialog
    qtbot.wait_until(window.isActiveWindow)
    queue.setFocus()
    qtbot.keyClick(queue, Qt.Key.Key_F5)
    qtbot.wait_until(lambda: approvals.model.row_of(second) is not None, timeout=20_000)
    queue.selectRow(approvals.model.row_of(second))
    qtbot.wait_until(lambda: approvals.detail.order.id == second, timeout=10_000)
    qtbot.keyClick(queue, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait_until(lambda: approvals.detail.order.status == "approved", timeout=10_000)

    report = agent.sync()
    assert [d.status for d in report.decisions] == ["approved"]
    assert _order(agent, second).status == "approved" and _order(agent, first).status == "rejected"
    window.close()
