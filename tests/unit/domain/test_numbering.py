"""Offline document numbers: format/parse round trip, device blocks, exhaustion."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sfa_desktop.domain.numbering import (
    NumberBlock,
    NumberingError,
    format_document_number,
    next_number,
    parse_document_number,
)


def test_format_and_parse_worked_examples() -> None:
    assert format_document_number("Q", "AG07", 2026, 42) == "Q-AG07-2026-0042"
    assert format_document_number("O", "AG07", 2026, 13) == "O-AG07-2026-0013"
    assert format_document_number("O", "AG07", 2026, 123456) == "O-AG07-2026-123456"
    assert parse_document_number("Q-AG07-2026-0042") == ("Q", "AG07", 2026, 42)
    assert parse_document_number(" o-ag07-2026-0013 ") == ("O", "AG07", 2026, 13)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("X", "AG07", 2026, 1), "document kind must be 'Q' (quote) or 'O' (order), not 'X'"),
        (("Q", "AG-07", 2026, 1), "agent code 'AG-07' must be 2-12 capital letters or digits"),
        (("Q", "ag07", 2026, 1), "must be 2-12 capital letters or digits"),
        (("Q", "A", 2026, 1), "must be 2-12 capital letters or digits"),
        (("Q", "AG07", 1999, 1), "year 1999 is not a plausible document year"),
        (("Q", "AG07", 2026, 0), "sequence 0 must be a whole number from 1 to 999999999"),
        (("Q", "AG07", 2026, True), "sequence True must be a whole number"),
    ],
)
def test_format_rejects(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match="(?i)" + re.escape(message)):
        format_document_number(*args)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Q-AG07-2026-042", "is not a document number like Q-AG07-2026-0042"),
        ("Q-AG07-26-0042", "is not a document number like"),
        ("F-AG07-2026-0042", "is not a document number like"),
        ("Q-AG07-2026-0000", "is not a valid document number (zero sequence or year)"),
        ("", "is not a document number like"),
    ],
)
def test_parse_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="(?i)" + re.escape(message)):
        parse_document_number(text)
    with pytest.raises(ValueError, match="a document number is text"):
        parse_document_number(42)  # type: ignore[arg-type]


@given(
    st.sampled_from(["Q", "O"]),
    st.from_regex(r"[A-Z0-9]{2,12}", fullmatch=True),
    st.integers(2000, 9999),
    st.integers(1, 999_999_999),
)
def test_round_trip(kind: str, agent: str, year: int, sequence: int) -> None:
    assert parse_document_number(format_document_number(kind, agent, year, sequence)) == (
        kind,
        agent,
        year,
        sequence,
    )


def test_block_is_used_in_order_and_then_exhausted() -> None:
    block = NumberBlock(1001, 1003)
    used: list[int] = []
    last: int | None = None
    while True:
        try:
            last = next_number(block, last)
        except NumberingError as exc:
            assert "(1001-1003) are used up; connect and sync to receive a new block" in str(exc)
            break
        used.append(last)
    assert used == [1001, 1002, 1003]
    assert block.remaining(None) == 3 and block.remaining(1002) == 1 and block.remaining(1003) == 0


def test_a_new_block_starts_after_the_previous_one() -> None:
    assert next_number(NumberBlock(2001, 3000), 1000) == 2001  # last used came from the old block


def test_two_devices_never_collide() -> None:
    laptop, tablet = NumberBlock(1, 500), NumberBlock(501, 1000)
    numbers = []
    for block in (laptop, tablet):
        last = None
        for _ in range(500):
            last = next_number(block, last)
            numbers.append(format_document_number("O", "AG07", 2026, last))
    assert len(set(numbers)) == 1000


def test_crash_after_persisting_never_reuses() -> None:
    # The client persisted 7 as last used, then crashed before saving the document: 7 is skipped.
    persisted = next_number(NumberBlock(1, 100), 6)
    assert next_number(NumberBlock(1, 100), persisted) == 8


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (0, 10, "number block 0..10 is not a valid range"),
        (10, 9, "number block 10..9 is not a valid range"),
        ("1", 9, "the number block must be made of whole numbers"),
    ],
)
def test_bad_blocks(start: object, end: object, message: str) -> None:
    with pytest.raises(NumberingError, match="(?i)" + re.escape(message)):
        NumberBlock(start, end)  # type: ignore[arg-type]
