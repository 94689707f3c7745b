"""A command the server keeps failing on never blocks an agent: it is tried again at a few syncs,
then held with its reason in the outbox, while the commands that do not need it go on.

The server's fault is injected inside the real server (a handler that raises, or a push route
that fails whole with a 500 for one command, as an older server would)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from sfa_desktop.local_db.models import OutboxCommand
from sfa_desktop.operations.activities import log_activity
from sfa_desktop.sync.errors import ServerFaultError
from sfa_server import push as push_module
from sfa_server.models import Activity

from .conftest import Agent, LiveServer, make_agent
from .helpers import server_session, some_customer_and_products

POISON = "Visita che il server non sa registrare"


def _outbox(agent: Agent) -> dict[str, tuple[str, int, dict | None]]:
    with agent.replica.session() as s:
        return {r.payload.get("subject", ""): (r.status, r.attempts, r.last_error)
                for r in s.scalars(select(OutboxCommand).where(OutboxCommand.type == "activity.log"))}


def _server_activities(url: str, subject: str) -> int:
    with server_session(url) as s:
        return s.scalar(select(func.count()).select_from(Activity).where(Activity.subject == subject))


def _log(agent: Agent, customer: str, subject: str) -> None:
    agent.write(lambda s: log_activity(s, customer_id=customer, kind="call", subject=subject))


@pytest.mark.parametrize("fault", ["command", "whole_push"])
def test_a_poison_command_is_held_after_three_tries_and_the_others_go_on(
        server: LiveServer, tmp_path: Path, agents: list[Agent], monkeypatch: pytest.MonkeyPatch,
        fault: str) -> None:
    if fault == "command":
        real = push_module.HANDLERS["activity.log"]

        def broken(session: Any, principal: Any, cmd: Any) -> Any:
            if cmd.payload.get("subject") == POISON:
                raise RuntimeError("a bug on this command")
            return real(session, principal, cmd)

        monkeypatch.setitem(push_module.HANDLERS, "activity.log", broken)
    else:
        real_apply = push_module.apply_command

        def failing(sessions: Any, principal: Any, cmd: Any, answers: Any) -> Any:
            if cmd.payload.get("subject") == POISON:
                raise RuntimeError("the whole push fails: 500")
            return real_apply(sessions, principal, cmd, answers)

        monkeypatch.setattr(push_module, "apply_command", failing)
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    customer, _ = some_customer_and_products(agent.replica)
    _log(agent, customer, POISON)
    for n in (1, 2, 3):
        _log(agent, customer, f"Telefonata {n}")  # independent work queued behind the poison
        agent.sync()  # the sync finishes: one bad command does not fail it
        status, attempts, error = _outbox(agent)[POISON]
        assert attempts == n
        assert _outbox(agent)[f"Telefonata {n}"][0] == "done"
        assert _server_activities(server.database_url, f"Telefonata {n}") == 1
        if n < 3:
            assert status == "pending" and error["code"] == "outbox.server_error"
    assert status == "failed"  # held for the agent, with its reason
    assert _server_activities(server.database_url, POISON) == 0
    from sfa_desktop.sync import conflicts
    with agent.replica.session() as s:
        [entry] = conflicts.list_open(s)
        assert "3 times" in str(entry.message)
    # a fixed server: the agent retries it from the inbox and it is applied once
    monkeypatch.undo()
    from sfa_desktop.operations.inbox import resolve_conflict
    agent.write(lambda s: resolve_conflict(s, conflict_id=entry.id, choice="retry"))
    agent.sync()
    assert _server_activities(server.database_url, POISON) == 1
    agent.sync()
    assert _server_activities(server.database_url, POISON) == 1


def test_a_server_failing_on_everything_fails_the_sync_and_holds_nothing(
        server: LiveServer, tmp_path: Path, agents: list[Agent], monkeypatch: pytest.MonkeyPatch) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    customer, _ = some_customer_and_products(agent.replica)
    for n in range(5):
        _log(agent, customer, f"Visita {n}")

    def failing(*_a: Any) -> Any:
        raise RuntimeError("every push fails")

    monkeypatch.setattr(push_module, "apply_command", failing)
    for _ in range(4):
        with pytest.raises(ServerFaultError):
            agent.sync()
    assert {status for status, _a, _e in _outbox(agent).values()} == {"pending"}
    monkeypatch.undo()
    agent.sync()
    assert {status for status, _a, _e in _outbox(agent).values()} == {"done"}


def _break_handler_for_poison(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's activity.log handler raises on the poison: a 200 answer whose result for that
    command is `server_error` (the server is up and answered; it failed on this command)."""
    real = push_module.HANDLERS["activity.log"]

    def broken(session: Any, principal: Any, cmd: Any) -> Any:
        if cmd.payload.get("subject") == POISON:
            raise RuntimeError("a bug on this command")
        return real(session, principal, cmd)

    monkeypatch.setitem(push_module.HANDLERS, "activity.log", broken)


