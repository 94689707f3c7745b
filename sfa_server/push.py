"""POST /sync/push: business commands, each applied exactly once in its own transaction together
with the record of its id; a replay returns the stored answer."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from sfa_desktop.sync import protocol as p
from sfa_server import crm_commands, customer_commands, documents
from sfa_server.answers import json_answer
from sfa_server.api_schema import BODY_ERRORS, PushResponsePublic, errors, push_request_body
from sfa_server.commands import Rejected
from sfa_server.deps import ApiError, CurrentUser, Principal, Sessions
from sfa_server.direct_sql import run
from sfa_server.models import AppliedCommand

log = logging.getLogger(__name__)
router = APIRouter(prefix="/sync", tags=["sync"])

Handler = Callable[[Session, Principal, p.Command], p.CommandResult]
HANDLERS: dict[str, Handler] = {
    "quote.save": documents.quote_save,
    "quote.send": documents.quote_send,
    "quote.accept": documents.quote_accept,
    "quote.lose": documents.quote_lose,
    "quote.revise": documents.quote_revise,
    "order.submit": documents.order_submit,
    "order.cancel": documents.order_cancel,
    "customer.update": customer_commands.customer_update,
    "prospect.create": customer_commands.prospect_create,
    "activity.log": customer_commands.activity_log,
    "deal.save": customer_commands.deal_save,
    "activity.plan": crm_commands.activity_plan,
    "activity.complete": crm_commands.activity_complete,
    "deal.move": crm_commands.deal_move,
}
assert set(HANDLERS) == set(p.COMMANDS), "every protocol command needs a handler"


def _rejection(cmd: p.Command, rej: Rejected) -> p.CommandResult:
    return p.CommandResult(cmd.id, p.REJECTED, rej.reason, rej.code, message=rej.message.to_wire())


def _decoded(cmd: p.Command) -> p.Command:
    """The command with its payload decoded by its spec; a bad value rejects this command only."""
    try:
        return dataclasses.replace(cmd, payload=cmd.spec.decode(cmd.payload))
    except p.FieldNotEditable as exc:
        raise Rejected("forbidden", "push.field_not_editable", fields=exc.refused, allowed=exc.allowed) from exc
    except p.ProtocolError as exc:
        raise Rejected("invalid", "push.invalid", detail=str(exc)[:300]) from exc


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    commands: list[dict[str, Any]] = Field(max_length=p.MAX_PUSH_COMMANDS)


_A = AppliedCommand.__table__.c
#: Every push looks its command up first: a Core statement built once costs 0.4x a session.get's CPU.
_STORED_SQL = select(_A.user_id, _A.result).where(_A.command_id == bindparam("command_id"))


def _stored(session: Session, principal: Principal, command_id: str) -> dict[str, Any] | None:
    row = run(session.connection(), _STORED_SQL, {"command_id": command_id}).first()
    if row is None:
        return None
    if row.user_id != principal.user_id:
        return p.CommandResult(command_id, p.REJECTED, "this command id was used by another user", "conflict",
                               message={"code": "push.command_id_taken", "params": {}}).to_wire()
    return row.result


_RECORD_SQL = insert(AppliedCommand.__table__)


def _record(session: Session, principal: Principal, cmd: p.Command, result: p.CommandResult) -> None:
    session.flush()  # the handler's writes first; then the record, a Core insert (no ORM object)
    run(session.connection(), _RECORD_SQL, {"command_id": cmd.id, "user_id": principal.user_id,
                                            "device_id": principal.device_id, "type": cmd.type,
                                            "result": result.to_wire()})


def apply_command(
    sessions: sessionmaker[Session], principal: Principal, cmd: p.Command, answers: dict[str, str]
) -> dict[str, Any]:
    """Apply one command exactly once; `answers` maps earlier command ids of the batch to status."""
    try:
        return _apply(sessions, principal, cmd, answers)
    except OperationalError:
        raise  # the database is away: the whole push is answered 503 and sent again
    except Exception as exc:
        return _server_error(cmd, exc)


def _apply(
    sessions: sessionmaker[Session], principal: Principal, cmd: p.Command, answers: dict[str, str]
) -> dict[str, Any]:
    # A command without dependencies looks for its stored answer in the transaction that applies
    # it (one transaction per push, not two: each is a round trip and a commit under load).
    checked = bool(cmd.depends_on)
    if checked:
        with sessions.begin() as session:
            stored = _stored(session, principal, cmd.id)
        if stored is not None:
            return stored
    for dep in cmd.depends_on:
        status = answers.get(dep)
        if status is None:
            with sessions.begin() as session:
                prior = _stored(session, principal, dep)
            status = prior["status"] if prior else None
        if status is None:
            return _rejection(cmd, Rejected("dependency_missing", "push.dependency_missing")).to_wire()
        if status == p.REJECTED:
            result = _rejection(cmd, Rejected("dependency_rejected", "push.dependency_rejected"))
            return _record_rejection(sessions, principal, cmd, result)
    for attempt in range(3):
        try:
            with sessions.begin() as session:
                if not checked:
                    stored = _stored(session, principal, cmd.id)
                    if stored is not None:
                        return stored
                decoded = _decoded(cmd)
                result = HANDLERS[cmd.type](session, principal, decoded)
                _record(session, principal, cmd, result)
            return result.to_wire()
        except Rejected as rej:
            result = _rejection(cmd, rej)
            if not rej.record:
                return result.to_wire()
            return _record_rejection(sessions, principal, cmd, result)
        except IntegrityError as exc:
            # a concurrent replay of the same id won the race: answer from its record; else a
            # unique value (a document number) was taken meanwhile: apply again
            with sessions.begin() as session:
                stored = _stored(session, principal, cmd.id)
            if stored is not None:
                return stored
            if attempt == 2:
                return _server_error(cmd, exc)
            log.info("command %s clashed on a unique value; applying it again", cmd.type)
    raise AssertionError("unreachable")


#: The code of an answer to a command the server failed on (not recorded: sent again, it is retried).
SERVER_ERROR = "server_error"


def _server_error(cmd: p.Command, exc: BaseException) -> dict[str, Any]:
    """A fault of the server on this one command: logged with its traceback, answered without
    internals, not recorded (the commands before it stay applied, those after it go on)."""
    log.error("push: command %s (%s) failed on the server", cmd.id, cmd.type, exc_info=exc)
    return p.CommandResult(cmd.id, p.REJECTED, "the server failed on this command; it will be retried",
                           SERVER_ERROR, message={"code": "push.server_error", "params": {}}).to_wire()


def _record_rejection(
    sessions: sessionmaker[Session], principal: Principal, cmd: p.Command, result: p.CommandResult
) -> dict[str, Any]:
    try:
        with sessions.begin() as session:
            _record(session, principal, cmd, result)
    except IntegrityError:
        with sessions.begin() as session:
            stored = _stored(session, principal, cmd.id)
        return stored or result.to_wire()
    return result.to_wire()


@router.post("/push", response_model=PushResponsePublic, responses=errors(*BODY_ERRORS, 401),
             openapi_extra=push_request_body())
def push(request: Request, body: PushRequest, principal: CurrentUser, sessions: Sessions) -> Response:
    """Apply the commands in order; each answer is applied, changed or rejected (with a reason)."""
    return push_answer(principal, sessions, body.commands, request.headers.get("accept-encoding", ""))


def push_answer(principal: Principal, sessions: sessionmaker[Session], docs: list[dict[str, Any]],
                accept_encoding: str = "") -> Response:
    """Apply the pushed commands (`docs`: the body's "commands", a list of objects) and answer them:
    the route above and the sync routes' short path (sfa_server.sync_path) both call it."""
    commands = []
    for i, doc in enumerate(docs):
        try:
            commands.append(p.decode_command(doc, f"command {i}"))
        except p.ProtocolError as exc:
            raise ApiError(422, f"Invalid request: {exc}. Nothing was applied.", "invalid") from exc
    if len({c.id for c in commands}) != len(commands):
        raise ApiError(422, "Invalid request: the same command id appears twice in one push.", "invalid")
    answers: dict[str, str] = {}
    results = []
    for cmd in commands:
        wire = apply_command(sessions, principal, cmd, answers)
        if wire.get("code") != SERVER_ERROR:  # a dependent of a failed command waits for it
            answers[cmd.id] = wire["status"]
        results.append({"id": wire["id"], "status": wire["status"], **_ANSWER_DEFAULTS, **wire})
    # the answers are wire dicts already (stored ones come back from a JSON column): written as they
    # are, in PushResponsePublic's shape, without a model validated and dumped again per push
    body = json.dumps({"results": results}, ensure_ascii=False, separators=(",", ":")).encode()
    return json_answer(body, accept_encoding, PUSH_GZIP_LEVEL)


#: As the gzip middleware compressed push answers before they wrote themselves (zlib's level; ISA-L,
#: when installed, packs at its best level, 3: protocol.compression).
PUSH_GZIP_LEVEL = 5


#: The fields every answer has in PushResponsePublic (CommandResult.to_wire leaves "message" out when empty).
_ANSWER_DEFAULTS: dict[str, Any] = {"reason": None, "code": None, "server": {}, "message": None}
