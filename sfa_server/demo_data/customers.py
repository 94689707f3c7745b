"""Demo customers with valid Italian VAT numbers and tax codes, their addresses, contacts and open items."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from stdnum import luhn
from stdnum.it import codicefiscale

from sfa_server.demo_data.catalog import cents
from sfa_server.demo_data.vocabulary import (
    CITIES,
    CONTACT_ROLES,
    FIRST_NAMES,
    LAST_NAMES,
    LEGAL_FORMS,
    PAYMENT_TERMS,
    SEGMENTS,
    STREETS,
    PaymentTerm,
)
from sfa_server.erp_import import ids

_MONTHS = "ABCDEHLMPRST"
_VOWELS = set("AEIOU")
_FEMALE = {"Giulia", "Francesca", "Chiara", "Sara", "Valentina", "Elena", "Martina", "Paola", "Silvia",
           "Laura", "Anna", "Giorgia", "Maria", "Alessia", "Elisa"}


def vat_number(rng: random.Random, office: int) -> str:
    """A valid partita IVA: 7-digit serial, 3-digit tax office, Luhn check digit."""
    body = f"{rng.randint(0, 1_999_999):07d}{office:03d}"
    return body + luhn.calc_check_digit(body)


def _letters(text: str) -> tuple[list[str], list[str]]:
    letters = [c for c in text.upper() if c.isalpha()]
    return [c for c in letters if c not in _VOWELS], [c for c in letters if c in _VOWELS]


def personal_tax_code(rng: random.Random, first: str, last: str, belfiore: str) -> str:
    """A valid codice fiscale for a person born in the city with the given cadastral code."""
    cons, vows = _letters(last)
    surname = "".join(cons + vows + ["X"] * 3)[:3]
    cons, vows = _letters(first)
    name = cons[0] + cons[2] + cons[3] if len(cons) >= 4 else "".join(cons + vows + ["X"] * 3)[:3]
    year = rng.randint(1955, 1995) % 100
    day = rng.randint(1, 28) + (40 if first in _FEMALE else 0)
    body = f"{surname}{name}{year:02d}{_MONTHS[rng.randrange(12)]}{day:02d}{belfiore}"
    return body + codicefiscale.calc_check_digit(body)


@dataclass
class CustomerBook:
    customers: list[dict[str, Any]]
    addresses: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    open_items: list[dict[str, Any]]


_TERMS = {t.text: t for t in PAYMENT_TERMS}
_SEGMENT_NAMES = tuple(SEGMENTS)
_SEGMENT_WEIGHTS = tuple(weight for weight, _, _ in SEGMENTS.values())
#: the list discounts customers get: list prices are cost plus 12-60 %, so they stay modest
DEFAULT_DISCOUNTS = (None, None, "3", "5", "5+2", "8", "10")


def _company_name(rng: random.Random, segment: str, first: str, last: str, city: str) -> tuple[str, bool]:
    """(name, sole trader?) of a customer of `segment`."""
    _, words, _ = SEGMENTS[segment]
    if not words:
        return f"Comune di {city}", False
    word = rng.choice(words)
    form = rng.choice(LEGAL_FORMS)
    if form.startswith("di "):
        return f"{word} {form.format(first=first, last=last)}", True
    return f"{word} {last} {form}", False


def _payment_term(rng: random.Random, segment: str) -> PaymentTerm:
    terms = SEGMENTS[segment][2]
    return _TERMS[rng.choices(tuple(terms), weights=tuple(terms.values()))[0]]


def make_customers(rng: random.Random, count: int, agent_ids: list[str], price_list_ids: list[str],
                   today: dt.date) -> CustomerBook:
    book = CustomerBook([], [], [], [])
    for n in range(count):
        city, province, cap, belfiore, office = rng.choice(CITIES)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        segment = rng.choices(_SEGMENT_NAMES, weights=_SEGMENT_WEIGHTS)[0]
        name, sole_trader = _company_name(rng, segment, first, last, city)
        term = _payment_term(rng, segment)
        vat = vat_number(rng, office)
        tax_code = personal_tax_code(rng, first, last, belfiore) if sole_trader else vat
        prospect = n % 20 == 7
        status = "prospect" if prospect else ("blocked" if n % 25 == 3 else "active")
        code = None if prospect else f"C{n + 1:05d}"
        cid = ids.erp_id("demo-prospects", str(n)) if prospect else ids.customer_id(code)
        items = [] if prospect else _open_items(rng, cid, n, today, term, force_overdue=status == "blocked")
        balance = sum((i["amount"] - i["paid"] for i in items), Decimal(0))
        overdue = sum((i["amount"] - i["paid"] for i in items if i["due_date"] < today), Decimal(0))
        limit = Decimal(rng.choice((5_000, 10_000, 15_000, 25_000, 50_000, 100_000)))
        if n % 11 == 5:  # a few customers close to their credit limit
            limit = max(Decimal(1_000), (balance // 1_000) * 1_000 + 1_000)
        slug = (city if segment == "Ente pubblico" else last).lower().replace(" ", "").replace("ì", "i")
        book.customers.append({
            "id": cid, "erp_code": code, "name": name, "vat_number": vat, "tax_code": tax_code,
            "segment": segment, "status": status,
            "payment_terms": None if prospect else term.text,
            "price_list_id": rng.choice(price_list_ids) if price_list_ids and n % 3 == 0 else None,
            "default_discount": rng.choice(DEFAULT_DISCOUNTS),
            "credit_limit": Decimal(0) if prospect else limit, "balance": balance, "overdue_amount": overdue,
            "language": "it", "agent_id": agent_ids[n % len(agent_ids)],
            "phone": f"+39 0{rng.randint(10, 99)} {rng.randint(100000, 9999999)}",
            "email": f"info@{slug}{n + 1}.example.it", "city": city, "row_version": 1,
            "price_group": None, **_vat_exemption(n, today)})
        street = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
        book.addresses.append({"id": ids.address_id(cid, "billing"), "customer_id": cid, "kind": "billing",
                               "street": street, "city": city, "postal_code": cap, "province": province,
                               "country": "IT"})
        if n % 2 == 0:
            s_city, s_prov, s_cap, _, _ = rng.choice(CITIES)
            book.addresses.append({
                "id": ids.address_id(cid, "shipping"), "customer_id": cid, "kind": "shipping",
                "street": f"{rng.choice(STREETS)} {rng.randint(1, 180)} (cantiere)", "city": s_city,
                "postal_code": s_cap, "province": s_prov, "country": "IT"})
        for k in range(1 + n % 3):
            c_first, c_last = (first, last) if k == 0 else (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            contact_name = f"{c_first} {c_last}"
            book.contacts.append({
                "id": ids.contact_id(cid, contact_name.lower()), "customer_id": cid, "name": contact_name,
                "role": (("Ufficio tecnico" if segment == "Ente pubblico" else CONTACT_ROLES[0]) if k == 0
                         else rng.choice(CONTACT_ROLES[1:])),
                "phone": f"+39 3{rng.randint(20, 49)} {rng.randint(1000000, 9999999)}",
                "email": f"{c_first.lower()}.{c_last.lower().replace(' ', '')}@{slug}{n + 1}.example.it"})
        book.open_items.extend(items)
    # two contacts of one customer may share a name: keep ids unique
    book.contacts = list({c["id"]: c for c in book.contacts}.values())
    return book


def _vat_exemption(n: int, today: dt.date) -> dict[str, str | None]:
    """One exporter buys under a "dichiarazione d'intento" (N3.5, art. 8 c.1 lett. c DPR 633/72)."""
    if n != 1:
        return {"vat_exemption": None, "vat_exemption_ref": None}
    return {"vat_exemption": "N3.5",
            "vat_exemption_ref": f"n. {today.year % 100:02d}011512345678901-000001 del 15/01/{today.year}"}


def _open_items(rng: random.Random, cid: str, n: int, today: dt.date, term: PaymentTerm, *,
                force_overdue: bool) -> list[dict]:
    """The customer's unpaid invoices, one row per instalment of its payment term."""
    items = []
    overdue_customer = force_overdue or n % 7 == 2
    # paid in advance: nothing is open, unless older invoices (on 30 days) were never paid
    days = term.days or ((30,) if overdue_customer else ())
    if not days:
        return items
    for k in range(rng.randint(0, 4) + (1 if overdue_customer else 0)):
        age = rng.randint(5, 150) if not (overdue_customer and k == 0) else rng.randint(90, 150)
        doc_date = today - dt.timedelta(days=age)
        number = f"FT {doc_date.year}/{(n * 7 + k) % 9000 + 100:05d}"
        amount = cents(Decimal(rng.randint(15_000, 800_000)) / 100)
        rates = len(days)
        for r, after in enumerate(days):
            due = due_date(doc_date, after, end_of_month=term.end_of_month)
            share = cents(amount / rates) if r < rates - 1 else amount - cents(amount / rates) * (rates - 1)
            paid = Decimal(0)
            if due < today and not overdue_customer:
                paid = share if rng.random() < 0.85 else cents(share / 2)
            if paid == share:
                continue  # settled items are no longer open
            items.append({"id": ids.open_item_id(cid, number, due.isoformat()), "customer_id": cid,
                          "document_number": number, "document_date": doc_date, "due_date": due,
                          "amount": share, "paid": paid})
    return items


def due_date(invoice_date: dt.date, days: int, *, end_of_month: bool) -> dt.date:
    """'30 gg d.f.f.m.': the end of the month 30 days (one month) after the invoice month, as the ERPs
    count it (days in months, so that the 30 and 60 day instalments never fall on the same day)."""
    if not end_of_month:
        return invoice_date + dt.timedelta(days=days)
    index = invoice_date.year * 12 + invoice_date.month - 1 + days // 30 + 1
    return dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)
