"""What is said for a call: the template of each language, with the number read out the way a
hall caller reads it (A001 → "A 零零一", letters as letters, digits one by one) and the window
as a whole number (12 → 十二, twelve).

A call becomes a list of words, grouped in phrases cut at the ticket number: "请" · "A 零 零
一" · "号到 三 号窗口". A voice pack plays one recorded clip per word, so it needs a finite set
of clips; espeak-ng says one phrase at a time, so the phrase after the number (the window
phrase, the same all day) and the number itself are each synthesised once and then cached.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"\{(number|window)\}")
NUMBER = re.compile(r"^[A-Z]{0,2}[0-9]{1,6}$")

_ZH_DIGITS = "零一二三四五六七八九"
_ZH_UNITS = ((1000, "千"), (100, "百"), (10, "十"))
_EN_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@dataclass(frozen=True)
class Spoken:
    """One language's announcement: the words to say and the sentence to show or fall back on."""

    language: str
    phrases: tuple[tuple[str, ...], ...]
    text: str

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(word for phrase in self.phrases for word in phrase)

    @property
    def speech(self) -> str:
        """What a speech engine is given: word by word, so that A001 is not read as "A one"."""
        return " ".join(self.words)


def announcement(language: str, template: str, number: str, window: int) -> Spoken:
    phrases: list[list[str]] = [[]]
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        phrases[-1].extend(_literal(template[position : match.start()]))
        if match.group(1) == "number":
            # The number is a phrase of its own: what comes after it does not depend on it.
            phrases.append(number_words(language, number))
            phrases.append([])
        else:
            phrases[-1].extend(window_words(language, window))
        position = match.end()
    phrases[-1].extend(_literal(template[position:]))
    return Spoken(
        language,
        tuple(tuple(phrase) for phrase in phrases if phrase),
        template.format(number=number, window=window),
    )


def number_words(language: str, number: str) -> list[str]:
    """A ticket number character by character: letters as letters, each digit on its own."""
    digits = _ZH_DIGITS if _is_chinese(language) else _EN_DIGITS
    words = []
    for char in number.upper():
        if char in string.ascii_uppercase:
            words.append(char)
        elif char.isdigit():
            words.append(digits[int(char)])
    return words


def window_words(language: str, window: int) -> list[str]:
    """A window as the number it is (十二, twelve): how a hall names its windows aloud."""
    if _is_chinese(language):
        return list(_zh_integer(window)) if 0 < window < 10000 else number_words(language, str(window))
    if 0 <= window < 1000:
        return _en_integer(window)
    return number_words(language, str(window))


def _is_chinese(language: str) -> bool:
    return language.startswith(("zh", "yue", "cmn"))


def _literal(text: str) -> list[str]:
    text = text.strip()
    return [text] if text else []


def _zh_integer(value: int) -> str:
    """1 一, 10 十, 12 十二, 20 二十, 101 一百零一, 110 一百一十, 1001 一千零一."""
    if value < 10:
        return _ZH_DIGITS[value]
    result = ""
    rest = value
    zero_pending = False
    for unit, name in _ZH_UNITS:
        digit, rest = divmod(rest, unit)
        if digit:
            if zero_pending:
                result += "零"
            # 10-19 alone is 十, 十一…; inside a larger number it is 一十 (一百一十).
            result += "" if (unit == 10 and digit == 1 and not result) else _ZH_DIGITS[digit]
            result += name
            zero_pending = False
        elif result:
            zero_pending = True
    if rest:
        result += ("零" if zero_pending else "") + _ZH_DIGITS[rest]
    return result


def _en_integer(value: int) -> list[str]:
    if value < 10:
        return [_EN_DIGITS[value]]
    if value < 20:
        return [_EN_TEENS[value - 10]]
    if value < 100:
        tens, ones = divmod(value, 10)
        return [_EN_TENS[tens]] + ([_EN_DIGITS[ones]] if ones else [])
    hundreds, rest = divmod(value, 100)
    return [_EN_DIGITS[hundreds], "hundred"] + (["and", *_en_integer(rest)] if rest else [])
