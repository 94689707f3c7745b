"""The office client: the server's office and admin routes as typed calls returning frozen rows.

Built on the agent's transport (sign-in, token refresh, TLS, retries of transport faults only); the
server's refusals become `OfficeError`s whose message speaks to the office ("already approved by
Olga at 10:42", "say why the order is rejected"). No Qt: the office window runs these calls on its
network worker (NetworkOp), a test or a script calls them directly.
"""

from __future__ import annotations

import platform
import uuid
from collections.abc import Callable
from typing import Any

from sfa_desktop.domain.lifecycle import status_label
from sfa_desktop.domain.messages import N_, UserError, register
from sfa_desktop.office import rows
from sfa_desktop.sync.errors import (
    AuthenticationRequiredError,
    RequestRefusedError,
    ServerFaultError,
    ServerUnreachableError,
)
from sfa_desktop.sync.transport import Transport

register({
    "office.already_decided": N_("Order {number} was already {status} by {by} on {at:datetime}: someone was faster."),
    "office.not_pending": N_("Order {number} is {status}: there is nothing to decide."),
    "office.cancelled": N_("Order {number} was cancelled by the agent: there is nothing to decide."),
    "office.note_required": N_("Say why the order is rejected: the agent reads the note."),
    "office.not_found": N_("It is no longer on the server (deleted or merged meanwhile)."),
    "office.forbidden": N_("Your role does not allow this: ask an administrator."),
    "office.invalid": N_("The server did not accept the request: {detail}"),
    "office.erp_code_taken": N_("This ERP code is already another customer's."),
    "office.prospect_decided": N_("This prospect was already reviewed by someone else."),
    "office.unreachable": N_("The server could not be reached: check the connection and try again (F5)."),
    "office.server_fault": N_("The server had a problem; try again in a moment."),
    "office.sign_in_required": N_("Your session has ended: sign in again."),
    "office.agent_role": N_("This account is an agent's: the office workspace is for office and admin users."),
    "office.not_an_office_answer": N_("The server's answer could not be read."),
})


class OfficeError(UserError):
    """A refusal or a fault the office user reads in their words (a known error, not a bug)."""


class AlreadyDecidedError(OfficeError):
    """Someone decided the order first (or the agent cancelled it): `by`, `at`, `status` say how."""

    def __init__(self, code: str, *, number: str, status: str, by: str | None, at: Any) -> None:
        self.number, self.status, self.by, self.at = number, status, by, rows.when(at)
        super().__init__(code, number=number, status=status_label("order_status", status), by=by or "",
                         at=self.at or "")


def _office_error(error: RequestRefusedError) -> OfficeError:
    status, code = error.http_status, error.server_code
    body = error.server_body if isinstance(error.server_body, dict) else {}
    if status == 409 and body.get("number") and body.get("status"):
        kind = {"already_decided": "office.already_decided", "not_pending": "office.not_pending"}.get(code or "")
        if body["status"] == "cancelled":
            kind = "office.cancelled"
        return AlreadyDecidedError(kind or "office.not_pending", number=body["number"], status=body["status"],
                                   by=body.get("decided_by"), at=body.get("decided_at"))
    if code == "already_decided":
        return OfficeError("office.prospect_decided")
    if code == "erp_code_taken":
        return OfficeError("office.erp_code_taken")
    if code == "note_required":
        return OfficeError("office.note_required")
    if status == 404:
        return OfficeError("office.not_found")
    if status == 403:
        return OfficeError("office.forbidden")
    return OfficeError("office.invalid", detail=str(body.get("detail") or error.detail)[:300])


