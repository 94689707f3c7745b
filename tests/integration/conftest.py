"""A real sfa_server on loopback (SQLite file or a fresh PostgreSQL database) and real clients.

The demo company is generated once per session into a template (an SQLite file, or a
PostgreSQL template database) and copied for every test, so each test owns its server data.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from keyring.backends.fail import Keyring as FailKeyring

from sfa_desktop.local_db import keys
from sfa_desktop.local_db.engine import Replica
from sfa_desktop.session import AgentSession, SessionState
from sfa_desktop.sync.engine import SyncEngine
from sfa_desktop.sync.transport import Transport

from .faultproxy import FaultProxy

DEMO_TODAY = dt.date(2026, 3, 2)
DEMO_SEED = 7
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load_demo(url: str) -> None:
    from sfa_server import demo_data
    from sfa_server.db import init_database

    engine = init_database(url)
    demo_data.load(engine, demo_data.generate("small", DEMO_SEED, today=DEMO_TODAY))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("server-template") / "server.db"
    _load_demo(f"sqlite:///{path}")
    return path


class PgAdmin:
    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine

        self.url = url
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def url_for(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> str:
        from sqlalchemy import text

        with self.engine.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        self.created.append(name)
        return self.url_for(name)

    def drop_all(self) -> None:
        from sqlalchemy import text

        with self.engine.connect() as c:
            for name in reversed(self.created):
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[PgAdmin]:
    url = os.environ.get("SFA_TEST_PG_URL", PG_DEFAULT)
    try:
        admin = PgAdmin(url)
        with admin.engine.connect():
            pass
    except Exception as error:
        pytest.skip(f"PostgreSQL not reachable at {url}: {type(error).__name__}")
    yield admin
    admin.drop_all()


@pytest.fixture(scope="session")
def pg_template(pg_admin: PgAdmin) -> str:
    name = f"sfa_t_{uuid.uuid4().hex[:8]}_tpl"
    url = pg_admin.create(name)
    _load_demo(url)
    return name


#: Run a test on both server databases (PostgreSQL skips with its reason when unreachable).
BOTH_DATABASES = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def server_url_db(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL holding a fresh copy of the demo company."""
    if backend == "postgres":
        admin: PgAdmin = request.getfixturevalue("pg_admin")
        template = request.getfixturevalue("pg_template")
        return admin.create(f"sfa_t_{uuid.uuid4().hex[:8]}", template)
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "server.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


class LiveServer:
    """uvicorn serving sfa_server in a thread; can be stopped and started on the same port."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        from sfa_server.app import create_app

        app = create_app(self.database_url)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                access_log=False, lifespan="off", timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True
            assert self._thread is not None
            self._thread.join(10)
            app = self._server.config.app
            self._server = None
            engine = getattr(getattr(app, "state", None), "engine", None)
            if engine is not None:
                engine.dispose()


@pytest.fixture
def server(server_url_db: str) -> Iterator[LiveServer]:
    live = LiveServer(server_url_db)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def proxy(server: LiveServer) -> Iterator[FaultProxy]:
    p = FaultProxy(server.port)
    yield p
    p.close()


#: Test agents keep their key in the password-wrapped key file, never in the developer's keyring.
NO_KEYRING = keys.KeyStore(backend=FailKeyring())


@dataclass
class Agent:
    """One agent's computer: an AgentSession (encrypted replica, transport, sync engine)."""

    username: str
    session: AgentSession

    @property
    def replica(self) -> Replica:
        assert self.session.replica is not None
        return self.session.replica

    @property
    def transport(self) -> Transport:
        assert self.session.transport is not None
        return self.session.transport

    @property
    def engine(self) -> SyncEngine:
        assert self.session.engine is not None
        return self.session.engine

    def sync(self, **kw: object):
        return self.session.sync(**kw)  # type: ignore[arg-type]

    def write(self, operation):  # type: ignore[no-untyped-def]
        return self.session.write(operation)

    def close(self) -> None:
        self.session.close()


SIGN_IN_TIMEOUT = (5.0, 30.0)


def make_agent(base: Path, url: str, username: str, *, password: str | None = None,
               timeout: tuple[float, float] = (2.0, 5.0), max_retries: int = 3) -> Agent:
    """The agent's computer as the app builds it: first sign-in on a new folder, else unlock.

    The sign-in itself runs with the app's own patient timeouts (the server hashes the password, slow
    on a loaded machine); the test's tight `timeout` and `max_retries` apply from the first sync on."""
    base.mkdir(parents=True, exist_ok=True)
    password = password or f"demo-{username}"
    factory = functools.partial(Transport, timeout=SIGN_IN_TIMEOUT, max_retries=max_retries,
                                backoff_base=0.05, backoff_cap=0.3)
    session = AgentSession(base / f"{username}.db", server_url=url, keystore=NO_KEYRING, transport_factory=factory,
                           device_name=f"test pc of {username}")
    if session.state is SessionState.NEW:
        session.sign_in_first_time(server_url=url, username=username, password=password)
    else:
        session.unlock(password)
        if not session.transport.signed_in:  # type: ignore[union-attr]
            session.sign_in_again(password)
    if session.transport is not None:
        session.transport.timeout = timeout
    return Agent(username, session)


@pytest.fixture
def agents(tmp_path: Path) -> Iterator[list[Agent]]:
    made: list[Agent] = []
    yield made
    for a in made:
        a.close()
