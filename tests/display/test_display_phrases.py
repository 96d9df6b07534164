"""Unit tests: ticket numbers as spoken, call phrase templates."""

from __future__ import annotations

import pytest

from display.phrases import (
    DEFAULT_EN_TEMPLATE,
    PhraseTemplate,
    SpokenLine,
    TemplateError,
    chinese_integer,
    spoken_number,
    spoken_number_en,
)


@pytest.mark.parametrize(
    ("number", "spoken"),
    [
        ("A012", "A零一二"),
        ("B100", "B一零零"),
        ("C999", "C九九九"),
        ("A345678", "A三四五六七八"),
        ("a012", "A零一二"),
        (" A012 ", "A零一二"),
        ("AB012", "A B零一二"),
        ("XYZ1", "X Y Z一"),
        ("007", "零零七"),
    ],
)
def test_spoken_number_reads_digits_one_by_one(number: str, spoken: str) -> None:
    assert spoken_number(number) == spoken


def test_spoken_number_covers_every_digit() -> None:
    assert spoken_number("A01234") + spoken_number("56789") == "A零一二三四五六七八九"


@pytest.mark.parametrize("bad", ["", "A", "A-12", "ABCD1", "12A", "号12", "A1234567", "A 12"])
def test_spoken_number_refuses_what_is_not_a_ticket_number(bad: str) -> None:
    with pytest.raises(ValueError, match="not a ticket number"):
        spoken_number(bad)


@pytest.mark.parametrize(
    ("number", "spoken"),
    [
        ("A012", "A-zero one two"),
        ("B100", "B-one zero zero"),
        ("AB305", "A-B-three zero five"),
        ("042", "zero four two"),
    ],
)
def test_english_number_reads_digits_one_by_one(number: str, spoken: str) -> None:
    assert spoken_number_en(number) == spoken


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "零"), (3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (21, "二十一"),
        (99, "九十九"), (100, "一百"), (101, "一百零一"), (110, "一百一十"),
        (1001, "一千零一"), (1010, "一千零一十"), (1100, "一千一百"), (9999, "九千九百九十九"),
    ],
)
def test_chinese_integer(value: int, words: str) -> None:
    assert chinese_integer(value) == words


def test_chinese_integer_refuses_out_of_range() -> None:
    with pytest.raises(ValueError, match="0..9999"):
        chinese_integer(10000)


def test_default_template_is_chinese_only() -> None:
    lines = PhraseTemplate().render("A012", 3, "3号窗口", "social-security")
    assert lines == [SpokenLine("zh", "请A零一二号到3号窗口办理")]


def test_template_with_window_name_and_service() -> None:
    template = PhraseTemplate(zh="请{number}号到{window_name}办理{service}")
    lines = template.render("B100", 12, window_name="十二号窗口", service="不动产登记")
    assert lines == [SpokenLine("zh", "请B一零零号到十二号窗口办理不动产登记")]


def test_bilingual_template_adds_the_english_line() -> None:
    template = PhraseTemplate(en=DEFAULT_EN_TEMPLATE)
    assert template.render("A012", 3) == [
        SpokenLine("zh", "请A零一二号到3号窗口办理"),
        SpokenLine("en", "Number A-zero one two, please go to window 3"),
    ]


def test_literal_braces_are_allowed() -> None:
    template = PhraseTemplate(zh="{{请}}{number}号")
    assert template.render("A1", 1)[0].text == "{请}A一号"


@pytest.mark.parametrize(
    ("zh", "message"),
    [
        ("请{num}号到{window}号窗口", r"unknown placeholder \{num\}.*allowed: \{number\}"),
        ("请{}号", r"unknown placeholder \{\}"),
        ("请{number.__class__}号", r"unknown placeholder \{number.__class__\}"),
        ("请{number[0]}号", r"unknown placeholder"),
        ("请{number!r}号", "must not carry a format spec"),
        ("请{window:>3}{number}号", "must not carry a format spec"),
        ("请{number号", "bad braces"),
        ("请到{window}号窗口", r"must say the number: add \{number\}"),
        ("   ", "must not be empty"),
    ],
)
def test_bad_template_is_refused_when_built(zh: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        PhraseTemplate(zh=zh)


def test_bad_english_template_is_refused_too() -> None:
    with pytest.raises(TemplateError, match=r"\{counter\}"):
        PhraseTemplate(en="Number {number}, go to {counter}")


def test_render_refuses_a_bad_number() -> None:
    with pytest.raises(ValueError, match="not a ticket number"):
        PhraseTemplate().render("A-1", 3)
