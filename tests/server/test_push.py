"""Push: server pricing and approval, exactly-once replay, business rejections, field merges."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from sfa_desktop.sync import protocol as p
from sfa_server.models import AppliedCommand, Customer, Order, OrderLine, Quote, QuoteLine
from tests.server.conftest import Env, command

#: A document needs at least one line, on the server as on the client (one pricing of a document).
ONE_LINE = [{"product_id": "prod-1", "quantity": "1"}]


def _count(env: Env, model: type) -> int:
    with env.sessions() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_order_is_priced_by_the_server_and_approved(env: Env) -> None:
    anna = env.api("anna")
    cust = env.world.customers["anna"][0]
    cmd = command(
        "order.submit",
        order_id=str(uuid.uuid4()),
        customer_id=cust,
        lines=[
            {"product_id": "prod-1", "quantity": "10"},  # list GDO 9.50
            {"product_id": "prod-4", "quantity": "2", "discount": "5"},
        ],
    )  # base 10.00
    [res] = anna.push(cmd)
    assert res["status"] == "applied", res
    srv = res["server"]
    assert srv["status"] == "approved" and srv["number"].startswith("O-AG01-")
    assert srv["taxable_total"] == "114.00"  # 95.00 + 19.00
    assert srv["vat_total"] == "25.08" and srv["grand_total"] == "139.08"
    assert [ln["unit_price"] for ln in srv["lines"]] == ["9.5000", "10.0000"]
    with env.sessions() as s:
        order = s.get(Order, cmd["payload"]["order_id"])
        assert order.agent_id == env.world.users["anna"] and order.grand_total == Decimal("139.08")
    anna.close()


def test_big_discount_goes_to_approval_with_reasons(env: Env) -> None:
    anna = env.api("anna")
    [res] = anna.push(
        command(
            "order.submit",
            order_id=str(uuid.uuid4()),
            customer_id=env.world.customers["anna"][1],
            lines=[{"product_id": "prod-2", "quantity": "5", "discount": "30"}],
        )
    )
    assert res["status"] == "applied"
    assert res["server"]["status"] == "pending_approval"
    rules = {r["rule"] for r in res["server"]["approval_reasons"]}
    assert "line_discount" in rules
    anna.close()


def test_replay_returns_the_first_answer_and_creates_nothing(env: Env) -> None:
    anna = env.api("anna")
    cmd = command(
        "order.submit",
        order_id=str(uuid.uuid4()),
        customer_id=env.world.customers["anna"][0],
        lines=[{"product_id": "prod-3", "quantity": "1"}],
    )
    first = anna.push(cmd)
    orders, lines, applied = _count(env, Order), _count(env, OrderLine), _count(env, AppliedCommand)
    second = anna.push(cmd)  # the response was lost: the client sends the same command again
    assert second == first
    assert (_count(env, Order), _count(env, OrderLine), _count(env, AppliedCommand)) == (
        orders,
        lines,
        applied,
    )
    anna.close()


def test_proposed_number_from_device_block_is_kept(env: Env) -> None:
    anna = env.api("anna")
    block = anna.pull_all()[1]
    me = next(c["row"] for c in block if c["s"] == "users")
    number = f"Q-AG01-2026-{me['number_block_start'] + 7:04d}"
    import datetime as dt

    number = number.replace("2026", str(dt.datetime.now(dt.UTC).year))
    [ok] = anna.push(
        command(
            "quote.save",
            quote_id=str(uuid.uuid4()),
            customer_id=env.world.customers["anna"][0],
            lines=[{"product_id": "prod-1", "quantity": "1"}],
            number=number,
        )
    )
    assert ok["status"] == "applied" and ok["server"]["number"] == number
    # the same number again, or one of another agent: the server numbers it and says so
    for proposal in (number, number.replace("AG01", "AG02")):
        [res] = anna.push(
            command(
                "quote.save",
                quote_id=str(uuid.uuid4()),
                customer_id=env.world.customers["anna"][0],
                lines=[{"product_id": "prod-1", "quantity": "1"}],
                number=proposal,
            )
        )
        assert res["status"] == "changed" and res["code"] == "renumbered"
        assert res["server"]["number"] != proposal and res["server"]["number"].startswith("Q-AG01-")
    anna.close()


BAD_LINES = [
    ([{"product_id": "prod-1", "quantity": "-3"}], "invalid_quantity"),
    ([{"product_id": "prod-1", "quantity": "0"}], "invalid_quantity"),
    ([{"product_id": "prod-1", "quantity": "1e12"}], "invalid_quantity"),
    ([{"product_id": "prod-1", "quantity": "1e400"}], "invalid"),
    ([{"product_id": "prod-1", "quantity": "99999999"}], "invalid_quantity"),
    ([{"product_id": "prod-1", "quantity": "NaN"}], "invalid"),
    ([{"product_id": "prod-1", "quantity": "1", "discount": "120"}], "invalid_discount"),
    ([{"product_id": "prod-1", "quantity": "1", "discount": "50+60+abc"}], "invalid_discount"),
    ([{"product_id": "nope'; DROP TABLE orders; --", "quantity": "1"}], "not_found"),
    ([{"product_id": "prod-1", "quantity": "1", "unit_price": "0.01"}], "invalid"),
    ([{"product_id": "prod-1", "quantity": 3.5}], "invalid"),
    ([{"product_id": "prod-5", "quantity": "1"}], "no_price"),
    ("not a list", "invalid"),
]


@pytest.mark.parametrize(("lines", "code"), BAD_LINES)
def test_bad_order_lines_are_rejected_and_write_nothing(env: Env, lines: object, code: str) -> None:
    anna = env.api("anna")
    if code == "no_price":  # take prod-5 off the base list for this case
        from sfa_server.changes import delete_rows

        with env.sessions.begin() as s:
            delete_rows(s, "price_list_items", ["pli-base-5"])
    orders = _count(env, Order)
    [res] = anna.push(
        command(
            "order.submit",
            order_id=str(uuid.uuid4()),
            customer_id=env.world.customers["anna"][0],
            lines=lines,
        )
    )
    assert res["status"] == "rejected" and res["code"] == code, res
    assert res["reason"]
    assert _count(env, Order) == orders
    anna.close()


def test_other_agents_customer_is_out_of_scope(env: Env) -> None:
    anna = env.api("anna")
    orders = _count(env, Order)
    [res] = anna.push(
        command(
            "order.submit",
            order_id=str(uuid.uuid4()),
            customer_id=env.world.customers["bruno"][0],
            lines=[{"product_id": "prod-1", "quantity": "1"}],
        )
    )
    assert res["status"] == "rejected" and res["code"] == "not_found"
    [res] = anna.push(
        command(
            "customer.update",
            customer_id=env.world.customers["bruno"][0],
            base={"phone": None},
            changes={"phone": "02 1234567"},
        )
    )
    assert res["status"] == "rejected" and res["code"] == "not_found"
    assert _count(env, Order) == orders
    anna.close()


def test_office_cannot_push_sales_commands(env: Env) -> None:
    olga = env.api("olga")
    [res] = olga.push(
        command(
            "order.submit",
            order_id=str(uuid.uuid4()),
            customer_id=env.world.customers["anna"][0],
            lines=[{"product_id": "prod-1", "quantity": "1"}],
        )
    )
    assert res["status"] == "rejected" and res["code"] == "forbidden"
    olga.close()


def test_customer_update_merges_fields_and_office_wins(env: Env) -> None:
    anna = env.api("anna")
    cust = env.world.customers["anna"][1]
    with env.sessions() as s:
        email = s.get(Customer, cust).email
    # the office changes the e-mail meanwhile
    with env.sessions.begin() as s:
        s.get(Customer, cust).email = "amministrazione@cliente.it"
    [res] = anna.push(
        command(
            "customer.update",
            customer_id=cust,
            base={"email": email, "phone": None},
            changes={"email": "agente@cliente.it", "phone": "+39 02 555 1234"},
        )
    )
    assert res["status"] == "changed" and res["code"] == "conflict"
    assert res["server"]["email"] == {"yours": "agente@cliente.it", "server": "amministrazione@cliente.it"}
    with env.sessions() as s:
        c = s.get(Customer, cust)
        assert c.email == "amministrazione@cliente.it" and c.phone == "+39 02 555 1234"
    [res] = anna.push(
        command(
            "customer.update",
            customer_id=cust,
            base={"credit_limit": "1"},
            changes={"credit_limit": "999999"},
        )
    )
    assert res["status"] == "rejected" and res["code"] == "forbidden"
    anna.close()


def test_quote_lifecycle_and_order_from_quote(env: Env) -> None:
    anna = env.api("anna")
    qid = str(uuid.uuid4())
    cust = env.world.customers["anna"][0]
    res = anna.push(
        command(
            "quote.save",
            quote_id=qid,
            customer_id=cust,
            lines=[{"product_id": "prod-2", "quantity": "4", "description": "Ñandú 'x' \"y\" 🍝"}],
        ),
        command("quote.send", quote_id=qid),
    )
    assert [r["status"] for r in res] == ["applied", "applied"]
    [res] = anna.push(
        command(
            "quote.save", quote_id=qid, customer_id=cust, lines=[{"product_id": "prod-2", "quantity": "5"}]
        )
    )
    assert res["status"] == "rejected" and res["code"] == "illegal_transition"
    [res] = anna.push(command("quote.lose", quote_id=qid))
    assert res["status"] == "rejected" and res["code"] == "illegal_transition"  # needs a reason
    [res] = anna.push(
        command(
            "order.submit",
            order_id=str(uuid.uuid4()),
            customer_id=cust,
            quote_id=qid,
            lines=[{"product_id": "prod-2", "quantity": "4"}],
        )
    )
    assert res["status"] == "applied" and res["server"]["status"] == "approved"
    with env.sessions() as s:
        assert s.get(Quote, qid).status == "accepted"
    anna.close()


def test_dependent_command_follows_a_rejection(env: Env) -> None:
    anna = env.api("anna")
    bad = command("quote.save", quote_id=str(uuid.uuid4()), customer_id="unknown-customer", lines=[])
    dep = command("quote.send", quote_id=bad["payload"]["quote_id"])
    dep["depends_on"] = [bad["id"]]
    independent = command(
        "activity.log",
        activity_id=str(uuid.uuid4()),
        customer_id=env.world.customers["anna"][0],
        kind="visit",
        subject="Visita",
        occurred_at="2026-05-04T10:00:00+02:00",
    )
    res = anna.push(bad, dep, independent)
    assert [r["status"] for r in res] == ["rejected", "rejected", "applied"]
    assert res[1]["code"] == "dependency_rejected"
    anna.close()


def test_prospect_create_checks_the_vat_number(env: Env) -> None:
    anna = env.api("anna")
    [bad] = anna.push(
        command(
            "prospect.create", customer_id=str(uuid.uuid4()), name="Rossi Srl", vat_number="IT12345678901"
        )
    )
    assert bad["status"] == "rejected" and bad["code"] == "invalid"
    cid = str(uuid.uuid4())
    [ok] = anna.push(
        command(
            "prospect.create",
            customer_id=cid,
            name="Bar Sport di Mario & C. s.n.c.",
            vat_number="IT00743110157",
            city="Milano",
            street="Via Dante 2",
        )
    )
    assert ok["status"] == "applied", ok
    _cursor, changes = anna.pull_all()
    assert cid in {c["id"] for c in changes if c["s"] == "customers"}
    anna.close()


def test_concurrent_replays_apply_once(env: Env) -> None:
    import threading

    cmd = command(
        "order.submit",
        order_id=str(uuid.uuid4()),
        customer_id=env.world.customers["anna"][2],
        lines=[{"product_id": "prod-1", "quantity": "2"}],
    )
    apis = [env.api("anna") for _ in range(4)]
    orders = _count(env, Order)
    barrier = threading.Barrier(len(apis))
    answers: list[dict] = []

    def send(api: object) -> None:
        barrier.wait()
        answers.extend(api.push(cmd))

    threads = [threading.Thread(target=send, args=(a,)) for a in apis]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(answers) == 4 and all(a == answers[0] for a in answers)
    assert answers[0]["status"] == "applied"
    assert _count(env, Order) == orders + 1
    for api in apis:
        api.close()


def test_device_gets_a_new_block_near_the_end_and_old_numbers_stay_valid(env: Env) -> None:
    import datetime as dt

    anna = env.api("anna")
    cursor, changes = anna.pull_all()
    me = next(c["row"] for c in changes if c["s"] == "users")
    start, end = me["number_block_start"], me["number_block_end"]
    year = dt.datetime.now(dt.UTC).year
    cust = env.world.customers["anna"][0]
    near_end = f"Q-AG01-{year}-{end - 5:04d}"
    [res] = anna.push(
        command("quote.save", quote_id=str(uuid.uuid4()), customer_id=cust, lines=ONE_LINE, number=near_end)
    )
    assert res["status"] == "applied" and res["server"]["number"] == near_end
    _cursor, changes = anna.pull_all(cursor)
    renewed = next(c["row"] for c in changes if c["s"] == "users")
    assert renewed["number_block_start"] > end
    # a document numbered offline from the previous block is still accepted
    old = f"Q-AG01-{year}-{start + 3:04d}"
    [res] = anna.push(
        command("quote.save", quote_id=str(uuid.uuid4()), customer_id=cust, lines=ONE_LINE, number=old)
    )
    assert res["status"] == "applied" and res["server"]["number"] == old
    anna.close()


def test_prices_the_agent_saw_offline_are_compared_never_taken(env: Env) -> None:
    anna = env.api("anna")
    cust = env.world.customers["anna"][0]
    lines = [{"product_id": "prod-1", "quantity": "10"}]  # list GDO 9.50 -> 95.00 + 22 % = 115.90
    same = command("order.submit", order_id=str(uuid.uuid4()), customer_id=cust, lines=lines,
                   expected={"grand_total": "115.90", "unit_prices": ["9.50"]})
    stale = command("order.submit", order_id=str(uuid.uuid4()), customer_id=cust, lines=lines,
                    expected={"grand_total": "104.92", "unit_prices": ["8.60"]})
    bad = command("order.submit", order_id=str(uuid.uuid4()), customer_id=cust, lines=lines,
                  expected={"grand_total": "1", "unit_prices": ["1", "2"]})
    res_same, res_stale, res_bad = anna.push(same, stale, bad)
    assert res_same["status"] == "applied", res_same
    assert res_stale["status"] == "changed" and res_stale["code"] == "price_changed"
    assert "is now €9.50" in res_stale["reason"] and "you had €8.60" in res_stale["reason"]
    assert res_stale["message"]["params"]["items"][0]["code"] == "push.price_changed"
    assert res_stale["server"]["grand_total"] == "115.90"  # the server's figure, not the agent's
    assert res_bad["status"] == "rejected" and "one price per line" in res_bad["reason"]
    with env.sessions() as s:
        assert s.get(Order, bad["payload"]["order_id"]) is None
        assert s.get(Order, stale["payload"]["order_id"]).grand_total == Decimal("115.90")
    anna.close()


def test_a_new_quote_reaches_the_agents_other_device_whole_and_a_resave_replaces_its_lines(env: Env) -> None:
    """A new quote is written with Core statements (documents._insert_quote), a re-save through the
    ORM: both must stamp every row for the feed, the quote before its lines, in one transaction."""
    anna, laptop = env.api("anna"), env.api("anna")
    cursor, _ = laptop.pull_all()
    qid, cust = str(uuid.uuid4()), env.world.customers["anna"][0]
    lines = [{"product_id": "prod-1", "quantity": "3", "discount": "10+5"}, {"product_id": "prod-2", "quantity": "1"}]
    [res] = anna.push(command("quote.save", quote_id=qid, customer_id=cust, lines=lines, notes="Consegna lunedì"))
    assert res["status"] in ("applied", "changed"), res
    cursor, changes = laptop.pull_all(cursor)
    rows = {(c["s"], c["id"]): c["row"] for c in changes if c["op"] == p.UPSERT}
    quote = rows[("quotes", qid)]
    assert quote["number"] == res["server"]["number"] and quote["notes"] == "Consegna lunedì"
    assert quote["status"] == "draft" and quote["revision"] == 1 and quote["currency"] == "EUR"
    assert Decimal(quote["grand_total"]) == Decimal(res["server"]["grand_total"]) and quote["customer_id"] == cust
    pulled = sorted((r for (s, _), r in rows.items() if s == "quote_lines"), key=lambda r: r["line_no"])
    assert [(r["product_id"], r["unit_price"], r["discount"]) for r in pulled] == [
        (x["product_id"], x["unit_price"], x["discount"]) for x in res["server"]["lines"]]
    assert all(r["quote_id"] == qid for r in pulled)
    with env.sessions() as s:
        stamps = s.execute(select(Quote.change_tx, Quote.change_seq).where(Quote.id == qid)).one()
        line_stamps = s.execute(select(QuoteLine.change_tx, QuoteLine.change_seq)
                                .where(QuoteLine.quote_id == qid)).all()
    assert {tx for tx, _ in line_stamps} == {stamps.change_tx}
    assert stamps.change_seq < min(seq for _, seq in line_stamps)

    [res] = anna.push(command("quote.save", quote_id=qid, customer_id=cust, lines=lines[1:]))
    assert res["status"] in ("applied", "changed"), res
    _, changes = laptop.pull_all(cursor)
    ops = {(c["s"], c["op"]) for c in changes}
    assert ("quotes", p.UPSERT) in ops and ("quote_lines", p.DELETE) in ops
    with env.sessions() as s:
        assert s.execute(select(func.count()).select_from(QuoteLine).where(QuoteLine.quote_id == qid)).scalar_one() == 1
    anna.close()
    laptop.close()


def test_a_new_order_reaches_the_agents_other_device_with_its_lines_and_reasons(env: Env) -> None:
    """Orders are written as quotes are (documents._insert_document): stamped, the order before its
    lines, with the approval reasons and the lines' server-only costs stored."""
    anna, laptop = env.api("anna"), env.api("anna")
    cursor, _ = laptop.pull_all()
    oid, cust = str(uuid.uuid4()), env.world.customers["anna"][1]
    [res] = anna.push(command("order.submit", order_id=oid, customer_id=cust, notes="Urgente",
                              lines=[{"product_id": "prod-2", "quantity": "5", "discount": "30"},
                                     {"product_id": "prod-1", "quantity": "2"}]))
    assert res["status"] == "applied" and res["server"]["status"] == "pending_approval", res
    _, changes = laptop.pull_all(cursor)
    rows = {(c["s"], c["id"]): c["row"] for c in changes if c["op"] == p.UPSERT}
    order = rows[("orders", oid)]
    assert order["status"] == "pending_approval" and order["notes"] == "Urgente"
    assert order["number"] == res["server"]["number"]
    assert {r["rule"] for r in order["approval_reasons"]} == {r["rule"] for r in res["server"]["approval_reasons"]}
    assert sorted(r["product_id"] for (s, _), r in rows.items() if s == "order_lines") == ["prod-1", "prod-2"]
    with env.sessions() as s:
        head = s.execute(select(Order.change_tx, Order.change_seq).where(Order.id == oid)).one()
        lines = s.scalars(select(OrderLine).where(OrderLine.order_id == oid).order_by(OrderLine.line_no)).all()
        assert [ln.list_price for ln in lines] == [Decimal(x["unit_price"]) for x in res["server"]["lines"]]
        assert all(ln.unit_cost is not None for ln in lines)
        assert {ln.change_tx for ln in lines} == {head.change_tx}
        assert head.change_seq < min(ln.change_seq for ln in lines)
    anna.close()
    laptop.close()
