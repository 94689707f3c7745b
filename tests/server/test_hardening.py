"""Issue 15, reproduced from outside with only docs/protocol.md: values the server cannot hold, a
poison command in a batch, tokens after theft detection and logout, cursors bound to their streams,
rejections that name nothing the caller may not see."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from sfa_desktop.sync import protocol as p
from sfa_server import push as push_module
from sfa_server.models import AppliedCommand, User
from tests.server.conftest import Env, command

SURROGATE = "\ud800x"
HUGE = "1E+999999999"


def _push_raw(api: Any, *commands: dict) -> httpx.Response:
    # ensure_ascii keeps a lone surrogate as the escape "\ud800" a hostile client would send
    body = json.dumps({"commands": list(commands)}, ensure_ascii=True).encode("ascii")
    return api.http.post("/api/v1/sync/push", content=body, headers={"Content-Type": "application/json"})


def _order(env: Env, **over: Any) -> dict:
    payload = {"order_id": str(uuid.uuid4()), "customer_id": env.world.customers["anna"][0],
               "lines": [{"product_id": "prod-1", "quantity": "2"}]}
    payload.update(over)
    return command("order.submit", **payload)


def _activity(env: Env, **over: Any) -> dict:
    payload = {"activity_id": str(uuid.uuid4()), "customer_id": env.world.customers["anna"][0],
               "kind": "call", "subject": "Telefonata", "occurred_at": "2026-05-04T10:00:00+00:00"}
    payload.update(over)
    return command("activity.log", **payload)


def _poisons(env: Env) -> list[dict]:
    cust = env.world.customers["anna"][0]
    deal = {"deal_id": str(uuid.uuid4()), "customer_id": cust, "title": "Impianto", "stage": "contatto"}
    return [
        _order(env, lines=[{"product_id": "prod-1", "quantity": HUGE}]),
        _order(env, expected={"grand_total": HUGE, "unit_prices": [HUGE]}),
        command("deal.save", **{**deal, "amount": HUGE}),
        _order(env, lines=[{"product_id": "prod-1", "quantity": "1_000"}]),
        _order(env, lines=[{"product_id": "prod-1", "quantity": "١٢"}]),  # Arabic-Indic digits
        _activity(env, subject=SURROGATE),
        _activity(env, activity_id=SURROGATE),
        _activity(env, customer_id=SURROGATE),
        _order(env, notes=SURROGATE),
        _order(env, lines=[{"product_id": SURROGATE, "quantity": "1"}]),
        _order(env, lines=[{"product_id": "prod-1", "quantity": "1", SURROGATE: "1"}]),
        _order(env, **{SURROGATE: "x"}),
        command("customer.update", customer_id=cust, changes={SURROGATE: "1"}),
        command("customer.update", customer_id=cust, changes={"phone": SURROGATE}),
        command("prospect.create", customer_id=str(uuid.uuid4()), name=SURROGATE),
    ]


def test_values_the_server_cannot_hold_are_that_commands_rejection(env: Env) -> None:
    anna = env.api("anna")
    for poison in _poisons(env):
        r = _push_raw(anna, poison)
        assert r.status_code == 200, (poison, r.status_code, r.text[:300])
        [res] = r.json()["results"]
        assert res["status"] == "rejected" and res["code"] in ("invalid", "forbidden"), res
        json.dumps(res, ensure_ascii=False).encode("utf-8")  # the answer itself is valid Unicode
    anna.close()


def test_surrogates_in_the_envelope_are_422(env: Env) -> None:
    anna = env.api("anna")
    for bad in ({"id": SURROGATE, "type": "quote.send", "payload": {}},
                {"id": str(uuid.uuid4()), "type": SURROGATE, "payload": {}},
                {"id": str(uuid.uuid4()), "type": "quote.send", "payload": {}, SURROGATE: 1},
                {"id": str(uuid.uuid4()), "type": "quote.send", "payload": {}, "depends_on": [SURROGATE]}):
        r = _push_raw(anna, bad)
        assert r.status_code == 422, r.text
        r.text.encode("utf-8")
    anna.close()


def test_batch_good_then_poison_answers_both(env: Env) -> None:
    anna = env.api("anna")
    good, poison = _activity(env), _activity(env, notes=SURROGATE)
    for _ in range(2):  # sent again (a lost answer): the same answers, nothing applied twice
        r = _push_raw(anna, good, poison)
        assert r.status_code == 200, r.text
        first, second = r.json()["results"]
        assert first["status"] == "applied" and second["status"] == "rejected"
    anna.close()


def test_a_command_the_server_fails_on_is_answered_server_error_and_the_rest_goes_on(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in one handler (injected: the handler raises) answers that command `server_error`,
    unrecorded, and the independent commands behind it are applied."""

    def broken(*_a: Any) -> p.CommandResult:
        raise RuntimeError("bug in the handler")

    monkeypatch.setitem(push_module.HANDLERS, "deal.save", broken)
    anna = env.api("anna")
    deal = command("deal.save", deal_id=str(uuid.uuid4()), customer_id=env.world.customers["anna"][0],
                   title="x", stage="contatto")
    after = _activity(env)
    dependent = _activity(env)
    dependent["depends_on"] = [deal["id"]]
    first, second, third = anna.push(deal, after, dependent)
    assert (first["status"], first["code"]) == ("rejected", "server_error")
    assert "bug in the handler" not in json.dumps(first)  # no internals in the answer
    assert second["status"] == "applied"
    assert (third["status"], third["code"]) == ("rejected", "dependency_missing")
    with env.sessions() as s:
        assert s.get(AppliedCommand, deal["id"]) is None  # not recorded: a fixed server applies it later
    monkeypatch.undo()
    [again] = anna.push(deal)
    assert again["status"] == "applied", again
    anna.close()


