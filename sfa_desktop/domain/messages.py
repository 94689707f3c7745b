"""Messages as codes with parameters: what the core tells a person, rendered where it is shown.

A `Message` travels and is stored as {"code": ..., "params": {...}}; never as an English sentence
alone. `MESSAGES` holds the English text of every code (the gettext msgid: the client's catalog
translates it). Placeholders name their kind after a colon, e.g. "{limit:percent}", so a number
is written the way the reader's locale writes it: {x:money} {x:price} {x:percent} {x:number} {x:qty}
{x:date} {x:datetime} {x} (text as it is). `format_message` renders one; with a translation
function it renders it in another language (sfa_desktop.i18n passes the catalog's).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

__all__ = [
    "FIELD_LABELS",
    "MESSAGES",
    "Message",
    "N_plural",
    "UserError",
    "format_message",
    "format_template",
    "format_value",
    "register",
    "register_fields",
]


def N_(text: str) -> str:
    return text


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """A message with a singular and a plural form; the parameter `count` chooses."""
    return singular, plural


@dataclass(frozen=True)
class Message:
    """A code and its parameters (text, int, Decimal or date values)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        return {"code": self.code, "params": {k: _wire(v) for k, v in self.params.items()}}

    @classmethod
    def from_wire(cls, doc: Any) -> Message | None:
        """The message in a stored or received {"code", "params"}; None when it is not one."""
        if not isinstance(doc, Mapping) or not isinstance(doc.get("code"), str):
            return None
        params = doc.get("params")
        return cls(doc["code"], dict(params) if isinstance(params, Mapping) else {})

    def __str__(self) -> str:
        return format_message(self, "en")


def _wire(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Message):
        return value.to_wire()
    if isinstance(value, list | tuple):
        return [_wire(v) for v in value]
    return value


class UserError(ValueError):
    """Something the person can fix or must know, said in their words: the one base class.

    `message` is rendered in the reader's language where it is shown; str() is English (logs).
    """

    def __init__(self, message: Message | str, /, **params: Any) -> None:
        self.message = message if isinstance(message, Message) else Message(message, params)
        super().__init__(format_message(self.message, "en"))

    @property
    def code(self) -> str:
        return self.message.code


#: code -> English text (the msgid of the catalogs), or (singular, plural) chosen by the param
#: `count`. Modules add their codes with `register`.
MESSAGES: dict[str, str | tuple[str, str]] = {}
#: field name (as on the wire: phone, email...) -> its English label, for {x:field} / {x:fields}.
FIELD_LABELS: dict[str, str] = {}


def register_fields(labels: Mapping[str, str]) -> None:
    FIELD_LABELS.update(labels)


def register(codes: Mapping[str, str | tuple[str, str]]) -> None:
    """Add codes to the catalog; a code is declared once (a second, different text is a bug)."""
    for code, text in codes.items():
        if MESSAGES.get(code, text) != text:
            raise ValueError(f"message code {code!r} is declared twice with different texts")
        MESSAGES[code] = text


_LOCALES = {"it": "it_IT", "en": "en_GB"}


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, lang)


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def format_value(value: Any, kind: str, lang: str) -> str:
    """One parameter written for `lang` by its kind (money, percent, number, qty, date...)."""
    locale = _locale(lang)
    if kind in ("money", "price", "percent", "number", "qty"):
        number = _decimal(value)
        if number is None:
            return str(value)
        if kind == "money":
            return format_currency(number, "EUR", locale=locale)
        if kind == "price":  # a unit price: cents, and up to 4 decimals when it has them
            return format_currency(number, "EUR", locale=locale, decimal_quantization=False,
                                   format_type="standard") if number == number.quantize(Decimal("0.01")) \
                else format_currency(number.quantize(Decimal("0.0001")).normalize(), "EUR", locale=locale,
                                     decimal_quantization=False)
        if kind == "percent":
            return format_decimal(number, format="#,##0.##", locale=locale) + "%"
        if kind == "qty":
            return format_decimal(number, format="#,##0.###", locale=locale)
        return format_decimal(number, format="#,##0.####", locale=locale)
    if kind == "date":
        day = value if isinstance(value, dt.date) else _date(value)
        if day is None:
            return str(value)
        return format_date(day, "dd/MM/yyyy" if lang == "it" else "d MMM yyyy", locale=locale)
    if kind == "datetime":
        when = value if isinstance(value, dt.datetime) else _datetime(value)
        if when is None:
            return str(value)
        if when.tzinfo is not None:
            when = when.astimezone()  # the reader's local time
        pattern = "dd/MM/yyyy HH:mm" if lang == "it" else "d MMM yyyy HH:mm"
        return format_datetime(when, pattern, locale=locale)
    return str(value)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _datetime(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


class Translator(Protocol):
    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


Translate = Callable[[str], str] | Translator | None


def _gettext(translate: Translate) -> Callable[[str], str] | None:
    if translate is None or callable(translate):
        return translate  # type: ignore[return-value]
    return translate.gettext


class _Formatter(string.Formatter):
    def __init__(self, lang: str, translate: Translate) -> None:
        self.lang, self.translator = lang, translate
        self.translate = _gettext(translate)

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str):
            return kwargs.get(key, "?")
        return "?"

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return format_message(value, self.lang, self.translator)
        if isinstance(value, Mapping) and "code" in value:
            nested = Message.from_wire(value)
            if nested is not None:
                return format_message(nested, self.lang, self.translator)
        if format_spec in ("field", "fields"):
            names = value if isinstance(value, list | tuple) else [value]
            labels = [FIELD_LABELS.get(str(n), str(n)) for n in names]
            return ", ".join(self.translate(label) if self.translate else label for label in labels)
        if isinstance(value, list | tuple):
            separator = {"list": ", ", "sentences": " "}.get(format_spec, "; ")
            inner = "" if format_spec in ("list", "sentences") else format_spec
            return separator.join(self.format_field(v, inner) for v in value)
        if format_spec == "msgid" and isinstance(value, str):
            # a word the catalog translates (a status, a stage, a noun) carried as a parameter
            return self.translate(value) if self.translate else value
        return format_value(value, format_spec, self.lang)


def format_message(message: Message, lang: str = "en", translate: Translate = None) -> str:
    """The message as text for a reader of `lang`; unknown codes show the code and parameters."""
    template = MESSAGES.get(message.code)
    if template is None:
        params = ", ".join(f"{k}={v}" for k, v in message.params.items())
        return f"{message.code}({params})" if params else message.code
    if isinstance(template, tuple):
        singular, plural = template
        count = _count(message.params.get("count"))
        if translate is not None and not callable(translate):
            text = translate.ngettext(singular, plural, count)
        else:
            text = singular if count == 1 else plural
        return _fill(text, singular if count == 1 else plural, message.params, lang, translate)
    return format_template(template, message.params, lang, translate)


def _count(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def format_template(template: str, params: Mapping[str, Any], lang: str = "en", translate: Translate = None) -> str:
    """An English template (a msgid) translated with `translate` and filled for `lang`."""
    gettext = _gettext(translate)
    return _fill(gettext(template) if gettext is not None else template, template, params, lang, translate)


def _fill(text: str, english: str, params: Mapping[str, Any], lang: str, translate: Translate) -> str:
    try:
        return _Formatter(lang, translate).vformat(text, (), params)
    except (ValueError, IndexError, KeyError):  # a damaged translation: fall back to English
        return _Formatter(lang, translate).vformat(english, (), params)
