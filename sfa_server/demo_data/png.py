"""A minimal PNG writer (zlib + struct) for the demo's product images: no imaging library needed."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGB = tuple[int, int, int]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(width: int, height: int, rows: Iterable[bytes]) -> bytes:
    """An 8-bit RGB PNG of `height` rows of `width` * 3 bytes each."""
    raw = bytearray()
    count = 0
    for row in rows:
        if len(row) != width * 3:
            raise ValueError(f"row {count} has {len(row)} bytes, not {width * 3}")
        raw += b"\x00" + row  # filter type 0 (none) on every scanline
        count += 1
    if count != height:
        raise ValueError(f"{count} rows given for a height of {height}")
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour
    return (PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
            + _chunk(b"IEND", b""))


def _shade(colour: RGB, factor: float) -> bytes:
    return bytes(max(0, min(255, round(c * factor))) for c in colour)


def product_image(colour: RGB, *, width: int = 320, height: int = 240, variant: int = 0) -> bytes:
    """A placeholder product photo: the family's colour as a box on a light ground, lit from above,
    with a darker label band; `variant` moves the box so two products' images differ."""
    ground = bytes((236, 238, 240))
    margin_x, margin_top = 40 + variant % 5 * 8, 30 + variant % 3 * 6
    box_w, box_h = width - 2 * margin_x, height - margin_top - 50
    band_from = margin_top + box_h * 3 // 4
    rows = []
    for y in range(height):
        if margin_top <= y < margin_top + box_h:
            light = 1.15 - 0.3 * (y - margin_top) / box_h
            fill = _shade(colour, 0.7 if y >= band_from else light)
            rows.append(ground * margin_x + fill * box_w + ground * (width - margin_x - box_w))
        elif margin_top + box_h <= y < margin_top + box_h + 6:  # the box's shadow
            rows.append(ground * (margin_x + 6) + bytes((200, 202, 205)) * box_w
                        + ground * (width - margin_x - 6 - box_w))
        else:
            rows.append(ground * width)
    return encode_png(width, height, rows)
