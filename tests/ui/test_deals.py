"""The deals screen on a real replica: the board by stage, keys and drag to move, the lost reason
required, the list with filters, a deal's history and quotes, new and changed deals with bad amounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import QApplication

from sfa_desktop.domain.lifecycle import DealStage
from sfa_desktop.local_db.models import Quote
from sfa_desktop.operations import move_deal, save_deal
from sfa_desktop.operations.read.customers import customer_ids
from sfa_desktop.operations.read.deals import deal_detail
from sfa_desktop.ui.deals.board import STAGES
from sfa_desktop.ui.deals.dialogs import parse_deal_amount
from sfa_desktop.ui.deals.models import DEAL_MIME
from sfa_desktop.ui.pages.deals import DealsPage

#: The offscreen platform cannot pass a window's size hints on; a real screen has no such warning.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints")



def _page(ctx, qtbot) -> DealsPage:
    page = DealsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.wait_signal(page.refreshed, timeout=10000).wait()
    # a change made just before the page opened is announced a moment later (the bridge coalesces):
    # let that reload pass, so that a test's wait for `refreshed` is answered by its own change
    for _ in range(3):
        ctx.runner.wait_idle()
        ctx.bridge.flush()
        qtbot.wait(20)
    return page


def _new_deal(ctx, stage: str = "contatto", title: str = "Lighting of the new warehouse") -> str:
    customer = ctx.session.read(lambda s: customer_ids(s, sort="name"))[0]
    return ctx.session.write(lambda s: save_deal(s, customer_id=customer, title=title, stage=stage,
                                                 amount=Decimal("12500.00"))).created


def _column(page: DealsPage, deal_id: str) -> DealStage | None:
    for model in page.board.models:
        if model.row_of(deal_id) is not None:
            return model.stage
    return None


def _stage(ctx, deal_id: str) -> DealStage:
    return ctx.session.read(lambda s: deal_detail(s, deal_id, today=dt.date.today())).card.stage


def test_the_board_has_every_stage_and_passes_the_model_tester(ctx, qtbot, qtmodeltester) -> None:
    deal_id = _new_deal(ctx)
    page = _page(ctx, qtbot)
    assert [m.stage for m in page.board.models] == list(DealStage)
    assert len(STAGES) == 8
    assert _column(page, deal_id) is DealStage.CONTATTO
    header = page.board.headers[0].text()
    assert "Contatto" in header and "€" in header
    for model in page.board.models:
        qtmodeltester.check(model, force_py=True)
    qtbot.wait_until(lambda: page.list_model.rowCount() > 0)
    qtmodeltester.check(page.list_model, force_py=True)


def test_keys_move_a_card_along_the_stages_and_the_history_records_it(ctx, qtbot, qtmodeltester) -> None:
    deal_id = _new_deal(ctx)
    page = _page(ctx, qtbot)
    page.show_target(deal_id)
    qtbot.wait_until(lambda: page.board.current_card() is not None)
    view = QApplication.focusWidget()
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait_until(lambda: _column(page, deal_id) is DealStage.OFFERTA)
    assert _stage(ctx, deal_id) is DealStage.OFFERTA
    assert page.board.current_card().deal_id == deal_id  # the card keeps the focus: Ctrl+Right again moves on
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait_until(lambda: _column(page, deal_id) is DealStage.RILANCIO and page.board.current_card() is not None)
    assert _stage(ctx, deal_id) is DealStage.RILANCIO
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait_until(lambda: _column(page, deal_id) is DealStage.OFFERTA and page.board.current_card() is not None)
    assert _stage(ctx, deal_id) is DealStage.OFFERTA
    qtbot.wait_until(lambda: page.detail.history.rowCount() == 4)
    stages = [page.detail.history.record(r).stage for r in range(4)]
    assert stages == [DealStage.CONTATTO, DealStage.OFFERTA, DealStage.RILANCIO, DealStage.OFFERTA]
    qtmodeltester.check(page.detail.history, force_py=True)
    # plain Left/Right only look at the next column
    focused = QApplication.focusWidget()
    qtbot.keyClick(focused, Qt.Key.Key_Right)
    assert QApplication.focusWidget() is page.board.lists[2]
    assert _stage(ctx, deal_id) is DealStage.OFFERTA


def test_a_move_the_core_refuses_is_said_in_place(ctx, qtbot) -> None:
    deal_id = _new_deal(ctx)
    page = _page(ctx, qtbot)
    page.show_target(deal_id)
    qtbot.wait_until(lambda: page.board.current_card() is not None)
    card = page.board.current_card()
    page.move(card, DealStage.SOLLECITO)  # chasing an answer before any offer
    qtbot.wait_until(lambda: page.message.isVisible())
    assert "Offerta" in page.message.text()
    assert _stage(ctx, deal_id) is DealStage.CONTATTO


def test_closing_lost_needs_the_reason(ctx, qtbot) -> None:
    deal_id = _new_deal(ctx)
    page = _page(ctx, qtbot)
    page.show_target(deal_id)
    qtbot.wait_until(lambda: page.board.current_card() is not None)
    page.move(page.board.current_card(), DealStage.CHIUSO_PERSO)
    dialog = page.dialog
    assert dialog is not None and dialog.objectName() == "moveDialog"
    assert not page.can_close()  # the dialog is open: the shell asks before signing out
    dialog.save()
    assert dialog.isVisible() and dialog.message.isVisible()
    assert "motivo" in dialog.message.text()
    dialog.reason.setPlainText("   ")
    dialog.save()
    assert dialog.isVisible() and _stage(ctx, deal_id) is DealStage.CONTATTO
    dialog.reason.setPlainText("A competitor was 8% cheaper")
    with qtbot.wait_signal(page.refreshed, timeout=10000):
        dialog.save()
    assert not dialog.isVisible() and page.can_close()
    detail = ctx.session.read(lambda s: deal_detail(s, deal_id, today=dt.date.today()))
    assert detail.card.stage is DealStage.CHIUSO_PERSO and detail.card.close_reason == "A competitor was 8% cheaper"
    assert _column(page, deal_id) is DealStage.CHIUSO_PERSO  # closed today: still on the board


def test_a_card_dropped_on_another_column_moves(ctx, qtbot) -> None:
    deal_id = _new_deal(ctx)
    page = _page(ctx, qtbot)
    target = page.board.models[STAGES.index(DealStage.OFFERTA)]
    source = page.board.models[0]
    data = source.mimeData([source.index(source.row_of(deal_id), 0)])
    assert data.hasFormat(DEAL_MIME)
    assert target.canDropMimeData(data, Qt.DropAction.MoveAction, 0, 0)
    assert not target.canDropMimeData(QMimeData(), Qt.DropAction.MoveAction, 0, 0)
    with qtbot.wait_signal(page.refreshed, timeout=10000):
        target.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1)
    assert _stage(ctx, deal_id) is DealStage.OFFERTA
    # dropped on the column it is in: nothing happens
    data = target.mimeData([target.index(target.row_of(deal_id), 0)])
    with qtbot.assert_not_emitted(target.dropped):
        target.dropMimeData(data, Qt.DropAction.MoveAction, -1, -1)


def test_postponing_asks_the_new_date(ctx, qtbot) -> None:
    deal_id = _new_deal(ctx)
    page = _page(ctx, qtbot)
    page.show_target(deal_id)
    qtbot.wait_until(lambda: page.board.current_card() is not None)
    page.move(page.board.current_card(), DealStage.RINVIO)
    dialog = page.dialog
    assert dialog.close_date is not None
    with qtbot.wait_signal(page.refreshed, timeout=10000):
        dialog.save()
    detail = ctx.session.read(lambda s: deal_detail(s, deal_id, today=dt.date.today()))
    assert detail.card.stage is DealStage.RINVIO and detail.card.expected_close > dt.date.today()


def test_new_deal_refuses_a_bad_amount_then_saves(ctx, qtbot) -> None:
    page = _page(ctx, qtbot)
    qtbot.keyClick(page.board, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert dialog is not None and dialog.objectName() == "dealDialog"
    qtbot.wait_until(lambda: dialog.customer.count() > 0)
    dialog.customer.setCurrentIndex(1)
    dialog.title.setText("Shop fitting")
    dialog.amount.setText("abc")
    dialog.save()
    assert dialog.isVisible() and "numero" in dialog.message.text()
    dialog.amount.setText("-500")
    dialog.save()
    qtbot.wait_until(lambda: dialog.message.isVisible() and "numero" not in dialog.message.text())
    assert dialog.isVisible()  # the core refuses a negative amount
    dialog.stage.setCurrentIndex(dialog.stage.findData("chiuso_perso"))
    dialog.amount.setText("8.400,50")
    dialog.save()
    assert dialog.isVisible() and "motivo" in dialog.message.text()  # lost without a reason
    dialog.stage.setCurrentIndex(dialog.stage.findData("contatto"))
    with qtbot.wait_signal(dialog.finished, timeout=10000, raising=False) as saved:
        dialog.save()
    assert saved.signal_triggered, dialog.message.text()
    qtbot.wait_until(lambda: page.detail.detail is not None and page.detail.detail.card.title == "Shop fitting")
    assert page.detail.detail.card.amount == Decimal("8400.50")
    # change it: the amount written back in the agent's format reads back the same
    page.edit(page.detail.detail.card)
    edit = page.dialog
    assert parse_deal_amount(edit.amount.text()) == Decimal("8400.50")
    edit.title.setText("Shop fitting, phase 1")
    with qtbot.wait_signal(edit.finished, timeout=10000):
        edit.save()
    qtbot.wait_until(lambda: page.detail.detail.card.title == "Shop fitting, phase 1")


def test_the_list_filters_by_stage_and_the_quotes_open(ctx, qtbot, qtmodeltester) -> None:
    deal_id = _new_deal(ctx, title="Filtered deal")
    other = _new_deal(ctx, title="Another deal")
    quote_id = ctx.session.read(lambda s: s.query(Quote.id).first()[0])

    def link(s):
        s.get(Quote, quote_id).deal_id = deal_id
        from sfa_desktop.local_db.changes import Changes
        return Changes.of("quotes", quote_id)

    ctx.session.write(link)
    page = _page(ctx, qtbot)
    page.tabs.setCurrentIndex(1)
    qtbot.wait_until(lambda: page.list_model.row_of(deal_id) is not None)
    page.list_view.setFocus()
    with qtbot.wait_signal(page.detail_shown, timeout=10000):
        page.list_view.setCurrentIndex(page.list_model.index(page.list_model.row_of(deal_id), 0))
    assert page.detail.quotes.rowCount() == 1
    qtmodeltester.check(page.detail.quotes, force_py=True)
    opened = []
    ctx.navigate = lambda key, target=None: opened.append((key, target))
    page.detail.quotes_view.setFocus()
    page.detail.quotes_view.setCurrentIndex(page.detail.quotes.index(0, 0))
    qtbot.keyClick(page.detail.quotes_view, Qt.Key.Key_Return)
    assert opened[-1] == ("quotes", quote_id)
    ctx.session.write(lambda s: move_deal(s, deal_id=other, stage="offerta"))
    with qtbot.wait_signal(page.list_model.loaded, timeout=10000):
        page.stage_filter.setCurrentIndex(page.stage_filter.findData("offerta"))
    ids = page.list_model.ids
    assert other in ids and deal_id not in ids
    with qtbot.wait_signal(page.list_model.loaded, timeout=10000):
        page.stage_filter.setCurrentIndex(page.stage_filter.findData("chiuso_vinto"))
    assert page.list_empty.isVisible() == (page.list_model.rowCount() == 0)
