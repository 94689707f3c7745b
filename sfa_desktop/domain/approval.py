"""Approval rules for orders, after ERPNext authorization rules and Odoo tier validation.

evaluate_order returns the reasons an order needs the sales office; none means auto-approved.
Every threshold is data (ApprovalPolicy, synced from the server as the "approval_policy" setting).
The figures the rules judge are the document's own (domain.totals, rounded as the document is):
an order is never judged on a value one cent away from the total the customer reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, localcontext
from typing import Any

from sfa_desktop.domain.credit import CreditSituation
from sfa_desktop.domain.discounts import Discount
from sfa_desktop.domain.messages import N_, Message, format_message, register
from sfa_desktop.domain.money import ZERO, as_decimal, round_cent, round_to
from sfa_desktop.domain.totals import DocumentTotals, LineInput, document_totals, net_unit_price

__all__ = [
    "DEFAULT_ROLES",
    "RULES",
    "ApprovalPolicy",
    "ApprovalReason",
    "CustomerCredit",
    "OrderLineForApproval",
    "evaluate_order",
]

#: Rule names, in the order reasons are reported.
RULES = (
    "blocked_customer", "prospect_customer", "line_discount", "average_discount", "margin",
    "below_quote_price", "credit_limit", "overdue_invoices", "order_total",
)
#: Who can clear each rule unless the policy says otherwise.
DEFAULT_ROLES: Mapping[str, str] = {
    "blocked_customer": "office",
    "prospect_customer": "office",
    "line_discount": "sales_manager",
    "average_discount": "sales_manager",
    "margin": "sales_manager",
    "below_quote_price": "sales_manager",
    "credit_limit": "office",
    "overdue_invoices": "office",
    "order_total": "sales_manager",
}
_HUNDRED = Decimal(100)
register({
    "approval.blocked_customer": N_("The customer is blocked by the office."),
    "approval.prospect_customer": N_("First order of a prospect: the office must open the customer."),
    "approval.line_discount": N_("{sku}: discount {figure:percent} is above your limit of {limit:percent}."),
    "approval.average_discount": N_("Average discount {figure:percent} is above the limit of {limit:percent}."),
    "approval.margin": N_("Margin {figure:percent} is below the floor of {limit:percent}."),
    "approval.below_quote_price": N_("{sku}: net price {figure:price} is below the quoted {limit:price}."),
    "approval.credit_limit": N_("Credit exposure {figure:money} (balance, open orders and this order) is above "
                                "the credit limit of {limit:money}."),
    "approval.overdue_invoices": N_("The customer has {figure:money} of overdue invoices."),
    "approval.order_total": N_("Order total {figure:money} (before VAT) is above {limit:money}."),
    "role.office": N_("the sales office"),
    "role.sales_manager": N_("the sales manager"),
})
_DECIMAL_SETTINGS = ("max_line_discount", "max_average_discount", "min_margin_pct",
                     "order_total_threshold", "overdue_tolerance")
_BOOL_SETTINGS = ("block_on_overdue", "review_prospect_orders")


@dataclass(frozen=True)
class ApprovalPolicy:
    """Thresholds of the approval rules; None switches an optional rule off."""

    max_line_discount: Decimal = Decimal("15")
    max_average_discount: Decimal = Decimal("10")
    min_margin_pct: Decimal | None = None
    order_total_threshold: Decimal | None = None
    block_on_overdue: bool = True
    overdue_tolerance: Decimal = ZERO
    review_prospect_orders: bool = True
    roles: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ROLES), hash=False)

    def __post_init__(self) -> None:
        for name in _DECIMAL_SETTINGS:
            value = getattr(self, name)
            if value is None and name in ("min_margin_pct", "order_total_threshold"):
                continue
            value = _setting_decimal(name, value)
            if name == "min_margin_pct":
                if not -_HUNDRED <= value <= _HUNDRED:
                    raise ValueError(
                        f"approval setting min_margin_pct must be between -100 and 100 ({value})")
            elif value < 0:
                raise ValueError(f"approval setting {name} cannot be negative ({value})")
            object.__setattr__(self, name, value)
        for name in ("max_line_discount", "max_average_discount"):
            if getattr(self, name) > _HUNDRED:
                raise ValueError(f"approval setting {name} is a percentage: at most 100")
        unknown = set(self.roles) - set(RULES)
        if unknown:
            raise ValueError(f"roles given for unknown approval rules: {', '.join(sorted(unknown))}")

    def role_for(self, rule: str) -> str:
        return self.roles.get(rule, DEFAULT_ROLES[rule])

    def for_agent(self, *, max_line_discount: Decimal | None, max_average_discount: Decimal | None
                  ) -> ApprovalPolicy:
        """This policy with an agent's own discount limits (the users stream), where set."""
        changes: dict[str, Any] = {}
        if max_line_discount is not None:
            changes["max_line_discount"] = max_line_discount
        if max_average_discount is not None:
            changes["max_average_discount"] = max_average_discount
        return replace(self, **changes)

    @classmethod
    def from_settings(cls, mapping: Mapping[str, Any]) -> ApprovalPolicy:
        """Build from the synced JSON setting; missing keys keep defaults, unknown keys are ignored
        (a newer server may add rules an older client does not know yet)."""
        if not isinstance(mapping, Mapping):
            raise ValueError("the approval policy setting must be a JSON object")
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for name, value in mapping.items():
            if name not in known:
                continue
            if name in _BOOL_SETTINGS:
                kwargs[name] = _setting_bool(name, value)
            elif name == "roles":
                if not isinstance(value, Mapping) or not all(
                        isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                    raise ValueError("approval setting roles must map rule names to role names")
                kwargs[name] = {**DEFAULT_ROLES, **value}
            elif value is None and name in ("min_margin_pct", "order_total_threshold"):
                kwargs[name] = None
            else:
                kwargs[name] = _setting_decimal(name, value)
        return cls(**kwargs)

    def to_settings(self) -> dict[str, Any]:
        """JSON-safe form: decimals as strings, booleans as booleans, disabled rules as None."""
        result: dict[str, Any] = {}
        for name in _DECIMAL_SETTINGS:
            value = getattr(self, name)
            result[name] = None if value is None else str(value)
        for name in _BOOL_SETTINGS:
            result[name] = getattr(self, name)
        result["roles"] = dict(self.roles)
        return result


def _setting_decimal(name: str, value: Any) -> Decimal:
    if isinstance(value, float):
        value = str(value)  # a JSON number from a hand-edited setting; thresholds, not money
    try:
        return as_decimal(value, what=f"approval setting {name}")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"approval setting {name} must be a number, not {value!r:.30}") from exc


