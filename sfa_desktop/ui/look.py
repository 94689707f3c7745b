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


def fit_columns(view, *stretch: int) -> None:  # type: ignore[no-untyped-def]
    """Columns as wide as their contents, the `stretch` ones sharing what is left (their text elided):
    a short table beside others never needs a horizontal scroll bar."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHeaderView

    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setResizeContentsPrecision(64)  # the widths of the first rows: a long list opens as fast as a short one
    for column in range(view.model().columnCount()):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch if column in stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)


def name_buttons(buttons) -> None:  # type: ignore[no-untyped-def]
    """Save / Cancel in the app's language (Qt's own words are not translated here)."""
    from PySide6.QtWidgets import QDialogButtonBox

    from sfa_desktop.i18n import _

    for which, text in ((QDialogButtonBox.StandardButton.Save, _("&Save")),
                        (QDialogButtonBox.StandardButton.Cancel, _("Cancel"))):
        button = buttons.button(which)
        if button is not None:
            button.setText(text)


def date_format(with_time: bool) -> str:
    """The editors' display format, as i18n writes dates (dd/MM/yyyy in Italian, 2 Dec 2026 in English)."""
    from sfa_desktop import i18n

    base = "dd/MM/yyyy" if i18n.language() == "it" else "d MMM yyyy"
    return base + " HH:mm" if with_time else base


def localize_date_edit(edit, *, with_time: bool) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QLocale

    from sfa_desktop import i18n

    it = i18n.language() == "it"
    edit.setLocale(QLocale(QLocale.Language.Italian if it else QLocale.Language.English,
                           QLocale.Country.Italy if it else QLocale.Country.UnitedKingdom))
    edit.setDisplayFormat(date_format(with_time))


def card_delegate(parent):  # type: ignore[no-untyped-def]
    """Word-wrapped cards in a narrow list (the week's days, the board's stages), measured and drawn by the
    same rule: Qt's own delegate measures with one width and draws with another, and then cuts a card's
    last line off with an ellipsis. Colours and fonts still come from the model and the palette."""
    from PySide6.QtCore import QRect, QSize, Qt
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

    margin_x, margin_y = 6, 4
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)

    class _Card(QStyledItemDelegate):
        def _option(self, option, index):  # type: ignore[no-untyped-def]
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            return opt

        def _width(self, opt) -> int:  # type: ignore[no-untyped-def]
            widget = opt.widget
            width = widget.viewport().width() if widget is not None else opt.rect.width()
            return max(40, width - 2 * margin_x - 4)

        def sizeHint(self, option, index):  # type: ignore[no-untyped-def]
            opt = self._option(option, index)
            text = QFontMetrics(opt.font).boundingRect(QRect(0, 0, self._width(opt), 100000), flags, opt.text)
            return QSize(self._width(opt) + 2 * margin_x, text.height() + 2 * margin_y)

        def paint(self, painter, option, index):  # type: ignore[no-untyped-def]
            opt = self._option(option, index)
            text, opt.text = opt.text, ""
            style = opt.widget.style() if opt.widget is not None else None
            if style is not None:
                style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
            selected = bool(opt.state & QStyle.StateFlag.State_Selected)
            colour = opt.palette.color(opt.palette.ColorRole.HighlightedText) if selected else (
                index.data(Qt.ItemDataRole.ForegroundRole) or opt.palette.color(opt.palette.ColorRole.Text))
            painter.save()
            painter.setFont(opt.font)
            painter.setPen(colour)
            painter.drawText(opt.rect.adjusted(margin_x, margin_y, -margin_x, -margin_y), flags, text)
            painter.restore()

    return _Card(parent)
