"""Demo quotes and orders, priced and totalled by the domain (pricing, discounts, totals, approval)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sfa_desktop.domain.approval import ApprovalPolicy, CustomerCredit, OrderLineForApproval, evaluate_order
from sfa_desktop.domain.discounts import format_discount, parse_discount
from sfa_desktop.domain.numbering import format_document_number
from sfa_desktop.domain.pricing import NoPriceError, PriceBreak, PriceListView, ProductTerms, resolve_price
from sfa_desktop.domain.totals import LineInput, document_totals
from sfa_desktop.domain.vat import line_vat
from sfa_server.demo_data.catalog import Catalog
from sfa_server.demo_data.vocabulary import LOST_REASONS
from sfa_server.erp_import import ids

QUOTE_STATUSES = ("draft", "sent", "sent", "accepted", "lost", "expired")
#: line discounts agents give: list prices are cost plus 12-60 %, so a big one needs the office (margin)
LINE_DISCOUNTS = (None, None, "3", "5", "5+3", "10", "10+5", "20")


class _Breaks(Mapping[str, Sequence[PriceBreak]]):
    """A list's quantity breaks, turned into PriceBreak only for the products a document uses."""

    def __init__(self, steps: Mapping[str, list[tuple[Decimal, Decimal]]]) -> None:
        self._steps = steps

    def __getitem__(self, product_id: str) -> Sequence[PriceBreak]:
        return tuple(PriceBreak(q, p) for q, p in self._steps[product_id])

    def __iter__(self):
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)


def price_list_views(catalog: Catalog) -> dict[str, PriceListView]:
    views = {}
    for row in catalog.price_lists:
        breaks = _Breaks(catalog.breaks.get(row["id"], {}))
        views[row["id"]] = PriceListView(row["id"], row["code"], row["version"], row["currency"],
                                         row["valid_from"], row["valid_to"], row["is_base"], breaks)
    return views


def _terms(product: Mapping[str, Any]) -> ProductTerms:
    return ProductTerms(product["id"], product["sku"], product["unit"], product["vat_rate"],
                        product["pack_size"], product["min_quantity"], product["active"])


