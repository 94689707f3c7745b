"""Shared pieces of push command handling: the rejection type and payload value checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from sfa_server.deps import Principal
from sfa_server.models import Customer, Setting


class Rejected(Exception):
    """A business rejection: the command is answered "rejected" and nothing is written.
    record=False: the answer is not stored (the command may succeed when retried later)."""

    def __init__(self, code: str, reason: str, *, record: bool = True) -> None:
        super().__init__(reason)
        self.code, self.reason, self.record = code, reason, record


def text_field(
    payload: dict, name: str, *, required: bool = False, max_len: int = 200, where: str = ""
) -> str | None:
    v = payload.get(name)
    if v is None or (isinstance(v, str) and not v.strip() and not required):
        if required:
            raise Rejected("invalid", f"{where}{name} is required")
        return None
    if not isinstance(v, str):
        raise Rejected("invalid", f"{where}{name} must be text")
    v = v.strip()
    if required and not v:
        raise Rejected("invalid", f"{where}{name} is required")
    if len(v) > max_len:
        raise Rejected("invalid", f"{where}{name} is longer than {max_len} characters")
    if "\x00" in v:
        raise Rejected("invalid", f"{where}{name} contains a NUL character")
    return v


def id_field(payload: dict, name: str) -> str:
    v = text_field(payload, name, required=True, max_len=100)
    assert v is not None
    return v


def decimal_field(payload: dict, name: str, *, where: str = "", required: bool = False) -> Decimal | None:
    v = payload.get(name)
    if v is None:
        if required:
            raise Rejected("invalid", f"{where}{name} is required")
        return None
    if isinstance(v, bool) or not isinstance(v, (str, int)):
        raise Rejected("invalid", f'{where}{name} must be a decimal number written as text, e.g. "12.5"')
    try:
        d = Decimal(str(v).strip())
    except InvalidOperation as exc:
        raise Rejected("invalid", f"{where}{name} {str(v)[:30]!r} is not a number") from exc
    if not d.is_finite() or abs(d) > Decimal("1e12"):
        raise Rejected("invalid", f"{where}{name} {str(v)[:30]!r} is not a plausible number")
    return d


def date_field(payload: dict, name: str) -> dt.date | None:
    v = payload.get(name)
    if v is None:
        return None
    try:
        return dt.date.fromisoformat(v) if isinstance(v, str) else _bad_date(name)
    except ValueError as exc:
        raise Rejected("invalid", f"{name} {str(v)[:30]!r} is not a date (YYYY-MM-DD)") from exc


def _bad_date(name: str) -> dt.date:
    raise Rejected("invalid", f"{name} must be a date written YYYY-MM-DD")


def datetime_field(payload: dict, name: str) -> dt.datetime | None:
    v = payload.get(name)
    if v is None:
        return None
    if not isinstance(v, str):
        raise Rejected("invalid", f"{name} must be an ISO date-time with time zone")
    try:
        value = dt.datetime.fromisoformat(v)
    except ValueError as exc:
        raise Rejected("invalid", f"{name} {v[:40]!r} is not an ISO date-time") from exc
    if value.tzinfo is None:
        raise Rejected("invalid", f"{name} needs a time zone (e.g. 2026-05-04T10:00:00+02:00)")
    return value.astimezone(dt.UTC)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None or row.value is None else row.value


def require_agent(principal: Principal) -> None:
    if not principal.is_agent:
        raise Rejected(
            "forbidden", "only agents send sales commands; office changes go through the office screens"
        )


def customer_in_scope(
    session: Session, principal: Principal, customer_id: str, *, for_update: bool = False
) -> Customer:
    customer = session.get(Customer, customer_id, with_for_update=for_update)
    # a customer outside the scope is answered like an unknown one: ids of others are not confirmed
    if customer is None or (principal.scope_agent and customer.agent_id != principal.scope_agent):
        raise Rejected("not_found", f"customer {customer_id[:40]} is unknown or not one of yours")
    return customer
