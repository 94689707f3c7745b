"""Every command of the protocol is declared once and has a server handler and a client operation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sfa_desktop.operations import COMMAND_OPERATIONS
from sfa_desktop.sync import protocol
from sfa_server.push import HANDLERS


def test_every_command_has_a_spec_a_server_handler_and_a_client_operation() -> None:
    assert set(protocol.COMMANDS) == set(HANDLERS) == set(COMMAND_OPERATIONS)
    for spec in protocol.COMMANDS.values():
        assert spec.stream in protocol.STREAMS, spec.type
        assert spec.key in spec.field_names, spec.type
        assert spec.action and spec.noun, spec.type


def test_a_payload_is_decoded_with_the_value_codec_of_the_streams() -> None:
    spec = protocol.COMMANDS["quote.save"]
    wire = spec.encode({"quote_id": "q1", "customer_id": "c1", "valid_until": dt.date(2026, 12, 31),
                        "lines": [{"product_id": "p1", "quantity": Decimal("2.50"), "discount": "10+5"}],
                        "expected": {"grand_total": Decimal("12.30"), "unit_prices": [Decimal("4.9")]}})
    assert wire["valid_until"] == "2026-12-31" and wire["lines"][0]["quantity"] == "2.50"
    back = spec.decode(wire)
    assert back["valid_until"] == dt.date(2026, 12, 31)
    assert back["lines"] == [{"product_id": "p1", "quantity": Decimal("2.50"), "discount": "10+5"}]
    assert back["expected"] == {"grand_total": Decimal("12.30"), "unit_prices": [Decimal("4.9")]}


@pytest.mark.parametrize(("payload", "message"), [
    ({"quote_id": "q1"}, "customer_id is required"),
    ({"quote_id": "q1", "customer_id": "c1", "grand_total": "1"}, "does not accept grand_total"),
    ({"quote_id": "q1", "customer_id": "c1", "lines": [{"product_id": "p", "quantity": "1E+999999999"}]},
     "expected decimal"),
    ({"quote_id": "q1", "customer_id": "c1", "lines": [{"product_id": "p", "quantity": "1_000"}]},
     "expected decimal"),
    ({"quote_id": "q1", "customer_id": "c1", "lines": [{"product_id": "p", "quantity": "١٢"}]},
     "expected decimal"),
    ({"quote_id": "q1", "customer_id": "c1", "lines": [{"product_id": "p", "quantity": 1.5}]},
     "expected decimal"),
    ({"quote_id": "q1", "customer_id": "c1", "notes": "\ud800x"}, "not valid Unicode"),
    ({"quote_id": "q1", "customer_id": "c1", "notes": "a\x00b"}, "NUL"),
    ({"quote_id": "q1", "customer_id": "c1", "notes": "x" * 4001}, "longer than 4000"),
    ({"quote_id": "q1", "customer_id": "c1", "valid_until": "31/12/2026"}, "expected date"),
    ({"quote_id": "", "customer_id": "c1"}, "an id cannot be empty"),
    ({"quote_id": "q1", "customer_id": "c1", "lines": [{"product_id": "p", "quantity": "1", "price": "0"}]},
     "cannot be set by the client"),
    ({"quote_id": "q1", "customer_id": "c1", "lines": [{"product_id": "p", "quantity": "1"}] * 501}, "at most 500"),
])
def test_bad_values_are_refused_naming_the_field(payload: dict, message: str) -> None:
    with pytest.raises(protocol.ProtocolError, match=message):
        protocol.COMMANDS["quote.save"].decode(payload)


def test_customer_fields_an_agent_may_not_change_are_a_permission_not_a_fault() -> None:
    with pytest.raises(protocol.FieldNotEditable) as info:
        protocol.COMMANDS["customer.update"].decode({"customer_id": "c1", "changes": {"credit_limit": "1e6"}})
    assert info.value.refused == ["credit_limit"]
