"""The one way replicated rows are written, so the change feed sees every change.

Each write is stamped with (change_tx, change_seq). On PostgreSQL change_tx is the writing
transaction's id (pg_current_xact_id) and change_seq comes from a sequence; the feed serves only
transactions below the snapshot's xmin, so a late commit can never be skipped. On SQLite writers
are serialised, change_tx is a counter bumped once per writing transaction (first statement,
which takes the write lock until commit).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Sequence as SqlSequence
from sqlalchemy import Table, bindparam, event, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from sfa_server.direct_sql import run
from sfa_server.models import (
    STREAM_MODELS,
    Base,
    Counter,
    Customer,
    PriceList,
    PriceListItem,
    ScopeGrant,
    ScopeRemoval,
    Synced,
    Tombstone,
)

CHANGE_SEQUENCE = SqlSequence("sfa_change_seq", metadata=Base.metadata, start=1)
CHUNK = 5000
_TX_KEY = "sfa_change_tx"


class ServerSession(Session):
    """Session of the server: ORM writes of replicated rows are stamped on flush."""


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def current_tx(session: Session) -> int:
    """The change_tx of the session's current transaction (starting one if needed)."""
    session.connection()  # autobegin
    trans = session.get_transaction()
    cached = session.info.get(_TX_KEY)
    if cached is not None and cached[0] is trans:
        return cached[1]  # one round trip less per flush (a push flushes two or three times)
    if is_postgres(session):
        tx = int(session.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())
    else:
        tx = _bump_counter(session, "change_tx", 1)
    session.info[_TX_KEY] = (trans, tx)
    return tx


_C = Counter.__table__.c
#: Built once: every server-numbered document bumps a counter (a statement built per call cost
#: 315-342 us of CPU against 135-143 us, PostgreSQL, 500 calls x3).
_BUMP_SQL = (update(Counter.__table__).where(_C.name == bindparam("counter"))
             .values(value=_C.value + bindparam("n")).returning(_C.value))
_NEW_COUNTER_SQL = insert(Counter.__table__).values(name=bindparam("counter"), value=bindparam("n"))


def _bump_counter(session: Session, name: str, n: int) -> int:
    """Add n to a counter and return its new value (the last of the n values allocated)."""
    conn = session.connection()
    done = run(conn, _BUMP_SQL, {"counter": name, "n": n}).scalar_one_or_none()
    if done is not None:
        return int(done)
    conn.execute(_NEW_COUNTER_SQL, {"counter": name, "n": n})
    return n


def next_counter(session: Session, name: str, n: int = 1) -> int:
    """Allocate n values of a named counter; returns the first one."""
    return _bump_counter(session, name, n) - n + 1


def _seqs(session: Session, n: int) -> list[int]:
    if n <= 0:
        return []
    if is_postgres(session):
        return _pg_seqs(session, n)
    last = _bump_counter(session, "change_seq", n)
    return list(range(last - n + 1, last + 1))


#: Sequence values a PostgreSQL transaction takes beyond what a flush needs, for its next flushes
#: (a push writes a document, then its lines: one round trip for both). A value left unused is a gap
#: in change_seq, which only orders the changes of one transaction.
SPARE_SEQS = 16
_SPARE_KEY = "sfa_spare_seqs"
_TX_AND_SEQS = text("SELECT pg_current_xact_id()::text::bigint, nextval('sfa_change_seq') "
                    "FROM generate_series(1, :n)")
_ONLY_SEQS = text("SELECT nextval('sfa_change_seq') FROM generate_series(1, :n)")


