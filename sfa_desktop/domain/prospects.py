"""Prospects: Italian VAT number / tax code validation and the duplicate check against customers."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength, ValidationError
from stdnum.it import codicefiscale, iva

from sfa_desktop.domain.messages import N_, UserError, register

__all__ = [
    "CustomerSummary",
    "IdentifierError",
    "ProspectCandidate",
    "find_duplicates",
    "normalise_email",
    "normalise_name",
    "normalise_phone",
    "validate_tax_code",
    "validate_vat_number",
]

# Legal forms and filler words dropped before comparing company names.
_LEGAL_WORDS = frozenset({
    "srl", "srls", "spa", "sas", "snc", "sapa", "scarl", "scrl", "sc", "ss", "coop", "cooperativa",
    "soc", "societa", "unipersonale", "ditta", "di", "e", "c", "ltd", "gmbh", "sa", "the",
})
_ABBREVIATIONS = {"flli": "fratelli", "f.lli": "fratelli", "f lli": "fratelli"}
_FREE_MAIL = frozenset({"gmail.com", "libero.it", "hotmail.com", "hotmail.it", "yahoo.it", "yahoo.com",
                        "outlook.com", "outlook.it", "virgilio.it", "alice.it", "tiscali.it", "icloud.com",
                        "live.it", "pec.it", "legalmail.it"})
#: Score of each signal alone; signals combine as 1 - Π(1 - s) (none can push above 1).
SIGNAL_SCORES = {"vat": 0.99, "tax_code": 0.95, "email": 0.7, "phone": 0.6, "domain": 0.25}
NAME_SIMILARITY_FLOOR = 0.8


class IdentifierError(UserError):
    """A VAT number or tax code that is not valid; the message says what is wrong."""


register({
    "identifier.vat_empty": N_("The VAT number is empty."),
    "identifier.tax_code_empty": N_("The tax code is empty."),
    "identifier.vat_foreign": N_("'{text}' is not an Italian VAT number (only IT numbers are checked)."),
    "identifier.vat_length": N_("VAT number '{text}' must have 11 digits."),
    "identifier.vat_check_digit": N_("VAT number '{text}' is mistyped: its check digit does not match."),
    "identifier.vat_component": N_("VAT number '{text}' contains an invalid part (the tax office code)."),
    "identifier.vat_format": N_("VAT number '{text}' has an invalid format: it must have 11 digits."),
    "identifier.tax_code_length": N_("Tax code '{text}' must have 16 characters (a person) or 11 digits "
                                     "(a company)."),
    "identifier.tax_code_check_digit": N_("Tax code '{text}' is mistyped: its check character does not "
                                          "match."),
    "identifier.tax_code_component": N_("Tax code '{text}' contains an invalid part (e.g. the date of birth)."),
    "identifier.tax_code_format": N_("Tax code '{text}' has an invalid format: it must have 16 characters "
                                     "(a person) or 11 digits (a company)."),
})


def _stdnum_error(kind: str, text: str, exc: ValidationError) -> IdentifierError:
    if isinstance(exc, InvalidLength):
        what = "length"
    elif isinstance(exc, InvalidChecksum):
        what = "check_digit"
    elif isinstance(exc, InvalidComponent):
        what = "component"
    else:
        what = "format"
    return IdentifierError(f"identifier.{kind}_{what}", text=text.strip()[:20])


def validate_vat_number(text: str) -> str:
    """Italian partita IVA -> its 11 digits; "IT 00743110157" and "00743110157" both accepted."""
    if not isinstance(text, str) or not text.strip():
        raise IdentifierError("identifier.vat_empty")
    compact = re.sub(r"[\s.\-/]", "", text).upper()
    if re.match(r"^[A-Z]{2}", compact) and not compact.startswith("IT"):
        raise IdentifierError("identifier.vat_foreign", text=text.strip()[:20])
    compact = compact.removeprefix("IT")
    try:
        return str(iva.validate(compact))
    except ValidationError as exc:
        raise _stdnum_error("vat", text, exc) from None


def validate_tax_code(text: str) -> str:
    """Italian codice fiscale -> normalised: 16 characters for a person, 11 digits for a company."""
    if not isinstance(text, str) or not text.strip():
        raise IdentifierError("identifier.tax_code_empty")
    compact = re.sub(r"[\s.\-/]", "", text).upper()
    try:
        if compact.isdigit():
            return str(iva.validate(compact))
        return str(codicefiscale.validate(compact))
    except ValidationError as exc:
        raise _stdnum_error("tax_code", text, exc) from None


@dataclass(frozen=True)
class CustomerSummary:
    """What the duplicate check needs of a customer or of the prospect being entered."""

    customer_id: str
    name: str
    vat_number: str | None = None
    tax_code: str | None = None
    phone: str | None = None
    email: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class ProspectCandidate:
    """An existing customer that may be the prospect: score 0..1 and the signals that matched."""

    customer_id: str
    score: float
    reasons: tuple[str, ...]


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """"Rossi & Figli S.r.l." -> "figli rossi": no accents, punctuation, legal forms; words sorted."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    for short, long in _ABBREVIATIONS.items():
        text = text.replace(short, long)
    text = text.replace(".", "")  # "s.r.l." -> "srl", "s.p.a." -> "spa"
    text = re.sub(r"[^\w]+", " ", text)
    words = [word for word in text.split() if word not in _LEGAL_WORDS]
    return " ".join(sorted(words))


