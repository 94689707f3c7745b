"""Quotes and orders offline, on a real SQLCipher replica: priced, numbered, queued, refused in words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import func, select

from sfa_desktop.domain.discounts import parse_discount
from sfa_desktop.domain.totals import LineInput, document_totals
from sfa_desktop.i18n import render
from sfa_desktop.local_db.models import NumberSequence, Order, OrderLine, OutboxCommand, Quote, QuoteLine, Setting
from sfa_desktop.operations import (
    accept_quote,
    cancel_order,
    convert_quote,
    lose_quote,
    revise_quote,
    save_quote,
    send_quote,
    submit_order,
)
from sfa_desktop.operations.errors import InvalidInputError, NotAllowedError, NotFoundError, OperationError
from sfa_desktop.operations.lines import LineRequest
from sfa_desktop.operations.orders import discard_order_draft, save_order_draft
from sfa_desktop.operations.printing import PrintError, print_to_file

from .conftest import TODAY


def quote_of(replica, changes) -> Quote:
    with replica.session() as s:
        return s.get(Quote, changes.created)


def commands(replica, kind: str | None = None) -> list[OutboxCommand]:
    with replica.session() as s:
        stmt = select(OutboxCommand).order_by(OutboxCommand.seq)
        if kind:
            stmt = stmt.where(OutboxCommand.type == kind)
        return list(s.scalars(stmt))


def new_quote(replica, **kw) -> Quote:
    kw.setdefault("lines", [LineRequest("p2", Decimal(1))])
    with replica.session(write=True) as s:
        changes = save_quote(s, customer_id="c1", today=TODAY, **kw)
    return quote_of(replica, changes)


def test_quote_is_priced_numbered_and_queued_with_its_draft(replica):
    with replica.session(write=True) as s:
        changes = save_quote(s, customer_id="c1", today=TODAY, document_discount="2",
                             lines=[LineRequest("p1", Decimal(500), "10+5+3"), LineRequest("p2", Decimal(3), None)])
    assert changes.touches("quotes") and changes.outbox and changes.ids("quotes") == {changes.created}
    quote = quote_of(replica, changes)
    expected = document_totals([
        LineInput(Decimal(500), Decimal("0.48"), parse_discount("10+5+3"), Decimal(22)),
        LineInput(Decimal(3), Decimal("24.00"), parse_discount("5"), Decimal(4)),  # customer default
    ], parse_discount("2"))
    assert quote.number == "Q-AG07-2026-10000"
    assert quote.grand_total == expected.grand_total
    assert quote.valid_until == TODAY + dt.timedelta(days=30)
    with replica.session() as s:
        lines = s.scalars(select(QuoteLine).order_by(QuoteLine.line_no)).all()
        assert [(ln.sku, ln.unit_price, ln.discount, ln.price_list_id) for ln in lines] == [
            ("CAV-FS17-15", Decimal("0.48"), "10+5+3", "base"), ("LIB-ISTR", Decimal("24.00"), "5", "vip")]
    [command] = commands(replica)
    assert command.type == "quote.save" and command.payload["quote_id"] == quote.id
    assert command.payload["lines"][0] == {"product_id": "p1", "quantity": "500", "discount": "10+5+3"}
    assert command.payload["expected"]["grand_total"] == str(expected.grand_total)


def test_saving_a_draft_again_keeps_its_number_and_replaces_its_unsent_command(replica):
    quote = new_quote(replica)
    with replica.session(write=True) as s:
        save_quote(s, customer_id="c1", today=TODAY, quote_id=quote.id,
                   lines=[LineRequest("p2", Decimal(2)), LineRequest("p1", Decimal(100))])
    again = quote_of(replica, type("C", (), {"created": quote.id})())
    assert again.number == quote.number
    with replica.session() as s:
        assert s.scalar(select(func.count()).select_from(QuoteLine)) == 2
    # typed twice before a sync: one command, with the latest lines
    [command] = commands(replica)
    assert len(command.payload["lines"]) == 2


def test_a_sent_quote_is_not_edited_and_a_saved_draft_after_sending_queues_in_order(replica):
    quote = new_quote(replica)
    with replica.session(write=True) as s:
        send_quote(s, quote_id=quote.id, today=TODAY)
    with pytest.raises(NotAllowedError, match="can no longer be changed"), replica.session(write=True) as s:
        save_quote(s, customer_id="c1", today=TODAY, quote_id=quote.id, lines=[LineRequest("p2", Decimal(5))])
    assert [c.type for c in commands(replica)] == ["quote.save", "quote.send"]
    assert quote_of(replica, type("C", (), {"created": quote.id})()).status == "sent"


@pytest.mark.parametrize(("lines", "discount", "message"), [
    ([], None, "at least one product line"),
    ([LineRequest("nope", Decimal(1))], None, "Line 1: the product is not in the catalog"),
    ([LineRequest("p1", Decimal(150))], None, "packs of 100"),
    ([LineRequest("p3", Decimal(1))], None, "inactive"),
    ([LineRequest("p2", Decimal(-1))], None, "more than zero"),
    ([LineRequest("p2", Decimal(1), "10++5")], None, r"Line 1 \(LIB-ISTR\).*two .\+. in a row"),
    ([LineRequest("p2", Decimal(1), "120")], None, r"Line 1 \(LIB-ISTR\).*above 100%"),
    ([LineRequest("p2", Decimal(1))], "abc", "Document discount"),
    ([LineRequest("p2", Decimal(1))] * 501, None, "at most 500 lines"),
])
def test_bad_lines_are_refused_in_words_and_nothing_is_written(replica, lines, discount, message):
    with pytest.raises(OperationError, match=message), replica.session(write=True) as s:
        save_quote(s, customer_id="c1", today=TODAY, lines=lines, document_discount=discount)
    with replica.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxCommand)) == 0
        assert s.scalar(select(func.count()).select_from(NumberSequence)) == 0
        assert s.scalar(select(func.count()).select_from(Quote)) == 0


def test_the_refusal_reads_in_italian_for_an_italian_agent(replica):
    with pytest.raises(InvalidInputError) as info, replica.session(write=True) as s:
        save_quote(s, customer_id="c1", today=TODAY, lines=[LineRequest("p1", Decimal(150))])
    italian = render(info.value.message, "it")
    assert "Riga 1 (CAV-FS17-15)" in italian and "confezioni da 100" in italian, italian
    assert "150" in italian


def test_blocked_customer_and_exhausted_number_block(replica):
    with pytest.raises(NotAllowedError, match="blocked"), replica.session(write=True) as s:
        submit_order(s, customer_id="c2", today=TODAY, lines=[LineRequest("p2", Decimal(1))])
    numbers = []
    for _ in range(3):
        with replica.session(write=True) as s:
            changes = submit_order(s, customer_id="c1", today=TODAY, lines=[LineRequest("p2", Decimal(1))])
            numbers.append(s.get(Order, changes.created).number)
    assert numbers == ["O-AG07-2026-10000", "O-AG07-2026-10001", "O-AG07-2026-10002"]
    with pytest.raises(NotAllowedError, match="used up"), replica.session(write=True) as s:
        submit_order(s, customer_id="c1", today=TODAY, lines=[LineRequest("p2", Decimal(1))])


def test_quote_lifecycle_won_lost_and_revised(replica):
    won = new_quote(replica)
    with replica.session(write=True) as s:
        send_quote(s, quote_id=won.id, today=TODAY)
        accept_quote(s, quote_id=won.id, reason="miglior prezzo", today=TODAY)
        assert (s.get(Quote, won.id).status, s.get(Quote, won.id).won_reason) == ("accepted", "miglior prezzo")
    lost = new_quote(replica)
    with replica.session(write=True) as s:
        send_quote(s, quote_id=lost.id, today=TODAY)
    with pytest.raises(InvalidInputError, match="Say why"), replica.session(write=True) as s:
        lose_quote(s, quote_id=lost.id, reason="   ", today=TODAY)
    with replica.session(write=True) as s:
        lose_quote(s, quote_id=lost.id, reason="Concorrente più economico", today=TODAY)
        changes = revise_quote(s, quote_id=lost.id, today=TODAY)
        new = s.get(Quote, changes.created)
        assert (new.revision, new.previous_revision_id, new.status) == (2, lost.id, "draft")
        assert new.number != lost.number
        assert s.scalar(select(func.count()).select_from(QuoteLine).where(QuoteLine.quote_id == new.id)) == 1
    with pytest.raises(NotAllowedError, match="newer revision"), replica.session(write=True) as s:
        accept_quote(s, quote_id=lost.id, today=TODAY)
    kinds = [c.type for c in commands(replica)]
    assert kinds == ["quote.save", "quote.send", "quote.accept", "quote.save", "quote.send", "quote.lose",
                     "quote.revise"]
    [accept] = commands(replica, "quote.accept")
    assert accept.payload == {"quote_id": won.id, "reason": "miglior prezzo"}


def test_an_expired_quote_is_shown_expired_and_cannot_be_converted(replica):
    quote = new_quote(replica, valid_until=TODAY + dt.timedelta(days=2))
    with replica.session(write=True) as s:
        send_quote(s, quote_id=quote.id, today=TODAY)
    later = TODAY + dt.timedelta(days=3)
    with pytest.raises(NotAllowedError, match="expired"), replica.session(write=True) as s:
        convert_quote(s, quote_id=quote.id, today=later)
    with replica.session(write=True) as s:  # but it can be revised with new prices
        revise_quote(s, quote_id=quote.id, today=later)


def test_converting_a_quote_submits_its_lines_and_waits_for_the_quote_commands(replica):
    quote = new_quote(replica, lines=[LineRequest("p2", Decimal(2), "3"), LineRequest("p1", Decimal(100))],
                      notes="Consegna in cantiere")
    with replica.session(write=True) as s:
        send_quote(s, quote_id=quote.id, today=TODAY)
        changes = convert_quote(s, quote_id=quote.id, today=TODAY)
        order = s.get(Order, changes.created)
        assert (order.quote_id, order.status, order.notes) == (quote.id, "submitted", "Consegna in cantiere")
        assert order.grand_total == s.get(Quote, quote.id).grand_total
        assert s.get(Quote, quote.id).status == "accepted"
        lines = s.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.line_no)).all()
        assert [(ln.product_id, ln.quantity, ln.discount) for ln in lines] == [
            ("p2", Decimal(2), "3"), ("p1", Decimal(100), "5")]
    [submit] = commands(replica, "order.submit")
    quote_commands = [c.id for c in commands(replica) if c.type.startswith("quote.")]
    assert submit.depends_on == quote_commands and submit.payload["quote_id"] == quote.id
    with pytest.raises(NotAllowedError), replica.session(write=True) as s:  # converted once
        convert_quote(s, quote_id=quote.id, today=TODAY)


def test_a_draft_order_stays_local_until_it_is_submitted(replica):
    with replica.session(write=True) as s:
        changes = save_order_draft(s, customer_id="c1", lines=[LineRequest("p2", Decimal(1))], today=TODAY)
    assert not changes.outbox and commands(replica) == []
    with replica.session(write=True) as s:
        save_order_draft(s, customer_id="c1", order_id=changes.created, today=TODAY,
                         lines=[LineRequest("p2", Decimal(4))], notes="urgente")
        submit_order(s, order_id=changes.created, today=TODAY)
        order = s.get(Order, changes.created)
        assert order.status == "submitted" and order.number == "O-AG07-2026-10000" and order.notes == "urgente"
    [submit] = commands(replica, "order.submit")
    assert submit.payload["lines"] == [{"product_id": "p2", "quantity": "4", "discount": "5"}]
    with pytest.raises(NotAllowedError, match="only a draft"), replica.session(write=True) as s:
        discard_order_draft(s, order_id=changes.created)


def test_cancel_waits_for_the_submission_and_a_cancelled_order_cannot_be_cancelled_again(replica):
    with replica.session(write=True) as s:
        changes = submit_order(s, customer_id="c1", today=TODAY, lines=[LineRequest("p2", Decimal(1))])
        cancel_order(s, order_id=changes.created, reason="il cliente ha annullato")
    submit, cancel = commands(replica)
    assert cancel.type == "order.cancel" and cancel.depends_on == [submit.id]
    assert cancel.payload == {"order_id": changes.created, "reason": "il cliente ha annullato"}
    with pytest.raises(NotAllowedError, match="cancelled"), replica.session(write=True) as s:
        cancel_order(s, order_id=changes.created)
    with pytest.raises(NotFoundError), replica.session(write=True) as s:
        cancel_order(s, order_id="nope")


def test_every_refusal_is_an_operation_error_with_a_message_code(replica):
    with pytest.raises(OperationError) as info, replica.session(write=True) as s:
        save_quote(s, customer_id="ghost", today=TODAY, lines=[LineRequest("p2", Decimal(1))])
    assert info.value.code == "op.customer_unknown"
    with pytest.raises(InvalidInputError, match="too long"), replica.session(write=True) as s:
        save_quote(s, customer_id="c1", today=TODAY, notes="x" * 4001, lines=[LineRequest("p2", Decimal(1))])


def test_printed_quote_carries_lines_totals_and_company(replica, tmp_path):
    quote = new_quote(replica, lines=[LineRequest("p1", Decimal(500), "10+5"), LineRequest("p2", Decimal(2), "")])
    out = tmp_path / "q.pdf"
    with replica.session() as s:
        print_to_file(s, reference=quote.number, path=out)
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Offerta" in text and quote.number in text
    assert "Forniture Padane S.p.A." in text and "20097 San Donato Milanese (MI)" in text
    assert "CAV-FS17-15" in text and "10+5" in text
    grand = f"{quote.grand_total:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert grand in text
    with pytest.raises(PrintError, match="no quote or order"), replica.session() as s:
        print_to_file(s, reference="Q-XX-2026-0001", path=tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_the_synced_company_logo_is_printed_and_a_damaged_one_is_left_out(replica, tmp_path, caplog):
    import base64

    from pypdf import PdfReader

    logo = (Path(__file__).resolve().parents[3] / "resources" / "logo" / "fep-logo.png").read_bytes()
    quote = new_quote(replica)
    with replica.session(write=True) as s:
        s.get(Setting, "company").value = {"name": "Padane", "logo_png": base64.b64encode(logo).decode()}

    def images(path: Path) -> int:
        return sum(len(page.images) for page in PdfReader(path).pages)

    with replica.session() as s:
        print_to_file(s, reference=quote.number, path=tmp_path / "with.pdf")
    assert images(tmp_path / "with.pdf") >= 1
    with replica.session(write=True) as s:
        s.get(Setting, "company").value = {"name": "Padane", "logo_png": "bm90IGEgcG5n"}  # "not a png"
    with replica.session() as s:
        print_to_file(s, reference=quote.number, path=tmp_path / "without.pdf")
    assert images(tmp_path / "without.pdf") == 0
    assert "not a PNG image" in caplog.text


def test_a_submitted_order_shows_offline_the_reasons_the_office_will_see(replica):
    with replica.session(write=True) as s:
        changes = submit_order(s, customer_id="c1", today=TODAY, lines=[LineRequest("p2", Decimal(1), "40")])
        reasons = s.get(Order, changes.created).approval_reasons
    assert reasons and {r["rule"] for r in reasons} >= {"line_discount"}
    assert reasons[0]["code"].startswith("approval.")


def test_a_net_price_and_a_declaration_of_intent_print_as_saved(replica, tmp_path):
    from sfa_desktop.local_db.models import Customer

    with replica.session(write=True) as s:
        customer = s.get(Customer, "c1")
        customer.vat_exemption, customer.vat_exemption_ref = "N3.5", "prot. 2026/1234"
    quote = new_quote(replica, lines=[LineRequest("p2", Decimal(2), net_price=Decimal("20.00"))])
    assert quote.grand_total == Decimal("40.00")  # 2 × 20.00, no VAT under the declaration
    out = tmp_path / "q.pdf"
    with replica.session() as s:
        print_to_file(s, reference=quote.number, path=out, language="it")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "netto" in text and "40,00" in text
    assert "N3.5" in text and "dichiarazione d'intento" in text and "2026/1234" in text
