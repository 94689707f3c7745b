"""Sign-in, token rotation and reuse detection, device revocation, protocol version gate."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import func, select

from sfa_desktop.sync import protocol as p
from sfa_server.models import Device, LoginAttempt
from tests.server.conftest import PASSWORD, Env

H = {p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION)}


def _login(env: Env, username: str, password: str, device: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{env.base_url}/api/v1/auth/login",
        headers=H,
        json={
            "username": username,
            "password": password,
            "device_id": device or str(uuid.uuid4()),
            "device_name": "pc",
        },
    )


def test_login_registers_device_with_number_block(env: Env) -> None:
    api = env.api("anna")
    assert api.tokens["role"] == "agent" and api.tokens["agent_code"] == "AG01"
    with env.sessions() as s:
        device = s.get(Device, api.device_id)
        assert device is not None and device.user_id == env.world.users["anna"]
        assert device.number_block_start >= 10_000
    # the users row served to this device carries its own block
    _cursor, changes = api.pull_all()
    me = [c["row"] for c in changes if c["s"] == "users"]
    assert len(me) == 1 and me[0]["number_block_start"] == device.number_block_start
    assert "password_hash" not in me[0]
    api.close()


def test_wrong_password_is_401_and_brute_force_is_429(env: Env) -> None:
    with env.sessions.begin() as s:
        from sfa_server.accounts import create_user

        create_user(s, username="victim", password=PASSWORD, role="office")
    for _ in range(5):
        r = _login(env, "victim", "guess")
        assert r.status_code == 401 and r.json()["code"] == "bad_credentials"
    r = _login(env, "victim", PASSWORD)  # even the right password: locked for 15 minutes
    assert r.status_code == 429 and "15 minutes" in r.json()["detail"]
    with env.sessions() as s:
        assert s.execute(select(func.count()).where(LoginAttempt.username == "victim")).scalar_one() == 5
    assert _login(env, "anna", PASSWORD).status_code == 200  # other users are not affected


def test_refresh_rotates_and_reuse_closes_the_device(env: Env) -> None:
    api = env.api("bruno")
    first = api.tokens["refresh_token"]
    r = api.post("/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 200
    second = r.json()["refresh_token"]
    assert second != first
    api.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    assert api.get("/sync/pull", params={"limit": 1}).status_code == 200
    # the rotated token is presented again (stolen copy): every session of the device ends
    r = api.post("/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 401 and r.json()["code"] == "token_reused"
    r = api.post("/auth/refresh", json={"refresh_token": second})
    assert r.status_code == 401
    api.close()


def test_logout_revokes_refresh_tokens(env: Env) -> None:
    api = env.api("anna")
    assert api.post("/auth/logout").status_code == 204
    r = api.post("/auth/refresh", json={"refresh_token": api.tokens["refresh_token"]})
    assert r.status_code == 401
    api.close()


def test_revoked_device_is_told_to_wipe(env: Env) -> None:
    agent, admin = env.api("anna"), env.api("ada")
    assert agent.get("/sync/pull", params={"limit": 1}).status_code == 200
    r = admin.post(f"/admin/devices/{agent.device_id}/revoke")
    assert r.status_code == 200 and r.json()["revoked_at"]
    for resp in (
        agent.get("/sync/pull", params={"limit": 1}),
        agent.post("/auth/refresh", json={"refresh_token": agent.tokens["refresh_token"]}),
        _login(env, "anna", PASSWORD, agent.device_id),
    ):
        assert resp.status_code == 401 and resp.json()["code"] == "device_revoked"
    agent.close()
    admin.close()


@pytest.mark.parametrize("header", [None, "0", "abc", ""])
def test_client_too_old_gets_update_required(env: Env, header: str | None) -> None:
    headers = {} if header is None else {p.PROTOCOL_HEADER: header}
    r = httpx.get(f"{env.base_url}/api/v1/sync/pull", headers=headers)
    assert r.status_code == 426
    assert r.json()["detail"].startswith(
        "This sfa-desktop is too old for the server: update required (protocol"
    )
    assert f"server needs >= {p.MIN_PROTOCOL_VERSION}" in r.json()["detail"]


def test_forged_or_missing_token_is_401(env: Env) -> None:
    api = env.api("anna")
    payload, _sig = api.tokens["access_token"].split(".")
    for value in ("", "Bearer nonsense", f"Bearer {payload}.AAAA", "Basic abc"):
        r = httpx.get(f"{env.base_url}/api/v1/sync/pull", headers={**H, "Authorization": value})
        assert r.status_code == 401, value
    api.close()
