"""The document being written, as plain values the undo stack can snapshot and restore.

A draft is what the agent typed (customer, lines with quantity and a discount or a net price,
document discount, notes, reference, validity, signature); everything priced comes from the
core's preview. Snapshots are immutable so an undo step is just the draft before the change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal

from sfa_desktop import i18n
from sfa_desktop.operations.lines import LineRequest


@dataclass(frozen=True)
class DraftLine:
    product_id: str
    sku: str
    description: str
    quantity: Decimal
    discount: str | None = None
    net_price: Decimal | None = None

    def request(self) -> LineRequest:
        return LineRequest(self.product_id, self.quantity, self.discount or None, self.description or None,
                           self.net_price)


@dataclass(frozen=True)
class Draft:
    kind: str  # "quote" or "order"
    customer_id: str | None = None
    lines: tuple[DraftLine, ...] = ()
    document_discount: str = ""
    notes: str = ""
    customer_reference: str = ""
    valid_until: dt.date | None = None
    signature: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def with_line(self, row: int, **changes: object) -> Draft:
        lines = list(self.lines)
        lines[row] = replace(lines[row], **changes)
        return replace(self, lines=tuple(lines))

    def requests(self) -> list[LineRequest]:
        return [line.request() for line in self.lines]


def parse_number(text: str) -> Decimal | None:
    """A number as the agent types it in their locale ("1,5" in Italian, "1.5" in English); None if empty.

    Raises ValueError for text that is not a number.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_decimal(text, locale=i18n.language(), strict=False)
    except (NumberFormatError, InvalidOperation) as error:
        raise ValueError(text) from error


def split_entry(text: str) -> tuple[Decimal | None, str]:
    """"12*ABC" (quantity, then the code) as typed in the line entry; (None, text) without a quantity."""
    text = text.strip()
    if "*" in text:
        left, right = text.split("*", 1)
        try:
            quantity = parse_number(left)
        except ValueError:
            return None, text
        if quantity is not None and quantity > 0 and right.strip():
            return quantity, right.strip()
    return None, text
