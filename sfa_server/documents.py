"""Push handlers for quotes and orders: server re-pricing, numbering, approval, status changes."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from sqlalchemy import Insert, Table, bindparam, insert, select, union_all
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from sfa_desktop.domain import approval, lifecycle, numbering
from sfa_desktop.domain import document_pricing as dp
from sfa_desktop.domain.lifecycle import status_label
from sfa_desktop.domain.messages import Message
from sfa_desktop.domain.signature import SignatureError, check_signature
from sfa_desktop.sync import protocol as p
from sfa_server.accounts import device_owns_number, renew_block_if_low
from sfa_server.audit import audit
from sfa_server.changes import next_counter, stamps
from sfa_server.commands import Rejected, customer_in_scope, customer_to_read, require_agent, setting, today
from sfa_server.deps import Principal
from sfa_server.direct_sql import run
from sfa_server.models import Order, OrderLine, Quote, QuoteLine, Synced, utcnow
from sfa_server.pricing import (
    customer_credit,
    honoured_quote,
    line_public,
    line_row,
    parse_lines,
    price_differences,
    price_document,
)

# --------------------------------------------------------------------------- numbering


#: One statement for both tables (under load each statement is a round trip), built once on the
#: tables' columns: built per call on the ORM's it cost twice the CPU.
_NUMBER_TAKEN_SQL = union_all(
    select(Quote.__table__.c.id).where(Quote.__table__.c.number == bindparam("number")),
    select(Order.__table__.c.id).where(Order.__table__.c.number == bindparam("number")),
).limit(1)


def _number_taken(session: Session, number: str) -> bool:
    return run(session.connection(), _NUMBER_TAKEN_SQL, {"number": number}).first() is not None


def assign_number(session: Session, principal: Principal, kind: str, proposed: Any) -> tuple[str, bool]:
    """The document number: the client's proposal when it is from a block this device was given
    and unused, else one the server assigns (block 0). Returns (number, proposal_accepted)."""
    year = today().year
    code = principal.agent_code or "XX"
    if isinstance(proposed, str) and proposed:
        number = proposed.strip().upper()
        try:
            p_kind, p_code, p_year, seq = numbering.parse_document_number(number)
        except ValueError:
            p_kind = None
        if (
            p_kind == kind
            and p_code == code
            and 2000 <= p_year <= year + 1
            and device_owns_number(session, principal.device_id, seq)
            and not _number_taken(session, number)
        ):
            renew_block_if_low(session, principal.device_id, seq)
            return number, True
    while True:
        seq = next_counter(session, f"server_number:{kind}:{code}:{year}")
        number = numbering.format_document_number(kind, code, year, seq)
        if not _number_taken(session, number):
            return number, not proposed


# --------------------------------------------------------------------------- quotes


def _quote_public(q: Quote, priced: dp.PricedDocument | None = None) -> dict[str, Any]:
    out = {
        "quote_id": q.id,
        "number": q.number,
        "status": q.status,
        "revision": q.revision,
        "taxable_total": str(q.taxable_total),
        "vat_total": str(q.vat_total),
        "grand_total": str(q.grand_total),
    }
    if priced is not None:
        out["lines"] = [line_public(x) for x in priced.lines]
    return out


def _load_quote(session: Session, principal: Principal, quote_id: str) -> Quote:
    quote = session.get(Quote, quote_id, with_for_update=True)
    if quote is None:
        raise Rejected("not_found", "push.quote_unknown", record=False, quote=quote_id[:40])
    customer_in_scope(session, principal, quote.customer_id,
                      unknown=Rejected("not_found", "push.quote_unknown", quote=quote_id[:40]))
    return quote


def _is_latest(session: Session, quote: Quote) -> bool:
    return session.execute(select(Quote.id).where(Quote.previous_revision_id == quote.id)).first() is None


def _write_lines(session: Session, model: type, doc_field: str, doc_id: str, priced: dp.PricedDocument) -> None:
    # One read of the document's lines (their ids come from the document id and the line number),
    # not one per line: under load each statement is a round trip. (A new quote's: _insert_document.)
    existing = {
        line.id: line
        for line in session.execute(select(model).where(getattr(model, doc_field) == doc_id)).scalars()
    }
    keep = set()
    for x in priced.lines:
        row = line_row(doc_field, doc_id, x)
        keep.add(row["id"])
        obj = existing.get(row["id"])
        if obj is None:
            session.add(model(**row))
        else:
            for k, v in row.items():
                setattr(obj, k, v)
    for line_id_, old in existing.items():
        if line_id_ not in keep:
            session.delete(old)


@functools.cache
def _insert_sql(table: Table) -> Insert:
    return insert(table)


def _insert_document(session: Session, document: Synced, lines: list[dict[str, Any]]) -> None:
    """A new quote or order (a transient ORM object, never added to the session) and its lines,
    stamped for the feed, in two Core statements: the ORM's flush of the same rows was a seventh
    of a loaded worker's CPU (docs/benchmarks.md, 2026-12-06)."""
    doc_table = type(document).__table__
    line_table = LINES_OF[doc_table.name]
    tx, seqs = stamps(session, 1 + len(lines))  # the document's stamp first: parents come first in the feed
    # the attributes set, as the ORM would insert them: the others take their column's default
    values = {k: v for k, v in sa_inspect(document).dict.items() if k in doc_table.c}
    conn = session.connection()
    run(conn, _insert_sql(doc_table), {**values, "change_tx": tx, "change_seq": seqs[0]})
    if lines:
        run(conn, _insert_sql(line_table),
            [{**row, "change_tx": tx, "change_seq": seq} for row, seq in zip(lines, seqs[1:], strict=True)])