def _pg_seqs(session: Session, n: int) -> list[int]:
    """n values of the change sequence, in order, for the session's transaction; the first call of a
    transaction also reads its id in the same statement (one round trip, not two)."""
    session.connection()  # autobegin
    trans = session.get_transaction()
    spare = session.info.get(_SPARE_KEY)
    left = spare[1] if spare is not None and spare[0] is trans else []
    if len(left) < n:
        # with ORM changes pending (or being flushed) through the session, which flushes them first
        # as before; else straight on its connection (direct_sql: a fifth of a new quote's insert)
        pending = session.new or session.dirty or session.deleted
        execute = session.execute if pending else functools.partial(run, session.connection())
        cached = session.info.get(_TX_KEY)
        if cached is not None and cached[0] is trans:
            left = left + [int(v) for v in execute(_ONLY_SEQS, {"n": n + SPARE_SEQS}).scalars()]
        else:
            rows = execute(_TX_AND_SEQS, {"n": n + SPARE_SEQS}).all()
            session.info[_TX_KEY] = (trans, int(rows[0][0]))
            left = left + [int(r[1]) for r in rows]
    session.info[_SPARE_KEY] = (trans, left[n:])
    return left[:n]


def stamp(session: Session) -> tuple[int, int]:
    """A fresh (change_tx, change_seq) for one change in the session's transaction."""
    tx, seqs = stamps(session, 1)
    return tx, seqs[0]


def stamps(session: Session, n: int) -> tuple[int, list[int]]:
    """The session's change_tx and n fresh change_seqs, in order, for rows a handler writes with
    Core statements (ORM objects get theirs at the flush: _stamp_orm_writes)."""
    seqs = _seqs(session, n)  # first: on PostgreSQL it reads the transaction's id too
    return current_tx(session), seqs


def _table(stream: str) -> Table:
    model = STREAM_MODELS.get(stream)
    if model is None:
        raise ValueError(f"unknown stream {stream!r}")
    return model.__table__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- upsert


def upsert_rows(session: Session, stream: str, rows: Iterable[Mapping[str, Any]]) -> int:
    """Insert or update rows of `stream` by id (bulk), stamping each; returns the row count.

    Each row maps column names to Python values (Decimal, date, ...); a row updates only the
    columns it names. Customer rows whose agent or price list changes move scope accordingly.
    """
    table = _table(stream)
    known = set(table.c.keys()) - {"change_tx", "change_seq"}
    total = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        unknown = set(row) - known
        if unknown:
            raise ValueError(f"{stream}: unknown column(s) {', '.join(sorted(unknown))}")
        if not row.get("id"):
            raise ValueError(f"{stream}: a row has no id")
        batch.append(dict(row))
        if len(batch) >= CHUNK:
            total += _upsert_chunk(session, stream, table, batch)
            batch = []
    if batch:
        total += _upsert_chunk(session, stream, table, batch)
    return total


def _upsert_chunk(session: Session, stream: str, table: Table, rows: list[dict[str, Any]]) -> int:
    # the same id twice in a chunk would hit ON CONFLICT twice in one statement: keep the last
    rows = list({r["id"]: r for r in rows}.values())
    before: dict[str, Any] = {}
    if stream == "customers":
        before = _customer_scope_before(session, rows)
    elif stream == "price_lists":
        before = _price_lists_scope_before(session, rows)
    tx = current_tx(session)
    pg = is_postgres(session)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(tuple(sorted(r)), []).append(r)
    for keys, group in groups.items():
        if _required(table) - set(keys):
            _update_existing(session, stream, table, keys, group, tx, pg)
            continue
        maker = pg_insert if pg else sqlite_insert
        if pg:
            stmt = maker(table).values(change_tx=tx, change_seq=func.nextval("sfa_change_seq"))
            params = group
        else:
            seqs = _seqs(session, len(group))
            params = [{**r, "change_seq": s} for r, s in zip(group, seqs, strict=True)]
            stmt = maker(table).values(change_tx=tx)
        cols = [k for k in keys if k != "id"] + ["change_tx", "change_seq"]
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.id], set_={c: stmt.excluded[c] for c in cols}
        )
        session.execute(stmt, params)
    if before and stream == "customers":
        _customer_scope_after(session, rows, before)
    elif before:
        _price_lists_scope_after(session, before)
    return len(rows)


def _required(table: Table) -> set[str]:
    return {
        c.name
        for c in table.c
        if not c.nullable
        and c.default is None
        and c.server_default is None
        and c.name not in ("change_tx", "change_seq")
    }


