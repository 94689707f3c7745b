"""Sync cursors ("v1.<tx>.<seq>", opaque to clients) and the streams= filter of the feed.

A cursor handed out for a `streams` selection ends with ".s<tag>" (a digest of the selection): it is
valid only with that same selection, because it says nothing of the changes of other streams.
Every position must fit in 64 bits and lie at or before the feed's head (checked in the route).
"""

from __future__ import annotations

import hashlib
import re

from sfa_desktop.sync import protocol as p
from sfa_server.deps import ApiError

# ".h<tx>.<seq>": the history horizon known when a cursor below it was handed out (a resync)
_CURSOR = re.compile(r"^v1\.(\d{1,19})\.(\d{1,19})(?:\.h(\d{1,19})\.(\d{1,19}))?$")
Position = tuple[int, int]

class CursorError(ValueError):
    pass

def parse_cursor(cursor: str | None) -> Position:
    if not cursor:
        return (0, 0)
    m = _CURSOR.match(cursor)
    if m is None or any(g is not None and int(g) > p.MAX_INT for g in m.groups()):
        raise CursorError(
            "The sync cursor is not valid (expected the opaque value of a previous pull, "
            "or nothing to start from scratch)."
        )
    return int(m.group(1)), int(m.group(2))


_SELECTION = re.compile(r"^(.*)\.s([0-9a-f]{8})$")


def selection_tag(streams: list[str] | None) -> str | None:
    """The tag of a streams= selection (None: every stream, no tag)."""
    if streams is None or set(streams) >= set(p.STREAMS):
        return None
    return hashlib.sha256(",".join(sorted(streams)).encode()).hexdigest()[:8]


def tag_cursor(cursor: str, streams: list[str] | None) -> str:
    tag = selection_tag(streams)
    return cursor if tag is None else f"{cursor}.s{tag}"


def untag_cursor(cursor: str, streams: list[str] | None) -> str:
    """The cursor without its selection tag, or CursorError when it was handed out for another
    selection than `streams` (its position says nothing of the other streams' changes)."""
    m = _SELECTION.match(cursor)
    base, tag = (m.group(1), m.group(2)) if m else (cursor, None)
    if tag != selection_tag(streams):
        raise CursorError(
            "The sync cursor was handed out for another streams= selection: pull with the same "
            "streams, or from scratch."
        )
    return base

def cursor_horizon(cursor: str | None) -> Position | None:
    """The history horizon a cursor was handed out under (only cursors below it carry one)."""
    m = _CURSOR.match(cursor or "")
    if m is None or m.group(3) is None:
        return None
    return int(m.group(3)), int(m.group(4))

def parse_streams(raw: str) -> list[str] | None:
    """Comma-separated protocol stream names -> their list (None when empty = every stream)."""
    if raw == "":
        return None
    # exactly the documented form (names joined by ","): blanks or spaces are not quietly dropped
    wanted = list(dict.fromkeys(raw.split(",")))
    unknown = [ascii(s)[1:-1][:40] for s in wanted if s not in p.STREAMS]
    if unknown:
        raise ApiError(
            400,
            f"Unknown stream(s): {', '.join(sorted(unknown))[:200]} (known: {', '.join(p.STREAMS)}).",
            "invalid",
        )
    return wanted or None

def format_cursor(pos: Position, horizon: Position | None = None) -> str:
    if horizon is not None and pos < horizon:
        return f"v1.{pos[0]}.{pos[1]}.h{horizon[0]}.{horizon[1]}"
    return f"v1.{pos[0]}.{pos[1]}"
