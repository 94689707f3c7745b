"""The sync routes' short path (sfa_server.sync_path): plainly valid pulls and pushes are answered
without FastAPI's machinery, everything else reaches the routes, and both give the same answers."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from sfa_desktop.sync import protocol as p
from sfa_server.sync_path import SyncShortPath, pull_arguments, push_commands
from tests.server.conftest import Env, command


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (b"", ("", p.DEFAULT_PAGE_SIZE, "")),
        (b"cursor=v1.5.7&limit=200", ("v1.5.7", 200, "")),
        (b"cursor=&limit=1&streams=products,customers", ("", 1, "products,customers")),
        (f"limit={p.MAX_PAGE_SIZE}".encode(), ("", p.MAX_PAGE_SIZE, "")),
        (b"streams=nope", ("", p.DEFAULT_PAGE_SIZE, "nope")),  # the route's own check answers 400 for it
    ],
)
def test_plainly_valid_pull_parameters_take_the_short_path(query: bytes, expected: tuple) -> None:
    assert pull_arguments(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        b"limit=0", b"limit=abc", b"limit=+5", b"limit=05", b"limit=-1", b"limit=1.0", b"limit=",
        f"limit={p.MAX_PAGE_SIZE + 1}".encode(), b"limit=99999999999999999999",
        b"cursor=" + b"x" * 101, b"streams=" + b"a" * 1001,
        b"cursor=a&cursor=b", b"other=1", b"limit=5&limit=6",
    ],
)
def test_odd_pull_parameters_are_left_to_the_route(query: bytes) -> None:
    assert pull_arguments(query) is None


def test_push_bodies_the_short_path_takes_and_those_it_leaves() -> None:
    scope = {"headers": [(b"content-type", b"application/json; charset=utf-8")]}
    cmd = command("quote.send", quote_id="q")
    assert push_commands(scope, json.dumps({"commands": [cmd]}).encode()) == [cmd]
    assert push_commands(scope, b'{"commands": []}') == []
    for body in (b"{not json", b"", b"[]", b'{"commands": "all"}', b'{"commands": [], "extra": 1}',
                 b'{"commands": [1]}', b'{"commands": [[]]}', b'{"other": []}',
                 json.dumps({"commands": [cmd] * (p.MAX_PUSH_COMMANDS + 1)}).encode()):
        assert push_commands(scope, body) is None, body
    for content_type in (b"text/plain", b"application/x-www-form-urlencoded", b"application/merge-patch+json"):
        assert push_commands({"headers": [(b"content-type", content_type)]}, b'{"commands": []}') is None
    assert push_commands({"headers": []}, b'{"commands": []}') is None


class _NextApp:
    """The app behind the middleware, counting what reaches it (the real FastAPI app underneath)."""

    def __init__(self, app: Any) -> None:
        self.app, self.calls = app, 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += scope["type"] == "http"
        await self.app(scope, receive, send)


def _in_process(env: Env) -> tuple[TestClient, _NextApp]:
    """A client of SyncShortPath over the live server's own app and database (in process)."""
    app = env.live.server.config.app
    inner = _NextApp(app)
    short = SyncShortPath(inner)

    async def with_app(scope: Any, receive: Any, send: Any) -> None:
        await short({**scope, "app": app}, receive, send)

    client = TestClient(with_app, headers={p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION)})
    return client, inner


