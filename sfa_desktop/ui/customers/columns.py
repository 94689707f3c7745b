"""The columns of the customer list and of the 360 view's tables (headers are English msgids)."""

from __future__ import annotations

from sfa_desktop.domain.agenda import kind_label
from sfa_desktop.domain.lifecycle import status_label
from sfa_desktop.i18n import N_, _, render, tr
from sfa_desktop.ui.customers.filters import status_text
from sfa_desktop.ui.table_model import Column, format_cell


def _unsent(row: object) -> str:
    return _("unsent") if getattr(row, "unsent", False) else ""


def _available(row: object) -> str:
    available = getattr(row, "available", None)
    if available is None:
        return _("no limit")
    if available < 0:  # never an unexplained negative figure: say it is over the limit
        return tr("over by {amount:money}", amount=-available)
    return format_cell(available, "money")


def _available_tip(row: object) -> str:
    if getattr(row, "available", None) is None:
        return _("The office does not manage credit for this customer: no limit applies.")
    return _("Credit limit minus balance minus open orders: how much a new order can use "
             "without the office's approval.")


CUSTOMER_COLUMNS = (
    Column("name", N_("Name"), sort="name", tooltip=lambda r: _("Changes not sent yet") if r.unsent else None,
           display=lambda r: r.name + (" •" if r.unsent else "")),
    Column("erp_code", N_("ERP code"), sort="erp_code"),
    Column("city", N_("City"), sort="city"),
    Column("province", N_("Prov."), sort="province"),
    Column("segment", N_("Segment"), sort="segment"),
    Column("status", N_("Status"), sort="status", display=lambda r: status_text(r.status)),
    Column("balance", N_("Balance"), "money", sort="balance"),
    Column("overdue", N_("Overdue"), "money", sort="overdue"),
    Column("available", N_("Available"), "money", sort="available", display=_available, tooltip=_available_tip),
    Column("last_order_date", N_("Last order"), "date", sort="last_order"),
    Column("last_visit_date", N_("Last visit"), "date", sort="last_visit"),
)

CONTACT_COLUMNS = (
    Column("name", N_("Name")), Column("role", N_("Role")), Column("phone", N_("Phone")),
    Column("email", N_("E-mail")),
)

_KINDS = {"billing": N_("billing"), "shipping": N_("shipping"), "registered": N_("registered office"),
          "legal": N_("registered office")}

ADDRESS_COLUMNS = (
    Column("kind", N_("Kind"), display=lambda r: _(_KINDS[r.kind]) if r.kind in _KINDS else r.kind),
    Column("street", N_("Street")), Column("postal_code", N_("Postcode")), Column("city", N_("City")),
    Column("province", N_("Prov.")),
)

QUOTE_COLUMNS = (
    Column("number", N_("Quote"), display=lambda r: f"{r.number}/{r.revision}" if r.revision else r.number),
    Column("status", N_("Status"), display=lambda r: render(status_label("quote_status", r.status))),
    Column("valid_until", N_("Valid until"), "date"),
    Column("grand_total", N_("Total"), "money"),
    Column("created_at", N_("Created"), "date"),
    Column("unsent", N_("Sync"), display=_unsent),
)

ORDER_COLUMNS = (
    Column("number", N_("Order")),
    Column("status", N_("Status"), display=lambda r: render(status_label("order_status", r.status))),
    Column("grand_total", N_("Total"), "money"),
    Column("created_at", N_("Created"), "date"),
    Column("decision_note", N_("Office's note"), tooltip=lambda r: r.decision_note),
    Column("unsent", N_("Sync"), display=_unsent),
)

LAST_PRICE_COLUMNS = (
    Column("sku", N_("SKU")), Column("description", N_("Product")), Column("date", N_("Sold on"), "date"),
    Column("quantity", N_("Quantity"), "qty", display=lambda r: f"{format_cell(r.quantity, 'qty')} {r.unit}"),
    Column("unit_price", N_("List price"), "price"), Column("discount", N_("Discount")),
    Column("net_unit_price", N_("Last net price"), "price"), Column("order_number", N_("Order")),
)

ACTIVITY_COLUMNS = (
    Column("occurred_at", N_("When"), "datetime"),
    Column("kind", N_("Kind"), display=lambda r: render(kind_label(r.kind)) if r.kind else ""),
    Column("subject", N_("Subject")),
    Column("notes", N_("Notes"), tooltip=lambda r: r.notes),
    Column("unsent", N_("Sync"), display=_unsent),
)

DEAL_COLUMNS = (
    Column("title", N_("Deal")),
    Column("stage", N_("Stage"), display=lambda r: render(status_label("deal_stage", r.stage))),
    Column("amount", N_("Amount"), "money"),
    Column("expected_close", N_("Expected close"), "date"),
    Column("unsent", N_("Sync"), display=_unsent),
)