def _outbox_row(agent: Agent, subject: str) -> Any:
    from sfa_desktop.operations.read.sync import outbox_ids, outbox_rows
    with agent.replica.session() as s:
        rows = outbox_rows(s, outbox_ids(s, status=("pending", "held", "failed", "done")))
    [row] = [r for r in rows if r.type == "activity.log" and subject in str(r.about)]
    return row


def test_a_poison_command_alone_in_the_outbox_is_held_after_three_tries(
        server: LiveServer, proxy: Any, tmp_path: Path, agents: list[Agent],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sfa_desktop.i18n import render
    from sfa_desktop.operations.inbox import retry_command
    from sfa_desktop.sync.errors import SyncError

    _break_handler_for_poison(monkeypatch)
    agent = make_agent(tmp_path, proxy.url, "ag01", timeout=(1.0, 1.5), max_retries=1)
    agents.append(agent)
    agent.sync()
    customer, _ = some_customer_and_products(agent.replica)
    _log(agent, customer, POISON)  # the only command queued: no other one proves the server is up

    # Outages first: the server down, a gateway answering 503/502, a push that never answers. Each
    # fails the sync and none counts as a try of the command, however many there are.
    for fault in ("status_503", "status_502", "hang", "drop_before"):
        proxy.add(fault, path="/sync/push", times=-1)
        for _ in range(2):
            with pytest.raises(SyncError):
                agent.sync()
        proxy.clear()
    server.stop()
    for _ in range(3):
        with pytest.raises(SyncError):
            agent.sync()
    server.start()
    row = _outbox_row(agent, POISON)
    # nothing held by an outage: every try counted (for the backoff), none as a server failure
    assert row.status == "pending" and row.attempts >= 11, row
    assert row.last_error.code != "outbox.server_error", row.last_error
    outage_tries = row.attempts

    # The server up, failing on this one command: each sync finishes, and the third holds it; an
    # outage between two of them neither counts nor resets the count.
    for n in (1, 2, 3):
        agent.sync()
        row = _outbox_row(agent, POISON)
        assert row.attempts == outage_tries + n
        if n < 3:
            assert row.status == "pending", row
            assert (row.last_error.code, row.last_error.params["tries"]) == ("outbox.server_error", n)
        if n == 1:
            proxy.add("status_503", path="/sync/push", times=-1)
            with pytest.raises(SyncError):
                agent.sync()
            proxy.clear()
            outage_tries += 1
            assert _outbox_row(agent, POISON).last_error.params["tries"] == 1
    assert row.status == "failed"  # held for the agent: not sent again by itself
    shown = render(row.last_error, "en")
    assert "3 times" in shown and "Send again" in shown, shown  # the outbox says why and what to do
    agent.sync()
    assert _outbox_row(agent, POISON).attempts == outage_tries + 3  # a held command is not sent again
    assert _server_activities(server.database_url, POISON) == 0

    # the server fixed, the agent retries it from the outbox: applied once
    monkeypatch.undo()
    agent.write(lambda s: retry_command(s, command_id=row.id))
    agent.sync()
    agent.sync()
    assert _server_activities(server.database_url, POISON) == 1
