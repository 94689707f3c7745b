"""Per-stream checksums of a caller's scope, compared by clients with their replica."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.sync import protocol as p
from sfa_server.deps import Principal
from sfa_server.scope import row_for, scope_clause, table_of


def stream_checksum(stream: str, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """{"count", "checksum"} of the rows with the protocol's recipe (clients compute the same)."""
    count, checksum = p.stream_checksum(stream, rows)
    return {"count": count, "checksum": checksum}


def scope_checksums(session: Session, principal: Principal, streams: Iterable[str]) -> dict[str, Any]:
    out = {}
    for stream in streams:
        t = table_of(stream)
        cols = [t.c[f] for f in p.STREAMS[stream].field_names]
        rows = session.execute(
            select(*cols).where(
                scope_clause(stream, agent_id=principal.scope_agent, user_id=principal.user_id)
            )
        ).mappings()
        out[stream] = stream_checksum(stream, (row_for(principal, stream, r) for r in rows))
    return out
