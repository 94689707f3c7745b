"""The office client against a real server: typed rows, refusals in the office's words, roles."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from sfa_desktop import i18n
from sfa_desktop.office.client import AlreadyDecidedError, OfficeClient, OfficeError
from sfa_desktop.sync.errors import LoginFailedError

from .conftest import LiveServer


@pytest.fixture
def office(server: LiveServer):
    client = OfficeClient.sign_in(server.url, "ufficio", "demo-ufficio")
    yield client
    client.close()


def test_queue_pages_and_detail_are_typed_rows(office: OfficeClient) -> None:
    assert office.user.role == "office" and not office.user.is_admin
    first = office.approval_queue(limit=3)
    assert first.total >= len(first.orders) > 0 and isinstance(first.orders[0].grand_total, Decimal)
    assert first.orders[0].reasons and first.orders[0].created_at.tzinfo is not None
    seen = list(first.orders)
    cursor = first.next_cursor
    while cursor:
        page = office.approval_queue(limit=3, cursor=cursor)
        seen += page.orders
        cursor = page.next_cursor
    assert len(seen) == first.total == len({o.id for o in seen})
    detail = office.order(seen[0].id)
    assert detail.order.id == seen[0].id and detail.lines and isinstance(detail.lines[0].net_amount, Decimal)
    assert detail.credit is not None and detail.credit.overdue_invoices  # the demo customer is late
    agents = office.agents()
    assert agents and all(a.role == "agent" for a in agents)
    one = office.approval_queue(agent_id=seen[0].agent_id, limit=500)
    assert {o.agent_id for o in one.orders} == {seen[0].agent_id}


def test_refusals_speak_to_the_office(office: OfficeClient, server: LiveServer) -> None:
    order = office.approval_queue(limit=1).orders[0]
    with pytest.raises(OfficeError) as empty:
        office.reject(order.id, "   ")
    assert empty.value.code == "office.note_required"
    with pytest.raises(OfficeError) as unknown:
        office.order("no-such-order")
    assert unknown.value.code == "office.not_found"
    other = OfficeClient.sign_in(server.url, "admin", "demo-admin")
    try:
        barrier, outcomes = threading.Barrier(2), []

        def decide(client: OfficeClient) -> None:
            barrier.wait()
            try:
                outcomes.append(client.approve(order.id, "ok"))
            except AlreadyDecidedError as error:
                outcomes.append(error)

        threads = [threading.Thread(target=decide, args=(c,)) for c in (office, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        [lost] = [o for o in outcomes if isinstance(o, AlreadyDecidedError)]
        [won] = [o for o in outcomes if not isinstance(o, AlreadyDecidedError)]
        assert lost.by == won.decided_by and lost.at == won.decided_at and lost.status == "approved"
        i18n.set_language("it")
        assert won.decided_by in i18n.error_text(lost) and "già" in i18n.error_text(lost)
    finally:
        other.close()


def test_an_agent_or_a_wrong_password_gets_no_office(server: LiveServer) -> None:
    with pytest.raises(OfficeError) as agent:
        OfficeClient.sign_in(server.url, "ag01", "demo-ag01")
    assert agent.value.code == "office.agent_role"
    with pytest.raises(LoginFailedError):
        OfficeClient.sign_in(server.url, "ufficio", "wrong password")


def test_admin_sees_devices_and_an_unreachable_server_is_said_plainly(server: LiveServer) -> None:
    admin = OfficeClient.sign_in(server.url, "admin", "demo-admin")
    devices = admin.devices()
    assert any(d.username == "admin" for d in devices)
    assert {u.username for u in admin.users()} >= {"admin", "ufficio", "ag01"}
    server.stop()
    admin.transport.max_retries = 0
    with pytest.raises(OfficeError) as away:
        admin.approval_queue()
    assert away.value.code == "office.unreachable"
