"""Line and document totals: worked examples computed by hand, and the rounding properties."""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfa_desktop.domain.discounts import NO_DISCOUNT, Discount, parse_discount
from sfa_desktop.domain.money import MoneyError, round_cent
from sfa_desktop.domain.totals import LineInput, document_totals, line_amounts

D = Decimal


def test_ten_five_three_line_by_hand() -> None:
    # 3 × 12.35 = 37.05; 37.05 × 0.90 × 0.95 × 0.97 = 30.7274175 -> 30.73; cost 3 × 7 = 21.00
    line = line_amounts(
        LineInput(quantity=D(3), unit_price=D("12.35"), discount=parse_discount("10+5+3"), unit_cost=D(7))
    )
    assert line.gross_amount == D("37.05")
    assert line.net_amount == D("30.73")
    assert line.discount_amount == D("6.32")
    assert line.net_unit_price == D("10.2425")  # 12.35 × 0.82935 = 10.2424725
    assert line.vat_rate == D(22)
    assert line.cost_amount == D("21.00")
    assert line.margin == D("9.73")
    assert line.margin_pct == D("31.66")  # 9.73 / 30.73


def test_net_is_rounded_once_not_from_the_rounded_unit_price() -> None:
    # 1000 × 0.0125 less 10% = 11.25 exactly; 1000 × the net unit price rounded to the cent
    # (0.01125 -> 0.01) would give 10.00: the net amount never comes from a rounded unit price.
    line = line_amounts(LineInput(quantity=D(1000), unit_price=D("0.0125"), discount=parse_discount("10")))
    assert line.net_amount == D("11.25")
    assert line.net_unit_price == D("0.0113")  # informational only


def test_line_without_cost_has_no_margin_and_zero_line_has_no_percentage() -> None:
    line = line_amounts(LineInput(quantity=D(2), unit_price=D(5)))
    assert (line.margin, line.margin_pct, line.cost_amount) == (None, None, None)
    gift = line_amounts(
        LineInput(quantity=D(1), unit_price=D(5), discount=parse_discount("100"), unit_cost=D(2))
    )
    assert gift.net_amount == 0 and gift.margin == D("-2.00") and gift.margin_pct is None


def test_three_rate_invoice_by_hand() -> None:
    lines = [
        LineInput(quantity=D(10), unit_price=D("2.35"), vat_rate=D(4)),  # 23.50
        LineInput(
            quantity=D(6), unit_price=D("4.99"), discount=parse_discount("10"), vat_rate=D(10)
        ),  # 26.946 -> 26.95
        LineInput(quantity=D(1), unit_price=D("0.25"), vat_rate=D(22)),  # 0.25
        LineInput(quantity=D(1), unit_price=D("0.25"), vat_rate=D(22)),  # 0.25
        LineInput(quantity=D(1), unit_price=D("0.25"), vat_rate=D(22)),  # 0.25
        LineInput(
            quantity=D(2), unit_price=D("12.35"), discount=parse_discount("10+5+3"), vat_rate=D(22)
        ),  # 20.484945 -> 20.48
    ]
    totals = document_totals(lines)
    assert [a.net_amount for a in totals.lines] == [
        D("23.50"),
        D("26.95"),
        D("0.25"),
        D("0.25"),
        D("0.25"),
        D("20.48"),
    ]
    assert [(b.rate, b.taxable, b.vat) for b in totals.vat_buckets] == [
        (D(4), D("23.50"), D("0.94")),  # 23.50 × 4% = 0.94
        (D(10), D("26.95"), D("2.70")),  # 2.695 -> 2.70
        (D(22), D("21.23"), D("4.67")),  # 4.6706 -> 4.67 (per-line VAT would give 0.06×3 + 4.51 = 4.69)
    ]
    assert totals.goods_total == D("71.68")
    assert totals.document_discount_amount == 0
    assert totals.taxable_total == D("71.68")
    assert totals.vat_total == D("8.31")
    assert totals.grand_total == D("79.99")
    assert totals.margin is None and totals.margin_pct is None


def test_three_rate_invoice_with_document_discount_by_hand() -> None:
    lines = [
        LineInput(quantity=D(1), unit_price=D(100), vat_rate=D(4), unit_cost=D(60)),
        LineInput(quantity=D(2), unit_price=D("33.33"), vat_rate=D(10), unit_cost=D(20)),
        LineInput(quantity=D(1), unit_price=D("19.99"), vat_rate=D(22), unit_cost=D(10)),
    ]
    totals = document_totals(lines, parse_discount("5"))
    assert [(b.rate, b.goods, b.document_discount, b.taxable, b.vat) for b in totals.vat_buckets] == [
        (D(4), D("100.00"), D("5.00"), D("95.00"), D("3.80")),
        (D(10), D("66.66"), D("3.33"), D("63.33"), D("6.33")),  # 63.327 -> 63.33; 6.333 -> 6.33
        (D(22), D("19.99"), D("1.00"), D("18.99"), D("4.18")),  # 18.9905 -> 18.99; 4.1778 -> 4.18
    ]
    assert totals.goods_total == D("186.65")
    assert totals.document_discount_amount == D("9.33")
    assert totals.taxable_total == D("177.32")
    assert totals.vat_total == D("14.31")
    assert totals.grand_total == D("191.63")
    assert totals.margin == D("67.32")  # 177.32 - (60 + 40 + 10)
    assert totals.margin_pct == D("37.97")  # 67.32 / 177.32


