"""Small charts drawn with QPainter (QtCharts is not in PySide6-Essentials): bars by month, horizontal
bars by stage or outcome, and progress against a target. Colours come from the palette, so they follow
light and dark; every chart says what it shows in words too (its accessible description and tooltip,
`text()`), for a screen reader and for whoever would rather read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from sfa_desktop.ui.look import series_colours


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal
    #: what the bar says in words (its value formatted the locale's way)
    text: str
    colour: QColor | None = None


class _Chart(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.bars: list[Bar] = []
        self.setAccessibleName(title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a screen reader reaches it and reads its description

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self.bars = list(bars)
        text = self.text()
        self.setAccessibleDescription(text)
        self.setToolTip(text)
        self.update()

    def text(self) -> str:
        """The chart in words: one line per bar."""
        return "\n".join(f"{b.label}: {b.text}" for b in self.bars)

    def _text_pen(self) -> QPen:
        return QPen(self.palette().color(QPalette.ColorRole.WindowText))

    def _faint_pen(self) -> QPen:
        colour = QColor(self.palette().color(QPalette.ColorRole.WindowText))
        colour.setAlpha(60)
        return QPen(colour)


class MonthBars(_Chart):
    """Vertical bars, one per month (or any short label), the value over the bar when it fits."""

    def sizeHint(self) -> QSize:
        return QSize(480, 200)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 140)

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        area = QRectF(self.rect()).adjusted(4, line + 4, -4, -(line + 6))
        top = max((b.value for b in self.bars), default=Decimal(0))
        if not self.bars or area.width() <= 0:
            return
        slot = area.width() / len(self.bars)
        width = max(2.0, slot * 0.7)
        painter.setPen(self._faint_pen())
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        colour = series_colours(self.palette())[0]
        for n, bar in enumerate(self.bars):
            x = area.left() + n * slot + (slot - width) / 2
            height = 0.0 if top <= 0 else float(max(bar.value, Decimal(0)) / top) * area.height()
            rect = QRectF(x, area.bottom() - height, width, height)
            painter.fillRect(rect, bar.colour or colour)
            painter.setPen(self._text_pen())
            label_rect = QRectF(area.left() + n * slot, area.bottom() + 3, slot, line)
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, int(slot)))
            if metrics.horizontalAdvance(bar.text) <= slot and bar.value > 0:
                painter.drawText(QRectF(area.left() + n * slot, rect.top() - line - 1, slot, line),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, bar.text)


class LabelledBars(_Chart):
    """Horizontal bars: label on the left, the bar, its value in words on the right."""

    def sizeHint(self) -> QSize:
        return QSize(480, max(120, 26 * max(1, len(self.bars))))

    def minimumSizeHint(self) -> QSize:
        return QSize(280, max(80, 20 * max(1, len(self.bars))))

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if not self.bars:
            return
        painter = QPainter(self)
        metrics = QFontMetrics(self.font())
        label_width = min(max(metrics.horizontalAdvance(b.label) for b in self.bars) + 8, self.width() // 3)
        value_width = min(max(metrics.horizontalAdvance(b.text) for b in self.bars) + 8, self.width() // 3)
        row = self.height() / len(self.bars)
        bar_height = max(4.0, min(row * 0.6, metrics.height() * 1.1))
        top = max((b.value for b in self.bars), default=Decimal(0))
        span = self.width() - label_width - value_width
        colours = series_colours(self.palette())
        for n, bar in enumerate(self.bars):
            y = n * row
            painter.setPen(self._text_pen())
            painter.drawText(QRectF(0, y, label_width - 6, row), Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_width - 6))
            length = 0.0 if top <= 0 else float(max(bar.value, Decimal(0)) / top) * span
            rect = QRectF(label_width, y + (row - bar_height) / 2, max(length, 1.0 if bar.value > 0 else 0.0),
                          bar_height)
            painter.fillRect(rect, bar.colour or colours[0])
            painter.drawText(QRectF(label_width + length + 4, y, value_width + span - length, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, bar.text)


class TargetGauge(_Chart):
    """Progress against a target: the bar filled to sales / target, a mark where the agent should be by
    now (the pro-rata target) and the words under it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.fraction: float | None = None
        self.mark: float | None = None
        self.caption = ""

    def set_progress(self, fraction: float | None, caption: str, *, mark: float | None = None,
                     colour: QColor | None = None) -> None:
        self.fraction, self.mark, self.caption, self._fill = fraction, mark, caption, colour
        self.setAccessibleDescription(f"{self.title}: {caption}")
        self.setToolTip(caption)
        self.update()

    def text(self) -> str:
        return f"{self.title}: {self.caption}"

    def sizeHint(self) -> QSize:
        return QSize(360, QFontMetrics(self.font()).height() * 3 + 18)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, QFontMetrics(self.font()).height() * 3 + 12)

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        painter = QPainter(self)
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        painter.setPen(self._text_pen())
        painter.drawText(QRectF(0, 0, self.width(), line), Qt.AlignmentFlag.AlignLeft, self.title)
        track = QRectF(0, line + 4, self.width() - 1, line)
        painter.setPen(self._faint_pen())
        painter.drawRect(track)
        if self.fraction is not None:
            fill = QRectF(track.left(), track.top(), track.width() * min(max(self.fraction, 0.0), 1.0), track.height())
            painter.fillRect(fill, getattr(self, "_fill", None) or series_colours(self.palette())[0])
        if self.mark is not None and 0 <= self.mark <= 1:
            x = track.left() + track.width() * self.mark
            pen = self._text_pen()
            pen.setWidth(2)
            painter.setPen(pen)
            painter.drawLine(int(x), int(track.top() - 3), int(x), int(track.bottom() + 3))
        painter.setPen(self._text_pen())
        painter.drawText(QRectF(0, track.bottom() + 4, self.width(), line + 2), Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(self.caption, Qt.TextElideMode.ElideRight, self.width()))
