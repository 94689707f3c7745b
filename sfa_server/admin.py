"""Admin API: users (create, list, disable) and devices (list, revoke: the client wipes its data)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update

from sfa_desktop.sync import protocol as p
from sfa_server.accounts import AccountError, create_user
from sfa_server.audit import audit
from sfa_server.deps import AdminUser, ApiError, Sessions
from sfa_server.models import Device, RefreshToken, User, utcnow

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


def _user_public(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "username": u.username,
        "full_name": u.full_name,
        "role": u.role,
        "agent_code": u.agent_code,
        "active": u.active,
        "max_line_discount": p.encode_value(p.DECIMAL, u.max_line_discount),
        "max_avg_discount": p.encode_value(p.DECIMAL, u.max_avg_discount),
    }


@router.get("/users")
def list_users(principal: AdminUser, sessions: Sessions) -> dict[str, Any]:
    with sessions() as session:
        return {
            "users": [
                _user_public(u) for u in session.execute(select(User).order_by(User.username)).scalars()
            ]
        }


@router.post("/users", status_code=201, responses={422: {"description": "Invalid user"}})
def add_user(body: UserCreate, principal: AdminUser, sessions: Sessions) -> dict[str, Any]:
    with sessions.begin() as session:
        try:
            uid = create_user(session, **body.model_dump())
        except AccountError as exc:
            raise ApiError(422, str(exc), "invalid") from exc
        audit(session, principal, "user.create", "user", uid, {"username": body.username})
        return _user_public(session.get(User, uid))


@router.post("/users/{user_id}/disable", responses={404: {"description": "Unknown user"}})
def disable_user(user_id: Ident, principal: AdminUser, sessions: Sessions) -> dict[str, Any]:
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


@router.get("/devices")
def list_devices(
    principal: AdminUser, sessions: Sessions, user_id: Annotated[str | None, Query(max_length=100)] = None
) -> dict[str, Any]:
    with sessions() as session:
        stmt = select(Device).order_by(Device.registered_at)
        if user_id:
            stmt = stmt.where(Device.user_id == user_id)
        return {
            "devices": [
                {
                    "id": d.id,
                    "user_id": d.user_id,
                    "name": d.name,
                    "registered_at": p.encode_value(p.DATETIME, d.registered_at),
                    "last_seen_at": p.encode_value(p.DATETIME, d.last_seen_at),
                    "revoked_at": p.encode_value(p.DATETIME, d.revoked_at),
                }
                for d in session.execute(stmt).scalars()
            ]
        }


@router.post("/devices/{device_id}/revoke", responses={404: {"description": "Unknown device"}})
def revoke_device(device_id: Ident, principal: AdminUser, sessions: Sessions) -> dict[str, Any]:
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
        return {"id": device.id, "revoked_at": p.encode_value(p.DATETIME, device.revoked_at)}
