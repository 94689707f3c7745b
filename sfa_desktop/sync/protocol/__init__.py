"""The wire protocol between the desktop client and the server: pure data, no I/O.

Both sides import this package (the server may import only it and the domain from sfa_desktop),
so the names of streams, their fields, the commands and the answer shapes live here once:
values (the codec), streams (rows and checksums), pull (pages) and commands (push).
See docs/protocol.md for the prose version.
"""

from __future__ import annotations

from typing import Final

from sfa_desktop.sync.protocol import messages as _messages  # noqa: F401 - registers the answer codes
from sfa_desktop.sync.protocol.commands import (
    APPLIED,
    CHANGED,
    COMMANDS,
    CUSTOMER_EDITABLE,
    EXPECTED,
    EXPECTED_FIELDS,
    FIELDS,
    ID,
    LINE_FIELDS,
    LINE_PARTS,
    LINES,
    MAX_DOCUMENT_LINES,
    REJECTED,
    TEXT,
    Command,
    CommandResult,
    CommandSpec,
    FieldNotEditable,
    PayloadField,
    decode_command,
    decode_command_result,
    is_uuid,
    line_id,
    spec_of,
)
from sfa_desktop.sync.protocol.pull import (
    DELETE,
    MAX_CURSOR_LENGTH,
    UPSERT,
    Change,
    PullPage,
    WireChange,
    WireTable,
    decode_pull_page,
    encode_change,
    read_changes,
    read_tables,
    table_rows,
    wire_changes,
)
from sfa_desktop.sync.protocol.streams import (
    STREAM_ORDER,
    STREAMS,
    Stream,
    decode_row,
    encode_row,
    row_checksum_text,
    stream_checksum,
)
from sfa_desktop.sync.protocol.values import (
    BOOL,
    BYTES,
    DATE,
    DATETIME,
    DECIMAL,
    INT,
    JSON,
    MAX_INT,
    STR,
    Field,
    ProtocolError,
    decode_decimal,
    decode_text,
    decode_value,
    encode_decimal,
    encode_value,
    safe_text,
)

PROTOCOL_VERSION: Final = 1
#: Oldest client protocol version the server still accepts.
MIN_PROTOCOL_VERSION: Final = 1
PROTOCOL_HEADER: Final = "X-SFA-Protocol"
#: On a pull answer with more to come: the page's own cursor, so a client may ask for the next page
#: before decoding this one (optional: a client may ignore it; it must equal the body's cursor).
NEXT_CURSOR_HEADER: Final = "X-SFA-Next-Cursor"
DEVICE_HEADER: Final = "X-SFA-Device"
API_PREFIX: Final = "/api/v1"

#: Largest page the server sends and the client asks for.
MAX_PAGE_SIZE: Final = 5000
DEFAULT_PAGE_SIZE: Final = 2000
#: Largest push batch (commands) and request body (bytes, after decompression).
MAX_PUSH_COMMANDS: Final = 200
MAX_BODY_BYTES: Final = 4 * 1024 * 1024

__all__ = [
    "API_PREFIX",
    "APPLIED",
    "BOOL",
    "BYTES",
    "CHANGED",
    "COMMANDS",
    "CUSTOMER_EDITABLE",
    "DATE",
    "DATETIME",
    "DECIMAL",
    "DEFAULT_PAGE_SIZE",
    "DELETE",
    "DEVICE_HEADER",
    "EXPECTED",
    "EXPECTED_FIELDS",
    "FIELDS",
    "ID",
    "INT",
    "JSON",
    "LINES",
    "LINE_FIELDS",
    "LINE_PARTS",
    "MAX_BODY_BYTES",
    "MAX_CURSOR_LENGTH",
    "MAX_DOCUMENT_LINES",
    "MAX_INT",
    "MAX_PAGE_SIZE",
    "MAX_PUSH_COMMANDS",
    "MIN_PROTOCOL_VERSION",
    "NEXT_CURSOR_HEADER",
    "PROTOCOL_HEADER",
    "PROTOCOL_VERSION",
    "REJECTED",
    "STR",
    "STREAMS",
    "STREAM_ORDER",
    "TEXT",
    "UPSERT",
    "Change",
    "Command",
    "CommandResult",
    "CommandSpec",
    "Field",
    "FieldNotEditable",
    "PayloadField",
    "ProtocolError",
    "PullPage",
    "Stream",
    "WireChange",
    "WireTable",
    "decode_command",
    "decode_command_result",
    "decode_decimal",
    "decode_pull_page",
    "decode_row",
    "decode_text",
    "decode_value",
    "encode_change",
    "encode_decimal",
    "encode_row",
    "encode_value",
    "is_uuid",
    "line_id",
    "read_changes",
    "read_tables",
    "row_checksum_text",
    "safe_text",
    "spec_of",
    "stream_checksum",
    "table_rows",
    "wire_changes",
]
