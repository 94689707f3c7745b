"""Full-text search over products and customers (FTS5), safe for any text the agent types.

The FTS tables are external-content indexes kept in step by triggers on the base tables, so
rows written by the sync engine (Core inserts or upserts) are searchable with no extra step.
User text never reaches FTS5 syntax: it is split into words in Python and every word becomes a
quoted prefix string, so quotes, `*`, `-`, NEAR or AND are just characters to look for.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

TOKENIZE = "unicode61 remove_diacritics 2"
PREFIXES = "1 2 3"
MAX_WORDS = 8
MAX_WORD_CHARS = 64
MAX_LIMIT = 500
#: FTS5 merges its segments in the commit of every write by default ('automerge' 4): 10-25 ms of a
#: 100-description sync on the large agent, more than the sync's own work. The replica turns that
#: off and merges in bounded steps when the app is idle (`tidy_search`); FTS5's crisis merge (16
#: segments on a level) still bounds the index if no step ever runs (a headless sync).
AUTOMERGE = 0
#: Leaf pages one `tidy_search` step merges at most per index: ~2 ms, at worst ~18 ms on the large agent.
TIDY_PAGES = 64

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Index:
    table: str
    columns: tuple[str, ...]
    weights: tuple[float, ...]

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"


PRODUCT_INDEX = _Index("products", ("sku", "name", "description", "brand", "barcode"),
                       (10.0, 5.0, 1.0, 3.0, 10.0))
CUSTOMER_INDEX = _Index("customers", ("name", "erp_code", "vat_number", "city"), (5.0, 10.0, 10.0, 2.0))
INDEXES = (PRODUCT_INDEX, CUSTOMER_INDEX)


def _ddl(index: _Index) -> list[str]:
    cols = ", ".join(index.columns)
    fts, table = index.fts, index.table
    weights = ", ".join(str(w) for w in index.weights)
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='rowid', "
        f"tokenize='{TOKENIZE}', prefix='{PREFIXES}')",
        f"INSERT INTO {fts}({fts}, rank) VALUES ('rank', 'bm25({weights})')",
        _automerge_sql(index),
        *_trigger_ddl(index),
    ]


def _trigger_names(index: _Index) -> tuple[str, ...]:
    return tuple(f"{index.fts}_{suffix}" for suffix in ("ai", "ad", "au"))


def _trigger_ddl(index: _Index) -> list[str]:
    cols = ", ".join(index.columns)
    new = ", ".join(f"new.{c}" for c in index.columns)
    old = ", ".join(f"old.{c}" for c in index.columns)
    fts, table = index.fts, index.table
    return [
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END",
        # only when an indexed text really changed: an upsert sets every column, and most changes
        # a sync brings (cost, status, credit figures) leave the words alone
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} "
        f"WHEN {' OR '.join(f'old.{c} IS NOT new.{c}' for c in index.columns)} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.rowid, {new}); END",
    ]


def create_search_schema(conn: Connection) -> None:
    """Create the FTS tables and triggers, and index the rows already there."""
    for index in INDEXES:
        for statement in _ddl(index):
            conn.exec_driver_sql(statement)
    rebuild_search(conn)


def suspend_search(conn: Connection) -> None:
    """Stop keeping the search index in step, for a bulk load (the first sync) in this transaction.

    The missing triggers are themselves the record that the index is stale: `resume_search`
    (at the end of the load) or `ensure_search` (after a load that was interrupted) puts them
    back and re-indexes, so search is never left wrong for good.
    """
    for index in INDEXES:
        for name in _trigger_names(index):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def replace_triggers(conn: Connection) -> None:
    """Put today's triggers in place of an older schema's (the index itself is unchanged)."""
    for index in INDEXES:
        for name in _trigger_names(index):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for statement in _trigger_ddl(index):
            conn.exec_driver_sql(statement)


def _suspended(conn: Connection) -> list[_Index]:
    present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [index for index in INDEXES if not set(_trigger_names(index)) <= present]


def search_suspended(conn: Connection) -> bool:
    """True when some search trigger is missing (a bulk load is running or was interrupted)."""
    return bool(_suspended(conn))


def suspended_tables(conn: Connection) -> list[str]:
    """The tables whose search index is not kept in step (its triggers missing)."""
    return [index.table for index in _suspended(conn)]


def search_tables() -> tuple[str, ...]:
    """The tables a search index is kept of."""
    return tuple(index.table for index in INDEXES)


def resume_search(conn: Connection, tables: Collection[str] | None = None) -> None:
    """Put the search triggers back and re-index (one FTS5 'rebuild' per index that was suspended);
    of these tables only, when given (a bulk load re-indexes a table once its rows are in)."""
    for index in _suspended(conn):
        if tables is not None and index.table not in tables:
            continue
        for name in _trigger_names(index):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        for statement in _trigger_ddl(index):
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql(f"INSERT INTO {index.fts}({index.fts}) VALUES ('rebuild')")


def ensure_search(conn: Connection) -> bool:
    """Repair search after an interrupted bulk load; True when it had to. Cheap when all is well."""
    if not search_suspended(conn):
        return False
    resume_search(conn)
    return True


def _automerge_sql(index: _Index) -> str:
    return f"INSERT INTO {index.fts}({index.fts}, rank) VALUES ('automerge', {AUTOMERGE})"


def merge_when_idle(conn: Connection) -> None:
    """Leave the merging of each index's segments to `tidy_search` (a setting kept in the index)."""
    for index in INDEXES:
        conn.exec_driver_sql(_automerge_sql(index))


