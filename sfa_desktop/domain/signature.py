"""The customer's signature "per accettazione": strokes as SVG path data, checked the same way on both sides.

A signature is drawn on the agent's screen (mouse, pen or touch) and travels with the order as
text: SVG path data in a fixed box of SIGNATURE_WIDTH x SIGNATURE_HEIGHT units, each stroke a
move (M x y) followed by lines (L x y), integer coordinates. Text rather than a PNG: a few KiB for
a real signature, scalable on the PDF, and easy to validate strictly (nothing else is accepted).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sfa_desktop.domain.messages import N_, UserError, register

#: The drawing box of a signature (a 3:1 strip, like the space on the printed form).
SIGNATURE_WIDTH = 600
SIGNATURE_HEIGHT = 200
#: Largest signature accepted (characters of path data); a real one is 2-10 KiB.
MAX_SIGNATURE_CHARS = 64 * 1024
#: A stroke needs at least this many points to be ink (a single click is not a signature).
MIN_POINTS = 2

_COMMAND = re.compile(r"([ML]) (\d{1,4}) (\d{1,4})")
_WHOLE = re.compile(r"^(?:[ML] \d{1,4} \d{1,4})(?: [ML] \d{1,4} \d{1,4})*$")

register({
    "signature.too_long": N_("The signature is too large ({size} characters, at most {max})."),
    "signature.invalid": N_("The signature could not be read; ask the customer to sign again."),
    "signature.empty": N_("The signature is empty; ask the customer to sign in the box."),
})

Point = tuple[int, int]


class SignatureError(UserError):
    """A signature that is not well-formed path data inside the box."""


def _clamp(value: float, top: int) -> int:
    return max(0, min(top, round(value)))


def path_data(strokes: Iterable[Sequence[tuple[float, float]]]) -> str:
    """Strokes (points in box units) as path data; points outside the box are brought inside."""
    parts: list[str] = []
    for stroke in strokes:
        points = [(_clamp(x, SIGNATURE_WIDTH), _clamp(y, SIGNATURE_HEIGHT)) for x, y in stroke]
        if len(points) < MIN_POINTS:
            continue
        parts.append(f"M {points[0][0]} {points[0][1]}")
        last = points[0]
        for point in points[1:]:
            if point != last:  # repeated samples of a still pen add nothing
                parts.append(f"L {point[0]} {point[1]}")
                last = point
    return " ".join(parts)


def strokes_of(data: str) -> list[list[Point]]:
    """The strokes of checked path data (check_signature first)."""
    strokes: list[list[Point]] = []
    for command, x, y in _COMMAND.findall(data):
        if command == "M" or not strokes:
            strokes.append([])
        strokes[-1].append((int(x), int(y)))
    return strokes


def check_signature(data: object) -> str | None:
    """The signature as stored (None for no signature), or SignatureError saying what is wrong."""
    if data is None or data == "":
        return None
    if not isinstance(data, str):
        raise SignatureError("signature.invalid")
    if len(data) > MAX_SIGNATURE_CHARS:
        raise SignatureError("signature.too_long", size=len(data), max=MAX_SIGNATURE_CHARS)
    if not _WHOLE.match(data) or not data.startswith("M"):
        raise SignatureError("signature.invalid")
    strokes = strokes_of(data)
    if any(x > SIGNATURE_WIDTH or y > SIGNATURE_HEIGHT for stroke in strokes for x, y in stroke):
        raise SignatureError("signature.invalid")
    if not any(len(stroke) >= MIN_POINTS for stroke in strokes):
        raise SignatureError("signature.empty")
    return data
