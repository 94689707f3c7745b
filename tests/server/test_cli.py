"""sfa-server init / create-user on a fresh SQLite file; the schema comes from the migrations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from sfa_server.cli import build_parser, main
from sfa_server.db import make_engine, session_factory
from sfa_server.models import Base, ServerSecret, Setting, User


def test_init_and_create_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "server.db"
    assert main(["init", "--database-url", str(db)]) == 0
    assert main(["init", "--database-url", str(db)]) == 0  # idempotent
    monkeypatch.setattr("sys.stdin", io.StringIO("una password lunga\n"))
    assert (
        main(
            [
                "create-user",
                "--database-url",
                str(db),
                "--username",
                "gino",
                "--role",
                "agent",
                "--agent-code",
                "AG09",
                "--max-line-discount",
                "12",
                "--password-stdin",
            ]
        )
        == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("una password lunga\n"))
    assert (
        main(
            [
                "create-user",
                "--database-url",
                str(db),
                "--username",
                "gino2",
                "--role",
                "agent",
                "--agent-code",
                "bad-code",
                "--password-stdin",
            ]
        )
        == 1
    )
    assert "agent code" in capsys.readouterr().err
    engine = make_engine(str(db))
    try:
        with session_factory(engine)() as s:
            user = s.execute(select(User).where(User.username == "gino")).scalar_one()
            assert user.agent_code == "AG09" and str(user.max_line_discount) == "12.0000"
            assert "una password" not in user.password_hash
            assert s.get(ServerSecret, "token_signing_key") is not None
            assert s.get(Setting, "approval_policy") is not None
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables  # the migration builds every model table
    finally:
        engine.dispose()


def test_import_and_demo_data_are_wired() -> None:
    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0].choices
    assert {"init", "create-user", "serve", "import", "demo-data"} <= set(subcommands)


def test_migrations_match_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = make_engine(str(tmp_path / "m.db"))
    try:
        from sfa_server.db import migrate

        migrate(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_serve_threads_must_be_a_positive_whole_number(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("0", "-2", "tre", "5000"):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["serve", "--threads", bad])
        assert "--threads" in capsys.readouterr().err
    assert build_parser().parse_args(["serve", "--threads", "6"]).threads == 6


def test_a_worker_runs_as_many_requests_at_a_time_as_it_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's thread limiter (anyio's default is 40): what `serve --threads` passes to each worker."""
    import anyio.to_thread
    from fastapi.testclient import TestClient

    from sfa_server.app import THREADS_ENV, THREADS_PER_WORKER, create_app

    db = tmp_path / "server.db"
    assert main(["init", "--database-url", str(db)]) == 0

    def tokens() -> int:
        with TestClient(create_app(str(db))) as client:
            assert client.get("/health").status_code == 200
            return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)

    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert tokens() == THREADS_PER_WORKER == 4
    monkeypatch.setenv(THREADS_ENV, "3")
    assert tokens() == 3
    monkeypatch.setenv(THREADS_ENV, "zero")  # not a number: the default, never 0 (nothing would run)
    assert tokens() == THREADS_PER_WORKER


def test_serve_logs_each_request_with_its_time(tmp_path: Path) -> None:
    """`sfa-server serve` as an operator starts it: every line of its log carries a time, the access
    lines included (one per request, with its status)."""
    import re
    import subprocess
    import sys
    import time

    import httpx

    from tests.server.conftest import free_port

    db = tmp_path / "server.db"
    assert main(["init", "--database-url", str(db)]) == 0
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sfa_server.cli", "serve", "--database-url", str(db), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, "the server did not start"
                time.sleep(0.1)
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/sync/pull", timeout=2).status_code == 426
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO"
    assert re.search(stamp + r' uvicorn\.access: 127\.0\.0\.1:\d+ - "GET /health HTTP/1\.1" 200', out), out
    assert re.search(stamp + r' uvicorn\.access: .*"GET /api/v1/sync/pull HTTP/1\.1" 426', out), out
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines and all(re.match(r"\d{4}-\d\d-\d\d ", line) for line in lines), out
