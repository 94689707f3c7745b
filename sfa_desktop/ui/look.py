"""Colours and small widgets the CRM screens share, derived from the OS palette (light or dark).

A warning colour is never the only sign: overdue rows also say "overdue" and are bold, an error in
place is also written out. The colours are picked against the palette's base so they stay readable
in dark mode.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget


def _dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def palette() -> QPalette:
    return QApplication.palette()


def attention_colour(pal: QPalette | None = None) -> QColor:
    """A red that reads on the palette's base (overdue, lost, below target)."""
    return QColor("#ff7b72") if _dark(pal or palette()) else QColor("#b3261e")


def good_colour(pal: QPalette | None = None) -> QColor:
    """A green that reads on the palette's base (won, on target)."""
    return QColor("#56d364") if _dark(pal or palette()) else QColor("#1a7f37")


def series_colours(pal: QPalette | None = None) -> list[QColor]:
    """Bar colours for charts: the palette's highlight first, then hues that keep their contrast."""
    pal = pal or palette()
    first = pal.color(QPalette.ColorRole.Highlight)
    if _dark(pal):
        rest = ["#79c0ff", "#d2a8ff", "#ffa657", "#7ee787", "#ff7b72", "#e3b341", "#a5d6ff"]
    else:
        rest = ["#0969da", "#8250df", "#bc4c00", "#1a7f37", "#cf222e", "#9a6700", "#0550ae"]
    return [first, *(QColor(c) for c in rest)]


def bold(font: QFont | None = None) -> QFont:
    out = QFont(font) if font is not None else QFont(QApplication.font())
    out.setBold(True)
    return out


class InlineMessage(QLabel):
    """A message in place (an input refused, a move not allowed): word-wrapped, in the attention colour,
    hidden while empty, and announced to screen readers through its accessible name."""

    def __init__(self, parent: QWidget | None = None, *, object_name: str = "inlineMessage") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self.setVisible(False)
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.WindowText, attention_colour(pal))
        self.setPalette(pal)

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))

    def clear_text(self) -> None:
        self.show_text("")
