"""The agenda screen on a real replica: day and week views, keys between days, planning, logging an
outcome with its next action, overdue follow-ups, suggested visits planned in one step."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog

from sfa_desktop.domain.agenda import ActivityState
from sfa_desktop.operations import log_activity, plan_activity
from sfa_desktop.operations.read.agenda import activity_item, day_agenda
from sfa_desktop.operations.read.customers import customer_ids
from sfa_desktop.ui.agenda.dialogs import from_qt, next_slot, to_qt
from sfa_desktop.ui.pages.agenda import AgendaPage

#: The offscreen platform cannot pass a window's size hints on; a real screen has no such warning.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")



def _page(ctx, qtbot) -> AgendaPage:
    page = AgendaPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.wait_until(lambda: page.week is not None)
    # the page ranks the pyramid on opening (not ranked after the fixture's sync): let that reload pass,
    # so that a test's wait for `refreshed` is answered by its own change
    for _ in range(3):
        ctx.runner.wait_idle()
        ctx.bridge.flush()
        qtbot.wait(20)
    return page


def _first_customer(ctx) -> str:
    return ctx.session.read(lambda s: customer_ids(s, sort="name"))[0]


def _local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0).astimezone()


def test_day_and_week_views_and_keys_between_days(ctx, qtbot, qtmodeltester) -> None:
    customer = _first_customer(ctx)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    ctx.session.write(lambda s: plan_activity(s, customer_id=customer, kind="visit", subject="Present the catalogue",
                                              planned_at=_local(tomorrow, 10), duration_minutes=45))
    page = _page(ctx, qtbot)
    assert page.day == dt.date.today()
    page.day_view.setFocus()
    qtbot.keyClick(page.day_view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.wait_until(lambda: page.day == tomorrow and any(
        page.day_items.record(r).subject == "Present the catalogue" for r in range(page.day_items.rowCount())))
    subjects = [page.day_items.record(r).subject for r in range(page.day_items.rowCount())]
    assert "Present the catalogue" in subjects
    row = subjects.index("Present the catalogue")
    assert page.day_items.data(page.day_items.index(row, 0)).endswith("(45 min)")
    qtmodeltester.check(page.day_items, force_py=True)
    qtbot.keyClick(page.day_view, Qt.Key.Key_T)
    # today's week read (on a Sunday tomorrow is in the next week: the page reads this one again)
    qtbot.wait_until(lambda: page.day == dt.date.today() and any(d == page.day for d, _ in page.week.days))
    qtbot.keyClick(page.day_view, Qt.Key.Key_W)
    assert page.view == "week"
    assert "Settimana" in page.title.text()
    week_day = page.week_view.days.index(tomorrow) if tomorrow in page.week_view.days else None
    if week_day is not None:  # tomorrow is in this week (not on a Sunday)
        texts = [page.week_view.models[week_day].data(page.week_view.models[week_day].index(r, 0))
                 for r in range(page.week_view.models[week_day].rowCount())]
        assert any("Present the catalogue" in t and "Visita" in t for t in texts)
        qtmodeltester.check(page.week_view.models[week_day], force_py=True)
    monday = page.week_view.days[0]
    focused = QApplication.focusWidget()
    qtbot.keyClick(focused, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.wait_until(lambda: page.week_view.days[0] == monday - dt.timedelta(days=7))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D)
    assert page.view == "day"


def test_week_view_left_and_right_walk_the_days(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    page.set_view("week")
    start = page.week_view.days.index(page.day)
    target = 1 if start == 0 else start - 1
    qtbot.keyClick(page.week_view.lists[start], Qt.Key.Key_Right if target > start else Qt.Key.Key_Left)
    assert page.week_view.lists[target].hasFocus()
    assert page.day == page.week_view.days[target]


def test_plan_with_ctrl_n_then_log_the_outcome_and_the_next_action(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    qtbot.keyClick(page.day_view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert dialog is not None and dialog.objectName() == "planDialog"
    qtbot.wait_until(lambda: dialog.customer.count() > 0)
    dialog.save()  # no customer chosen: said in place, nothing written
    assert dialog.message.isVisible() and "cliente" in dialog.message.text()
    dialog.customer.setCurrentIndex(0)
    name = dialog.customer.currentText()
    dialog.subject.setText("Call about the spring offer")
    dialog.kind.setCurrentIndex(dialog.kind.findData("call"))
    now = dt.datetime.now().astimezone().replace(second=0, microsecond=0)
    dialog.when.setDateTime(to_qt(now + dt.timedelta(minutes=5)))
    with qtbot.wait_signal(page.refreshed, timeout=10000):
        qtbot.keyClick(dialog.subject, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.dialog is None
    qtbot.wait_until(lambda: page.current_item() is not None and page.current_item().subject.startswith("Call about"))
    item = page.current_item()
    assert item.customer_name and item.customer_name in name and item.state is ActivityState.PLANNED

    qtbot.keyClick(page.day_view, Qt.Key.Key_Return)
    outcome = page.dialog
    assert outcome is not None and outcome.objectName() == "outcomeDialog"
    outcome.save()  # no outcome written: refused in place
    assert outcome.isVisible() and "esito" in outcome.message.text().lower()
    outcome.outcome.setPlainText("Interested; wants the price list by Friday")
    outcome.done_at.setDateTime(to_qt(now))
    outcome.next_action.setText("Send the price list")
    outcome.next_at.setDateTime(to_qt(now - dt.timedelta(days=1)))  # before the outcome: the core refuses it
    outcome.save()
    qtbot.wait_until(lambda: outcome.message.isVisible())
    assert outcome.isVisible() and "prossima azione" in outcome.message.text().lower()
    outcome.next_at.setDateTime(to_qt(now + dt.timedelta(days=3)))
    with qtbot.wait_signal(page.refreshed, timeout=10000):
        qtbot.keyClick(outcome.outcome, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    done = ctx.session.read(lambda s: activity_item(s, item.activity_id, now=dt.datetime.now(dt.UTC)))
    assert done.state is ActivityState.DONE and done.outcome.startswith("Interested")
    follow = ctx.session.read(lambda s: day_agenda(s, day=(now + dt.timedelta(days=3)).date(),
                                                   now=dt.datetime.now(dt.UTC)))
    assert any(f.follow_up_of == item.activity_id and f.subject == "Send the price list" for f in follow)


def test_an_outcome_again_on_a_done_activity_says_it_replaces_the_first(ctx, qtbot) -> None:
    customer = _first_customer(ctx)
    changes = ctx.session.write(lambda s: log_activity(s, customer_id=customer, kind="visit", subject="Visit",
                                                       outcome="Ordered 10 boxes"))
    page = _page(ctx, qtbot)
    page.show_target(changes.created)
    qtbot.wait_until(lambda: page.current_item() is not None and page.current_item().activity_id == changes.created)
    page.log_outcome(page.current_item())
    dialog = page.dialog
    note = dialog.findChild(type(dialog.message).__mro__[1], "alreadyDoneNote")
    assert note is not None and "sostituito" in note.text()
    assert dialog.outcome.toPlainText() == "Ordered 10 boxes"
    dialog.outcome.setPlainText("Ordered 12 boxes")
    with qtbot.wait_signal(dialog.finished, timeout=10000):
        dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    again = ctx.session.read(lambda s: activity_item(s, changes.created, now=dt.datetime.now(dt.UTC)))
    assert again.outcome == "Ordered 12 boxes"
    qtbot.wait_until(lambda: page.current_item() is not None and page.current_item().outcome == "Ordered 12 boxes")
    # a done activity cannot be moved back into the agenda
    page.move(page.current_item())
    assert page.dialog is None or page.dialog is dialog
    assert "fatta" in page.message.text()


def test_a_plan_in_the_past_is_taken_and_shown_overdue_in_words_and_colour(ctx, qtbot) -> None:
    """The core accepts a plan in the past (this morning's visit entered tonight): it is overdue."""
    page = _page(ctx, qtbot)
    customer = _first_customer(ctx)
    yesterday = dt.date.today() - dt.timedelta(days=1)
    with qtbot.wait_signal(page.refreshed, timeout=10000):
        changes = ctx.session.write(lambda s: plan_activity(s, customer_id=customer, kind="call", subject="Late call",
                                                            planned_at=_local(yesterday, 11)))
    overdue = page.panel.overdue
    row = overdue.row_of(changes.created)
    assert row is not None
    index = overdue.index(row, 2)
    assert overdue.data(index, Qt.ItemDataRole.FontRole).bold()
    assert overdue.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    page.set_day(yesterday)
    qtbot.wait_until(lambda: page.day_items.row_of(changes.created) is not None)
    state = page.day_items.data(page.day_items.index(page.day_items.row_of(changes.created), 4))
    assert "scaduta" in state  # said in words, not by the colour alone
    assert isinstance(page.day_items.data(page.day_items.index(0, 0), Qt.ItemDataRole.FontRole), QFont | None)


def test_an_empty_subject_is_refused_in_place_and_the_plan_proposes_the_next_morning(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    page.plan()
    dialog = page.dialog
    qtbot.wait_until(lambda: dialog.customer.count() > 0)
    dialog.customer.setCurrentIndex(0)
    dialog.subject.setText("   ")
    dialog.save()
    qtbot.wait_until(lambda: dialog.message.isVisible())
    assert dialog.isVisible() and "oggetto" in dialog.message.text().lower()
    assert from_qt(dialog.when.dateTime()) > dt.datetime.now().astimezone()  # proposed: the next working morning


def test_suggested_visit_planned_in_one_step_and_quotes_waiting(ctx, qtbot, qtmodeltester) -> None:
    page = _page(ctx, qtbot)  # nobody ranked the pyramid after the sync: the page does, and shows it
    slipping = page.panel.slipping
    qtbot.wait_until(lambda: slipping.rowCount() > 0)  # the small demo has customers that went cold
    qtmodeltester.check(slipping, force_py=True)
    qtmodeltester.check(page.panel.waiting, force_py=True)
    qtmodeltester.check(page.panel.overdue, force_py=True)
    first = slipping.record(0)
    assert slipping.data(slipping.index(0, 0), Qt.ItemDataRole.ToolTipRole)  # the pyramid's reason, in words
    page.panel.slipping_view.setCurrentIndex(slipping.index(0, 0))
    qtbot.mouseClick(page.panel.plan_visit, Qt.MouseButton.LeftButton)
    day = next_slot().date()

    def planned():
        return ctx.session.read(lambda s: [i for i in day_agenda(s, day=day, now=dt.datetime.now(dt.UTC))
                                           if i.customer_id == first.customer_id and i.kind == "visit"])

    qtbot.wait_until(lambda: bool(planned()))
    assert planned()[0].state is ActivityState.PLANNED
    qtbot.wait_until(lambda: slipping.row_of(first.customer_id) is None)  # planned: no longer suggested
    waiting = page.panel.waiting
    if waiting.rowCount():
        opened = []
        ctx.navigate = lambda key, target=None: opened.append((key, target))
        page.panel.waiting_view.setCurrentIndex(waiting.index(0, 0))
        qtbot.mouseClick(page.panel.open_quote, Qt.MouseButton.LeftButton)
        assert opened == [("quotes", waiting.record(0).quote_id)]


def test_the_page_follows_the_replica_not_a_timer(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    customer = _first_customer(ctx)
    before = page.day_items.rowCount()
    with qtbot.wait_signal(page.refreshed, timeout=10000):
        ctx.session.write(lambda s: plan_activity(s, customer_id=customer, kind="visit", subject="Pop in",
                                                  planned_at=_local(dt.date.today(), 23)))
    assert page.day_items.rowCount() == before + 1
    page.show_target("no-such-activity")
    qtbot.wait_until(lambda: page.message.isVisible())
