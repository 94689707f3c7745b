"""Italian and English for the whole client: one gettext catalog, locale formats through Babel.

The core's messages (`Message`: code + parameters) are rendered here in the reader's language;
the UI's own strings go through `_()`. English is the source language; Italian lives in
locale/it/LC_MESSAGES/sfa.po (compiled to sfa.mo by `python -m sfa_desktop.i18n update`).
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import locale as _locale
import os
import threading
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_timedelta

from sfa_desktop.domain import clock
from sfa_desktop.domain.messages import Message, UserError, format_message, format_template, format_value

LANGUAGES = ("it", "en")
DOMAIN = "sfa"
LOCALE_DIR = Path(__file__).with_name("locale")
_state = threading.local()
_default = {"lang": None}


def N_(text: str) -> str:
    return text


def system_language() -> str:
    """it or en from the environment (SFA_LANGUAGE, then LANGUAGE, LC_ALL, LC_MESSAGES, LANG); when
    nothing says, Italian (the agents are Italian first)."""
    chosen = os.environ.get("SFA_LANGUAGE", "")
    if chosen in LANGUAGES:
        return chosen
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "it" if value.lower().startswith("it") else "en"
    try:
        code = _locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "en" if code and not code.lower().startswith("it") else "it"


def set_language(lang: str) -> None:
    """The language of this process (the agent's choice in the settings, else the OS's)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    _default["lang"] = lang


def language() -> str:
    return getattr(_state, "lang", None) or _default["lang"] or system_language()


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with open(mo, "rb") as fh:
        return _gettext.GNUTranslations(fh)


def gettext(text: str, lang: str | None = None) -> str:
    return translations(lang or language()).gettext(text)


def _(text: str) -> str:
    """`text` in the current language."""
    return translations(language()).gettext(text)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    return translations(lang or language()).ngettext(singular, plural, n)


def render(message: Message, lang: str | None = None) -> str:
    """A core message in `lang` (default: the current language)."""
    lang = lang or language()
    return format_message(message, lang, translations(lang))


def tr(text: str, lang: str | None = None, **params: Any) -> str:
    """A UI string with named placeholders filled the locale's way: tr("{n:qty} rows", n=5)."""
    lang = lang or language()
    return format_template(text, params, lang, translations(lang))


def error_text(error: BaseException, lang: str | None = None) -> str:
    """What a known error says to the person, in their language."""
    message = getattr(error, "message", None)
    if isinstance(message, Message):
        return render(message, lang)
    user_message = getattr(error, "user_message", None)
    if isinstance(user_message, str):
        return gettext(user_message, lang)
    return str(error)


# --------------------------------------------------------------------------- locale formats

def money(value: Decimal, lang: str | None = None) -> str:
    return format_value(value, "money", lang or language())


def number(value: Decimal, lang: str | None = None) -> str:
    return format_value(value, "number", lang or language())


def qty(value: Decimal, lang: str | None = None) -> str:
    return format_value(value, "qty", lang or language())


def percent(value: Decimal, lang: str | None = None) -> str:
    return format_value(value, "percent", lang or language())


def date(value: dt.date, lang: str | None = None) -> str:
    return format_value(value, "date", lang or language())


def datetime(value: dt.datetime, lang: str | None = None) -> str:
    return format_value(value, "datetime", lang or language())


_A_SECOND = dt.timedelta(seconds=1)


def ago(when: dt.datetime, now: dt.datetime | None = None, lang: str | None = None) -> str:
    """"2 hours ago" / "2 ore fa". A time after now (stamped before the clock was set back) reads
    as "1 second ago", never "in 3 hours": the past cannot lie ahead."""
    lang = lang or language()
    now = now or clock.now()
    return format_timedelta(min(when - now, -_A_SECOND), add_direction=True, threshold=1.0, locale=lang)


__all__ = [
    "LANGUAGES", "N_", "Message", "UserError", "_", "ago", "date", "datetime", "error_text", "gettext",
    "language", "money", "ngettext", "number", "percent", "qty", "render", "set_language",
    "system_language", "tr", "translations",
]
