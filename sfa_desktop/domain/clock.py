"""The client's "now": the system clock corrected by the server's clock, as last seen.

An agent's laptop clock may be hours or days off. The times the client stamps (an activity done
now, a document's date, the last sync) meet the server's, which judges them by its own clock
(a "done" time in its future is refused, a quote's validity is counted from its today). So they use
the system clock plus the offset the transport measured against the server's `Date` header at its
last answer (RFC 9110 §6.6.1), kept in the replica for offline days; before any answer, the
system clock. Elapsed times (timeouts, token lifetimes) use `time.monotonic`, never this.

One process, one agent: the offset is the process's (the app has one AgentSession).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Offsets smaller than this are the Date header's one-second resolution and the network, not skew.
NEGLIGIBLE = dt.timedelta(seconds=5)


def _system() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_source: Callable[[], dt.datetime] = _system
_offset = dt.timedelta(0)


def system_now() -> dt.datetime:
    """The machine's clock, uncorrected (aware, UTC)."""
    return _source()


def now() -> dt.datetime:
    """The best estimate of the server's time now (aware, UTC)."""
    return _source() + _offset


def today() -> dt.date:
    """The agent's local date, on the corrected clock."""
    return now().astimezone().date()


def server_offset() -> dt.timedelta:
    return _offset


def set_server_offset(offset: dt.timedelta) -> None:
    """The server's clock minus the system clock; a negligible one counts as none (no jitter)."""
    global _offset
    _offset = offset if abs(offset) >= NEGLIGIBLE else dt.timedelta(0)


@contextmanager
def system_clock(source: Callable[[], dt.datetime]) -> Iterator[None]:
    """Tests: the machine's clock reads `source()` (e.g. the real time plus three days)."""
    global _source, _offset
    saved = _source, _offset
    _source = source
    try:
        yield
    finally:
        _source, _offset = saved
