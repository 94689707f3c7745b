"""The agent's customers offline: edit the fields an agent may change, bring in a new prospect.

Edits are merged field by field on the server against the values the agent started from (the office
wins a clash; the conflict inbox shows both values). A prospect is checked for duplicates before it
is saved; the server checks again against every customer and tells the office.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain import prospects
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.models import Address, Customer
from sfa_desktop.operations.errors import InvalidInputError, NotFoundError, PossibleDuplicateError
from sfa_desktop.operations.texts import clean_text, field_name
from sfa_desktop.sync import outbox, protocol

#: Fields an agent may change offline (the protocol's list) and the languages a customer may have.
EDITABLE = protocol.CUSTOMER_EDITABLE
LANGUAGES = ("it", "en")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,}$")
_PHONE = re.compile(r"^[0-9+()./\- ]{5,30}$")


def _check(name: str, value: str | None) -> str | None:
    value = clean_text(value, name, 200)
    if value is None:
        return None
    if name == "email" and not _EMAIL.match(value):
        raise InvalidInputError("op.email_invalid", value=value[:60])
    if name == "phone" and not _PHONE.match(value):
        raise InvalidInputError("op.phone_invalid", value=value[:40])
    if name == "language" and value not in LANGUAGES:
        raise InvalidInputError("op.language_invalid")
    return value


def edit_customer(session: Session, *, customer_id: str, changes: Mapping[str, str | None]) -> Changes:
    """Change phone, e-mail, segment, payment terms or language; queue customer.update with the values
    the agent started from, so the server merges field by field."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFoundError("op.customer_unknown")
    refused = sorted(set(changes) - EDITABLE)
    if refused:
        raise InvalidInputError("op.field_not_editable", field=field_name(refused[0]))
    wanted = {name: _check(name, value) for name, value in changes.items()}
    if wanted.get("language", "it") is None:
        raise InvalidInputError("op.language_invalid")
    base = {name: getattr(customer, name) for name in wanted}
    changed = {name: value for name, value in wanted.items() if value != base[name]}
    if not changed:
        return Changes()
    # The base is the value this edit started from; an earlier unsent edit is applied first on the
    # server, so its result is what this one changes.
    for name, value in changed.items():
        setattr(customer, name, value)
    customer.dirty = True
    outbox.enqueue(session, type="customer.update", payload={
        "customer_id": customer.id, "base": {n: base[n] for n in changed}, "changes": changed})
    return Changes.of("customers", customer.id, outbox=True, created=customer.id)


@dataclass(frozen=True)
class ProspectDraft:
    """What the agent types for a new prospect."""

    name: str
    vat_number: str | None = None
    tax_code: str | None = None
    phone: str | None = None
    email: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    province: str | None = None
    segment: str | None = None


@dataclass(frozen=True)
class DuplicateMatch:
    """A customer of the replica that may be the same company, and why."""

    customer_id: str
    name: str
    city: str | None
    score: float
    reasons: tuple[str, ...]


def _validated(draft: ProspectDraft) -> ProspectDraft:
    name = clean_text(draft.name, "name", 500)
    if not name:
        raise InvalidInputError("op.name_required")
    try:
        vat = prospects.validate_vat_number(draft.vat_number) if (draft.vat_number or "").strip() else None
        tax = prospects.validate_tax_code(draft.tax_code) if (draft.tax_code or "").strip() else None
    except prospects.IdentifierError as error:
        raise InvalidInputError(error.message) from error
    return ProspectDraft(
        name=name, vat_number=vat, tax_code=tax, phone=_check("phone", draft.phone),
        email=_check("email", draft.email), street=clean_text(draft.street, "street", 300),
        postal_code=clean_text(draft.postal_code, "postal_code", 20), city=clean_text(draft.city, "city", 200),
        province=(clean_text(draft.province, "province", 10) or "").upper() or None,
        segment=clean_text(draft.segment, "segment", 200))


def find_prospect_duplicates(session: Session, draft: ProspectDraft) -> list[DuplicateMatch]:
    """Customers of this computer that may be the prospect (same VAT or tax code, similar name, phone,
    e-mail), best first: shown before saving."""
    draft = _validated(draft)
    wanted = prospects.CustomerSummary("", draft.name, draft.vat_number, draft.tax_code, draft.phone,
                                       draft.email, draft.city)
    rows = session.execute(select(Customer.id, Customer.name, Customer.vat_number, Customer.tax_code,
                                  Customer.phone, Customer.email, Customer.city))
    by_id = {}
    summaries = []
    for row in rows:
        by_id[row.id] = row
        summaries.append(prospects.CustomerSummary(row.id, row.name, row.vat_number, row.tax_code, row.phone,
                                                   row.email, row.city))
    return [DuplicateMatch(c.customer_id, by_id[c.customer_id].name, by_id[c.customer_id].city, c.score,
                           c.reasons)
            for c in prospects.find_duplicates(wanted, summaries)]


def create_prospect(session: Session, *, draft: ProspectDraft, confirmed: bool = False,
                    customer_id: str | None = None) -> Changes:
    """Save a new prospect offline and queue prospect.create.

    Probable duplicates stop the save (PossibleDuplicateError lists them) unless the agent confirmed
    it is a different company (`confirmed=True`).
    """
    draft = _validated(draft)
    matches = find_prospect_duplicates(session, draft)
    if matches and not confirmed:
        raise PossibleDuplicateError(matches)
    cid = customer_id or str(uuid.uuid4())
    session.add(Customer(id=cid, name=draft.name, vat_number=draft.vat_number, tax_code=draft.tax_code,
                         segment=draft.segment, status="prospect", credit_limit=0, balance=0, overdue_amount=0,
                         language="it", phone=draft.phone, email=draft.email, city=draft.city, row_version=1,
                         dirty=True))
    if draft.street and draft.city:
        session.add(Address(id=f"{cid}-billing", customer_id=cid, kind="billing", street=draft.street,
                            city=draft.city, postal_code=draft.postal_code, province=draft.province,
                            country="IT"))
    session.flush()
    payload = {"customer_id": cid, "name": draft.name, "vat_number": draft.vat_number, "tax_code": draft.tax_code,
               "phone": draft.phone, "email": draft.email, "city": draft.city, "street": draft.street,
               "postal_code": draft.postal_code, "province": draft.province, "segment": draft.segment}
    outbox.enqueue(session, type="prospect.create", payload={k: v for k, v in payload.items() if v is not None})
    return Changes({"customers": frozenset({cid}), "addresses": frozenset()}, outbox=True, created=cid)
