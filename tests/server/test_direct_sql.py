"""direct_sql.run gives what Connection.execute gives, on the real schema and the real statements of
the sync routes: the same rows and values (Decimal, JSON, moments, None), the same effects, the
same SQLAlchemy errors; on SQLite it is Connection.execute itself."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, Integer, bindparam, exc, insert, literal_column, select, text

from sfa_server import commands, documents, pricing, push
from sfa_server.changes import _BUMP_SQL, _TX_AND_SEQS
from sfa_server.db import init_database, session_factory
from sfa_server.deps import _PRINCIPAL_SQL
from sfa_server.direct_sql import Rows, read_alone, run
from sfa_server.models import AppliedCommand, Counter, Customer, Product
from tests.server.conftest import World, seed_world

_A = AppliedCommand.__table__


@pytest.fixture(scope="module")
def engine(database_url: str) -> Iterator[Engine]:
    engine = init_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def world(engine: Engine) -> World:
    return seed_world(session_factory(engine))


def both(engine: Engine, stmt: Any, params: Any = None) -> tuple[list[tuple], list[tuple]]:
    """The statement's rows through run and through Connection.execute, in one transaction each
    (rolled back: neither sees the other's writes)."""
    out = []
    for how in (run, lambda c, s, p: c.execute(s, p)):
        with engine.connect() as conn:
            out.append([tuple(r) for r in how(conn, stmt, params)])
            conn.rollback()
    return out[0], out[1]


def test_sqlite_is_connection_execute(engine: Engine, world: World) -> None:
    with engine.connect() as conn:
        result = run(conn, commands._SETTING_SQL, {"key": "quote_validity_days"})
        assert isinstance(result, Rows) == (engine.dialect.name == "postgresql")


def test_reads_give_the_same_rows_and_values(engine: Engine, world: World) -> None:
    customer = world.customers["anna"][0]
    with engine.connect() as conn:
        device = conn.execute(text("SELECT id, user_id FROM devices")).first()
        list_row = conn.execute(text("SELECT price_list_id, price_group FROM customers WHERE id = :i"),
                                {"i": customer}).first()
    cases = [
        (commands._CUSTOMER_SQL, {"id": customer}),
        (commands._CUSTOMER_SQL, {"id": "no-such-customer"}),
        (commands._SETTING_SQL, {"key": "quote_validity_days"}),
        (pricing._LISTS_SQL, {"own": list_row[0], "group": list_row[1]}),
        (pricing._PRODUCTS_SQL, {"ids": world.products[:3]}),
        (pricing._PRODUCTS_SQL, {"ids": []}),
        (pricing._BREAKS_SQL, {"lists": ["PL-BASE", "none"], "products": world.products}),
        (documents._NUMBER_TAKEN_SQL, {"number": "Q-none"}),
        (select(Product.__table__.c.id).where(Product.__table__.c.id.not_in(bindparam("ids", expanding=True)))
         .order_by(Product.__table__.c.id), {"ids": world.products[:2]}),
        (select(literal_column("'10%'").label("rate"), Customer.__table__.c.credit_limit)
         .where(Customer.__table__.c.id == bindparam("id")), {"id": customer}),
    ]
    if device is not None:
        cases.append((_PRINCIPAL_SQL, {"device_id": device.id, "user_id": device.user_id}))
    for stmt, params in cases:
        direct, plain = both(engine, stmt, params)
        assert direct == plain, stmt
        assert [type(v) for r in direct for v in r] == [type(v) for r in plain for v in r]
    assert both(engine, commands._CUSTOMER_SQL, {"id": customer})[0], "the customer is read"


def test_rows_have_the_attributes_of_the_columns(engine: Engine, world: World) -> None:
    customer = world.customers["anna"][0]
    with engine.connect() as conn:
        direct = run(conn, commands._CUSTOMER_SQL, {"id": customer}).first()
        plain = conn.execute(commands._CUSTOMER_SQL, {"id": customer}).first()
    assert direct.name == plain.name and direct.credit_limit == plain.credit_limit
    assert isinstance(direct.credit_limit, Decimal)
    assert direct.id == customer


def test_writes_have_the_same_effects(engine: Engine, world: World) -> None:
    name = f"t-{uuid.uuid4().hex[:6]}"
    with engine.begin() as conn:
        conn.execute(insert(Counter.__table__).values(name=name, value=10))
    with engine.begin() as conn:
        assert run(conn, _BUMP_SQL, {"counter": name, "n": 5}).scalar_one_or_none() == 15
        assert run(conn, _BUMP_SQL, {"counter": "no-such", "n": 5}).scalar_one_or_none() is None
    with engine.begin() as conn:
        assert conn.execute(select(Counter.__table__.c.value).where(Counter.__table__.c.name == name)).scalar() == 15
    command_id = str(uuid.uuid4())
    result = {"status": "applied", "server": {"total": "12.5000", "note": "perché 10% + 5"}, "n": None}
    before = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:  # applied_at: its Python default, as Connection.execute would set it
        run(conn, push._RECORD_SQL, {"command_id": command_id, "user_id": world.users["anna"],
                                     "device_id": None, "type": "quote.save", "result": result})
    with engine.connect() as conn:
        row = run(conn, push._STORED_SQL, {"command_id": command_id}).first()
        applied_at = conn.execute(select(_A.c.applied_at).where(_A.c.command_id == command_id)).scalar_one()
    assert row.result == result and row.user_id == world.users["anna"]
    assert before <= applied_at.astimezone(dt.UTC) <= dt.datetime.now(dt.UTC)


def test_executemany_writes_every_row(engine: Engine, world: World) -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    with engine.begin() as conn:
        run(conn, push._RECORD_SQL, [{"command_id": i, "user_id": "u", "device_id": "d", "type": "t",
                                      "result": {"i": n}} for n, i in enumerate(ids)])
    with engine.connect() as conn:
        got = {r.command_id: r.result for r in conn.execute(select(_A.c.command_id, _A.c.result)
                                                            .where(_A.c.command_id.in_(ids)))}
    assert got == {i: {"i": n} for n, i in enumerate(ids)}


def test_text_statements_name_their_columns(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the change sequence is PostgreSQL's")
    with engine.begin() as conn:
        rows = run(conn, _TX_AND_SEQS, {"n": 3}).all()
        tx = conn.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one()
    assert len(rows) == 3 and {r[0] for r in rows} == {tx}
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)


def test_driver_errors_are_sqlalchemys(engine: Engine, world: World) -> None:
    command_id = str(uuid.uuid4())
    values = {"command_id": command_id, "user_id": "u", "device_id": None, "type": "t", "result": {}}
    with engine.begin() as conn:
        run(conn, push._RECORD_SQL, values)
    with pytest.raises(exc.IntegrityError), engine.begin() as conn:
        run(conn, push._RECORD_SQL, values)
    with pytest.raises(exc.StatementError), engine.connect() as conn:  # a missing value is refused
        run(conn, commands._SETTING_SQL, {})
    with engine.connect() as conn:  # the connection is usable after a failed statement
        assert run(conn, push._STORED_SQL, {"command_id": command_id}).first() is not None


def test_a_lost_connection_is_invalidated(engine: Engine, world: World) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("a backend to terminate is PostgreSQL's")
    with engine.connect() as conn:
        run(conn, commands._SETTING_SQL, {"key": "quote_validity_days"})
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(exc.OperationalError) as raised:
            run(conn, commands._SETTING_SQL, {"key": "quote_validity_days"})
        assert raised.value.connection_invalidated and conn.invalidated
    with engine.connect() as conn:  # the pool hands out a working connection again
        assert run(conn, commands._SETTING_SQL, {"key": "quote_validity_days"}).all() is not None


def test_read_alone_reads_outside_a_transaction_and_gives_the_connection_back(engine: Engine, world: World) -> None:
    customer = world.customers["anna"][0]
    checked_out = engine.pool.checkedout()
    for _ in range(3):
        got = read_alone(engine, commands._CUSTOMER_SQL, {"id": customer}).first()
        with engine.connect() as conn:
            assert tuple(got) == tuple(conn.execute(commands._CUSTOMER_SQL, {"id": customer}).first())
    assert read_alone(engine, commands._CUSTOMER_SQL, {"id": "no-such"}).first() is None
    assert engine.pool.checkedout() == checked_out
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:  # the pool's connection is back as it was: not in autocommit
            assert raw.driver_connection.autocommit is False
        finally:
            raw.close()
        with pytest.raises(exc.StatementError):
            read_alone(engine, commands._CUSTOMER_SQL, {})
        assert engine.pool.checkedout() == checked_out


def test_an_executemany_of_many_rows_writes_each_once(engine: Engine, world: World) -> None:
    """More rows than one multi-row insert takes, None among the values: every row, as given."""
    rows = [{"command_id": str(uuid.uuid4()), "user_id": f"u{n}", "device_id": None if n % 3 else f"d{n}",
             "type": "t", "result": {"n": n, "amount": "1.5000" if n % 2 else None}} for n in range(450)]
    with engine.begin() as conn:
        result = run(conn, push._RECORD_SQL, rows)
    if engine.dialect.name == "postgresql":
        assert result.rowcount == 450
    ids = [r["command_id"] for r in rows]
    with engine.connect() as conn:
        got = {r.command_id: (r.user_id, r.device_id, r.result)
               for r in conn.execute(select(_A.c.command_id, _A.c.user_id, _A.c.device_id, _A.c.result)
                                     .where(_A.c.command_id.in_(ids)))}
    assert got == {r["command_id"]: (r["user_id"], r["device_id"], r["result"]) for r in rows}


def test_statements_the_direct_form_cannot_send_go_through_sqlalchemy(engine: Engine, world: World) -> None:
    """A value rendered into the text at run time, an escaped bind name, a default that needs
    SQLAlchemy's context: Connection.execute sends them, with the same answer."""
    p = Product.__table__.c
    odd = [
        (select(p.id).order_by(p.id).limit(bindparam("n", literal_execute=True, type_=Integer)), {"n": 2}),
        (select(p.id).where(p.id == bindparam("id.x")), {"id.x": world.products[0]}),
    ]
    for stmt, params in odd:
        with engine.connect() as conn:
            result = run(conn, stmt, params)
            assert not isinstance(result, Rows)
            assert [tuple(r) for r in result] == [tuple(r) for r in conn.execute(stmt, params)]
