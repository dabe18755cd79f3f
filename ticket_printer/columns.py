"""Text measured the way a thermal printer in Chinese mode lays it out: in columns.

In Chinese mode a printer prints every single-byte (ASCII) character half width (12 dots in
font A) and every multi-byte GB18030 character full width (24 dots), whatever Unicode says about
the character's East Asian width. So a character's encoded length, not `unicodedata`, decides
whether it takes one column or two.
"""

import re
import unicodedata
from collections.abc import Callable
from typing import Final

# GB18030 encodes every Unicode character and is a superset of the GBK/GB2312 that printers sold
# in China read in Chinese mode; ASCII stays single-byte.
PRINTER_ENCODING: Final = "gb18030"

# Characters that would move the print head or switch printer modes if sent raw (C0/C1 controls,
# line and paragraph separators) become spaces; invisible ones that a printer would print as
# garbage glyphs (format characters, surrogates, private use, unassigned) are dropped.
_AS_SPACE = frozenset({"Cc", "Zl", "Zp", "Zs"})
_DROPPED = frozenset({"Cf", "Cs", "Co", "Cn"})

# Wrapping units: a run of printable ASCII (a Latin word or a number) stays together; every other
# character (CJK ideographs, full-width punctuation) may be broken after.
_WRAP_UNITS = re.compile(r"[!-~]+| |.", re.DOTALL)


def char_columns(char: str) -> int:
    """Columns one character takes: 1 for ASCII, 2 for anything GB18030 encodes in 2 or 4 bytes."""
    return 1 if ord(char) < 0x80 else 2


def text_columns(text: str) -> int:
    """Columns `text` takes on the printer."""
    return sum(char_columns(char) for char in text)


def printable(text: str) -> str:
    """`text` with everything a printer must not receive removed, and spaces collapsed."""
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category in _AS_SPACE:
            kept.append(" ")
        elif category not in _DROPPED:
            kept.append(char)
    return " ".join("".join(kept).split())


def wrap(text: str, width: float, measure: Callable[[str], float] = text_columns) -> list[str]:
    """Break `text` into lines no wider than `width` as measured by `measure`.

    Lines break between words or after any non-ASCII character; a word wider than a whole line
    is broken between characters. The text is first made `printable`.
    """
    lines: list[str] = []
    line = ""
    for unit in _WRAP_UNITS.findall(printable(text)):
        if unit == " ":
            # A space never forces a break; one left at the end of a line is stripped below.
            if line:
                line += unit
            continue
        if measure(line + unit) <= width:
            line += unit
            continue
        if line:
            lines.append(line.rstrip())
        line = unit
        while measure(line) > width:
            head = _longest_prefix(line, width, measure)
            lines.append(head)
            line = line[len(head) :]
    if line:
        lines.append(line.rstrip())
    return lines


def _longest_prefix(text: str, width: float, measure: Callable[[str], float]) -> str:
    """The longest prefix of `text` that fits `width`, but at least one character."""
    end = 1
    while end < len(text) and measure(text[: end + 1]) <= width:
        end += 1
    return text[:end]
