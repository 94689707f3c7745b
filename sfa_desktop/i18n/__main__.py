"""Maintain the message catalog: `python -m sfa_desktop.i18n update|check`.

update: extract every translatable string of the package (_(), N_(), ngettext(), tr() and the
        registered message codes), merge it into locale/it/LC_MESSAGES/sfa.po (a translator's tool
        opens it: Poedit, Lokalize, Weblate) and compile sfa.mo.
check:  exit 1 when a string has no Italian translation, a translation is fuzzy, or sfa.mo is
        stale (the test suite runs this).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from sfa_desktop.i18n import DOMAIN, LOCALE_DIR

PACKAGE = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "tr": None, "ngettext": (1, 2), "gettext": None, "N_plural": (1, 2)}


def template() -> Catalog:
    """Every msgid of the package, with the places it comes from."""
    catalog = Catalog(domain=DOMAIN, project="sfa-desktop", locale=None)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        catalog.add(message, None, [(f"sfa_desktop/{filename}", lineno)], auto_comments=comments,
                    context=context)
    return catalog


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="sfa-desktop")
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def update(lang: str = "it") -> Catalog:
    catalog = load(lang)
    catalog.update(template(), no_fuzzy_matching=True, update_header_comment=False)
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False, omit_header=False, ignore_obsolete=True,
                 include_previous=False)
    path.with_suffix(".mo").write_bytes(compiled(catalog))
    return catalog


def problems(lang: str = "it") -> list[str]:
    """What keeps the catalog from being complete and in step with the code."""
    catalog = load(lang)
    wanted = template()
    out = []
    for message in wanted:
        if not message.id:
            continue
        have = catalog.get(message.id, context=message.context)
        where = ", ".join(f"{f}:{n}" for f, n in message.locations[:2])
        if have is None:
            out.append(f"not in {lang}.po: {message.id!r} ({where})")
        elif have.fuzzy:
            out.append(f"fuzzy in {lang}.po: {message.id!r}")
        elif not (all(have.string) if isinstance(have.string, tuple) else have.string):
            out.append(f"untranslated in {lang}.po: {message.id!r} ({where})")
    mo = po_path(lang).with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != compiled(catalog):
        out.append(f"{mo} is stale: run python -m sfa_desktop.i18n update")
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        catalog = update()
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{po_path('it')}: {len(catalog)} messages, {len(missing)} to translate")
        return 0
    if command == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
