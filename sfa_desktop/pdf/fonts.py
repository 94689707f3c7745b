"""The shipped TrueType family (DejaVu Sans Condensed), registered once and embedded in every PDF.

Standard PDF fonts cannot print "Ćirić Łódź" or rely on the reader having them; an embedded TTF
subset always can.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "SfaSans"
REGULAR = "SfaSans"
BOLD = "SfaSans-Bold"
ITALIC = "SfaSans-Oblique"
BOLD_ITALIC = "SfaSans-BoldOblique"

_FILES = {
    REGULAR: "DejaVuSansCondensed.ttf",
    BOLD: "DejaVuSansCondensed-Bold.ttf",
    ITALIC: "DejaVuSansCondensed-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSansCondensed-BoldOblique.ttf",
}

_lock = threading.Lock()
_registered = False


class FontsMissingError(RuntimeError):
    """The installation is broken: the shipped fonts are not where they should be."""


def resources_dir() -> Path:
    """The resources/ folder: in a PyInstaller bundle, in a source checkout (beside the package),
    inside the installed package, or where a wheel installs it (<prefix>/share/sfa-desktop)."""
    package = Path(__file__).resolve().parents[1]
    candidates = [package.parent / "resources", package / "resources", Path(sys.prefix) / "share" / "sfa-desktop"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        candidates.insert(0, Path(bundle) / "resources")
    for candidate in candidates:
        if (candidate / "fonts").is_dir():
            return candidate
    return candidates[0]


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def register_fonts() -> None:
    """Register the family with reportlab (idempotent, thread-safe); <b>/<i> in paragraphs map to it."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = fonts_dir()
        missing = [name for name in _FILES.values() if not (folder / name).is_file()]
        if missing:
            raise FontsMissingError(f"fonts missing from {folder}: {', '.join(missing)}; reinstall the app")
        for face, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(face, str(folder / filename)))
        for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
            addMapping(FAMILY, bold, italic, face)
        _registered = True
