"""One catalog for the whole client: every string translated, placeholders kept, formats by locale."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from babel.messages.pofile import read_po

from sfa_desktop import i18n
from sfa_desktop.domain.messages import MESSAGES, Message
from sfa_desktop.i18n.__main__ import po_path, problems

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([a-z]+))?\}")


def test_the_catalog_is_complete_and_compiled() -> None:
    assert problems() == []


def test_translations_keep_every_placeholder_and_its_kind() -> None:
    with open(po_path("it"), "rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            found = set(PLACEHOLDER.findall(text))
            # a singular form may say "a minute" instead of "{count} minutes"
            assert wanted - {("count", "")} <= found <= wanted, (message.id, text)


def test_every_registered_message_renders_in_both_languages_with_any_parameters() -> None:
    for code, template in MESSAGES.items():
        text_of = " ".join(template) if isinstance(template, tuple) else template
        params = {name: _sample(kind) for name, kind in PLACEHOLDER.findall(text_of)}
        for lang in ("it", "en"):
            text = i18n.render(Message(code, params), lang)
            assert text and "{" not in text, (code, lang, text)


def _sample(kind: str) -> object:
    return {"money": Decimal("1234.5"), "price": Decimal("0.4875"), "percent": Decimal("12.5"),
            "qty": Decimal("2500"), "number": Decimal("3"), "date": dt.date(2026, 11, 22),
            "datetime": dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.UTC), "list": ["a", "b"],
            "sentences": ["One.", "Two."], "msgid": "quote", "field": "phone", "fields": ["phone", "email"]
            }.get(kind, "X")


def test_plural_messages_choose_their_form_by_count() -> None:
    one = Message("sync.locked_out", {"count": 1})
    many = Message("sync.locked_out", {"count": 15})
    assert "a minute" in i18n.render(one, "en") and "15 minutes" in i18n.render(many, "en")
    assert "un minuto" in i18n.render(one, "it") and "15 minuti" in i18n.render(many, "it")


def test_field_names_are_read_in_the_readers_language() -> None:
    message = Message("push.field_not_editable", {"fields": ["credit_limit"], "allowed": ["phone", "email"]})
    assert i18n.render(message, "it") == "Un agente non può modificare: Fido. Modificabili: Telefono, E-mail."


def test_numbers_money_and_dates_follow_the_language() -> None:
    assert i18n.money(Decimal("1234.5"), "it") == "1.234,50\xa0€"
    assert i18n.money(Decimal("1234.5"), "en") == "€1,234.50"
    assert i18n.qty(Decimal("2.5"), "it") == "2,5" and i18n.qty(Decimal("2.5"), "en") == "2.5"
    assert i18n.date(dt.date(2026, 11, 22), "it") == "22/11/2026"
    assert i18n.date(dt.date(2026, 11, 22), "en") == "22 Nov 2026"
    now = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
    assert i18n.ago(now - dt.timedelta(hours=2), now, "it") == "2 ore fa"
    assert i18n.ago(now - dt.timedelta(hours=2), now, "en") == "2 hours ago"


def test_the_language_comes_from_the_setting_then_the_system(monkeypatch) -> None:
    monkeypatch.setenv("SFA_LANGUAGE", "")
    monkeypatch.setenv("LANGUAGE", "it_IT:en")
    assert i18n.system_language() == "it"
    monkeypatch.setenv("LANGUAGE", "en_GB")
    assert i18n.system_language() == "en"
    monkeypatch.setenv("SFA_LANGUAGE", "it")
    assert i18n.system_language() == "it"
