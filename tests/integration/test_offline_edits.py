"""Offline work then sync: orders reach the server exactly once, answers land on the drafts,
and two agents plus the office working at the same time all converge."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import requests
from sqlalchemy import select, update

from sfa_desktop.local_db.models import OutboxCommand
from sfa_desktop.operations import cancel_order
from sfa_desktop.sync import conflicts, outbox, protocol
from sfa_server.models import Customer as ServerCustomer

from .conftest import BOTH_DATABASES, Agent, LiveServer, make_agent
from .helpers import local_rows, place_order, server_rows, server_session, some_customer_and_products

OFFICE_HEADERS = {protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL_VERSION)}


def office_session(url: str) -> requests.Session:
    s = requests.Session()
    s.headers.update(OFFICE_HEADERS)
    r = s.post(f"{url}/api/v1/auth/login", json={
        "username": "ufficio", "password": "demo-ufficio",
        "device_id": "00000000-0000-4000-8000-000000000001",
        "device_name": "office pc"}, timeout=10)
    r.raise_for_status()
    s.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return s


@BOTH_DATABASES
def test_orders_taken_offline_reach_the_server_once_with_server_values(
        server: LiveServer, tmp_path: Path, agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    customer, products = some_customer_and_products(agent.replica)
    placed = [place_order(agent.replica, customer_id=customer, lines=[(products[0], "3"), (products[1], "2")])
              for _ in range(3)]
    report = agent.sync(verify=True)
    with agent.replica.session() as s:
        assert conflicts.list_open(s) == []
    assert report.commands_sent == 3 and report.commands_applied == 3 and report.commands_rejected == 0
    assert report.mismatched == []
    for order_id, number, _cmd in placed:
        [on_server] = server_rows(server.database_url, "orders", id=order_id)
        [local] = local_rows(agent.replica, "orders", id=order_id)
        assert on_server["number"] == number == local["number"]
        assert local == on_server  # server totals, status and approval reasons landed locally
        assert Decimal(on_server["grand_total"]) > 0
        assert len(local_rows(agent.replica, "order_lines", order_id=order_id)) == 2
    with agent.replica.session() as s:
        assert outbox.pending_count(s) == 0


def test_a_rejected_command_does_not_block_the_others(server: LiveServer, tmp_path: Path,
                                                      agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    customer, products = some_customer_and_products(agent.replica)
    other = next(r["id"] for r in local_rows(agent.replica, "customers", status="active") if r["id"] != customer)
    bad_id, _, bad_cmd = place_order(agent.replica, customer_id=customer, lines=[(products[0], "1")])
    # the agent cancels it offline: that command depends on the submission
    agent.write(lambda s: cancel_order(s, order_id=bad_id, reason="cliente ha annullato"))
    with agent.replica.session() as s:
        held_cmd = s.scalars(select(OutboxCommand).where(OutboxCommand.type == "order.cancel")).one().id
    good_id, _, _ = place_order(agent.replica, customer_id=other, lines=[(products[0], "2")])
    # meanwhile the office blocks the first customer: the server refuses that order only
    with server_session(server.database_url) as s:
        s.execute(update(ServerCustomer).where(ServerCustomer.id == customer).values(status="blocked"))
    report = agent.sync()
    assert report.commands_rejected == 1 and report.commands_held == 1
    assert server_rows(server.database_url, "orders", id=good_id)
    assert not server_rows(server.database_url, "orders", id=bad_id)
    with agent.replica.session(write=True) as s:
        assert s.get(OutboxCommand, held_cmd).status == "held"
        [entry] = conflicts.list_open(s)
        assert entry.command_id == bad_cmd and "discard" in entry.choices
        conflicts.resolve(s, entry.id, "discard")
    # the cancel of the discarded order goes with it: nothing more is sent
    report = agent.sync(verify=True)
    assert report.commands_sent == 0 and report.mismatched == []
    assert local_rows(agent.replica, "orders", id=bad_id) == []
    with agent.replica.session() as s:
        assert outbox.pending_count(s) == 0


@BOTH_DATABASES
def test_two_agents_and_the_office_at_the_same_time(server: LiveServer, tmp_path: Path,
                                                    agents: list[Agent]) -> None:
    a1, a2 = make_agent(tmp_path, server.url, "ag01"), make_agent(tmp_path, server.url, "ag02")
    agents += [a1, a2]
    a1.sync()
    a2.sync()
    office = office_session(server.url)
    placed: dict[str, list[str]] = {"ag01": [], "ag02": []}
    approved: list[str] = []
    errors: list[BaseException] = []

    def work(agent: Agent) -> None:
        try:
            customer, products = some_customer_and_products(agent.replica)
            for i in range(4):
                placed[agent.username].append(
                    place_order(agent.replica, customer_id=customer, lines=[(products[0], str(i + 1))])[0])
                agent.sync()
        except BaseException as error:  # reported below
            errors.append(error)

    def decide() -> None:
        try:
            for _ in range(8):
                queue = office.get(f"{server.url}/api/v1/office/approvals", timeout=10).json()
                for item in queue["orders"][:2]:
                    r = office.post(f"{server.url}/api/v1/office/orders/{item['id']}/approve",
                                    json={"note": "ok"}, timeout=10)
                    if r.status_code == 200:
                        approved.append(item["id"])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(a,)) for a in (a1, a2)] + [threading.Thread(target=decide)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    for agent in (a1, a2):
        report = agent.sync(verify=True)
        assert report.mismatched == []
        mine = {r["id"] for r in local_rows(agent.replica, "orders")}
        assert set(placed[agent.username]) <= mine
        for order_id in placed[agent.username]:
            [srv] = server_rows(server.database_url, "orders", id=order_id)
            [loc] = local_rows(agent.replica, "orders", id=order_id)
            assert srv == loc
    assert not set(placed["ag01"]) & {r["id"] for r in local_rows(a2.replica, "orders")}
    assert approved, "the office decided nothing: the test would prove little"
    decided = [r for a in (a1, a2) for r in local_rows(a.replica, "orders") if r["id"] in approved]
    assert decided and all(r["status"] == "approved" and r["decided_by"] for r in decided)
