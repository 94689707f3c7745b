"""Sign-in routes: login (registers the device), refresh-token rotation, logout; brute-force limits."""

from __future__ import annotations

import datetime as dt
import logging
import math
import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from sfa_server.accounts import register_device, verify_password
from sfa_server.api_schema import BODY_ERRORS, UUID_PATTERN, errors
from sfa_server.deps import ApiError, CurrentUser, Sessions, token_secret
from sfa_server.models import AuditEntry, Device, LoginAttempt, RefreshToken, User
from sfa_server.tokens import (
    ACCESS_TTL,
    REFRESH_GRACE,
    REFRESH_TTL,
    hash_refresh_token,
    issue_access_token,
    new_refresh_token,
    successor_refresh_token,
)

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])

#: Failed sign-ins are remembered this long (and per username only since its last success).
THROTTLE_WINDOW = dt.timedelta(hours=1)
#: Failures allowed before each further attempt must wait; per address higher than per username,
#: because a whole office may sit behind one NAT address.
FREE_FAILURES_PER_USERNAME = 5
FREE_FAILURES_PER_IP = 20
#: The wait after the free failures doubles with each failure, from 1 s up to this.
MAX_DELAY = dt.timedelta(minutes=15)


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)
    device_id: str = Field(min_length=36, max_length=36, description="UUID of this client install",
                           json_schema_extra={"format": "uuid", "pattern": UUID_PATTERN})
    device_name: str = Field(default="", max_length=200)

    @field_validator("device_id")
    @classmethod
    def _uuid(cls, v: str) -> str:
        try:
            return str(uuid.UUID(v))
        except ValueError as exc:
            raise ValueError("device_id must be a UUID") from exc


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(min_length=10, max_length=200)


class TokenPublic(BaseModel):
    access_token: str = Field(min_length=1)
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105
    expires_in: int
    user_id: str
    username: str
    role: str
    agent_code: str | None
    device_id: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _failures(session: Session, *where: Any) -> tuple[int, dt.datetime | None]:
    """How many failed attempts match `where` in the window, and the last one's time."""
    count, last = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.success.is_(False), LoginAttempt.at > _now() - THROTTLE_WINDOW, *where)
    ).one()
    return int(count), (_utc(last) if last is not None else None)


def throttle_delay(failures: int, free: int) -> dt.timedelta:
    """How long after the last failure the next attempt waits: nothing for the first `free`
    failures, then 1 s, 2 s, 4 s... up to MAX_DELAY (OWASP ASVS 6.3: slows guessing, never a lock)."""
    if failures < free:
        return dt.timedelta(0)
    return min(MAX_DELAY, dt.timedelta(seconds=2 ** min(failures - free, 20)))


def _wait(session: Session, *, username: str, ip: str, known_device: str | None) -> int:
    """Seconds this attempt must still wait (0: it may be tried now).

    A device registered to the username (a known device: its id is a secret of the agent's laptop)
    is judged by its own failures only, so a stranger guessing that username, from any address,
    cannot keep the agent out of their own computer. Other attempts count per username (since its
    last success) and per address."""
    # attempts record the device only when it was known: the two kinds never clear each other
    bucket = LoginAttempt.device_id == known_device if known_device else LoginAttempt.device_id.is_(None)
    last_ok = session.execute(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.success.is_(True), bucket)).scalar_one_or_none()
    since = [LoginAttempt.at > _utc(last_ok)] if last_ok is not None else []
    now = _now()
    waits = [(_failures(session, LoginAttempt.username == username, bucket, *since), FREE_FAILURES_PER_USERNAME)]
    if known_device is None:
        waits.append((_failures(session, LoginAttempt.ip == ip), FREE_FAILURES_PER_IP))
    longest = 0.0
    for (count, last), free in waits:
        if last is not None:
            longest = max(longest, (last + throttle_delay(count, free) - now).total_seconds())
    return math.ceil(longest) if longest > 0 else 0


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _issue(
    session: Session,
    secret: str,
    user: User,
    device: Device,
    *,
    refresh: str | None = None,
    now: dt.datetime | None = None,
    store: bool = True,
) -> TokenPublic:
    """A new pair; `refresh`/`now` given and store False re-create the pair of an earlier rotation."""
    refresh = refresh or new_refresh_token()
    now = now or _now()
    if store:
        session.add(
            RefreshToken(
                token_hash=hash_refresh_token(refresh),
                user_id=user.id,
                device_id=device.id,
                issued_at=now,
                expires_at=now + REFRESH_TTL,
            )
        )
    return TokenPublic(
        access_token=issue_access_token(secret, user_id=user.id, device_id=device.id, now=now),
        refresh_token=refresh,
        expires_in=int(ACCESS_TTL.total_seconds()),
        user_id=user.id,
        username=user.username,
        role=user.role,
        agent_code=user.agent_code,
        device_id=device.id,
    )


