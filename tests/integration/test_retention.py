"""An agent offline longer than the server keeps history resyncs from scratch and loses nothing queued."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select, update

from sfa_desktop.sync import outbox, protocol, state

from .conftest import BOTH_DATABASES, Agent, LiveServer, make_agent
from .helpers import local_rows, place_order, server_rows, server_session, some_customer_and_products


@BOTH_DATABASES
def test_an_agent_offline_past_the_history_horizon_resyncs_and_keeps_its_outbox(
        server: LiveServer, tmp_path: Path, agents: list[Agent]) -> None:
    from sfa_server.changes import delete_rows
    from sfa_server.models import Tombstone
    from sfa_server.retention import prune_history

    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    with agent.replica.session() as s:
        old_cursor = state.read_cursor(s).cursor
    customer, products = some_customer_and_products(agent.replica)
    victim = next(r["id"] for r in local_rows(agent.replica, "products") if r["id"] not in products)

    server.stop()  # the agent is offline: the order waits in its outbox
    order_id, number, _cmd = place_order(agent.replica, customer_id=customer,
                                         lines=[(products[0], "4"), (products[1], "1")])
    with agent.replica.session() as s:
        assert outbox.pending_count(s) == 1
    with server_session(server.database_url) as s:
        assert delete_rows(s, "products", [victim]) == 1
    with server_session(server.database_url) as s:  # ... and months go by
        s.execute(update(Tombstone).values(recorded_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=400)))
    with server_session(server.database_url) as s:
        done = prune_history(s, older_than=dt.timedelta(days=180))
        assert done["tombstones"] >= 1
        assert s.execute(select(func.count()).where(Tombstone.row_id == victim)).scalar_one() == 0
    server.start()

    # the old cursor lies below the horizon: the server answers with a reset of every stream
    page, _ = agent.transport.pull(cursor=old_cursor, limit=10)
    assert page.reset and set(page.reset) == set(protocol.STREAMS)

    report = agent.sync(verify=True)
    assert report.commands_sent == 1 and report.commands_applied == 1
    assert report.mismatched == [] and report.resynced == []  # the reset did it, not a repair
    assert victim not in {r["id"] for r in local_rows(agent.replica, "products")}
    assert [r["number"] for r in server_rows(server.database_url, "orders", id=order_id)] == [number]
    assert len(server_rows(server.database_url, "order_lines", order_id=order_id)) == 2
    [local] = local_rows(agent.replica, "orders", id=order_id)
    assert local["number"] == number and len(local_rows(agent.replica, "order_lines", order_id=order_id)) == 2
    with agent.replica.session() as s:
        assert outbox.pending_count(s) == 0
    # the next sync is incremental again and sends nothing twice
    again = agent.sync(verify=True)
    assert again.rows == 0 and again.commands_sent == 0 and again.mismatched == []
    assert len(server_rows(server.database_url, "orders", id=order_id)) == 1
