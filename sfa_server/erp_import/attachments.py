"""Files a product_documents CSV refers to (tech sheets, brochures, images): checked by their content.

A file is hashed while the rows are checked and read again only when its row is written, so an
import of a folder of several hundred PDFs never holds them all in memory, and a re-import of
unchanged documents reads each file once and writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: Largest document accepted: agents carry the documents offline on their laptops.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: What a document may be, told by its first bytes (its name may lie: 'setup.exe' renamed 'x.pdf').
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
_CHUNK = 1024 * 1024


class AttachmentChanged(ValueError):
    """A file differs, when its row is written, from what the check of its row read."""


def sniff_media_type(head: bytes) -> str | None:
    """application/pdf, image/png or image/jpeg from the first bytes of a file; None for anything else."""
    return next((media for signature, media in SIGNATURES if head.startswith(signature)), None)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A checked file: where it is and what its row records about it."""

    path: Path
    filename: str
    media_type: str
    size: int
    sha256: str

    def read(self) -> bytes:
        """The file's bytes, the same the check hashed (else AttachmentChanged)."""
        try:
            content = self.path.read_bytes()
        except OSError as exc:
            raise AttachmentChanged(f"{self.path} cannot be read any more: {exc.strerror or exc}") from exc
        if len(content) != self.size or hashlib.sha256(content).hexdigest() != self.sha256:
            raise AttachmentChanged(f"{self.path} changed while it was being imported: import again")
        return content


def relative_path(text: str) -> PurePosixPath:
    """A path inside the CSV's folder, as ERPs write it ('schede/FS17.pdf' or 'schede\\FS17.pdf')."""
    path = PurePosixPath(text.strip().replace("\\", "/"))
    if path.is_absolute() or (path.parts and path.parts[0].endswith(":")):
        raise ValueError(f"file '{text}' must be a path relative to the CSV's folder")
    if ".." in path.parts:
        raise ValueError(f"file '{text}' must stay inside the CSV's folder")
    if not path.name:
        raise ValueError(f"file '{text}' names no file")
    return path


def inspect_file(folder: Path, text: str) -> Attachment:
    """Check the file `text` (relative to `folder`) and hash it; ValueError says what is wrong with it."""
    relative = relative_path(text)
    path = folder.joinpath(*relative.parts)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ValueError(f"file '{text}' is a folder, not a file")
        if size == 0:
            raise ValueError(f"file '{text}' is empty")
        if size > MAX_DOCUMENT_BYTES:
            raise ValueError(f"file '{text}' is {size:,} bytes, larger than the {MAX_DOCUMENT_BYTES // 2**20} MiB "
                             f"({MAX_DOCUMENT_BYTES:,} bytes) a document may be")
        digest, read = hashlib.sha256(), 0
        with path.open("rb") as stream:
            head = stream.read(16)
            media_type = sniff_media_type(head)
            if media_type is None:
                raise ValueError(f"file '{text}' is not a PDF, PNG or JPEG (judged by its content, not its name)")
            digest.update(head)
            read = len(head)
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
                read += len(chunk)
    except FileNotFoundError:
        raise ValueError(f"file '{text}' does not exist (paths are relative to the CSV's folder)") from None
    except OSError as exc:
        raise ValueError(f"cannot read file '{text}': {exc.strerror or exc}") from None
    if read != size:  # it grew or shrank under us
        raise ValueError(f"file '{text}' changed while it was being read")
    return Attachment(path, relative.name, media_type, size, digest.hexdigest())
