"""Each recovery message names a remedy that works: the test does what the message says and the
agent is working again (a missing key file, a damaged first page, a damaged table page found by
`sync --verify` in the headless client), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sfa_desktop.i18n import error_text
from sfa_desktop.local_db import ReplicaError, keys
from sfa_desktop.local_db.models import OutboxCommand
from sfa_desktop.session import AgentSession, SessionState
from sfa_server.models import Order as ServerOrder

from .conftest import NO_KEYRING, Agent, LiveServer, make_agent
from .helpers import place_order, server_session, some_customer_and_products
from .test_recovery import flip_a_byte_in_the_middle

PASSWORD = "demo-ag01"
ROOT = Path(__file__).resolve().parents[2]
CHILD_ENV = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def headless_sync(server: LiveServer, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sfa_desktop", "sync", "--server", server.url, "--user", "ag01",
         "--password-stdin", "--db", str(db), "--quiet", *extra],
        input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=180, env=CHILD_ENV)


def orders_on_server(url: str, order_id: str) -> int:
    with server_session(url) as s:
        return s.scalar(select(func.count()).select_from(ServerOrder).where(ServerOrder.id == order_id))


def _agent_with_unsent_order(server: LiveServer, tmp_path: Path) -> tuple[Path, str, str]:
    agent = make_agent(tmp_path, server.url, "ag01")
    agent.sync()
    customer, products = some_customer_and_products(agent.replica)
    order_id, _number, command_id = place_order(agent.replica, customer_id=customer, lines=[(products[0], "1")])
    agent.session.ensure_sound()  # checked today: only the verify (or a push) checks again
    agent.close()
    return tmp_path / "ag01.db", order_id, command_id


def test_sync_verify_on_a_damaged_page_says_rebuild_and_the_rebuild_option_works(
        server: LiveServer, tmp_path: Path) -> None:
    db, order_id, _command = _agent_with_unsent_order(server, tmp_path)
    flip_a_byte_in_the_middle(db)
    done = headless_sync(server, db, "--verify")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "damaged" in done.stderr and "--rebuild" in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) <= 3, done.stderr
    assert orders_on_server(server.database_url, order_id) == 0  # nothing pushed from it
    done = headless_sync(server, db, "--rebuild")  # the advice
    assert done.returncode == 0, done.stderr[-2000:]
    assert orders_on_server(server.database_url, order_id) == 1  # the unsent order survived, sent once
    assert any(".damaged-" in p.name for p in tmp_path.iterdir())  # kept for support
    again = headless_sync(server, db, "--verify")
    assert again.returncode == 0, again.stderr[-2000:]
    assert orders_on_server(server.database_url, order_id) == 1


def test_a_missing_key_file_names_the_rebuild_and_it_works(server: LiveServer, tmp_path: Path,
                                                          agents: list[Agent]) -> None:
    db, _order, _command = _agent_with_unsent_order(server, tmp_path)
    keys.key_file_path(db).unlink()
    session = AgentSession(db, server_url=server.url, username="ag01", keystore=NO_KEYRING)
    with pytest.raises(ReplicaError) as info:
        session.unlock(PASSWORD)
    text = error_text(info.value, "en")
    assert "Rebuild the local data from the server" in text, text
    session.rebuild(PASSWORD)
    agents.append(Agent("ag01", session))
    assert session.state is SessionState.OPEN
    assert session.sync().rows > 100
    assert any(".damaged-" in p.name for p in tmp_path.iterdir())  # the unreadable file is kept


def test_a_damaged_first_page_names_the_rebuild_and_it_works(server: LiveServer, tmp_path: Path,
                                                            agents: list[Agent]) -> None:
    db, _order, _command = _agent_with_unsent_order(server, tmp_path)
    with open(db, "r+b") as fh:  # inside page 1 (the schema), after the salt
        fh.seek(200)
        byte = fh.read(1)
        fh.seek(200)
        fh.write(bytes([byte[0] ^ 0xFF]))
    session = AgentSession(db, server_url=server.url, username="ag01", keystore=NO_KEYRING)
    with pytest.raises(ReplicaError) as info:
        session.unlock(PASSWORD)
    text = error_text(info.value, "en")
    assert "Rebuild" in text, text
    session.rebuild(PASSWORD)
    agents.append(Agent("ag01", session))
    assert session.sync().rows > 100
    with session.replica.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxCommand)) == 0  # nothing readable to keep
