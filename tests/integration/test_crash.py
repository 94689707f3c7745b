"""The headless client killed with SIGKILL mid-sync: the replica is consistent, nothing is lost or
doubled, and the next sync finishes the work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring

from sfa_desktop.local_db import keys
from sfa_desktop.sync import outbox, protocol, state

from .conftest import Agent, LiveServer, make_agent
from .helpers import local_rows, place_order, server_rows, some_customer_and_products

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-ag01"
NO_KEYRING = keys.KeyStore(backend=Keyring())
#: The child keeps its key in the password-wrapped key file, never in the developer's keyring.
CHILD_ENV = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def headless(point: str, server: LiveServer, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.integration.kill_client", point, "--", "--server", server.url,
         "--user", "ag01", "--password-stdin", "--db", str(db), "--quiet", *extra],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=120, env=CHILD_ENV)


def reopen(db: Path, server: LiveServer, agents: list[Agent]) -> Agent:
    agent = make_agent(db.parent, server.url, "ag01", password=PASSWORD)
    agents.append(agent)
    return agent


def test_headless_sync_works_and_prints_a_summary(server: LiveServer, tmp_path: Path) -> None:
    done = headless("none", server, tmp_path / "ag01.db", "--verify")
    assert done.returncode == 0, done.stderr
    assert "Synced in" in done.stdout and f"checked {len(protocol.STREAMS)} table(s)" in done.stdout
    wrong = subprocess.run(
        [sys.executable, "-m", "tests.integration.kill_client", "none", "--", "--server", server.url,
         "--user", "ag01", "--password-stdin", "--db", str(tmp_path / "other.db"), "--quiet"],
        input="wrong-password\n", capture_output=True, text=True, cwd=ROOT, timeout=60, env=CHILD_ENV)
    assert wrong.returncode == 2 and "password" in wrong.stderr.lower()


def test_killed_while_applying_a_page(server: LiveServer, tmp_path: Path, agents: list[Agent]) -> None:
    db = tmp_path / "ag01.db"
    killed = headless("apply", server, db, "--page-size", "200")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    agent = reopen(db, server, agents)
    assert agent.replica.check_integrity() == []
    with agent.replica.session() as s:
        cursor = state.read_cursor(s)
    assert cursor is not None and cursor.cursor  # the first two pages were kept
    agent.engine.page_size = 200
    report = agent.sync(verify=True)
    assert report.mismatched == [] and report.resynced == []


def test_killed_between_the_server_answer_and_the_local_commit(server: LiveServer, tmp_path: Path,
                                                               agents: list[Agent]) -> None:
    db = tmp_path / "ag01.db"
    assert headless("none", server, db).returncode == 0
    agent = reopen(db, server, agents)
    customer, products = some_customer_and_products(agent.replica)
    orders = [place_order(agent.replica, customer_id=customer, lines=[(products[0], "1")])[0]
              for _ in range(3)]
    agent.close()
    agents.remove(agent)
    killed = headless("answer", server, db)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # the server applied them; the client never recorded it
    assert all(len(server_rows(server.database_url, "orders", id=o)) == 1 for o in orders)
    agent = reopen(db, server, agents)
    with agent.replica.session() as s:
        assert outbox.pending_count(s) == 3
    report = agent.sync(verify=True)
    assert report.commands_applied == 3 and report.mismatched == []
    for o in orders:
        assert len(server_rows(server.database_url, "orders", id=o)) == 1
        assert local_rows(agent.replica, "orders", id=o) == server_rows(server.database_url, "orders", id=o)
    later, _, _ = place_order(agent.replica, customer_id=customer, lines=[(products[1], "1")])
    assert agent.sync().commands_applied == 1
    assert len(server_rows(server.database_url, "orders", id=later)) == 1


@pytest.mark.parametrize("point", ["apply"])
def test_lock_is_released_by_a_killed_process(server: LiveServer, tmp_path: Path, agents: list[Agent],
                                              point: str) -> None:
    db = tmp_path / "ag01.db"
    assert headless(point, server, db, "--page-size", "200").returncode == -signal.SIGKILL
    agent = reopen(db, server, agents)
    agent.sync()  # would raise SyncInProgressError if the dead process still held the lock
