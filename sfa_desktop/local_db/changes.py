"""What an operation or a sync changed in the replica, so each screen decides whether to redraw.

After Anki's OpChanges: an operation returns a `Changes` (streams and the ids touched in each,
whether the outbox or the conflict inbox changed); the sync engine reports one per pulled page.
A screen showing customers refreshes when `changes.touches("customers")`, and only the rows in
`changes.ids("customers")` when that set is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    #: stream -> ids of the rows changed; an empty set means "rows of this stream, ids unknown".
    rows: Mapping[str, frozenset[str]] = field(default_factory=dict)
    outbox: bool = False
    conflicts: bool = False
    #: The id of the row the operation created or acted on first (a screen may open it).
    created: str | None = None

    @classmethod
    def of(cls, stream: str, *ids: str | None, outbox: bool = False, conflicts: bool = False,
           created: str | None = None) -> Changes:
        return cls({stream: frozenset(i for i in ids if i)}, outbox, conflicts, created)

    @classmethod
    def streams(cls, names: Iterable[str]) -> Changes:
        """Rows of these streams changed, ids not tracked (a reset or a bulk load)."""
        return cls({name: frozenset() for name in names})

    def touches(self, *streams: str) -> bool:
        return any(s in self.rows for s in streams)

    def ids(self, stream: str) -> frozenset[str] | None:
        """The ids changed in `stream`; None when its rows changed without a known id list."""
        ids = self.rows.get(stream)
        return ids if ids else None

    @property
    def empty(self) -> bool:
        return not (self.rows or self.outbox or self.conflicts)

    def __or__(self, other: Changes) -> Changes:
        rows = dict(self.rows)
        for stream, ids in other.rows.items():
            mine = rows.get(stream)
            # an unknown id list (empty set) absorbs known ones: "something in this stream changed"
            rows[stream] = frozenset() if (mine is not None and not mine) or (not ids and stream in rows) \
                else (mine or frozenset()) | ids
        return Changes(rows, self.outbox or other.outbox, self.conflicts or other.conflicts,
                       self.created or other.created)
