"""Push handlers for customer work: field-by-field customer edits, prospects, activities, deals."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from sfa_desktop.domain import agenda, lifecycle, prospects
from sfa_desktop.domain.messages import Message
from sfa_desktop.sync import protocol as p
from sfa_server import crm_commands
from sfa_server import prospects as prospect_reviews
from sfa_server.audit import audit
from sfa_server.commands import Rejected, customer_in_scope, require_agent, today
from sfa_server.deps import Principal
from sfa_server.models import Activity, Address, Customer, Deal, utcnow

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
_PHONE = re.compile(r"^[0-9+()./\- ]{5,30}$")
LANGUAGES = ("it", "en", "de", "fr", "es")
ACTIVITY_KINDS = tuple(agenda.ActivityKind)


def _check_field(name: str, value: Any) -> Any:
    """A customer field an agent sends (already decoded text or None): its format checked."""
    if value is None:
        return None
    if name == "email" and not _EMAIL.match(value):
        raise Rejected("invalid", "push.email_invalid", value=value[:60])
    if name == "phone" and not _PHONE.match(value):
        raise Rejected("invalid", "push.phone_invalid", value=value[:40])
    if name == "language" and value not in LANGUAGES:
        raise Rejected("invalid", "push.language_invalid", allowed=list(LANGUAGES))
    return value


def customer_update(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    """Merge field by field against the values the agent started from; on a clash the office wins."""
    require_agent(principal)
    pl = cmd.payload
    customer = customer_in_scope(session, principal, pl["customer_id"], for_update=True)
    base, changes = pl.get("base") or {}, pl.get("changes")
    if not changes:
        raise Rejected("invalid", "push.required", field="changes")
    applied: dict[str, Any] = {}
    clashes: dict[str, Any] = {}
    for name, wanted in changes.items():
        wanted = _check_field(name, wanted)
        if name not in base:
            raise Rejected("invalid", "push.base_missing", field=name)
        current = getattr(customer, name)
        if current == wanted:
            continue
        if current == _check_field(name, base[name]) or (current is None and not base[name]):
            if name == "language" and wanted is None:
                raise Rejected("invalid", "push.language_empty")
            setattr(customer, name, wanted)
            applied[name] = wanted
        else:
            clashes[name] = {"yours": wanted, "server": current}
    if applied:
        customer.row_version = (customer.row_version or 0) + 1
        audit(session, principal, "customer.update", "customer", customer.id, {"changes": applied})
    if clashes:
        message = Message("push.office_kept", {"fields": sorted(clashes), "customer": customer.name})
        return p.CommandResult(cmd.id, p.CHANGED, str(message), "conflict",
                               {**clashes, "row_version": customer.row_version}, message.to_wire())
    return p.CommandResult(cmd.id, p.APPLIED, server={"row_version": customer.row_version, **applied})


def prospect_create(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    pl = cmd.payload
    cid = pl["customer_id"]
    if session.get(Customer, cid) is not None:
        raise Rejected("conflict", "push.customer_exists", customer=cid[:40])
    name = pl.get("name")
    if not name:
        raise Rejected("invalid", "push.required", field="name")
    try:
        vat = prospects.validate_vat_number(pl["vat_number"]) if pl.get("vat_number") else None
        tax = prospects.validate_tax_code(pl["tax_code"]) if pl.get("tax_code") else None
    except prospects.IdentifierError as exc:
        raise Rejected.of("invalid", exc) from exc
    customer = Customer(
        id=cid,
        name=name,
        vat_number=vat,
        tax_code=tax,
        segment=pl.get("segment"),
        status="prospect",
        credit_limit=Decimal(0),
        balance=Decimal(0),
        overdue_amount=Decimal(0),
        language="it",
        agent_id=principal.user_id,
        phone=_check_field("phone", pl.get("phone")),
        email=_check_field("email", pl.get("email")),
        city=pl.get("city"),
        row_version=1,
    )
    session.add(customer)
    street, city = pl.get("street"), pl.get("city")
    if street and city:
        session.add(
            Address(
                id=f"{cid}-billing",
                customer_id=cid,
                kind="billing",
                street=street,
                city=city,
                postal_code=pl.get("postal_code"),
                province=pl.get("province"),
                country="IT",
            )
        )
    audit(session, principal, "prospect.create", "customer", cid, {"name": name})
    # the office reviews every prospect; what it matched stays on the server (the agent is not told
    # whether, let alone which, customers of others look alike)
    prospect_reviews.open_review(session, customer=customer)
    return p.CommandResult(cmd.id, p.APPLIED, server={"customer_id": cid, "status": "prospect"})


def activity_log(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    pl = cmd.payload
    aid = pl["activity_id"]
    customer = customer_in_scope(session, principal, pl["customer_id"])
    kind = pl.get("kind")
    if kind not in ACTIVITY_KINDS:
        raise Rejected("invalid", "push.activity_kind", allowed=list(ACTIVITY_KINDS))
    occurred = pl.get("occurred_at") or utcnow()
    # an older client logged a future visit to plan it: it goes in the agenda, not among the done
    planned = occurred > utcnow() + agenda.CLOCK_TOLERANCE and not any(
        pl.get(k) for k in ("outcome", "next_action", "next_action_at"))
    if not planned:
        crm_commands.check_outcome(pl, done_at=occurred)
    activity = session.get(Activity, aid)
    if activity is not None and activity.agent_id != principal.user_id:
        raise Rejected("conflict", "push.activity_exists", activity=aid[:40])
    if activity is None:
        activity = Activity(id=aid, agent_id=principal.user_id)
        session.add(activity)
    activity.customer_id, activity.kind = customer.id, kind
    if not pl.get("subject"):
        raise Rejected("invalid", "push.required", field="subject")
    activity.subject = pl["subject"]
    activity.notes = pl.get("notes")
    if planned:
        activity.planned_at = activity.occurred_at = occurred
    else:
        crm_commands.set_outcome(activity, pl, done_at=occurred)
    return p.CommandResult(cmd.id, p.APPLIED, server={"activity_id": aid})


def deal_save(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    pl = cmd.payload
    did = pl["deal_id"]
    customer = customer_in_scope(session, principal, pl["customer_id"])
    stage = pl.get("stage")
    if not stage:
        raise Rejected("invalid", "push.required", field="stage")
    if not pl.get("title"):
        raise Rejected("invalid", "push.required", field="title")
    amount = pl.get("amount")
    if amount is not None and (amount < 0 or amount > Decimal("1e12")):
        raise Rejected("invalid", "push.amount_negative")
    deal = session.get(Deal, did, with_for_update=True)
    previous = None
    if deal is not None:
        customer_in_scope(session, principal, deal.customer_id,
                          unknown=Rejected("not_found", "push.deal_unknown", deal=did[:40]))
        previous = deal.stage
        if deal.stage != stage:
            try:
                lifecycle.deal_transition(deal.stage, stage, lost_reason=pl.get("close_reason"),
                                          offer_made=crm_commands.offer_made(session, deal),
                                          expected_close=pl.get("expected_close"), today=today())
            except lifecycle.TransitionError as exc:
                raise Rejected.of("illegal_transition", exc, "push.deal_transition", title=deal.title) from exc
    else:
        try:
            first = lifecycle.DealStage(stage)
        except ValueError as exc:
            raise Rejected("invalid", "push.deal_stage_unknown", stage=stage[:40]) from exc
        if first in lifecycle.NEEDS_OFFER_DEAL_STAGES or first is lifecycle.DealStage.CHIUSO_PERSO or (
                first is lifecycle.DealStage.RINVIO):
            # a new deal starts where the rules let a deal arrive from its first contact
            try:
                lifecycle.deal_transition("contatto", first, lost_reason=pl.get("close_reason"),
                                          expected_close=pl.get("expected_close"), today=today())
            except lifecycle.TransitionError as exc:
                raise Rejected.of("illegal_transition", exc, "push.deal_transition", title=pl["title"]) from exc
        deal = Deal(id=did, agent_id=principal.user_id)
        session.add(deal)
    if previous != stage:
        crm_commands.record_stage(deal, stage, previous=previous, at=pl.get("stage_changed_at"),
                                  reason=pl.get("close_reason"))
    deal.customer_id, deal.stage = customer.id, stage
    deal.title = pl["title"]
    deal.amount, deal.expected_close = amount, pl.get("expected_close")
    deal.close_reason = pl.get("close_reason")
    deal.updated_at = utcnow()
    return p.CommandResult(cmd.id, p.APPLIED, server=crm_commands.deal_server_values(deal))
