"""The audit trail: who did what to which object, written in the transaction that did it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sfa_server.deps import Principal
from sfa_server.models import AuditEntry


def audit(session: Session, principal: Principal, action: str, object_type: str, object_id: str,
          details: dict[str, Any] | None = None) -> None:
    """Record `action` on `object_type` `object_id` by the caller (committed with the change)."""
    session.add(AuditEntry(actor_id=principal.user_id, actor=principal.username, action=action,
                           object_type=object_type, object_id=object_id, details=details or {}))
