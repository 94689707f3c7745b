"""The sales lines' integer columns: the fast way for the server's form reads every text exactly as
the general expression (the one replicas created before it still hold) does."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from hypothesis import example, given
from hypothesis import strategies as st

from sfa_desktop.local_db.models import NET_UNIT, _units_sql, units_sql_general


@pytest.fixture(scope="module")
def conn():
    connection = sqlcipher.connect(":memory:")
    yield connection
    connection.close()


def _both(conn, text):
    return conn.execute(f"SELECT {_units_sql('x')}, {units_sql_general('x')} FROM (SELECT ? AS x)",
                        (text,)).fetchone()


def test_each_form_reads_as_the_general_way_and_as_decimal(conn):
    for text in ("272.6300", "-12.5000", "0.0000", "-0.0000", ".5000", "-.5000", "007.5000",
                 "12345678901234.9999", "-1234567890123.9999", "99999999999999.9999"):
        fast, general = _both(conn, text)
        assert fast == general == int(Decimal(text) / NET_UNIT), text
    for text in ("1.2.3456", "12.4.678", "1e2.0000", "+1.0000", "1-2.0000", "12.50000", "", "-", "."):
        fast, general = _both(conn, text)
        assert fast == general, text


_WIRE_LIKE = st.from_regex(r"\A-?[0-9]{0,16}(\.[0-9]{0,6})?\Z")
_ANY = st.text(alphabet="0123456789.-+eE ", max_size=24)


@given(st.one_of(_WIRE_LIKE, _ANY))
@example("123456789012345.0000")  # 15 digits: past the fast way's limit, the general way reads it
@example("-12345678901234.0000")
@example("1234567890123456.0000")  # 16 digits: the general way's product overflows into a float
@example("-999999999999999.9999")
def test_fast_and_general_agree_on_any_text(conn, text):
    fast, general = _both(conn, text)
    assert fast == general
