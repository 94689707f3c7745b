"""No password, token or database key reaches a log, on the client or the server, even at DEBUG."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from sfa_desktop.local_db import keys
from sfa_desktop.local_db.models import Customer, Product
from sfa_desktop.operations import submit_order
from sfa_desktop.operations.lines import LineRequest
from sfa_desktop.sync import state

from .conftest import NO_KEYRING, Agent, LiveServer, make_agent


def test_a_day_of_sync_logs_no_secret(server: LiveServer, tmp_path: Path, agents: list[Agent],
                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger of both sides, including sqlalchemy and uvicorn
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    key = keys.load_key(tmp_path / "ag01.db", "demo-ag01", store=NO_KEYRING)
    agent.sync()
    with agent.replica.session(write=True) as s:
        customer = s.scalars(select(Customer).where(Customer.status == "active")).first()
        product = s.scalars(select(Product).where(Product.active.is_(True), Product.pack_size.is_(None),
                                                  Product.min_quantity.is_(None))).first()
        if product is None:
            product = s.scalars(select(Product).where(Product.active.is_(True))).first()
        quantity = max(product.pack_size or Decimal(1), product.min_quantity or Decimal(1))
        submit_order(s, customer_id=customer.id, lines=[LineRequest(product.id, quantity, "10")])
    agent.transport.refresh()  # a token rotation too
    agent.sync()
    with agent.replica.session() as s:
        refresh_token = state.stored_value(s, state.REFRESH_TOKEN_KEY)
    access_token = agent.transport._access_token
    secrets = {"password": "demo-ag01", "refresh token": refresh_token, "access token": access_token,
               "database key": key.hex()}
    assert all(secrets.values())
    text = "\n".join(r.getMessage() + " " + repr(r.args) for r in caplog.records)
    assert len(caplog.records) > 20, "the test must see the logs it checks"
    for what, secret in secrets.items():
        assert secret not in text, f"the {what} appears in the logs"
