"""Transport behaviour a user notices: retries only for faults, clear errors, tokens, gzip, limits."""

from __future__ import annotations

import uuid

import pytest

from sfa_desktop.sync import protocol
from sfa_desktop.sync.errors import (
    AuthenticationRequiredError,
    DeviceRevokedError,
    LoginFailedError,
    ProtocolViolationError,
    RequestRefusedError,
    ServerFaultError,
    ServerUnreachableError,
    UpdateRequiredError,
)
from sfa_desktop.sync.transport import MemoryTokenStore, Transport

from .conftest import Answer, ScriptedPeer, Seen

TOKENS = {"access_token": "acc-1", "refresh_token": "ref-1", "expires_in": 900}
EMPTY_PAGE = {"cursor": "c1", "has_more": False, "changes": []}


def make(peer: ScriptedPeer, **kw: object) -> tuple[Transport, list[float]]:
    sleeps: list[float] = []
    store = MemoryTokenStore("ref-0")
    t = Transport(peer.url, device_id="dev-1", token_store=store, timeout=(1, 1),
                  sleep=sleeps.append, **kw)  # type: ignore[arg-type]
    return t, sleeps


def routes(table: dict[str, list[Answer]]) -> object:
    def script(seen: Seen) -> Answer:
        path = seen.path.split("?")[0].removeprefix(protocol.API_PREFIX)
        queue = table[path]
        return queue.pop(0) if len(queue) > 1 else queue[0]
    return script


def test_every_request_carries_protocol_device_and_bearer_headers(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)], "/sync/pull": [Answer(body=EMPTY_PAGE)]})
    t, _ = make(peer)
    page, _ = t.pull(cursor=None)
    assert page.cursor == "c1"
    pull = peer.seen[-1]
    assert pull.headers[protocol.PROTOCOL_HEADER] == str(protocol.PROTOCOL_VERSION)
    assert pull.headers[protocol.DEVICE_HEADER] == "dev-1"
    assert pull.headers["Authorization"] == "Bearer acc-1"
    assert "gzip" in pull.headers["Accept-Encoding"]
    # rotation: the new refresh token replaced the old one in the store
    assert t.token_store.load_refresh_token() == "ref-1"


def test_transport_faults_are_retried_with_backoff_then_succeed(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)],
                          "/sync/pull": [Answer(503, {}), Answer(502, {}), Answer(body=EMPTY_PAGE)]})
    t, sleeps = make(peer, backoff_base=0.1, backoff_cap=5.0)
    page, _ = t.pull(cursor="c0")
    assert page.cursor == "c1"
    assert len(sleeps) == 2 and all(0 <= s <= 5.0 for s in sleeps)


def test_gives_up_after_retries_with_a_message_in_words(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)], "/sync/pull": [Answer(504, {})]})
    t, sleeps = make(peer, max_retries=2)
    with pytest.raises(ServerUnreachableError) as info:
        t.pull(cursor=None)
    assert len(sleeps) == 2
    assert "could not be reached" in info.value.user_message
    assert "kept" in info.value.user_message


def test_client_errors_are_not_retried(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)],
                          "/sync/pull": [Answer(400, {"detail": "bad cursor"})]})
    t, sleeps = make(peer)
    with pytest.raises(RequestRefusedError, match="bad cursor"):
        t.pull(cursor="zzz")
    assert sleeps == []
    assert sum(1 for s in peer.seen if "/sync/pull" in s.path) == 1


def test_server_error_500_is_not_retried(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)], "/sync/pull": [Answer(500, {})]})
    t, sleeps = make(peer)
    with pytest.raises(ServerFaultError):
        t.pull(cursor=None)
    assert sleeps == []


def test_expired_access_token_is_refreshed_once_then_request_repeated(peer: ScriptedPeer) -> None:
    tokens2 = {**TOKENS, "access_token": "acc-2", "refresh_token": "ref-2"}
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS), Answer(body=tokens2)],
                          "/sync/pull": [Answer(401, {"detail": "expired"}), Answer(body=EMPTY_PAGE)]})
    t, _ = make(peer)
    t.pull(cursor=None)
    assert peer.seen[-1].headers["Authorization"] == "Bearer acc-2"
    assert t.token_store.load_refresh_token() == "ref-2"