def _setting_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(f"approval setting {name} must be true or false, not {value!r:.30}")


@dataclass(frozen=True)
class CustomerCredit:
    """A customer's credit figures for the rules; credit_limit None or 0 = not managed.

    `overdue_amount` is the overdue of the open items on the day (domain.credit.overdue), the one
    definition both sides use; the ERP's own figure is shown beside it, never judged.
    """

    credit_limit: Decimal | None
    balance: Decimal
    open_orders_total: Decimal
    overdue_amount: Decimal
    status: str = "active"

    def __post_init__(self) -> None:
        if self.status not in ("prospect", "active", "blocked"):
            raise ValueError(f"customer status must be prospect, active or blocked, not {self.status!r}")

    @classmethod
    def from_situation(cls, situation: CreditSituation, *, status: str) -> CustomerCredit:
        return cls(credit_limit=situation.credit_limit or None, balance=situation.balance,
                   open_orders_total=situation.open_orders, overdue_amount=situation.overdue, status=status)


@dataclass(frozen=True)
class OrderLineForApproval:
    """One order line as the rules see it. unit_price is before the line discount.

    quote_price is the net unit price promised by a still-valid quote for this product, if any
    (shown as totals.net_unit_price shows it); vat_rate (percent), when known on every line, makes
    the credit check use the total with VAT. net_price is a net unit price the agent typed instead
    of a discount: the rules see it as the discount that takes the list price to it.
    """

    sku: str
    quantity: Decimal
    list_price: Decimal
    unit_price: Decimal
    discount: Discount
    unit_cost: Decimal | None = None
    quote_price: Decimal | None = None
    vat_rate: Decimal | None = None
    net_price: Decimal | None = None

    @property
    def exact_net_unit_price(self) -> Decimal:
        return self.net_price if self.net_price is not None else self.discount.apply(self.unit_price)

    @property
    def net_unit_price(self) -> Decimal:
        """The net unit price as documents show it (the one rule, totals.net_unit_price)."""
        return net_unit_price(self.unit_price, self.discount, self.net_price)