class DocumentMaker:
    """Builds quotes and orders for a catalog; numbers follow each agent's sequence."""

    def __init__(self, rng: random.Random, catalog: Catalog, agents: Sequence[Mapping[str, Any]],
                 policy: ApprovalPolicy, today: dt.date, office_username: str) -> None:
        self.rng, self.catalog, self.policy, self.today = rng, catalog, policy, today
        self.office_username = office_username
        self.agents = {a["id"]: a for a in agents}
        self.views = price_list_views(catalog)
        self.base = next(v for v in self.views.values() if v.is_base)
        self.products = [p for p in catalog.products if p["active"]]
        self.sequences: dict[tuple[str, str], int] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {"quotes": [], "quote_lines": [], "orders": [],
                                                      "order_lines": []}

    def _number(self, kind: str, agent_id: str, year: int) -> str:
        key = (kind, agent_id)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return format_document_number(kind, self.agents[agent_id]["agent_code"], year, self.sequences[key])

    def _lines(self, customer: Mapping[str, Any], on: dt.date, doc_field: str, doc_id: str):
        rng = self.rng
        customer_list = self.views.get(customer["price_list_id"] or "")
        lines, inputs, approval_lines = [], [], []
        for line_no, product in enumerate(rng.sample(self.products, rng.randint(1, 8)), start=1):
            terms = _terms(product)
            quantity = (product["pack_size"] or Decimal(1)) * rng.randint(1, 12)
            try:
                price = resolve_price(product=terms, quantity=quantity, on=on, customer_list=customer_list,
                                      base_list=self.base)
            except NoPriceError:
                continue
            discount_text = customer["default_discount"] if rng.random() < 0.5 else rng.choice(LINE_DISCOUNTS)
            discount = parse_discount(discount_text)
            vat_rate, vat_nature = line_vat(rate=product["vat_rate"], nature=product["vat_nature"],
                                            customer_exemption=customer["vat_exemption"])
            line_input = LineInput(quantity, price.price, discount, vat_rate, product["cost"],
                                   vat_nature=vat_nature)
            inputs.append(line_input)
            approval_lines.append(OrderLineForApproval(product["sku"], quantity, price.price, price.price,
                                                       discount, product["cost"], None, vat_rate))
            lines.append({"id": ids.erp_id(doc_field, doc_id, str(line_no)), doc_field: doc_id,
                          "line_no": line_no, "product_id": product["id"], "sku": product["sku"],
                          "description": product["name"], "quantity": quantity, "unit": product["unit"],
                          "unit_price": price.price, "discount": format_discount(discount, "en") or None,
                          "vat_rate": vat_rate, "net_amount": None,
                          "price_list_id": price.price_list_id,
                          "price_list_version": price.price_list_version,
                          "net_price": None, "net_unit_price": None, "vat_nature": vat_nature,
                          "_cost": product["cost"]})
        return lines, inputs, approval_lines

    def _totals(self, lines: list[dict[str, Any]], inputs: list[LineInput], document_discount: str | None):
        totals = document_totals(inputs, parse_discount(document_discount))
        for line, amounts in zip(lines, totals.lines, strict=True):
            line["net_amount"], line["net_unit_price"] = amounts.net_amount, amounts.net_unit_price
        return totals

    def add_quote(self, n: int, customer: Mapping[str, Any]) -> dict[str, Any] | None:
        rng, agent_id = self.rng, customer["agent_id"]
        status = QUOTE_STATUSES[(n // 2) % len(QUOTE_STATUSES)]  # quotes take the even n
        age = {"draft": (0, 10), "sent": (0, 28), "expired": (31, 120)}.get(status, (3, 90))
        created = self._moment(rng.randint(*age))
        qid = ids.erp_id("demo-quotes", str(n))
        lines, inputs, _ = self._lines(customer, created.date(), "quote_id", qid)
        if not lines:
            return None
        document_discount = "3" if n % 9 == 0 else None
        totals = self._totals(lines, inputs, document_discount)
        valid_until = created.date() + dt.timedelta(days=30)
        quote = {"id": qid, "number": self._number("Q", agent_id, created.year),
                 "customer_id": customer["id"], "agent_id": agent_id, "status": status, "revision": 1,
                 "previous_revision_id": None,
                 "valid_until": valid_until, "currency": "EUR", "document_discount": document_discount,
                 "notes": "Prezzi validi salvo esaurimento scorte." if n % 4 == 0 else None,
                 "customer_reference": f"Cantiere {customer['city']}" if n % 3 == 0 else None,
                 "lost_reason": rng.choice(LOST_REASONS) if status == "lost" else None,
                 "won_reason": None, "deal_id": None,
                 "taxable_total": totals.taxable_total, "vat_total": totals.vat_total,
                 "grand_total": totals.grand_total, "created_at": created,
                 "updated_at": created + dt.timedelta(hours=rng.randint(1, 72)), "priced_on": created.date()}
        self.rows["quotes"].append(quote)
        self.rows["quote_lines"].extend({k: v for k, v in line.items() if k != "_cost"} for line in lines)
        return quote

    def add_order(self, n: int, customer: Mapping[str, Any], quote: Mapping[str, Any] | None) -> None:
        rng, agent_id = self.rng, customer["agent_id"]
        age = rng.randint(0, 12) if rng.random() < 0.3 else rng.randint(0, 90)
        created = self._moment(age)
        oid = ids.erp_id("demo-orders", str(n))
        lines, inputs, approval_lines = self._lines(customer, created.date(), "order_id", oid)
        if not lines:
            return
        document_discount = "2" if n % 10 == 0 else None
        totals = self._totals(lines, inputs, document_discount)
        agent = self.agents[agent_id]
        policy = self.policy.for_agent(max_line_discount=agent["max_line_discount"],
                                       max_average_discount=agent["max_avg_discount"])
        credit = CustomerCredit(customer["credit_limit"] or None, customer["balance"], Decimal(0),
                                customer["overdue_amount"], customer["status"])
        reasons = evaluate_order(lines=approval_lines, document_discount=parse_discount(document_discount),
                                 customer=credit, policy=policy)
        decided_at = decided_by = note = None
        if not reasons:
            status = "fulfilled" if age > 20 else "approved"
        elif age < 10:
            status = "pending_approval"
        else:
            status = "rejected" if (n // 2) % 3 == 0 else "approved"  # orders take the odd n
            decided_at, decided_by = created + dt.timedelta(hours=rng.randint(2, 30)), self.office_username
            note = ("Cliente con insoluti: attendere il saldo." if status == "rejected"
                    else "Approvato: condizioni concordate con la direzione.")
        if status == "approved" and n % 23 == 0:
            status = "cancelled"
        self.rows["orders"].append({
            "id": oid, "number": self._number("O", agent_id, created.year), "customer_id": customer["id"],
            "agent_id": agent_id, "quote_id": quote["id"] if quote else None, "status": status,
            "currency": "EUR", "document_discount": document_discount,
            "notes": "Consegna al mattino." if n % 5 == 0 else None,
            "customer_reference": f"Ordine {rng.randint(100, 999)}/{created.year}" if n % 2 else None,
            "taxable_total": totals.taxable_total, "vat_total": totals.vat_total,
            "grand_total": totals.grand_total, "approval_reasons": [r.to_dict() for r in reasons] or None,
            "decision_note": note, "decided_by": decided_by, "decided_at": decided_at,
            "created_at": created, "updated_at": decided_at or created, "created_by": agent_id,
            "signature": None})  # the demo's orders were not signed on screen
        for line in lines:
            cost = line.pop("_cost")
            self.rows["order_lines"].append({**line, "list_price": line["unit_price"], "unit_cost": cost})

    def _moment(self, days_ago: int) -> dt.datetime:
        day = self.today - dt.timedelta(days=days_ago)
        return dt.datetime(day.year, day.month, day.day, self.rng.randint(7, 17), self.rng.randint(0, 59),
                           tzinfo=dt.UTC)


def make_documents(rng: random.Random, catalog: Catalog, customers: list[dict[str, Any]],
                   agents: Sequence[Mapping[str, Any]], policy: ApprovalPolicy, today: dt.date, count: int,
                   office_username: str) -> dict[str, list[dict[str, Any]]]:
    maker = DocumentMaker(rng, catalog, agents, policy, today, office_username)
    buyers = [c for c in customers if c["status"] != "prospect"]
    prospects = [c for c in customers if c["status"] == "prospect"] or buyers
    by_id = {c["id"]: c for c in buyers}
    converted: set[str] = set()
    for n in range(count):
        if n % 2 == 0:
            customer = prospects[n % len(prospects)] if n % 10 == 4 else rng.choice(buyers)
            maker.add_quote(n, customer)
        else:
            accepted = [q for q in maker.rows["quotes"][-5:]
                        if q["status"] == "accepted" and q["id"] not in converted
                        and q["customer_id"] in by_id]
            quote = accepted[-1] if accepted and n % 3 == 0 else None
            if quote:
                converted.add(quote["id"])
            customer = by_id[quote["customer_id"]] if quote else rng.choice(buyers)
            maker.add_order(n, customer, quote)
    return maker.rows