def _update_existing(
    session: Session,
    stream: str,
    table: Table,
    keys: tuple[str, ...],
    group: list[dict[str, Any]],
    tx: int,
    pg: bool,
) -> None:
    """Rows naming only some columns update existing rows; a new row must be complete."""
    ids = [r["id"] for r in group]
    found = set(session.execute(select(table.c.id).where(table.c.id.in_(ids))).scalars())
    missing = [i for i in ids if i not in found]
    if missing:
        absent = ", ".join(sorted(_required(table) - set(keys)))
        raise ValueError(f"{stream}: new row {missing[0]!r} lacks required column(s) {absent}")
    cols = [k for k in keys if k != "id"]
    seqs = _seqs(session, len(group))
    values = {**{c: bindparam(f"b_{c}") for c in cols}, "change_tx": tx, "change_seq": bindparam("b_seq")}
    stmt = update(table).where(table.c.id == bindparam("b_id")).values(values)
    session.execute(
        stmt,
        [
            {**{f"b_{c}": r[c] for c in cols}, "b_id": r["id"], "b_seq": q}
            for r, q in zip(group, seqs, strict=True)
        ],
    )


_CUSTOMER_SCOPE_COLUMNS = ("agent_id", "price_list_id", "price_group")
_PRICE_LIST_SCOPE_COLUMNS = ("code", "customer_group", "is_base")


