"""A replica written by the previous release (schema v4) opens, migrates and keeps the agent's work.

tests/fixtures/replica-v4.db was written by that release's own code (tests/fixtures/make_replica_fixture.py
says how): one customer, three products, a saved quote and a submitted order, both still in the
outbox. Its key file is wrapped with the documented test password of replica-v4.json.
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
MANIFEST = json.loads((FIXTURES / "replica-v4.json").read_text())
NO_KEYRING = keys.KeyStore(backend=FailKeyring())


@pytest.fixture
def old_replica(tmp_path: Path) -> Path:
    """A copy: opening migrates the file in place, and the committed fixture must stay v4."""
    target = tmp_path / "ag01.sfadb"
    shutil.copy(FIXTURES / "replica-v4.db", target)
    shutil.copy(FIXTURES / "replica-v4.db.key", keys.key_file_path(target))
    return target


def test_the_fixture_is_the_previous_schema(old_replica: Path) -> None:
    key = keys.load_key(old_replica, MANIFEST["password"], store=NO_KEYRING)
    assert MANIFEST["schema_version"] == 4 == LATEST_VERSION - 1
    assert read_version(old_replica, key) == 4


def test_previous_release_replica_opens_migrates_and_keeps_the_work(old_replica: Path) -> None:
    session = AgentSession(old_replica, keystore=NO_KEYRING)
    session.unlock(MANIFEST["password"])
    try:
        key = keys.load_key(old_replica, MANIFEST["password"], store=NO_KEYRING)
        assert read_version(old_replica, key) == LATEST_VERSION

        def rows(s):  # type: ignore[no-untyped-def]
            customer = s.get(Customer, MANIFEST["customer_id"])
            products = s.scalars(select(Product).order_by(Product.sku)).all()
            quote = s.get(Quote, MANIFEST["quote_id"])
            order = s.get(Order, MANIFEST["order_id"])
            hits = search_products(s, products[0].sku, limit=5)
            quote_lines = s.scalar(select(func.count()).where(QuoteLine.quote_id == quote.id))
            order_lines = s.scalar(select(func.count()).where(OrderLine.order_id == order.id))
            return (customer.name, sorted(p.id for p in products), quote.customer_id, quote_lines,
                    quote.grand_total, order.customer_id, order_lines, order.grand_total, order.status,
                    [h.sku for h in hits], products[0].sku)

        (name, product_ids, quote_customer, quote_lines, quote_total, order_customer, order_lines, order_total,
         order_status, hits, first_sku) = session.read(rows)
        assert name
        assert product_ids == sorted(MANIFEST["product_ids"])
        assert quote_customer == order_customer == MANIFEST["customer_id"]
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
        assert targets == [MANIFEST["quote_id"], MANIFEST["order_id"]]
        for kind, _, payload, command_id in queued:
            command = wire.decode_command({"id": command_id, "type": kind, "payload": payload})
            command.spec.decode(command.payload)  # raises if the payload no longer fits the protocol
    finally:
        session.close()


def test_previous_release_replica_refuses_a_wrong_password(old_replica: Path) -> None:
    session = AgentSession(old_replica, keystore=NO_KEYRING)
    with pytest.raises(WrongPasswordError):
        session.unlock("not-the-password")
    key = keys.load_key(old_replica, MANIFEST["password"], store=NO_KEYRING)
    assert read_version(old_replica, key) == 4  # nothing was migrated by the failed attempt
