"""Money as Decimal: the one rounding rule (half-up to the cent), and parsing/formatting amounts."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "CENT",
    "ZERO",
    "MoneyError",
    "as_decimal",
    "format_amount",
    "parse_amount",
    "round_cent",
    "round_to",
]

CENT = Decimal("0.01")
ZERO = Decimal("0")

#: Symbols printed for the currencies we format; any other code is printed as the code itself.
_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}
_STRIPPABLE = tuple(sorted(set(_SYMBOLS) | set(_SYMBOLS.values()), key=len, reverse=True))

# One optional sign, digits with optional grouping, one optional decimal part. Both separators are
# tried; the last separator that appears is the decimal one (see parse_amount).
_AMOUNT_CHARS = re.compile(r"^[0-9.,]+$")
_GROUPED = {
    # decimal separator -> (thousands separator, pattern)
    ",": (".", re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$|^\d+(,\d+)?$")),
    ".": (",", re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$|^\d+(\.\d+)?$")),
}
_MAX_DECIMALS = 6
_MAX_ABS = Decimal("1e12")


class MoneyError(ValueError):
    """An amount the user typed (or a peer sent) is not a valid amount of money."""


def as_decimal(value: Decimal | int | str, *, what: str = "amount") -> Decimal:
    """Return `value` as a finite Decimal; floats are refused (they cannot hold cents exactly)."""
    if isinstance(value, (bool, float)):
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise MoneyError(f"{what} {value!r:.40} is not a number") from None
    else:
        raise TypeError(f"{what} must be a Decimal, not {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError(f"{what} must be a finite number, not {result}")
    return result


def round_to(x: Decimal, places: int) -> Decimal:
    """Round half-up to `places` decimals (the rule used everywhere in the domain)."""
    if not isinstance(x, Decimal):
        raise TypeError(f"expected a Decimal, got {type(x).__name__}")
    if not x.is_finite():
        raise MoneyError(f"cannot round {x}: not a finite number")
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def round_cent(x: Decimal) -> Decimal:
    """Round half-up to the cent: 2.345 -> 2.35, -2.345 -> -2.35 (half away from zero)."""
    return round_to(x, 2)


def parse_amount(text: str) -> Decimal:
    """Parse an amount typed in Italian or English style.

    Accepted: "1.234,56", "1234,56", "1234,5", "1,234.56", "1234.56", "-12", "€ 1.234,56",
    "1.234,56 €", "EUR 10". When both separators appear, the last one is the decimal separator and
    the other must group digits by three. With one kind of separator only, it is decimal when it
    occurs once and groups thousands when it occurs more than once ("1.234.567" = 1234567); so
    "1.234" is 1.234 and "1,234" is 1.234 too. Currency codes/symbols of format_amount are ignored.
    """
    if not isinstance(text, str):
        raise MoneyError(f"amount must be text, not {type(text).__name__}")
    raw = text
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    for symbol in _STRIPPABLE:
        cleaned = cleaned.removeprefix(symbol).removesuffix(symbol).strip()
    if cleaned.startswith(("-", "+")):
        sign, cleaned = cleaned[0], cleaned[1:].strip()
        for symbol in _STRIPPABLE:
            cleaned = cleaned.removeprefix(symbol).strip()
    else:
        sign = ""
    if not cleaned:
        raise MoneyError("the amount is empty")
    if " " in cleaned:
        raise MoneyError(f"{raw!r:.40} is not an amount: remove the spaces inside the number")
    if cleaned.startswith(("-", "+")):
        raise MoneyError(f"{raw!r:.40} is not an amount: write the sign once")
    if not _AMOUNT_CHARS.match(cleaned):
        raise MoneyError(f"{raw!r:.40} is not an amount: use digits with ',' or '.' for the decimals")
    decimal_sep, thousands_sep = _separators(cleaned)
    if decimal_sep is None:
        digits = cleaned
        if thousands_sep is not None:
            if not _GROUPED["," if thousands_sep == "." else "."][1].match(cleaned):
                raise MoneyError(f"{raw!r:.40} is not an amount: thousands must be grouped by three")
            digits = cleaned.replace(thousands_sep, "")
    else:
        thousands_sep, pattern = _GROUPED[decimal_sep]
        if not pattern.match(cleaned):
            raise MoneyError(
                f"{raw!r:.40} is not an amount: use {decimal_sep!r} once for the decimals and "
                f"{thousands_sep!r} only between groups of three digits")
        digits = cleaned.replace(thousands_sep, "").replace(decimal_sep, ".")
    try:
        value = Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        raise MoneyError(f"{raw!r:.40} is not an amount") from None
    if -value.as_tuple().exponent > _MAX_DECIMALS:  # type: ignore[operator]
        raise MoneyError(f"{raw!r:.40} has more than {_MAX_DECIMALS} decimals")
    if abs(value) >= _MAX_ABS:
        raise MoneyError(f"{raw!r:.40} is too large for an amount")
    return value


def _separators(cleaned: str) -> tuple[str | None, str | None]:
    """(decimal separator, thousands separator) of `cleaned`; None where it has none."""
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        return ("," , ".") if cleaned.rfind(",") > cleaned.rfind(".") else (".", ",")
    if commas:
        return (",", None) if commas == 1 else (None, ",")
    if dots:
        return (".", None) if dots == 1 else (None, ".")
    return (None, None)


def format_amount(x: Decimal, lang: str = "it", currency: str | None = "EUR", *, places: int = 2) -> str:
    """Format an amount for people: it "1.234,56 €", en "€1,234.56"; rounded half-up to `places`.

    `currency=None` prints the number alone. parse_amount(format_amount(x)) == round_to(x, places).
    """
    value = round_to(as_decimal(x), places)
    negative = value < 0
    body = f"{abs(value):,.{places}f}"  # en grouping: 1,234.56
    if lang == "it":
        body = body.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    elif lang != "en":
        raise ValueError(f"unsupported language {lang!r}: use 'it' or 'en'")
    sign = "-" if negative else ""
    if currency is None:
        return sign + body
    symbol = _SYMBOLS.get(currency.upper(), currency.upper())
    if lang == "it":
        return f"{sign}{body} {symbol}"
    separator = " " if len(symbol) > 1 else ""
    return f"{sign}{symbol}{separator}{body}"
