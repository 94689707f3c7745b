"""Network and server faults during a sync: after each, a new sync heals everything, no order is
lost or doubled, and later local changes still upload."""

from __future__ import annotations

from pathlib import Path

import pytest

from sfa_desktop.sync import outbox
from sfa_desktop.sync.errors import ServerUnreachableError, SyncError

from .conftest import BOTH_DATABASES, Agent, LiveServer, make_agent
from .faultproxy import FaultProxy
from .helpers import local_rows, place_order, server_rows, some_customer_and_products, user_id


def agent_via_proxy(tmp_path: Path, server: LiveServer, proxy: FaultProxy, agents: list[Agent]) -> Agent:
    agent = make_agent(tmp_path, proxy.url, "ag01", timeout=(1.0, 1.5), max_retries=2)
    agents.append(agent)
    agent.engine.page_size = 500  # several pages, so faults can land between them
    return agent


def assert_healed(agent: Agent, server: LiveServer, order_ids: list[str]) -> None:
    """A clean sync afterwards: everything sent once, replica equal to the server's view."""
    report = agent.sync(verify=True)
    assert report.mismatched == [], report
    with agent.replica.session() as s:
        assert outbox.pending_count(s) == 0
    me = user_id(server.database_url, "ag01")
    server_orders = server_rows(server.database_url, "orders", agent_id=me)
    for order_id in order_ids:
        assert [o["id"] for o in server_orders].count(order_id) == 1
        assert local_rows(agent.replica, "orders", id=order_id) == [
            o for o in server_orders if o["id"] == order_id]
    # a change made after the fault still uploads
    customer, products = some_customer_and_products(agent.replica)
    later, _, _ = place_order(agent.replica, customer_id=customer, lines=[(products[0], "1")])
    assert agent.sync().commands_applied == 1
    assert len(server_rows(server.database_url, "orders", id=later)) == 1


FAULTS = [
    ("drop_before", "/sync/push"),
    ("drop_after", "/sync/push"),
    ("hang", "/sync/push"),
    ("truncate", "/sync/push"),
    ("drop_before", "/sync/pull"),
    ("drop_after", "/sync/pull"),
    ("hang", "/sync/pull"),
    ("truncate", "/sync/pull"),
]


@pytest.mark.parametrize(("fault", "path"), FAULTS)
def test_a_fault_that_outlasts_the_retries_stops_the_sync_and_the_next_one_heals(
        server: LiveServer, proxy: FaultProxy, tmp_path: Path, agents: list[Agent], fault: str,
        path: str) -> None:
    agent = agent_via_proxy(tmp_path, server, proxy, agents)
    agent.sync()
    customer, products = some_customer_and_products(agent.replica)
    orders = [place_order(agent.replica, customer_id=customer, lines=[(products[0], "2")])[0]
              for _ in range(2)]
    proxy.add(fault, path=path, times=-1)
    with pytest.raises(ServerUnreachableError) as info:
        agent.sync()
    assert "kept" in info.value.user_message
    assert proxy.faults_done(fault) == 3  # first try + 2 retries
    if fault == "drop_after" and path == "/sync/push":
        # the server applied them although the client never heard back
        assert all(server_rows(server.database_url, "orders", id=o) for o in orders)
    with agent.replica.session() as s:
        assert outbox.pending_count(s) == (2 if path == "/sync/push" else 0)
    proxy.clear()
    assert_healed(agent, server, orders)


@pytest.mark.parametrize("fault", ["drop_before", "drop_after", "truncate"])
def test_a_single_fault_is_absorbed_by_the_retry(server: LiveServer, proxy: FaultProxy, tmp_path: Path,
                                                 agents: list[Agent], fault: str) -> None:
    agent = agent_via_proxy(tmp_path, server, proxy, agents)
    customer = None
    agent.sync()
    customer, products = some_customer_and_products(agent.replica)
    order, _, _ = place_order(agent.replica, customer_id=customer, lines=[(products[0], "2")])
    proxy.add(fault, path="/sync/push")
    proxy.add(fault, path="/sync/pull")
    report = agent.sync()
    assert report.commands_applied == 1
    assert proxy.faults_done(fault) == 2
    assert_healed(agent, server, [order])


def test_slow_sliced_answers_still_sync(server: LiveServer, proxy: FaultProxy, tmp_path: Path,
                                       agents: list[Agent]) -> None:
    agent = agent_via_proxy(tmp_path, server, proxy, agents)
    proxy.add("slow", path="/sync/pull", times=-1, slice_bytes=7000, pause=0.001)
    report = agent.sync(verify=True)
    assert report.mismatched == [] and report.pages > 3
    assert proxy.faults_done("slow") >= report.pages


@BOTH_DATABASES
def test_server_restarted_mid_sync(server: LiveServer, tmp_path: Path, agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01", timeout=(1.0, 2.0), max_retries=1)
    agents.append(agent)
    agent.engine.page_size = 300
    pages_seen = 0
    original_pull = agent.transport.pull_bytes  # a first sync pulls pages undecoded (decoded and validated ahead)

    def pull_then_stop(**kw: object):  # the server goes down after the third page
        nonlocal pages_seen
        result = original_pull(**kw)  # type: ignore[arg-type]
        pages_seen += 1
        if pages_seen == 3:
            server.stop()
        return result

    agent.transport.pull_bytes = pull_then_stop  # type: ignore[method-assign]
    with pytest.raises(SyncError):
        agent.sync()
    with agent.replica.session() as s:
        from sfa_desktop.sync import state
        cursor = state.read_cursor(s).cursor
    assert cursor is not None  # three pages were kept
    server.start()
    agent.transport.pull_bytes = original_pull  # type: ignore[method-assign]
    report = agent.sync(verify=True)
    assert report.mismatched == [] and report.resynced == []
    assert_healed(agent, server, [])