@lru_cache(maxsize=65536)
def normalise_phone(phone: str | None) -> str:
    """Digits only, without the Italian country prefix (+39 / 0039); "" when too short to compare."""
    digits = re.sub(r"\D", "", phone or "")
    for prefix in ("0039", "39"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 6 and (
                prefix == "0039" or (phone or "").lstrip().startswith("+")):
            digits = digits[len(prefix):]
            break
    return digits if len(digits) >= 6 else ""


@lru_cache(maxsize=65536)
def normalise_email(email: str | None) -> str:
    text = (email or "").strip().lower()
    return text if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", text) else ""


@lru_cache(maxsize=65536)
def _safe(validate, text: str | None) -> str:  # type: ignore[no-untyped-def]
    if not text:
        return ""
    try:
        return validate(text)
    except IdentifierError:
        return re.sub(r"\W", "", text).upper()


def name_similarity(a: str, b: str) -> float:
    """0..1 similarity of two normalised names."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def _similar_name(a: str, b: str) -> float:
    """name_similarity when it reaches the floor, else 0: the cheap upper bounds of the ratio rule most
    pairs out first (a check against every customer of the company stays fast)."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    total = len(a) + len(b)
    if 2 * min(len(a), len(b)) < NAME_SIMILARITY_FLOOR * total:  # SequenceMatcher.real_quick_ratio
        return 0.0
    if 2 * sum((_letters(a) & _letters(b)).values()) < NAME_SIMILARITY_FLOOR * total:  # .quick_ratio
        return 0.0
    ratio = SequenceMatcher(None, a, b).ratio()
    return ratio if ratio >= NAME_SIMILARITY_FLOOR else 0.0


@lru_cache(maxsize=65536)
def _letters(text: str) -> Counter[str]:
    return Counter(text)


def find_duplicates(prospect: CustomerSummary, existing: Iterable[CustomerSummary], *,
                    min_score: float = 0.5) -> list[ProspectCandidate]:
    """Existing customers that may be `prospect`, best first (score, then customer id)."""
    vat = _safe(validate_vat_number, prospect.vat_number)
    tax = _safe(validate_tax_code, prospect.tax_code)
    name = normalise_name(prospect.name)
    phone = normalise_phone(prospect.phone)
    email = normalise_email(prospect.email)
    domain = email.partition("@")[2] if email else ""
    candidates: list[ProspectCandidate] = []
    for customer in existing:
        if prospect.customer_id and customer.customer_id == prospect.customer_id:
            continue  # the prospect itself, when re-checked after saving
        signals: list[tuple[float, str]] = []
        if vat and vat == _safe(validate_vat_number, customer.vat_number):
            signals.append((SIGNAL_SCORES["vat"], "same VAT number"))
        if tax and tax == _safe(validate_tax_code, customer.tax_code):
            signals.append((SIGNAL_SCORES["tax_code"], "same tax code"))
        similarity = _similar_name(name, normalise_name(customer.name))
        if similarity >= NAME_SIMILARITY_FLOOR:
            signals.append((round(similarity * 0.8, 3), f"similar name ({similarity:.0%})"))
        if phone and phone == normalise_phone(customer.phone):
            signals.append((SIGNAL_SCORES["phone"], "same phone"))
        other_email = normalise_email(customer.email)
        if email and email == other_email:
            signals.append((SIGNAL_SCORES["email"], "same e-mail"))
        elif domain and domain not in _FREE_MAIL and other_email.endswith("@" + domain):
            signals.append((SIGNAL_SCORES["domain"], "same e-mail domain"))
        if not signals:
            continue
        remaining = 1.0
        for score, _ in signals:
            remaining *= 1.0 - score
        total = round(1.0 - remaining, 4)
        if total >= min_score:
            candidates.append(ProspectCandidate(customer.customer_id, total, tuple(r for _, r in signals)))
    candidates.sort(key=lambda c: (-c.score, c.customer_id))
    return candidates