def test_empty_document() -> None:
    totals = document_totals([])
    assert totals.grand_total == 0 and totals.vat_buckets == () and totals.margin_pct is None


def test_same_rate_written_differently_is_one_bucket() -> None:
    totals = document_totals(
        [
            LineInput(quantity=D(1), unit_price=D(10), vat_rate=D("22")),
            LineInput(quantity=D(1), unit_price=D(10), vat_rate=D("22.00")),
        ]
    )
    assert len(totals.vat_buckets) == 1 and totals.vat_total == D("4.40")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"quantity": D(-1)}, ValueError, "quantity -1 is outside"),
        ({"quantity": D("1e8")}, ValueError, "is outside"),
        ({"quantity": 1.5}, TypeError, "quantity must be a Decimal, not float"),
        ({"unit_price": D("-0.01")}, ValueError, "unit price -0.01 is outside"),
        ({"unit_price": D("NaN")}, MoneyError, "unit price must be a finite number"),
        ({"vat_rate": D(101)}, ValueError, "VAT rate 101 is not a percentage"),
        ({"unit_cost": D(-1)}, ValueError, "unit cost -1 is outside"),
        ({"discount": "10"}, TypeError, "discount must be a Discount, not str"),
    ],
)
def test_line_input_rejects(kwargs: dict, error: type[Exception], message: str) -> None:
    base = {"quantity": D(1), "unit_price": D(1)}
    with pytest.raises(error, match=message):
        LineInput(**{**base, **kwargs})


def test_document_discount_must_be_a_discount() -> None:
    with pytest.raises(TypeError, match="document_discount must be a Discount"):
        document_totals([], "5")  # type: ignore[arg-type]


# ------------------------------------------------------------------ properties

rates = st.sampled_from([D(0), D(4), D(5), D(10), D(22)])
steps = st.decimals(min_value=D("0.01"), max_value=D(100), places=2)
discounts = st.lists(steps, max_size=3).map(lambda s: Discount(tuple(s)))
line_inputs = st.builds(
    LineInput,
    quantity=st.decimals(min_value=D("0.001"), max_value=D(5000), places=3),
    unit_price=st.decimals(min_value=D(0), max_value=D(2000), places=4),
    discount=discounts,
    vat_rate=rates,
    unit_cost=st.none() | st.decimals(min_value=D(0), max_value=D(2000), places=4),
)
documents = st.tuples(st.lists(line_inputs, max_size=12), discounts | st.just(NO_DISCOUNT))


@settings(max_examples=150)
@given(documents)
def test_totals_equal_the_sum_of_lines(doc: tuple[list[LineInput], Discount]) -> None:
    lines, document_discount = doc
    totals = document_totals(lines, document_discount)
    assert totals.goods_total == sum((a.net_amount for a in totals.lines), D(0))
    assert totals.taxable_total == sum((b.taxable for b in totals.vat_buckets), D(0))
    assert totals.vat_total == sum((b.vat for b in totals.vat_buckets), D(0))
    assert totals.grand_total == totals.taxable_total + totals.vat_total
    assert totals.goods_total - totals.document_discount_amount == totals.taxable_total
    for bucket in totals.vat_buckets:
        same_rate = [a.net_amount for a in totals.lines if a.vat_rate == bucket.rate]
        assert bucket.goods == sum(same_rate, D(0))
        assert bucket.vat == round_cent(bucket.taxable * bucket.rate / 100)
    assert [b.rate for b in totals.vat_buckets] == sorted({a.vat_rate for a in totals.lines})
    for line in totals.lines:
        assert line.gross_amount - line.discount_amount == line.net_amount
    if document_discount.is_zero:
        assert totals.taxable_total == totals.goods_total


@settings(max_examples=150)
@given(documents)
def test_vat_rounding_stays_within_the_documented_bound(doc: tuple[list[LineInput], Discount]) -> None:
    """docs/pricing.md: per rate, |VAT - exact| <= r × 0.005 × (n + 1) + 0.005, and the grand total
    differs from the exact figure by at most the sum over rates of (1 + r) × 0.005 × (n + 1) + 0.005."""
    lines, document_discount = doc
    totals = document_totals(lines, document_discount)
    half_cent = D("0.005")
    grand_bound = D(0)
    with localcontext() as ctx:
        ctx.prec = 200
        exact_grand = D(0)
        for bucket in totals.vat_buckets:
            rate = bucket.rate / 100
            same = [line for line in lines if line.vat_rate == bucket.rate]
            n = len(same)
            exact_taxable = document_discount.apply(
                sum((line.discount.apply(line.quantity * line.unit_price) for line in same), D(0))
            )
            assert abs(bucket.taxable - exact_taxable) <= half_cent * (n + 1)
            assert abs(bucket.vat - rate * exact_taxable) <= rate * half_cent * (n + 1) + half_cent
            exact_grand += exact_taxable * (1 + rate)
            grand_bound += (1 + rate) * half_cent * (n + 1) + half_cent
        assert abs(totals.grand_total - exact_grand) <= grand_bound


