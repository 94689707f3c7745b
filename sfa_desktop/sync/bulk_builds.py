"""A first sync's indexes and search built table by table while the load waits for the server.

The snapshot comes stream by stream in protocol.STREAM_ORDER, so once a page brings rows of a later
stream, every earlier stream's snapshot rows are in: its secondary indexes and its search index can
be built then, in the time the load would otherwise spend waiting for the next page (SQLite builds
them without holding Python's lock, so the next page is read and bound meanwhile). The feed's
changes that follow the snapshot keep them in step, as after the load. Whatever is still missing at
the end is built there (bulk.restore_indexes, search.resume_search), and an interrupted load is
repaired on the next open or sync as before: a missing index or trigger is the record of it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from sqlalchemy import Connection

from sfa_desktop.local_db import bulk, search
from sfa_desktop.local_db.engine import Replica
from sfa_desktop.local_db.models import table_of
from sfa_desktop.sync import protocol

_Build = Callable[[Connection], None]


def _builds_of(table: str) -> list[_Build]:
    builds: list[_Build] = [lambda conn, i=index: i.create(conn, checkfirst=True)
                            for index in bulk.secondary_indexes() if index.table.name == table]
    if table in search.search_tables():
        builds.append(lambda conn: search.resume_search(conn, {table}))
    return builds


class TableBuilds:
    """The builds due for the streams a bulk load has finished, run one at a time."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica
        self._finished = 0  # the streams before this position in STREAM_ORDER are queued
        self._due: deque[_Build] = deque()

    def reached(self, streams: Iterable[str]) -> None:
        """A page brought snapshot rows of these streams: the streams before them are finished."""
        at = max((protocol.STREAM_ORDER.index(s) for s in streams if s in protocol.STREAMS), default=0)
        for stream in protocol.STREAM_ORDER[self._finished:at]:
            self._due.extend(_builds_of(table_of(stream).name))
        self._finished = max(self._finished, at)

    def build_one(self) -> bool:
        """Run the next due build in its own transaction; False when none is due."""
        if not self._due:
            return False
        build = self._due.popleft()
        with self.replica.bulk_session() as session:
            build(session.connection())
        return True


__all__ = ["TableBuilds"]
