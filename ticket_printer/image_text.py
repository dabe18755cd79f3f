"""Ticket text drawn into 1-bit bitmaps, for printers without a Chinese font ("image" mode)."""

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from ticket_printer.columns import wrap
from ticket_printer.layout import StyledText, TextStyle

# Sizes chosen so that body text matches the printer's own 24-dot font A on the same paper.
_SIZE_PX: Final[dict[TextStyle, int]] = {"title": 32, "body": 24}
# Bold titles: Pillow's stroke is the only way to embolden a single-weight font like WenQuanYi.
_STROKE_PX: Final[dict[TextStyle, int]] = {"title": 1, "body": 0}
# Thermal heads print to the edge of the paper, but a margin keeps glyphs off the paper guide.
_MARGIN_PX: Final = 8


class MissingFontError(FileNotFoundError):
    """The CJK font needed for image mode is not installed where the layout says it is."""


def text_image(paragraphs: Sequence[StyledText], width_px: int, font_path: Path) -> Image.Image:
    """Draw `paragraphs`, each wrapped and centred, into a 1-bit image exactly `width_px` wide.

    Raises MissingFontError when `font_path` does not exist.
    """
    rows: list[tuple[str, ImageFont.FreeTypeFont, int]] = []
    for paragraph in paragraphs:
        font = _font(font_path, _SIZE_PX[paragraph.style])
        stroke = _STROKE_PX[paragraph.style]
        usable = width_px - 2 * _MARGIN_PX - 2 * stroke
        rows.extend((line, font, stroke) for line in wrap(paragraph.text, usable, font.getlength))
    heights = [_line_height(font) for _, font, _ in rows]
    image = Image.new("1", (width_px, max(1, sum(heights))), color=1)
    draw = ImageDraw.Draw(image)
    top = 0
    for (line, font, stroke), height in zip(rows, heights, strict=True):
        draw.text(
            (width_px // 2, top),
            line,
            font=font,
            fill=0,
            anchor="ma",
            stroke_width=stroke,
            stroke_fill=0,
        )
        top += height
    return image


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return ascent + descent + int(font.size) // 4


@functools.lru_cache(maxsize=8)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.is_file():
        raise MissingFontError(
            f"CJK font for image-mode tickets not found at {path}; install the Debian package "
            "fonts-wqy-microhei or set TicketLayout.font_path to a TrueType/OpenType CJK font"
        )
    return ImageFont.truetype(str(path), size)
