"""A PNG picture of a ticket slip, for the dashboard and for tests.

Drawn from the same ``slip_layout`` as the ESC/POS stream, with a CJK font
(Noto Sans CJK from fonts-noto-cjk) so Chinese shows as glyphs, not boxes.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import qrcode
from PIL import Image, ImageDraw, ImageFont

from kiosk.printing import QrCode, TextLine, TicketSlip, slip_layout

FontFile = tuple[str, int]  # path, face index inside a .ttc collection

# Preferred first. Simplified Chinese faces are picked out of collections by name.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-{weight}.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
# A code point no font maps, so it renders the font's .notdef ("tofu") glyph.
_UNMAPPED = "\U0010fffd"
_PROBE = "中"


class FontNotFoundError(RuntimeError):
    """No font with Chinese glyphs is installed."""


def _mask_signature(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(text)
    return mask.size, bytes(mask)


def renders_glyph(font: ImageFont.FreeTypeFont, character: str) -> bool:
    """True if ``font`` draws ``character`` as itself rather than as its .notdef box."""
    signature = _mask_signature(font, character)
    return signature[0][0] > 0 and signature != _mask_signature(font, _UNMAPPED)


def _faces(path: str) -> list[int]:
    """Face indexes to try in ``path``, Simplified Chinese ('SC') faces first."""
    faces: list[tuple[bool, int]] = []
    for index in range(32):
        try:
            family, _style = ImageFont.truetype(path, 16, index=index).getname()
        except OSError:
            break
        faces.append(("SC" not in (family or "").split(), index))
    return [index for _, index in sorted(faces)]


def _fontconfig_guess() -> list[FontFile]:
    if shutil.which("fc-match") is None:
        return []
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    path, _, index = found.rpartition(":")
    return [(path, int(index))] if path and index.isdigit() else []


@lru_cache(maxsize=4)
def find_cjk_font(weight: str = "Regular") -> FontFile:
    """Find an installed font that draws Chinese; ``weight`` is "Regular" or "Bold".

    Raises ``FontNotFoundError`` naming the package to install.
    """
    candidates: list[FontFile] = []
    for pattern in CJK_FONT_CANDIDATES:
        path = pattern.format(weight=weight)
        if Path(path).is_file():
            candidates.extend((path, index) for index in _faces(path))
    candidates.extend(_fontconfig_guess())
    for path, index in candidates:
        try:
            font = ImageFont.truetype(path, 24, index=index)
        except OSError:
            continue
        if renders_glyph(font, _PROBE):
            return path, index
    raise FontNotFoundError(
        "未找到中文字体 / no font with Chinese glyphs found: "
        "install fonts-noto-cjk (apt-get install fonts-noto-cjk)"
    )


@dataclass(frozen=True)
class _Fonts:
    regular: FontFile
    bold: FontFile
    base_size: int

    def get(self, scale: int, bold: bool) -> ImageFont.FreeTypeFont:
        path, index = self.bold if bold else self.regular
        return _load(path, index, self.base_size * scale)


@lru_cache(maxsize=32)
def _load(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break ``text`` into lines that fit ``width`` pixels, at a space when one is near."""
    lines: list[str] = []
    current = ""
    for character in text:
        if current and font.getlength(current + character) > width:
            head, space, tail = current.rpartition(" ")
            if space and head and character != " ":
                lines.append(head)
                current = tail
            else:
                lines.append(current.rstrip())
                current = ""
            if character == " " and not current:
                continue
        current += character
    return [*lines, current]


def render_preview_image(
    slip: TicketSlip, width_px: int = 576, *, font_path: str | None = None
) -> Image.Image:
    """Draw ``slip`` as a black-on-white image ``width_px`` wide (576 = 80 mm at 203 dpi)."""
    if width_px < 192:
        raise ValueError("width_px must be at least 192")
    if font_path is None:
        regular, bold = find_cjk_font("Regular"), find_cjk_font("Bold")
    else:
        regular = bold = (font_path, 0)
        if not renders_glyph(_load(font_path, 0, 24), _PROBE):
            raise FontNotFoundError(f"font {font_path} has no Chinese glyphs")
    # The printer fills its whole line with one Chinese character per 24 dots (24
    # on 576-dot 80 mm paper, 16 on 384-dot 58 mm); keep a thin margin and
    # otherwise as many per line, so lines break where they will.
    margin = width_px // 48
    inner = width_px - 2 * margin
    fonts = _Fonts(regular, bold, base_size=inner // max(8, width_px // 24))

    # Lay out first to learn the height, then draw.
    texts: list[tuple[int, int, str, ImageFont.FreeTypeFont]] = []  # top, left, line, font
    pictures: list[tuple[int, Image.Image]] = []
    rules: list[int] = []
    y = fonts.base_size
    for block in slip_layout(slip):
        if isinstance(block, TextLine):
            font = fonts.get(block.scale, block.bold)
            for line in _wrap(block.text, font, inner):
                width = round(font.getlength(line))
                left = margin if block.align == "left" else (width_px - width) // 2
                texts.append((y, left, line, font))
                y += round(font.size * 1.35)
        elif isinstance(block, QrCode):
            code = _qr_image(block.data, module_px=max(2, width_px // 96))
            pictures.append((y, code))
            y += code.height
        else:
            rules.append(y + fonts.base_size // 2)
            y += fonts.base_size
    image = Image.new("L", (width_px, y + fonts.base_size), 255)
    draw = ImageDraw.Draw(image)
    for top, left, line, font in texts:
        draw.text((left, top), line, font=font, fill=0)
    for top, picture in pictures:
        image.paste(picture, ((width_px - picture.width) // 2, top))
    for top in rules:  # dashes, as on the paper
        for x in range(margin, width_px - margin, 12):
            draw.line([(x, top), (x + 6, top)], fill=0, width=2)
    return image


def _qr_image(data: str, *, module_px: int) -> Image.Image:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module_px, border=2
    )
    code.add_data(data)
    code.make(fit=True)
    picture: Image.Image = code.make_image().get_image()
    return picture.convert("L")


def render_preview_png(
    slip: TicketSlip,
    path_or_file: str | Path | BinaryIO,
    width_px: int = 576,
    *,
    font_path: str | None = None,
) -> None:
    """Write a PNG picture of ``slip`` to a path or a binary file object.

    Raises ``FontNotFoundError`` if no font with Chinese glyphs is installed
    (or ``font_path`` has none).
    """
    render_preview_image(slip, width_px, font_path=font_path).save(path_or_file, format="PNG")
