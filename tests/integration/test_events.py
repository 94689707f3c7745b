"""What the core tells the screens during real syncs: streams changed with ids, outbox, decisions."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from sfa_desktop.i18n import render
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.models import Update
from sfa_desktop.sync.events import Event
from sfa_server.models import Order as ServerOrder

from .conftest import Agent, LiveServer, make_agent
from .helpers import place_order, server_session, some_customer_and_products
from .test_offline_edits import office_session


def test_a_day_of_syncs_tells_the_screens_what_changed(server: LiveServer, tmp_path: Path,
                                                      agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    seen: dict[str, list] = {e.value: [] for e in Event}
    for event in Event:
        agent.session.events.subscribe(event, lambda *args, e=event: seen[e.value].append(args))
    agent.sync()
    [(first,)] = seen["streams_changed"]
    assert isinstance(first, Changes) and first.touches("customers", "products", "price_lists")
    assert first.ids("customers") is None  # a first sync: whole streams, no id lists
    assert len(seen["sync_started"]) == 1 and len(seen["sync_finished"]) == 1
    assert seen["sync_progressed"], "progress is reported while pulling"

    customer, products = some_customer_and_products(agent.replica)
    # 40 % off is above any agent's limit: the office must decide
    order_id, number, _ = place_order(agent.replica, customer_id=customer, lines=[(products[0], "1")], discount="40")
    for events in seen.values():
        events.clear()
    agent.sync()
    changes = [args[0] for args in seen["streams_changed"]]
    assert any(order_id in (c.ids("orders") or ()) for c in changes)
    assert seen["outbox_changed"] and seen["outbox_changed"][-1] == (0,)

    with server_session(server.database_url) as s:
        status = s.get(ServerOrder, order_id).status
    assert status == "pending_approval"
    office = office_session(server.url)
    r = office.post(f"{server.url}/api/v1/office/orders/{order_id}/approve", json={"note": "Ok, confermato"},
                    timeout=10)
    assert r.status_code == 200, r.text
    for events in seen.values():
        events.clear()
    agent.sync()
    [(decisions,)] = seen["decisions_arrived"]
    [decision] = decisions
    assert (decision.order_id, decision.status, decision.note) == (order_id, "approved", "Ok, confermato")
    with agent.replica.session() as s:
        [update] = s.scalars(select(Update)).all()
    assert not update.seen and update.row_id == order_id
    from sfa_desktop.domain.messages import Message

    text = render(Message.from_wire(update.message), "en")
    assert number in text and "approved by ufficio" in text and "Ok, confermato" in text


def test_the_customer_pyramid_is_ranked_after_a_sync(server: LiveServer, tmp_path: Path, agents: list[Agent]) -> None:
    from sfa_desktop.operations.pyramid import refresh_if_stale
    from sfa_desktop.operations.read.pyramid import pyramid_counts

    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    seen: list[Changes] = []

    def refresh(s, changes):  # type: ignore[no-untyped-def]
        seen.append(changes)
        return refresh_if_stale(s, changes=changes)

    agent.session.after_sync.append(refresh)
    agent.sync()
    assert seen and seen[0].touches("customers")
    with agent.replica.session() as s:
        counts = pyramid_counts(s)
        customers = len(local_rows_count(s))
    assert sum(n for by_temperature in counts.values() for n in by_temperature.values()) == customers > 0


def local_rows_count(s):  # type: ignore[no-untyped-def]
    from sfa_desktop.local_db.models import Customer

    return s.scalars(select(Customer.id)).all()