def _customer_scope_before(session: Session, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What a customer write may move: each existing row's agent, and the price lists in the
    scope of every agent involved (before the write)."""
    if not any(k in r for r in rows for k in _CUSTOMER_SCOPE_COLUMNS):
        return {}
    c = Customer.__table__.c
    ids = [r["id"] for r in rows]
    agents = {row.id: row.agent_id for row in session.execute(select(c.id, c.agent_id).where(c.id.in_(ids)))}
    involved = {a for a in agents.values() if a} | {r["agent_id"] for r in rows if r.get("agent_id")}
    return {"agents": agents, "involved": sorted(involved),
            "lists": _price_list_pairs(session, agent_ids=sorted(involved))}


def _customer_scope_after(session: Session, rows: list[dict[str, Any]], before: dict[str, Any]) -> None:
    agents = before["agents"]
    for r in rows:
        if r["id"] in agents and "agent_id" in r and r["agent_id"] != agents[r["id"]]:
            _customer_moved(session, r["id"], agents[r["id"]], r["agent_id"])
    _move_price_list_scope(session, before["lists"],
                           _price_list_pairs(session, agent_ids=before["involved"]))


def _price_lists_scope_before(session: Session, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Existing price lists whose code, group or base flag a write names: which agents hold them."""
    if not any(k in r for r in rows for k in _PRICE_LIST_SCOPE_COLUMNS):
        return {}
    pl = PriceList.__table__.c
    ids = sorted(session.execute(select(pl.id).where(pl.id.in_([r["id"] for r in rows]))).scalars())
    if not ids:
        return {}  # new lists travel with their own change stamps, and so do their new items
    return {"ids": ids, "lists": _price_list_pairs(session, price_list_ids=ids)}


def _price_lists_scope_after(session: Session, before: dict[str, Any]) -> None:
    _move_price_list_scope(session, before["lists"], _price_list_pairs(session, price_list_ids=before["ids"]))


# --------------------------------------------------------------------------- delete


def owner_agents(session: Session, stream: str, ids: Sequence[str]) -> dict[str, str | None]:
    """The agent whose scope holds each row (None = global or no owner)."""
    from sfa_server.models import Order, Quote

    cust_t = Customer.__table__
    cust = cust_t.c
    if stream == "users":
        return {i: i for i in ids}
    if stream == "customers":
        q = select(cust.id, cust.agent_id).where(cust.id.in_(ids))
    elif stream in ("targets", "prospect_reviews"):
        t = _table(stream)
        q = select(t.c.id, t.c.agent_id).where(t.c.id.in_(ids))
    elif stream in ("addresses", "contacts", "open_items", "quotes", "orders", "activities", "deals",
                    "sales_history"):
        t = _table(stream)
        q = select(t.c.id, cust.agent_id).join(cust_t, cust.id == t.c.customer_id).where(t.c.id.in_(ids))
    elif stream in ("quote_lines", "order_lines"):
        t = _table(stream)
        parent = (Quote if stream == "quote_lines" else Order).__table__
        fk = t.c.quote_id if stream == "quote_lines" else t.c.order_id
        q = (
            select(t.c.id, cust.agent_id)
            .join(parent, parent.c.id == fk)
            .join(cust_t, cust.id == parent.c.customer_id)
            .where(t.c.id.in_(ids))
        )
    else:
        return dict.fromkeys(ids)
    found = {row[0]: row[1] for row in session.execute(q)}
    return {i: found.get(i) for i in ids}


def delete_rows(session: Session, stream: str, ids: Iterable[str], *, agent_id: str | None = None) -> int:
    """Delete rows and leave tombstones so clients delete them too; returns rows deleted.

    agent_id limits the tombstone to one agent's clients; by default the owner of each row
    (global streams: everyone)."""
    table = _table(stream)
    total = 0
    id_list = list(dict.fromkeys(ids))
    for start in range(0, len(id_list), CHUNK):
        chunk = id_list[start : start + CHUNK]
        owners = dict.fromkeys(chunk, agent_id) if agent_id else owner_agents(session, stream, chunk)
        existing = list(session.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
        if not existing:
            continue
        _write_marks(session, Tombstone.__table__, [(owners.get(i), stream, i) for i in existing])
        session.execute(table.delete().where(table.c.id.in_(existing)))
        total += len(existing)
    return total


def _write_marks(session: Session, table: Table, marks: list[tuple[str | None, str, str]]) -> None:
    """Insert tombstones / scope removals / grants: (agent_id, stream, row_id) each stamped."""
    if not marks:
        return
    tx = current_tx(session)
    seqs = _seqs(session, len(marks))
    session.execute(
        insert(table),
        [
            {"agent_id": a, "stream": s, "row_id": r, "change_tx": tx, "change_seq": q}
            for (a, s, r), q in zip(marks, seqs, strict=True)
        ],
    )


def restamp(session: Session, stream: str, ids: Sequence[str]) -> None:
    """Give rows a new stamp (their current values travel again on the feed)."""
    if not ids:
        return
    table = _table(stream)
    tx = current_tx(session)
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        seqs = _seqs(session, len(chunk))
        session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(change_tx=tx, change_seq=bindparam("b_seq"))
            .execution_options(synchronize_session=False),
            [{"b_id": i, "b_seq": s} for i, s in zip(chunk, seqs, strict=True)],
        )


# --------------------------------------------------------------------------- scope moves


def _customer_children(session: Session, customer_id: str) -> list[tuple[str, list[str]]]:
    out = []
    for stream in ("addresses", "contacts", "open_items", "quotes", "orders", "activities", "deals",
                   "sales_history"):
        t = _table(stream)
        out.append(
            (stream, list(session.execute(select(t.c.id).where(t.c.customer_id == customer_id)).scalars()))
        )
    quotes = dict(out)["quotes"]
    orders = dict(out)["orders"]
    ql, ol = _table("quote_lines"), _table("order_lines")
    out.append(
        (
            "quote_lines",
            list(session.execute(select(ql.c.id).where(ql.c.quote_id.in_(quotes))).scalars())
            if quotes
            else [],
        )
    )
    out.append(
        (
            "order_lines",
            list(session.execute(select(ol.c.id).where(ol.c.order_id.in_(orders))).scalars())
            if orders
            else [],
        )
    )
    return out


def reassign_customer(session: Session, customer_id: str, new_agent_id: str | None) -> None:
    """Move a customer (and its contacts, addresses, open items, quotes, orders, activities,
    deals, sales history) to another agent: the old agent's clients get removals, the new agent's the rows."""
    c = Customer.__table__.c
    row = session.execute(select(c.agent_id, c.price_list_id).where(c.id == customer_id)).one_or_none()
    if row is None:
        raise ValueError(f"unknown customer {customer_id!r}")
    old_agent, _price_list = row
    if old_agent == new_agent_id:
        return
    involved = sorted(a for a in (old_agent, new_agent_id) if a)
    lists_before = _price_list_pairs(session, agent_ids=involved)
    tx, seq = stamp(session)
    session.execute(
        update(Customer.__table__)
        .where(c.id == customer_id)
        .values(
            agent_id=new_agent_id,
            row_version=func.coalesce(c.row_version, 0) + 1,
            change_tx=tx,
            change_seq=seq,
        )
    )
    _customer_moved(session, customer_id, old_agent, new_agent_id)
    _move_price_list_scope(session, lists_before, _price_list_pairs(session, agent_ids=involved))


def _customer_moved(session: Session, customer_id: str, old_agent: str | None, new_agent: str | None) -> None:
    """The customer's rows leave the old agent's scope and travel again (to the new agent's)."""
    children = _customer_children(session, customer_id)
    if old_agent:
        marks = [(old_agent, "customers", customer_id)]
        marks += [(old_agent, s, i) for s, ids in children for i in ids]
        _write_marks(session, ScopeRemoval.__table__, marks)
    for stream, ids in children:
        restamp(session, stream, ids)
    # the customer row itself was stamped by its writer (upsert or reassign_customer)


def _price_list_pairs(session: Session, *, agent_ids: list[str] | None = None,
                     price_list_ids: list[str] | None = None) -> set[tuple[str, str]]:
    """(agent, price list) pairs in scope now (the rule of sfa_server.scope.my_price_lists)."""
    from sfa_server.scope import price_list_scope_pairs

    if agent_ids is not None and not agent_ids:
        return set()
    query = price_list_scope_pairs(agent_ids=agent_ids, price_list_ids=price_list_ids)
    return {(a, pl) for a, pl in session.execute(query)}


def _price_list_rows(session: Session, price_list_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Per price list: its own row and its items, as (stream, id)."""
    ids = sorted(set(price_list_ids))
    out: dict[str, list[tuple[str, str]]] = {i: [("price_lists", i)] for i in ids}
    it = PriceListItem.__table__.c
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for list_id, item_id in session.execute(select(it.price_list_id, it.id).where(it.price_list_id.in_(chunk))):
            out[list_id].append(("price_list_items", item_id))
    return out


def _move_price_list_scope(session: Session, before: set[tuple[str, str]], after: set[tuple[str, str]]) -> None:
    """Lists that entered an agent's scope are granted (their rows and items travel to that agent
    as they are now); lists that left it are removed from that agent's replica."""
    for pairs, table in ((after - before, ScopeGrant.__table__), (before - after, ScopeRemoval.__table__)):
        if not pairs:
            continue
        rows = _price_list_rows(session, (pl for _a, pl in pairs))
        _write_marks(session, table, [(agent, s, i) for agent, pl in sorted(pairs) for s, i in rows[pl]])


# --------------------------------------------------------------------------- ORM writes


@event.listens_for(ServerSession, "before_flush")
def _stamp_orm_writes(session: Session, flush_context: Any, instances: Any) -> None:
    """ORM objects of replicated tables get a stamp; deleted ones leave a tombstone."""
    dirty = [o for o in session.dirty if isinstance(o, Synced) and session.is_modified(o)]
    new = [o for o in session.new if isinstance(o, Synced)]
    deleted = [o for o in session.deleted if isinstance(o, Synced)]
    if not (dirty or new or deleted):
        return
    seqs = iter(_seqs(session, len(dirty) + len(new)))  # first: on PostgreSQL it reads the tx id too
    tx = current_tx(session)
    for obj in (*new, *dirty):
        obj.change_tx, obj.change_seq = tx, next(seqs)
    by_stream: dict[str, list[str]] = {}
    for obj in deleted:
        by_stream.setdefault(obj.__stream__, []).append(obj.id)
    for stream, ids in by_stream.items():
        owners = owner_agents(session, stream, ids)
        _write_marks(session, Tombstone.__table__, [(owners.get(i), stream, i) for i in ids])


def leave_scope(session: Session, agent_id: str, rows: Iterable[tuple[str, str]]) -> None:
    """Rows (stream, id) that left `agent_id`'s scope without being deleted (moved to a customer of
    another agent): that agent's clients remove them."""
    _write_marks(session, ScopeRemoval.__table__, [(agent_id, stream, row_id) for stream, row_id in rows])
