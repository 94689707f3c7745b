"""Free text the agent types (notes, reasons, references): trimmed, bounded, storable."""

from __future__ import annotations

from sfa_desktop.operations.errors import InvalidInputError


def field_name(field: str) -> str:
    """A field as messages name it: {field:field} shows its label in the reader's language
    (the labels are registered with the protocol's messages)."""
    return field


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