def tidy_search(conn: Connection) -> bool:
    """One bounded merge step of each search index (FTS5 'merge', at most TIDY_PAGES leaf pages);
    True when it merged something, so another step may be due. Searches find the same rows before
    and after: merging only keeps them fast as the syncs add small segments."""
    raw = conn.connection.driver_connection
    before = raw.total_changes
    for index in INDEXES:
        conn.exec_driver_sql(f"INSERT INTO {index.fts}({index.fts}, rank) VALUES ('merge', {TIDY_PAGES})")
    # each 'merge' command counts as one change itself; more means it wrote merged segments
    return raw.total_changes - before > len(INDEXES)


def rebuild_search(conn: Connection | Session) -> None:
    """Re-index from the base tables (after a VACUUM, which may renumber rowids)."""
    for index in INDEXES:
        conn.execute(sql(f"INSERT INTO {index.fts}({index.fts}) VALUES ('rebuild')"))


def search_words(user_text: str) -> list[str]:
    """The words of what the agent typed (letters and digits; everything else separates)."""
    if not isinstance(user_text, str):
        raise TypeError("search text must be a string")
    words = _WORD.findall(unicodedata.normalize("NFKC", user_text))
    words = [w.replace("_", " ").strip()[:MAX_WORD_CHARS] for w in words[:MAX_WORDS]]
    return [w for w in words if w]


# A decimal number typed either way ("2,5" or "2.5"), or a run of letters and digits.
TERM = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
_TOKEN = re.compile(r"[^\W_]+")
# A unit typed without superscripts ("mm2", "m3"): names write it "mm²", "m³", which the index
# keeps as written.
_UNIT_POWER = re.compile(r"^([^\W\d_]{1,3})([23])$")
_SUPERSCRIPT = {"2": "²", "3": "³"}


def _quoted(tokens: Sequence[str]) -> str:
    return '"' + " ".join(t[:MAX_WORD_CHARS] for t in tokens).replace('"', '""') + '"'


def match_expression(user_text: str) -> str | None:
    """The FTS5 MATCH text for what the agent typed; None when there is nothing to look for.

    Every term is required and may be the start of a word (a whole word scores twice, so "citta" ranks
    Città before Cittadella); on top of it:
    - a decimal number ("2,5" or "2.5") is the phrase of its parts, so it finds both spellings in
      names ("Cavo 2,5 mm²", "Cavo 2.5 mm²") and not "25x2 5m";
    - a term is looked for as typed and in its compatibility form ("mm²" and "mm2"), and a unit
      typed without its superscript ("mm2", "m3") also as "mm²", "m³": the index keeps what names
      write, and a keyboard without ² gives "mm2".
    User text is only ever inside quoted strings: quotes, `*`, `-`, OR, NEAR are characters to find.
    """
    if not isinstance(user_text, str):
        raise TypeError("search text must be a string")
    terms = TERM.findall(user_text.replace("\x00", ""))[:MAX_WORDS]
    parts = []
    for term in terms:
        forms = dict.fromkeys([term, unicodedata.normalize("NFKC", term)])
        unit = _UNIT_POWER.match(term)
        if unit:
            forms[unit.group(1) + _SUPERSCRIPT[unit.group(2)]] = None
        variants: list[str] = []
        for form in forms:
            tokens = _TOKEN.findall(form)
            if tokens:
                quoted = _quoted(tokens)
                variants += [quoted, quoted + "*"]
        if variants:
            parts.append("(" + " OR ".join(dict.fromkeys(variants)) + ")")
    return " AND ".join(parts) if parts else None


