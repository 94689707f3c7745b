"""Shared pieces of push command handling: the rejection type, settings and scope checks.

Payload values arrive decoded and validated by the protocol's command specs (types, lengths, no
NUL or broken Unicode); handlers check only business rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from sfa_desktop.domain.messages import Message, UserError, format_message
from sfa_server.deps import Principal
from sfa_server.direct_sql import run
from sfa_server.models import Customer, Setting


class Rejected(Exception):
    """A business rejection: the command is answered "rejected" and nothing is written.

    `code` is the machine code the client acts on; `message` (a message code and its parameters)
    says why in the agent's words. record=False: the answer is not stored (the command may succeed
    when retried later).
    """

    def __init__(self, code: str, message: str | Message, *, record: bool = True, **params: Any) -> None:
        self.message = message if isinstance(message, Message) else Message(message, params)
        self.code, self.record = code, record
        self.reason = format_message(self.message, "en")
        super().__init__(self.reason)

    @classmethod
    def of(cls, code: str, error: UserError, wrapper: str | None = None, **params: Any) -> Rejected:
        """A domain error (its message) as a rejection, optionally inside a wrapping message."""
        if wrapper is None:
            return cls(code, error.message)
        return cls(code, wrapper, error=error.message, **params)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


_SETTING_SQL = select(Setting.__table__.c.value).where(Setting.__table__.c.id == bindparam("key"))


def setting(session: Session, key: str, default: Any = None) -> Any:
    # a Core statement built once: a push reads a setting, and session.get costs 2.3x its CPU
    row = run(session.connection(), _SETTING_SQL, {"key": key}).first()
    return default if row is None or row.value is None else row.value


def require_agent(principal: Principal) -> None:
    if not principal.is_agent:
        raise Rejected("forbidden", "push.not_an_agent")


_CUSTOMER_SQL = select(Customer.__table__).where(Customer.__table__.c.id == bindparam("id"))


def customer_to_read(session: Session, principal: Principal, customer_id: str) -> Any:
    """customer_in_scope for a handler that only reads the customer (prices a quote): a Core row
    with the same attributes, without an ORM object's loading cost (a push's hottest read)."""
    return _in_scope(run(session.connection(), _CUSTOMER_SQL, {"id": customer_id}).first(), principal,
                     customer_id, None)


def customer_in_scope(
    session: Session, principal: Principal, customer_id: str, *, for_update: bool = False,
    unknown: Rejected | None = None,
) -> Customer:
    """The customer when the caller may see it, else a rejection as for an unknown one.

    `unknown`: the rejection to raise instead, when the caller named another row (a document, an
    activity) and the customer id is the server's: it must never be told to someone outside the scope.
    """
    return _in_scope(session.get(Customer, customer_id, with_for_update=for_update), principal, customer_id,
                     unknown)


def _in_scope(customer: Any, principal: Principal, customer_id: str, unknown: Rejected | None) -> Any:
    # a customer outside the scope is answered like an unknown one: ids of others are not confirmed
    if customer is None or (principal.scope_agent and customer.agent_id != principal.scope_agent):
        raise unknown or Rejected("not_found", "push.customer_unknown", customer=customer_id[:40])
    return customer
