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