@pytest.mark.parametrize("cursor", ["v1.99999999999999999999.1", "v1.9999999999999999999.1",
                                    "v1.1.9223372036854775808", "s1.9999999999999999999.1.0.",
                                    "v1.1.1.h9999999999999999999.1"])
def test_cursor_past_64_bits_is_400_invalid_cursor(env: Env, cursor: str) -> None:
    anna = env.api("anna")
    r = anna.get("/sync/pull", params={"cursor": cursor})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor", r.text
    anna.close()


def test_cursor_from_the_future_is_400(env: Env) -> None:
    anna = env.api("anna")
    cursor, _ = anna.pull_all()
    _v, tx, seq = cursor.split(".")[:3]
    for future in (f"v1.{int(tx) + 1000}.{seq}", f"v1.{tx}.{int(seq) + 10**6}"):
        r = anna.get("/sync/pull", params={"cursor": future})
        assert r.status_code == 400 and r.json()["code"] == "invalid_cursor", (future, r.text)
    assert anna.get("/sync/pull", params={"cursor": cursor}).status_code == 200
    anna.close()


def _pull_to_end(api: Any, cursor: str, streams: str) -> str:
    while True:
        r = api.get("/sync/pull", params={"cursor": cursor, "streams": streams})
        assert r.status_code == 200, r.text
        page = r.json()
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor


