"""The CJK font every picture uses, and the width of a text in it (layouts place labels by
these widths, so that no label runs under a box or another label)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from graph import ChainKGError

# Debian's fonts-wqy-microhei (TrueType outlines, which reportlab embeds); CHAINKG_FONT overrides.
FONT_FILES = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"]
FONT = "CJK"
# The same face in the browser (installed by `make run`), then the usual Windows CJK faces.
CSS_FONTS = "'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', sans-serif"
SAFETY = 1.1  # browsers round and hint differently: a label is placed as if this much wider


def font_file() -> str:
    for path in [os.environ.get("CHAINKG_FONT"), *FONT_FILES]:
        if path and Path(path).is_file():
            return path
    raise ChainKGError("缺少中文字体，请安装 fonts-wqy-microhei（make run 会安装） / no CJK font: install fonts-wqy-microhei")


@cache
def register_font() -> str:
    """The font's name for reportlab, registered once."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, font_file(), subfontIndex=0))
    return FONT


def text_width(text: str, size: float) -> float:
    """Width of `text` at `size` (px or pt), with SAFETY to spare."""
    try:
        return pdfmetrics.stringWidth(text, register_font(), size) * SAFETY
    except ChainKGError:  # no font file: CJK glyphs are one em wide, others about 0.6
        return sum(size if ord(ch) > 0x2E7F else 0.6 * size for ch in text) * SAFETY


def fit(text: str, width: float, size: float) -> str:
    """`text`, cut with "…" to fit `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def lines(text: str, width: float, size: float, most: int = 2) -> list[str]:
    """`text` in at most `most` lines of `width`, broken between characters so that the
    lines are about equal; the last one cut with "…" if it still does not fit."""
    if text_width(text, size) <= width or most == 1:
        return [fit(text, width, size)]
    half = (len(text) + 1) // 2
    if text_width(text[:half], size) <= width:
        cut = half
    else:
        cut = max(1, next(i for i in range(1, len(text) + 1) if text_width(text[:i], size) > width) - 1)
    return [text[:cut], *lines(text[cut:], width, size, most - 1)]
