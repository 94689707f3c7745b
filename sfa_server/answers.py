"""The error answers the server gives for an exception, whatever path a request took (FastAPI's
exception handlers in sfa_server.app and the sync routes' short path in sfa_server.sync_path)."""

from __future__ import annotations

import logging

from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, OperationalError

from sfa_desktop.sync.protocol.compression import gzip_bytes
from sfa_server.deps import ApiError

log = logging.getLogger("sfa_server.app")


#: Bodies smaller than this go as they are (as the gzip middleware's minimum_size).
GZIP_MIN_BYTES = 1000


def json_answer(body: bytes, accept_encoding: str, level: int, headers: dict[str, str] | None = None) -> Response:
    """A JSON body written by the route itself, gzip-compressed here at zlib's `level` (ISA-L's
    nearest when installed: protocol.compression) when the client accepts gzip (the routes that do
    this are exempt from the gzip middleware: CompressResponses)."""
    if len(body) > GZIP_MIN_BYTES and "gzip" in accept_encoding.lower():
        return Response(content=gzip_bytes(body, level), media_type="application/json",
                        headers={**(headers or {}), "Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    return Response(content=body, media_type="application/json", headers=headers)


def api_error(exc: ApiError) -> JSONResponse:
    return JSONResponse({"detail": exc.detail, "code": exc.code}, status_code=exc.status_code, headers=exc.headers)


def database_unavailable(exc: OperationalError) -> JSONResponse:
    log.error("database unavailable: %s", type(exc.orig).__name__)
    return JSONResponse(
        {"detail": "The database is unavailable; try again shortly.", "code": "unavailable"},
        status_code=503,
        headers={"Retry-After": "5"},
    )


def unstorable_value(exc: DataError) -> JSONResponse:
    log.warning("a value the database cannot store: %s", type(exc.orig).__name__)
    return JSONResponse({"detail": "A value is out of range or cannot be stored.", "code": "invalid"}, status_code=422)


def answer_for(exc: Exception) -> JSONResponse | None:
    """The answer to a request that raised `exc`; None: not one of ours (a 500 for the caller)."""
    if isinstance(exc, ApiError):
        return api_error(exc)
    if isinstance(exc, OperationalError):
        return database_unavailable(exc)
    if isinstance(exc, DataError):
        return unstorable_value(exc)
    return None
