"""Print a quote or an order from the replica: gather what the page needs, render the PDF."""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sfa_desktop.domain import clock
from sfa_desktop.domain.discounts import DiscountError, parse_discount
from sfa_desktop.domain.messages import N_, UserError, register
from sfa_desktop.local_db.models import (
    Address,
    Customer,
    Order,
    OrderLine,
    ProductDocument,
    Quote,
    QuoteLine,
    Setting,
    User,
)
from sfa_desktop.pdf.document import PrintAddress, PrintCompany, PrintDocument, PrintLine
from sfa_desktop.pdf.render import render_to_file

log = logging.getLogger(__name__)

#: Settings keys synced from the server (see docs/protocol.md, "settings").
COMPANY_SETTING = "company"
TERMS_SETTING = "quote_terms"


class PrintError(UserError):
    """The document cannot be printed; the message says why."""


register({
    "print.unknown_document": N_("There is no quote or order '{reference}' on this computer."),
    "print.customer_missing": N_("The customer of {number} is not on this computer."),
    "print.bad_discount": N_("{number} has a discount that cannot be read: {error}"),
})


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _synced_logo(value: Mapping[str, Any]) -> bytes | None:
    """The logo in the company settings (base64 PNG); a damaged one is left out, not fatal:
    the agent must still be able to print offline."""
    encoded = value.get("logo_png")
    if not isinstance(encoded, str) or not encoded:
        return None
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        log.warning("the company logo in the synced settings is not a PNG image: printing without it")
        return None
    return data


def company_from_settings(value: Mapping[str, Any] | None, *, logo_png: bytes | None) -> PrintCompany:
    value = value if isinstance(value, Mapping) else {}
    if logo_png is None:
        logo_png = _synced_logo(value)
    lines = value.get("address_lines")
    if isinstance(lines, list):
        lines = tuple(str(x) for x in lines[:4])
    else:  # the ERP's fields: street, postal code, city, province
        province = _text(value.get("province"))
        town = " ".join(x for x in (_text(value.get("postal_code")), _text(value.get("city")),
                                    f"({province})" if province else "") if x)
        lines = tuple(x for x in (_text(value.get("street")), town) if x)
    return PrintCompany(name=_text(value.get("name")) or "—", address_lines=lines,
                        vat_number=_text(value.get("vat_number")), tax_code=_text(value.get("tax_code")),
                        phone=_text(value.get("phone")), email=_text(value.get("email")),
                        website=_text(value.get("website")), iban=_text(value.get("iban")),
                        logo_png=logo_png)


def _address(customer: Customer, address: Address | None) -> PrintAddress | None:
    if address is None:
        return None
    lines = [address.street, " ".join(x for x in (address.postal_code, address.city,
                                                   f"({address.province})" if address.province else "")
                                      if x)]
    if address.country and address.country.upper() not in ("IT", "ITALIA", "ITALY"):
        lines.append(address.country)
    return PrintAddress(name=customer.name, lines=tuple(x for x in lines if x))


def _find(session: Session, model: type, reference: str):
    row = session.get(model, reference)
    if row is None:
        row = session.scalars(select(model).where(model.number == reference)).first()
    return row


def build_print_document(session: Session, *, reference: str, language: str | None = None,
                         logo_png: bytes | None = None) -> PrintDocument:
    """The quote or order with id or number `reference`, ready for the renderer."""
    document = _find(session, Quote, reference) or _find(session, Order, reference)
    if document is None:
        raise PrintError("print.unknown_document", reference=str(reference)[:60])
    is_quote = isinstance(document, Quote)
    line_model = QuoteLine if is_quote else OrderLine
    parent = QuoteLine.quote_id if is_quote else OrderLine.order_id
    lines = session.scalars(select(line_model).where(parent == document.id)
                            .order_by(line_model.line_no)).all()
    customer = session.get(Customer, document.customer_id)
    if customer is None:
        raise PrintError("print.customer_missing", number=document.number)
    addresses = {a.kind: a for a in session.scalars(select(Address)
                                                    .where(Address.customer_id == customer.id))}
    billing = _address(customer, addresses.get("billing")) or PrintAddress(
        name=customer.name, lines=(customer.city,) if customer.city else ())
    shipping = _address(customer, addresses.get("shipping"))
    agent = session.get(User, document.agent_id)
    company = session.get(Setting, COMPANY_SETTING)
    terms = session.get(Setting, TERMS_SETTING)
    lang = language or (customer.language if customer.language in ("it", "en") else "it")
    try:
        print_lines = tuple(PrintLine(sku=line.sku, description=line.description, quantity=line.quantity,
                                      unit=line.unit, unit_price=line.unit_price,
                                      discount=parse_discount(line.discount), vat_rate=line.vat_rate,
                                      net_price=line.net_price, vat_nature=line.vat_nature)
                            for line in lines)
        document_discount = parse_discount(document.document_discount)
    except DiscountError as error:
        raise PrintError("print.bad_discount", number=document.number, error=error.message) from error
    terms_text = terms.value.get(lang, "") if terms and isinstance(terms.value, dict) else ""
    return PrintDocument(
        kind="quote" if is_quote else "order", number=document.number,
        revision=document.revision if is_quote else 0, status=document.status,
        issue_date=document.created_at.astimezone().date() if document.created_at else clock.today(),
        valid_until=document.valid_until if is_quote else None,
        agent_name=(agent.full_name or agent.username) if agent else "",
        payment_terms=customer.payment_terms or "", customer_reference=document.customer_reference or "",
        customer_name=customer.name, customer_vat=customer.vat_number or "", billing=billing,
        shipping=shipping, language=lang, currency=document.currency,
        document_discount=document_discount, notes=document.notes or "", terms=_text(terms_text),
        company=company_from_settings(company.value if company else None, logo_png=logo_png),
        lines=print_lines, vat_exemption=customer.vat_exemption, vat_exemption_ref=customer.vat_exemption_ref or "",
        signature=(document.signature or "") if not is_quote else "")


def product_documents_for(session: Session, *, reference: str, kind: str = "tech_sheet") -> list[bytes]:
    """The PDF documents of `kind` of the products on a quote/order, once each, in line order."""
    document = _find(session, Quote, reference) or _find(session, Order, reference)
    if document is None:
        return []
    line_model = QuoteLine if isinstance(document, Quote) else OrderLine
    parent = QuoteLine.quote_id if isinstance(document, Quote) else OrderLine.order_id
    product_ids = list(dict.fromkeys(session.scalars(select(line_model.product_id).where(
        parent == document.id).order_by(line_model.line_no))))
    found = []
    for product_id in product_ids:
        for doc in session.scalars(select(ProductDocument).where(
                ProductDocument.product_id == product_id, ProductDocument.kind == kind,
                ProductDocument.media_type == "application/pdf")):
            if doc.content:
                found.append(doc.content)
    return found


def print_to_file(session: Session, *, reference: str, path: Path, language: str | None = None,
                  with_documents: bool = False, logo_png: bytes | None = None) -> Path:
    doc = build_print_document(session, reference=reference, language=language, logo_png=logo_png)
    attachments = product_documents_for(session, reference=reference) if with_documents else []
    render_to_file(doc, path, attachments=attachments)
    return path
