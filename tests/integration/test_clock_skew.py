"""The agent's laptop clock hours or days off the server's: sign-in, token refresh and sync work,
nothing pushed is lost or doubled, the office still wins a clash, the times the client stamps are
the server's, and "last sync ... ago" never reads as the future.

The client's clock is shifted where the client reads it (sfa_desktop.domain.clock.system_clock);
the server on loopback, in the same process, keeps the real clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from sfa_desktop.domain import clock
from sfa_desktop.i18n import ago
from sfa_desktop.operations.activities import log_activity
from sfa_desktop.operations.customers import edit_customer
from sfa_desktop.operations.read.sync import conflict_ids, conflict_rows, sync_summary
from sfa_desktop.sync.errors import SyncError
from sfa_server.changes import upsert_rows
from sfa_server.models import Activity, Customer

from .conftest import Agent, LiveServer, make_agent
from .faultproxy import FaultProxy
from .helpers import place_order, server_rows, server_session, some_customer_and_products

SKEWS = [dt.timedelta(days=3), dt.timedelta(hours=5), dt.timedelta(hours=-5), dt.timedelta(days=-2)]


def _real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


@pytest.mark.parametrize("skew", SKEWS, ids=lambda s: f"{s.total_seconds() / 3600:+.0f}h")
def test_a_client_clock_hours_or_days_off_the_servers(
        server: LiveServer, proxy: FaultProxy, tmp_path: Path, agents: list[Agent],
        skew: dt.timedelta) -> None:
    with clock.system_clock(lambda: _real_now() + skew):
        assert abs(clock.now() - _real_now() - skew) < dt.timedelta(seconds=1)  # the shift is in place
        agent = make_agent(tmp_path, proxy.url, "ag01", timeout=(1.0, 2.0), max_retries=1)
        agents.append(agent)
        # signed in: the client learned the server's clock from the answer's Date header
        assert abs(clock.now() - _real_now()) < dt.timedelta(seconds=3), clock.server_offset()
        agent.sync()
        customer, products = some_customer_and_products(agent.replica)

        # the token: the server judges it by its own clock; the client refreshes when its
        # (monotonic) lifetime runs out and does not loop or refuse whatever its wall clock says
        agent.transport._access_expires_at = 0.0  # type: ignore[union-attr]  # as after 15 minutes
        refreshed = agent.transport._access_token  # type: ignore[union-attr]
        agent.sync()
        assert agent.transport._access_token != refreshed  # type: ignore[union-attr]
        logins = [p for _m, p, _f in proxy.log if p.endswith(("/auth/login", "/auth/refresh"))]
        assert len(logins) <= 3, logins

        # work done offline "now": an order and a visit with its outcome
        order_id, _, _ = place_order(agent.replica, customer_id=customer, lines=[(products[0], "2")])
        agent.write(lambda s: log_activity(s, customer_id=customer, kind="visit", subject="Visita orologio",
                                           outcome="Ordine raccolto"))
        # an office edit (an ERP import) of the phone the agent is changing offline
        agent.write(lambda s: edit_customer(s, customer_id=customer, changes={"phone": "+39 02 1111111"}))
        with server_session(server.database_url) as s:
            row = s.get(Customer, customer)
            assert row is not None
            upsert_rows(s, "customers", [{"id": customer, "phone": "+39 02 9999999",
                                          "row_version": (row.row_version or 0) + 1}])

        # the answer to the push is lost after the server committed it, then the sync heals
        proxy.add("drop_after", path="/sync/push", times=-1)
        with pytest.raises(SyncError):
            agent.sync()
        proxy.clear()
        agent.sync()
        agent.sync()

        assert len(server_rows(server.database_url, "orders", id=order_id)) == 1  # once, not lost
        with server_session(server.database_url) as s:
            visits = s.scalars(select(Activity).where(Activity.subject == "Visita orologio")).all()
            assert len(visits) == 1
            # done now by the server's clock, not planned days ahead or stamped days back
            assert visits[0].done_at is not None, "logged as done, not put in the agenda"
            assert abs(_utc(visits[0].done_at) - _real_now()) < dt.timedelta(minutes=2), visits[0].done_at
            assert s.get(Customer, customer).phone == "+39 02 9999999"  # the office wins the clash

        with agent.replica.session() as s:
            [clash] = [c for c in conflict_rows(s, conflict_ids(s)) if c.kind == "conflict"]
            summary = sync_summary(s)
        assert clash.server_value  # the agent sees both values
        # the last sync is "now" on the server's clock, seconds ago, never in the future
        assert summary.last_success_at is not None
        assert abs(_utc(summary.last_success_at) - _real_now()) < dt.timedelta(minutes=1)
        shown = ago(summary.last_success_at, lang="en")
        assert "ago" in shown and "in " not in shown, shown


@pytest.mark.parametrize("skew", [dt.timedelta(days=3), dt.timedelta(days=-2)], ids=["+72h", "-48h"])
def test_a_token_the_server_says_expired_is_refreshed_whatever_the_clients_clock(
        server: LiveServer, tmp_path: Path, agents: list[Agent], monkeypatch: pytest.MonkeyPatch,
        skew: dt.timedelta) -> None:
    import time

    from sfa_server import tokens

    # the server's access tokens last 2 s by its clock (it still tells the client 15 minutes)
    monkeypatch.setattr(tokens, "ACCESS_TTL", dt.timedelta(seconds=2))
    with clock.system_clock(lambda: _real_now() + skew):
        agent = make_agent(tmp_path, server.url, "ag01")
        agents.append(agent)
        agent.sync()
        first = agent.transport._access_token  # type: ignore[union-attr]
        time.sleep(3.1)  # expired on the server; the client believes it has 15 minutes left
        agent.sync()
        assert agent.transport._access_token != first  # type: ignore[union-attr]  # refreshed once asked
        time.sleep(3.1)
        agent.sync()  # and again: no loop, no refusal


def test_the_last_sync_never_reads_as_the_future_after_the_clock_is_set_back() -> None:
    stamped = _real_now() + dt.timedelta(hours=3)  # a sync stamped while the clock was 3 h fast
    assert ago(stamped, now=_real_now(), lang="en") == "1 second ago"
    assert "fa" in ago(stamped, now=_real_now(), lang="it")
    assert ago(_real_now() - dt.timedelta(hours=2), now=_real_now(), lang="en") == "2 hours ago"


def test_the_offset_learned_at_the_last_sync_holds_offline_after_a_restart(
        server: LiveServer, tmp_path: Path, agents: list[Agent]) -> None:
    skew = dt.timedelta(days=-2)
    with clock.system_clock(lambda: _real_now() + skew):
        agent = make_agent(tmp_path, server.url, "ag01")
        agent.sync()
        agent.close()
        agents.clear()
        clock.set_server_offset(dt.timedelta(0))  # a new process: nothing learned yet
        server.stop()  # and offline: the offset comes from the replica
        from sfa_desktop.session import AgentSession

        from .conftest import NO_KEYRING
        session = AgentSession(tmp_path / "ag01.db", keystore=NO_KEYRING)
        try:
            session.unlock("demo-ag01")
            assert abs(clock.now() - _real_now()) < dt.timedelta(seconds=3), clock.server_offset()
        finally:
            session.close()
            server.start()
