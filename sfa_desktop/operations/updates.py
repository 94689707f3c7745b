"""The updates list (office decisions and other news since the agent last looked): mark it seen."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.models import Update

#: The name screens watch in Changes for the updates list (a local table, not a sync stream).
UPDATES = "updates"


def mark_updates_seen(session: Session, *, update_ids: Iterable[str] | None = None) -> Changes:
    """Mark these updates seen (all unseen ones when `update_ids` is None).

    Ids that are unknown or already seen are left alone; the Changes name the ones that changed
    (empty when none did). Nothing is sent: the list is this computer's.
    """
    stmt = select(Update.id).where(Update.seen.is_(False))
    if update_ids is not None:
        wanted = list(dict.fromkeys(i for i in update_ids if isinstance(i, str) and i))
        if not wanted:
            return Changes()
        changed: list[str] = []
        for start in range(0, len(wanted), 900):
            changed.extend(session.scalars(stmt.where(Update.id.in_(wanted[start:start + 900]))))
    else:
        changed = list(session.scalars(stmt))
    if not changed:
        return Changes()
    for start in range(0, len(changed), 900):
        session.execute(update(Update).where(Update.id.in_(changed[start:start + 900])).values(seen=True))
    return Changes.of(UPDATES, *changed)
