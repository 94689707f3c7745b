"""The trade's rules for moving a deal: an offer before a counter-offer or a follow-up, a date for
a postponement, and the stage history entries."""

from __future__ import annotations

import datetime as dt

import pytest

from sfa_desktop.domain.lifecycle import (
    DealStage,
    TransitionError,
    deal_offer_made,
    deal_stage_entry,
    deal_transition,
)

TODAY = dt.date(2026, 3, 2)


def test_a_follow_up_or_a_counter_offer_needs_an_offer_first() -> None:
    with pytest.raises(TransitionError) as caught:
        deal_transition("contatto", "sollecito")
    assert str(caught.value) == ("A deal goes to Follow-up only after an offer: move it to Offer sent first, "
                                 "or link a quote that was sent.")
    assert deal_transition("contatto", "sollecito", offer_made=True) is DealStage.SOLLECITO
    assert deal_transition("offerta", "rilancio") is DealStage.RILANCIO
    with pytest.raises(TransitionError):
        deal_transition("sospensione", "rilancio", offer_made=False)  # put on hold before any offer
    assert deal_transition("sospensione", "rilancio", offer_made=True) is DealStage.RILANCIO


def test_a_postponed_deal_needs_the_date_it_is_postponed_to() -> None:
    for close in (None, TODAY):
        with pytest.raises(TransitionError) as caught:
            deal_transition("offerta", "rinvio", expected_close=close, today=TODAY)
        assert caught.value.code == "lifecycle.deal_postponed_needs_date"
    assert deal_transition("offerta", "rinvio", expected_close=dt.date(2026, 9, 1), today=TODAY) is DealStage.RINVIO


def test_closing_and_reopening_rules_stay() -> None:
    assert deal_transition("contatto", "chiuso_vinto") is DealStage.CHIUSO_VINTO  # an order at first contact
    with pytest.raises(TransitionError):
        deal_transition("offerta", "chiuso_perso", lost_reason=" ")
    assert deal_transition("chiuso_perso", "contatto") is DealStage.CONTATTO


def test_whether_an_offer_was_made() -> None:
    at = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    history = [deal_stage_entry(stage="contatto", previous=None, at=at)]
    assert not deal_offer_made(history) and not deal_offer_made(None, ["draft"])
    assert deal_offer_made(history, ["draft", "sent"])
    history.append(deal_stage_entry(stage="offerta", previous="contatto", at=at, reason="listino 2026"))
    assert deal_offer_made(history)
    assert history[1] == {"stage": "offerta", "from": "contatto", "at": "2026-03-02T10:00:00+00:00",
                          "reason": "listino 2026"}
    with pytest.raises(ValueError):
        deal_stage_entry(stage="offerta", previous=None, at=dt.datetime(2026, 3, 2))
