"""How a ticket is laid out on a given printer: paper width and how Chinese text is printed."""

from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

PaperWidth = Literal[58, 80]
RenderMode = Literal["native", "image"]
TextStyle = Literal["title", "body"]

# Printable width of the common 203-dpi print heads behind 58 mm and 80 mm paper, and the
# columns of ESC/POS font A (12 x 24 dots) that fit in it.
_DOTS: Final[dict[int, int]] = {58: 384, 80: 576}
_FONT_A_DOTS: Final = 12

# Debian's fonts-wqy-microhei: a CJK font under a free licence, present on most kiosk images.
DEFAULT_FONT_PATH: Final = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@dataclass(frozen=True)
class TicketLayout:
    """Printer-dependent layout choices for a ticket.

    mode "native" sends Chinese text as GB18030 for the printer's own Chinese font (what printers
    sold in China do); mode "image" draws the text with `font_path` into bitmaps, for printers
    without a Chinese font.
    """

    paper_mm: PaperWidth = 80
    mode: RenderMode = "native"
    font_path: Path = DEFAULT_FONT_PATH

    def __post_init__(self) -> None:
        # Layouts come from hall configuration files, so the Literal types are not enough.
        if self.paper_mm not in _DOTS:
            raise ValueError(f"paper_mm must be 58 or 80, not {self.paper_mm!r}")
        if self.mode not in ("native", "image"):
            raise ValueError(f'mode must be "native" or "image", not {self.mode!r}')

    @property
    def dots(self) -> int:
        """Printable width in dots."""
        return _DOTS[self.paper_mm]

    @property
    def chars_per_line(self) -> int:
        """Columns of normal-size text per line (a CJK character takes two)."""
        return self.dots // _FONT_A_DOTS


@dataclass(frozen=True)
class StyledText:
    """A paragraph of ticket text and how prominently to print it ("title" is bold/larger)."""

    text: str
    style: TextStyle = "body"