def test_valid_requests_never_reach_the_routes_and_odd_ones_do(env: Env) -> None:
    anna = env.api("anna")
    client, inner = _in_process(env)
    client.headers["Authorization"] = anna.http.headers["Authorization"]
    with client:
        assert client.get("/api/v1/sync/pull", params={"limit": 50}).status_code == 200
        cmd = command("activity.log", activity_id=str(uuid.uuid4()), customer_id=env.world.customers["anna"][0],
                      kind="call", subject="Telefonata", occurred_at="2026-12-03T10:00:00+00:00", notes="short path")
        r = client.post("/api/v1/sync/push", json={"commands": [cmd]})
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied", r.text
        assert inner.calls == 0
        r = client.get("/api/v1/sync/pull", params={"limit": 0})
        assert r.status_code == 422 and r.json()["code"] == "invalid" and "limit" in r.json()["detail"]
        r = client.post("/api/v1/sync/push", content=b'{"commands": [], "extra": 1}',
                        headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and "extra" in r.json()["detail"], r.text
        assert inner.calls == 2
    anna.close()


def _pair(api: Any, **params: Any) -> tuple[httpx.Response, httpx.Response]:
    """The same pull on the short path and on the route (an unknown parameter sends it there: the
    route ignores it)."""
    return (api.get("/sync/pull", params=params),
            api.get("/sync/pull", params={**params, "via": "route"}))


def test_both_paths_give_the_same_pages_and_the_same_errors(env: Env) -> None:
    anna = env.api("anna")
    env.settle()
    short, route = _pair(anna, limit=7)
    assert short.status_code == route.status_code == 200
    assert (short.json() == route.json() and short.json()["changes"]) or short.json()["tables"]
    assert short.headers["content-type"] == route.headers["content-type"] == "application/json"
    cursor, _ = anna.pull_all()
    short, route = _pair(anna, cursor=cursor)
    assert short.status_code == 200 and short.json() == route.json()
    for params, status, code in (
        ({"cursor": "v1.999999999.1"}, 400, "invalid_cursor"),
        ({"cursor": "garbage"}, 400, "invalid_cursor"),
        ({"streams": "products,nope"}, 400, "invalid"),
    ):
        short, route = _pair(anna, **params)
        assert short.status_code == route.status_code == status, (params, short.text)
        assert short.json() == route.json() and short.json()["code"] == code
    stranger = httpx.Client(base_url=env.base_url, headers={p.PROTOCOL_HEADER: str(p.PROTOCOL_VERSION)})
    for auth in (None, "Bearer not-a-token", "Basic abc"):
        headers = {"Authorization": auth} if auth else {}
        short = stranger.get("/api/v1/sync/pull", headers=headers)
        route = stranger.get("/api/v1/sync/pull", params={"via": "route"}, headers=headers)
        assert short.status_code == route.status_code == 401 and short.json() == route.json()
        short = stranger.post("/api/v1/sync/push", json={"commands": []}, headers=headers)
        route = stranger.post("/api/v1/sync/push", content=b'{"commands": []}',
                              headers={**headers, "Content-Type": "application/merge-patch+json"})
        assert short.status_code == route.status_code == 401 and short.json() == route.json()
    stranger.close()
    anna.close()


def test_a_push_answered_on_the_short_path_replays_identically_on_the_route(env: Env) -> None:
    anna = env.api("anna")
    cmd = command("activity.log", activity_id=str(uuid.uuid4()), customer_id=env.world.customers["anna"][1],
                  kind="visit", subject="Visita", occurred_at="2026-12-03T11:00:00+00:00",
                  notes="replayed «via» the route")
    first = anna.post("/sync/push", json={"commands": [cmd]})
    replay = anna.post("/sync/push", content=json.dumps({"commands": [cmd]}).encode(),
                       headers={"Content-Type": "application/merge-patch+json"})
    assert first.status_code == replay.status_code == 200, first.text
    assert first.json() == replay.json()
    (answer,) = first.json()["results"]
    assert answer["status"] == "applied" and set(answer) == {"id", "status", "reason", "code", "server", "message"}
    rejected = anna.post("/sync/push", json={"commands": [command("quote.send", quote_id="no-such-quote")]})
    (answer,) = rejected.json()["results"]
    assert answer["status"] == "rejected" and answer["message"]["code"] and answer["reason"]
    bad = anna.post("/sync/push", json={"commands": [cmd, cmd]})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid" and "twice" in bad.json()["detail"]
    anna.close()


def test_large_push_answers_come_compressed_and_small_ones_plain(env: Env) -> None:
    anna = env.api("anna")
    many = [command("quote.send", quote_id=f"missing-{i}") for i in range(12)]
    big = anna.post("/sync/push", json={"commands": many}, headers={"Accept-Encoding": "gzip"})
    assert big.status_code == 200 and big.headers["content-encoding"] == "gzip"
    assert [a["id"] for a in big.json()["results"]] == [c["id"] for c in many]
    plain = anna.post("/sync/push", json={"commands": many}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == big.json()
    small = anna.post("/sync/push", json={"commands": []}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers and small.json() == {"results": []}
    anna.close()


def test_pages_with_more_to_come_name_the_next_cursor_in_a_header(env: Env) -> None:
    anna = env.api("anna")
    env.settle()
    cursor, pages = None, 0
    while True:
        short, route = _pair(anna, limit=7, **({"cursor": cursor} if cursor else {}))
        for answer in (short, route):
            doc = answer.json()
            if doc["has_more"]:
                assert answer.headers[p.NEXT_CURSOR_HEADER] == doc["cursor"]
            else:
                assert p.NEXT_CURSOR_HEADER not in answer.headers
        doc, pages = short.json(), pages + 1
        if not doc["has_more"]:
            break
        cursor = doc["cursor"]
    assert pages > 2  # snapshot pages and the feed's
    anna.close()
