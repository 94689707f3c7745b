"""The agenda, the deal board and the sales figures on the live server: activity.plan / complete,
deal.move with its stage history and rules, and the scope of the sales history and the targets."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal

from sfa_desktop.sync import protocol as p
from sfa_server.changes import upsert_rows
from sfa_server.models import Activity, Deal
from sfa_server.sales_history import prune_sales_history
from tests.server.conftest import Env, apply_changes, command

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
HOUR = dt.timedelta(hours=1)


def iso(when: dt.datetime) -> str:
    return when.isoformat()


def test_plan_complete_and_follow_up(env: Env) -> None:
    anna = env.api("anna")
    cust = env.world.customers["anna"][0]
    visit, follow = str(uuid.uuid4()), str(uuid.uuid4())
    plan = command("activity.plan", activity_id=visit, customer_id=cust, kind="visit", subject="Visita cantiere",
                   planned_at=iso(NOW + 24 * HOUR), duration_minutes=60)
    done = command("activity.complete", activity_id=visit, done_at=iso(NOW), outcome="Ordine a voce",
                   next_action="Richiamare", next_action_at=iso(NOW + 48 * HOUR))
    again = command("activity.plan", activity_id=follow, customer_id=cust, kind="call", subject="Richiamare",
                    planned_at=iso(NOW + 48 * HOUR), follow_up_of=visit)
    again["depends_on"] = [done["id"]]
    results = anna.push(plan, done, again)
    assert [r["status"] for r in results] == ["applied"] * 3, results
    with env.sessions() as s:
        a = s.get(Activity, visit)
        assert (a.outcome, a.next_action, a.duration_minutes) == ("Ordine a voce", "Richiamare", 60)
        assert a.done_at == a.occurred_at and a.planned_at is not None
        f = s.get(Activity, follow)
        assert f.follow_up_of == visit and f.done_at is None and f.kind == "call"
    _c, changes = anna.pull_all()
    row = next(c["row"] for c in changes if c["s"] == "activities" and c["id"] == visit)
    assert row["outcome"] == "Ordine a voce" and row["done_at"] is not None
    # a done activity is not planned again; a note is not planned at all
    [res] = anna.push(command("activity.plan", activity_id=visit, customer_id=cust, kind="visit", subject="x",
                              planned_at=iso(NOW)))
    assert res["status"] == "rejected" and res["code"] == "conflict" and res["message"]["code"] == "push.activity_done"
    [res] = anna.push(command("activity.plan", activity_id=str(uuid.uuid4()), customer_id=cust, kind="note",
                              subject="x", planned_at=iso(NOW)))
    assert res["code"] == "invalid" and res["message"]["code"] == "agenda.note_not_planned"
    anna.close()


def test_bad_outcomes_and_other_agents_activities_are_refused(env: Env) -> None:
    anna, bruno = env.api("anna"), env.api("bruno")
    cust = env.world.customers["anna"][0]
    aid = str(uuid.uuid4())
    [res] = anna.push(command("activity.plan", activity_id=aid, customer_id=cust, kind="call", subject="Chiamare",
                              planned_at=iso(NOW)))
    assert res["status"] == "applied"
    for payload, code in (({"outcome": "  "}, "agenda.outcome_required"),
                          ({"outcome": "ok", "next_action": "Richiamare"}, "agenda.next_needs_date"),
                          ({"outcome": "ok", "done_at": iso(NOW + 5 * HOUR)}, "agenda.done_in_future"),
                          ({"outcome": "ok", "duration_minutes": 5000}, "agenda.duration")):
        [res] = anna.push(command("activity.complete", activity_id=aid, **payload))
        assert res["status"] == "rejected" and res["message"]["code"] == code, (payload, res)
    [res] = bruno.push(command("activity.complete", activity_id=aid, outcome="mine now"))
    assert res["code"] == "not_found" and res["message"]["code"] == "push.activity_unknown"
    [res] = bruno.push(command("activity.plan", activity_id=str(uuid.uuid4()), customer_id=cust, kind="call",
                               subject="x", planned_at=iso(NOW)))
    assert res["code"] == "not_found"  # anna's customer is not bruno's to plan on
    anna.close()
    bruno.close()


def test_an_old_clients_future_log_is_a_plan_and_its_outcome_is_checked(env: Env) -> None:
    anna = env.api("anna")
    cust = env.world.customers["anna"][1]
    aid = str(uuid.uuid4())
    [res] = anna.push(command("activity.log", activity_id=aid, customer_id=cust, kind="visit", subject="Domani",
                              occurred_at=iso(NOW + 24 * HOUR)))
    assert res["status"] == "applied"
    with env.sessions() as s:
        a = s.get(Activity, aid)
        assert a.done_at is None and a.planned_at is not None
    [res] = anna.push(command("activity.log", activity_id=str(uuid.uuid4()), customer_id=cust, kind="call",
                              subject="Fatta", outcome="ok", next_action_at=iso(NOW + HOUR)))
    assert res["status"] == "rejected" and res["message"]["code"] == "agenda.next_needs_action"
    anna.close()


def test_a_deal_moves_by_the_rules_and_keeps_its_history(env: Env) -> None:
    anna = env.api("anna")
    cust = env.world.customers["anna"][0]
    did = str(uuid.uuid4())
    [res] = anna.push(command("deal.save", deal_id=did, customer_id=cust, title="Quadri", stage="contatto",
                              amount="12000.00", stage_changed_at=iso(NOW - 48 * HOUR)))  # opened offline
    assert res["status"] == "applied" and [e["stage"] for e in res["server"]["stage_history"]] == ["contatto"]
    [res] = anna.push(command("deal.move", deal_id=did, stage="sollecito"))
    assert res["code"] == "illegal_transition"
    assert res["message"]["params"]["error"]["code"] == "lifecycle.deal_needs_offer"
    yesterday = NOW - 24 * HOUR
    results = anna.push(
        command("deal.move", deal_id=did, stage="offerta", reason="listino 2026", moved_at=iso(yesterday)),
        command("deal.move", deal_id=did, stage="rinvio"),
        command("deal.move", deal_id=did, stage="rinvio", expected_close=(NOW + 60 * 24 * HOUR).date().isoformat(),
                moved_at=iso(NOW + 1000 * HOUR)),  # a clock in the future: kept at the server's now
        command("deal.move", deal_id=did, stage="chiuso_perso"),
        command("deal.move", deal_id=did, stage="chiuso_perso", reason="Prezzo"))
    assert [r["status"] for r in results] == ["applied", "rejected", "applied", "rejected", "applied"], results
    assert results[1]["message"]["params"]["error"]["code"] == "lifecycle.deal_postponed_needs_date"
    assert results[3]["message"]["params"]["error"]["code"] == "lifecycle.deal_lost_needs_reason"
    history = results[4]["server"]["stage_history"]
    assert [(e["stage"], e["from"]) for e in history] == [
        ("contatto", None), ("offerta", "contatto"), ("rinvio", "offerta"), ("chiuso_perso", "rinvio")]
    assert dt.datetime.fromisoformat(history[1]["at"]) == yesterday
    times = [dt.datetime.fromisoformat(e["at"]) for e in history]
    assert times[1:] == sorted(times[1:]) and times[2] <= dt.datetime.now(dt.UTC)
    with env.sessions() as s:
        deal = s.get(Deal, did)
        assert deal.stage == "chiuso_perso" and deal.close_reason == "Prezzo" and deal.expected_close is not None
    [res] = anna.push(command("deal.move", deal_id=did, stage="offerta"))
    assert res["message"]["params"]["error"]["code"] == "lifecycle.deal_lost_reopen"
    bruno = env.api("bruno")
    [res] = bruno.push(command("deal.move", deal_id=did, stage="contatto"))
    assert res["code"] == "not_found" and res["message"]["code"] == "push.deal_unknown"
    for api in (anna, bruno):
        api.close()


def _history(customer_id: str, n: int, day: dt.date, amount: str) -> dict:
    return {"id": f"sh-{customer_id}-{n}", "customer_id": customer_id, "product_id": "prod-1",
            "document_number": f"FT {n}", "document_date": day, "line_no": 1, "quantity": Decimal(10),
            "unit": "PZ", "net_amount": Decimal(amount), "category": "Cavi"}


def _checksum_matches(api, replica: dict, stream: str) -> bool:
    texts = sorted((rid, p.row_checksum_text(stream, row)) for rid, row in replica.get(stream, {}).items())
    h = hashlib.sha256()
    for _id, t in texts:
        h.update(t.encode() + b"\n")
    return api.get("/sync/checksums", params={"streams": stream}).json()[stream] == {
        "count": len(texts), "checksum": h.hexdigest()}


def test_history_and_targets_reach_only_their_agent_follow_a_reassignment_and_age_out(env: Env) -> None:
    a_cust, b_cust = env.world.customers["anna"], env.world.customers["bruno"]
    today = dt.date.today()
    old = dt.date(today.year - 3, 1, 15)
    with env.sessions.begin() as s:
        upsert_rows(s, "sales_history", [_history(a_cust[0], 1, today, "100.50"), _history(a_cust[1], 2, today, "7"),
                                         _history(a_cust[1], 3, old, "99.9900"), _history(b_cust[0], 4, today, "5")])
        upsert_rows(s, "targets", [
            {"id": "t-anna", "agent_id": env.world.users["anna"], "month": today.replace(day=1),
             "category": None, "amount": Decimal(5000)},
            {"id": "t-bruno", "agent_id": env.world.users["bruno"], "month": today.replace(day=1),
             "category": "Cavi", "amount": Decimal(3000)}])
    anna, bruno, olga = env.api("anna"), env.api("bruno"), env.api("olga")
    replica_a: dict = {}
    replica_b: dict = {}
    ca, changes = anna.pull_all()
    apply_changes(replica_a, changes)
    cb, changes = bruno.pull_all()
    apply_changes(replica_b, changes)
    assert {f"sh-{a_cust[0]}-1", f"sh-{a_cust[1]}-2", f"sh-{a_cust[1]}-3"} <= set(replica_a["sales_history"])
    assert f"sh-{b_cust[0]}-4" not in replica_a["sales_history"]
    assert "t-anna" in replica_a["targets"] and "t-bruno" not in replica_a["targets"]
    assert "t-bruno" in replica_b["targets"] and "t-anna" not in replica_b["targets"]
    assert replica_a["sales_history"][f"sh-{a_cust[0]}-1"]["net_amount"] == Decimal("100.50")
    # the customer goes to bruno with its history
    r = olga.post(f"/office/customers/{a_cust[1]}/reassign", json={"agent_id": env.world.users["bruno"]})
    assert r.status_code == 200, r.text
    ca, changes = anna.pull_all(ca)
    apply_changes(replica_a, changes)
    cb, changes = bruno.pull_all(cb)
    apply_changes(replica_b, changes)
    assert f"sh-{a_cust[1]}-2" not in replica_a["sales_history"] and f"sh-{a_cust[1]}-2" in replica_b["sales_history"]
    assert f"sh-{a_cust[1]}-3" in replica_b["sales_history"]
    # pruned by age: the old line leaves bruno's replica, and the horizon is published
    with env.sessions.begin() as s:
        done = prune_sales_history(s, keep_months=24, today=today)
    assert done["deleted"] >= 1
    cb, changes = bruno.pull_all(cb)
    apply_changes(replica_b, changes)
    assert f"sh-{a_cust[1]}-3" not in replica_b["sales_history"]
    assert replica_b["settings"]["sales_history_retention"]["value"]["keep_months"] == 24
    for api, replica in ((anna, replica_a), (bruno, replica_b)):
        for stream in ("sales_history", "targets"):
            assert _checksum_matches(api, replica, stream), stream
    # give the customer back, for the tests after this one
    r = olga.post(f"/office/customers/{a_cust[1]}/reassign", json={"agent_id": env.world.users["anna"]})
    assert r.status_code == 200
    for api in (anna, bruno, olga):
        api.close()
