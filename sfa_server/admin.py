"""Admin API: users (create, list, disable) and devices (list with their last sync and what awaits
them, revoke: the client wipes its data on its next connection). Answers are office_schemas models."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update

from sfa_server.accounts import AccountError, create_user
from sfa_server.audit import audit
from sfa_server.deps import AdminUser, ApiError, Sessions
from sfa_server.models import AppliedCommand, Device, RefreshToken, User, utcnow
from sfa_server.office_reads import utc
from sfa_server.office_schemas import DeviceListPublic, DevicePublic, UserListPublic, UserPublic, errors

router = APIRouter(prefix="/admin", tags=["admin"])
Ident = Annotated[str, Path(min_length=1, max_length=100)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=1000)
    role: str = Field(pattern="^(agent|office|admin)$")
    full_name: str | None = Field(default=None, max_length=200)
    agent_code: str | None = Field(default=None, max_length=12)
    max_line_discount: Decimal | None = Field(default=None, ge=0, le=100, max_digits=8, decimal_places=4)
    max_avg_discount: Decimal | None = Field(default=None, ge=0, le=100, max_digits=8, decimal_places=4)


def _user_public(u: User) -> UserPublic:
    return UserPublic(id=u.id, username=u.username, full_name=u.full_name, role=u.role, agent_code=u.agent_code,
                      active=bool(u.active), max_line_discount=u.max_line_discount,
                      max_avg_discount=u.max_avg_discount)


@router.get("/users", response_model=UserListPublic, responses=errors(401, 403))
def list_users(principal: AdminUser, sessions: Sessions) -> UserListPublic:
    with sessions() as session:
        return UserListPublic(users=[_user_public(u) for u in
                                     session.execute(select(User).order_by(User.username)).scalars()])


@router.post("/users", status_code=201, response_model=UserPublic, responses=errors(401, 403, 422))
def add_user(body: UserCreate, principal: AdminUser, sessions: Sessions) -> UserPublic:
    with sessions.begin() as session:
        try:
            uid = create_user(session, **body.model_dump())
        except AccountError as exc:
            raise ApiError(422, str(exc), "invalid") from exc
        audit(session, principal, "user.create", "user", uid, {"username": body.username})
        return _user_public(session.get(User, uid))


@router.post("/users/{user_id}/disable", response_model=UserPublic, responses=errors(401, 403, 404, 409, 422))
def disable_user(user_id: Ident, principal: AdminUser, sessions: Sessions) -> UserPublic:
    """The user can no longer sign in; every session of theirs ends at once."""
    with sessions.begin() as session:
        user = session.get(User, user_id)
        if user is None:
            raise ApiError(404, "Unknown user.", "not_found")
        if user.id == principal.user_id:
            raise ApiError(409, "You cannot disable yourself.", "conflict")
        user.active = False
        session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        audit(session, principal, "user.disable", "user", user_id)
        return _user_public(user)


def _device_public(d: Device, username: str | None, pushed: tuple | None) -> DevicePublic:
    revoked, seen = utc(d.revoked_at), utc(d.last_seen_at)
    # a revoked device learns it on its next request: until then its wipe is still pending
    pending = ["wipe"] if revoked is not None and (seen is None or seen <= revoked) else []
    return DevicePublic(id=d.id, user_id=d.user_id, username=username, name=d.name,
                        registered_at=utc(d.registered_at), last_seen_at=seen,
                        last_push_at=utc(pushed[0]) if pushed else None,
                        commands_applied=int(pushed[1]) if pushed else 0, revoked_at=revoked,
                        revoked_by=d.revoked_by, pending_commands=pending)


@router.get("/devices", response_model=DeviceListPublic, responses=errors(401, 403, 422))
def list_devices(
    principal: AdminUser, sessions: Sessions, user_id: Annotated[str | None, Query(max_length=100)] = None
) -> DeviceListPublic:
    """Every registered computer with its user, last contact, last push and what awaits it."""
    with sessions() as session:
        stmt = select(Device, User.username).join(User, User.id == Device.user_id, isouter=True) \
            .order_by(Device.registered_at)
        if user_id:
            stmt = stmt.where(Device.user_id == user_id)
        rows = session.execute(stmt).all()
        ac = AppliedCommand.__table__.c
        ids = [d.id for d, _u in rows]
        pushes = {r[0]: (r[1], r[2]) for r in session.execute(
            select(ac.device_id, func.max(ac.applied_at), func.count()).where(ac.device_id.in_(ids))
            .group_by(ac.device_id))} if ids else {}
        return DeviceListPublic(devices=[_device_public(d, u, pushes.get(d.id)) for d, u in rows])


@router.post("/devices/{device_id}/revoke", response_model=DevicePublic, responses=errors(401, 403, 404, 422))
def revoke_device(device_id: Ident, principal: AdminUser, sessions: Sessions) -> DevicePublic:
    """The device's tokens stop working at once; its next request is told to wipe its replica."""
    with sessions.begin() as session:
        device = session.get(Device, device_id)
        if device is None:
            raise ApiError(404, "Unknown device.", "not_found")
        if device.revoked_at is None:
            device.revoked_at, device.revoked_by = utcnow(), principal.username
            session.execute(
                update(RefreshToken)
                .where(RefreshToken.device_id == device_id, RefreshToken.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            audit(session, principal, "device.revoke", "device", device_id, {"name": device.name})
        user = session.get(User, device.user_id)
        return _device_public(device, user.username if user else None, None)
