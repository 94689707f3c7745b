"""One pricing of a document: list version by day, own > group > base, net prices, VAT natures,
honoured quotes and approval on the document's own figures. Expected figures are worked out by hand
in the comments (docs/pricing.md has the same examples)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfa_desktop.domain.approval import ApprovalPolicy
from sfa_desktop.domain.credit import OpenItemView, credit_situation
from sfa_desktop.domain.document_pricing import (
    ApprovalInputs,
    CustomerTerms,
    HonouredQuote,
    LineRequest,
    PricingError,
    QuotedPrice,
    price_document,
    quoted_price,
)
from sfa_desktop.domain.messages import format_message
from sfa_desktop.domain.pricing import PriceBreak, PriceListView, ProductTerms

D = Decimal
DAY = dt.date(2026, 3, 15)
TOMORROW = DAY + dt.timedelta(days=1)
MAX_LINES = 500

CABLE = ProductTerms("p-cav", "CAV-3G25", "M", D(22), None, None, cost=D("0.70"), name="Cavo FG16OR16 3G2,5")
LAMP = ProductTerms("p-led", "LED-9W", "PZ", D(22), None, None, cost=D("6.00"), name="Lampada LED 9 W")
COURSE = ProductTerms("p-corso", "CORSO-CEI", "PZ", D(0), None, None, cost=D("80.00"), vat_nature="N4",
                      name="Corso CEI 11-27")
PRODUCTS = {p.product_id: p for p in (CABLE, LAMP, COURSE)}


def plist(list_id: str, code: str, version: int, prices: dict[str, str], *, valid_from: dt.date | None = None,
          valid_to: dt.date | None = None, base: bool = False, group: str | None = None) -> PriceListView:
    return PriceListView(list_id, code, version, "EUR", valid_from, valid_to, base,
                         {pid: [PriceBreak(D(1), D(price))] for pid, price in prices.items()}, customer_group=group)


LISTS = [
    plist("base-1", "BASE", 1, {"p-cav": "1.25", "p-led": "12.34", "p-corso": "150.00"},
          valid_from=dt.date(2026, 1, 1), base=True),
    plist("rossi-1", "ROSSI", 1, {"p-cav": "1.10"}, valid_from=dt.date(2026, 1, 1)),
    # imported today, valid from tomorrow: it must not change today's price
    plist("rossi-2", "ROSSI", 2, {"p-cav": "1.05"}, valid_from=TOMORROW),
    plist("inst-1", "INSTALLATORI", 1, {"p-led": "11.50", "p-cav": "1.15"}, valid_from=dt.date(2026, 1, 1),
          group="INST"),
]


def price(customer: CustomerTerms, lines: list[LineRequest], *, on: dt.date = DAY, document_discount: str | None = None,
          **kw):
    return price_document(customer=customer, products=PRODUCTS, price_lists=LISTS, lines=lines,
                          document_discount=document_discount, on=on, max_lines=MAX_LINES, **kw)


def test_the_newest_version_valid_on_the_day_prices_each_list_code() -> None:
    rossi = CustomerTerms(price_list_code="ROSSI")
    today = price(rossi, [LineRequest("p-cav", D(100))])
    tomorrow = price(rossi, [LineRequest("p-cav", D(100))], on=TOMORROW)
    # today v1: 100 m × 1.10 = 110.00; tomorrow v2: 100 m × 1.05 = 105.00
    assert [(x.price_list_code, x.price_list_version, x.unit_price, x.net_amount) for x in today.lines] == [
        ("ROSSI", 1, D("1.10"), D("110.00"))]
    assert [(x.price_list_version, x.net_amount) for x in tomorrow.lines] == [(2, D("105.00"))]


def test_own_list_then_group_list_then_base_list() -> None:
    both = CustomerTerms(price_list_code="ROSSI", price_group="INST")
    lines = [LineRequest("p-cav", D(100)), LineRequest("p-led", D(12)), LineRequest("p-corso", D(1))]
    priced = price(both, lines)
    # cable on the own list (1.10, not the group's 1.15), lamp only on the group list, course on the base
    assert [(x.sku, x.price_list_code, x.unit_price) for x in priced.lines] == [
        ("CAV-3G25", "ROSSI", D("1.10")), ("LED-9W", "INSTALLATORI", D("11.50")), ("CORSO-CEI", "BASE", D("150.00"))]
    group_only = price(CustomerTerms(price_group="INST"), lines[:1])
    assert [(x.price_list_code, x.unit_price) for x in group_only.lines] == [("INSTALLATORI", D("1.15"))]
    nobody = price(CustomerTerms(), lines[:1])
    assert [(x.price_list_code, x.unit_price) for x in nobody.lines] == [("BASE", D("1.25"))]


def test_an_exporters_declaration_of_intent_and_an_exempt_product_are_two_summary_rows() -> None:
    exporter = CustomerTerms(price_list_code="ROSSI", price_group="INST", vat_exemption="N3.5",
                             vat_exemption_ref="n. 26011512345678901-000001 del 15/01/2026")
    priced = price(exporter, [LineRequest("p-cav", D(100)), LineRequest("p-led", D(12)), LineRequest("p-corso", D(1))])
    # cable 100 × 1.10 = 110.00 and lamp 12 × 11.50 = 138.00 would carry 22 %: the declaration makes
    # them 0 % N3.5 (248.00); the course is exempt by itself (N4, 150.00) and stays N4.
    assert [(x.vat_rate, x.vat_nature) for x in priced.lines] == [(D(0), "N3.5"), (D(0), "N3.5"), (D(0), "N4")]
    rows = [(b.rate, b.nature, b.taxable, b.vat) for b in priced.totals.vat_buckets]
    assert rows == [(D(0), "N3.5", D("248.00"), D("0.00")), (D(0), "N4", D("150.00"), D("0.00"))]
    assert priced.totals.grand_total == D("398.00")


def test_a_product_nature_with_a_rate_is_refused_with_its_line() -> None:
    broken = {**PRODUCTS, "p-led": ProductTerms("p-led", "LED-9W", "PZ", D(22), None, None, vat_nature="N4")}
    with pytest.raises(PricingError) as info:
        price_document(customer=CustomerTerms(), products=broken, price_lists=LISTS,
                       lines=[LineRequest("p-cav", D(1)), LineRequest("p-led", D(1))], document_discount=None,
                       on=DAY, max_lines=MAX_LINES)
    assert str(info.value) == "Line 2 (LED-9W): The VAT exemption N4 goes with a 0% rate, not 22%."


def test_a_typed_net_price_is_the_discount_that_takes_the_list_price_to_it() -> None:
    group = CustomerTerms(price_group="INST")
    policy = ApprovalPolicy(max_line_discount=D(10), max_average_discount=D(50))
    credit = credit_situation(credit_limit=D(0), balance=D(0), open_orders_total=D(0), items=[], on=DAY)
    priced = price(group, [LineRequest("p-led", D(12), net_price=D("10.00"))],
                   approval=ApprovalInputs(policy, credit))
    [line] = priced.lines
    # list 11.50, agreed 10.00: 12 × 10.00 = 120.00; the discount is (11.50 − 10.00) / 11.50 = 13.04 %
    assert (line.unit_price, line.net_price, line.net_unit_price, line.net_amount) == (
        D("11.50"), D("10.00"), D("10.00"), D("120.00"))
    assert line.discount.is_zero and line.discount_text is None and line.discount_percent == D("13.04")
    assert [(r.rule, r.figure, r.limit) for r in priced.approval_reasons] == [("line_discount", D("13.04"), D(10))]


@pytest.mark.parametrize(("request_", "message"), [
    (LineRequest("p-led", D(12), net_price=D("12.00")),
     "Line 1 (LED-9W): The net price €12.00 is above the price €11.50: leave the discount empty to sell at that "
     "price."),
    (LineRequest("p-led", D(12), net_price=D("10.00001")),
     "Line 1 (LED-9W): The net price 10.00001 has more than 4 decimals."),
    (LineRequest("p-led", D(12), discount="5", net_price=D("10")),
     "Line 1 (LED-9W): Give either a discount or a net price, not both."),
    (LineRequest("p-led", D(12), net_price=D("-1")), "Line 1 (LED-9W): The net price cannot be negative."),
])
def test_a_net_price_that_cannot_be_is_refused_with_its_line(request_: LineRequest, message: str) -> None:
    with pytest.raises(PricingError) as info:
        price(CustomerTerms(price_group="INST"), [request_])
    assert (info.value.reason, str(info.value)) == ("invalid_discount", message)


def test_the_customer_default_discount_fills_a_line_without_one_but_not_a_net_price() -> None:
    customer = CustomerTerms(default_discount="10+5")
    priced = price(customer, [LineRequest("p-led", D(10)), LineRequest("p-cav", D(10), net_price=D("1.20"))])
    # lamp 12.34 × 0.90 × 0.95 = 10.5507 → 10 × = 105.507 → 105.51; cable at the agreed 1.20: 12.00
    assert [(x.discount_text, x.net_unit_price, x.net_amount) for x in priced.lines] == [
        ("10+5", D("10.5507"), D("105.51")), (None, D("1.20"), D("12.00"))]


def test_an_honoured_quote_keeps_its_price_and_a_lower_net_needs_approval() -> None:
    # the quote was priced when the lamp listed at 12.34 with 10 %: shown net 12.34 × 0.90 = 11.1060
    promise = quoted_price(unit_price=D("12.34"), discount="10", net_price=None, net_unit_price=None,
                           price_list_id="base-0", price_list_code="BASE", price_list_version=0)
    assert promise == QuotedPrice(D("12.34"), D("11.1060"), "base-0", "BASE", 0)
    quote = HonouredQuote("Q-AG01-2026-0007", DAY + dt.timedelta(days=10), {"p-led": promise})
    policy = ApprovalPolicy(max_line_discount=D(20), max_average_discount=D(20))
    credit = credit_situation(credit_limit=D(0), balance=D(0), open_orders_total=D(0), items=[], on=DAY)
    priced = price(CustomerTerms(price_group="INST"), [LineRequest("p-led", D(10), discount="15")],
                   honoured_quote=quote, approval=ApprovalInputs(policy, credit))
    [line] = priced.lines
    # the quote's 12.34 (not the group's 11.50 of today), 15 %: 12.34 × 0.85 = 10.4890 < 11.1060
    assert (line.unit_price, line.price_list_id, line.net_unit_price, line.net_amount) == (
        D("12.34"), "base-0", D("10.4890"), D("104.89"))
    assert [(r.rule, r.figure, r.limit) for r in priced.approval_reasons] == [
        ("below_quote_price", D("10.4890"), D("11.1060"))]
    expired = HonouredQuote("Q-AG01-2026-0007", DAY - dt.timedelta(days=1), {"p-led": promise})
    again = price(CustomerTerms(price_group="INST"), [LineRequest("p-led", D(10))], honoured_quote=expired)
    assert again.lines[0].unit_price == D("11.50")  # an expired quote promises nothing


# Two lines whose cents both round up: the document's grand total is one cent above the exact one.
#   14 m × 221.43 × 0.90 × 0.95 = 2,650.51710 → 2,650.52
#   29 m × 292.89 × 0.80        = 6,795.04800 → 6,795.05
#   taxable 9,445.57; VAT 22 % = 2,078.0254 → 2,078.03; grand total 11,523.60
#   (computed from the unrounded lines: 9,445.5651 × 1.22 = 11,523.589422 → 11,523.59)
# Balance 5,000.00 + open orders 3,476.40 + this order 11,523.60 = 20,000.00.
BIG = ProductTerms("p-big", "QUADRO-1", "PZ", D(22), None, None, name="Quadro elettrico")
HUGE = ProductTerms("p-huge", "QUADRO-2", "PZ", D(22), None, None, name="Quadro di distribuzione")


@pytest.mark.parametrize(("limit", "fires"), [(D("20000.00"), False), (D("19999.99"), True)])
def test_credit_exposure_counts_this_order_at_its_own_rounded_grand_total(limit: Decimal, fires: bool) -> None:
    lists = [plist("b", "BASE", 1, {"p-big": "221.43", "p-huge": "292.89"}, base=True)]
    credit = credit_situation(credit_limit=limit, balance=D("5000.00"), open_orders_total=D("3476.40"), items=[],
                              on=DAY)
    priced = price_document(customer=CustomerTerms(), products={"p-big": BIG, "p-huge": HUGE}, price_lists=lists,
                            lines=[LineRequest("p-big", D(14), "10+5"), LineRequest("p-huge", D(29), "20")],
                            document_discount=None, on=DAY, max_lines=MAX_LINES,
                            approval=ApprovalInputs(ApprovalPolicy(max_line_discount=D(50),
                                                                   max_average_discount=D(50)), credit))
    assert [x.net_amount for x in priced.lines] == [D("2650.52"), D("6795.05")]
    assert (priced.totals.taxable_total, priced.totals.vat_total, priced.totals.grand_total) == (
        D("9445.57"), D("2078.03"), D("11523.60"))
    reasons = [(r.rule, r.figure, r.limit) for r in priced.approval_reasons]
    assert reasons == ([("credit_limit", D("20000.00"), limit)] if fires else [])


def test_overdue_is_what_the_open_items_say_on_the_day_not_the_erp_figure() -> None:
    items = [
        OpenItemView("FT 2026/00112", dt.date(2026, 1, 10), dt.date(2026, 3, 14), D("500.00"), D("200.00")),
        OpenItemView("FT 2026/00180", dt.date(2026, 2, 15), DAY, D("1000.00"), D(0)),  # due today: not yet overdue
    ]
    credit = credit_situation(credit_limit=D(0), balance=D("1300.00"), open_orders_total=D(0), items=items, on=DAY,
                              overdue_erp=D(0))
    priced = price(CustomerTerms(), [LineRequest("p-cav", D(1))], approval=ApprovalInputs(ApprovalPolicy(), credit))
    # 500.00 − 200.00 paid = 300.00 overdue yesterday; the ERP said 0 and is not asked
    assert [(r.rule, r.figure) for r in priced.approval_reasons] == [("overdue_invoices", D("300.00"))]


def test_refusals_name_the_line_and_the_servers_code() -> None:
    cases = [
        ([], None, "invalid", "Add at least one product line."),
        ([LineRequest("p-cav", D(1))] * 501, None, "invalid", "A document holds at most 500 lines; this one has 501."),
        ([LineRequest("p-cav", D(1)), LineRequest("nope", D(1))], None, "not_found",
         "Line 2: the product is not in the catalog."),
        ([LineRequest("p-cav", D(0))], None, "invalid_quantity",
         "Line 1 (CAV-3G25): The quantity must be more than zero, not 0."),
        ([LineRequest("p-cav", D(1), "10++5")], None, "invalid_discount",
         "Line 1 (CAV-3G25): '10++5': step 2 is empty (two '+' in a row); write e.g. '10+5'."),
        ([LineRequest("p-cav", D(1))], "abc", "invalid_discount",
         "Document discount: 'abc': step 1 ('abc') is not a number; write percentages separated by '+', like "
         "'10+5' or '10,5+2'."),
    ]
    for lines, document_discount, reason, message in cases:
        with pytest.raises(PricingError) as info:
            price(CustomerTerms(), lines, document_discount=document_discount)
        assert (info.value.reason, format_message(info.value.message)) == (reason, message)
    no_price = [plist("b", "BASE", 1, {}, base=True)]
    with pytest.raises(PricingError) as info:
        price_document(customer=CustomerTerms(), products=PRODUCTS, price_lists=no_price,
                       lines=[LineRequest("p-cav", D(1))], document_discount=None, on=DAY, max_lines=MAX_LINES)
    assert info.value.reason == "no_price" and str(info.value).startswith("Line 1 (CAV-3G25): No price for CAV-3G25")


# ------------------------------------------------------------------ the version choice, as a property

offsets = st.none() | st.integers(min_value=-40, max_value=40)


@st.composite
def versions(draw: st.DrawFn) -> list[PriceListView]:
    out = []
    for n in range(1, draw(st.integers(min_value=1, max_value=4)) + 1):
        start, length = draw(offsets), draw(st.none() | st.integers(min_value=0, max_value=60))
        valid_from = None if start is None else DAY + dt.timedelta(days=start)
        valid_to = None if length is None or valid_from is None else valid_from + dt.timedelta(days=length)
        out.append(plist(f"rossi-{n}", "ROSSI", n, {"p-cav": str(D(100 + n) / 100)}, valid_from=valid_from,
                         valid_to=valid_to))
    return out


@settings(max_examples=150, deadline=None)
@given(versions(), st.integers(min_value=1, max_value=30))
def test_a_version_that_starts_after_the_day_never_changes_the_days_price(found: list[PriceListView],
                                                                           later: int) -> None:
    base = plist("base-1", "BASE", 1, {"p-cav": "9.99"}, base=True)
    rossi = CustomerTerms(price_list_code="ROSSI")

    def unit_price(lists: list[PriceListView]) -> tuple[Decimal, str | None]:
        [line] = price_document(customer=rossi, products=PRODUCTS, price_lists=lists,
                                lines=[LineRequest("p-cav", D(1))], document_discount=None, on=DAY,
                                max_lines=MAX_LINES).lines
        return line.unit_price, line.price_list_id

    before = unit_price([base, *found])
    newest = plist(f"rossi-{len(found) + 1}", "ROSSI", len(found) + 1, {"p-cav": "0.01"},
                   valid_from=DAY + dt.timedelta(days=later))
    assert unit_price([base, *found, newest]) == before
    valid = [v for v in found if v.is_valid_on(DAY)]
    # the newest version valid on the day prices it; with none valid, the base list does
    assert before == ((max(valid, key=lambda v: v.version).breaks["p-cav"][0].price,
                       max(valid, key=lambda v: v.version).id) if valid else (D("9.99"), "base-1"))
