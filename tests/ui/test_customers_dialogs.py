"""The offline edit of a customer and the new prospect, with their bad inputs shown in place."""

from __future__ import annotations

from PySide6.QtTest import QTest
from visit_support import OFFSCREEN_NOISE, held_widgets, show_page  # noqa: F401 (the keep fixture)

from sfa_desktop.local_db.models import Customer, OutboxCommand
from sfa_desktop.operations.read.customer360 import customer_360
from sfa_desktop.operations.read.customers import customer_ids
from sfa_desktop.ui.customers.prospect_dialog import reason_text
from sfa_desktop.ui.pages import customers

pytestmark = OFFSCREEN_NOISE


def _page_on(keep, ctx, qtbot, customer_id):
    page = show_page(customers.create(ctx), keep, qtbot)
    with qtbot.wait_signal(page.view.loaded, timeout=5000):
        page.show_target(customer_id)
    return page


def _first_active(ctx):
    return ctx.session.read(lambda s: customer_ids(s, status="active")[0])


def _outbox(ctx, kind):
    return ctx.session.read(lambda s: s.query(OutboxCommand).filter(OutboxCommand.type == kind).count())


def _type(widget, text):
    widget.setFocus()
    widget.selectAll()
    QTest.keyClicks(widget, text)


# --------------------------------------------------------------------------- edit

def test_an_invalid_e_mail_is_said_under_the_field_and_nothing_is_queued(keep, ctx, qtbot):
    page = _page_on(keep, ctx, qtbot, _first_active(ctx))
    dialog = page.open_edit_dialog(page.view.data.customer)
    _type(dialog.fields["email"], "not an address")
    dialog.save()
    qtbot.wait_until(lambda: dialog.problems["email"].isVisible())
    assert "not an address" in dialog.problems["email"].text()
    assert dialog.isVisible()  # what was typed stays
    assert _outbox(ctx, "customer.update") == 0


def test_an_edit_is_saved_offline_queued_and_shown_unsent(keep, ctx, qtbot):
    customer_id = _first_active(ctx)
    page = _page_on(keep, ctx, qtbot, customer_id)
    dialog = page.open_edit_dialog(page.view.data.customer)
    _type(dialog.fields["phone"], "+39 051 555 1234")
    with qtbot.wait_signal(page.view.loaded, timeout=5000), qtbot.wait_signal(dialog.finished, timeout=5000):
        dialog.save()
    assert page.view.data.customer.phone == "+39 051 555 1234"
    assert page.view.unsent.isVisible() and page.view.unsent.text()
    assert _outbox(ctx, "customer.update") == 1


def test_nothing_changed_closes_without_queueing(keep, ctx, qtbot):
    page = _page_on(keep, ctx, qtbot, _first_active(ctx))
    dialog = page.open_edit_dialog(page.view.data.customer)
    with qtbot.wait_signal(dialog.finished, timeout=2000):
        dialog.save()
    assert _outbox(ctx, "customer.update") == 0


def test_the_replica_locked_mid_edit_is_a_message_in_place(keep, ctx, qtbot):
    page = _page_on(keep, ctx, qtbot, _first_active(ctx))
    dialog = page.open_edit_dialog(page.view.data.customer)
    _type(dialog.fields["phone"], "051 555 9876")
    ctx.runner.wait_idle()
    ctx.session.lock()  # auto-lock while the agent types
    dialog.save()
    qtbot.wait_until(lambda: dialog.problem.isVisible())
    assert dialog.problem.text()
    assert dialog.isVisible() and dialog.save_button.isEnabled()


# --------------------------------------------------------------------------- prospect

def test_a_prospect_without_a_name_is_refused_under_the_name(keep, ctx, qtbot):
    page = show_page(customers.create(ctx), keep, qtbot)
    dialog = page.open_prospect_dialog()
    _type(dialog.fields["city"], "Bologna")
    dialog.save()
    qtbot.wait_until(lambda: dialog.problems["name"].isVisible())
    assert dialog.problems["name"].text()
    assert _outbox(ctx, "prospect.create") == 0


def test_an_invalid_vat_number_is_refused_under_the_vat_field(keep, ctx, qtbot):
    page = show_page(customers.create(ctx), keep, qtbot)
    dialog = page.open_prospect_dialog()
    _type(dialog.fields["name"], "Elettroforniture Nuove Srl")
    _type(dialog.fields["vat_number"], "IT12345678901")
    dialog.save()
    qtbot.wait_until(lambda: dialog.problems["vat_number"].isVisible())
    assert "12345678901" in dialog.problems["vat_number"].text()
    assert _outbox(ctx, "prospect.create") == 0


def test_a_duplicate_is_shown_while_typing_and_saving_needs_the_agent_s_word(keep, ctx, qtbot):
    existing = ctx.session.read(lambda s: s.query(Customer).filter(Customer.vat_number.is_not(None)).first())
    name, vat = existing.name, existing.vat_number
    page = show_page(customers.create(ctx), keep, qtbot)
    dialog = page.open_prospect_dialog()
    with qtbot.wait_signal(dialog.checked, timeout=5000):
        _type(dialog.fields["name"], name)
        _type(dialog.fields["vat_number"], vat)
    qtbot.wait_until(lambda: any(m.customer_id == existing.id for m in dialog.matches))
    assert dialog.duplicates.isVisible() and dialog.duplicates.count() >= 1
    assert "partita IVA" in dialog.duplicates.item(0).text() or "VAT" in dialog.duplicates.item(0).text()
    dialog.save()
    qtbot.wait_until(lambda: dialog.problem.isVisible())
    assert _outbox(ctx, "prospect.create") == 0
    dialog.different.setChecked(True)
    with qtbot.wait_signal(dialog.created, timeout=5000) as created:
        dialog.save()
    assert _outbox(ctx, "prospect.create") == 1
    new_id = created.args[0]
    qtbot.wait_until(lambda: page.view.data is not None and page.view.data.customer.id == new_id)
    assert ctx.session.read(lambda s: customer_360(s, new_id)).customer.status == "prospect"


def test_a_new_prospect_is_saved_and_its_360_opens(keep, ctx, qtbot):
    page = show_page(customers.create(ctx), keep, qtbot)
    dialog = page.open_prospect_dialog()
    _type(dialog.fields["name"], "Zeta Impianti Quarzo Snc")
    _type(dialog.fields["email"], "info@zeta-quarzo.example")
    _type(dialog.fields["city"], "Imola")
    _type(dialog.fields["street"], "Via Emilia 1")
    with qtbot.wait_signal(page.view.loaded, timeout=5000):
        dialog.save()
    assert page.view.title.text() == "Zeta Impianti Quarzo Snc"
    assert page.view.unsent.isVisible()


def test_the_duplicate_reasons_are_in_the_agent_s_language():
    assert reason_text("same VAT number") != "" and reason_text("similar name (87%)").endswith("(87%)")
