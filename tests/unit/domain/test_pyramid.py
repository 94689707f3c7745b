"""The customer pyramid and temperature: hand-computed customers, and properties of the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_desktop.domain.messages import format_message
from sfa_desktop.domain.pyramid import (
    CLASS_ORDER,
    CustomerFacts,
    PyramidClass,
    PyramidRules,
    Temperature,
    class_label,
    explain,
    rank_customer,
    temperature_label,
)

TODAY = dt.date(2026, 3, 2)  # the last year: April 2025 - March 2026; history from April 2024


def _texts(rank) -> list[str]:
    return [format_message(m, "en") for m in explain(rank)]


def test_a_monthly_customer_that_stopped_three_months_ago_is_a_cold_client() -> None:
    # every 30 days, 1,000.00 each, the last on 28 Nov 2025 (94 days before 2 March 2026)
    days = [dt.date(2025, 11, 28) - dt.timedelta(days=30 * k) for k in range(12)]
    rank = rank_customer(CustomerFacts("c", purchases=[(d, Decimal("1000.00")) for d in days]), today=TODAY)
    # months of the last year with a purchase: Apr, May, Jun, Jul (two), Aug, Sep, Oct, Nov = 8
    assert rank.active_months == 8 and rank.year_value == Decimal("9000.00")
    assert rank.pyramid_class is PyramidClass.CLIENT  # 8 >= 6, but < 10 for an advocate
    assert (rank.days_since_purchase, rank.usual_interval_days) == (94, 30)
    assert rank.temperature is Temperature.FREDDO  # 94 / 30 = 3.1 > 2
    # the trend, on complete months: September-February 3,000 against March-August 7,000
    assert (rank.recent_value, rank.previous_value) == (Decimal("3000.00"), Decimal("7000.00"))
    assert _texts(rank) == ["Bought in 8 of the last 12 months: €9,000.00.",
                            "Last order 94 days ago, usually every 30 days.",
                            "Last 6 months €3,000.00, down from €7,000.00."]


def test_the_explanation_reads_in_italian() -> None:
    from sfa_desktop import i18n

    days = [dt.date(2025, 11, 28) - dt.timedelta(days=30 * k) for k in range(12)]
    rank = rank_customer(CustomerFacts("c", purchases=[(d, Decimal(1000)) for d in days]), today=TODAY)
    text = i18n.render(explain(rank)[1], "it")
    assert text == "Ultimo ordine 94 giorni fa, di solito ogni 30 giorni."


def _monthly_on_the_10th(first: dt.date, last: dt.date, amount_of) -> list[tuple[dt.date, Decimal]]:
    out, day = [], first
    while day <= last:
        out.append((day, amount_of(day)))
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 10)
    return out


def test_a_big_regular_growing_customer_is_a_very_warm_advocate() -> None:
    purchases = _monthly_on_the_10th(dt.date(2024, 4, 10), dt.date(2026, 2, 10),
                                     lambda d: Decimal(3000) if d >= dt.date(2025, 10, 1) else Decimal(2000))
    rank = rank_customer(CustomerFacts("c", purchases=purchases), today=TODAY)
    # last year: April 2025 - February 2026 = 11 months; 6 x 2,000 (Apr-Sep) + 5 x 3,000 (Oct-Feb)
    assert rank.active_months == 11 and rank.year_value == Decimal(27000)
    assert rank.pyramid_class is PyramidClass.ADVOCATE
    # gaps between the 10ths: one of 28 days, eight of 30, thirteen of 31: the median is 31
    assert (rank.days_since_purchase, rank.usual_interval_days) == (20, 31)
    # September-February 2,000 + 5 x 3,000 = 17,000 >= 1.2 x 12,000 (March-August), 20 days <= 31: very warm
    assert rank.temperature is Temperature.MOLTO_CALDO
    assert _texts(rank)[2] == "Last 6 months €17,000.00, up from €12,000.00."


def test_the_same_customer_without_growth_is_warm() -> None:
    purchases = _monthly_on_the_10th(dt.date(2024, 4, 10), dt.date(2026, 2, 10), lambda d: Decimal(2000))
    rank = rank_customer(CustomerFacts("c", purchases=purchases), today=TODAY)
    assert rank.pyramid_class is PyramidClass.ADVOCATE and rank.year_value == Decimal(22000)
    assert rank.temperature is Temperature.CALDO  # 12,000 < 1.2 x 12,000


def test_two_purchases_make_a_user_of_uncertain_temperature() -> None:
    rank = rank_customer(CustomerFacts("c", purchases=[(dt.date(2025, 6, 15), Decimal(500)),
                                                       (dt.date(2025, 12, 20), Decimal(700))]), today=TODAY)
    assert (rank.pyramid_class, rank.temperature) == (PyramidClass.USER, Temperature.INCERTO)
    assert rank.days_since_purchase == 72 and rank.usual_interval_days is None
    assert _texts(rank) == ["Bought in 2 of the last 12 months: €1,200.00.",
                            "Last order 72 days ago; too few orders to tell a rhythm."]


def test_without_purchases_contact_makes_a_prospect_and_silence_a_suspect() -> None:
    old = [(dt.date(2023, 5, 1), Decimal(900))]  # before the 24 months read
    contacted = rank_customer(CustomerFacts("c", purchases=old, last_contact=dt.date(2026, 1, 15)), today=TODAY)
    assert (contacted.pyramid_class, contacted.temperature) == (PyramidClass.PROSPECT, Temperature.INCERTO)
    assert _texts(contacted) == ["No purchases in the last 24 months; last contact on 15 Jan 2026."]
    silent = rank_customer(CustomerFacts("c", purchases=old, last_contact=dt.date(2024, 12, 1)), today=TODAY)
    assert silent.pyramid_class is PyramidClass.SUSPECT
    assert _texts(silent) == ["No purchases in the last 24 months and no contact in the last 365 days."]
    new = rank_customer(CustomerFacts("c", status="prospect"), today=TODAY)
    assert new.pyramid_class is PyramidClass.PROSPECT and _texts(new) == ["A prospect: no purchases yet."]


def test_returns_are_not_purchases_and_future_rows_are_ignored() -> None:
    rank = rank_customer(CustomerFacts("c", purchases=[
        (dt.date(2026, 2, 1), Decimal(-300)), (dt.date(2026, 4, 1), Decimal(5000))]), today=TODAY)
    assert rank.pyramid_class is PyramidClass.SUSPECT and rank.year_value == Decimal(-300)
    # a purchase and a return on the same day: the day's net counts
    rank = rank_customer(CustomerFacts("c", purchases=[
        (dt.date(2026, 2, 1), Decimal(400)), (dt.date(2026, 2, 1), Decimal(-100))]), today=TODAY)
    assert rank.pyramid_class is PyramidClass.USER and rank.year_value == Decimal(300)


def test_rules_are_data_and_round_trip_through_settings() -> None:
    rules = PyramidRules(advocate_value=Decimal(50000), client_months=4)
    assert PyramidRules.from_settings(rules.to_settings()) == rules
    assert PyramidRules.from_settings(None) == PyramidRules()
    purchases = _monthly_on_the_10th(dt.date(2024, 4, 10), dt.date(2026, 2, 10), lambda d: Decimal(2000))
    assert rank_customer(CustomerFacts("c", purchases=purchases), today=TODAY,
                         rules=rules).pyramid_class is PyramidClass.CLIENT
    with pytest.raises(ValueError):
        PyramidRules(client_months=11, advocate_months=10)
    with pytest.raises(ValueError):
        PyramidRules(late_ratio=Decimal(-1))


def test_labels() -> None:
    assert [str(class_label(c)) for c in CLASS_ORDER] == ["Advocate", "Client", "User", "Prospect", "Suspect"]
    assert str(temperature_label("molto_caldo")) == "Very warm"


purchase = st.tuples(st.dates(min_value=dt.date(2023, 1, 1), max_value=TODAY),
                     st.decimals(min_value=-500, max_value=20000, places=2))


@given(st.lists(purchase, max_size=40), st.randoms())
def test_the_order_of_the_rows_does_not_matter(purchases, rnd) -> None:
    shuffled = list(purchases)
    rnd.shuffle(shuffled)
    assert rank_customer(CustomerFacts("c", purchases=purchases), today=TODAY) == \
        rank_customer(CustomerFacts("c", purchases=shuffled), today=TODAY)


@given(st.lists(purchase, max_size=40), st.decimals(min_value=1, max_value=50000, places=2))
def test_a_purchase_today_never_lowers_the_class_nor_leaves_the_customer_late(purchases, amount) -> None:
    before = rank_customer(CustomerFacts("c", purchases=purchases), today=TODAY)
    after = rank_customer(CustomerFacts("c", purchases=[*purchases, (TODAY, amount)]), today=TODAY)
    assert CLASS_ORDER.index(after.pyramid_class) <= CLASS_ORDER.index(before.pyramid_class)
    assert after.year_value == before.year_value + amount
    if sum((a for d, a in purchases if d == TODAY), amount) > 0:  # today's net makes it a purchase day
        assert after.days_since_purchase == 0
        if after.temperature is Temperature.FREDDO:  # not late: only a halving of the purchases makes it cold
            assert after.recent_value <= after.previous_value * Decimal("0.5")


@given(st.lists(purchase, max_size=40))
def test_a_class_with_purchases_means_a_purchase_in_the_history(purchases) -> None:
    rank = rank_customer(CustomerFacts("c", purchases=purchases), today=TODAY)
    first = dt.date(2024, 4, 1)
    days: dict[dt.date, Decimal] = {}
    for d, a in purchases:
        if d >= first:
            days[d] = days.get(d, Decimal(0)) + a
    bought = any(total > 0 for total in days.values())
    assert (rank.pyramid_class in (PyramidClass.ADVOCATE, PyramidClass.CLIENT, PyramidClass.USER)) == bought
    assert (rank.temperature is Temperature.INCERTO) == (rank.usual_interval_days is None)
    assert 0 <= rank.active_months <= 12
