"""Quote, order and deal state machines: every legal move, and clear errors for the others."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest

from sfa_desktop.domain.lifecycle import (
    DEFAULT_QUOTE_VALIDITY_DAYS,
    ORDER_TRANSITIONS,
    QUOTE_TRANSITIONS,
    DealStage,
    OrderStatus,
    QuoteStatus,
    TransitionError,
    can_convert_quote,
    can_edit_order,
    can_edit_quote,
    can_revise_quote,
    check_quote_conversion,
    deal_transition,
    default_valid_until,
    is_quote_expired,
    order_transition,
    quote_transition,
    status_label,
)

TODAY = date(2026, 3, 15)


def test_quote_happy_paths() -> None:
    assert quote_transition("draft", "sent") is QuoteStatus.SENT
    assert (
        quote_transition(QuoteStatus.SENT, QuoteStatus.ACCEPTED, today=TODAY, valid_until=TODAY)
        is QuoteStatus.ACCEPTED
    )
    assert quote_transition("sent", "lost", lost_reason="competitor cheaper") is QuoteStatus.LOST
    assert (
        quote_transition("sent", "expired", today=TODAY, valid_until=date(2026, 3, 14)) is QuoteStatus.EXPIRED
    )


@pytest.mark.parametrize(
    ("current", "target", "kwargs", "message"),
    [
        ("draft", "accepted", {}, "a quote that is draft cannot become won (only sent)"),
        ("sent", "draft", {}, "a quote that is sent cannot become draft (only won, expired, lost)"),
        (
            "accepted",
            "sent",
            {},
            "a quote that is won is closed and cannot become sent; create a revision",
        ),
        ("lost", "accepted", {}, "a quote that is lost is closed"),
        ("sent", "lost", {}, "say why the quote was lost"),
        ("sent", "lost", {"lost_reason": "   "}, "say why the quote was lost"),
        (
            "sent",
            "accepted",
            {"today": TODAY, "valid_until": date(2026, 3, 1)},
            "the quote expired on 1 Mar 2026: create a revision with new prices",
        ),
        ("sent", "expired", {"today": TODAY, "valid_until": TODAY}, "the quote is valid until 15 Mar 2026"),
        ("sent", "expired", {}, "a quote expires only by its validity date"),
        (
            "sent",
            "won",
            {},
            "'won' is not a valid value; expected one of: draft, sent, accepted, lost, expired",
        ),
    ],
)
def test_quote_illegal_transitions(current: str, target: str, kwargs: dict, message: str) -> None:
    with pytest.raises(TransitionError, match="(?i)" + re.escape(message)):
        quote_transition(current, target, **kwargs)


def test_every_quote_pair_outside_the_table_is_refused() -> None:
    for current in QuoteStatus:
        for target in QuoteStatus:
            if target in QUOTE_TRANSITIONS[current]:
                continue
            with pytest.raises(TransitionError):
                quote_transition(current, target, lost_reason="x", today=TODAY, valid_until=date(2020, 1, 1))


def test_expiry_and_default_validity() -> None:
    assert not is_quote_expired(TODAY, TODAY)
    assert is_quote_expired(date(2026, 3, 14), TODAY)
    assert not is_quote_expired(None, TODAY)
    assert DEFAULT_QUOTE_VALIDITY_DAYS == 30
    assert default_valid_until(TODAY) == date(2026, 4, 14)
    assert default_valid_until(TODAY, 60) == date(2026, 5, 14)
    with pytest.raises(ValueError, match="quote validity must be 1-3650 days"):
        default_valid_until(TODAY, 0)


def test_revisions_and_read_only_older_versions() -> None:
    assert can_edit_quote("draft", True)
    assert not can_edit_quote("draft", False)  # an older revision is read-only
    assert not can_edit_quote("sent", True)
    assert (
        can_revise_quote("sent", True)
        and can_revise_quote("lost", True)
        and can_revise_quote("expired", True)
    )
    assert not can_revise_quote("sent", False)
    assert not can_revise_quote("draft", True) and not can_revise_quote("accepted", True)


def test_quote_to_order_conversion() -> None:
    assert check_quote_conversion("sent", valid_until=TODAY, today=TODAY) is QuoteStatus.ACCEPTED
    assert check_quote_conversion("accepted", valid_until=None, today=TODAY) is QuoteStatus.ACCEPTED
    assert can_convert_quote("sent", valid_until=TODAY, today=TODAY)
    assert not can_convert_quote("sent", valid_until=date(2026, 1, 1), today=TODAY)


@pytest.mark.parametrize(
    ("status", "kwargs", "message"),
    [
        ("draft", {}, "a quote that is draft cannot become an order (send it first)"),
        ("lost", {}, "a quote that is lost cannot become an order; create a revision"),
        ("sent", {"valid_until": date(2026, 3, 1)}, "the quote expired on 1 Mar 2026"),
        ("sent", {"is_latest_revision": False}, "a newer revision of this quote exists: convert that one"),
    ],
)
def test_quote_conversion_refused(status: str, kwargs: dict, message: str) -> None:
    args = {"valid_until": None, "today": TODAY, **kwargs}
    with pytest.raises(TransitionError, match="(?i)" + re.escape(message)):
        check_quote_conversion(status, **args)


@pytest.mark.parametrize(
    "path",
    [
        ["draft", "submitted", "approved", "fulfilled"],
        ["draft", "submitted", "pending_approval", "approved", "cancelled"],
        ["draft", "submitted", "pending_approval", "rejected"],
        ["draft", "submitted", "rejected"],
        ["draft", "cancelled"],
    ],
)
def test_order_paths(path: list[str]) -> None:
    for current, target in itertools.pairwise(path):
        assert order_transition(current, target) == OrderStatus(target)


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        ("draft", "approved", "an order that is draft cannot become approved (only cancelled, submitted)"),
        ("submitted", "fulfilled", "an order that is submitted cannot become fulfilled"),
        ("fulfilled", "cancelled", "an order that is fulfilled is closed and cannot become cancelled"),
        ("rejected", "approved", "an order that is rejected is closed"),
        ("approved", "shipped", "'shipped' is not a valid value"),
    ],
)
def test_order_illegal_transitions(current: str, target: str, message: str) -> None:
    with pytest.raises(TransitionError, match="(?i)" + re.escape(message)):
        order_transition(current, target)


def test_every_order_pair_outside_the_table_is_refused() -> None:
    for current in OrderStatus:
        for target in OrderStatus:
            if target not in ORDER_TRANSITIONS[current]:
                with pytest.raises(TransitionError):
                    order_transition(current, target)
    assert can_edit_order("draft") and not can_edit_order("submitted")


def test_deal_stages() -> None:
    assert [s.value for s in DealStage] == [
        "contatto",
        "offerta",
        "rilancio",
        "sollecito",
        "rinvio",
        "sospensione",
        "chiuso_vinto",
        "chiuso_perso",
    ]
    assert deal_transition("contatto", "offerta") is DealStage.OFFERTA
    assert deal_transition("sollecito", "rilancio") is DealStage.RILANCIO  # non-linear on purpose
    assert deal_transition("rinvio", "chiuso_vinto") is DealStage.CHIUSO_VINTO
    assert deal_transition("offerta", "chiuso_perso", lost_reason="prezzo") is DealStage.CHIUSO_PERSO
    assert deal_transition("chiuso_perso", "contatto") is DealStage.CONTATTO
    assert {str(status_label("deal_stage", stage)) for stage in DealStage} >= {"Won", "Lost", "First contact"}


@pytest.mark.parametrize(
    ("current", "target", "kwargs", "message"),
    [
        ("offerta", "offerta", {}, "the deal is already at stage Offer sent"),
        ("chiuso_vinto", "rilancio", {}, "a won deal is closed: open a new deal for new business"),
        ("chiuso_perso", "offerta", {}, "a lost deal can only be reopened at stage First contact"),
        ("offerta", "chiuso_perso", {}, "say why the deal was lost"),
        ("offerta", "vinto", {}, "'vinto' is not a valid value"),
    ],
)
def test_deal_illegal_transitions(current: str, target: str, kwargs: dict, message: str) -> None:
    with pytest.raises(TransitionError, match="(?i)" + re.escape(message)):
        deal_transition(current, target, **kwargs)
