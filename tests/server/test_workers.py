"""Several uvicorn worker processes on one database behave as one server (nothing per process)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from sfa_desktop.sync import protocol as p
from sfa_server.accounts import create_user
from sfa_server.db import init_database, session_factory
from tests.server.conftest import PASSWORD, free_port

H = {p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION)}


@pytest.mark.slow
def test_two_workers_share_tokens_and_data(tmp_path: Path) -> None:
    db = tmp_path / "server.db"
    engine = init_database(str(db))
    with session_factory(engine).begin() as s:
        create_user(s, username="ada", password=PASSWORD, role="admin")
    engine.dispose()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sfa_server.cli",
            "serve",
            "--database-url",
            str(db),
            "--port",
            str(port),
            "--workers",
            "2",
            "--threads",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.2)
        login = httpx.post(
            f"{base}/api/v1/auth/login",
            headers=H,
            json={"username": "ada", "password": PASSWORD, "device_id": str(uuid.uuid4())},
        ).json()
        auth = {**H, "Authorization": f"Bearer {login['access_token']}"}
        refresh = login["refresh_token"]
        for i in range(16):  # a fresh connection each time: the kernel spreads them over the workers
            r = httpx.post(
                f"{base}/api/v1/admin/users",
                headers=auth,
                json={"username": f"user{i}", "password": PASSWORD, "role": "office"},
            )
            assert r.status_code == 201, r.text
            r = httpx.post(f"{base}/api/v1/auth/refresh", headers=H, json={"refresh_token": refresh})
            assert r.status_code == 200, r.text
            refresh = r.json()["refresh_token"]
        users = httpx.get(f"{base}/api/v1/admin/users", headers=auth).json()["users"]
        assert len(users) == 17
    finally:
        proc.terminate()
        proc.wait(20)