@dataclass(frozen=True)
class ApprovalReason:
    """Why the office must look at an order: rule, the figure, the limit, who can clear it.

    `text` is the message (code approval.<rule> with figure, limit and sku) rendered in the
    reader's language where it is shown; `message` is its English form, kept for logs and the
    office's older screens.
    """

    rule: str
    figure: Decimal | None
    limit: Decimal | None
    role: str
    sku: str | None = None

    @property
    def text(self) -> Message:
        params: dict[str, Any] = {"figure": self.figure, "limit": self.limit}
        if self.sku is not None:
            params["sku"] = self.sku
        return Message(f"approval.{self.rule}", params)

    @property
    def message(self) -> str:
        return format_message(self.text, "en")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for the orders.approval_reasons column (and the wire)."""
        return {"rule": self.rule, "message": self.message, **self.text.to_wire(),
                "figure": None if self.figure is None else str(self.figure),
                "limit": None if self.limit is None else str(self.limit), "role": self.role,
                "sku": self.sku}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ApprovalReason:
        try:
            figure, limit, sku = data.get("figure"), data.get("limit"), data.get("sku")
            rule = str(data["rule"])
            if rule not in RULES:
                raise ValueError(f"unknown rule {rule[:40]!r}")
            return cls(rule=rule, figure=None if figure is None else as_decimal(str(figure)),
                       limit=None if limit is None else as_decimal(str(limit)), role=str(data["role"]),
                       sku=None if sku is None else str(sku))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed approval reason: {exc}") from exc


def _line_discount_pct(line: OrderLineForApproval) -> Decimal:
    """Discount from the list price, rounded to 0.01%: covers both a typed discount and a lowered price."""
    if line.list_price <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 150
        return round_to((line.list_price - line.exact_net_unit_price) * _HUNDRED / line.list_price, 2)


def _totals_of(lines: tuple[OrderLineForApproval, ...], document_discount: Discount) -> DocumentTotals:
    return document_totals([LineInput(quantity=line.quantity, unit_price=line.unit_price,
                                      discount=line.discount, vat_rate=line.vat_rate or ZERO,
                                      unit_cost=line.unit_cost, net_price=line.net_price)
                            for line in lines], document_discount)


def evaluate_order(
    *,
    lines: Iterable[OrderLineForApproval],
    document_discount: Discount,
    customer: CustomerCredit,
    policy: ApprovalPolicy,
    totals: DocumentTotals | None = None,
) -> list[ApprovalReason]:
    """The reasons this order needs approval, in RULES order; [] means it is approved at once.

    `totals` are the document's own totals (price_document passes them); without them they are
    computed from the lines with the same function, so the figures are the document's either way:
    the average discount and the margin on its taxable total, the credit exposure with its rounded
    grand total (its taxable total when a line's VAT is unknown), the order total on its taxable.
    """
    lines = tuple(lines)
    if totals is None:
        totals = _totals_of(lines, document_discount)
    reasons: list[ApprovalReason] = []

    def add(rule: str, figure: Decimal | None, limit: Decimal | None, sku: str | None = None) -> None:
        reasons.append(ApprovalReason(rule, figure, limit, policy.role_for(rule), sku))

    if customer.status == "blocked":
        add("blocked_customer", None, None)
    if customer.status == "prospect" and policy.review_prospect_orders:
        add("prospect_customer", None, None)

    for line in lines:
        pct = _line_discount_pct(line)
        if pct > policy.max_line_discount:
            add("line_discount", pct, policy.max_line_discount, line.sku)

    taxable = totals.taxable_total
    with localcontext() as ctx:
        ctx.prec = 150
        list_value = sum((round_cent(line.quantity * line.list_price) for line in lines), ZERO)
        if list_value > 0:
            average = round_to((list_value - taxable) * _HUNDRED / list_value, 2)
            if average > policy.max_average_discount:
                add("average_discount", average, policy.max_average_discount)
    if policy.min_margin_pct is not None and lines and totals.margin is not None:
        if totals.margin_pct is not None:
            margin_pct = totals.margin_pct
        else:  # nothing is charged: a loss of everything it costs, or nothing at all
            margin_pct = Decimal(-100) if totals.margin < 0 else ZERO
        if margin_pct < policy.min_margin_pct:
            add("margin", margin_pct, policy.min_margin_pct)
    for line in lines:
        if line.quote_price is None:
            continue
        shown = line.net_unit_price
        if shown < line.quote_price:
            add("below_quote_price", shown, line.quote_price, line.sku)
    vat_known = bool(lines) and all(line.vat_rate is not None for line in lines)
    order_value = totals.grand_total if vat_known else taxable

    if customer.credit_limit:
        exposure = customer.balance + customer.open_orders_total + order_value
        if exposure > customer.credit_limit:
            add("credit_limit", exposure, customer.credit_limit)
    if policy.block_on_overdue and customer.overdue_amount > policy.overdue_tolerance:
        add("overdue_invoices", customer.overdue_amount, policy.overdue_tolerance)
    if policy.order_total_threshold is not None and taxable > policy.order_total_threshold:
        add("order_total", taxable, policy.order_total_threshold)
    return reasons
