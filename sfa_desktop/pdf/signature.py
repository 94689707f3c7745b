"""The customer's signature drawn on the PDF, as vector strokes scaled into the signature box."""

from __future__ import annotations

from reportlab.platypus import Flowable

from sfa_desktop.domain.signature import SIGNATURE_HEIGHT, SIGNATURE_WIDTH, strokes_of
from sfa_desktop.pdf.page import INK


class SignatureInk(Flowable):
    """The strokes of checked signature path data, kept in proportion inside width x height."""

    def __init__(self, data: str, width: float, height: float) -> None:
        super().__init__()
        self.strokes = strokes_of(data)
        self.width, self.height = width, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        scale = min(self.width / SIGNATURE_WIDTH, self.height / SIGNATURE_HEIGHT)
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.9)
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        for stroke in self.strokes:
            path = canvas.beginPath()
            (x0, y0), rest = stroke[0], stroke[1:]
            # the signature's y grows downwards (screen), the PDF's upwards
            path.moveTo(x0 * scale, self.height - y0 * scale)
            for x, y in rest:
                path.lineTo(x * scale, self.height - y * scale)
            canvas.drawPath(path, stroke=1, fill=0)
        canvas.restoreState()
