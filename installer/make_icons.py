"""The application icon in every format a desktop wants, drawn from code (no binary source to keep).

`python installer/make_icons.py` writes resources/icons/sfa-desktop.png (512 px, committed) and, at
build time, the .ico (Windows, 16-256 px) and .icns (macOS) beside it. Needs Pillow.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "DejaVuSansCondensed-Bold.ttf"
SIZE = 512


def draw() -> Image.Image:
    """A blue rounded tile with a white order sheet and a green tick: orders that go through, offline."""
    img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((16, 16, SIZE - 16, SIZE - 16), radius=96, fill=(22, 86, 160, 255))
    d.rounded_rectangle((128, 88, 384, 424), radius=24, fill=(255, 255, 255, 255))
    for y in (150, 200, 250):
        d.rounded_rectangle((168, y, 344, y + 18), radius=9, fill=(150, 170, 200, 255))
    d.ellipse((250, 270, 410, 430), fill=(40, 160, 80, 255))
    d.line((285, 352, 320, 388, 378, 312), fill=(255, 255, 255, 255), width=22, joint="curve")
    font = ImageFont.truetype(str(FONT), 64)
    d.text((160, 300), "SFA", font=font, fill=(22, 86, 160, 255))
    return img


def main(argv: list[str]) -> int:
    ICONS.mkdir(parents=True, exist_ok=True)
    png = ICONS / "sfa-desktop.png"
    if "--png" in argv or not png.exists():
        draw().save(png, optimize=True)
    img = Image.open(png)
    img.save(ICONS / "sfa-desktop.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    img.save(ICONS / "sfa-desktop.icns")
    for size in (48, 128, 256):
        img.resize((size, size), Image.LANCZOS).save(ICONS / f"sfa-desktop-{size}.png", optimize=True)
    print(f"icons written to {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
