"""Parsing of the cell values found in Italian ERP exports: numbers, dates, flags, tax ids.

Every parser raises ValueError with a message in words that goes straight into the import report.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from stdnum import ean
from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.it import codicefiscale, iva

#: VAT rates in force in Italy (ordinary, reduced, super-reduced, exempt/non-taxable).
VAT_RATES = frozenset({Decimal(0), Decimal(4), Decimal(5), Decimal(10), Decimal(22)})

COMMA, POINT = ",", "."

_THOUSANDS_POINT = re.compile(r"\d{1,3}(\.\d{3})+")
_THOUSANDS_COMMA = re.compile(r"\d{1,3}(,\d{3})+")
_PLAIN = re.compile(r"\d+(\.\d+)?")


def decimal_evidence(text: str) -> str | None:
    """Which decimal separator a number written as `text` betrays, or None if it cannot tell."""
    s = text.strip().lstrip("-+").rstrip("-")
    if "," in s and "." in s:
        return COMMA if s.rfind(",") > s.rfind(".") else POINT
    if "," in s:
        return None if _THOUSANDS_COMMA.fullmatch(s) else COMMA
    if "." in s:
        return None if _THOUSANDS_POINT.fullmatch(s) else POINT
    return None


def parse_decimal(text: str, *, decimal_separator: str = COMMA) -> Decimal:
    """'1.234,56', '1234,56', '1234.56', '-12', '12-' -> Decimal.

    A value that shows its own separator is read that way; only a value such as '1.234', which
    reads both ways, follows the file's `decimal_separator`.
    """
    s = text.strip().replace(" ", "").replace("\u00a0", "").replace("€", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.startswith("-"):
        negative, s = True, s[1:]
    elif s.endswith("-"):  # some ERPs put the sign after the number
        negative, s = True, s[:-1]
    elif s.startswith("+"):
        s = s[1:]
    if "," in s and "." in s:
        sep = COMMA if s.rfind(",") > s.rfind(".") else POINT
        thousands = POINT if sep == COMMA else COMMA
        head, _, tail = s.rpartition(sep)
        pattern = _THOUSANDS_POINT if thousands == POINT else _THOUSANDS_COMMA
        if not pattern.fullmatch(head) or not tail.isdigit():
            raise ValueError(f"'{text}' is not a number")
        s = head.replace(thousands, "") + "." + tail
    elif "," in s:
        if _THOUSANDS_COMMA.fullmatch(s) and decimal_separator == POINT:
            s = s.replace(",", "")
        elif s.count(",") == 1:
            s = s.replace(",", ".")
        else:
            raise ValueError(f"'{text}' is not a number")
    elif "." in s and _THOUSANDS_POINT.fullmatch(s) and (decimal_separator == COMMA or s.count(".") > 1):
        s = s.replace(".", "")
    if not _PLAIN.fullmatch(s):
        raise ValueError(f"'{text}' is not a number")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above already guards
        raise ValueError(f"'{text}' is not a number") from exc
    return -value if negative else value


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})")


def parse_date(text: str) -> dt.date:
    """'31/12/2025', '31-12-2025', '31.12.25' or ISO '2025-12-31' (a time part is ignored)."""
    s = text.strip()
    iso = s[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso) and (len(s) == 10 or s[10] in "T "):
        try:
            return dt.date.fromisoformat(iso)
        except ValueError:
            raise ValueError(f"'{text}' is not a valid date") from None
    m = _DMY.fullmatch(s.split(" ")[0])
    if not m:
        raise ValueError(f"'{text}' is not a date (expected dd/mm/yyyy or yyyy-mm-dd)")
    day, month, year = (int(g) for g in m.groups())
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a valid date") from None


def parse_datetime(text: str) -> dt.datetime:
    """An ISO timestamp (UTC if no zone) or a date alone (midnight UTC)."""
    s = text.strip()
    try:
        value = dt.datetime.fromisoformat(s)
    except ValueError:
        d = parse_date(s)
        return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


_TRUE = {"1", "s", "si", "sì", "y", "yes", "true", "vero", "x", "t"}
_FALSE = {"0", "n", "no", "false", "falso", "f", ""}


def parse_bool(text: str) -> bool:
    s = text.strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueError(f"'{text}' is not yes/no (use S/N, 1/0, si/no, true/false)")


def parse_int(text: str) -> int:
    s = text.strip()
    if not re.fullmatch(r"[+-]?\d+", s):
        raise ValueError(f"'{text}' is not a whole number")
    return int(s)


def normalize_vat_number(text: str) -> str:
    """An Italian partita IVA (11 digits, check digit verified, 'IT' prefix dropped) or a foreign
    VAT number with its two-letter country prefix, kept as given (spaces removed, upper case)."""
    s = re.sub(r"[\s.\-/]", "", text).upper()
    if s.startswith("IT"):
        s = s[2:]
    if re.fullmatch(r"[A-Z]{2}[0-9A-Z+*]{2,13}", s):
        return s
    if not re.fullmatch(r"\d{11}", s):
        raise ValueError(f"'{text}' is not 11 digits (foreign numbers need their country prefix)")
    try:
        return iva.validate(s)
    except InvalidComponent:
        raise ValueError(f"'{text}' has a right check digit but office code {s[7:10]} is not assigned by "
                         "the Agenzia delle Entrate (digits 8 to 10)") from None
    except ValidationError:
        raise ValueError(f"'{text}' has a wrong check digit") from None


def normalize_tax_code(text: str) -> str:
    """An Italian codice fiscale: 16 characters for a person, 11 digits for a company."""
    s = re.sub(r"\s", "", text).upper()
    try:
        return codicefiscale.validate(s)
    except ValidationError:
        raise ValueError(f"'{text}' is not a valid codice fiscale") from None


def normalize_barcode(text: str) -> str:
    """An EAN-8/EAN-13/UPC/GTIN-14 barcode with a correct check digit."""
    s = re.sub(r"\s", "", text)
    try:
        return ean.validate(s)
    except ValidationError:
        raise ValueError(f"'{text}' is not a valid EAN (check digit or length)") from None


def parse_vat_rate(text: str, *, decimal_separator: str = COMMA) -> Decimal:
    value = parse_decimal(text.replace("%", ""), decimal_separator=decimal_separator)
    if value not in VAT_RATES:
        rates = ", ".join(str(r) for r in sorted(VAT_RATES))
        raise ValueError(f"{text.strip()} is not one of {rates}")
    return value.quantize(Decimal("0.01"))
