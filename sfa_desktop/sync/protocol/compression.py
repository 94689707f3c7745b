"""gzip for the bodies of the sync, both ways: ISA-L (the `isal` package) when it is installed,
zlib otherwise. Both write and read the same standard gzip stream, so either side may have either.

On a first sync's 129 pages (120 MB of JSON, docs/benchmarks.md): zlib at level 1 packs them in
1.33 s into 47.7 MB, ISA-L at its level 1 in 0.28 s into 44.5 MB; unpacking takes 0.55 s with
zlib, 0.19 s with ISA-L.
"""

from __future__ import annotations

from typing import Any

try:
    from isal import isal_zlib as _lib

    #: ISA-L's levels are 0-3; a zlib level above 3 asks for its best
    _MAX_LEVEL = 3
except ImportError:  # pragma: no cover - isal is a dependency of both sides; a build without it still works
    import zlib as _lib

    _MAX_LEVEL = 9

#: Window bits of a gzip stream (not raw deflate, not zlib's own header).
_GZIP = 31


class GzipError(ValueError):
    """A body that is not a whole gzip stream."""


class TooLarge(ValueError):
    """A body that unpacks to more than the reader allows."""


def gzip_bytes(data: bytes, level: int) -> bytes:
    """`data` as one gzip stream at zlib's `level` (1-9); ISA-L uses min(level, 3), which on the
    sync's pages is smaller than zlib at the same level and four times faster."""
    packer = _lib.compressobj(max(1, min(level, _MAX_LEVEL)), _lib.DEFLATED, _GZIP)
    return bytes(packer.compress(data) + packer.flush())


class Gunzip:
    """Unpacks one gzip body fed in chunks, refusing more than `limit` bytes of output (a small
    body may unpack to gigabytes). Concatenated gzip members are read one after the other."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._size = 0
        self._unpacker: Any = _lib.decompressobj(_GZIP)
        self._parts: list[bytes] = []
        self._fed = False

    def feed(self, chunk: bytes) -> None:
        while chunk:
            self._fed = True
            if self._unpacker.eof:  # the next member of a multi-member stream
                self._unpacker = _lib.decompressobj(_GZIP)
            room = self._limit - self._size
            try:
                out = self._unpacker.decompress(chunk, room + 1)
            except _lib.error as error:
                raise GzipError(f"not a gzip stream: {error}") from None
            self._size += len(out)
            if self._size > self._limit:
                raise TooLarge(f"answer larger than {self._limit} bytes was refused")
            self._parts.append(out)
            chunk = self._unpacker.unused_data if self._unpacker.eof else b""

    def result(self) -> bytes:
        """The whole body; an empty input is an empty body, a cut-off stream an error."""
        if self._fed and not self._unpacker.eof:
            raise GzipError("the gzip stream ends early")
        return b"".join(self._parts)


__all__ = ["Gunzip", "GzipError", "TooLarge", "gzip_bytes"]
