"""Office: approval queue and decisions (one wins when two decide at once), audit, roles matrix."""

from __future__ import annotations

import threading
import uuid

import pytest

from tests.server.conftest import Env, command


def _pending_order(env: Env, agent: str = "anna") -> str:
    api = env.api(agent)
    oid = str(uuid.uuid4())
    [res] = api.push(
        command(
            "order.submit",
            order_id=oid,
            customer_id=env.world.customers[agent][0],
            lines=[{"product_id": "prod-1", "quantity": "3", "discount": "40"}],
        )
    )
    assert res["server"]["status"] == "pending_approval", res
    api.close()
    return oid


def test_queue_detail_and_approval_reach_the_agent(env: Env) -> None:
    oid = _pending_order(env)
    anna, olga = env.api("anna"), env.api("olga")
    cursor, _ = anna.pull_all()
    queue = olga.get("/office/approvals").json()["orders"]
    assert oid in {o["id"] for o in queue}
    detail = olga.get(f"/office/orders/{oid}").json()
    assert detail["status"] == "pending_approval" and detail["lines"][0]["sku"] == "SKU001"
    assert {"credit_limit", "balance", "overdue", "overdue_erp", "open_orders_total"} <= set(detail["credit"])
    assert any(r["rule"] == "line_discount" for r in detail["approval_reasons"])
    r = olga.post(f"/office/orders/{oid}/approve", json={"note": "ok, cliente storico"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    _c, changes = anna.pull_all(cursor)
    mine = [c["row"] for c in changes if c["s"] == "orders" and c["id"] == oid]
    assert mine and mine[0]["status"] == "approved" and mine[0]["decided_by"] == "olga"
    trail = olga.get("/office/audit", params={"order_id": oid}).json()["entries"]
    assert [e["action"] for e in trail] == ["order.approve", "order.submit"]
    assert trail[0]["actor"] == "olga"
    anna.close()
    olga.close()


def test_reject_needs_a_note(env: Env) -> None:
    oid = _pending_order(env)
    olga = env.api("olga")
    r = olga.post(f"/office/orders/{oid}/reject", json={"note": "  "})
    assert r.status_code == 422
    r = olga.post(f"/office/orders/{oid}/reject", json={"note": "sconto fuori politica"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    olga.close()


def test_two_decisions_at_once_one_gets_409(env: Env) -> None:
    oid = _pending_order(env)
    olga, otto = env.api("olga"), env.api("otto")
    barrier = threading.Barrier(2)
    answers: dict[str, object] = {}

    def decide(api: object, name: str, action: str) -> None:
        barrier.wait()
        answers[name] = api.post(f"/office/orders/{oid}/{action}", json={"note": f"{name} decides"})

    threads = [
        threading.Thread(target=decide, args=(olga, "olga", "approve")),
        threading.Thread(target=decide, args=(otto, "otto", "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(r.status_code for r in answers.values())
    assert codes == [200, 409], codes
    loser = next(r for r in answers.values() if r.status_code == 409)
    winner = next(n for n, r in answers.items() if r.status_code == 200)
    assert "was already" in loser.json()["detail"] and f"by {winner} at" in loser.json()["detail"]
    assert loser.json()["code"] == "already_decided"
    olga.close()
    otto.close()


ENDPOINTS = [
    ("GET", "/office/approvals", None),
    ("GET", "/office/orders/{order}", None),
    ("POST", "/office/orders/{order}/approve", {"note": "x"}),
    ("GET", "/office/audit", None),
    ("GET", "/admin/users", None),
    ("GET", "/admin/devices", None),
    ("POST", "/admin/users", {"username": "new-{n}", "password": "long enough pw", "role": "office"}),
    ("GET", "/sync/pull", None),
    ("GET", "/sync/checksums", None),
]
ALLOWED = {
    "agent": {"/sync/pull", "/sync/checksums"},
    "office": {
        "/sync/pull",
        "/sync/checksums",
        "/office/approvals",
        "/office/orders/{order}",
        "/office/orders/{order}/approve",
        "/office/audit",
    },
    "admin": {e[1] for e in ENDPOINTS},
}


@pytest.mark.parametrize("user", ["anna", "olga", "ada"])
def test_roles_by_endpoints(env: Env, user: str) -> None:
    role = {"anna": "agent", "olga": "office", "ada": "admin"}[user]
    api = env.api(user)
    for method, path, body in ENDPOINTS:
        oid = _pending_order(env) if "{order}" in path else ""
        url = path.replace("{order}", oid)
        payload = (
            {
                k: v.replace("{n}", uuid.uuid4().hex[:6]) if isinstance(v, str) else v
                for k, v in (body or {}).items()
            }
            if body
            else None
        )
        r = api.http.request(method, "/api/v1" + url, json=payload)
        if path in ALLOWED[role]:
            assert r.status_code in (200, 201), (user, path, r.text)
        else:
            assert r.status_code == 403, (user, path, r.status_code)
            assert r.json()["code"] == "forbidden"
    api.close()


def test_office_sees_all_agents_data_agents_only_theirs(env: Env) -> None:
    oa, ob = _pending_order(env, "anna"), _pending_order(env, "bruno")
    olga, anna = env.api("olga"), env.api("anna")
    _c, office_rows = olga.pull_all()
    _c, agent_rows = anna.pull_all()
    office_orders = {c["id"] for c in office_rows if c["s"] == "orders"}
    agent_orders = {c["id"] for c in agent_rows if c["s"] == "orders"}
    assert {oa, ob} <= office_orders
    assert oa in agent_orders and ob not in agent_orders
    olga.close()
    anna.close()