def test_cursor_is_bound_to_its_streams(env: Env) -> None:
    anna = env.api("anna")
    only = _pull_to_end(anna, "", "customers")
    for other in ("", "products", "customers,products"):
        r = anna.get("/sync/pull", params={"cursor": only, "streams": other})
        assert r.status_code == 400 and r.json()["code"] == "invalid_cursor", (other, r.text)
    assert anna.get("/sync/pull", params={"cursor": only, "streams": "customers"}).status_code == 200
    everything, _ = anna.pull_all()
    r = anna.get("/sync/pull", params={"cursor": everything, "streams": "customers"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"
    # a snapshot cursor part-way through one stream is bound as well
    r = anna.get("/sync/pull", params={"cursor": "", "streams": "customers", "limit": 1})
    mid = r.json()["cursor"]
    assert r.json()["has_more"]
    r = anna.get("/sync/pull", params={"cursor": mid})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"
    anna.close()


def test_token_reuse_revokes_the_access_tokens_at_once(env: Env) -> None:
    import datetime as dt

    from tests.server.test_auth import _age_rotation

    thief = env.api("bruno")
    first = thief.tokens["refresh_token"]
    r = thief.post("/auth/refresh", json={"refresh_token": first})
    newest = r.json()["access_token"]
    thief.http.headers["Authorization"] = f"Bearer {newest}"
    assert thief.get("/sync/pull", params={"limit": 1}).status_code == 200
    _age_rotation(env, first, dt.timedelta(minutes=5))
    r = thief.post("/auth/refresh", json={"refresh_token": first})
    assert r.status_code == 401 and r.json()["code"] == "token_reused"
    r = thief.get("/sync/pull", params={"limit": 1})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token", r.text
    # signing in again on the device works (a new session, newer than the revocation)
    again = env.api("bruno", device_id=thief.device_id)
    assert again.get("/sync/pull", params={"limit": 1}).status_code == 200
    thief.close()
    again.close()


def test_logout_revokes_the_access_token_at_once(env: Env) -> None:
    api = env.api("anna")
    assert api.get("/sync/pull", params={"limit": 1}).status_code == 200
    assert api.post("/auth/logout").status_code == 204
    r = api.get("/sync/pull", params={"limit": 1})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"
    api.close()


def test_a_disabled_users_refresh_says_user_disabled(env: Env) -> None:
    from sfa_server.accounts import create_user

    with env.sessions.begin() as s:
        create_user(s, username="leaver", password="correct horse battery", role="agent", agent_code="AG99")
    api = env.api("leaver")
    with env.sessions.begin() as s:
        s.execute(update(User).where(User.username == "leaver").values(active=False))
    r = api.post("/auth/refresh", json={"refresh_token": api.tokens["refresh_token"]})
    assert r.status_code == 401 and r.json()["code"] == "user_disabled", r.text
    r = api.get("/sync/pull", params={"limit": 1})
    assert r.status_code == 401 and r.json()["code"] == "user_disabled"
    api.close()


def test_rejections_name_nothing_of_another_agent(env: Env) -> None:
    anna, bruno = env.api("anna"), env.api("bruno")
    bruno_customer = env.world.customers["bruno"][0]
    order = command("order.submit", order_id=str(uuid.uuid4()), customer_id=bruno_customer,
                    lines=[{"product_id": "prod-1", "quantity": "1"}])
    quote = command("quote.save", quote_id=str(uuid.uuid4()), customer_id=bruno_customer,
                    lines=[{"product_id": "prod-1", "quantity": "1"}])
    [placed] = bruno.push(command("order.submit", order_id=(oid := str(uuid.uuid4())),
                                  customer_id=bruno_customer, lines=[{"product_id": "prod-1", "quantity": "1"}]))
    [saved] = bruno.push(command("quote.save", quote_id=(qid := str(uuid.uuid4())), customer_id=bruno_customer,
                                 lines=[{"product_id": "prod-1", "quantity": "1"}]))
    assert placed["status"] != "rejected" and saved["status"] != "rejected"
    probes = [
        command("order.cancel", order_id=oid),
        command("quote.send", quote_id=qid),
        command("quote.save", quote_id=qid, customer_id=env.world.customers["anna"][0],
                lines=[{"product_id": "prod-1", "quantity": "1"}]),
        command("order.submit", order_id=str(uuid.uuid4()), customer_id=env.world.customers["anna"][0],
                quote_id=qid, lines=[{"product_id": "prod-1", "quantity": "1"}]),
    ]
    own_words = anna.push(order, quote)  # the caller named that customer itself: it may be quoted
    assert [r["code"] for r in own_words] == ["not_found", "not_found"]
    for res in anna.push(*probes):  # the caller named only a document: its customer is not told
        assert res["status"] == "rejected" and res["code"] == "not_found", res
        assert bruno_customer not in json.dumps(res), res
    anna.close()
    bruno.close()


def test_expired_forged_and_unsigned_tokens_are_refused(env: Env) -> None:
    import base64
    import datetime as dt

    from sfa_server.deps import token_secret
    from sfa_server.tokens import ACCESS_TTL, issue_access_token

    anna = env.api("anna")
    secret = token_secret(env.sessions)
    old = issue_access_token(secret, user_id=env.world.users["anna"], device_id=anna.device_id,
                             now=dt.datetime.now(dt.UTC) - ACCESS_TTL - dt.timedelta(seconds=5))
    payload = anna.tokens["access_token"].split(".")[0]
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["sub"] = env.world.users["bruno"]  # a token for someone else, re-encoded without the key
    other = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    header_none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    for token, why in ((old, "expired"), (f"{other}.{anna.tokens['access_token'].split('.')[1]}", "signature"),
                       (f"{payload}.", "signature"), (f"{header_none}.{payload}.", "malformed"),
                       (f"{header_none}.{other}", "signature")):
        r = anna.http.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401 and r.json()["code"] == "invalid_token", (why, r.text)
        assert why in r.json()["detail"], (why, r.text)
    anna.close()
