"""AgentSession without a server: states, offline unlock, lock waits for work, events from operations."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring
from sqlalchemy import insert

from sfa_desktop.local_db import ReplicaError, keys
from sfa_desktop.local_db.changes import Changes
from sfa_desktop.local_db.errors import WrongPasswordError
from sfa_desktop.local_db.models import Customer, User
from sfa_desktop.operations import edit_customer
from sfa_desktop.session import AgentSession, SessionState
from sfa_desktop.sync.errors import ServerUnreachableError
from sfa_desktop.sync.events import Event

NO_KEYRING = keys.KeyStore(backend=Keyring())
PASSWORD = "correct horse battery"


def offline_session(tmp_path: Path) -> AgentSession:
    """A replica made as a first sign-in would make it, then closed: the agent is offline."""
    db = tmp_path / "agent.sfadb"
    key = keys.create_key(db, PASSWORD, store=NO_KEYRING)
    from sfa_desktop.local_db import open_replica

    with open_replica(db, key) as replica, replica.session(write=True) as s:
        s.execute(insert(User), [{"id": "u1", "username": "ag07", "role": "agent", "agent_code": "AG07"}])
        s.execute(insert(Customer), [{"id": "c1", "name": "Rossi S.r.l.", "status": "active", "credit_limit": 0,
                                      "balance": 0, "overdue_amount": 0, "language": "it", "phone": "011 1234567"}])
    return AgentSession(db, keystore=NO_KEYRING)


def test_a_new_computer_needs_a_first_sign_in_and_a_failed_one_leaves_nothing(tmp_path: Path) -> None:
    session = AgentSession(tmp_path / "agent.sfadb", keystore=NO_KEYRING)
    assert session.state is SessionState.NEW
    with pytest.raises(ServerUnreachableError):
        session.sign_in_first_time(server_url="http://127.0.0.1:9", username="ag07", password=PASSWORD)
    assert session.state is SessionState.NEW
    assert list(tmp_path.iterdir()) == []  # no replica, no key file: the next try starts clean


def test_unlock_offline_with_the_password_and_lock_again(tmp_path: Path) -> None:
    session = offline_session(tmp_path)
    assert session.state is SessionState.LOCKED and session.needs_password()
    with pytest.raises(WrongPasswordError):
        session.unlock("wrong password!")
    seen: list[str] = []
    session.events.subscribe(Event.UNLOCKED, lambda: seen.append("unlocked"))
    session.events.subscribe(Event.LOCKED, lambda: seen.append("locked"))
    session.unlock(PASSWORD)
    assert session.state is SessionState.OPEN and session.engine is None  # no server configured yet
    session.lock()
    assert session.state is SessionState.LOCKED and seen == ["unlocked", "locked"]
    with pytest.raises(ReplicaError, match="locked"):
        session.read(lambda s: s.get(Customer, "c1"))


def test_an_operation_emits_what_it_changed(tmp_path: Path) -> None:
    session = offline_session(tmp_path)
    session.unlock(PASSWORD)
    changed: list[Changes] = []
    pending: list[int] = []
    session.events.subscribe(Event.STREAMS_CHANGED, changed.append)
    session.events.subscribe(Event.OUTBOX_CHANGED, pending.append)
    result = session.write(lambda s: edit_customer(s, customer_id="c1", changes={"phone": "011 7654321"}))
    assert result.ids("customers") == {"c1"} and changed == [result] and pending == [1]
    assert session.read(lambda s: s.get(Customer, "c1").phone) == "011 7654321"
    session.close()


def test_lock_waits_for_the_work_in_progress(tmp_path: Path) -> None:
    session = offline_session(tmp_path)
    session.unlock(PASSWORD)
    started, finished = threading.Event(), threading.Event()

    def slow(s):  # type: ignore[no-untyped-def]
        started.set()
        time.sleep(0.3)
        value = s.get(Customer, "c1").name
        finished.set()
        return value

    worker = threading.Thread(target=lambda: session.read(slow))
    worker.start()
    started.wait(5)
    session.lock()  # returns only once the read above is done: no worker holds a closed replica
    assert finished.is_set()
    worker.join(5)


def test_sync_without_a_server_says_sign_in_is_needed(tmp_path: Path) -> None:
    from sfa_desktop.sync.errors import AuthenticationRequiredError

    session = offline_session(tmp_path)
    session.unlock(PASSWORD)
    with pytest.raises(AuthenticationRequiredError):
        session.sync()
    assert not session.sync_due()
    session.close()


def test_commits_lost_with_a_cut_write_ahead_log_are_noticed_and_the_agent_told(tmp_path: Path) -> None:


    from sqlalchemy import select

    from sfa_desktop.local_db.models import Update

    session = offline_session(tmp_path)
    session.unlock(PASSWORD)
    session.write(lambda s: edit_customer(s, customer_id="c1", changes={"phone": "011 1111111"}))
    session.lock()
    db = session.replica_path
    saved = {suffix: Path(f"{db}{suffix}").read_bytes() for suffix in ("", "-wal") if Path(f"{db}{suffix}").exists()}
    session.unlock(PASSWORD)
    session.write(lambda s: edit_customer(s, customer_id="c1", changes={"phone": "011 2222222"}))
    session.write(lambda s: edit_customer(s, customer_id="c1", changes={"email": "info@rossi.it"}))
    session.lock()
    for suffix, data in saved.items():  # a power-loss copy: the last two commits are gone
        Path(f"{db}{suffix}").write_bytes(data)
    Path(f"{db}-shm").unlink(missing_ok=True)
    session.unlock(PASSWORD)
    [update] = session.read(lambda s: s.scalars(select(Update)).all())
    assert update.kind == "lost_changes" and update.message["params"]["count"] == 2
    session.lock()
    session.unlock(PASSWORD)  # told once
    assert len(session.read(lambda s: s.scalars(select(Update)).all())) == 1
    session.close()


