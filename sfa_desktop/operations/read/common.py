"""What every read module shares: batches of ids, sorting in Python, local days, safe text matching.

Money is exact Decimal text in the replica, so amounts are never summed or sorted in SQL; text is
sorted with accents and case folded (Ćirić sits with the Cs), and missing values go last.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, func, literal_column, select, text
from sqlalchemy import table as sql_table
from sqlalchemy.orm import Session

from sfa_desktop.local_db import search
from sfa_desktop.local_db.models import Customer

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

#: SQLite's limit on bound variables is 32766; stay well below it in IN (...) lists.
IN_CHUNK = 900
#: Longest text kept from a LIKE filter (a document number typed or pasted).
MAX_LIKE_CHARS = 64


def chunks(ids: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def unique_ids(ids: Iterable[Any]) -> list[str]:
    """The ids asked for, once each, in their order; anything that is not a non-empty string is dropped."""
    return list(dict.fromkeys(i for i in ids if isinstance(i, str) and i))


def in_order(ids: Sequence[str], rows: dict[str, T]) -> list[T]:
    """Rows in the order of `ids`; ids with no row (unknown, deleted since) are skipped."""
    return [rows[i] for i in ids if i in rows]


@lru_cache(maxsize=65536)
def _folded(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def text_key(value: str | None) -> str:
    """Sort key for names: accents and case folded, so Ćirić sorts with Cirillo, Élite with Edil."""
    if not value:
        return ""
    if value.isascii():
        return value.lower()
    return _folded(value)


def usually_true(condition: Any) -> Any:
    """`condition`, marked for SQLite's planner as true for most rows (likely()), so that it does not
    walk that column's index: a status IN (...) that keeps nearly every order is no way to find
    one customer's orders, and the replica has no statistics to tell (no ANALYZE)."""
    return func.likely(condition)


def core(session: Session) -> Connection:
    """The session's connection, for reads of many plain rows (no ORM result machinery); what the
    session holds unsaved is flushed first, as its own queries would."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection()


def same_text(a: str | None, b: str | None) -> bool:
    return text_key(a).strip() == text_key(b).strip()


def sort_ids(items: Iterable[tuple[str, Any]], *, descending: bool, tie: Callable[[str], Any] | None = None
             ) -> list[str]:
    """Ids ordered by their key; None (no value) always last, whatever the direction.

    `tie` orders equal keys (the name, usually), always ascending, then the id.
    """
    present: list[tuple[Any, Any, str]] = []
    missing: list[tuple[Any, str]] = []
    for id_, key in items:
        second = tie(id_) if tie is not None else ""
        if key is None or key == "":
            missing.append((second, id_))
        else:
            present.append((key, second, id_))
    # Two stable passes: ties ascending, then the key in the direction asked.
    present.sort(key=lambda t: (t[1], t[2]))
    present.sort(key=lambda t: t[0], reverse=descending)
    missing.sort()
    return [t[2] for t in present] + [t[1] for t in missing]


def check_sort(sort: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if sort not in allowed:
        raise ValueError(f"cannot sort by {sort!r:.40}; choose one of {', '.join(allowed)}")
    return sort


def as_set(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """A filter value: one code, several, or None (no filter). An empty collection filters nothing in."""
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(v for v in value if isinstance(v, str))


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of the agent's local day `day`, as an aware datetime (stored times are UTC)."""
    return dt.datetime.combine(day, dt.time.min).astimezone()


def local_day(moment: dt.datetime | None) -> dt.date | None:
    """The agent's local date of a stored (UTC) moment."""
    return None if moment is None else moment.astimezone().date()


def day_range(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start, end) instants for local days `date_from` .. `date_to`, both included."""
    start = day_start(date_from) if date_from else None
    end = day_start(date_to + dt.timedelta(days=1)) if date_to else None
    return start, end


def like_pattern(user_text: str) -> str | None:
    """A LIKE pattern for "contains `user_text`" (ESCAPE '\\'), or None when there is nothing to look for."""
    if not isinstance(user_text, str):
        raise TypeError("search text must be a string")
    cleaned = user_text.replace("\x00", "").strip()[:MAX_LIKE_CHARS]
    if not cleaned:
        return None
    escaped = cleaned.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# --------------------------------------------------------------------------- full-text match

match_expression = search.match_expression  # one rule for what the agent types: local_db.search
_TERM = search.TERM


#: Terms shorter than this match a good part of the catalog ("c", "ma" start a word of most
#: products): ranking 10,000-50,000 matches costs 30-250 ms and tells nothing, so such searches
#: come in index order until a longer term is typed (local_db.search does so for one letter).
RANKED_TERM_CHARS = 3


def ranks_matches(user_text: str) -> bool:
    """True when some term is long enough for a ranking to be worth its cost."""
    return any(len(t) >= RANKED_TERM_CHARS for t in _TERM.findall(user_text))


def code_variants(user_text: str) -> list[str]:
    """The text as a code (SKU, barcode, ERP code, VAT number) may be stored: as typed, upper, lower."""
    raw = user_text.replace("\x00", "").strip()[:search.MAX_WORD_CHARS * 2]
    return list(dict.fromkeys([raw, raw.upper(), raw.lower()])) if raw else []


def fts_rowids(fts_table: str, expression: str, *, param: str = "fts_q") -> Select[Any]:
    """SELECT rowid FROM <fts_table> WHERE <fts_table> MATCH :param, with the expression bound."""
    return (select(literal_column("rowid")).select_from(sql_table(fts_table))
            .where(text(f"{fts_table} MATCH :{param}").bindparams(**{param: expression})))


def customers_matching(expression: str) -> Select[Any]:
    """Ids of the customers whose name, ERP code, VAT number or city match an FTS expression."""
    return select(Customer.id).where(
        literal_column("customers.rowid").in_(fts_rowids(search.CUSTOMER_INDEX.fts, expression, param="cust_q")))


def customer_names(session: Session, ids: Iterable[str | None]) -> dict[str, str]:
    wanted = unique_ids(ids)
    names: dict[str, str] = {}
    for chunk in chunks(wanted):
        for cid, name in session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(chunk))):
            names[cid] = name
    return names
