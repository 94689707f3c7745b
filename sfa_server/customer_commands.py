"""Push handlers for customer work: field-by-field customer edits, prospects, activities, deals."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from sfa_desktop.domain import lifecycle, prospects
from sfa_desktop.sync import protocol as p
from sfa_server.audit import audit
from sfa_server.commands import (
    Rejected,
    customer_in_scope,
    date_field,
    datetime_field,
    decimal_field,
    id_field,
    require_agent,
    text_field,
)
from sfa_server.deps import Principal
from sfa_server.models import Activity, Address, Customer, Deal, utcnow

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
_PHONE = re.compile(r"^[0-9+()./\- ]{5,30}$")
LANGUAGES = ("it", "en", "de", "fr", "es")
ACTIVITY_KINDS = ("visit", "call", "email", "meeting", "note", "task")


def _check_field(name: str, value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Rejected("invalid", f"{name} must be text")
    value = value.strip()
    if name == "email" and value and not _EMAIL.match(value):
        raise Rejected("invalid", f"{value[:60]!r} is not an e-mail address")
    if name == "phone" and value and not _PHONE.match(value):
        raise Rejected("invalid", f"{value[:40]!r} is not a phone number")
    if name == "language" and value not in LANGUAGES:
        raise Rejected("invalid", f"language must be one of {', '.join(LANGUAGES)}")
    if len(value) > 200 or "\x00" in value:
        raise Rejected("invalid", f"{name} is too long or contains invalid characters")
    return value or None


def customer_update(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    """Merge field by field against the values the agent started from; on a clash the office wins."""
    require_agent(principal)
    pl = cmd.payload
    customer = customer_in_scope(session, principal, id_field(pl, "customer_id"), for_update=True)
    base, changes = pl.get("base") or {}, pl.get("changes")
    if not isinstance(changes, dict) or not changes or not isinstance(base, dict):
        raise Rejected("invalid", "changes (and base) must be objects of field: value")
    bad = (set(changes) | set(base)) - p.CUSTOMER_EDITABLE
    if bad:
        raise Rejected(
            "forbidden",
            f"an agent cannot change {', '.join(sorted(bad))[:80]}; "
            f"editable: {', '.join(sorted(p.CUSTOMER_EDITABLE))}",
        )
    applied: dict[str, Any] = {}
    clashes: dict[str, Any] = {}
    for name, wanted in changes.items():
        wanted = _check_field(name, wanted)
        if name not in base:
            raise Rejected("invalid", f"base has no value for {name}: send the value you started from")
        current = getattr(customer, name)
        if current == wanted:
            continue
        if current == _check_field(name, base[name]) or (current is None and not base[name]):
            if name == "language" and wanted is None:
                raise Rejected("invalid", "language cannot be empty")
            setattr(customer, name, wanted)
            applied[name] = wanted
        else:
            clashes[name] = {"yours": wanted, "server": current}
    if applied:
        customer.row_version = (customer.row_version or 0) + 1
        audit(session, principal, "customer.update", "customer", customer.id, {"changes": applied})
    if clashes:
        names = ", ".join(sorted(clashes))
        return p.CommandResult(
            cmd.id,
            p.CHANGED,
            f"the office changed {names} of {customer.name} in the meantime: the office's value was kept",
            "conflict",
            {**clashes, "row_version": customer.row_version},
        )
    return p.CommandResult(cmd.id, p.APPLIED, server={"row_version": customer.row_version, **applied})


def prospect_create(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    pl = cmd.payload
    cid = id_field(pl, "customer_id")
    if session.get(Customer, cid) is not None:
        raise Rejected("conflict", f"customer {cid[:40]} already exists")
    name = text_field(pl, "name", required=True, max_len=500)
    try:
        vat = prospects.validate_vat_number(pl["vat_number"]) if pl.get("vat_number") else None
        tax = prospects.validate_tax_code(pl["tax_code"]) if pl.get("tax_code") else None
    except (ValueError, TypeError) as exc:
        raise Rejected("invalid", str(exc)) from exc
    customer = Customer(
        id=cid,
        name=name,
        vat_number=vat,
        tax_code=tax,
        segment=text_field(pl, "segment"),
        status="prospect",
        credit_limit=Decimal(0),
        balance=Decimal(0),
        overdue_amount=Decimal(0),
        language="it",
        agent_id=principal.user_id,
        phone=_check_field("phone", pl.get("phone")),
        email=_check_field("email", pl.get("email")),
        city=text_field(pl, "city"),
        row_version=1,
    )
    session.add(customer)
    street, city = text_field(pl, "street", max_len=300), text_field(pl, "city")
    if street and city:
        session.add(
            Address(
                id=f"{cid}-billing",
                customer_id=cid,
                kind="billing",
                street=street,
                city=city,
                postal_code=text_field(pl, "postal_code", max_len=20),
                province=text_field(pl, "province", max_len=10),
                country="IT",
            )
        )
    audit(session, principal, "prospect.create", "customer", cid, {"name": name})
    return p.CommandResult(cmd.id, p.APPLIED, server={"customer_id": cid, "status": "prospect"})


def activity_log(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    pl = cmd.payload
    aid = id_field(pl, "activity_id")
    customer = customer_in_scope(session, principal, id_field(pl, "customer_id"))
    kind = text_field(pl, "kind", required=True, max_len=40)
    if kind not in ACTIVITY_KINDS:
        raise Rejected("invalid", f"kind must be one of {', '.join(ACTIVITY_KINDS)}")
    occurred = datetime_field(pl, "occurred_at") or utcnow()
    activity = session.get(Activity, aid)
    if activity is not None and activity.agent_id != principal.user_id:
        raise Rejected("conflict", f"activity {aid[:40]} already exists")
    if activity is None:
        activity = Activity(id=aid, agent_id=principal.user_id)
        session.add(activity)
    activity.customer_id, activity.kind = customer.id, kind
    activity.subject = text_field(pl, "subject", required=True, max_len=500)
    activity.notes, activity.occurred_at = text_field(pl, "notes", max_len=10000), occurred
    return p.CommandResult(cmd.id, p.APPLIED, server={"activity_id": aid})


def deal_save(session: Session, principal: Principal, cmd: p.Command) -> p.CommandResult:
    require_agent(principal)
    pl = cmd.payload
    did = id_field(pl, "deal_id")
    customer = customer_in_scope(session, principal, id_field(pl, "customer_id"))
    stage = text_field(pl, "stage", required=True, max_len=40)
    amount = decimal_field(pl, "amount")
    if amount is not None and amount < 0:
        raise Rejected("invalid", "amount cannot be negative")
    deal = session.get(Deal, did, with_for_update=True)
    if deal is not None:
        customer_in_scope(session, principal, deal.customer_id)
        if deal.stage != stage:
            try:
                lifecycle.deal_transition(deal.stage, stage, lost_reason=text_field(pl, "title"))
            except (lifecycle.TransitionError, ValueError) as exc:
                raise Rejected("illegal_transition", f"deal {deal.title}: {exc}") from exc
    else:
        try:
            lifecycle.DealStage(stage)
        except ValueError as exc:
            raise Rejected("invalid", f"unknown deal stage {stage[:40]!r}") from exc
        deal = Deal(id=did, agent_id=principal.user_id)
        session.add(deal)
    deal.customer_id, deal.stage = customer.id, stage
    deal.title = text_field(pl, "title", required=True, max_len=500)
    deal.amount, deal.expected_close = amount, date_field(pl, "expected_close")
    deal.updated_at = utcnow()
    return p.CommandResult(cmd.id, p.APPLIED, server={"deal_id": did, "stage": stage})
