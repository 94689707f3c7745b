"""Turning one CSV record into a protocol row: typed cells, business checks, references by code."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sfa_desktop.domain.discounts import DiscountError, format_discount, parse_discount
from sfa_desktop.domain.messages import format_message
from sfa_desktop.domain.vat import VatError, check_nature, check_product_vat
from sfa_server.erp_import import ids, values
from sfa_server.erp_import.attachments import inspect_file, relative_path
from sfa_server.erp_import.columns import (
    BARCODE,
    BOOL,
    COLUMNS,
    DATE,
    DATETIME,
    DECIMAL,
    DISCOUNT,
    INT,
    TAX_CODE,
    VAT,
    VAT_RATE,
    Column,
)

CUSTOMER_STATUSES = {"active": "active", "attivo": "active", "a": "active",
                     "blocked": "blocked", "bloccato": "blocked", "b": "blocked",
                     "prospect": "prospect", "potenziale": "prospect", "p": "prospect"}
ADDRESS_KINDS = {"billing": "billing", "fatturazione": "billing", "sede": "billing",
                 "sede_legale": "billing", "legale": "billing",
                 "shipping": "shipping", "consegna": "shipping", "spedizione": "shipping",
                 "destinazione": "shipping"}
DOCUMENT_KINDS = {"tech_sheet": "tech_sheet", "scheda_tecnica": "tech_sheet", "scheda": "tech_sheet",
                  "brochure": "brochure", "catalogo": "brochure", "depliant": "brochure",
                  "image": "image", "immagine": "image", "foto": "image",
                  "manual": "manual", "manuale": "manual", "istruzioni": "manual",
                  "certificate": "certificate", "certificato": "certificate", "certificazione": "certificate"}
LANGUAGES = {"it": "it", "ita": "it", "italiano": "it", "en": "en", "eng": "en", "inglese": "en"}
_EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?[0-9 ()./\-]{5,30}")
_MAX_AMOUNT = Decimal("1e12")


class RowError(ValueError):
    """One or more reasons, in words, why a record cannot be imported."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class References:
    """Codes already known (in the database or earlier in this import) -> row ids."""

    customers: dict[str, str] = field(default_factory=dict)
    products: dict[str, str] = field(default_factory=dict)
    warehouses: dict[str, str] = field(default_factory=dict)
    price_lists: dict[tuple[str, int], str] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)

    def latest_price_list(self, code: str) -> tuple[int, str] | None:
        versions = [(v, i) for (c, v), i in self.price_lists.items() if c == code]
        return max(versions) if versions else None


def parse_cell(column: Column, text: str, decimal_separator: str) -> Any:
    if len(text) > column.max_length:
        raise ValueError(f"{column.name} is longer than {column.max_length} characters")
    kind = column.type
    if kind == DECIMAL:
        value = values.parse_decimal(text, decimal_separator=decimal_separator)
        if abs(value) >= _MAX_AMOUNT:
            raise ValueError(f"{column.name} {text} is too large")
        return value
    if kind == VAT_RATE:
        return values.parse_vat_rate(text, decimal_separator=decimal_separator)
    if kind == DATE:
        return values.parse_date(text)
    if kind == DATETIME:
        return values.parse_datetime(text)
    if kind == BOOL:
        return values.parse_bool(text)
    if kind == INT:
        return values.parse_int(text)
    if kind == VAT:
        return values.normalize_vat_number(text)
    if kind == TAX_CODE:
        return values.normalize_tax_code(text)
    if kind == BARCODE:
        return values.normalize_barcode(text)
    if kind == DISCOUNT:
        try:
            return format_discount(parse_discount(text), "en") or None
        except DiscountError as exc:
            raise ValueError(f"discount {exc}") from None
    # a quoted cell may span lines (docs/import.md): line breaks stay, other control characters do not
    if any(ord(ch) < 32 and ch != "\n" for ch in text) or any(0x7F <= ord(ch) < 0xA0 for ch in text):
        raise ValueError(f"{column.name} contains control characters")
    if looks_like_formula(text):
        raise ValueError(f"{column.name} '{text[:40]}' looks like a spreadsheet formula (it starts with "
                         f"'{text[0]}'): it would run when the data is opened in a spreadsheet")
    return text


