"""Request dependencies in one place: database sessions and the authenticated caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from sfa_desktop.sync.protocol import safe_text
from sfa_server.direct_sql import read_alone
from sfa_server.models import Device, ServerSecret, User
from sfa_server.tokens import TokenError, read_access_token


class ApiError(HTTPException):
    """An HTTP error with a machine code next to the message: {"detail": ..., "code": ...}."""

    def __init__(self, status: int, detail: str, code: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        # the detail may quote the request: never a text the answer cannot encode
        super().__init__(status_code=status, detail=safe_text(detail), headers=headers)
        self.code = code


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user_id: str
    username: str
    role: str
    agent_code: str | None
    device_id: str
    max_line_discount: Decimal | None
    max_avg_discount: Decimal | None
    number_block: tuple[int, int]

    @property
    def is_agent(self) -> bool:
        return self.role == "agent"

    @property
    def scope_agent(self) -> str | None:
        """The agent whose scope bounds this caller (None: office and admin see everything)."""
        return self.user_id if self.role == "agent" else None


async def get_sessions(request: Request) -> sessionmaker[Session]:
    # async: FastAPI runs a plain def dependency on a worker thread, a hand-off per request for an
    # attribute read (the endpoints and get_principal, which use the database, stay on threads)
    return request.app.state.sessions


Sessions = Annotated[sessionmaker[Session], Depends(get_sessions)]


def token_secret(sessions: sessionmaker[Session], state: object | None = None) -> str:
    """The signing key lives in the database (every worker agrees); a worker may keep a copy."""
    from sfa_server.db import TOKEN_SECRET

    cached = getattr(state, "token_secret", None)
    if cached:
        return cached
    with sessions() as session:
        row = session.get(ServerSecret, TOKEN_SECRET)
        if row is None:
            raise ApiError(503, "The server is not initialised: run 'sfa-server init'.", "not_initialised")
        if state is not None:
            state.token_secret = row.value
        return row.value


def get_principal(request: Request, sessions: Sessions) -> Principal:
    return principal_of(request.headers.get("authorization", ""), sessions, request.app.state)


def principal_of(header: str, sessions: sessionmaker[Session], state: object) -> Principal:
    """The caller of a request with this Authorization header (ApiError 401 if there is none).

    The dependency above and the sync routes' short path (sfa_server.sync_path) both call it."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "Sign in first: this request needs an access token.", "not_authenticated")
    try:
        claims = read_access_token(token_secret(sessions, state), token.strip())
    except TokenError as exc:
        raise ApiError(
            401, f"The access token is not valid ({exc}): refresh it or sign in again.", "invalid_token"
        ) from exc
    engine = sessions.kw["bind"]
    # one statement, not two ORM loads, outside any transaction (no BEGIN and COMMIT round trips):
    # under load every round trip to the database counts
    row = read_alone(engine, _PRINCIPAL_SQL, {"device_id": claims.device_id, "user_id": claims.user_id}).first()
    if row is None:
        raise ApiError(401, "Unknown device or user: sign in again.", "invalid_token")
    if row.revoked_at is not None:
        raise ApiError(
            401,
            "This device was revoked by an administrator: its local data must be wiped.",
            "device_revoked",
        )
    if not row.active:
        raise ApiError(401, "This account is disabled.", "user_disabled")
    if revoked_since(row.tokens_revoked_at, claims.issued_ms):
        raise ApiError(401, "This session was closed (signed out, or its refresh token was used twice): "
                       "sign in again.", "invalid_token")
    now = dt.datetime.now(dt.UTC)
    last = row.last_seen_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    if last is None or (now - last).total_seconds() > 60:  # the rare last-seen update: committed at once
        with engine.begin() as conn:
            conn.execute(update(Device.__table__).where(_D.id == row.id).values(last_seen_at=now))
    return Principal(
        row.user_id,
        row.username,
        row.role,
        row.agent_code,
        row.id,
        row.max_line_discount,
        row.max_avg_discount,
        (row.number_block_start, row.number_block_end),
    )


_D, _U = Device.__table__.c, User.__table__.c
#: The caller's device and user in one read (no row: unknown device, unknown user, or not theirs).
_PRINCIPAL_SQL = (
    select(_D.id, _D.user_id, _D.revoked_at, _D.tokens_revoked_at, _D.last_seen_at, _D.number_block_start,
           _D.number_block_end, _U.username, _U.role, _U.agent_code, _U.max_line_discount, _U.max_avg_discount,
           _U.active)
    .join_from(Device.__table__, User.__table__, _U.id == _D.user_id)
    .where(_D.id == bindparam("device_id"), _U.id == bindparam("user_id"))
)


def tokens_revoked(device: Device, issued_ms: int) -> bool:
    """Whether an access token issued at `issued_ms` predates the device's last revocation.

    The device row is read for every request anyway (revoked device, last seen), so refusing the
    tokens of a closed session costs no query: one column compared (get_principal reads it in the
    same statement as the user)."""
    return revoked_since(device.tokens_revoked_at, issued_ms)


def revoked_since(revoked: dt.datetime | None, issued_ms: int) -> bool:
    """Whether a token issued at `issued_ms` is at or before the revocation time `revoked`."""
    if revoked is None:
        return False
    if revoked.tzinfo is None:
        revoked = revoked.replace(tzinfo=dt.UTC)
    return issued_ms <= int(revoked.timestamp() * 1000)


CurrentUser = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: str):
    async def check(principal: CurrentUser) -> Principal:  # no I/O: on the event loop, no thread hand-off
        if principal.role not in roles:
            raise ApiError(403, f"This needs the {' or '.join(roles)} role.", "forbidden")
        return principal

    return check


OfficeUser = Annotated[Principal, Depends(require_roles("office", "admin"))]
AdminUser = Annotated[Principal, Depends(require_roles("admin"))]
