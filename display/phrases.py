"""What the hall hears: ticket numbers read out digit by digit, and call phrases.

Pure functions and values, no I/O. A ticket number such as ``A012`` is read as
"A零一二" (the letter kept, each digit on its own), never as "A十二", so that a
citizen can compare what they hear with the number printed on their ticket.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Literal, NamedTuple

Language = Literal["zh", "en"]

ZH_DIGITS = "零一二三四五六七八九"
EN_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

DEFAULT_ZH_TEMPLATE = "请{number}号到{window}号窗口办理"
DEFAULT_EN_TEMPLATE = "Number {number}, please go to window {window}"

PLACEHOLDERS = frozenset({"number", "window", "window_name", "service"})
"""The names a template may use: the spoken ticket number, the window number,
the window's display name (e.g. "3号窗口") and the service id."""

_TICKET_NUMBER = re.compile(r"([A-Z]{0,3})([0-9]{1,6})")


class TemplateError(ValueError):
    """A phrase template that cannot be used (unknown placeholder, bad braces, ...)."""


def _split_ticket_number(number: str) -> tuple[str, str]:
    match = _TICKET_NUMBER.fullmatch(number.strip().upper())
    if match is None:
        raise ValueError(
            f"not a ticket number: {number!r} (expected up to 3 letters then digits, e.g. 'A012')"
        )
    return match.group(1), match.group(2)


def spoken_number(number: str) -> str:
    """Return a ticket number as it is read in Chinese: ``"A012"`` -> ``"A零一二"``.

    Letters are kept; several letters are separated by a space (``"AB012"`` ->
    ``"A B零一二"``) so that espeak-ng spells them instead of reading a word.
    Raises ValueError for anything that is not letters followed by digits.
    """
    letters, digits = _split_ticket_number(number)
    return " ".join(letters) + "".join(ZH_DIGITS[int(digit)] for digit in digits)


def spoken_number_en(number: str) -> str:
    """Return a ticket number as it is read in English: ``"A012"`` -> ``"A-zero one two"``.

    The letters are joined to the first digit with hyphens because espeak-ng
    reads a lone "A" before a word as the article "a"; hyphenated it says "ay".
    """
    letters, digits = _split_ticket_number(number)
    words = " ".join(EN_DIGITS[int(digit)] for digit in digits)
    return "-".join([*letters, words])


def chinese_integer(value: int) -> str:
    """Return a whole number 0..9999 in Chinese words: 3 -> 三, 12 -> 十二, 105 -> 一百零五.

    Used for window numbers where a center speaks from recorded clips.
    """
    if not 0 <= value <= 9999:
        raise ValueError(f"cannot read {value} in Chinese words (0..9999 only)")
    if value == 0:
        return ZH_DIGITS[0]
    words: list[str] = []
    pending_zero = False
    for unit_value, unit_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit_value % 10
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words.append(ZH_DIGITS[0])
            pending_zero = False
        words.append(ZH_DIGITS[digit] + unit_name)
    text = "".join(words)
    # 10..19 are read 十, 十一 ... not 一十, 一十一.
    return text[1:] if 10 <= value <= 19 else text


def check_template(template: str) -> None:
    """Raise TemplateError unless ``template`` is a usable call phrase.

    A template must say the number (``{number}``) and may only use the names in
    PLACEHOLDERS, without format specs, conversions, attributes or indexes.
    """
    if not template.strip():
        raise TemplateError("a phrase template must not be empty")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise TemplateError(f"bad braces in phrase template {template!r}: {error}") from None
    allowed = ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS))
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            shown = "{" + name + "}" if name else "{}"
            raise TemplateError(
                f"unknown placeholder {shown} in phrase template {template!r}; "
                f"allowed: {allowed}"
            )
        if spec or conversion:
            raise TemplateError(
                f"placeholder {{{name}}} in phrase template {template!r} must not carry a "
                "format spec or conversion"
            )
    if not any(name == "number" for _, name, _, _ in parsed):
        raise TemplateError(f"phrase template {template!r} must say the number: add {{number}}")


class SpokenLine(NamedTuple):
    """One line of an announcement: the text and the language to speak it in."""

    lang: Language
    text: str


@dataclass(frozen=True)
class PhraseTemplate:
    """The words of a call, in Chinese and optionally in English.

    ``zh`` and ``en`` are ``str.format`` templates over PLACEHOLDERS; ``en=None``
    (the default) speaks Chinese only. Use ``en=DEFAULT_EN_TEMPLATE`` for a
    bilingual hall. Templates are checked when the object is built.
    """

    zh: str = DEFAULT_ZH_TEMPLATE
    en: str | None = None

    def __post_init__(self) -> None:
        check_template(self.zh)
        if self.en is not None:
            check_template(self.en)

    def render(
        self, number: str, window: int | str, window_name: str = "", service: str = ""
    ) -> list[SpokenLine]:
        """Return the lines to speak for a call of ``number`` to ``window``.

        Raises ValueError if ``number`` is not a ticket number.
        """
        common = {"window": str(window), "window_name": window_name, "service": service}
        lines = [SpokenLine("zh", self.zh.format(number=spoken_number(number), **common))]
        if self.en is not None:
            lines.append(
                SpokenLine("en", self.en.format(number=spoken_number_en(number), **common))
            )
        return lines
