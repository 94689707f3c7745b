"""The customer signs on the screen: mouse, pen (tablet events) or finger (touch events).

The pad records strokes in the signature box's units (domain.signature) whatever its size on
screen, and gives them back as the path data that travels with the order.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPainterPath, QPen, QTabletEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from sfa_desktop.domain.signature import SIGNATURE_HEIGHT, SIGNATURE_WIDTH, path_data, strokes_of
from sfa_desktop.i18n import _


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.setAccessibleName(_("Signature pad: the customer signs here"))
        self.setMinimumSize(SIGNATURE_WIDTH // 1, SIGNATURE_HEIGHT // 1)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.backgroundRole().Base)
        self.strokes: list[list[tuple[float, float]]] = []
        self._drawing = False

    # positions in box units
    def _box(self, point: QPointF) -> tuple[float, float]:
        return (point.x() * SIGNATURE_WIDTH / max(1, self.width()),
                point.y() * SIGNATURE_HEIGHT / max(1, self.height()))

    def _begin(self, point: QPointF) -> None:
        self.strokes.append([self._box(point)])
        self._drawing = True
        self.update()

    def _extend(self, point: QPointF) -> None:
        if self._drawing and self.strokes:
            box = self._box(point)
            if self.strokes[-1][-1] != box:  # a release where the last move was adds nothing
                self.strokes[-1].append(box)
                self.update()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._extend(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())  # where the stroke ends: a quick flick moves on release
            self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._extend(event.position())  # the point where the pen lifted ends the stroke
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            points = event.points()
            if points:
                where = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(where)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(where)
                else:
                    self._extend(where)
                    self._end()
            event.accept()
            return True
        return super().event(event)

    def clear(self) -> None:
        self.strokes = []
        self.update()
        self.changed.emit()

    def set_signature(self, data: str) -> None:
        self.strokes = [[(float(x), float(y)) for x, y in stroke] for stroke in strokes_of(data or "")]
        self.update()

    def signature(self) -> str:
        return path_data(self.strokes)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(QPen(palette.mid().color(), 1, Qt.PenStyle.DashLine))
        baseline = self.height() * 0.8
        painter.drawLine(QPointF(10, baseline), QPointF(self.width() - 10, baseline))
        painter.setPen(QPen(palette.text().color(), 2.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                            Qt.PenJoinStyle.RoundJoin))
        sx, sy = self.width() / SIGNATURE_WIDTH, self.height() / SIGNATURE_HEIGHT
        for stroke in self.strokes:
            if not stroke:
                continue
            path = QPainterPath(QPointF(stroke[0][0] * sx, stroke[0][1] * sy))
            for x, y in stroke[1:]:
                path.lineTo(x * sx, y * sy)
            painter.drawPath(path)


class SignatureDialog(QDialog):
    """"Firma per accettazione": the pad, Clear, and OK to keep the signature with the order."""

    def __init__(self, signature: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_dialog")
        self.setWindowTitle(_("Customer's signature"))
        self.pad = SignaturePad(self)
        self.pad.set_signature(signature)
        clear = QPushButton(_("&Clear"))
        clear.clicked.connect(self.pad.clear)
        buttons = QDialogButtonBox()
        ok = buttons.addButton(_("OK"), QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(clear, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Accepted by the customer: sign in the box with the mouse, a pen or a finger.")))
        layout.addWidget(self.pad, 1)
        layout.addWidget(buttons)
