"""Property-based run over the served OpenAPI spec: no generated request gets a 5xx."""

from __future__ import annotations

from collections.abc import Iterator

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
