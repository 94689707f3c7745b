"""Free text the agent types (notes, reasons, references): trimmed, bounded, storable."""

from __future__ import annotations

from sfa_desktop.domain.messages import N_, Message
from sfa_desktop.operations.errors import InvalidInputError

#: Field names as the agent reads them in messages (the catalog translates them).
FIELD_NAMES = {
    "notes": N_("Notes"), "customer_reference": N_("Customer reference"), "reason": N_("Reason"),
    "subject": N_("Subject"), "title": N_("Title"), "name": N_("Name"), "phone": N_("Phone"),
    "email": N_("E-mail"), "segment": N_("Segment"), "payment_terms": N_("Payment terms"),
    "language": N_("Language"), "city": N_("City"), "street": N_("Street"), "postal_code": N_("Postal code"),
    "province": N_("Province"), "vat_number": N_("VAT number"), "tax_code": N_("Tax code"),
    "outcome": N_("Outcome"), "next_action": N_("Next action"),
}


def field_name(field: str) -> Message:
    return Message("field_name", {"name": FIELD_NAMES.get(field, field)})


def clean_text(value: str | None, field: str, max_len: int) -> str | None:
    """`value` trimmed, None when blank; too long, a NUL or broken Unicode is the agent's error."""
    if value is None:
        return None
    text = str(value).replace("\x00", "").strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    if len(text) > max_len:
        raise InvalidInputError("op.text_too_long", field=field_name(field), max=max_len)
    return text or None