def stable_device_id(username: str) -> str:
    """The same device id for this user on this computer at every sign-in (the server lists one device
    per office computer, not one per session); it is not a secret."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sfa-office:{platform.node()}:{username}"))


class OfficeClient:
    """The office's calls. `transport` is signed in (OfficeClient.sign_in does it)."""

    def __init__(self, transport: Transport, user: rows.SignedIn) -> None:
        self.transport, self.user = transport, user

    @classmethod
    def sign_in(cls, server_url: str, username: str, password: str, *, ca_bundle: str | None = None,
                device_id: str | None = None, device_name: str | None = None,
                transport_factory: Callable[..., Transport] = Transport) -> OfficeClient:
        """Sign in an office or admin user (an agent is refused: its workspace is the agent's window)."""
        transport = transport_factory(server_url, ca_bundle=ca_bundle)
        try:
            answer = transport.login(username=username, password=password,
                                     device_id=device_id or stable_device_id(username),
                                     device_name=device_name or f"{platform.node() or 'computer'} (sfa office)")
            user = rows.SignedIn(answer["user_id"], answer["username"], answer["role"], answer["device_id"])
            if user.role not in ("office", "admin"):
                transport.logout()
                raise OfficeError("office.agent_role")
        except BaseException:
            transport.close()
            raise
        # the password stays in memory only, to sign in again when the refresh token expires
        transport.reauthenticate = lambda: transport.login(username=username, password=password,
                                                           device_id=user.device_id,
                                                           device_name=device_name or "sfa office")
        return cls(transport, user)

    def close(self) -> None:
        self.transport.logout()
        self.transport.close()

    # ------------------------------------------------------------------ the one call path

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        try:
            if method == "GET":
                return self.transport.get_json(path, params={k: v for k, v in (params or {}).items()
                                                             if v is not None})
            return self.transport.post_json(path, body if body is not None else {})
        except RequestRefusedError as error:
            raise _office_error(error) from error
        except ServerUnreachableError as error:
            raise OfficeError("office.unreachable") from error
        except ServerFaultError as error:
            raise OfficeError("office.server_fault") from error
        except AuthenticationRequiredError as error:
            raise OfficeError("office.sign_in_required") from error

    # ------------------------------------------------------------------ approvals

    def approval_queue(self, *, agent_id: str | None = None, reason: str | None = None, sort: str = "created_at",
                       descending: bool = False, cursor: str | None = None, limit: int = 100) -> rows.QueuePage:
        """One page of the orders waiting for a decision (`next_cursor` of the page asks the next)."""
        doc = self._call("GET", "/office/approvals", params={
            "agent_id": agent_id, "reason": reason, "sort": sort, "descending": str(descending).lower(),
            "cursor": cursor, "limit": limit})
        return rows.decode(doc, rows.queue_page)

    def order(self, order_id: str) -> rows.OrderDetail:
        return rows.decode(self._call("GET", f"/office/orders/{order_id}"), rows.order_detail)

    def approve(self, order_id: str, note: str | None = None) -> rows.Decision:
        """Approve (with a note for the agent when given); AlreadyDecidedError when someone was faster."""
        doc = self._call("POST", f"/office/orders/{order_id}/approve", body={"note": (note or "").strip() or None})
        return rows.decode(doc, rows.decision)

    def reject(self, order_id: str, note: str) -> rows.Decision:
        """Reject with the note the agent reads (required: checked here and on the server)."""
        if not (note or "").strip():
            raise OfficeError("office.note_required")
        doc = self._call("POST", f"/office/orders/{order_id}/reject", body={"note": note.strip()})
        return rows.decode(doc, rows.decision)

    # ------------------------------------------------------------------ prospects, customers

    def prospects(self, status: str = "pending", limit: int = 200) -> list[rows.Prospect]:
        doc = self._call("GET", "/office/prospects", params={"status": status, "limit": limit})
        return rows.decode(doc, lambda d: [rows.prospect(p) for p in d["prospects"]])

    def accept_prospect(self, prospect_id: str, *, erp_code: str, price_list_id: str | None = None,
                        agent_id: str | None = None, note: str | None = None) -> rows.ProspectDecision:
        doc = self._call("POST", f"/office/prospects/{prospect_id}/accept", body={
            "erp_code": erp_code.strip(), "price_list_id": price_list_id, "agent_id": agent_id,
            "note": (note or "").strip() or None})
        return rows.decode(doc, rows.prospect_decision)

    def merge_prospect(self, prospect_id: str, *, customer_id: str, note: str | None = None) -> rows.ProspectDecision:
        doc = self._call("POST", f"/office/prospects/{prospect_id}/merge", body={
            "customer_id": customer_id, "note": (note or "").strip() or None})
        return rows.decode(doc, rows.prospect_decision)

    def price_lists(self) -> list[rows.PriceList]:
        doc = self._call("GET", "/office/price-lists")
        return rows.decode(doc, lambda d: [rows.PriceList(p["id"], p["code"], p["name"]) for p in d["price_lists"]])

    def customers(self, search: str, limit: int = 50) -> list[rows.CustomerBrief]:
        doc = self._call("GET", "/office/customers", params={"search": search.strip(), "limit": limit})
        return rows.decode(doc, lambda d: [rows.CustomerBrief(c["id"], c["name"], c.get("erp_code"), c.get("city"),
                                                              c.get("agent_id"), c.get("agent_username"))
                                           for c in d["customers"]])

    def reassign_customer(self, customer_id: str, agent_id: str) -> str:
        """Give the customer to another agent; returns the new agent's user name."""
        doc = self._call("POST", f"/office/customers/{customer_id}/reassign", body={"agent_id": agent_id})
        return rows.decode(doc, lambda d: str(d["agent_username"]))

    # ------------------------------------------------------------------ admin

    def users(self) -> list[rows.User]:
        return rows.decode(self._call("GET", "/admin/users"), lambda d: [rows.user(u) for u in d["users"]])

    def agents(self) -> list[rows.User]:
        """The active agents (for the filters and the reassignments); an office user may list them too."""
        doc = self._call("GET", "/office/agents")
        return rows.decode(doc, lambda d: [rows.user(u) for u in d["users"]])

    def disable_user(self, user_id: str) -> rows.User:
        return rows.decode(self._call("POST", f"/admin/users/{user_id}/disable"), rows.user)

    def devices(self, user_id: str | None = None) -> list[rows.Device]:
        doc = self._call("GET", "/admin/devices", params={"user_id": user_id})
        return rows.decode(doc, lambda d: [rows.device(x) for x in d["devices"]])

    def revoke_device(self, device_id: str) -> rows.Device:
        return rows.decode(self._call("POST", f"/admin/devices/{device_id}/revoke"), rows.device)
