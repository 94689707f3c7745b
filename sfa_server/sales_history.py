"""How long the sales history is kept: `sfa-server prune-history --keep-months 24`.

The horizon is the first day of the oldest month kept ("24 months" on 2 March 2026 keep April 2024
to March 2026). Pruning deletes the older lines with tombstones (every agent's replica drops them on
its next sync) and publishes the horizon in the `sales_history_retention` setting, which the import
and the clients read: the import skips lines older than it, a client drops them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_server.changes import delete_rows, upsert_rows
from sfa_server.models import SalesHistory, Setting

DEFAULT_KEEP_MONTHS = 24
SETTING = "sales_history_retention"
_CHUNK = 5000


def horizon(today: dt.date, keep_months: int) -> dt.date:
    """The first day of the oldest month kept: the current month and the keep_months - 1 before it."""
    if isinstance(keep_months, bool) or not isinstance(keep_months, int) or keep_months < 1:
        raise ValueError("keep_months must be a whole number of months, at least 1")
    index = today.year * 12 + today.month - 1 - (keep_months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def retention(session: Session) -> dict[str, Any]:
    """The published retention: {"keep_months": n, "horizon": "yyyy-mm-dd" | None}."""
    row = session.get(Setting, SETTING)
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    months = value.get("keep_months")
    return {"keep_months": months if isinstance(months, int) and months >= 1 else DEFAULT_KEEP_MONTHS,
            "horizon": value.get("horizon") if isinstance(value.get("horizon"), str) else None}


def import_horizon(session: Session, today: dt.date) -> dt.date:
    """Lines dated before this are not imported: the published horizon, or today's by the kept months."""
    kept = retention(session)
    computed = horizon(today, kept["keep_months"])
    published = dt.date.fromisoformat(kept["horizon"]) if kept["horizon"] else None
    return max(computed, published) if published else computed


def prune_sales_history(session: Session, *, keep_months: int = DEFAULT_KEEP_MONTHS,
                        today: dt.date | None = None) -> dict[str, Any]:
    """Delete the lines older than the horizon (tombstones for their agents) and publish the horizon.
    Runs in the caller's transaction; returns {"deleted": n, "horizon": date}."""
    today = today or dt.datetime.now(dt.UTC).date()
    cut = horizon(today, keep_months)
    t = SalesHistory.__table__
    deleted = 0
    while True:
        ids = list(session.execute(select(t.c.id).where(t.c.document_date < cut).limit(_CHUNK)).scalars())
        if not ids:
            break
        deleted += delete_rows(session, "sales_history", ids)
    wanted = {"keep_months": keep_months, "horizon": cut.isoformat()}
    if retention(session) != wanted or session.get(Setting, SETTING) is None:
        upsert_rows(session, "settings", [{"id": SETTING, "value": wanted}])
    return {"deleted": deleted, "horizon": cut}
