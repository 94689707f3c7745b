"""The write path: bulk upserts stamp every row once, partial rows update, deletes leave tombstones."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sfa_server.changes import CHUNK, delete_rows, stamp, upsert_rows
from sfa_server.db import init_database, session_factory
from sfa_server.models import Product, Tombstone


@pytest.fixture(scope="module")
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = init_database(database_url)
    yield session_factory(engine)
    engine.dispose()


def _product(i: int, **kw: object) -> dict:
    return {
        "id": f"p{i}",
        "sku": f"S{i}",
        "name": f"Prodotto {i}",
        "unit": "pz",
        "vat_rate": Decimal(22),
        "active": True,
        **kw,
    }


def test_bulk_upsert_stamps_each_row_once_in_order(sessions: sessionmaker[Session]) -> None:
    n = CHUNK * 2 + 7
    with sessions.begin() as s:
        assert upsert_rows(s, "products", (_product(i) for i in range(n))) == n
    with sessions.begin() as s:
        upsert_rows(s, "products", [_product(3, name="rinominato"), _product(3, name="ultimo")])
    with sessions() as s:
        stamps = s.execute(select(Product.change_tx, Product.change_seq)).all()
        assert len(stamps) == n and len(set(stamps)) == n
        p3 = s.get(Product, "p3")
        assert p3.name == "ultimo" and (p3.change_tx, p3.change_seq) == max(stamps)


def test_partial_rows_update_and_new_rows_must_be_complete(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        upsert_rows(s, "products", [_product(1)])
        upsert_rows(s, "products", [{"id": "p1", "cost": Decimal("1.2345")}])
    with sessions() as s:
        assert s.get(Product, "p1").cost == Decimal("1.2345") and s.get(Product, "p1").sku == "S1"
    with pytest.raises(ValueError, match="lacks required column"), sessions.begin() as s:
        upsert_rows(s, "products", [{"id": "brand-new", "cost": Decimal(1)}])
    with pytest.raises(ValueError, match="unknown column"), sessions.begin() as s:
        upsert_rows(s, "products", [{**_product(2), "price": 3}])


def test_stamps_grow_across_transactions(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        a, b = stamp(s), stamp(s)
        assert a[0] == b[0] and b[1] > a[1]
    with sessions.begin() as s:
        c = stamp(s)
    assert c > b


def test_delete_leaves_a_tombstone(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        upsert_rows(s, "products", [_product(900)])
    with sessions.begin() as s:
        assert delete_rows(s, "products", ["p900", "never-existed"]) == 1
    with sessions() as s:
        assert s.get(Product, "p900") is None
        stones = s.execute(select(Tombstone).where(Tombstone.row_id == "p900")).scalars().all()
        assert len(stones) == 1 and stones[0].stream == "products" and stones[0].agent_id is None
        assert s.execute(select(func.count()).where(Tombstone.row_id == "never-existed")).scalar_one() == 0
