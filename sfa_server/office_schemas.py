"""The office's and the administrator's answers as typed models (XPublic), and the error answers each
route declares in its OpenAPI (`errors(401, 403, 404)`).

Money and quantities are Decimal (JSON strings on the wire), times are timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorPublic(BaseModel):
    """Every error answer: the sentence for a person, and a machine code."""

    detail: str
    code: str | None = None


_WORDS = {
    400: "The request carries text the server cannot store (NUL characters)",
    401: "Not signed in, or the session expired",
    403: "The caller's role may not do this (office or admin only; admin only)",
    404: "Unknown order, prospect, customer, user or device",
    409: "Already decided by someone else, or no longer pending",
    422: "Invalid request (a required note is missing, an id is not what it should be)",
    426: "The client's protocol is too old",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each error status it may answer with, and what it means."""
    return {code: {"model": ErrorPublic, "description": _WORDS[code]} for code in (*codes, 426)}


# --------------------------------------------------------------------------- orders


class ApprovalReasonPublic(BaseModel):
    """Why the order needs a decision: the rule, its figure and limit, the role that clears it."""

    rule: str
    message: str  # English sentence; `code` + `params` render it in the reader's language
    code: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    figure: Decimal | None = None
    limit: Decimal | None = None
    role: str | None = None
    sku: str | None = None


class OrderForApprovalPublic(BaseModel):
    """One row of the approval queue."""

    id: str
    number: str
    status: str
    customer_id: str
    customer_name: str | None
    customer_erp_code: str | None
    agent_id: str
    agent_username: str | None
    agent_name: str | None
    taxable_total: Decimal
    grand_total: Decimal
    approval_reasons: list[ApprovalReasonPublic]
    created_at: dt.datetime


class ApprovalQueuePublic(BaseModel):
    """One page of the queue; `next_cursor` asks for the page after it (None: the last page)."""

    orders: list[OrderForApprovalPublic]
    total: int = Field(description="Orders matching the filter, over every page")
    next_cursor: str | None
    sort: str
    descending: bool


class OrderLinePublic(BaseModel):
    line_no: int
    product_id: str
    sku: str
    description: str
    quantity: Decimal
    unit: str
    list_price: Decimal | None = Field(description="The price list's price at submission")
    unit_price: Decimal = Field(description="The unit price the line was priced at, before its discount")
    discount: str | None = Field(description="Cascading discount as written, e.g. 10+5")
    net_unit_price: Decimal | None
    net_amount: Decimal
    vat_rate: Decimal
    discount_from_list_pct: Decimal | None = Field(description="Net price below the list price, in %")
    unit_cost: Decimal | None
    margin: Decimal | None = Field(description="Net amount less cost, for the line")
    margin_pct: Decimal | None = Field(description="Margin over the net amount, in %")


class OpenInvoicePublic(BaseModel):
    document_number: str
    document_date: dt.date
    due_date: dt.date
    amount: Decimal
    paid: Decimal
    open: Decimal
    days_overdue: int


class OpenOrderPublic(BaseModel):
    id: str
    number: str
    status: str
    created_at: dt.datetime
    grand_total: Decimal


class CreditPublic(BaseModel):
    """The customer's credit on the day, as the approval judged it (this order left out)."""

    customer_status: str
    credit_limit: Decimal
    balance: Decimal
    overdue: Decimal
    overdue_erp: Decimal | None
    outstanding: Decimal
    open_orders_total: Decimal
    exposure: Decimal
    available: Decimal
    overdue_invoices: list[OpenInvoicePublic]
    open_orders: list[OpenOrderPublic]


class StockPublic(BaseModel):
    product_id: str
    sku: str
    warehouse_id: str
    warehouse_code: str | None
    warehouse_name: str | None
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    incoming: Decimal | None
    incoming_date: dt.date | None


class QuoteOriginPublic(BaseModel):
    id: str
    number: str
    status: str
    revision: int
    valid_until: dt.date | None
    grand_total: Decimal
    created_at: dt.datetime


class AuditEntryPublic(BaseModel):
    at: dt.datetime
    actor: str | None
    action: str
    object_type: str
    object_id: str | None
    details: dict[str, Any] | None


class AuditTrailPublic(BaseModel):
    entries: list[AuditEntryPublic]


class OrderDetailPublic(OrderForApprovalPublic):
    """Everything the office weighs before deciding one order."""

    vat_total: Decimal
    document_discount: str | None
    notes: str | None
    customer_reference: str | None
    decision_note: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    margin: Decimal | None
    margin_pct: Decimal | None
    lines: list[OrderLinePublic]
    credit: CreditPublic | None
    stock: list[StockPublic]
    quote: QuoteOriginPublic | None
    audit: list[AuditEntryPublic]


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=4000)


class DecisionPublic(BaseModel):
    id: str
    number: str
    status: str
    note: str | None
    decided_by: str
    decided_at: dt.datetime


class ReassignRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agent_id: str = Field(min_length=1, max_length=100)


class ReassignPublic(BaseModel):
    id: str
    agent_id: str
    agent_username: str
    previous_agent_id: str | None


# --------------------------------------------------------------------------- admin


class UserPublic(BaseModel):
    id: str
    username: str
    full_name: str | None
    role: str
    agent_code: str | None
    active: bool
    max_line_discount: Decimal | None
    max_avg_discount: Decimal | None


class UserListPublic(BaseModel):
    users: list[UserPublic]


class DevicePublic(BaseModel):
    id: str
    user_id: str
    username: str | None
    name: str
    registered_at: dt.datetime
    last_seen_at: dt.datetime | None = Field(description="Last request of the device (to the minute)")
    last_push_at: dt.datetime | None = Field(description="Last command the device sent that the server applied")
    commands_applied: int
    revoked_at: dt.datetime | None
    revoked_by: str | None
    pending_commands: list[str] = Field(
        description="What the server holds for the device's next connection: 'wipe' after a revoke")


class DeviceListPublic(BaseModel):
    devices: list[DevicePublic]


class PriceListPublic(BaseModel):
    id: str
    code: str
    name: str


class PriceListListPublic(BaseModel):
    price_lists: list[PriceListPublic]


class CustomerBriefPublic(BaseModel):
    id: str
    name: str
    erp_code: str | None
    city: str | None
    status: str
    agent_id: str | None
    agent_username: str | None


class CustomerListPublic(BaseModel):
    customers: list[CustomerBriefPublic]
