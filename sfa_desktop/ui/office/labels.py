"""The office's words for the approval rules and the devices' pending commands."""

from __future__ import annotations

import re
from decimal import Decimal

from sfa_desktop.i18n import N_, _, percent

#: Approval rule -> short label (the queue's column and its filter).
RULE_LABELS = {
    "blocked_customer": N_("Blocked customer"),
    "prospect_customer": N_("New customer (prospect)"),
    "line_discount": N_("Line discount over the limit"),
    "average_discount": N_("Average discount over the limit"),
    "margin": N_("Margin below the minimum"),
    "below_quote_price": N_("Below the quoted price"),
    "credit_limit": N_("Over the credit limit"),
    "overdue_invoices": N_("Overdue invoices"),
    "order_total": N_("Order total over the limit"),
}

PENDING_LABELS = {"wipe": N_("wipe its data")}


def rule_label(rule: str) -> str:
    return _(RULE_LABELS[rule]) if rule in RULE_LABELS else rule


def rules_text(rules: tuple[str, ...]) -> str:
    return ", ".join(rule_label(r) for r in rules)

#: Audit actions on an order, in the office's words.
ACTION_LABELS = {
    "order.submit": N_("submitted by the agent"),
    "order.approve": N_("approved"),
    "order.reject": N_("rejected"),
    "order.cancel": N_("cancelled by the agent"),
}


def action_label(action: str) -> str:
    return _(ACTION_LABELS[action]) if action in ACTION_LABELS else action

#: The duplicate check's signals (sfa_desktop.domain.prospects stores them in English).
DUPLICATE_SIGNALS = {
    "same VAT number": N_("same VAT number"),
    "same tax code": N_("same tax code"),
    "same phone": N_("same phone"),
    "same e-mail": N_("same e-mail"),
    "same e-mail domain": N_("same e-mail domain"),
}
_SIMILAR = re.compile(r"^similar name \((\d+)%\)$")


def duplicate_reason(text: str) -> str:
    if text in DUPLICATE_SIGNALS:
        return _(DUPLICATE_SIGNALS[text])
    similar = _SIMILAR.match(text)
    if similar:
        return _("similar name ({percent})").format(percent=percent(Decimal(similar.group(1))))
    return text
