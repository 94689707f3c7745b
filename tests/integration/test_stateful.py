"""Hypothesis stateful test: three agents work offline (orders, customer edits), the office
approves, re-prices and reassigns customers, and syncs happen through random network faults.

Invariants after healing (no faults, conflicts settled, a final sync per agent):
every order the server accepted exists there exactly once and in its agent's replica; each
replica equals the server's view of the agent's scope (checksums of every stream); nothing
deleted on the server comes back.
"""

from __future__ import annotations

import os
import shutil
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlalchemy import select

from sfa_desktop.local_db.models import OutboxCommand
from sfa_desktop.operations import edit_customer
from sfa_desktop.sync import apply, conflicts, outbox, protocol
from sfa_desktop.sync.errors import SyncError

from .conftest import Agent, LiveServer, make_agent
from .faultproxy import FaultProxy
from .helpers import local_rows, place_order, server_rows, server_session, user_id

AGENTS = ("ag01", "ag02", "ag03")
FAULTS = [None, ("drop_before", "/sync/push"), ("drop_after", "/sync/push"), ("drop_after", "/sync/pull"),
          ("truncate", "/sync/pull"), ("drop_before", "/sync/pull")]
PHONES = st.from_regex(r"0[1-9][0-9]{7}", fullmatch=True)
STATE: dict[str, object] = {}