#: After "+" or "-": what a phone number or a signed figure holds; anything else may be a formula.
_NUMBER_LIKE = re.compile(r"[0-9 ./()]*")


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would evaluate (OWASP "CSV injection"): "=..." or "@...", and "+"/"-"
    followed by anything but a phone number or a figure ("+39 02 1234", "-5"), or a dash used as a
    bullet ("- note")."""
    if text[0] in "=@":
        return True
    if text[0] in "+-":
        rest = text[1:]
        return not (_NUMBER_LIKE.fullmatch(rest) or (text[0] == "-" and rest[:1] == " "))
    return False


def parse_record(kind: str, cells: Mapping[str, str], mapping: Mapping[str, str],
                 decimal_separator: str) -> dict[str, Any]:
    """Typed values by canonical column name (None where empty); RowError lists every bad cell."""
    reasons: list[str] = []
    if "__extra__" in cells:
        reasons.append(f"{cells['__extra__']} more cell(s) than the header has columns")
    if "__short__" in cells:
        have, want = cells["__short__"].split("/")
        raise RowError([f"the row has {have} cell(s) where the header has {want}: it looks cut; nothing of it "
                        "is imported (missing cells would erase what the server holds)"])
    out: dict[str, Any] = {}
    for column in COLUMNS[kind]:
        source = mapping.get(column.name)
        text = cells.get(source, "") if source else ""
        if not text:
            if column.required:
                reasons.append(f"{column.name} is missing")
            out[column.name] = None
            continue
        try:
            out[column.name] = parse_cell(column, text, decimal_separator)
        except ValueError as exc:
            reasons.append(f"{column.name}: {exc}")
    if reasons:
        raise RowError(reasons)
    return out


def natural_key(kind: str, v: Mapping[str, Any]) -> str:
    """What identifies a record within its kind (two records with the same key are duplicates)."""
    if kind in ("warehouses", "price_lists"):
        return f"{v['code']}@{v.get('version') or 1}" if kind == "price_lists" else v["code"]
    if kind == "products":
        return v["sku"]
    if kind == "customers":
        return v["erp_code"]
    if kind == "price_list_items":
        return (f"{v['price_list_code']}@{v.get('price_list_version') or '*'}/{v['sku']}"
                f"/{ids.quantity_key(v.get('min_quantity') or Decimal(1))}")
    if kind == "addresses":
        return f"{v['customer_code']}/{v.get('address_code') or v.get('kind') or 'shipping'}"
    if kind == "contacts":
        return f"{v['customer_code']}/{v.get('contact_code') or v['name']}"
    if kind == "open_items":
        return f"{v['customer_code']}/{v['document_number']}/{v['due_date']}"
    if kind == "stock":
        return f"{v['sku']}@{v['warehouse_code']}"
    if kind == "sales_history":
        line = v["line_no"] if v.get("line_no") is not None else v["sku"]
        return f"{v['customer_code']}/{v['document_number']}/{v['document_date']}/{line}"
    if kind == "targets":
        return f"{v['agent_code']}/{v['year']}-{v['month']}/{v.get('category') or ''}"
    if kind == "product_documents":
        try:
            filename = relative_path(v["file"]).name
        except ValueError:
            filename = v["file"]
        return f"{v['sku']}/{document_kind(v['kind']) or v['kind']}/{filename}"
    raise ValueError(f"unknown kind {kind}")


def document_kind(text: str) -> str | None:
    """'Scheda tecnica', 'scheda-tecnica', 'tech_sheet' -> 'tech_sheet'; None when it is no kind."""
    return DOCUMENT_KINDS.get(re.sub(r"[\s\-]+", "_", text.strip().lower()))


def build_row(kind: str, v: Mapping[str, Any], refs: References, *, now: dt.datetime,
              folder: Path | None = None) -> dict[str, Any]:
    """The protocol row for the record's typed values; RowError names every broken rule.

    A product document's file is looked for in `folder` (the CSV's); its row's `content` is the
    checked Attachment, read when the row is written.
    """
    if kind == "product_documents":
        return _product_document(v, refs, folder or Path("."))
    return _BUILDERS[kind](v, refs, now)


def _non_negative(v: Mapping[str, Any], reasons: list[str], *names: str) -> None:
    for name in names:
        if v.get(name) is not None and v[name] < 0:
            reasons.append(f"{name} {v[name]} is negative")


def _customer(v: Mapping[str, Any], refs: References, reasons: list[str]) -> str | None:
    found = refs.customers.get(v["customer_code"])
    if found is None:
        reasons.append(f"unknown customer code '{v['customer_code']}'")
    return found


def _raise(reasons: list[str]) -> None:
    if reasons:
        raise RowError(reasons)


def _warehouse(v, refs, now):
    return {"id": refs.warehouses.get(v["code"]) or ids.warehouse_id(v["code"]),
            "code": v["code"], "name": v["name"]}


def _product(v, refs, now):
    reasons: list[str] = []
    _non_negative(v, reasons, "cost")
    for name in ("pack_size", "min_quantity"):
        if v.get(name) is not None and v[name] <= 0:
            reasons.append(f"{name} must be greater than zero")
    nature = _nature(v.get("vat_nature"))
    try:
        check_product_vat(v["vat_rate"], nature)
    except VatError as exc:
        reasons.append(format_message(exc.message, "en"))
    _raise(reasons)
    return {"id": refs.products.get(v["sku"]) or ids.product_id(v["sku"]), "sku": v["sku"],
            "name": v["name"], "description": v["description"], "unit": (v["unit"] or "PZ").upper(),
            "vat_rate": v["vat_rate"], "category": v["category"], "brand": v["brand"],
            "barcode": v["barcode"], "pack_size": v["pack_size"], "min_quantity": v["min_quantity"],
            "cost": v["cost"], "active": True if v["active"] is None else v["active"], "vat_nature": nature}


def _nature(text: str | None) -> str | None:
    """"n3.5", "N3.5 " -> "N3.5" (checked by the domain)."""
    return text.strip().upper() if text and text.strip() else None


def _product_document(v, refs, folder: Path):
    reasons: list[str] = []
    if v["sku"] not in refs.products:
        reasons.append(f"unknown product code '{v['sku']}'")
    kind = document_kind(v["kind"])
    if kind is None:
        reasons.append(f"kind '{v['kind']}' is not one of tech_sheet (scheda_tecnica), brochure, image "
                       "(immagine), manual (manuale), certificate (certificato)")
    attachment = None
    try:
        attachment = inspect_file(folder, v["file"])
    except ValueError as exc:
        reasons.append(str(exc))
    _raise(reasons)
    title = v["title"] or attachment.filename.rsplit(".", 1)[0]
    return {"id": ids.product_document_id(v["sku"], kind, attachment.filename),
            "product_id": refs.products[v["sku"]], "kind": kind, "title": title,
            "filename": attachment.filename, "media_type": attachment.media_type, "size": attachment.size,
            "sha256": attachment.sha256, "content": attachment}


def _price_list(v, refs, now):
    reasons: list[str] = []
    version = 1 if v["version"] is None else v["version"]
    if version < 1:
        reasons.append("version must be 1 or more")
    currency = (v["currency"] or "EUR").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        reasons.append(f"currency '{v['currency']}' is not a 3-letter ISO code")
    if v["valid_from"] and v["valid_to"] and v["valid_to"] < v["valid_from"]:
        reasons.append("valid_to is before valid_from")
    _raise(reasons)
    key = (v["code"], version)
    return {"id": refs.price_lists.get(key) or ids.price_list_id(*key), "code": v["code"],
            "name": v["name"], "currency": currency, "version": version, "valid_from": v["valid_from"],
            "valid_to": v["valid_to"], "is_base": bool(v["is_base"]), "customer_group": v["customer_group"]}


def _price_list_item(v, refs, now):
    reasons: list[str] = []
    code, version = v["price_list_code"], v["price_list_version"]
    list_id = None
    if version is None:
        latest = refs.latest_price_list(code)
        list_id = latest[1] if latest else None
    else:
        list_id = refs.price_lists.get((code, version))
    if list_id is None:
        shown = code if version is None else f"{code} version {version}"
        reasons.append(f"unknown price list '{shown}'")
    prod_id = refs.products.get(v["sku"])
    if prod_id is None:
        reasons.append(f"unknown product code '{v['sku']}'")
    min_quantity = Decimal(1) if v["min_quantity"] is None else v["min_quantity"]
    if min_quantity <= 0:
        reasons.append("min_quantity must be greater than zero")
    _non_negative(v, reasons, "price")
    _raise(reasons)
    return {"id": ids.price_list_item_id(list_id, prod_id, min_quantity), "price_list_id": list_id,
            "product_id": prod_id, "min_quantity": min_quantity, "price": v["price"]}


def _customer_row(v, refs, now):
    reasons: list[str] = []
    status_text = (v["status"] or "active").strip().lower()
    status = CUSTOMER_STATUSES.get(status_text)
    if status is None:
        reasons.append(f"status '{v['status']}' is not one of active, blocked, prospect")
    if status != "prospect" and not v["vat_number"] and not v["tax_code"]:
        reasons.append("a customer needs a VAT number or a tax code")
    language = LANGUAGES.get((v["language"] or "it").strip().lower())
    if language is None:
        reasons.append(f"language '{v['language']}' is not it or en")
    price_list_id = None
    if v["price_list_code"]:
        latest = refs.latest_price_list(v["price_list_code"])
        if latest is None:
            reasons.append(f"unknown price list '{v['price_list_code']}'")
        else:
            price_list_id = latest[1]
    agent_id = None
    if v["agent_code"]:
        agent_id = refs.agents.get(v["agent_code"])
        if agent_id is None:
            reasons.append(f"unknown agent code '{v['agent_code']}'")
    _non_negative(v, reasons, "credit_limit", "overdue_amount")
    _check_contact_fields(v, reasons)
    exemption = _nature(v.get("vat_exemption"))
    try:
        check_nature(exemption)
    except VatError as exc:
        reasons.append(f"vat_exemption: {format_message(exc.message, 'en')}")
    _raise(reasons)
    code = v["erp_code"]
    return {"id": refs.customers.get(code) or ids.customer_id(code), "erp_code": code, "name": v["name"],
            "vat_number": v["vat_number"], "tax_code": v["tax_code"], "segment": v["segment"],
            "status": status, "payment_terms": v["payment_terms"], "price_list_id": price_list_id,
            "default_discount": v["default_discount"],
            "credit_limit": v["credit_limit"] or Decimal(0), "balance": v["balance"] or Decimal(0),
            "overdue_amount": v["overdue_amount"] or Decimal(0), "language": language,
            "agent_id": agent_id, "phone": v["phone"], "email": v["email"], "city": v["city"],
            "price_group": v["price_group"], "vat_exemption": exemption, "vat_exemption_ref": v["vat_exemption_ref"]}


def _check_contact_fields(v: Mapping[str, Any], reasons: list[str]) -> None:
    if v.get("email") and not _EMAIL.fullmatch(v["email"]):
        reasons.append(f"email '{v['email']}' is not an e-mail address")
    if v.get("phone") and not _PHONE.fullmatch(v["phone"]):
        reasons.append(f"phone '{v['phone']}' is not a phone number")


def _address(v, refs, now):
    reasons: list[str] = []
    cust_id = _customer(v, refs, reasons)
    kind = ADDRESS_KINDS.get((v["kind"] or "shipping").strip().lower().replace(" ", "_"))
    if kind is None:
        reasons.append(f"address kind '{v['kind']}' is not billing or shipping")
    country = (v["country"] or "IT").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        reasons.append(f"country '{v['country']}' is not a 2-letter ISO code")
    province = v["province"].upper() if v["province"] else None
    if country == "IT":
        if v["postal_code"] and not re.fullmatch(r"\d{5}", v["postal_code"]):
            reasons.append(f"postal code '{v['postal_code']}' is not 5 digits")
        if province and not re.fullmatch(r"[A-Z]{2}", province):
            reasons.append(f"province '{v['province']}' is not a 2-letter abbreviation")
    _raise(reasons)
    key = v["address_code"] or kind
    return {"id": ids.address_id(cust_id, key), "customer_id": cust_id, "kind": kind,
            "street": v["street"], "city": v["city"], "postal_code": v["postal_code"],
            "province": province, "country": country}


def _contact(v, refs, now):
    reasons: list[str] = []
    cust_id = _customer(v, refs, reasons)
    _check_contact_fields(v, reasons)
    _raise(reasons)
    return {"id": ids.contact_id(cust_id, v["contact_code"] or v["name"].lower()), "customer_id": cust_id,
            "name": v["name"], "role": v["role"], "phone": v["phone"], "email": v["email"]}


def _open_item(v, refs, now):
    reasons: list[str] = []
    cust_id = _customer(v, refs, reasons)
    if v["due_date"] < v["document_date"]:
        reasons.append("due_date is before document_date")
    paid = v["paid"] or Decimal(0)
    if v["amount"] >= 0 and not (0 <= paid <= v["amount"]):
        reasons.append(f"paid {paid} is not between 0 and the amount {v['amount']}")
    if v["amount"] < 0 and not (v["amount"] <= paid <= 0):
        reasons.append(f"paid {paid} does not match the credit note amount {v['amount']}")
    _raise(reasons)
    return {"id": ids.open_item_id(cust_id, v["document_number"], v["due_date"].isoformat()),
            "customer_id": cust_id, "document_number": v["document_number"],
            "document_date": v["document_date"], "due_date": v["due_date"], "amount": v["amount"],
            "paid": paid}


def _stock(v, refs, now):
    reasons: list[str] = []
    prod_id = refs.products.get(v["sku"])
    if prod_id is None:
        reasons.append(f"unknown product code '{v['sku']}'")
    wh_id = refs.warehouses.get(v["warehouse_code"])
    if wh_id is None:
        reasons.append(f"unknown warehouse code '{v['warehouse_code']}'")
    _non_negative(v, reasons, "reserved", "incoming")
    if v["incoming_date"] and not v["incoming"]:
        reasons.append("incoming_date is given without an incoming quantity")
    _raise(reasons)
    reserved = v["reserved"] or Decimal(0)
    available = v["on_hand"] - reserved if v["available"] is None else v["available"]
    return {"id": ids.stock_level_id(prod_id, wh_id), "product_id": prod_id, "warehouse_id": wh_id,
            "on_hand": v["on_hand"], "reserved": reserved, "available": available,
            "incoming": v["incoming"], "incoming_date": v["incoming_date"], "as_of": v["as_of"] or now}


def _sales_line(v, refs, now):
    reasons: list[str] = []
    cust_id = _customer(v, refs, reasons)
    prod_id = refs.products.get(v["sku"])
    if prod_id is None:
        reasons.append(f"unknown product code '{v['sku']}' (export discontinued products too, with attivo N)")
    if v["document_date"] > now.date() + dt.timedelta(days=1):  # a day's grace: the ERP's clock is local
        reasons.append(f"document_date {v['document_date'].isoformat()} is in the future")
    if v["quantity"] * v["net_amount"] < 0:
        reasons.append("quantity and net_amount have opposite signs (a return has both negative)")
    if v["line_no"] is not None and v["line_no"] < 1:
        reasons.append("line_no must be 1 or more")
    _raise(reasons)
    line = str(v["line_no"]) if v["line_no"] is not None else f"sku:{v['sku']}"
    return {"id": ids.sales_line_id(cust_id, v["document_number"], v["document_date"].isoformat(), line),
            "customer_id": cust_id, "product_id": prod_id, "document_number": v["document_number"],
            "document_date": v["document_date"], "line_no": v["line_no"], "quantity": v["quantity"],
            "unit": v["unit"].upper() if v["unit"] else None, "net_amount": v["net_amount"],
            "category": v["category"]}


def _target(v, refs, now):
    reasons: list[str] = []
    agent_id = refs.agents.get(v["agent_code"])
    if agent_id is None:
        reasons.append(f"unknown agent code '{v['agent_code']}'")
    if not 2000 <= v["year"] <= 2100:
        reasons.append(f"year {v['year']} is not between 2000 and 2100")
    if not 1 <= v["month"] <= 12:
        reasons.append(f"month {v['month']} is not between 1 and 12")
    _non_negative(v, reasons, "amount")
    _raise(reasons)
    month = dt.date(v["year"], v["month"], 1)
    return {"id": ids.target_id(agent_id, month.isoformat(), v["category"] or ""), "agent_id": agent_id,
            "month": month, "category": v["category"], "amount": v["amount"]}


_BUILDERS = {"warehouses": _warehouse, "products": _product, "price_lists": _price_list,
             "price_list_items": _price_list_item, "customers": _customer_row, "addresses": _address,
             "contacts": _contact, "open_items": _open_item, "stock": _stock, "sales_history": _sales_line,
             "targets": _target}


def register(kind: str, row: Mapping[str, Any], refs: References) -> None:
    """Make a row accepted in this import resolvable by the records (and files) after it."""
    if kind == "warehouses":
        _replace(refs.warehouses, row["code"], row["id"])
    elif kind == "products":
        _replace(refs.products, row["sku"], row["id"])
    elif kind == "price_lists":
        refs.price_lists[(row["code"], row["version"])] = row["id"]
    elif kind == "customers":
        _replace(refs.customers, row["erp_code"], row["id"])


def _replace(codes: dict[str, str], code: str, row_id: str) -> None:
    """Set code -> id keeping the file's string as the key: on a re-import the code loaded from the
    database is then freed, not held beside the same text the duplicate check keeps (one copy)."""
    codes.pop(code, None)
    codes[code] = row_id
