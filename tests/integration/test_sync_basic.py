"""First sync, incremental sync and checksums against a real server on loopback."""

from __future__ import annotations

from pathlib import Path

from sfa_desktop.sync import protocol
from sfa_desktop.sync.events import Phase, SyncStatus

from .conftest import BOTH_DATABASES, Agent, LiveServer, make_agent
from .helpers import local_rows, server_rows, server_session, user_id

BOTH = BOTH_DATABASES


@BOTH
def test_first_sync_brings_the_agent_scope_and_verifies(server: LiveServer, tmp_path: Path,
                                                        agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    seen: list[SyncStatus] = []
    agent.engine.listeners.subscribe(seen.append)
    report = agent.sync()
    assert report.rows_upserted > 1000 and report.pages >= 1
    assert report.mismatched == [] and report.resynced == []
    # every stream holds the rows the server counted in its snapshot; the checksums come with the
    # daily verification, and agree
    assert set(report.counted) == set(protocol.STREAMS) and report.verified == []
    first = list(seen)
    assert set(agent.sync(verify=True).verified) == set(protocol.STREAMS)
    seen = first
    me = user_id(server.database_url, "ag01")
    server_orders = {r["id"] for r in server_rows(server.database_url, "orders", agent_id=me)}
    assert server_orders and {r["id"] for r in local_rows(agent.replica, "orders")} == server_orders
    # no other agent's customers
    assert all(r["agent_id"] == me for r in local_rows(agent.replica, "customers"))
    phases = [s.phase for s in seen]
    assert phases[0] == Phase.CONNECTING and Phase.PULLING in phases and phases[-1] == Phase.IDLE
    assert seen[-1].last_success is not None and seen[-1].last_error is None
    assert seen[-1].rows_done == report.rows_upserted + report.rows_deleted


def test_incremental_sync_brings_only_the_changes(server: LiveServer, tmp_path: Path,
                                                  agents: list[Agent]) -> None:
    from sfa_server.changes import delete_rows, upsert_rows

    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    products = server_rows(server.database_url, "products")[:3]
    with server_session(server.database_url) as s:
        upsert_rows(s, "products", [{"id": products[0]["id"], "name": "Cavo FG16 renamed"}])
        delete_rows(s, "products", [products[1]["id"]])
    report = agent.sync(verify=True)
    assert report.rows_upserted == 1 and report.rows_deleted == 1
    assert report.mismatched == [] and report.resynced == []
    names = {r["id"]: r["name"] for r in local_rows(agent.replica, "products")}
    assert names[products[0]["id"]] == "Cavo FG16 renamed" and products[1]["id"] not in names
    again = agent.sync()
    assert again.rows == 0


def test_a_replica_that_drifted_is_repaired_stream_by_stream(server: LiveServer, tmp_path: Path,
                                                             agents: list[Agent]) -> None:
    from sqlalchemy import delete, update

    from sfa_desktop.sync import apply

    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    products = apply.table_of("products")
    stock = apply.table_of("stock_levels")
    with agent.replica.session(write=True) as s:
        victim = s.execute(products.select().limit(1)).mappings().first()
        s.execute(update(products).where(products.c.id == victim["id"]).values(name="tampered"))
        s.execute(delete(stock).where(stock.c.id.in_(s.execute(stock.select().limit(5)).scalars())))
    report = agent.sync(verify=True)
    assert sorted(report.resynced) == ["products", "stock_levels"]
    assert report.mismatched == []
    assert [r["name"] for r in local_rows(agent.replica, "products", id=victim["id"])] == [victim["name"]]


def test_customer_reassigned_leaves_the_old_agent_and_reaches_the_new(server: LiveServer, tmp_path: Path,
                                                                       agents: list[Agent]) -> None:
    from sfa_server.changes import reassign_customer

    a1, a2 = make_agent(tmp_path, server.url, "ag01"), make_agent(tmp_path, server.url, "ag02")
    agents += [a1, a2]
    a1.sync()
    a2.sync()
    customer = local_rows(a1.replica, "customers")[0]
    with server_session(server.database_url) as s:
        reassign_customer(s, customer["id"], user_id(server.database_url, "ag02"))
    r1, r2 = a1.sync(verify=True), a2.sync(verify=True)
    assert r1.mismatched == r2.mismatched == []
    assert local_rows(a1.replica, "customers", id=customer["id"]) == []
    assert local_rows(a1.replica, "addresses", customer_id=customer["id"]) == []
    [moved] = local_rows(a2.replica, "customers", id=customer["id"])
    assert moved == server_rows(server.database_url, "customers", id=customer["id"])[0]
    assert moved["agent_id"] == user_id(server.database_url, "ag02") and moved["name"] == customer["name"]
