"""When the replica breaks: a damaged file is never used to push or print, the agent is told, and
rebuilding from the server keeps what was not sent (nothing applied twice). A half-made first
replica never blocks a new one. Each path follows the message's own advice."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sfa_desktop.i18n import error_text
from sfa_desktop.local_db import ReplicaCorruptError, keys
from sfa_desktop.local_db.models import OutboxCommand
from sfa_desktop.session import AgentSession, SessionState
from sfa_server.models import Order as ServerOrder

from .conftest import NO_KEYRING, Agent, LiveServer, make_agent
from .helpers import local_rows, place_order, server_session, some_customer_and_products

PASSWORD = "demo-ag01"


def flip_a_byte_in_the_middle(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 2 + 123)
        byte = fh.read(1)
        fh.seek(size // 2 + 123)
        fh.write(bytes([byte[0] ^ 0x5A]))


def server_orders(url: str, order_id: str) -> int:
    with server_session(url) as s:
        return s.scalar(select(func.count()).select_from(ServerOrder).where(ServerOrder.id == order_id))


def test_a_damaged_replica_is_refused_and_rebuilt_keeping_what_was_not_sent(
        server: LiveServer, tmp_path: Path, agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agent.sync()
    customer, products = some_customer_and_products(agent.replica)
    order_id, number, command_id = place_order(agent.replica, customer_id=customer, lines=[(products[0], "1")])
    agent.close()
    db = tmp_path / "ag01.db"
    flip_a_byte_in_the_middle(db)
    # the next start after an unclean end (or the weekly check) finds it: make it the unclean end
    agent.session.open_marker.touch()
    session = AgentSession(db, server_url=server.url, keystore=NO_KEYRING)
    with pytest.raises(ReplicaCorruptError) as info:
        session.unlock(PASSWORD)
    assert "Rebuild it from the server" in error_text(info.value, "en")
    assert session.state is SessionState.DAMAGED
    with pytest.raises(ReplicaCorruptError):  # not opened again until rebuilt
        session.unlock(PASSWORD)

    session.username = "ag01"
    session.rebuild(PASSWORD)
    agents.append(Agent("ag01", session))
    assert session.state is SessionState.OPEN
    aside = sorted(p.name for p in tmp_path.iterdir() if ".damaged-" in p.name)
    assert any(n.endswith(".key") for n in aside) and any(n.endswith(".why") for n in aside)
    with session.replica.session() as s:  # the unsent order survived, under its command id
        assert s.get(OutboxCommand, command_id).status == "pending"
    report = session.sync()
    assert report.commands_sent == 1
    assert server_orders(server.database_url, order_id) == 1
    [row] = local_rows(session.replica, "orders", id=order_id)
    assert row["number"] == number
    # a replay of the same command after yet another rebuild creates nothing new
    assert server_orders(server.database_url, order_id) == 1


def test_a_damaged_key_file_says_rebuild_and_rebuilding_works(server: LiveServer, tmp_path: Path,
                                                             agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agent.sync()
    agent.close()
    db = tmp_path / "ag01.db"
    keys.key_file_path(db).write_text('{"format": "sfa-replica-key", "version": 1, "kdf": {}}')
    session = AgentSession(db, server_url=server.url, username="ag01", keystore=NO_KEYRING)
    with pytest.raises(keys.KeyStoreError) as info:
        session.unlock(PASSWORD)
    assert "Rebuild the local data from the server" in error_text(info.value, "en")
    session.rebuild(PASSWORD)  # the advice works: nothing could be read, a fresh replica is built
    agents.append(Agent("ag01", session))
    report = session.sync()
    assert report.rows > 100 and session.state is SessionState.OPEN


def test_a_key_file_left_by_an_interrupted_first_sign_in_does_not_block_the_next(server: LiveServer,
                                                                                 tmp_path: Path,
                                                                                 agents: list[Agent]) -> None:
    db = tmp_path / "ag01.db"
    keys.create_key(db, PASSWORD, store=NO_KEYRING)  # the database itself was never written
    session = AgentSession(db, server_url=server.url, keystore=NO_KEYRING)
    assert session.state is SessionState.NEW
    session.sign_in_first_time(server_url=server.url, username="ag01", password=PASSWORD)
    agents.append(Agent("ag01", session))
    session.sync()
    assert any(".unused-" in p.name for p in tmp_path.iterdir())  # set aside, not deleted


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 12 MiB file system of its own (tmpfs), so that the disk really fills up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()[:100]}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_stops_the_sync_cleanly_and_the_replica_opens_again(server: LiveServer, small_disk: Path,
                                                                       agents: list[Agent]) -> None:
    from sfa_desktop.sync.errors import DiskFullError

    agent = make_agent(small_disk, server.url, "ag01")
    agents.append(agent)
    filler = small_disk / "filler"
    with open(filler, "wb") as fh:  # leave about 200 KiB: the first sync needs several MiB
        free = subprocess.run(["df", "--output=avail", "-B1", str(small_disk)], capture_output=True, text=True)
        avail = int(free.stdout.split()[-1])
        fh.write(b"\0" * max(0, avail - 200 * 1024))
    with pytest.raises(DiskFullError) as info:
        agent.sync()
    assert "disk of this computer is full" in error_text(info.value, "en")
    agent.close()
    session = AgentSession(small_disk / "ag01.db", server_url=server.url, keystore=NO_KEYRING)
    session.unlock(PASSWORD)  # opens again while the disk stays full
    agents[-1] = Agent("ag01", session)
    assert session.replica.check_integrity() == []
    filler.unlink()
    report = session.sync()  # once there is room, the sync goes on from where it stopped
    assert report.rows > 0
    assert session.replica.check_integrity() == []


def test_after_a_clean_shutdown_the_first_push_and_any_print_check_the_pages(server: LiveServer, tmp_path: Path,
                                                                            agents: list[Agent]) -> None:
    import io

    from sfa_desktop.app import main

    agent = make_agent(tmp_path, server.url, "ag01")
    agent.sync()
    customer, products = some_customer_and_products(agent.replica)
    order_id, _, _ = place_order(agent.replica, customer_id=customer, lines=[(products[0], "1")])
    agent.session.ensure_sound()  # the weekly check ran today: the next unlock does not check
    agent.close()
    db = tmp_path / "ag01.db"
    flip_a_byte_in_the_middle(db)
    import sys

    stdin = sys.stdin
    try:
        sys.stdin = io.StringIO(PASSWORD + "\n")
        assert main(["pdf", "O-AG01-2026-10000", "-o", str(tmp_path / "o.pdf"), "--db", str(db),
                     "--password-stdin"]) == 1
    finally:
        sys.stdin = stdin
    assert not (tmp_path / "o.pdf").exists()  # printing checks the pages first (once per session)
    (tmp_path / "ag01.db.damaged").unlink()  # as if printing had not been tried: the sync must find it too
    session = AgentSession(db, server_url=server.url, keystore=NO_KEYRING)
    session.unlock(PASSWORD)  # a clean end last time and a recent check: opens
    agents.append(Agent("ag01", session))
    with pytest.raises(ReplicaCorruptError):
        session.sync()  # nothing is pushed from it
    assert session.state is SessionState.DAMAGED
    assert server_orders(server.database_url, order_id) == 0