@settings(max_examples=100)
@given(st.lists(line_inputs, min_size=1, max_size=12))
def test_vat_per_rate_differs_from_per_line_vat_by_at_most_half_a_cent_per_line(
    lines: list[LineInput],
) -> None:
    totals = document_totals(lines)
    for bucket in totals.vat_buckets:
        per_line = [
            round_cent(a.net_amount * bucket.rate / 100) for a in totals.lines if a.vat_rate == bucket.rate
        ]
        assert abs(bucket.vat - sum(per_line, D(0))) <= D("0.005") * (len(per_line) + 1)


@settings(max_examples=100)
@given(st.lists(line_inputs, max_size=8))
def test_document_margin_is_known_only_when_every_cost_is(lines: list[LineInput]) -> None:
    totals = document_totals(lines)
    if all(line.unit_cost is not None for line in lines):
        costs = sum((round_cent(line.quantity * line.unit_cost) for line in lines), D(0))  # type: ignore[operator]
        assert totals.margin == totals.taxable_total - costs
    else:
        assert totals.margin is None and totals.margin_pct is None


# ------------------------------------------------------------------ natures and net prices


def test_two_exempt_natures_are_two_summary_rows_not_one_zero_rate_row() -> None:
    lines = [
        LineInput(quantity=D(100), unit_price=D("1.10"), vat_rate=D(0), vat_nature="N3.5"),  # 110.00
        LineInput(quantity=D(1), unit_price=D("150.00"), vat_rate=D(0), vat_nature="N4"),  # 150.00
        LineInput(quantity=D(3), unit_price=D("2.00"), vat_rate=D(22)),  # 6.00, VAT 1.32
        LineInput(quantity=D(12), unit_price=D("11.50"), vat_rate=D(0), vat_nature="N3.5"),  # 138.00
    ]
    totals = document_totals(lines)
    # rows sorted by rate, then nature: 0 % N3.5 (110.00 + 138.00), 0 % N4, 22 %
    assert [(b.rate, b.nature, b.taxable, b.vat) for b in totals.vat_buckets] == [
        (D(0), "N3.5", D("248.00"), D("0.00")), (D(0), "N4", D("150.00"), D("0.00")),
        (D(22), None, D("6.00"), D("1.32"))]
    assert (totals.taxable_total, totals.vat_total, totals.grand_total) == (D("404.00"), D("1.32"), D("405.32"))


def test_a_nature_needs_a_zero_rate_and_a_known_code() -> None:
    with pytest.raises(ValueError, match="goes with a 0 % rate"):
        LineInput(quantity=D(1), unit_price=D(1), vat_rate=D(22), vat_nature="N4")
    with pytest.raises(ValueError, match="N8 is not a VAT exemption nature"):
        LineInput(quantity=D(1), unit_price=D(1), vat_rate=D(0), vat_nature="N8")


def test_an_agreed_net_price_makes_the_net_amount() -> None:
    # 7 × 12.34 = 86.38 gross; agreed 10.00: 7 × 10.00 = 70.00 net; 16.38 of discount
    line = line_amounts(LineInput(quantity=D(7), unit_price=D("12.34"), net_price=D("10.00")))
    assert (line.gross_amount, line.net_amount, line.discount_amount, line.net_unit_price) == (
        D("86.38"), D("70.00"), D("16.38"), D("10.00"))
    with pytest.raises(ValueError, match="either a discount or a net price"):
        LineInput(quantity=D(1), unit_price=D(1), discount=parse_discount("5"), net_price=D("0.9"))


def test_shown_net_price_times_quantity_reconciles_within_the_documented_tolerance_by_hand() -> None:
    # 1000 × 0.4567 less 10+5: exact unit 0.4567 × 0.855 = 0.3904785, shown 0.3905;
    # net 1000 × 0.3904785 = 390.4785 → 390.48, while 1000 × 0.3905 = 390.50: 0.02 apart,
    # within 1000 × 0.00005 + 0.005 = 0.055 (docs/pricing.md, "Net unit price")
    line = line_amounts(LineInput(quantity=D(1000), unit_price=D("0.4567"), discount=parse_discount("10+5")))
    assert (line.net_unit_price, line.net_amount) == (D("0.3905"), D("390.48"))
    assert abs(D(1000) * line.net_unit_price - line.net_amount) == D("0.02")


@settings(max_examples=200)
@given(line_inputs)
def test_quantity_times_shown_net_price_is_within_the_tolerance(line: LineInput) -> None:
    """|quantity × shown net unit price − net amount| ≤ quantity × 0.00005 + 0.005: the shown price is
    half a unit of its 4th decimal from the exact one, the net amount half a cent from the exact."""
    amounts = line_amounts(line)
    assert abs(line.quantity * amounts.net_unit_price - amounts.net_amount) <= line.quantity * D("0.00005") + D(
        "0.005")