def _limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError("limit must be a positive whole number")
    return min(limit, MAX_LIMIT)


@dataclass(frozen=True, slots=True)
class ProductHit:
    id: str
    sku: str
    name: str
    brand: str | None
    barcode: str | None
    unit: str
    active: bool
    exact: bool  # the text was this product's SKU or barcode


@dataclass(frozen=True, slots=True)
class CustomerHit:
    id: str
    name: str
    erp_code: str | None
    vat_number: str | None
    city: str | None
    status: str
    exact: bool  # the text was this customer's ERP code or VAT number


def _code_variants(raw: str) -> list[str]:
    raw = raw.strip()[:MAX_WORD_CHARS * 2]
    return list(dict.fromkeys([raw, raw.upper(), raw.lower()]))


def _search(session: Session, *, index: _Index, user_text: str, limit: int, columns: str,
            exact_where: str, exact_params: dict[str, Any], extra_where: str = "") -> list[Any]:
    limit = _limit(limit)
    expression = match_expression(user_text)
    if expression is None:
        return []
    # Single letters match most of the catalog: ranking all of it costs ~50 ms and tells
    # nothing, so such queries take the first rows in index order instead.
    order = "rank" if max(len(w) for w in search_words(user_text)) > 1 else "rowid"
    exact_rows = session.execute(
        sql(f"SELECT {columns}, 1 AS exact FROM {index.table} t WHERE ({exact_where}) {extra_where} "
             f"ORDER BY t.rowid LIMIT :limit"),
        {**exact_params, "limit": limit}).all()
    seen = {r.id for r in exact_rows}
    fts_rows = session.execute(
        sql(f"SELECT {columns}, 0 AS exact FROM "
             f"(SELECT rowid, rank FROM {index.fts} WHERE {index.fts} MATCH :q "
             f"ORDER BY {order} LIMIT :fetch) AS f "
             f"JOIN {index.table} t ON t.rowid = f.rowid WHERE 1 {extra_where} ORDER BY f.{order}"),
        {"q": expression, "fetch": limit + len(seen) + (limit if extra_where else 0)}).all()
    rows = list(exact_rows) + [r for r in fts_rows if r.id not in seen]
    return rows[:limit]


def search_products(session: Session, text: str, limit: int = 50, *,
                    active_only: bool = False) -> list[ProductHit]:
    """Products matching every word typed (as prefixes), best first; an exact SKU or barcode
    match comes before everything else. Case and accents are ignored."""
    codes = _code_variants(text) if isinstance(text, str) else []
    params = {f"c{i}": c for i, c in enumerate(codes)}
    names = ", ".join(f":c{i}" for i in range(len(codes)))
    rows = _search(session, index=PRODUCT_INDEX, user_text=text, limit=limit,
                   columns="t.id, t.sku, t.name, t.brand, t.barcode, t.unit, t.active",
                   exact_where=f"t.sku IN ({names}) OR t.barcode IN ({names})",
                   exact_params=params, extra_where="AND t.active" if active_only else "")
    return [ProductHit(r.id, r.sku, r.name, r.brand, r.barcode, r.unit, bool(r.active), bool(r.exact))
            for r in rows]


def search_customers(session: Session, text: str, limit: int = 50) -> list[CustomerHit]:
    """Customers matching every word typed (as prefixes) in name, ERP code, VAT number or city;
    an exact ERP code or VAT number (with or without the IT prefix) comes first."""
    codes = _code_variants(text) if isinstance(text, str) else []
    if codes and codes[0].isdigit():
        codes.append("IT" + codes[0])
    params = {f"c{i}": c for i, c in enumerate(codes)}
    names = ", ".join(f":c{i}" for i in range(len(codes)))
    rows = _search(session, index=CUSTOMER_INDEX, user_text=text, limit=limit,
                   columns="t.id, t.name, t.erp_code, t.vat_number, t.city, t.status",
                   exact_where=f"t.erp_code IN ({names}) OR t.vat_number IN ({names})",
                   exact_params=params)
    return [CustomerHit(r.id, r.name, r.erp_code, r.vat_number, r.city, r.status, bool(r.exact))
            for r in rows]
