"""The value codec of the wire: field types, and one encoder/decoder for streams and commands.

Decimals travel as strict ASCII text ("12.50", never a float, never "1_000" or a far exponent),
dates as ISO text, times as ISO text with a zone (stored UTC), bytes as base64.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


class ProtocolError(ValueError):
    """A message that does not follow the protocol (wrong shape, type or value).

    Its text may quote what the peer sent: lone surrogates are escaped, so the message itself can
    always be encoded, stored and sent back (a hostile key must not turn a refusal into a fault).
    """

    def __init__(self, message: str) -> None:
        super().__init__(safe_text(message))


def safe_text(text: str) -> str:
    """`text` with anything UTF-8 cannot carry (lone surrogates) written as a backslash escape."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


STR, INT, DECIMAL, DATE, DATETIME, BOOL, JSON, BYTES = (
    "str", "int", "decimal", "date", "datetime", "bool", "json", "bytes",
)
#: Largest integer a field may carry (both databases store 64-bit integers).
MAX_INT = 2**63 - 1
#: Decimals: at most this many characters, and a magnitude within 10**-MAX_EXPONENT..10**MAX_EXPONENT.
MAX_DECIMAL_CHARS = 40
MAX_EXPONENT = 24
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,2})?")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str
    nullable: bool = True
    #: Longest text accepted (characters) for str fields; None = the stream's own columns decide.
    max_len: int | None = None


def parse_fields(spec: str) -> tuple[Field, ...]:
    """Parse 'name:type name:type!' ('!' = not null) into fields."""
    out = []
    for token in spec.split():
        name, _, kind = token.partition(":")
        required = kind.endswith("!")
        out.append(Field(name, kind.rstrip("!"), nullable=not required))
    return tuple(out)


def encode_decimal(value: Decimal) -> str:
    """Fixed-point text without exponent: "1E+3" is sent as "1000"."""
    text = str(value)  # several times cheaper than format(); only exponents need the slow path
    return format(value, "f") if "E" in text else text


def decode_decimal(value: Any, where: str) -> Decimal:
    """Strict decimal text -> a finite Decimal of bounded magnitude, else ProtocolError."""
    if not isinstance(value, str) or len(value) > MAX_DECIMAL_CHARS or not _DECIMAL_TEXT.fullmatch(value):
        raise ProtocolError(f"{where}: expected decimal, got {value!r:.60}")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid text
        raise ProtocolError(f"{where}: {value!r:.60} is not a number") from exc
    if number and not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT:
        raise ProtocolError(f"{where}: {value!r:.60} is out of range")
    return number


def _no_surrogates(text: str, where: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ProtocolError(f"{where}: the text is not valid Unicode") from exc
    if "\x00" in text:
        raise ProtocolError(f"{where}: the text contains a NUL character")
    return text


def encode_value(kind: str, value: Any) -> Any:
    """Python value -> JSON-safe wire value (Decimal as text, dates ISO, bytes base64)."""
    if value is None:
        return None
    if kind == DECIMAL:
        return encode_decimal(value) if isinstance(value, Decimal) else str(value)
    if kind == DATETIME:
        if value.tzinfo is None:  # storage is UTC; naive values are UTC by convention
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if kind == DATE:
        return value.isoformat()
    if kind == BYTES:
        return base64.b64encode(value).decode("ascii")
    return value


def decode_value(kind: str, value: Any, where: str) -> Any:
    """Wire value -> Python value, raising ProtocolError naming `where` on a bad value."""
    if value is None:
        return None
    try:
        if kind == STR:
            if not isinstance(value, str):
                raise TypeError
            return value
        if kind == INT:
            if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_INT:
                raise TypeError
            return value
        if kind == BOOL:
            if not isinstance(value, bool):
                raise TypeError
            return value
        if kind == DECIMAL:
            return decode_decimal(value, where)
        if kind == DATE:
            if not isinstance(value, str) or len(value) != 10:
                raise TypeError
            return dt.date.fromisoformat(value)
        if kind == DATETIME:
            if not isinstance(value, str) or len(value) > 40:
                raise TypeError
            v = dt.datetime.fromisoformat(value)
            if v.tzinfo is None:
                raise ValueError
            return v.astimezone(dt.UTC)
        if kind == BYTES:
            return base64.b64decode(value, validate=True)
        if kind == JSON:
            return value
    except (TypeError, ValueError, InvalidOperation, AttributeError, OverflowError) as exc:
        if isinstance(exc, ProtocolError):
            raise
        raise ProtocolError(f"{where}: expected {kind}, got {value!r:.60}") from exc
    raise ProtocolError(f"{where}: unknown field type {kind}")


def decode_text(value: Any, where: str, *, max_len: int | None = None, strip: bool = True) -> str | None:
    """Free text from a peer: a str of valid Unicode with no NUL, at most `max_len` characters.

    Blank text is None (an empty field), so "" and "   " never reach the database.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ProtocolError(f"{where}: expected text, got {value!r:.60}")
    _no_surrogates(value, where)
    text = value.strip() if strip else value
    if max_len is not None and len(text) > max_len:
        raise ProtocolError(f"{where}: longer than {max_len} characters")
    return text or None
