"""The FastAPI application: middleware (protocol version, body limits, gzip), error shapes, routers."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DataError, OperationalError
from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sfa_desktop.sync import protocol as p
from sfa_desktop.sync.protocol import compression
from sfa_server import answers
from sfa_server.deps import ApiError, Sessions
from sfa_server.sync_path import SyncShortPath

# a JSON \u0000 escape (not itself escaped) or a raw NUL: no database text column can hold it
_NUL_IN_JSON = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000|\x00")
# A JSON escape of half a surrogate pair: a text no database column can store (UTF-8 has no form
# for it). Push payloads are checked per command instead (one bad command, not the whole batch).
_LONE_SURROGATE = re.compile(
    rb"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def update_required_message(version: str | None) -> str:
    return (
        f"This sfa-desktop is too old for the server: update required (protocol {version or 'none'}, "
        f"server needs >= {p.MIN_PROTOCOL_VERSION})."
    )


class RequestGate:
    """Checks the protocol header on API routes, bounds the body and inflates gzip bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["path"].startswith(p.API_PREFIX):
            raw = headers.get(p.PROTOCOL_HEADER)
            version = int(raw) if raw and raw.strip().isdigit() and len(raw) < 6 else None
            if version is None or version < p.MIN_PROTOCOL_VERSION:
                await _reply(
                    scope, receive, send, 426, update_required_message(raw and raw[:10]), "update_required"
                )
                return
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope["path"]:
            await _reply(scope, receive, send, 400, "Text must not contain NUL characters.", "invalid")
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > p.MAX_BODY_BYTES):
            await _reply(
                scope,
                receive,
                send,
                413 if length.isdigit() else 400,
                f"The request body is larger than {p.MAX_BODY_BYTES} bytes.",
                "too_large",
            )
            return
        if scope["method"] not in ("POST", "PUT", "PATCH", "DELETE"):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > p.MAX_BODY_BYTES:
                await _reply(
                    scope,
                    receive,
                    send,
                    413,
                    f"The request body is larger than {p.MAX_BODY_BYTES} bytes.",
                    "too_large",
                )
                return
            if not message.get("more_body"):
                break
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding == "gzip":
            unpacker = compression.Gunzip(p.MAX_BODY_BYTES)
            try:
                unpacker.feed(bytes(body))
                data = unpacker.result()
            except compression.GzipError:
                await _reply(scope, receive, send, 400, "The gzip request body is corrupt.", "bad_encoding")
                return
            except compression.TooLarge:
                await _reply(
                    scope,
                    receive,
                    send,
                    413,
                    f"The request body is larger than {p.MAX_BODY_BYTES} bytes once decompressed.",
                    "too_large",
                )
                return
            body = bytearray(data)
        elif encoding not in ("identity", ""):
            await _reply(scope, receive, send, 415, "Only gzip request bodies are accepted.", "bad_encoding")
            return
        if _NUL_IN_JSON.search(body):
            await _reply(scope, receive, send, 400, "Text must not contain NUL characters.", "invalid")
            return
        if not scope["path"].endswith("/sync/push") and _LONE_SURROGATE.search(body):
            await _reply(scope, receive, send, 400, "Text must be valid Unicode (a lone surrogate was sent).",
                         "invalid")
            return
        new_headers = [
            (k, v) for k, v in scope["headers"] if k not in (b"content-encoding", b"content-length")
        ]
        new_headers.append((b"content-length", str(len(body)).encode()))
        scope = {**scope, "headers": new_headers}
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reply(scope: Scope, receive: Receive, send: Send, status: int, detail: str, code: str) -> None:
    await JSONResponse({"detail": detail, "code": code}, status_code=status)(scope, receive, send)


def _describe(errors: list[dict[str, Any]]) -> str:
    parts = []
    for e in errors[:5]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        msg = "unknown field (not accepted here)" if e.get("type") == "extra_forbidden" else e.get("msg", "")
        parts.append(f"{where}: {msg}")
    return "Invalid request: " + "; ".join(parts)


#: Requests one worker process runs at a time (threads; the rest wait in its event loop). A worker
#: holds one GIL: with anyio's default of 40 threads, 50 agents syncing at once made the worker
#: switch between 40 runnable threads and its throughput halved (38 against 72-75 syncs/s with 2-4,
#: docs/benchmarks.md). Several workers use several cores; `sfa-server serve --threads` sets it.
THREADS_PER_WORKER = 4
THREADS_ENV = "SFA_SERVER_THREADS"


def threads_per_worker() -> int:
    raw = os.environ.get(THREADS_ENV, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else THREADS_PER_WORKER


@contextlib.asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads_per_worker()
    yield


def create_app(database_url: str | None = None) -> FastAPI:
    """The server application on `database_url` (default: SFA_DATABASE_URL or the SQLite file).
    The schema must exist (sfa-server init); nothing else is kept in process memory."""
    from sfa_server import admin, auth, feed, office, prospects, push
    from sfa_server.db import make_engine, session_factory

    app = FastAPI(
        lifespan=_lifespan,
        title="sfa-server",
        version=str(p.PROTOCOL_VERSION),
        description="Central server of sfa-desktop: sync feed, push commands, office approvals.",
    )
    engine = make_engine(database_url)
    app.state.engine = engine
    app.state.sessions = session_factory(engine)

    api = APIRouter(prefix=p.API_PREFIX)
    for module in (auth, feed, push, office, prospects, admin):
        api.include_router(module.router)

    @api.get("/health", tags=["health"])
    def api_health(sessions: Sessions) -> dict[str, Any]:
        return health(sessions)

    app.include_router(api)

    @app.get("/health", tags=["health"])
    def health(sessions: Sessions) -> dict[str, Any]:
        with sessions() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "protocol": p.PROTOCOL_VERSION, "min_protocol": p.MIN_PROTOCOL_VERSION}

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return answers.api_error(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = jsonable_encoder(exc.errors(), custom_encoder={Exception: str, bytes: lambda b: "<bytes>"})
        for e in errors:
            e.pop("input", None)  # may echo a password back
            e.pop("ctx", None)
        return JSONResponse(
            {"detail": _describe(errors), "code": "invalid", "errors": errors}, status_code=422
        )

    @app.exception_handler(OperationalError)
    async def _db_down(_request: Request, exc: OperationalError) -> JSONResponse:
        return answers.database_unavailable(exc)

    @app.exception_handler(DataError)
    async def _unstorable(_request: Request, exc: DataError) -> JSONResponse:
        return answers.unstorable_value(exc)

    generated = app.openapi

    def openapi() -> dict[str, Any]:
        if not getattr(app.state, "openapi_completed", False):
            from sfa_server.api_schema import complete

            app.openapi_schema = complete(generated())
            app.state.openapi_completed = True
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(SyncShortPath)  # innermost: it sees the body RequestGate checked and inflated
    app.add_middleware(RequestGate)
    app.add_middleware(CompressResponses)
    return app


class CompressResponses:
    """gzip for the answers that do not compress themselves. Pull pages and push answers compress
    themselves (answers.json_answer, at levels chosen for them): on those paths, the two requests of
    every sync, the middleware only wrapped every send (~3 % of a loaded worker, profiled)."""

    SELF_COMPRESSED = frozenset({f"{p.API_PREFIX}/sync/pull", f"{p.API_PREFIX}/sync/push"})

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=1000, compresslevel=5)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.SELF_COMPRESSED:
            await self.app(scope, receive, send)
        else:
            await self.gzip(scope, receive, send)
