"""The CRM between a real client and a real server: the sales history synced and summed exactly, the
pyramid and the figures offline, the agenda and the deal board pushed, and a prospect the office
merges into another agent's customer leaving the replica on the next sync."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from pathlib import Path

from sfa_desktop.domain.pyramid import PyramidClass
from sfa_desktop.operations import complete_activity, move_deal, plan_activity, save_deal
from sfa_desktop.operations.customers import ProspectDraft, create_prospect
from sfa_desktop.operations.pyramid import refresh_crm
from sfa_desktop.operations.read import agenda, figures, prospects, pyramid

from .conftest import BOTH_DATABASES, DEMO_TODAY, Agent, LiveServer, make_agent
from .helpers import local_rows, server_rows, server_session, user_id
from .test_offline_edits import office_session


def _sum(rows: list[dict]) -> Decimal:
    return sum((Decimal(r["net_amount"]) for r in rows), Decimal(0))


@BOTH_DATABASES
def test_history_synced_summed_exactly_and_ranked_offline(server: LiveServer, tmp_path: Path,
                                                          agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    report = agent.sync(verify=True)
    assert "sales_history" in report.verified and "targets" in report.verified and report.mismatched == []
    mine = {c["id"] for c in server_rows(server.database_url, "customers", agent_id=user_id(server.database_url,
                                                                                          "ag01"))}
    expected = [r for r in server_rows(server.database_url, "sales_history") if r["customer_id"] in mine]
    assert expected and len(local_rows(agent.replica, "sales_history")) == len(expected)
    with agent.replica.session() as s:
        units, missing = s.connection().exec_driver_sql(
            "SELECT sum(net_units), count(*) - count(net_units) FROM sales_history").one()
    assert missing == 0 and Decimal(units).scaleb(-4) == _sum(expected)  # the SQL sum is the exact one
    agent.write(functools.partial(refresh_crm, today=DEMO_TODAY))
    counts = agent.session.read(pyramid.pyramid_counts)
    assert sum(sum(row.values()) for row in counts.values()) == len(mine)
    assert sum(counts[PyramidClass.CLIENT].values()) > 0
    board = agent.session.read(functools.partial(figures.dashboard, today=DEMO_TODAY))
    assert board.sales.month.target is not None and board.top_customers and board.top_products
    month = DEMO_TODAY.replace(day=1)
    this_month = [r for r in expected if month.isoformat() <= r["document_date"] <= DEMO_TODAY.isoformat()]
    assert board.sales.month.sales == _sum(this_month)


def test_the_agenda_and_the_board_reach_the_server(server: LiveServer, tmp_path: Path,
                                                   agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    customer = local_rows(agent.replica, "customers", status="active")[0]["id"]
    now = dt.datetime.now(dt.UTC)
    visit = agent.write(functools.partial(plan_activity, customer_id=customer, kind="visit", subject="Visita",
                                          planned_at=now + dt.timedelta(hours=2), duration_minutes=45)).created
    done = agent.write(functools.partial(complete_activity, activity_id=visit, outcome="Ordine a voce", done_at=now,
                                         next_action="Richiamare", next_action_at=now + dt.timedelta(days=2)))
    follow = next(i for i in done.ids("activities") if i != visit)
    deal = agent.write(functools.partial(save_deal, customer_id=customer, title="Quadri", stage="contatto",
                                         amount=Decimal("8000.00"), today=DEMO_TODAY)).created
    agent.write(functools.partial(move_deal, deal_id=deal, stage="offerta", reason="listino", today=DEMO_TODAY))
    report = agent.sync(verify=True)
    assert report.commands_rejected == 0 and report.mismatched == [], report
    served = {r["id"]: r for r in server_rows(server.database_url, "activities")}
    assert served[visit]["outcome"] == "Ordine a voce" and served[follow]["follow_up_of"] == visit
    [deal_row] = server_rows(server.database_url, "deals", id=deal)
    assert [e["stage"] for e in deal_row["stage_history"]] == ["contatto", "offerta"]
    assert local_rows(agent.replica, "deals", id=deal)[0]["stage_history"] == deal_row["stage_history"]
    items = agent.session.read(functools.partial(agenda.overdue_follow_ups, now=now + dt.timedelta(days=3)))
    assert follow in [i.activity_id for i in items]


def test_a_prospect_merged_by_the_office_leaves_the_replica(server: LiveServer, tmp_path: Path,
                                                           agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    created = agent.write(functools.partial(create_prospect, draft=ProspectDraft(name="Impianti Doppione S.r.l.",
                                                                                   city="Lodi"), confirmed=True))
    pid = created.created
    assert [r.outcome.value for r in agent.session.read(prospects.prospect_rows) if r.prospect_id == pid] == ["unsent"]
    agent.sync()
    assert [r.outcome.value for r in agent.session.read(prospects.prospect_rows) if r.prospect_id == pid] == [
        "pending"]
    other = user_id(server.database_url, "ag02")
    with server_session(server.database_url) as s:
        from sqlalchemy import select

        from sfa_server.models import Customer

        target = s.scalars(select(Customer.id).where(Customer.agent_id == other, Customer.status == "active")).first()
    office = office_session(server.url)
    r = office.post(f"{server.url}/api/v1/office/prospects/{pid}/merge", json={"customer_id": target}, timeout=10)
    assert r.status_code == 200, r.text
    report = agent.sync(verify=True)
    assert report.mismatched == []
    assert not local_rows(agent.replica, "customers", id=pid)
    [row] = [r for r in agent.session.read(prospects.prospect_rows) if r.prospect_id == pid]
    assert row.outcome.value == "merged" and row.customer_id is None
