"""The PNG preview: right size, real Chinese glyphs (not tofu boxes), the QR code drawn."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
import qrcode
from PIL import Image, ImageChops, ImageFont

from kiosk.preview import (
    FontNotFoundError,
    find_cjk_font,
    render_preview_image,
    render_preview_png,
    renders_glyph,
)
from kiosk.printing import TicketSlip

pytestmark = pytest.mark.slow  # fc-match runs as a process

ARTIFACTS = Path(__file__).parent.parent / "artifacts"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Latin only: no CJK
UNMAPPED = "\U0010fffd"  # no font has it: renders the .notdef box


def glyph(font: ImageFont.FreeTypeFont, character: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(character)
    return mask.size, bytes(mask)


def test_preview_is_a_png_of_the_requested_width(slip: TicketSlip) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "ticket_a012.png"  # look at it: tests/artifacts is git-ignored
    render_preview_png(slip, path)

    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.width == 576
        assert image.height > image.width  # a slip is long
        assert image.getextrema() == (0, 255)  # black print on white paper

    buffer = io.BytesIO()
    render_preview_png(slip, buffer, width_px=384)  # 58 mm paper
    with Image.open(io.BytesIO(buffer.getvalue())) as narrow:
        assert narrow.width == 384


def test_chosen_font_draws_chinese_and_a_latin_font_does_not() -> None:
    path, index = find_cjk_font()
    cjk = ImageFont.truetype(path, 48, index=index)
    if "NotoSansCJK" in path:  # the collection's Simplified Chinese face, not the Japanese one
        assert cjk.getname()[0] == "Noto Sans CJK SC"

    jiao, hao, tofu = glyph(cjk, "叫"), glyph(cjk, "号"), glyph(cjk, UNMAPPED)
    assert cjk.getbbox("叫")[2] > 0 and jiao[0][0] > 0  # a non-empty glyph
    assert jiao != tofu and hao != tofu and jiao != hao
    assert renders_glyph(cjk, "叫")

    if not DEJAVU.is_file():
        pytest.skip("DejaVu Sans not installed; cannot show what tofu looks like")
    latin = ImageFont.truetype(str(DEJAVU), 48)
    # The check above would catch tofu: a font without CJK draws both as the same box.
    assert glyph(latin, "叫") == glyph(latin, "号") == glyph(latin, UNMAPPED)
    assert not renders_glyph(latin, "叫")


def test_preview_shows_different_characters_differently(slip: TicketSlip) -> None:
    # Tofu would draw 叫 and 取 as the same box, and the two pictures would be equal.
    one = render_preview_image(replace(slip, center_name="叫号中心"))
    other = render_preview_image(replace(slip, center_name="取号中心"))
    assert one.size == other.size
    difference = ImageChops.difference(one, other).getbbox()
    assert difference is not None
    top_line_height = one.height // 10
    assert difference[3] < top_line_height  # only the centre name changed


def test_preview_draws_the_qr_code(slip: TicketSlip) -> None:
    one = render_preview_image(slip)
    other = render_preview_image(replace(slip, track_url="https://jiaohao.example.cn/t/OTHER1"))
    difference = ImageChops.difference(one, other).getbbox()
    assert difference is not None
    left, top, right, bottom = difference
    assert right - left > 100 and bottom - top > 100  # a square block changed, not a line
    assert left > 0 and right < one.width  # centred


def test_preview_qr_code_encodes_the_tracking_url(slip: TicketSlip) -> None:
    # No QR decoder is installed; the code qrcode makes for the URL must appear
    # pixel for pixel, centred, somewhere down the slip.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2)
    code.add_data(slip.track_url)
    code.make(fit=True)
    expected = code.make_image().get_image().convert("L")
    image = render_preview_image(slip)
    left = (image.width - expected.width) // 2
    matches = [
        top
        for top in range(image.height - expected.height)
        if ImageChops.difference(
            image.crop((left, top, left + expected.width, top + expected.height)), expected
        ).getbbox()
        is None
    ]
    assert len(matches) == 1


def test_a_font_without_chinese_is_refused(slip: TicketSlip) -> None:
    if not DEJAVU.is_file():
        pytest.skip("DejaVu Sans not installed")
    with pytest.raises(FontNotFoundError, match="no Chinese glyphs"):
        render_preview_png(slip, io.BytesIO(), font_path=str(DEJAVU))
