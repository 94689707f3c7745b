"""Offline document numbers "Q-AG07-2026-0042": agent code, year, and a sequence from a device block.

The server hands each device its own block of sequence numbers, so two devices of one agent never
collide, and agent codes are unique, so two agents never collide. The client stores the number it
is about to use BEFORE using it (in the same transaction as the document), so a crash can leave a
gap but never reuses a number. Quotes and orders each keep their own last used number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sfa_desktop.domain.messages import N_, UserError, register

__all__ = [
    "DOCUMENT_KINDS",
    "NumberBlock",
    "NumberingError",
    "format_document_number",
    "next_number",
    "parse_document_number",
    "validate_agent_code",
]

#: Q = quote (offerta), O = order (ordine).
DOCUMENT_KINDS = ("Q", "O")
_AGENT_CODE = re.compile(r"^[A-Z0-9]{2,12}$")
_NUMBER = re.compile(r"^([QO])-([A-Z0-9]{2,12})-(\d{4})-(\d{4,9})$")


class NumberingError(UserError):
    """No document number can be given (block exhausted, bad block, bad input)."""


register({
    "numbering.block_whole": N_("The number block must be made of whole numbers."),
    "numbering.block_range": N_("Number block {start}..{end} is not a valid range."),
    "numbering.block_used_up": N_("The document numbers reserved for this computer ({start}-{end}) are used "
                                  "up; connect and sync to receive a new block."),
})


def validate_agent_code(agent_code: str) -> str:
    """Agent codes are 2-12 upper-case letters and digits (no '-': it separates the parts)."""
    if not isinstance(agent_code, str) or not _AGENT_CODE.match(agent_code):
        raise ValueError(f"agent code {agent_code!r:.20} must be 2-12 capital letters or digits, e.g. AG07")
    return agent_code


def format_document_number(kind: str, agent_code: str, year: int, sequence: int) -> str:
    """("Q", "AG07", 2026, 42) -> "Q-AG07-2026-0042"; the sequence has at least 4 digits."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"document kind must be 'Q' (quote) or 'O' (order), not {kind!r:.10}")
    validate_agent_code(agent_code)
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 9999:
        raise ValueError(f"year {year!r:.10} is not a plausible document year")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or not 1 <= sequence <= 999_999_999:
        raise ValueError(f"sequence {sequence!r:.12} must be a whole number from 1 to 999999999")
    return f"{kind}-{agent_code}-{year}-{sequence:04d}"


def parse_document_number(text: str) -> tuple[str, str, int, int]:
    """"Q-AG07-2026-0042" -> ("Q", "AG07", 2026, 42); ValueError when it is not one of ours."""
    if not isinstance(text, str):
        raise ValueError(f"a document number is text, not {type(text).__name__}")
    match = _NUMBER.match(text.strip().upper())
    if match is None:
        raise ValueError(f"{text!r:.40} is not a document number like Q-AG07-2026-0042")
    kind, agent_code, year, sequence = match.groups()
    if int(sequence) == 0 or int(year) < 2000:
        raise ValueError(f"{text!r:.40} is not a valid document number (zero sequence or year)")
    return kind, agent_code, int(year), int(sequence)


@dataclass(frozen=True)
class NumberBlock:
    """Sequence numbers start..end (both included) reserved by the server for one device."""

    start: int
    end: int

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise NumberingError("numbering.block_whole")
        if self.start < 1 or self.end < self.start or self.end > 999_999_999:
            raise NumberingError("numbering.block_range", start=self.start, end=self.end)

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and self.start <= number <= self.end

    def remaining(self, last_used: int | None) -> int:
        """How many numbers are still free after `last_used`."""
        if last_used is None or last_used < self.start:
            return self.end - self.start + 1
        return max(0, self.end - last_used)


def next_number(block: NumberBlock, last_used: int | None) -> int:
    """The number to use next. Persist it as the new last used number before using it.

    `last_used` below the block (a number of the device's previous block) starts the block; a
    `last_used` at or past its end means the block is exhausted: sync to get a new one.
    """
    if last_used is None or last_used < block.start:
        return block.start
    if last_used >= block.end:
        raise NumberingError("numbering.block_used_up", start=block.start, end=block.end)
    return last_used + 1