def test_refused_refresh_asks_to_sign_in_again_and_forgets_the_token(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/refresh": [Answer(401, {"detail": "token reused"})]})
    t, _ = make(peer)
    with pytest.raises(AuthenticationRequiredError) as info:
        t.pull(cursor=None)
    assert "sign in" in info.value.user_message
    assert t.token_store.load_refresh_token() is None


def test_reauthenticate_hook_signs_in_again(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/refresh": [Answer(401, {"detail": "expired"})],
                          "/auth/login": [Answer(body=TOKENS)], "/sync/pull": [Answer(body=EMPTY_PAGE)]})
    t, _ = make(peer)
    t.reauthenticate = lambda: t.login(username="u", password="p", device_id="dev-1", device_name="pc")
    t.pull(cursor=None)
    assert peer.seen[-1].headers["Authorization"] == "Bearer acc-1"


def test_wrong_password_is_a_login_error(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/login": [Answer(401, {"detail": "invalid credentials"})]})
    t, _ = make(peer)
    with pytest.raises(LoginFailedError):
        t.login(username="u", password="bad", device_id="d", device_name="pc")


def test_old_client_is_told_to_update(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/login": [Answer(426, {"detail": "update required"})]})
    t, _ = make(peer)
    with pytest.raises(UpdateRequiredError) as info:
        t.login(username="u", password="p", device_id="d", device_name="pc")
    assert "update" in info.value.user_message


@pytest.mark.parametrize("body", [{"detail": {"code": "device_revoked", "message": "revoked"}},
                                  {"code": "device_revoked", "message": "revoked"}])
def test_revoked_device_is_recognised(peer: ScriptedPeer, body: dict) -> None:
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)], "/sync/pull": [Answer(401, body)]})
    t, _ = make(peer)
    with pytest.raises(DeviceRevokedError):
        t.pull(cursor=None)


def test_push_body_is_gzipped_and_results_validated(peer: ScriptedPeer) -> None:
    cmds = [protocol.Command(str(uuid.uuid4()), "activity.log",
                             {"activity_id": f"a{i}", "notes": "x" * 200}) for i in range(5)]
    results = {"results": [{"id": c.id, "status": "applied", "server": {}} for c in cmds]}
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)], "/sync/push": [Answer(body=results)]})
    t, _ = make(peer)
    out = t.push(cmds)
    assert [r.id for r in out] == [c.id for c in cmds]
    push = peer.seen[-1]
    assert push.headers["Content-Encoding"] == "gzip"
    assert push.body["commands"][0]["type"] == "activity.log"


def test_push_answer_for_other_commands_is_refused(peer: ScriptedPeer) -> None:
    cmd = protocol.Command(str(uuid.uuid4()), "quote.send", {"quote_id": "q1"})
    other = {"results": [{"id": str(uuid.uuid4()), "status": "applied"}]}
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)], "/sync/push": [Answer(body=other)]})
    t, _ = make(peer)
    with pytest.raises(ProtocolViolationError):
        t.push([cmd])


@pytest.mark.parametrize("raw", [b"{not json", b'{"cursor": "c", "has_more": true', b"[]",
                                 b'{"cursor": "c", "has_more": "yes", "changes": []}',
                                 b'{"cursor": "c", "has_more": false, "changes": [{"s": "products", '
                                 b'"op": "u", "id": "p1", "row": {"id": "p1", "vat_rate": 22}}]}'])
def test_malformed_pull_answers_are_protocol_errors(peer: ScriptedPeer, raw: bytes) -> None:
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)], "/sync/pull": [Answer(raw=raw)]})
    t, _ = make(peer)
    with pytest.raises(ProtocolViolationError) as info:
        t.pull(cursor=None)
    assert "cannot read" in info.value.user_message


def test_huge_answer_is_refused(peer: ScriptedPeer) -> None:
    big = {"cursor": "c", "has_more": False, "changes": [], "pad": "x" * 300_000}
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)], "/sync/pull": [Answer(body=big)]})
    t, _ = make(peer, max_response_bytes=100_000)
    with pytest.raises(ProtocolViolationError, match="larger"):
        t.pull(cursor=None)


def test_hanging_server_times_out_and_counts_as_unreachable(peer: ScriptedPeer) -> None:
    peer.script = routes({"/auth/refresh": [Answer(body=TOKENS)],
                          "/sync/pull": [Answer(body=EMPTY_PAGE, delay=2.5)]})
    t, sleeps = make(peer, max_retries=1)
    with pytest.raises(ServerUnreachableError):
        t.pull(cursor=None)
    assert len(sleeps) == 1


def test_nothing_listening_is_unreachable() -> None:
    t = Transport("http://127.0.0.1:9", token_store=MemoryTokenStore("r"), max_retries=1,
                  sleep=lambda s: None, timeout=(0.5, 0.5))
    with pytest.raises(ServerUnreachableError):
        t.login(username="u", password="p", device_id="d", device_name="pc")


def test_base_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        Transport("ftp://server")
