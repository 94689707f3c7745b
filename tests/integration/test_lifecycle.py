"""The device's life with the server: revoked (replica and key wiped), too old (update asked),
signed out; answers a sync must refuse without touching the replica."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import requests

from sfa_desktop.session import SessionState
from sfa_desktop.sync import protocol
from sfa_desktop.sync.errors import AuthenticationRequiredError, DeviceRevokedError, UpdateRequiredError
from sfa_desktop.sync.events import Event

from .conftest import Agent, LiveServer, make_agent
from .helpers import place_order, some_customer_and_products


def admin(url: str) -> requests.Session:
    s = requests.Session()
    s.headers[protocol.PROTOCOL_HEADER] = str(protocol.PROTOCOL_VERSION)
    r = s.post(f"{url}/api/v1/auth/login", timeout=10, json={
        "username": "admin", "password": "demo-admin", "device_id": str(uuid.uuid4()),
        "device_name": "admin"})
    r.raise_for_status()
    s.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return s


def test_revoked_device_wipes_replica_and_key(server: LiveServer, tmp_path: Path) -> None:
    from sfa_desktop.local_db import keys

    agent = make_agent(tmp_path, server.url, "ag01")
    agent.sync()
    db = agent.replica.path
    from keyring.backends.fail import Keyring

    no_keyring = keys.KeyStore(backend=Keyring())
    keys.create_key(tmp_path / "unrelated.db", "a long password", store=no_keyring)  # stays
    wrapped = keys.key_file_path(db)
    wrapped.write_text("{}")  # stands for the password-wrapped key of this replica
    customer, products = some_customer_and_products(agent.replica)
    place_order(agent.replica, customer_id=customer, lines=[(products[0], "1")])
    r = admin(server.url).post(f"{server.url}/api/v1/admin/devices/{agent.transport.device_id}/revoke",
                               timeout=10)
    assert r.status_code == 200, r.text
    with pytest.raises(DeviceRevokedError) as info:
        agent.sync()
    assert "removed" in info.value.user_message
    assert not db.exists() and not Path(f"{db}-wal").exists() and not wrapped.exists()
    assert keys.key_file_path(tmp_path / "unrelated.db").exists()
    assert agent.session.state is SessionState.WIPED and agent.session.replica is None


def test_too_old_client_is_asked_to_update(server: LiveServer, tmp_path: Path, agents: list[Agent],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    monkeypatch.setattr(protocol, "PROTOCOL_VERSION", 0)
    with pytest.raises(UpdateRequiredError) as info:
        agent.sync()
    assert "update" in info.value.user_message
    assert agent.engine.listeners.status.last_error == info.value.message


def test_after_logout_the_agent_must_sign_in_again(server: LiveServer, tmp_path: Path,
                                                   agents: list[Agent]) -> None:
    agent = make_agent(tmp_path, server.url, "ag01")
    agents.append(agent)
    agent.sync()
    agent.transport.logout()
    assert not agent.transport.signed_in
    # unlocked through the OS keyring, the app holds no password: the agent must sign in again
    agent.session._password = None
    signals: list[object] = []
    agent.session.events.subscribe(Event.SIGN_IN_REQUIRED, signals.append)
    with pytest.raises(AuthenticationRequiredError):
        agent.sync()
    assert signals, "the app is told to show the sign-in dialog"
    agent.session.sign_in_again("demo-ag01")
    agent.sync()
