"""What a printed quote or order shows: plain frozen records, validated on creation.

The caller (the lead's replica reader) fills these from the database; the renderer computes every
amount from them through the sales domain, so a PDF can never disagree with the screen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from sfa_desktop.domain.discounts import NO_DISCOUNT, Discount
from sfa_desktop.domain.signature import check_signature
from sfa_desktop.domain.vat import check_nature

DOCUMENT_KINDS = ("quote", "order")
LANGUAGES = ("it", "en")
DRAFT_STATUS = "draft"
MAX_ADDRESS_LINES = 5
MAX_COMPANY_ADDRESS_LINES = 4
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


def _require_text(value: object, what: str, *, allow_empty: bool = True) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be text, got {type(value).__name__}")
    if not allow_empty and not value.strip():
        raise ValueError(f"{what} must not be empty")


def _require_lines(value: object, what: str, *, max_lines: int) -> None:
    if not isinstance(value, tuple):
        raise TypeError(f"{what} must be a tuple of text lines, got {type(value).__name__}")
    for line in value:
        _require_text(line, f"each line of {what}")
    if len(value) > max_lines:
        raise ValueError(f"{what} has {len(value)} lines; at most {max_lines} fit on the page")


def _require_decimal(value: object, what: str) -> None:
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value}")


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintCompany:
    """The seller printed in every page header (company settings synced from the server)."""

    name: str
    address_lines: tuple[str, ...] = ()
    vat_number: str = ""
    tax_code: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    iban: str = ""
    logo_png: bytes | None = None

    def __post_init__(self) -> None:
        _require_text(self.name, "company name", allow_empty=False)
        _require_lines(self.address_lines, "company address", max_lines=MAX_COMPANY_ADDRESS_LINES)
        for what in ("vat_number", "tax_code", "phone", "email", "website", "iban"):
            _require_text(getattr(self, what), f"company {what.replace('_', ' ')}")
        if self.logo_png is not None:
            if not isinstance(self.logo_png, bytes):
                raise TypeError("company logo must be PNG bytes")
            if not self.logo_png.startswith(_PNG_SIGNATURE):
                raise ValueError("company logo is not a PNG image")


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintAddress:
    """A recipient block: who (name) and where (free address lines)."""

    name: str
    lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require_text(self.name, "address name", allow_empty=False)
        _require_lines(self.lines, "address", max_lines=MAX_ADDRESS_LINES)


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintLine:
    """One row of the line table, as priced on the document.

    `net_price` is the net unit price agreed with the customer instead of a discount; `vat_nature`
    the exemption of a 0 % line (N3.5...), printed in the VAT column and in the VAT summary.
    """

    sku: str
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount: Discount = NO_DISCOUNT
    vat_rate: Decimal
    net_price: Decimal | None = None
    vat_nature: str | None = None

    def __post_init__(self) -> None:
        _require_text(self.sku, "product code")
        _require_text(self.description, "line description")
        _require_text(self.unit, "unit of measure")
        for what in ("quantity", "unit_price", "vat_rate"):
            _require_decimal(getattr(self, what), f"{what.replace('_', ' ')} of line {self.sku!r}")
        if self.quantity <= 0:
            raise ValueError(f"quantity of line {self.sku!r} must be positive, got {self.quantity}")
        if self.unit_price < 0:
            raise ValueError(f"unit price of line {self.sku!r} must not be negative")
        if self.vat_rate < 0:
            raise ValueError(f"VAT rate of line {self.sku!r} must not be negative")
        if not isinstance(self.discount, Discount):
            raise TypeError(f"discount of line {self.sku!r} must be a Discount")
        if self.net_price is not None:
            _require_decimal(self.net_price, f"net price of line {self.sku!r}")
            if self.net_price < 0:
                raise ValueError(f"net price of line {self.sku!r} must not be negative")
            if not self.discount.is_zero:
                raise ValueError(f"line {self.sku!r} has a discount and a net price: one or the other")
        check_nature(self.vat_nature)
        if self.vat_nature is not None and self.vat_rate != 0:
            raise ValueError(f"line {self.sku!r} has VAT nature {self.vat_nature} with a {self.vat_rate} % rate")


@dataclass(frozen=True, slots=True, kw_only=True)
class PrintDocument:
    """A quote or an order ready to print, in one language (the customer's)."""

    kind: str
    number: str
    issue_date: dt.date
    customer_name: str
    billing: PrintAddress
    company: PrintCompany
    lines: tuple[PrintLine, ...]
    revision: int = 0
    status: str = DRAFT_STATUS
    valid_until: dt.date | None = None
    agent_name: str = ""
    payment_terms: str = ""
    customer_reference: str = ""
    customer_vat: str = ""
    shipping: PrintAddress | None = None
    language: str = "it"
    currency: str = "EUR"
    document_discount: Discount = NO_DISCOUNT
    notes: str = ""
    terms: str = ""
    #: The customer's own VAT exemption and its reference (the protocol number of a "dichiarazione
    #: d'intento"), printed with that nature's row of the VAT summary.
    vat_exemption: str | None = None
    vat_exemption_ref: str = ""
    #: The customer's signature "per accettazione" (domain.signature path data), "" when unsigned.
    signature: str = ""

    def __post_init__(self) -> None:
        if self.kind not in DOCUMENT_KINDS:
            raise ValueError(f"document kind must be one of {DOCUMENT_KINDS}, got {self.kind!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"document language must be one of {LANGUAGES}, got {self.language!r}")
        _require_text(self.number, "document number", allow_empty=False)
        _require_text(self.customer_name, "customer name", allow_empty=False)
        _require_text(self.status, "document status", allow_empty=False)
        check_nature(self.vat_exemption)
        if self.signature:
            check_signature(self.signature)
        for what in ("agent_name", "payment_terms", "customer_reference", "customer_vat", "notes", "terms",
                     "vat_exemption_ref"):
            _require_text(getattr(self, what), what.replace("_", " "))
        if not isinstance(self.revision, int) or isinstance(self.revision, bool) or self.revision < 0:
            raise ValueError(f"revision must be a whole number >= 0, got {self.revision!r}")
        if not isinstance(self.issue_date, dt.date):
            raise TypeError("issue date must be a date")
        if self.valid_until is not None:
            if not isinstance(self.valid_until, dt.date):
                raise TypeError("validity date must be a date")
            if self.valid_until < self.issue_date:
                raise ValueError(
                    f"the document is valid until {self.valid_until}, before its date {self.issue_date}"
                )
        if not isinstance(self.currency, str) or not _CURRENCY_RE.match(self.currency):
            raise ValueError(f"currency must be an ISO 4217 code such as EUR, got {self.currency!r}")
        if not isinstance(self.billing, PrintAddress):
            raise TypeError("billing address must be a PrintAddress")
        if self.shipping is not None and not isinstance(self.shipping, PrintAddress):
            raise TypeError("shipping address must be a PrintAddress or None")
        if not isinstance(self.company, PrintCompany):
            raise TypeError("company must be a PrintCompany")
        if not isinstance(self.document_discount, Discount):
            raise TypeError("document discount must be a Discount")
        if not isinstance(self.lines, tuple):
            raise TypeError("lines must be a tuple of PrintLine")
        if not self.lines:
            raise ValueError(f"{self.kind} {self.number} has no lines to print")
        for line in self.lines:
            if not isinstance(line, PrintLine):
                raise TypeError(f"lines must be PrintLine records, got {type(line).__name__}")

    @property
    def is_draft(self) -> bool:
        return self.status.strip().lower() == DRAFT_STATUS

    @property
    def ships_elsewhere(self) -> bool:
        """True when the goods go to an address other than the billing one."""
        if self.shipping is None:
            return False
        return _normalised(self.shipping) != _normalised(self.billing)


def _normalised(address: PrintAddress) -> tuple[str, ...]:
    return tuple(" ".join(part.split()).casefold() for part in (address.name, *address.lines) if part.strip())