class SalesForce(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        base: Path = STATE["tmp"] / uuid.uuid4().hex[:8]  # type: ignore[operator]
        base.mkdir(parents=True)
        shutil.copy(STATE["template"], base / "server.db")  # type: ignore[arg-type]
        self.db_url = f"sqlite:///{base / 'server.db'}"
        self.server = LiveServer(self.db_url)
        self.server.start()
        self.proxies: dict[str, FaultProxy] = {}
        self.agents: dict[str, Agent] = {}
        for name in AGENTS:
            proxy = FaultProxy(self.server.port)
            self.proxies[name] = proxy
            agent = make_agent(base / "clients", proxy.url, name, timeout=(1.0, 1.0), max_retries=1)
            agent.engine.page_size = 400
            agent.sync()
            self.agents[name] = agent
        self.placed: dict[str, str] = {}  # order id -> agent
        self.deleted_products: set[str] = set()
        self.office = requests.Session()
        self.office.headers[protocol.PROTOCOL_HEADER] = str(protocol.PROTOCOL_VERSION)
        token = self.office.post(f"{self.server.url}/api/v1/auth/login", timeout=10, json={
            "username": "ufficio", "password": "demo-ufficio", "device_id": str(uuid.uuid4()),
            "device_name": "office"}).json()["access_token"]
        self.office.headers["Authorization"] = f"Bearer {token}"
        self.agent_ids = {name: user_id(self.db_url, name) for name in AGENTS}

    # ------------------------------------------------------------------ agents, offline

    def _my_customers(self, name: str) -> list[str]:
        customers = apply.table_of("customers")
        agent = self.agents[name]
        with agent.replica.session() as s:
            return list(s.execute(select(customers.c.id).where(
                customers.c.agent_id == self.agent_ids[name], customers.c.status == "active")
                .order_by(customers.c.id)).scalars())

    def place_order(self, name: str, pick: int, qty: int) -> None:
        agent = self.agents[name]
        mine = self._my_customers(name)
        products = [r["id"] for r in local_rows(agent.replica, "products", active=True)[:5]]
        if not mine or not products:
            return
        order_id, _, _ = place_order(agent.replica, customer_id=mine[pick % len(mine)],
                                     lines=[(products[pick % len(products)], str(qty))])
        self.placed[order_id] = name

    def edit_customer(self, name: str, pick: int, phone: str) -> None:
        agent = self.agents[name]
        mine = self._my_customers(name)
        if not mine:
            return
        cid = mine[pick % len(mine)]
        agent.write(lambda s: edit_customer(s, customer_id=cid, changes={"phone": phone}))

    def sync(self, name: str, fault: tuple[str, str] | None) -> None:
        proxy = self.proxies[name]
        proxy.clear()
        if fault:
            proxy.add(fault[0], path=fault[1], times=-1)
        try:
            self.agents[name].sync()
        except SyncError as error:
            assert fault is not None, f"a sync without faults failed: {error}"
            assert error.transient, error
        finally:
            proxy.clear()

    # ------------------------------------------------------------------ the office

    def office_approves(self, pick: int) -> None:
        queue = self.office.get(f"{self.server.url}/api/v1/office/approvals", timeout=10).json()["orders"]
        if queue:
            order = queue[pick % len(queue)]
            r = self.office.post(f"{self.server.url}/api/v1/office/orders/{order['id']}/approve",
                                 json={"note": "ok"}, timeout=10)
            assert r.status_code in (200, 409), r.text

    def office_reassigns(self, pick: int, to: str) -> None:
        customers = server_rows(self.db_url, "customers")
        movable = sorted(c["id"] for c in customers if c["agent_id"] in self.agent_ids.values())
        cid = movable[pick % len(movable)]
        r = self.office.post(f"{self.server.url}/api/v1/office/customers/{cid}/reassign",
                             json={"agent_id": self.agent_ids[to]}, timeout=10)
        assert r.status_code == 200, r.text

    def office_reprices(self, pick: int, percent: int) -> None:
        from sfa_server.changes import upsert_rows

        items = server_rows(self.db_url, "price_list_items")
        item = sorted(items, key=lambda r: r["id"])[pick % len(items)]
        price = (Decimal(item["price"]) * (100 + percent) / 100).quantize(Decimal("0.01"))
        with server_session(self.db_url) as s:
            upsert_rows(s, "price_list_items", [{"id": item["id"], "price": max(price, Decimal("0.01"))}])

    def erp_deletes_a_product(self, pick: int) -> None:
        from sfa_server.changes import delete_rows

        products = sorted(r["id"] for r in server_rows(self.db_url, "products"))
        victim = products[-1 - pick % 50]  # from the end: the agents order the first ones
        with server_session(self.db_url) as s:
            delete_rows(s, "products", [victim])
        self.deleted_products.add(victim)

    # ------------------------------------------------------------------ one round of a working day

    @rule(data=st.data())
    def working_round(self, data: st.DataObject) -> None:
        """Agents work offline, the office does one thing, some agents sync through faults."""
        for name in AGENTS:
            for action in data.draw(st.lists(st.sampled_from(["order", "edit"]), max_size=2), label=name):
                pick = data.draw(st.integers(0, 50), label="pick")
                if action == "order":
                    self.place_order(name, pick, data.draw(st.integers(1, 20), label="qty"))
                else:
                    self.edit_customer(name, pick, data.draw(PHONES, label="phone"))
        office = data.draw(st.sampled_from(["approve", "reassign", "reprice", "delete", "nothing"]),
                           label="office")
        pick = data.draw(st.integers(0, 400), label="office pick")
        if office == "approve":
            self.office_approves(pick)
        elif office == "reassign":
            self.office_reassigns(pick, data.draw(st.sampled_from(AGENTS), label="to"))
        elif office == "reprice":
            self.office_reprices(pick, data.draw(st.integers(-20, 20), label="percent"))
        elif office == "delete" and len(self.deleted_products) < 3:
            self.erp_deletes_a_product(pick)
        for name in data.draw(st.lists(st.sampled_from(AGENTS), min_size=1, max_size=3, unique=True),
                              label="syncing"):
            self.sync(name, data.draw(st.sampled_from(FAULTS), label=f"fault for {name}"))

    # ------------------------------------------------------------------ heal and check

    def teardown(self) -> None:
        try:
            self._heal_and_check()
        finally:
            for agent in self.agents.values():
                agent.close()
            for proxy in self.proxies.values():
                proxy.close()
            self.office.close()
            self.server.stop()

    def _heal_and_check(self) -> None:
        for name, agent in self.agents.items():
            agent.sync()
            with agent.replica.session(write=True) as s:
                for entry in conflicts.list_open(s):
                    settle = next(c for c in ("ok", "accept_office", "discard", "cancel")
                                  if c in entry.choices)
                    conflicts.resolve(s, entry.id, settle)
            report = agent.sync(verify=True)
            assert report.mismatched == [], (name, report)
            assert report.not_verified == [], (name, report)
            with agent.replica.session() as s:
                assert outbox.pending_count(s) == 0
        server_orders = server_rows(self.db_url, "orders")
        numbers = [o["number"] for o in server_orders]
        assert len(numbers) == len(set(numbers)), "an order number appears twice on the server"
        by_id = {o["id"]: o for o in server_orders}
        customer_agent = {c["id"]: c["agent_id"] for c in server_rows(self.db_url, "customers")}
        for order_id, name in self.placed.items():
            agent = self.agents[name]
            with agent.replica.session() as s:
                statuses = [r.status for r in s.scalars(select(OutboxCommand).where(
                    OutboxCommand.type == "order.submit"))
                    if r.payload.get("order_id") == order_id]
            if order_id in by_id:
                # orders follow their customer: after a reassignment the new agent holds them
                holder = customer_agent[by_id[order_id]["customer_id"]]
                for n, other in self.agents.items():
                    expected = [by_id[order_id]] if self.agent_ids[n] == holder else []
                    assert local_rows(other.replica, "orders", id=order_id) == expected, (n, order_id)
            else:
                # only an order the server refused (e.g. its customer moved away) may be missing
                assert statuses and all(st_ == "done" for st_ in statuses)
                assert local_rows(agent.replica, "orders", id=order_id) == []
        for agent in self.agents.values():
            present = {r["id"] for r in local_rows(agent.replica, "products")}
            assert not present & self.deleted_products


@pytest.mark.slow
def test_agents_office_and_faults(sqlite_template: Path, tmp_path: Path) -> None:
    STATE["template"], STATE["tmp"] = sqlite_template, tmp_path
    run_state_machine_as_test(SalesForce, settings=settings(
        max_examples=int(os.environ.get("SFA_STATEFUL_EXAMPLES", "12")),
        stateful_step_count=int(os.environ.get("SFA_STATEFUL_STEPS", "12")), deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))
