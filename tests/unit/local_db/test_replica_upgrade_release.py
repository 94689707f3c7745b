"""Replicas written by earlier releases open, migrate and keep the agent's work.

tests/fixtures/replica-v5.db was written by the last release that landed (cfa5618, schema v5) and
replica-v4.db by the one before (2184aeb, schema v4), each with that release's own code
(tests/fixtures/make_replica_fixture.py says how): one customer, three products, a saved quote and a
submitted order, both still in the outbox. Each key file is wrapped with the documented test
password of its replica-vN.json.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from sqlalchemy import func, select

from sfa_desktop.local_db import WrongPasswordError, keys
from sfa_desktop.local_db.migrations import LATEST_VERSION, read_version
from sfa_desktop.local_db.models import Customer, Order, OrderLine, OutboxCommand, Product, Quote, QuoteLine
from sfa_desktop.local_db.search import search_products
from sfa_desktop.session import AgentSession
from sfa_desktop.sync import outbox
from sfa_desktop.sync.protocol import commands as wire

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
#: schema versions of the releases whose replicas must open: the last one that landed first
RELEASES = (5, 4)
NO_KEYRING = keys.KeyStore(backend=FailKeyring())


@pytest.fixture(params=RELEASES, ids=[f"v{v}" for v in RELEASES])
def release(request: pytest.FixtureRequest) -> dict:
    return json.loads((FIXTURES / f"replica-v{request.param}.json").read_text())


@pytest.fixture
def old_replica(tmp_path: Path, release: dict) -> Path:
    """A copy: opening migrates the file in place, and the committed fixture must stay as it was."""
    version = release["schema_version"]
    target = tmp_path / "ag01.sfadb"
    shutil.copy(FIXTURES / f"replica-v{version}.db", target)
    shutil.copy(FIXTURES / f"replica-v{version}.db.key", keys.key_file_path(target))
    return target


def test_the_fixture_is_an_older_schema(old_replica: Path, release: dict) -> None:
    key = keys.load_key(old_replica, release["password"], store=NO_KEYRING)
    assert release["schema_version"] < LATEST_VERSION
    assert read_version(old_replica, key) == release["schema_version"]


def test_previous_release_replica_opens_migrates_and_keeps_the_work(old_replica: Path, release: dict) -> None:
    session = AgentSession(old_replica, keystore=NO_KEYRING)
    session.unlock(release["password"])
    try:
        key = keys.load_key(old_replica, release["password"], store=NO_KEYRING)
        assert read_version(old_replica, key) == LATEST_VERSION

        def rows(s):  # type: ignore[no-untyped-def]
            customer = s.get(Customer, release["customer_id"])
            products = s.scalars(select(Product).order_by(Product.sku)).all()
            quote = s.get(Quote, release["quote_id"])
            order = s.get(Order, release["order_id"])
            hits = search_products(s, products[0].sku, limit=5)
            quote_lines = s.scalar(select(func.count()).where(QuoteLine.quote_id == quote.id))
            order_lines = s.scalar(select(func.count()).where(OrderLine.order_id == order.id))
            return (customer.name, sorted(p.id for p in products), quote.customer_id, quote_lines,
                    quote.grand_total, order.customer_id, order_lines, order.grand_total, order.status,
                    [h.sku for h in hits], products[0].sku)

        (name, product_ids, quote_customer, quote_lines, quote_total, order_customer, order_lines, order_total,
         order_status, hits, first_sku) = session.read(rows)
        assert name
        assert product_ids == sorted(release["product_ids"])
        assert quote_customer == order_customer == release["customer_id"]
        assert quote_lines == order_lines == 3
        assert isinstance(quote_total, Decimal) and quote_total > 0 and order_total > 0
        assert order_status  # still the agent's order, in whatever state the queue left it
        assert first_sku in hits  # the search index came through the upgrade

        # the outbox survives: the same two commands, in order, pending, and valid on today's wire
        queued = session.read(lambda s: [(c.type, c.status, c.payload, c.id)
                                         for c in s.scalars(select(OutboxCommand).order_by(OutboxCommand.seq))])
        assert [status for _, status, _, _ in queued] == ["pending", "pending"]
        assert session.read(outbox.pending_count) == 2
        targets = [outbox.target_id(kind, payload) for kind, _, payload, _ in queued]
        assert targets == [release["quote_id"], release["order_id"]]
        for kind, _, payload, command_id in queued:
            command = wire.decode_command({"id": command_id, "type": kind, "payload": payload})
            command.spec.decode(command.payload)  # raises if the payload no longer fits the protocol
    finally:
        session.close()


def test_previous_release_replica_refuses_a_wrong_password(old_replica: Path, release: dict) -> None:
    session = AgentSession(old_replica, keystore=NO_KEYRING)
    with pytest.raises(WrongPasswordError):
        session.unlock("not-the-password")
    key = keys.load_key(old_replica, release["password"], store=NO_KEYRING)
    assert read_version(old_replica, key) == release["schema_version"]  # nothing migrated by the failed attempt