#: The table of a document's lines.
LINES_OF: dict[str, Table] = {"quotes": QuoteLine.__table__, "orders": OrderLine.__table__}


_QUOTE_EXISTS_SQL = select(Quote.__table__.c.id).where(Quote.__table__.c.id == bindparam("id")).with_for_update()


def quote_save(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    pl = cmd.payload
    quote_id, customer_id = pl["quote_id"], pl["customer_id"]
    customer = customer_to_read(session, principal, customer_id)
    if customer.status == "blocked":
        raise Rejected("customer_blocked", "push.customer_blocked_quote", customer=customer.name)
    lines = parse_lines(pl.get("lines"))
    # most saves are of a new quote: a Core read of its key first (locking the row if there is
    # one), the ORM object only for a quote that exists (session.get was 6 % of a loaded worker)
    exists = run(session.connection(), _QUOTE_EXISTS_SQL, {"id": quote_id}).first() is not None
    quote = session.get(Quote, quote_id, with_for_update=True) if exists else None
    previous: dict[str, Decimal] = {}
    if quote is not None:
        customer_in_scope(session, principal, quote.customer_id,
                          unknown=Rejected("not_found", "push.quote_unknown", quote=quote_id[:40]))
        if quote.customer_id != customer_id:
            raise Rejected("invalid", "push.quote_moved")
        if not lifecycle.can_edit_quote(quote.status, _is_latest(session, quote)):
            raise Rejected("illegal_transition", "push.quote_not_editable", number=quote.number,
                           status=status_label("quote_status", quote.status))
        previous = {
            ln.product_id: ln.unit_price
            for ln in session.execute(select(QuoteLine).where(QuoteLine.quote_id == quote_id)).scalars()
        }
    priced = price_document(session, customer=customer, lines=lines, on=today(),
                            document_discount=pl.get("document_discount"))
    totals = priced.totals
    valid_until = pl.get("valid_until") or (
        today() + dt.timedelta(days=int(setting(session, "quote_validity_days", 30)))
    )
    now = utcnow()
    number_changed = False
    is_new = quote is None
    if is_new:
        number, accepted = assign_number(session, principal, "Q", pl.get("number"))
        number_changed = not accepted
        quote = Quote(
            id=quote_id,
            number=number,
            customer_id=customer_id,
            agent_id=principal.user_id,
            status=lifecycle.QuoteStatus.DRAFT.value,
            revision=1,
            currency="EUR",
            created_at=now,
        )
        # not added to the session: a new quote is written by _insert_document
    quote.document_discount = pl.get("document_discount")
    quote.notes = pl.get("notes")
    quote.customer_reference = pl.get("customer_reference")
    quote.valid_until, quote.priced_on, quote.updated_at = valid_until, today(), now
    quote.taxable_total, quote.vat_total = totals.taxable_total, totals.vat_total
    quote.grand_total = totals.grand_total
    if is_new:
        _insert_document(session, quote, [line_row("quote_id", quote_id, x) for x in priced.lines])
    else:
        session.flush()
        _write_lines(session, QuoteLine, "quote_id", quote_id, priced)
    if "expected" in pl:  # the agent says what it saw: compare with that
        changes = price_differences(pl, priced)
    else:  # an older client: compare with the quote as the server last priced it
        changes = [
            Message("push.price_changed", {"sku": x.sku, "now": x.unit_price, "was": previous[x.product_id]})
            for x in priced.lines
            if x.product_id in previous and previous[x.product_id] != x.unit_price
        ]
    repriced = bool(changes)
    server = _quote_public(quote, priced)
    if repriced or number_changed:
        reasons = list(changes)
        if number_changed:
            reasons.append(Message("push.quote_numbered", {"number": quote.number}))
        return changed(cmd, "price_changed" if repriced else "renumbered", reasons, server)
    return p.CommandResult(cmd.id, p.APPLIED, server=server)


def changed(cmd: p.Command, code: str, items: list[Message], server: dict[str, Any]) -> p.CommandResult:
    """A "changed" answer: what the server did differently, as messages."""
    message = Message("push.changes", {"items": items})
    return p.CommandResult(cmd.id, p.CHANGED, str(message), code, server, message.to_wire())


def _quote_status(session: Session, principal: Principal, cmd: p.Command, target: str) -> p.CommandResult:
    require_agent(principal)
    quote = _load_quote(session, principal, cmd.payload["quote_id"])
    reason = cmd.payload.get("reason")
    try:
        new = lifecycle.quote_transition(
            quote.status, target, lost_reason=reason, today=today(), valid_until=quote.valid_until
        )
    except lifecycle.TransitionError as exc:
        raise Rejected.of("illegal_transition", exc, "push.quote_transition", number=quote.number) from exc
    quote.status, quote.updated_at = new.value, utcnow()
    if reason and target in ("lost", "accepted"):
        quote.lost_reason = reason
    return p.CommandResult(cmd.id, p.APPLIED, server=_quote_public(quote))


def quote_send(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    return _quote_status(session, principal, cmd, "sent")


def quote_accept(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    return _quote_status(session, principal, cmd, "accepted")


def quote_lose(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    return _quote_status(session, principal, cmd, "lost")


def quote_revise(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    old = _load_quote(session, principal, cmd.payload["quote_id"])
    new_id = cmd.payload["new_quote_id"]
    if not lifecycle.can_revise_quote(old.status, _is_latest(session, old)):
        raise Rejected("illegal_transition", "push.quote_not_revisable", number=old.number,
                       status=status_label("quote_status", old.status))
    if session.get(Quote, new_id) is not None:
        raise Rejected("conflict", "push.quote_exists", quote=new_id[:40])
    number, accepted = assign_number(session, principal, "Q", cmd.payload.get("number"))
    now = utcnow()
    new = Quote(
        id=new_id,
        number=number,
        customer_id=old.customer_id,
        agent_id=principal.user_id,
        status="draft",
        revision=old.revision + 1,
        previous_revision_id=old.id,
        valid_until=lifecycle.revision_valid_until(
            old.valid_until, today(), int(setting(session, "quote_validity_days", 30))),
        currency=old.currency,
        document_discount=old.document_discount,
        notes=old.notes,
        customer_reference=old.customer_reference,
        taxable_total=old.taxable_total,
        vat_total=old.vat_total,
        grand_total=old.grand_total,
        created_at=now,
        updated_at=now,
        priced_on=old.priced_on,
    )
    session.add(new)
    for ln in session.execute(select(QuoteLine).where(QuoteLine.quote_id == old.id)).scalars():
        data = {c: getattr(ln, c) for c in p.STREAMS["quote_lines"].field_names}
        data.update(id=p.line_id(new_id, ln.line_no), quote_id=new_id)
        session.add(QuoteLine(**data))
    session.flush()
    server = _quote_public(new)
    if not accepted:
        return changed(cmd, "renumbered", [Message("push.revision_numbered", {"number": number})], server)
    return p.CommandResult(cmd.id, p.APPLIED, server=server)


# --------------------------------------------------------------------------- orders


def approval_policy(session: Session, principal: Principal) -> approval.ApprovalPolicy:
    policy = approval.ApprovalPolicy.from_settings(setting(session, "approval_policy", {}) or {})
    return policy.for_agent(
        max_line_discount=principal.max_line_discount, max_average_discount=principal.max_avg_discount
    )


def _honoured_quote(
    session: Session, principal: Principal, quote_id: str, customer_id: str
) -> tuple[Quote, dp.HonouredQuote]:
    quote = _load_quote(session, principal, quote_id)
    if quote.customer_id != customer_id:
        raise Rejected("invalid", "push.quote_other_customer", number=quote.number)
    ordered = session.execute(select(Order.number).where(
        Order.quote_id == quote.id, Order.status.not_in(("cancelled", "rejected"))).limit(1)).scalar()
    if ordered:
        raise Rejected("illegal_transition", "push.quote_already_ordered", number=quote.number, order=ordered)
    try:
        new_status = lifecycle.check_quote_conversion(
            quote.status,
            valid_until=quote.valid_until,
            today=today(),
            is_latest_revision=_is_latest(session, quote),
        )
    except lifecycle.TransitionError as exc:
        raise Rejected.of("illegal_transition", exc, "push.quote_transition", number=quote.number) from exc
    quote.status = new_status.value
    return quote, honoured_quote(session, number=quote.number, valid_until=quote.valid_until, quote_id=quote.id)


def order_submit(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    pl = cmd.payload
    order_id, customer_id = pl["order_id"], pl["customer_id"]
    customer = customer_in_scope(session, principal, customer_id, for_update=True)
    if customer.status == "blocked":
        raise Rejected("customer_blocked", "push.customer_blocked_order", customer=customer.name)
    if session.get(Order, order_id) is not None:
        raise Rejected("conflict", "push.order_exists", order=order_id[:40])
    lines = parse_lines(pl.get("lines"))
    if not lines:
        raise Rejected("invalid", "push.order_needs_lines")
    try:
        signature = check_signature(pl.get("signature"))
    except SignatureError as exc:
        raise Rejected.of("invalid", exc) from exc
    quote, honoured = (None, None)
    quote_id = pl.get("quote_id")
    if quote_id:
        quote, honoured = _honoured_quote(session, principal, quote_id, customer_id)
    on = today()
    priced = price_document(
        session, customer=customer, lines=lines, on=on, honoured=honoured,
        document_discount=pl.get("document_discount"),
        approval=dp.ApprovalInputs(policy=approval_policy(session, principal),
                                   credit=customer_credit(session, customer, on=on)))
    totals, reasons = priced.totals, priced.approval_reasons
    status = lifecycle.order_transition("submitted", "pending_approval" if reasons else "approved").value
    number, accepted = assign_number(session, principal, "O", pl.get("number"))
    now = utcnow()
    order = Order(
        id=order_id,
        number=number,
        customer_id=customer_id,
        agent_id=principal.user_id,
        quote_id=quote.id if quote else None,
        status=status,
        currency="EUR",
        document_discount=pl.get("document_discount"),
        notes=pl.get("notes"),
        customer_reference=pl.get("customer_reference"),
        taxable_total=totals.taxable_total,
        vat_total=totals.vat_total,
        grand_total=totals.grand_total,
        approval_reasons=[r.to_dict() for r in reasons] or None,
        signature=signature,
        created_at=now,
        updated_at=now,
        created_by=principal.user_id,
    )  # not added to the session: written by _insert_document
    session.flush()  # the honoured quote's change first, as before
    _insert_document(session, order, [{**line_row("order_id", order_id, x), "list_price": x.unit_price,
                                       "unit_cost": x.unit_cost} for x in priced.lines])
    audit(session, principal, "order.submit", "order", order_id,
          {"number": number, "status": status, "reasons": [r.message for r in reasons]})
    server = {
        "order_id": order_id,
        "number": number,
        "status": status,
        "taxable_total": str(totals.taxable_total),
        "vat_total": str(totals.vat_total),
        "grand_total": str(totals.grand_total),
        "approval_reasons": [r.to_dict() for r in reasons],
        "lines": [line_public(x) for x in priced.lines],
    }
    changes = price_differences(pl, priced)
    if not accepted:
        changes.append(Message("push.order_numbered", {"number": number}))
    if changes:
        code = "renumbered" if accepted is False and len(changes) == 1 else "price_changed"
        return changed(cmd, code, changes, server)
    return p.CommandResult(cmd.id, p.APPLIED, server=server)


def order_cancel(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    order_id = cmd.payload["order_id"]
    order = session.get(Order, order_id, with_for_update=True)
    if order is None:
        raise Rejected("not_found", "push.order_unknown", record=False, order=order_id[:40])
    customer_in_scope(session, principal, order.customer_id,
                      unknown=Rejected("not_found", "push.order_unknown", order=order_id[:40]))
    reason = cmd.payload.get("reason")
    try:
        order.status = lifecycle.order_transition(order.status, "cancelled").value
    except lifecycle.TransitionError as exc:
        raise Rejected.of("illegal_transition", exc, "push.order_transition", number=order.number) from exc
    order.decision_note, order.updated_at = reason, utcnow()
    audit(session, principal, "order.cancel", "order", order.id, {"reason": reason})
    return p.CommandResult(cmd.id, p.APPLIED, server={"order_id": order.id, "status": order.status})
