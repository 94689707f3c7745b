"""The per-stream row decoder: same checks and messages as decode_value, for every field type."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sfa_desktop.sync import protocol

from .rows import wire_row


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", 12, "customers.name: expected str, got 12"),
    ("row_version", True, "customers.row_version: expected int, got True"),
    ("row_version", "3", "customers.row_version: expected int, got '3'"),
    ("credit_limit", 1.5, "customers.credit_limit: expected decimal, got 1.5"),
    ("credit_limit", "NaN", "customers.credit_limit: expected decimal, got 'NaN'"),
    ("name", None, "customers.name: missing"),
])
def test_bad_values_are_refused_with_the_field_named(field: str, value: object, message: str) -> None:
    row = wire_row("customers", "c1", **{field: value})
    with pytest.raises(protocol.ProtocolError) as info:
        protocol.decode_row("customers", row)
    assert str(info.value) == message
    # the generic per-value decoder says the same
    if value is not None:
        kind = next(f.type for f in protocol.STREAMS["customers"].fields if f.name == field)
        with pytest.raises(protocol.ProtocolError) as generic:
            protocol.decode_value(kind, value, f"customers.{field}")
        assert str(generic.value) == message


def test_bool_must_be_a_bool_and_int_not_a_bool() -> None:
    bool_field = next(f for f in protocol.STREAMS["products"].fields if f.type == protocol.BOOL)
    row = wire_row("products", "p1", **{bool_field.name: 1})
    with pytest.raises(protocol.ProtocolError, match=f"products.{bool_field.name}: expected bool, got 1"):
        protocol.decode_row("products", row)


def test_good_row_decodes_to_python_values_and_ignores_unknown_fields() -> None:
    row = protocol.decode_row("customers", {**wire_row("customers", "c1", credit_limit="10.50",
                                                       row_version=7), "future_field": "x"})
    assert row["credit_limit"] == Decimal("10.50") and row["row_version"] == 7
    assert "future_field" not in row
    assert set(row) == set(protocol.STREAMS["customers"].field_names)


def test_unknown_stream_and_non_object_rows() -> None:
    with pytest.raises(protocol.ProtocolError, match="unknown stream"):
        protocol.decode_row("secrets", {})
    with pytest.raises(protocol.ProtocolError, match="customers: row is not an object"):
        protocol.decode_row("customers", ["c1"])
