"""Sign-in, token rotation and reuse detection, device revocation, protocol version gate."""

from __future__ import annotations

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import func, select, update

from sfa_desktop.sync import protocol as p
from sfa_server.models import Device, LoginAttempt, RefreshToken
from sfa_server.tokens import REFRESH_GRACE, hash_refresh_token
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


def _age_failures(env: Env, username: str, by: dt.timedelta) -> None:
    """Move the failed attempts of `username` back in time, as if the next one came that much later."""
    with env.sessions.begin() as s:
        for row in s.scalars(select(LoginAttempt).where(LoginAttempt.username == username)):
            at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
            row.at = at - by


def test_wrong_password_is_401_and_guessing_is_slowed_with_growing_delays(env: Env) -> None:
    with env.sessions.begin() as s:
        from sfa_server.accounts import create_user

        create_user(s, username="victim", password=PASSWORD, role="office")
    laptop = str(uuid.uuid4())
    assert _login(env, "victim", PASSWORD, laptop).status_code == 200  # the victim's own computer
    for _ in range(5):
        r = _login(env, "victim", "guess")
        assert r.status_code == 401 and r.json()["code"] == "bad_credentials"
    r = _login(env, "victim", PASSWORD)  # from an unknown device, even the right password waits
    assert r.status_code == 429 and r.json()["code"] == "too_many_attempts"
    assert r.headers["Retry-After"] == "1" and "1 seconds" in r.json()["detail"]
    # the victim's known device is judged by its own failures only: never kept out by a stranger
    assert _login(env, "victim", PASSWORD, laptop).status_code == 200
    delays = []
    for _ in range(4):
        _age_failures(env, "victim", dt.timedelta(minutes=1))  # the guesser waited: one more guess
        assert _login(env, "victim", "guess").status_code == 401
        r = _login(env, "victim", "guess")
        assert r.status_code == 429
        delays.append(int(r.headers["Retry-After"]))
    assert delays == [2, 4, 8, 16], delays  # each further guess doubles the wait
    with env.sessions() as s:  # throttled attempts are not even tried (nor recorded)
        failures = s.execute(select(func.count()).where(LoginAttempt.username == "victim",
                                                        LoginAttempt.success.is_(False))).scalar_one()
    assert failures == 9
    _age_failures(env, "victim", dt.timedelta(hours=2))  # past the window: forgotten
    assert _login(env, "victim", PASSWORD).status_code == 200
    assert _login(env, "anna", PASSWORD).status_code == 200  # other users are not affected


def test_the_delay_is_capped_and_a_success_clears_it(env: Env) -> None:
    from sfa_server.auth import MAX_DELAY, throttle_delay

    assert [throttle_delay(n, 5).total_seconds() for n in (0, 4, 5, 6, 7)] == [0, 0, 1, 2, 4]
    assert throttle_delay(10_000, 5) == MAX_DELAY
    with env.sessions.begin() as s:
        from sfa_server.accounts import create_user

        create_user(s, username="forgetful", password=PASSWORD, role="office")
    for _ in range(5):
        assert _login(env, "forgetful", "typo").status_code == 401
    _age_failures(env, "forgetful", dt.timedelta(seconds=5))
    assert _login(env, "forgetful", PASSWORD).status_code == 200
    assert _login(env, "forgetful", "typo").status_code == 401  # counted afresh since the success
    assert _login(env, "forgetful", PASSWORD).status_code == 200


def _age_rotation(env: Env, token: str, by: dt.timedelta) -> None:
    """Move the rotation of `token` back in time, as if the retry came that much later."""
    with env.sessions.begin() as s:
        row = s.execute(
            select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(token))
        ).scalar_one()
        rotated = row.rotated_at if row.rotated_at.tzinfo else row.rotated_at.replace(tzinfo=dt.UTC)
        s.execute(update(RefreshToken).where(RefreshToken.id == row.id).values(rotated_at=rotated - by))


def test_refresh_rotates_and_reuse_closes_the_device(env: Env) -> None:
    api = env.api("bruno")
    first = api.tokens["refresh_token"]
    r = api.post("/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 200
    second = r.json()["refresh_token"]
    assert second != first
    api.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    assert api.get("/sync/pull", params={"limit": 1}).status_code == 200
    # the rotated token is presented again after the grace delay (stolen copy): the device is closed
    _age_rotation(env, first, REFRESH_GRACE + dt.timedelta(seconds=1))
    r = api.post("/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 401 and r.json()["code"] == "token_reused"
    r = api.post("/auth/refresh", json={"refresh_token": second})
    assert r.status_code == 401
    api.close()


def test_lost_refresh_answer_is_given_again_within_the_grace_delay(env: Env) -> None:
    api = env.api("bruno")
    first = api.tokens["refresh_token"]
    r = api.post("/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 200
    pair = r.json()
    # the answer was lost: the client retries with the same token and gets the same pair
    again = api.post("/auth/refresh", json={"refresh_token": first})
    assert again.status_code == 200, again.text
    assert again.json() == pair
    with env.sessions() as s:
        rows = s.execute(select(func.count()).where(RefreshToken.device_id == api.device_id)).scalar_one()
    assert rows == 2  # nothing new was issued
    api.http.headers["Authorization"] = f"Bearer {pair['access_token']}"
    assert api.get("/sync/pull", params={"limit": 1}).status_code == 200
    # the successor rotates normally...
    third = api.post("/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert third.status_code == 200 and third.json()["refresh_token"] not in (first, pair["refresh_token"])
    # ...and once it was used, the first token is no longer a retry but a stolen copy, even within the delay
    r = api.post("/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 401 and r.json()["code"] == "token_reused"
    r = api.post("/auth/refresh", json={"refresh_token": third.json()["refresh_token"]})
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
