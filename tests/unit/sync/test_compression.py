"""gzip of the sync's bodies: ISA-L's streams are standard gzip (zlib reads them, they read zlib's),
bodies that unpack too large are refused early, damaged ones are told apart."""

from __future__ import annotations

import gzip
import json
import os
import zlib

import pytest

from sfa_desktop.sync.protocol import compression
from sfa_desktop.sync.protocol.compression import Gunzip, GzipError, TooLarge, gzip_bytes

PAGE = json.dumps({"cursor": "c", "rows": [[f"id-{i}", "12.5000", "Prodotto è più bello"] for i in range(3000)]},
                  ensure_ascii=False).encode()


def unpack(body: bytes, limit: int = 10 * len(PAGE), chunk: int = 4096) -> bytes:
    unpacker = Gunzip(limit)
    for at in range(0, len(body), chunk):
        unpacker.feed(body[at:at + chunk])
    return unpacker.result()


def test_the_fast_library_is_the_one_in_use() -> None:
    assert compression._lib.__name__.endswith("isal_zlib")


@pytest.mark.parametrize("level", [1, 3, 5, 9])
def test_packed_pages_are_standard_gzip_at_every_level(level: int) -> None:
    packed = gzip_bytes(PAGE, level)
    assert gzip.decompress(packed) == PAGE
    assert len(packed) < len(PAGE) / 5


def test_zlib_and_python_gzip_streams_unpack() -> None:
    for packed in (gzip.compress(PAGE), zlib.compress(PAGE, 6, wbits=31)):
        assert unpack(packed) == PAGE


def test_members_one_after_the_other_are_read_in_turn() -> None:
    assert unpack(gzip_bytes(PAGE[:1000], 1) + gzip.compress(PAGE[1000:]), chunk=333) == PAGE


def test_a_body_unpacking_past_the_limit_is_refused_before_it_is_all_unpacked() -> None:
    bomb = gzip_bytes(b"0" * 50_000_000, 1)  # 50 MB from ~60 KB
    unpacker = Gunzip(1_000_000)
    with pytest.raises(TooLarge):
        unpacker.feed(bomb)
    assert sum(map(len, unpacker._parts)) <= 1_000_000


def test_exactly_the_limit_is_allowed() -> None:
    assert unpack(gzip_bytes(PAGE, 1), limit=len(PAGE)) == PAGE
    with pytest.raises(TooLarge):
        unpack(gzip_bytes(PAGE, 1), limit=len(PAGE) - 1)


def test_a_cut_off_stream_is_an_error_not_a_shorter_body() -> None:
    packed = gzip_bytes(PAGE, 1)
    with pytest.raises(GzipError, match="ends early"):
        unpack(packed[: len(packed) // 2])


@pytest.mark.parametrize("body", [b"not gzip at all", os.urandom(200), b"\x1f\x8b\x08\x00garbage"])
def test_damaged_bodies_are_errors(body: bytes) -> None:
    with pytest.raises(GzipError):
        unpack(body)


def test_bytes_after_the_stream_that_are_not_gzip_are_refused() -> None:
    with pytest.raises(GzipError):
        unpack(gzip_bytes(PAGE, 1) + b"trailing junk")


def test_an_empty_body_is_empty() -> None:
    assert Gunzip(10).result() == b""
