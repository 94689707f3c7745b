"""Users and devices: password hashing, creating users, number blocks for devices."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_server.changes import next_counter, restamp, upsert_rows
from sfa_server.models import Device, NumberBlock, User

ROLES = ("agent", "office", "admin")
BLOCK_SIZE = 10_000
#: A device gets its next block when fewer numbers than this are left in the current one.
RENEW_WHEN_LEFT = 1_000
_hasher = PasswordHasher()
# a real hash to verify against when the username is unknown, so timing does not tell
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(ValueError):
    """A user or device cannot be created as asked (message for the operator)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _limit(name: str, value: Decimal | str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation as exc:
        raise AccountError(f"{name} {value!r:.20} is not a number") from exc
    if not d.is_finite() or not 0 <= d <= 100:
        raise AccountError(f"{name} must be a percentage from 0 to 100")
    return d


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    full_name: str | None = None,
    agent_code: str | None = None,
    max_line_discount: Decimal | str | None = None,
    max_avg_discount: Decimal | str | None = None,
    user_id: str | None = None,
) -> str:
    """Create a user (stamped, so its own client receives it); returns its id."""
    from sfa_desktop.domain.numbering import validate_agent_code

    username = (username or "").strip()
    if not 1 <= len(username) <= 100:
        raise AccountError("a username needs 1 to 100 characters")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password or "") < 8:
        raise AccountError("a password needs at least 8 characters")
    if role == "agent":
        if not agent_code:
            raise AccountError("an agent needs an agent code (e.g. AG07)")
        try:
            validate_agent_code(agent_code)
        except ValueError as exc:
            raise AccountError(str(exc)) from exc
    if session.execute(select(User.id).where(User.username == username)).first():
        raise AccountError(f"username {username!r} is taken")
    if agent_code and session.execute(select(User.id).where(User.agent_code == agent_code)).first():
        raise AccountError(f"agent code {agent_code} is taken")
    uid = user_id or str(uuid.uuid4())
    upsert_rows(
        session,
        "users",
        [
            {
                "id": uid,
                "username": username,
                "full_name": full_name,
                "role": role,
                "agent_code": agent_code if role == "agent" else None,
                "max_line_discount": _limit("max_line_discount", max_line_discount),
                "max_avg_discount": _limit("max_avg_discount", max_avg_discount),
                "password_hash": hash_password(password),
                "active": True,
                "created_at": dt.datetime.now(dt.UTC),
            }
        ],
    )
    return uid


def allocate_block(session: Session, device_id: str, user_id: str) -> tuple[int, int]:
    """A fresh block of document sequence numbers for one device of `user_id`, remembered for it.
    Block 0 (1..9999) is kept for numbers the server assigns itself."""
    k = next_counter(session, f"number_block:{user_id}")
    start, end = k * BLOCK_SIZE, (k + 1) * BLOCK_SIZE - 1
    session.add(NumberBlock(device_id=device_id, start=start, end=end))
    return start, end


def register_device(session: Session, *, device_id: str, user_id: str, name: str) -> Device:
    start, end = allocate_block(session, device_id, user_id)
    device = Device(
        id=device_id,
        user_id=user_id,
        name=name[:200],
        number_block_start=start,
        number_block_end=end,
        registered_at=dt.datetime.now(dt.UTC),
    )
    session.add(device)
    session.flush()
    return device


def device_owns_number(session: Session, device_id: str, sequence: int) -> bool:
    """Whether `sequence` lies in a block this device was given (current or earlier)."""
    return (
        session.execute(
            select(NumberBlock.id).where(
                NumberBlock.device_id == device_id, NumberBlock.start <= sequence, NumberBlock.end >= sequence
            )
        ).first()
        is not None
    )


def renew_block_if_low(session: Session, device_id: str, used: int) -> None:
    """When a device has used most of its block, give it the next one; its users row travels
    again with the new block (numbers of the old block stay valid)."""
    device = session.get(Device, device_id, with_for_update=True)
    if device is None or used < device.number_block_end - RENEW_WHEN_LEFT:
        return
    device.number_block_start, device.number_block_end = allocate_block(session, device.id, device.user_id)
    restamp(session, "users", [device.user_id])
