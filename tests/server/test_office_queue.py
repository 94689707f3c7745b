"""The office's typed routes: the queue in pages (filters, sorts, totals), one order with what is
weighed, decisions and their races, bad inputs, roles, and an OpenAPI that states every status."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest

from tests.server.conftest import Env, command


def _submit(env: Env, agent: str = "anna", discount: str = "40", customer: int = 0) -> str:
    api = env.api(agent)
    oid = str(uuid.uuid4())
    [res] = api.push(command("order.submit", order_id=oid, customer_id=env.world.customers[agent][customer],
                             lines=[{"product_id": "prod-1", "quantity": "3", "discount": discount},
                                    {"product_id": "prod-2", "quantity": "1"}]))
    api.close()
    assert res["server"]["status"] == "pending_approval", res
    return oid


def _all_pages(api, **params) -> tuple[list[dict], list[int]]:
    seen, totals, cursor = [], [], None
    while True:
        r = api.get("/office/approvals", params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        page = r.json()
        seen += page["orders"]
        totals.append(page["total"])
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, totals


def test_queue_pages_filters_and_sorts(env: Env) -> None:
    mine = [_submit(env, "anna") for _ in range(5)] + [_submit(env, "bruno") for _ in range(3)]
    olga = env.api("olga")
    everything, totals = _all_pages(olga, limit=3)
    ids = [o["id"] for o in everything]
    assert len(ids) == len(set(ids)), "a page repeated an order"
    assert set(mine) <= set(ids) and len(set(totals)) == 1 and totals[0] == len(ids)
    created = [o["created_at"] for o in everything]
    assert created == sorted(created)  # oldest first
    anna_id = env.world.users["anna"]
    annas, totals = _all_pages(olga, limit=2, agent_id=anna_id)
    assert {o["agent_id"] for o in annas} == {anna_id} and totals[0] == len(annas)
    assert annas[0]["agent_username"] == "anna" and annas[0]["customer_name"].startswith("Cliente")
    by_total, _ = _all_pages(olga, limit=4, sort="grand_total", descending="true")
    totals_seen = [Decimal(o["grand_total"]) for o in by_total]
    assert totals_seen == sorted(totals_seen, reverse=True) and len(by_total) == len(ids)
    discount, _ = _all_pages(olga, reason="line_discount", limit=50)
    assert set(mine) <= {o["id"] for o in discount}
    assert all("line_discount" in {r["rule"] for r in o["approval_reasons"]} for o in discount)
    nothing = olga.get("/office/approvals", params={"reason": "blocked_customer"}).json()
    assert nothing["total"] == 0 and nothing["orders"] == [] and nothing["next_cursor"] is None
    olga.close()


@pytest.mark.parametrize("params", [
    {"cursor": "not-a-cursor"}, {"reason": "no_such_rule"}, {"sort": "customer; drop table"}, {"limit": 0},
    {"limit": 501}])
def test_queue_refuses_bad_parameters(env: Env, params: dict) -> None:
    olga = env.api("olga")
    r = olga.get("/office/approvals", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "invalid"
    olga.close()


def test_a_cursor_of_another_sort_is_refused(env: Env) -> None:
    for _ in range(2):
        _submit(env)
    olga = env.api("olga")
    cursor = olga.get("/office/approvals", params={"limit": 1}).json()["next_cursor"]
    assert cursor
    r = olga.get("/office/approvals", params={"limit": 1, "cursor": cursor, "sort": "number"})
    assert r.status_code == 422 and "first page" in r.json()["detail"]
    olga.close()


def test_order_detail_has_what_the_office_weighs(env: Env) -> None:
    oid = _submit(env)
    olga = env.api("olga")
    d = olga.get(f"/office/orders/{oid}").json()
    first = d["lines"][0]
    assert first["sku"] == "SKU001" and first["discount"] == "40" and Decimal(first["list_price"]) == Decimal("9.5")
    assert Decimal(first["discount_from_list_pct"]) == Decimal("40")  # the GDO list's 9.50 less 40%
    assert first["unit_cost"] is not None and first["margin"] is not None and first["margin_pct"] is not None
    assert Decimal(first["margin"]) == Decimal(first["net_amount"]) - Decimal("18.00")
    assert d["credit"]["credit_limit"] and isinstance(d["credit"]["overdue_invoices"], list)
    assert isinstance(d["credit"]["open_orders"], list) and oid not in {o["id"] for o in d["credit"]["open_orders"]}
    assert {s["sku"] for s in d["stock"]} == {"SKU001", "SKU002"} and d["stock"][0]["warehouse_name"] == "Milano"
    assert d["quote"] is None
    assert [e["action"] for e in d["audit"]] == ["order.submit"]
    assert d["agent_username"] == "anna" and d["approval_reasons"][0]["rule"] == "line_discount"
    olga.close()


def test_approve_with_note_reaches_the_agent_and_the_trail(env: Env) -> None:
    oid = _submit(env)
    olga, anna = env.api("olga"), env.api("anna")
    cursor, _ = anna.pull_all()
    r = olga.post(f"/office/orders/{oid}/approve", json={"note": "  cliente storico  "})
    assert r.status_code == 200
    assert r.json()["note"] == "cliente storico" and r.json()["decided_by"] == "olga"
    _c, changes = anna.pull_all(cursor)
    [row] = [c["row"] for c in changes if c["s"] == "orders" and c["id"] == oid]
    assert row["status"] == "approved" and row["decision_note"] == "cliente storico"
    d = olga.get(f"/office/orders/{oid}").json()
    assert [e["action"] for e in d["audit"]] == ["order.approve", "order.submit"]
    olga.close()
    anna.close()


@pytest.mark.parametrize("note", [None, "", "   \n\t "])
def test_reject_without_a_note_is_refused_and_changes_nothing(env: Env, note: str | None) -> None:
    oid = _submit(env)
    olga = env.api("olga")
    r = olga.post(f"/office/orders/{oid}/reject", json={"note": note})
    assert r.status_code == 422 and r.json()["code"] == "note_required"
    assert olga.get(f"/office/orders/{oid}").json()["status"] == "pending_approval"
    olga.close()


def test_an_order_the_agent_cancelled_cannot_be_decided(env: Env) -> None:
    oid = _submit(env)
    anna = env.api("anna")
    [res] = anna.push(command("order.cancel", order_id=oid, reason="il cliente ha cambiato idea"))
    assert res["status"] == "applied", res
    olga = env.api("olga")
    r = olga.post(f"/office/orders/{oid}/approve", json={})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "not_pending" and body["status"] == "cancelled"
    assert "cancelled by the agent" in body["detail"]
    assert olga.post(f"/office/orders/{oid}/reject", json={"note": "no"}).status_code == 409
    anna.close()
    olga.close()


def test_unknown_ids_are_404(env: Env) -> None:
    olga, ada = env.api("olga"), env.api("ada")
    for path, body in ((f"/office/orders/{uuid.uuid4()}/approve", {}),
                       (f"/office/orders/{uuid.uuid4()}/reject", {"note": "x"}),
                       (f"/office/customers/{uuid.uuid4()}/reassign", {"agent_id": env.world.users["anna"]})):
        r = olga.post(path, json=body)
        assert r.status_code == 404 and r.json()["code"] == "not_found", (path, r.text)
    assert olga.get(f"/office/orders/{uuid.uuid4()}").status_code == 404
    assert ada.post(f"/admin/devices/{uuid.uuid4()}/revoke").status_code == 404
    assert ada.post(f"/admin/users/{uuid.uuid4()}/disable").status_code == 404
    olga.close()
    ada.close()


def test_an_agent_calling_office_routes_gets_403(env: Env) -> None:
    oid = _submit(env)
    anna = env.api("anna")
    for method, path, body in (("GET", "/office/approvals", None), ("GET", f"/office/orders/{oid}", None),
                               ("POST", f"/office/orders/{oid}/approve", {}),
                               ("POST", f"/office/orders/{oid}/reject", {"note": "x"}),
                               ("GET", "/office/agents", None), ("GET", "/office/price-lists", None),
                               ("GET", "/office/customers?search=Cliente", None),
                               ("GET", "/admin/devices", None), ("GET", "/admin/users", None)):
        r = anna.http.request(method, "/api/v1" + path, json=body)
        assert r.status_code == 403 and r.json()["code"] == "forbidden", (path, r.status_code)
    olga = env.api("olga")
    assert olga.get("/admin/devices").status_code == 403
    assert olga.get(f"/office/orders/{oid}").json()["status"] == "pending_approval"
    anna.close()
    olga.close()


def test_two_office_users_deciding_at_once_exactly_one_wins(env: Env) -> None:
    """Ten rounds of two office users approving / rejecting the same order at the same moment."""
    olga, otto = env.api("olga"), env.api("otto")
    for round_no in range(10):
        oid = _submit(env)
        barrier = threading.Barrier(2)
        answers: dict[str, object] = {}

        def decide(api, name: str, action: str, oid: str = oid, barrier=barrier, answers=answers) -> None:
            barrier.wait()
            answers[name] = api.post(f"/office/orders/{oid}/{action}", json={"note": f"{name} decide"})

        actions = ("approve", "reject") if round_no % 2 else ("approve", "approve")
        threads = [threading.Thread(target=decide, args=(olga, "olga", actions[0])),
                   threading.Thread(target=decide, args=(otto, "otto", actions[1]))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        codes = sorted(r.status_code for r in answers.values())
        assert codes == [200, 409], (round_no, codes)
        winner = next(n for n, r in answers.items() if r.status_code == 200)
        loser = next(r for r in answers.values() if r.status_code == 409).json()
        assert loser["code"] == "already_decided" and loser["decided_by"] == winner and loser["decided_at"]
        assert f"by {winner} at" in loser["detail"]
        final = olga.get(f"/office/orders/{oid}").json()
        assert final["decided_by"] == winner
        assert [e["action"] for e in final["audit"]].count("order.submit") == 1 and len(final["audit"]) == 2
    olga.close()
    otto.close()


def test_admin_lists_devices_with_last_sync_and_a_pending_wipe(env: Env) -> None:
    oid = _submit(env, "bruno")  # bruno's device pushes one command
    bruno = env.api("bruno")
    bruno.push(command("order.cancel", order_id=oid))
    ada = env.api("ada")
    devices = ada.get("/admin/devices", params={"user_id": env.world.users["bruno"]}).json()["devices"]
    mine = next(d for d in devices if d["id"] == bruno.device_id)
    assert mine["username"] == "bruno" and mine["last_seen_at"] and mine["last_push_at"]
    assert mine["commands_applied"] == 1 and mine["pending_commands"] == []
    r = ada.post(f"/admin/devices/{bruno.device_id}/revoke")
    assert r.status_code == 200 and r.json()["pending_commands"] == ["wipe"] and r.json()["revoked_at"]
    assert bruno.get("/sync/pull").json()["code"] == "device_revoked"
    ada.close()
    bruno.close()


def test_office_lookups_and_reassignment(env: Env) -> None:
    olga = env.api("olga")
    agents = olga.get("/office/agents").json()["users"]
    assert {a["username"] for a in agents} == {"anna", "bruno"}
    assert {p["code"] for p in olga.get("/office/price-lists").json()["price_lists"]} == {"BASE", "GDO", "HORECA"}
    found = olga.get("/office/customers", params={"search": "cust-anna-3"}).json()["customers"]
    assert [c["id"] for c in found] == ["cust-anna-3"] and found[0]["agent_username"] == "anna"
    assert olga.get("/office/customers", params={"search": "%_"}).status_code == 200  # wildcards are text
    r = olga.post("/office/customers/cust-anna-3/reassign", json={"agent_id": env.world.users["bruno"]})
    assert r.status_code == 200 and r.json()["agent_username"] == "bruno"
    assert r.json()["previous_agent_id"] == env.world.users["anna"]
    r = olga.post("/office/customers/cust-anna-3/reassign", json={"agent_id": env.world.users["olga"]})
    assert r.status_code == 422
    olga.close()


def test_openapi_states_every_status_of_the_office_routes(env: Env) -> None:
    import httpx

    doc = httpx.get(env.base_url + "/openapi.json", timeout=10).json()
    for path, item in doc["paths"].items():
        if not path.startswith(("/api/v1/office", "/api/v1/admin")):
            continue
        for method, op in item.items():
            codes = set(op["responses"])
            assert {"401", "403", "426"} <= codes, (method, path, codes)
            ok = "201" if path.endswith("/users") and method == "post" else "200"
            schema = op["responses"][ok]["content"]["application/json"]["schema"]
            assert "$ref" in schema, (method, path, "untyped answer")
            if "{" in path:
                assert "404" in codes, (method, path)
            if path.endswith(("/approve", "/reject")):
                assert "409" in codes and "422" in codes
    schemas = doc["components"]["schemas"]
    assert {"OrderForApprovalPublic", "OrderDetailPublic", "ApprovalQueuePublic", "UserPublic", "DevicePublic",
            "ProspectForReviewPublic", "AlreadyDecidedPublic"} <= set(schemas)
