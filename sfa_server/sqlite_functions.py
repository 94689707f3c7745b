"""SQL functions the server adds to its SQLite connections (sfa_server.db registers them on connect),
for what SQLite cannot write itself as the wire does (sfa_server.snapshot)."""

from __future__ import annotations

import base64
from typing import Any

#: Numeric(18, 4) on SQLite is a REAL (or an INTEGER): below this magnitude SQLite's printf("%.4f")
#: writes the same text as Python's f"{v:.4f}" (at most 15 significant digits); above it, Python does
DECIMAL_PRINTF_BELOW = 1e11


def decimal4(value: Any) -> Any:
    """SQLite function sfa_decimal4: a large REAL/INTEGER decimal as the feed writes it."""
    return value if value is None or value.__class__ is str else f"{value:.4f}"


def base64_text(value: Any) -> Any:
    """SQLite function sfa_base64: a BLOB as the wire's base64 text."""
    return None if value is None else base64.b64encode(value).decode("ascii")


def register_sqlite_functions(dbapi_conn: Any) -> None:
    """The functions the snapshot's SQL uses on SQLite (sfa_server.db registers them on connect)."""
    dbapi_conn.create_function("sfa_decimal4", 1, decimal4, deterministic=True)
    dbapi_conn.create_function("sfa_base64", 1, base64_text, deterministic=True)
