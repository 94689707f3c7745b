"""Sync state kept in the replica: the pull cursor, last outcome, device id, refresh token.

All of it lives in the encrypted replica, so the refresh token is never on disk in plain text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sfa_desktop.domain.messages import N_, Message, register
from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.models import LocalSetting, SyncCursor, Update
from sfa_desktop.sync.events import Decision

REFRESH_TOKEN_KEY = "sync.refresh_token"  # noqa: S105 - a setting name, not a secret
DEVICE_ID_KEY = "sync.device_id"
LAST_VERIFIED_KEY = "sync.last_verified_at"
SERVER_URL_KEY = "sync.server_url"
USER_KEY = "sync.username"


def read_cursor(session: Session) -> SyncCursor | None:
    return session.get(SyncCursor, 1)


def write_cursor(conn: Connection, cursor: str | None) -> None:
    """Store the cursor in the caller's transaction (the one that applied the page)."""
    table = SyncCursor.__table__
    stmt = sqlite_insert(table).values(id=1, cursor=cursor)
    conn.execute(stmt.on_conflict_do_update(index_elements=[table.c.id], set_={"cursor": cursor}))


def record_outcome(session: Session, *, success_at: dt.datetime | None, error: Message | None) -> None:
    row = session.get(SyncCursor, 1)
    if row is None:
        row = SyncCursor(id=1, cursor=None)
        session.add(row)
    if success_at is not None:
        row.last_success_at = success_at
    row.last_error = None if error is None else error.to_wire()


register({
    "update.order_approved": N_("Order {number} was approved by {by}."),
    "update.order_approved_note": N_("Order {number} was approved by {by}: \u201c{note}\u201d"),
    "update.order_rejected": N_("Order {number} was rejected by {by}: \u201c{note}\u201d"),
})


def decision_message(decision: Decision) -> Message:
    by = decision.decided_by or "—"
    if decision.status == "approved":
        if decision.note:
            return Message("update.order_approved_note", {"number": decision.number, "by": by, "note": decision.note})
        return Message("update.order_approved", {"number": decision.number, "by": by})
    return Message("update.order_rejected", {"number": decision.number, "by": by, "note": decision.note or ""})


def record_decisions(session: Session, decisions: list[Decision], *, at: dt.datetime) -> None:
    """Each office decision becomes an entry of the agent's updates list (unseen)."""
    for decision in decisions:
        session.add(Update(id=str(uuid.uuid4()), at=at, kind=f"order_{decision.status}", stream="orders",
                           row_id=decision.order_id, message=decision_message(decision).to_wire()))


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(LocalSetting, key)
    return default if row is None else row.value


def set_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(LocalSetting, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(LocalSetting(key=key, value=value))
    else:
        row.value = value


def device_id(replica: Replica) -> str:
    """This installation's device id, made once and kept in the replica."""
    with replica.session(write=True) as session:
        value = get_setting(session, DEVICE_ID_KEY)
        if not isinstance(value, str):
            value = str(uuid.uuid4())
            set_setting(session, DEVICE_ID_KEY, value)
        return value


class ReplicaTokenStore:
    """Keeps the refresh token inside the encrypted replica (never a plain file)."""

    def __init__(self, replica: Replica) -> None:
        self._replica = replica
        self._cached: str | None = None
        self._loaded = False

    def load_refresh_token(self) -> str | None:
        if not self._loaded:
            with self._replica.session() as session:
                value = get_setting(session, REFRESH_TOKEN_KEY)
            self._cached = value if isinstance(value, str) else None
            self._loaded = True
        return self._cached

    def save_refresh_token(self, token: str | None) -> None:
        with self._replica.session(write=True) as session:
            set_setting(session, REFRESH_TOKEN_KEY, token)
        self._cached, self._loaded = token, True


def stored_value(session: Session, key: str) -> Any:
    return session.scalar(select(LocalSetting.value).where(LocalSetting.key == key))
