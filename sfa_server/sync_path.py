"""The short path of the two requests every sync cycle makes: GET /sync/pull and POST /sync/push.

Profiled under load (docs/benchmarks.md, point 4 of issue 16), a loaded worker spent ~30 % of its
CPU in the framework around these two routes: FastAPI's and Starlette's routing, exception and
dependency layers, and two thread hand-offs per request (the caller's check, then the endpoint).
Here a request whose parameters are plainly valid is answered straight from the ASGI call: the
caller's check and the work run together in one worker thread, through the same functions the
routes call (`deps.principal_of`, `feed.pull_answer`, `push.push_answer`), and errors get the same
answers (`answers.answer_for`).

Anything else — an odd parameter, a body that is not a plain JSON object of commands, another
method — goes on to the FastAPI routes unchanged, which give the documented validation answers.
So the routes stay the one definition of what is accepted; this path only skips their machinery
for the requests they would accept anyway.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sfa_desktop.sync import protocol as p
from sfa_server.answers import answer_for
from sfa_server.deps import Principal, principal_of
from sfa_server.feed import CURSOR_MAX_LENGTH, STREAMS_MAX_LENGTH, pull_answer
from sfa_server.push import push_answer

PULL_PATH = f"{p.API_PREFIX}/sync/pull"
PUSH_PATH = f"{p.API_PREFIX}/sync/push"
#: The pull's parameters and their bounds, as the route declares them (feed.pull).
_PULL_PARAMS = frozenset({"cursor", "limit", "streams"})
_LIMIT = re.compile(r"[1-9][0-9]{0,5}")


class SyncShortPath:
    """ASGI middleware: answers plainly valid pulls and pushes itself, passes the rest on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, method = scope["path"], scope["method"]
            if path == PULL_PATH and method == "GET":
                args = pull_arguments(scope.get("query_string", b""))
                if args is not None:
                    await self._answer(scope, send, pull_answer, *args)
                    return
            elif path == PUSH_PATH and method == "POST":
                body, receive = await _body(receive)
                docs = push_commands(scope, body)
                if docs is not None:
                    await self._answer(scope, send, push_answer, docs)
                    return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send, work: Any, *args: Any) -> None:
        """`work(principal, sessions, *args, accept_encoding)` on a worker thread, its answer sent."""
        headers, state = Headers(scope=scope), scope["app"].state
        try:
            response = await anyio.to_thread.run_sync(_with_caller, work, headers.get("authorization", ""), state,
                                                      *args, headers.get("accept-encoding", ""))
        except Exception as exc:  # mapped as the routes' exception handlers map it
            response = answer_for(exc)
            if response is None:
                raise  # not ours: ServerErrorMiddleware logs it and answers 500
        await response(scope, _no_body, send)


def pull_arguments(query_string: bytes) -> tuple[str, int, str] | None:
    """(cursor, limit, streams) of a pull's query string when the route would accept them as they
    are; None when any is odd (unknown or repeated parameter, out of bounds, not digits): the route
    decides then, with its own answer."""
    # as Starlette reads a query string (latin-1, blanks kept), so both paths see the same values
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    given = dict(pairs)
    if len(given) != len(pairs) or not given.keys() <= _PULL_PARAMS:
        return None
    cursor, streams = given.get("cursor", ""), given.get("streams", "")
    limit = given.get("limit")
    if len(cursor) > CURSOR_MAX_LENGTH or len(streams) > STREAMS_MAX_LENGTH:
        return None
    if limit is None:
        return cursor, p.DEFAULT_PAGE_SIZE, streams
    if not _LIMIT.fullmatch(limit) or int(limit) > p.MAX_PAGE_SIZE:
        return None
    return cursor, int(limit), streams


def push_commands(scope: Scope, body: bytes) -> list[dict[str, Any]] | None:
    """The commands of a push body when it is exactly {"commands": [object, ...]} within bounds,
    sent as JSON; None otherwise (the route's model then answers, 422 with what is wrong)."""
    content_type = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return None
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.keys() != {"commands"}:
        return None
    commands = doc["commands"]
    if (not isinstance(commands, list) or len(commands) > p.MAX_PUSH_COMMANDS
            or not all(type(c) is dict for c in commands)):
        return None
    return commands


def _with_caller(work: Any, header: str, state: Any, *args: Any) -> Response:
    """On a worker thread: the caller's check, then the work; one hand-off for both."""
    principal: Principal = principal_of(header, state.sessions, state)
    return work(principal, state.sessions, *args)


async def _body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a `receive` that hands it out again (for the route, if it decides)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", _replay([message], receive)
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    return body, _replay([{"type": "http.request", "body": body, "more_body": False}], receive)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


async def _no_body() -> Message:
    return {"type": "http.disconnect"}

