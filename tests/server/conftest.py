"""Fixtures of the server tests: a fresh database per module (SQLite file and PostgreSQL), users and
a small catalogue, and the app served by a real uvicorn on a loopback port."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from sfa_desktop.sync import protocol as p
from sfa_server.accounts import create_user
from sfa_server.app import create_app
from sfa_server.changes import upsert_rows
from sfa_server.db import init_database, session_factory

PASSWORD = "correct horse battery"
PG_URL = os.environ.get("SFA_TEST_PG_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_reachable() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as c:
            c.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string(hide_password=True)}: {exc}"


@pytest.fixture(scope="session")
def pg_unreachable() -> str | None:
    return _pg_reachable()


@pytest.fixture(scope="session")
def pg_admin(pg_unreachable: str | None) -> Iterator[Engine]:
    if pg_unreachable:
        pytest.skip(pg_unreachable)
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def fresh_pg_database(admin: Engine) -> tuple[str, str]:
    name = f"sfa_t_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    return name, url


def drop_pg_database(admin: Engine, name: str) -> None:
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('srv') / 'server.db'}"
        return
    admin = request.getfixturevalue("pg_admin")
    name, url = fresh_pg_database(admin)
    try:
        yield url
    finally:
        drop_pg_database(admin, name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app on a real uvicorn in a thread."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class World:
    """Ids of the seeded data."""

    users: dict[str, str] = field(default_factory=dict)
    customers: dict[str, list[str]] = field(default_factory=dict)
    products: list[str] = field(default_factory=list)


def seed_world(sessions: sessionmaker[Session]) -> World:
    w = World()
    with sessions.begin() as s:
        for username, role, code, limit in (
            ("anna", "agent", "AG01", "15"),
            ("bruno", "agent", "AG02", "15"),
            ("olga", "office", None, None),
            ("otto", "office", None, None),
            ("ada", "admin", None, None),
        ):
            w.users[username] = create_user(
                s,
                username=username,
                password=PASSWORD,
                role=role,
                agent_code=code,
                full_name=username.title(),
                max_line_discount=limit,
                max_avg_discount="10" if limit else None,
            )
        upsert_rows(s, "warehouses", [{"id": "wh1", "code": "MI", "name": "Milano"}])
        products = [
            {
                "id": f"prod-{i}",
                "sku": f"SKU{i:03d}",
                "name": f"Articolo {i} «qualità»",
                "unit": "pz",
                "vat_rate": Decimal("22"),
                "active": True,
                "cost": Decimal("6.00"),
                "pack_size": None,
                "min_quantity": None,
            }
            for i in range(1, 6)
        ]
        upsert_rows(s, "products", products)
        w.products = [r["id"] for r in products]
        upsert_rows(
            s,
            "stock_levels",
            [
                {
                    "id": f"st-{i}",
                    "product_id": f"prod-{i}",
                    "warehouse_id": "wh1",
                    "on_hand": Decimal(100),
                    "reserved": Decimal(0),
                    "available": Decimal(100),
                    "as_of": dt.datetime.now(dt.UTC),
                }
                for i in range(1, 6)
            ],
        )
        upsert_rows(
            s,
            "price_lists",
            [
                {
                    "id": "pl-base",
                    "code": "BASE",
                    "name": "Listino base",
                    "currency": "EUR",
                    "version": 1,
                    "is_base": True,
                },
                {
                    "id": "pl-a",
                    "code": "GDO",
                    "name": "Listino GDO",
                    "currency": "EUR",
                    "version": 1,
                    "is_base": False,
                },
                {
                    "id": "pl-b",
                    "code": "HORECA",
                    "name": "Listino Horeca",
                    "currency": "EUR",
                    "version": 1,
                    "is_base": False,
                },
            ],
        )
        items = [
            {
                "id": f"pli-base-{i}",
                "price_list_id": "pl-base",
                "product_id": f"prod-{i}",
                "min_quantity": Decimal(1),
                "price": Decimal("10.00"),
            }
            for i in range(1, 6)
        ]
        items += [
            {
                "id": f"pli-a-{i}",
                "price_list_id": "pl-a",
                "product_id": f"prod-{i}",
                "min_quantity": Decimal(1),
                "price": Decimal("9.50"),
            }
            for i in range(1, 4)
        ]
        items += [
            {
                "id": "pli-b-1",
                "price_list_id": "pl-b",
                "product_id": "prod-1",
                "min_quantity": Decimal(1),
                "price": Decimal("8.00"),
            }
        ]
        upsert_rows(s, "price_list_items", items)
        for agent, plist in (("anna", "pl-a"), ("bruno", "pl-b")):
            ids = [f"cust-{agent}-{i}" for i in range(1, 4)]
            w.customers[agent] = ids
            upsert_rows(
                s,
                "customers",
                [
                    {
                        "id": cid,
                        "name": f"Cliente {cid}",
                        "status": "active",
                        "price_list_id": plist,
                        "credit_limit": Decimal("100000"),
                        "balance": Decimal(0),
                        "overdue_amount": Decimal(0),
                        "language": "it",
                        "agent_id": w.users[agent],
                        "email": f"{cid}@example.it",
                        "vat_number": None,
                        "row_version": 1,
                    }
                    for cid in ids
                ],
            )
            upsert_rows(
                s, "contacts", [{"id": f"{cid}-c1", "customer_id": cid, "name": "Mario Rossi"} for cid in ids]
            )
            upsert_rows(
                s,
                "addresses",
                [
                    {
                        "id": f"{cid}-a1",
                        "customer_id": cid,
                        "kind": "billing",
                        "street": "Via Roma 1",
                        "city": "Milano",
                        "country": "IT",
                    }
                    for cid in ids
                ],
            )
    return w


class Api:
    """A signed-in client of the live server."""

    def __init__(
        self,
        base_url: str,
        username: str,
        *,
        device_id: str | None = None,
        password: str = PASSWORD,
        settle: Any = None,
    ) -> None:
        self.settle = settle or (lambda: None)
        self.http = httpx.Client(
            base_url=base_url, headers={p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION)}, timeout=30
        )
        self.device_id = device_id or str(uuid.uuid4())
        r = self.http.post(
            "/api/v1/auth/login",
            json={
                "username": username,
                "password": password,
                "device_id": self.device_id,
                "device_name": "test",
            },
        )
        assert r.status_code == 200, r.text
        self.tokens = r.json()
        self.http.headers["Authorization"] = f"Bearer {self.tokens['access_token']}"

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.get("/api/v1" + path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.http.post("/api/v1" + path, **kw)

    def pull_all(self, cursor: str = "", limit: int = p.DEFAULT_PAGE_SIZE) -> tuple[str, list[dict]]:
        self.settle()
        changes: list[dict] = []
        while True:
            r = self.get("/sync/pull", params={"cursor": cursor, "limit": limit})
            assert r.status_code == 200, r.text
            page = r.json()
            changes += p.wire_changes(page)
            cursor = page["cursor"]
            if not page["has_more"]:
                return cursor, changes

    def push(self, *commands: dict) -> list[dict]:
        r = self.post("/sync/push", json={"commands": list(commands)})
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def close(self) -> None:
        self.http.close()


@dataclass
class Env:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    world: World
    live: LiveServer

    @property
    def base_url(self) -> str:
        return self.live.url

    def api(self, username: str, **kw: Any) -> Api:
        return Api(self.base_url, username, settle=self.settle, **kw)

    def settle(self, timeout: float = 60) -> None:
        """Wait until every transaction committed so far is below the feed's watermark.

        On PostgreSQL the feed serves only transactions older than the oldest one still running in
        this database, so a pull right after a commit may lag while another request writes."""
        from sfa_server.feed import watermark

        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.begin() as c:
            mark = c.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.sessions() as s, s.begin():
                if watermark(s) > mark:
                    return
            time.sleep(0.02)
        raise AssertionError("a transaction in the test database holds the feed back")


@pytest.fixture(scope="session", autouse=True)
def _quick_password_hash() -> Iterator[None]:
    """Argon2id with test-sized cost: the same code path, without seconds of hashing per module."""
    from argon2 import PasswordHasher

    import sfa_server.accounts as accounts

    saved = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts._hasher = saved


@pytest.fixture(scope="module")
def env(database_url: str) -> Iterator[Env]:
    engine = init_database(database_url)
    sessions = session_factory(engine)
    world = seed_world(sessions)
    app = create_app(database_url)
    with LiveServer(app) as live:
        yield Env(database_url, engine, sessions, world, live)
    app.state.engine.dispose()
    engine.dispose()


def command(ctype: str, **payload: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "type": ctype, "payload": payload}


def apply_changes(replica: dict[str, dict[str, dict]], changes: list[dict]) -> None:
    """What a client does with pulled changes: upsert or delete by (stream, id)."""
    for c in changes:
        rows = replica.setdefault(c["s"], {})
        if c["op"] == "u":
            rows[c["id"]] = p.decode_row(c["s"], c["row"])
        else:
            rows.pop(c["id"], None)
