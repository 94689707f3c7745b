"""The operator's restore drill, run for real (installer/server/restore_drill.py, docs/operator.md).

Server processes on PostgreSQL, an agent pushes orders, pg_dump, more orders, restore into a new
database, the server restarted on it, the agent resends what the server had confirmed and goes on:
nothing lost, nothing twice, the replica equal to the server.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DRILL = Path(__file__).resolve().parents[2] / "installer" / "server" / "restore_drill.py"
ADMIN_URL = os.environ.get("SFA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _drill():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("restore_drill", DRILL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def admin_url() -> str:
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (postgresql-client)")
    engine = create_engine(ADMIN_URL)
    try:
        with engine.connect():
            pass
    except Exception as error:
        pytest.skip(f"PostgreSQL not reachable at {ADMIN_URL}: {type(error).__name__}")
    finally:
        engine.dispose()
    return ADMIN_URL


def test_restore_drill_loses_and_duplicates_nothing(admin_url: str, tmp_path: Path) -> None:
    report = _drill().run_drill(admin_url, workdir=tmp_path, orders=2, workers=2, say=lambda *_: None)
    # the backup really was behind: the orders pushed after it were not in the restored database
    assert report.missing_after_restore == report.orders_after_backup == 2
    # resending what the server had confirmed brought them back, once, and the rest were answered as before
    assert report.resent_commands >= report.orders_before_backup + report.orders_after_backup
    assert report.missing_at_end == 0
    assert report.duplicates == 0
    assert report.replica_orders == report.server_orders
    assert report.checksums_differ == []
    assert report.ok
