"""Property-based run over the served OpenAPI spec: no generated request gets a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from sfa_desktop.sync import protocol as p
from tests.server.conftest import Env


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # the spec is the same on both databases; one SQLite run keeps the suite fast
    yield f"sqlite:///{tmp_path_factory.mktemp('st') / 'server.db'}"


@pytest.fixture(scope="module")
def tokens(env: Env) -> dict[str, str]:
    out = {}
    for user in ("anna", "ada"):
        api = env.api(user)
        out[user] = api.tokens["access_token"]
        api.close()
    return out


def test_no_server_errors(env: Env, tokens: dict[str, str]) -> None:
    spec = schemathesis.openapi.from_url(f"{env.base_url}/openapi.json")
    headers = [
        {p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION), "Authorization": f"Bearer {t}"} for t in tokens.values()
    ]
    failures: list[str] = []
    statuses: list[int] = []
    operations = 0
    for result in spec.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            for h in headers:
                response = case.call(base_url=env.base_url, headers=h)
                statuses.append(response.status_code)
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} {case.body!r:.200}: "
                        f"{response.status_code} {response.text[:200]}"
                    )

        check()
    assert operations >= 15
    assert len(statuses) > 100 and any(200 <= s < 300 for s in statuses)
    assert not failures, "\n".join(failures[:10])


def test_the_sync_api_tells_the_truth_in_every_phase(env: Env, tmp_path: Path) -> None:
    """schemathesis' own runner, every phase (examples, coverage, fuzzing, stateful through the
    links), every check: no server error, no response outside the schema, no undocumented status.

    Bounded: a few examples per operation and a time budget, about a minute in all. `logout` is left
    out here because it revokes the very token the run uses (tests/server/test_hardening.py covers it);
    the office and admin routes are the office screens' (their 5xx are checked above)."""
    import subprocess
    import sys

    api = env.api("anna")
    token = api.tokens["access_token"]
    api.close()
    report = tmp_path / "st.ndjson"
    done = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(Path(__file__).with_name("schemathesis.toml")),
         "run", f"{env.base_url}/openapi.json",
         "--phases", "examples,coverage,fuzzing,stateful", "--checks", "all", "--max-examples", "8",
         "--max-time", "75", "--seed", "15", "--generation-allow-x00", "false", "--no-color",
         "--include-path-regex", "^/api/v1/(sync|auth)/", "--exclude-path-regex", "logout",
         "-H", f"{p.PROTOCOL_HEADER}: {p.PROTOCOL_VERSION}", "-H", f"Authorization: Bearer {token}",
         "--report", "ndjson", "--report-ndjson-path", str(report)],
        capture_output=True, text=True, timeout=240)
    summary = done.stdout[-6000:]
    assert done.returncode == 0, summary
    assert "✅ Stateful" in summary and "✅ Coverage" in summary and "✅ Fuzzing" in summary, summary
    assert "Tested: 5" in summary, summary
