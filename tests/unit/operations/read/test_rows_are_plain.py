"""Every read function hands out frozen dataclasses of plain values: no ORM object escapes the session,
so a table model can keep rows after the transaction ended and nothing can write through them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

import pytest

from sfa_desktop.domain.messages import Message
from sfa_desktop.local_db import open_replica
from sfa_desktop.local_db.models import Base
from sfa_desktop.operations.read import catalog, crm, customer360, customers, documents, sync
from sfa_desktop.sync.events import Decision
from sfa_desktop.sync.state import record_decisions

from .conftest import TODAY, at, fill, queue_the_days_work, refuse_the_customer_change

PLAIN = (str, int, bool, Decimal, dt.date, dt.datetime, dt.timedelta, bytes, type(None))


def walk(value, path="result"):
    """Every value reachable from `value`, checked: frozen dataclasses, tuples, plain values."""
    assert not isinstance(value, Base), f"{path} is an ORM object"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        assert type(value).__dataclass_params__.frozen, f"{path}: {type(value).__name__} is not frozen"
        for f in dataclasses.fields(value):
            walk(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, list | tuple):
        for n, item in enumerate(value):
            walk(item, f"{path}[{n}]")
    elif isinstance(value, Mapping | MappingProxyType):
        for k, v in value.items():
            walk(v, f"{path}[{k!r}]")
    else:
        assert isinstance(value, PLAIN), f"{path} is a {type(value).__name__}"


READS = {
    "customer_rows": lambda s: customers.customer_rows(s, customers.customer_ids(s, today=TODAY), today=TODAY),
    "customer_360": lambda s: customer360.customer_360(s, "c1", today=TODAY),
    "product_rows": lambda s: catalog.product_rows(s, catalog.product_ids(s), customer_id="c1", on=TODAY),
    "product_detail": lambda s: catalog.product_detail(s, "p1", customer_id="c1", on=TODAY),
    "quote_rows": lambda s: documents.quote_rows(s, documents.quote_ids(s, latest_only=False, today=TODAY)),
    "quote_detail": lambda s: documents.quote_detail(s, "q4", today=TODAY),
    "order_rows": lambda s: documents.order_rows(s, documents.order_ids(s)),
    "order_detail": lambda s: documents.order_detail(s, "o3", today=TODAY),
    "last_prices_sold": lambda s: documents.last_prices_sold(s, "c1"),
    "activity_rows": lambda s: crm.activity_rows(s, crm.activity_ids(s)),
    "deal_rows": lambda s: crm.deal_rows(s, crm.deal_ids(s)),
}
SYNC_READS = {
    "outbox_rows": lambda s: sync.outbox_rows(s, sync.outbox_ids(s, status=("pending", "failed"))),
    "conflict_rows": lambda s: sync.conflict_rows(s, sync.conflict_ids(s)),
    "update_rows": lambda s: sync.update_rows(s, sync.update_ids(s)),
    "sync_summary": lambda s: sync.sync_summary(s),
}


def check_plain(replica, read) -> None:
    with replica.session() as s:
        result = read(s)
        assert not s.dirty and not s.new  # reading changed nothing
    assert result  # the fixture has data for every read
    walk(result)
    first = result[0] if isinstance(result, list) else result
    field = dataclasses.fields(first)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(first, field, "changed")


@pytest.mark.parametrize("name", sorted(READS))
def test_rows_are_frozen_plain_values_usable_after_the_session(replica, name):
    check_plain(replica, READS[name])


@pytest.fixture(scope="module")
def busy(tmp_path_factory):
    """The portfolio with a day's work queued, one change refused and an office decision received."""
    rep = open_replica(tmp_path_factory.mktemp("busy") / "agent.sfadb", os.urandom(32))
    fill(rep)
    queue_the_days_work(rep)
    refuse_the_customer_change(rep)
    with rep.session(write=True) as s:
        record_decisions(s, [Decision("o6", "O-AG07-2026-00006", "c1", "approved", None, "ufficio")],
                         at=at("2026-11-18", "15:00"))
    yield rep
    rep.close()


@pytest.mark.parametrize("name", sorted(SYNC_READS))
def test_sync_section_rows_are_frozen_plain_values(busy, name):
    check_plain(busy, SYNC_READS[name])


def test_messages_in_rows_are_messages(replica):
    with replica.session() as s:
        detail = documents.order_detail(s, "o3", today=TODAY)
    assert isinstance(detail.approval_reasons[0].message, Message)
