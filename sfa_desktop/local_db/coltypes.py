"""Column types SQLite lacks: exact Decimal money, timezone-aware UTC datetimes, JSON, as text."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Dialect, String, Text
from sqlalchemy.types import TypeDecorator

from sfa_desktop.domain import clock


class DecimalText(TypeDecorator[Decimal]):
    """Decimal stored as its exact text ("12.50" stays "12.50"); floats are refused.

    SQLite's NUMERIC affinity would turn values into floats, so money is kept as TEXT and
    summed in Python with Decimal, never in SQL.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool | float):
            raise TypeError(f"money and quantities must be Decimal, not {type(value).__name__}")
        if isinstance(value, int):
            value = Decimal(value)
        elif isinstance(value, str):
            try:
                value = Decimal(value)
            except InvalidOperation as error:
                raise ValueError(f"not a decimal number: {value!r:.40}") from error
        if not isinstance(value, Decimal):
            raise TypeError(f"expected Decimal, got {type(value).__name__}")
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value))


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetime stored as fixed-width ISO text in UTC (sorts as it compares).

    Naive datetimes are refused: a time without a zone is a bug waiting for daylight saving.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("datetimes stored in the replica must be timezone-aware")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC)


def utc_now() -> dt.datetime:
    """Now, on the clock corrected by the server's (sfa_desktop.domain.clock)."""
    return clock.now()


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_dumps(value: Any) -> str:
    """JSON for stored payloads: Decimal as text (never float), dates ISO."""
    return json.dumps(value, default=_json_default, ensure_ascii=False, separators=(",", ":"))


class JSONText(TypeDecorator[Any]):
    """JSON kept as TEXT (SQLite's JSON column type has numeric affinity and would turn a bare
    `1.10` into the float 1.1). Python None is SQL NULL; Decimal is written as a string."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else json_dumps(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return None if value is None else json.loads(value)


class JSONString(JSONText):
    """JSONText in a column first declared as VARCHAR (upgraded files keep their declared type)."""

    impl = String
    cache_ok = True
