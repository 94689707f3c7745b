"""E-mail a document: the default mail client opens with the PDF attached where the platform allows.

Linux: `xdg-email --attach` (xdg-utils; Thunderbird, Evolution, KMail honour the attachment).
macOS: `open -a Mail <file>` (Apple Mail opens a new message with the file attached).
Windows, and anywhere else: the mailto: link (no standard way to attach through it): the message
body says where the PDF was saved so the agent can attach it. See docs/user-guide-documents.md.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from sfa_desktop import i18n

ATTACHED, MANUAL = "attached", "manual"


def _launch(args: list[str]) -> bool:
    """Start an external program (the mail client); tests replace this function."""
    try:
        # a fixed program and a file path as separate arguments, no shell
        subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # noqa: S603
    except OSError:
        return False
    return True


def _open_url(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


def email_document(path: Path, *, to: str = "", subject: str, body: str, platform: str | None = None) -> str:
    """Open the mail client for `path`; ATTACHED when the PDF is attached, MANUAL when the agent must
    attach it (the body then names the file)."""
    platform = platform or sys.platform
    if platform.startswith("linux") and shutil.which("xdg-email"):
        args = ["xdg-email", "--utf8", "--subject", subject, "--body", body, "--attach", str(path)]
        if _launch([*args, to] if to else args):
            return ATTACHED
    if platform == "darwin" and _launch(["open", "-a", "Mail", str(path)]):
        return ATTACHED
    body = body + "\n\n" + i18n.tr("The PDF is saved here, attach it to this message: {path}", path=str(path))
    _open_url(f"mailto:{quote(to)}?subject={quote(subject)}&body={quote(body)}")
    return MANUAL
