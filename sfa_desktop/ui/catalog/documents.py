"""Product documents (tech sheets, brochures, images) opened offline with the system's viewer.

The bytes stored in the replica are written to a temporary folder only this user can read (the
replica is encrypted; a copy for the viewer must not land where other users see it), removed when
the app ends, and handed to the desktop's default application for its type.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from sfa_desktop.i18n import N_, _

_folder: Path | None = None

KINDS = {"tech_sheet": N_("Tech sheet"), "datasheet": N_("Tech sheet"), "brochure": N_("Brochure"),
         "image": N_("Image"), "manual": N_("Manual"), "certificate": N_("Certificate")}


def kind_text(kind: str) -> str:
    return _(KINDS[kind]) if kind in KINDS else kind


def private_folder() -> Path:
    """This process's folder for documents being viewed (mode 0700), made on first use."""
    global _folder
    if _folder is None or not _folder.is_dir():
        _folder = Path(tempfile.mkdtemp(prefix="sfa-documents-"))
        os.chmod(_folder, 0o700)
        atexit.register(shutil.rmtree, _folder, ignore_errors=True)
    return _folder


def safe_filename(filename: str, fallback: str = "document") -> str:
    """The document's own name without any folder part or character a file system refuses."""
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r'[\x00-\x1f<>:"/\\|?*]', "_", name).strip(" .")
    return name[:150] or fallback


def write_copy(document_id: str, filename: str, content: bytes) -> Path:
    """The copy the viewer opens: one sub-folder per document, so two files of the same name never clash."""
    folder = private_folder() / safe_filename(document_id, "doc")
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / safe_filename(filename)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    return path


def open_with_viewer(document_id: str, filename: str, content: bytes) -> tuple[Path, bool]:
    """Write the copy and ask the desktop to open it; (path, whether a viewer accepted it)."""
    path = write_copy(document_id, filename, content)
    return path, QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
