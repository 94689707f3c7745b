"""The OpenAPI description of the sync API, typed from the protocol: error bodies, the status codes
each route answers, cursor and stream formats, push commands typed from their specs, and the links
a stateful client (or fuzzer) follows (login -> pull -> pull next page -> push -> refresh)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from sfa_desktop.sync import protocol as p

STREAM_NAMES = tuple(p.STREAMS)
_STREAM = "(?:" + "|".join(STREAM_NAMES) + ")"
#: `streams=`: comma-separated stream names, or empty for every stream.
STREAMS_PATTERN = f"^(?:{_STREAM}(?:,{_STREAM})*)?$"
#: Opaque cursors: empty, a feed position, or a snapshot position; ".s<tag>" binds a selection.
CURSOR_PATTERN = (r"^(?:|v1\.[0-9]{1,19}\.[0-9]{1,19}(?:\.h[0-9]{1,19}\.[0-9]{1,19})?"
                  r"|s1\.[0-9]{1,19}\.[0-9]{1,19}\.[0-9]{1,2}\.[0-9a-f]{0,400})(?:\.s[0-9a-f]{8})?$")
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
DECIMAL_PATTERN = r"^[+-]?(?:[0-9]{1,24}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})$"


class ErrorPublic(BaseModel):
    """Every error answer: a sentence for a person and a machine code (docs/protocol.md)."""

    detail: str
    code: str | None = None


class ValidationErrorPublic(BaseModel):
    """422: the request does not have the documented shape; nothing was done."""

    detail: str
    code: Literal["invalid"]
    errors: list[dict[str, Any]] | None = None


_WHY = {
    400: "Malformed value (invalid cursor `invalid_cursor`, unknown stream, NUL or broken Unicode, corrupt gzip)",
    401: "Not signed in, token invalid, expired or revoked, account disabled or device revoked "
         "(`code` says which; `device_revoked`: wipe the local data)",
    403: "Signed in but not allowed (wrong role, device of another user)",
    413: "Request body larger than 4 MiB (after decompression)",
    415: "Request body encoded otherwise than gzip",
    422: "The request does not have the documented shape; nothing was done",
    426: "The X-SFA-Protocol header is missing or too old: update the client",
    429: "Too many failed sign-ins: wait `Retry-After` seconds",
    503: "The database is unavailable: retry after `Retry-After` seconds",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of a route (every API route may answer 426, 413 and 503)."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in sorted({*codes, 426, 503}):
        model = ValidationErrorPublic if code == 422 else ErrorPublic
        entry: dict[str, Any] = {"model": model, "description": _WHY[code]}
        if code in (429, 503):
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
        out[code] = entry
    return out


AUTH_ERRORS = (401,)
BODY_ERRORS = (400, 413, 415, 422)


class PullChangePublic(BaseModel):
    """One change: "u" carries the whole row (wire values of protocol.STREAMS), "d" only the id."""

    s: Literal[STREAM_NAMES]  # type: ignore[valid-type]
    op: Literal["u", "d"]
    id: str
    row: dict[str, Any] | None = None


class PullTablePublic(BaseModel):
    """A block of snapshot rows of one stream (a first sync): `rows` are arrays in `fields` order."""

    s: Literal[STREAM_NAMES]  # type: ignore[valid-type]
    fields: list[str]
    rows: list[list[Any]]


class SnapshotPublic(BaseModel):
    """On the last snapshot page: how many rows of each stream the replica must now hold."""

    counts: dict[str, int]


class PullPagePublic(BaseModel):
    """A pull page (protocol.PullPage); pages of a first sync carry `tables` instead of `changes`."""

    cursor: str = Field(pattern=CURSOR_PATTERN)
    has_more: bool
    reset: list[Literal[STREAM_NAMES]]  # type: ignore[valid-type]
    changes: list[PullChangePublic]
    remaining: int | None = Field(default=None, ge=0)
    tables: list[PullTablePublic] | None = None
    snapshot: SnapshotPublic | None = None


class StreamChecksumPublic(BaseModel):
    count: int = Field(ge=0)
    checksum: str = Field(pattern="^[0-9a-f]{64}$")


class CommandResultPublic(BaseModel):
    """The answer to one command (protocol.CommandResult)."""

    id: str = Field(json_schema_extra={"format": "uuid"})
    status: Literal["applied", "rejected", "changed"]
    reason: str | None = None
    code: str | None = None
    server: dict[str, Any] = Field(default_factory=dict)
    message: dict[str, Any] | None = None


class PushResponsePublic(BaseModel):
    results: list[CommandResultPublic]


def _field_schema(f: p.PayloadField) -> dict[str, Any]:
    kind = f.type
    if kind in (p.ID, p.TEXT):
        out: dict[str, Any] = {"type": "string", "maxLength": f.max_len or 1000}
        if kind == p.ID:
            out["minLength"] = 1
            out["pattern"] = r"^\S(?:.*\S)?$"  # an id has no spaces around it (they would be trimmed)
        return out
    if kind == p.DECIMAL:
        return {"type": "string", "pattern": DECIMAL_PATTERN, "description": "a decimal as ASCII text"}
    if kind == p.DATE:
        return {"type": "string", "format": "date"}
    if kind == p.DATETIME:
        return {"type": "string", "format": "date-time"}
    if kind == p.INT:
        return {"type": "integer", "minimum": -p.MAX_INT, "maximum": p.MAX_INT}
    if kind == p.LINES:
        return {"type": "array", "maxItems": f.max_items, "items": _object(f.parts)}
    if kind == p.EXPECTED:
        decimal = _field_schema(p.PayloadField("x", p.DECIMAL))
        return {"type": "object", "additionalProperties": False,
                "properties": {"grand_total": decimal,
                               "unit_prices": {"type": "array", "items": decimal,
                                               "maxItems": p.MAX_DOCUMENT_LINES}}}
    if kind == p.FIELDS:
        return {"type": "object", "additionalProperties": False,
                "properties": {part.name: {**_field_schema(part), "nullable": True} for part in f.parts}}
    raise AssertionError(kind)  # pragma: no cover


def _object(fields: tuple[p.PayloadField, ...]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False,
            "required": [f.name for f in fields if f.required],
            "properties": {f.name: _field_schema(f) for f in fields}}


def command_schemas() -> dict[str, dict[str, Any]]:
    """One schema per command type, from its spec (the same fields the server decodes)."""
    out = {}
    for spec in p.COMMANDS.values():
        name = "Command_" + spec.type.replace(".", "_")
        out[name] = {
            "type": "object", "additionalProperties": False, "required": ["id", "type", "payload"],
            "description": f"{spec.action} (targets {spec.stream}.{spec.key})",
            "properties": {
                "id": {"type": "string", "format": "uuid", "pattern": UUID_PATTERN,
                       "description": "client-generated; a replay is answered from the server's record"},
                "type": {"type": "string", "enum": [spec.type]},
                "payload": _object(spec.fields),
                "depends_on": {"type": "array", "maxItems": 1000,
                               "items": {"type": "string", "format": "uuid", "pattern": UUID_PATTERN}},
            },
        }
    return out


def push_request_body() -> dict[str, Any]:
    schemas = command_schemas()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": False, "required": ["commands"],
        "properties": {"commands": {
            "type": "array", "maxItems": p.MAX_PUSH_COMMANDS, "uniqueItems": True, "description":
                "commands applied in order, each once (ids must differ within a push: else 422)",
            "items": {"oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in schemas],
                      "discriminator": {"propertyName": "type", "mapping": {
                          s["properties"]["type"]["enum"][0]: f"#/components/schemas/{name}"
                          for name, s in schemas.items()}}},
        }},
    }}}}}


def complete(openapi: dict[str, Any]) -> dict[str, Any]:
    """The generated document with the protocol header on every API route, the command schemas and
    the links between the sync operations."""
    header = {"name": p.PROTOCOL_HEADER, "in": "header", "required": True,
              "description": "the client's protocol version (426 when missing or too old)",
              "schema": {"type": "string", "enum": [str(p.PROTOCOL_VERSION)]}}
    for path, item in openapi.get("paths", {}).items():
        if path.startswith(p.API_PREFIX):
            for op in item.values():
                if isinstance(op, dict) and "responses" in op:
                    params = op.setdefault("parameters", [])
                    if not any(x.get("name") == p.PROTOCOL_HEADER for x in params):
                        params.append(header)
    return add_links(openapi)


def add_links(openapi: dict[str, Any]) -> dict[str, Any]:
    """Links between the sync operations and the command schemas, on the generated document."""
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    components.update(command_schemas())
    paths = openapi.get("paths", {})
    prefix = p.API_PREFIX

    def link(path: str, method: str, status: str, name: str, target: str, **kw: Any) -> None:
        responses = paths.get(f"{prefix}{path}", {}).get(method, {}).get("responses", {})
        if status in responses:
            responses[status].setdefault("links", {})[name] = {"operationId": target, **kw}

    ops = {(path, method): op.get("operationId") for path, item in paths.items() for method, op in item.items()
           if isinstance(op, dict)}
    pull, refresh = ops.get((f"{prefix}/sync/pull", "get")), ops.get((f"{prefix}/auth/refresh", "post"))
    push, checksums = ops.get((f"{prefix}/sync/push", "post")), ops.get((f"{prefix}/sync/checksums", "get"))
    if refresh:
        for path in ("/auth/login", "/auth/refresh"):
            link(path, "post", "200", "RefreshTheSession", refresh,
                 requestBody={"refresh_token": "$response.body#/refresh_token"})
    if pull:
        link("/auth/login", "post", "200", "PullFromScratch", pull, parameters={"query.cursor": ""})
        link("/sync/pull", "get", "200", "PullTheNextPage", pull,
             parameters={"query.cursor": "$response.body#/cursor"})
    if push:
        link("/sync/pull", "get", "200", "PushAfterPulling", push)
    if checksums:
        link("/sync/pull", "get", "200", "VerifyAfterPulling", checksums)
    return openapi