@router.post("/login", response_model=TokenPublic, responses=errors(*BODY_ERRORS, 401, 403, 429))
def login(body: LoginRequest, request: Request, sessions: Sessions) -> TokenPublic:
    ip = _client_ip(request)
    secret = token_secret(sessions, request.app.state)
    with sessions.begin() as session:
        user = session.execute(select(User).where(User.username == body.username)).scalar_one_or_none()
        device = session.get(Device, body.device_id)
        known = body.device_id if device is not None and user is not None and device.user_id == user.id \
            and device.revoked_at is None else None
        wait = _wait(session, username=body.username, ip=ip, known_device=known)
        if wait:
            log.warning("sign-in slowed down for a username/address after repeated failures")
            raise ApiError(429, f"Too many failed sign-ins: wait {wait} seconds and try again.",
                           "too_many_attempts", headers={"Retry-After": str(wait)})
        ok = verify_password(user.password_hash if user else None, body.password)
        if not ok or user is None or not user.active:
            session.add(LoginAttempt(username=body.username, ip=ip, at=_now(), success=False, device_id=known))
            failed = True
        else:
            failed = False
    if failed:  # the attempt is committed before answering
        raise ApiError(401, "Wrong username or password.", "bad_credentials")
    with sessions.begin() as session:
        user = session.get(User, user.id)
        device = session.get(Device, body.device_id)
        if device is not None and device.user_id != user.id:
            raise ApiError(403, "This device is registered to another user.", "device_other_user")
        if device is not None and device.revoked_at is not None:
            raise ApiError(
                401,
                "This device was revoked by an administrator: its local data must be wiped.",
                "device_revoked",
            )
        if device is None:
            device = register_device(
                session, device_id=body.device_id, user_id=user.id, name=body.device_name or "unnamed device"
            )
            session.add(
                AuditEntry(
                    actor_id=user.id,
                    actor=user.username,
                    action="device.register",
                    object_type="device",
                    object_id=device.id,
                    details={"name": device.name},
                )
            )
        session.add(LoginAttempt(username=body.username, ip=ip, at=_now(), success=True, device_id=known))
        device.last_seen_at = _now()
        return _issue(session, secret, user, device)


@router.post("/refresh", response_model=TokenPublic, responses=errors(*BODY_ERRORS, 401))
def refresh(body: RefreshRequest, request: Request, sessions: Sessions) -> TokenPublic:
    secret = token_secret(sessions, request.app.state)
    reused = False
    with sessions.begin() as session:
        # FOR UPDATE: two concurrent refreshes of one token cannot both rotate it
        token = session.execute(
            select(RefreshToken)
            .where(RefreshToken.token_hash == hash_refresh_token(body.refresh_token))
            .with_for_update()
        ).scalar_one_or_none()
        if token is None:
            raise ApiError(401, "Unknown refresh token: sign in again.", "invalid_token")
        device = session.get(Device, token.device_id)
        user = session.get(User, token.user_id)
        if device is None or device.revoked_at is not None:
            raise ApiError(
                401,
                "This device was revoked by an administrator: its local data must be wiped.",
                "device_revoked",
            )
        if user is None or not user.active:
            # before reuse detection: a disabled account is told so, whatever its token
            raise ApiError(401, "This account is disabled.", "user_disabled")
        if token.revoked_at is None and token.rotated_at is not None:
            again = _lost_rotation(session, secret, body.refresh_token, token, user, device)
            if again is not None:
                return again
        if token.rotated_at is not None or token.revoked_at is not None:
            # a rotated token used again: it leaked (or a replay); end every session of the device
            close_device_sessions(session, device)
            session.add(
                AuditEntry(
                    actor_id=token.user_id,
                    action="token.reuse",
                    object_type="device",
                    object_id=token.device_id,
                    details={},
                )
            )
            reused = True
        else:
            expires = token.expires_at if token.expires_at.tzinfo else token.expires_at.replace(tzinfo=dt.UTC)
            if user is not None and not user.active:
                raise ApiError(401, "This account is disabled.", "user_disabled")
            if expires < _now() or user is None:
                raise ApiError(401, "The session expired: sign in again.", "invalid_token")
            token.rotated_at = now = _now()
            successor = successor_refresh_token(secret, body.refresh_token)
            return _issue(session, secret, user, device, refresh=successor, now=now)
    assert reused
    raise ApiError(
        401,
        "This refresh token was already used: every session of this device is closed, sign in again.",
        "token_reused",
    )


def _lost_rotation(
    session: Session, secret: str, presented: str, token: RefreshToken, user: User | None, device: Device
) -> TokenPublic | None:
    """The pair a rotation of `token` gave, when it is presented again within REFRESH_GRACE and its
    successor was neither used nor revoked (the client never got the answer); else None."""
    rotated = _utc(token.rotated_at) if token.rotated_at else None
    if rotated is None or user is None or not user.active or _now() - rotated > REFRESH_GRACE:
        return None
    successor = successor_refresh_token(secret, presented)
    row = session.execute(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(successor)).with_for_update()
    ).scalar_one_or_none()
    if row is None or row.rotated_at is not None or row.revoked_at is not None or row.device_id != device.id:
        return None
    log.info("refresh token presented again within the grace delay: same pair sent again")
    return _issue(session, secret, user, device, refresh=successor, now=rotated, store=False)


@router.post("/logout", status_code=204, responses=errors(401))
def logout(principal: CurrentUser, sessions: Sessions) -> None:
    """End the device's session: its refresh tokens and its access tokens stop working at once."""
    with sessions.begin() as session:
        close_device_sessions(session, session.get(Device, principal.device_id))


def close_device_sessions(session: Session, device: Device) -> None:
    """Revoke every refresh token of the device and refuse its access tokens issued until now
    (deps.tokens_revoked compares their issue time with `tokens_revoked_at`)."""
    now = _now()
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.device_id == device.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    device.tokens_revoked_at = now
