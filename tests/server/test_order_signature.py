"""The customer's signature travels with order.submit: stored when well-formed, refused otherwise."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from sfa_desktop.domain.signature import MAX_SIGNATURE_CHARS, path_data
from sfa_server.models import Order
from tests.server.conftest import Env, command

SIGNED = path_data([[(10, 150), (80, 40), (160, 150), (240, 60)], [(300, 120), (560, 110)]])


def _submit(env: Env, signature: object):
    anna = env.api("anna")
    order_id = str(uuid.uuid4())
    payload = {"order_id": order_id, "customer_id": env.world.customers["anna"][0],
               "lines": [{"product_id": "prod-1", "quantity": "1"}]}
    if signature is not None:
        payload["signature"] = signature
    [res] = anna.push(command("order.submit", **payload))
    anna.close()
    return order_id, res


def test_a_signed_order_keeps_its_signature(env: Env) -> None:
    order_id, res = _submit(env, SIGNED)
    assert res["status"] == "applied", res
    with env.sessions() as s:
        assert s.get(Order, order_id).signature == SIGNED


def test_an_unsigned_order_has_none(env: Env) -> None:
    order_id, res = _submit(env, None)
    assert res["status"] == "applied", res
    with env.sessions() as s:
        assert s.get(Order, order_id).signature is None


@pytest.mark.parametrize("bad", ["<svg onload=alert(1)>", "M 10 10", "M 700 10 L 20 20", "L 1 1 M 2 2"])
def test_a_malformed_signature_is_rejected_and_nothing_written(env: Env, bad: str) -> None:
    with env.sessions() as s:
        before = s.execute(select(func.count()).select_from(Order)).scalar_one()
    _order_id, res = _submit(env, bad)
    assert res["status"] == "rejected" and res["code"] == "invalid", res
    with env.sessions() as s:
        assert s.execute(select(func.count()).select_from(Order)).scalar_one() == before


def test_a_signature_above_the_limit_is_refused_by_the_envelope(env: Env) -> None:
    huge = "M 1 1" + " L 2 2" * (MAX_SIGNATURE_CHARS // 6 + 10)
    _order_id, res = _submit(env, huge)
    assert res["status"] == "rejected", res
