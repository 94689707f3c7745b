"""The server prices with the domain's one function: list version by day, group lists and their scope,
agreed net prices, VAT exemptions, overdue from the open items. Figures worked out by hand."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sfa_server.changes import upsert_rows
from tests.server.conftest import Env, apply_changes, command

D = Decimal


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _customer(env: Env, cid: str, agent: str = "anna", **fields: object) -> str:
    row = {"id": cid, "name": f"Cliente {cid}", "status": "active", "price_list_id": "pl-a",
           "credit_limit": D(0), "balance": D(0), "overdue_amount": D(0), "language": "it",
           "agent_id": env.world.users[agent], "row_version": 1, **fields}
    with env.sessions.begin() as s:
        upsert_rows(s, "customers", [row])
    return cid


def _order(env: Env, customer_id: str, lines: list[dict], **payload: object) -> dict:
    anna = env.api("anna")
    try:
        [res] = anna.push(command("order.submit", order_id=str(uuid.uuid4()), customer_id=customer_id,
                                  lines=lines, **payload))
    finally:
        anna.close()
    return res


def test_a_version_imported_today_that_starts_tomorrow_changes_nothing_today(env: Env) -> None:
    cid = _customer(env, "cust-version")
    tomorrow = _today() + dt.timedelta(days=1)
    with env.sessions.begin() as s:
        upsert_rows(s, "price_lists", [{"id": "pl-a-2", "code": "GDO", "name": "Listino GDO 2", "currency": "EUR",
                                        "version": 2, "valid_from": tomorrow, "is_base": False}])
        upsert_rows(s, "price_list_items", [{"id": "pli-a2-1", "price_list_id": "pl-a-2", "product_id": "prod-1",
                                             "min_quantity": D(1), "price": D("7.00")}])
    res = _order(env, cid, [{"product_id": "prod-1", "quantity": "10"}])
    # GDO v1 still prices today: 10 × 9.50 = 95.00 (v2's 7.00 starts tomorrow)
    assert res["status"] == "applied", res
    assert [(ln["unit_price"], ln["price_list_id"], ln["net_amount"]) for ln in res["server"]["lines"]] == [
        ("9.5000", "pl-a", "95.00")]
    # the agent holds both versions of the code, to choose by day offline as the server does
    anna = env.api("anna")
    _cursor, changes = anna.pull_all()
    anna.close()
    assert {"pl-a", "pl-a-2"} <= {c["id"] for c in changes if c["s"] == "price_lists"}
    assert "pli-a2-1" in {c["id"] for c in changes if c["s"] == "price_list_items"}


def test_a_group_list_enters_the_agents_scope_with_the_customer_and_prices_after_the_own_list(env: Env) -> None:
    with env.sessions.begin() as s:  # the group's list exists before any of anna's customers is in the group
        upsert_rows(s, "price_lists", [{"id": "pl-elet", "code": "ELET", "name": "Listino elettricisti",
                                        "currency": "EUR", "version": 1, "is_base": False,
                                        "customer_group": "ELETTRICISTI"}])
        upsert_rows(s, "price_list_items", [
            {"id": "pli-elet-1", "price_list_id": "pl-elet", "product_id": "prod-1", "min_quantity": D(1),
             "price": D("9.00")},
            {"id": "pli-elet-4", "price_list_id": "pl-elet", "product_id": "prod-4", "min_quantity": D(1),
             "price": D("8.80")}])
    cid = _customer(env, "cust-group")
    anna, bruno = env.api("anna"), env.api("bruno")
    replica_a: dict = {}
    replica_b: dict = {}
    cursor_a, changes = anna.pull_all()
    apply_changes(replica_a, changes)
    cursor_b, changes = bruno.pull_all()
    apply_changes(replica_b, changes)
    assert "pl-elet" not in replica_a.get("price_lists", {})
    _customer(env, cid, price_group="ELETTRICISTI")  # the office puts the customer in the group
    cursor_a, changes = anna.pull_all(cursor_a)
    apply_changes(replica_a, changes)
    assert "pl-elet" in replica_a["price_lists"]  # granted: the list did not change, the scope did
    assert {"pli-elet-1", "pli-elet-4"} <= set(replica_a["price_list_items"])
    _cursor, changes = bruno.pull_all(cursor_b)
    assert not [c for c in changes if c["s"] in ("price_lists", "price_list_items")]
    res = _order(env, cid, [{"product_id": "prod-1", "quantity": "10"}, {"product_id": "prod-4", "quantity": "10"}])
    # prod-1 is on the customer's own GDO list (9.50 beats the group's 9.00 by precedence, not by price);
    # prod-4 is not on GDO: the group's 8.80. 95.00 + 88.00 = 183.00
    assert [(ln["price_list_id"], ln["unit_price"]) for ln in res["server"]["lines"]] == [
        ("pl-a", "9.5000"), ("pl-elet", "8.8000")]
    assert res["server"]["taxable_total"] == "183.00"
    _customer(env, cid, price_group=None)  # out of the group again: the list leaves anna's replica
    cursor_a, changes = anna.pull_all(cursor_a)
    apply_changes(replica_a, changes)
    assert "pl-elet" not in replica_a["price_lists"] and "pli-elet-4" not in replica_a["price_list_items"]
    anna.close()
    bruno.close()


def test_a_list_given_to_a_group_later_reaches_the_agents_with_its_items(env: Env) -> None:
    with env.sessions.begin() as s:
        upsert_rows(s, "price_lists", [{"id": "pl-late", "code": "LATE", "name": "Listino promo",
                                        "currency": "EUR", "version": 1, "is_base": False}])
        upsert_rows(s, "price_list_items", [{"id": "pli-late-2", "price_list_id": "pl-late",
                                             "product_id": "prod-2", "min_quantity": D(1), "price": D("8.00")}])
    _customer(env, "cust-late", price_group="PROMO")
    anna = env.api("anna")
    cursor, changes = anna.pull_all()
    assert "pl-late" not in {c["id"] for c in changes if c["s"] == "price_lists"}
    with env.sessions.begin() as s:  # the ERP import says, later, which group the list is for
        upsert_rows(s, "price_lists", [{"id": "pl-late", "code": "LATE", "name": "Listino promo",
                                        "currency": "EUR", "version": 1, "is_base": False,
                                        "customer_group": "PROMO"}])
    _cursor, changes = anna.pull_all(cursor)
    anna.close()
    assert ("price_lists", "pl-late") in {(c["s"], c["id"]) for c in changes}
    assert ("price_list_items", "pli-late-2") in {(c["s"], c["id"]) for c in changes}  # unchanged, but granted


def test_an_agreed_net_price_is_priced_and_answered_as_such(env: Env) -> None:
    cid = _customer(env, "cust-net")
    res = _order(env, cid, [{"product_id": "prod-2", "quantity": "4", "net_price": "9.00"}])
    # GDO lists prod-2 at 9.50; agreed 9.00: 4 × 9.00 = 36.00; VAT 22 % = 7.92; total 43.92.
    # The discount it means, (9.50 − 9.00) / 9.50 = 5.26 %, is within anna's 15 %: approved.
    assert res["status"] == "applied" and res["server"]["status"] == "approved", res
    [line] = res["server"]["lines"]
    figures = ("unit_price", "net_price", "net_unit_price", "net_amount")
    assert [D(line[k]) for k in figures] == [D("9.50"), D("9.00"), D("9.00"), D("36.00")]
    assert line["discount"] is None
    assert (res["server"]["vat_total"], res["server"]["grand_total"]) == ("7.92", "43.92")
    too_low = _order(env, cid, [{"product_id": "prod-2", "quantity": "4", "net_price": "7.60"}])
    # (9.50 − 7.60) / 9.50 = 20 %, above anna's limit of 15 %
    assert too_low["server"]["status"] == "pending_approval"
    assert [(r["rule"], D(r["figure"]), D(r["limit"])) for r in too_low["server"]["approval_reasons"]] == [
        ("line_discount", D("20.00"), D(15)), ("average_discount", D("20.00"), D(10))]
    above = _order(env, cid, [{"product_id": "prod-2", "quantity": "4", "net_price": "9.60"}])
    assert above["status"] == "rejected" and above["code"] == "invalid_discount"
    assert above["reason"].startswith("Line 1 (SKU002): The net price €9.60 is above the price €9.50")


def test_a_declaration_of_intent_puts_every_line_at_zero_with_its_nature(env: Env) -> None:
    cid = _customer(env, "cust-export", vat_exemption="N3.5",
                    vat_exemption_ref="n. 26011512345678901-000001 del 15/01/2026")
    res = _order(env, cid, [{"product_id": "prod-1", "quantity": "10"}, {"product_id": "prod-4", "quantity": "3"}])
    # 10 × 9.50 + 3 × 10.00 = 125.00, no VAT
    assert [(ln["vat_rate"], ln["vat_nature"]) for ln in res["server"]["lines"]] == [("0", "N3.5"), ("0", "N3.5")]
    assert (res["server"]["taxable_total"], res["server"]["vat_total"], res["server"]["grand_total"]) == (
        "125.00", "0.00", "125.00")


def test_overdue_comes_from_the_open_items_the_erp_figure_is_only_shown(env: Env) -> None:
    today = _today()
    erp_says = _customer(env, "cust-erp-overdue", overdue_amount=D("900.00"))  # no open item is overdue
    assert _order(env, erp_says, [{"product_id": "prod-1", "quantity": "1"}])["server"]["status"] == "approved"
    items_say = _customer(env, "cust-items-overdue")  # the ERP figure says 0
    with env.sessions.begin() as s:
        upsert_rows(s, "open_items", [
            {"id": "oi-1", "customer_id": items_say, "document_number": "FT 2026/00112",
             "document_date": today - dt.timedelta(days=70), "due_date": today - dt.timedelta(days=1),
             "amount": D("400.00"), "paid": D("150.00")},
            {"id": "oi-2", "customer_id": items_say, "document_number": "FT 2026/00180",
             "document_date": today - dt.timedelta(days=30), "due_date": today, "amount": D("700.00"),
             "paid": D(0)}])
    res = _order(env, items_say, [{"product_id": "prod-1", "quantity": "1"}])
    # 400.00 − 150.00 = 250.00 due yesterday; the 700.00 due today is not overdue yet
    assert [(r["rule"], D(r["figure"])) for r in res["server"]["approval_reasons"]] == [
        ("overdue_invoices", D("250.00"))]
    olga = env.api("olga")
    detail = olga.get(f"/office/orders/{res['server']['order_id']}").json()
    olga.close()
    assert (D(detail["credit"]["overdue"]), D(detail["credit"]["overdue_erp"])) == (D("250.00"), D(0))
