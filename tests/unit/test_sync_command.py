"""The headless command's input checks (the full run is in tests/integration/test_crash.py)."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest

from sfa_desktop.commands import sync as cli
from sfa_desktop.sync.events import Phase, SyncStatus


@pytest.fixture(autouse=True)
def no_os_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never write test keys into the developer's real keyring: the password-wrapped key file is used."""
    from keyring.backends.fail import Keyring

    from sfa_desktop.local_db import keys

    real = keys.KeyStore
    monkeypatch.setattr(keys, "KeyStore", lambda backend=None: real(backend=Keyring()))


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(argv))


def test_server_and_user_are_required() -> None:
    with pytest.raises(SystemExit):
        parse("--user", "ag01")


@pytest.mark.parametrize(("extra", "stdin", "message"), [
    (["--page-size", "0"], "secret-password\n", "--page-size"),
    ([], "\n", "password is required"),
])
def test_bad_input_exits_2_without_touching_anything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str], extra: list[str],
                                                    stdin: str, message: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    db = tmp_path / "agent.db"
    args = parse("--server", "http://127.0.0.1:9", "--user", "ag01", "--password-stdin", "--db", str(db),
                 *extra)
    assert cli.run(args) == cli.EXIT_BAD_INPUT
    assert message in capsys.readouterr().err
    assert not db.exists()


def test_unreachable_server_exits_1_and_leaves_no_half_made_replica(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("secret-password\n"))
    db = tmp_path / "agent.db"
    args = parse("--server", "http://127.0.0.1:9", "--user", "ag01", "--password-stdin", "--db", str(db),
                 "--quiet")
    monkeypatch.setattr("sfa_desktop.sync.transport.Transport._backoff", lambda self, a, r: 0.0)
    assert cli.run(args) == cli.EXIT_SYNC_FAILED
    assert "could not be reached" in capsys.readouterr().err
    # a first sign-in that did not reach the server leaves nothing behind: the next try starts clean
    assert not db.exists() and not db.with_name("agent.db.key").exists()


def test_progress_bar_draws_a_final_line() -> None:
    out = io.StringIO()
    bar = cli.ProgressBar(out)
    bar(SyncStatus(phase=Phase.PULLING, rows_done=10, rows_total=40))
    bar(SyncStatus(phase=Phase.IDLE, rows_done=40, rows_total=40, bytes_received=2_000_000))
    assert out.getvalue().endswith("\n") and "40 rows" in out.getvalue() and "#" * 30 in out.getvalue()
