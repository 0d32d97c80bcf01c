"""The chain map as a vector drawing (reportlab) from the layout the app draws: for the
meeting pack's 一图 and for the PNG and SVG downloads (slides)."""

from __future__ import annotations

import io
import re

import pypdfium2
from reportlab.graphics import renderPDF, renderSVG
from reportlab.graphics.shapes import Drawing, Group, PolyLine, Polygon, Rect, String
from reportlab.lib import colors

from queries.layout import (ARROW_COLOR, LEAD_COLOR, SEGMENT_LINE, SEGMENT_SIZE, STATUS_COLORS, SWATCH_H, SWATCH_W,
                            TEXT_ON, UNKNOWN_COLOR, ChainLayout, arrowhead)
from rendering.fonts import CSS_FONTS, register_font

ARROW = colors.HexColor(ARROW_COLOR)


def map_drawing(layout: ChainLayout, width: float | None = None, height: float | None = None) -> Drawing:
    """The map, scaled (never up) to fit `width` × `height` points; y grows upwards in it."""
    font = register_font()
    scale = min(1.0, (width or layout.width) / layout.width, (height or layout.height) / layout.height)
    group = Group()

    def flip(y: float) -> float:
        return layout.height - y

    for arrow in layout.arrows:
        points = [c for x, y in arrow.points for c in (x, flip(y))]
        group.add(PolyLine(points, strokeColor=ARROW, strokeWidth=1.2, strokeDashArray=[4, 3] if arrow.assumed else None))
        group.add(Polygon([c for x, y in arrowhead(arrow.points) for c in (x, flip(y))], fillColor=ARROW, strokeColor=None))
    for status, colour, x, y in layout.legend:
        group.add(Rect(x, flip(y + SWATCH_H), SWATCH_W, SWATCH_H, fillColor=colors.HexColor(colour), strokeColor=None))
    for box in layout.boxes:
        fill = colors.HexColor(STATUS_COLORS.get(box.status, UNKNOWN_COLOR))
        group.add(Rect(box.x, flip(box.y + box.h), box.w, box.h, rx=4, ry=4, fillColor=fill,
                       strokeColor=colors.HexColor(LEAD_COLOR) if box.lead else None, strokeWidth=3 if box.lead else 0))
        top = box.y + (box.h - SEGMENT_LINE * len(box.lines)) / 2
        for i, line in enumerate(box.lines):
            group.add(String(box.x + box.w / 2, flip(top + SEGMENT_LINE * (i + 0.5)) - SEGMENT_SIZE * 0.35, line,
                             fontName=font, fontSize=SEGMENT_SIZE, textAnchor="middle",
                             fillColor=colors.HexColor(TEXT_ON.get(box.status, "#ffffff"))))
    for note in layout.notes:
        group.add(String(note.x + note.w / 2, flip(note.y + note.h / 2) - note.size * 0.35, note.text, fontName=font,
                         fontSize=note.size, textAnchor="middle",
                         fillColor=colors.HexColor("#777777" if note.kind == "更多" else "#333333")))
    group.scale(scale, scale)
    drawing = Drawing(layout.width * scale, layout.height * scale)
    drawing.add(group)
    return drawing


def to_svg(layout: ChainLayout) -> bytes:
    """The map as SVG, its text in the CJK faces a slide's computer has."""
    out = io.StringIO()
    renderSVG.drawToFile(map_drawing(layout), out)
    return re.sub(r"font-family:\s*CJK", f"font-family: {CSS_FONTS}", out.getvalue()).encode("utf-8")


def to_pdf(layout: ChainLayout) -> bytes:
    out = io.BytesIO()
    renderPDF.drawToFile(map_drawing(layout), out)
    return out.getvalue()


def to_png(layout: ChainLayout, scale: float = 2.0) -> bytes:
    """The map as a PNG at `scale` × its size in px (sharp on a projector)."""
    return page_images(to_pdf(layout), scale)[0]


def page_images(pdf: bytes, scale: float = 1.0) -> list[bytes]:
    """Each page of a PDF as a PNG (the pack's preview)."""
    images = []
    for page in pypdfium2.PdfDocument(pdf):
        out = io.BytesIO()
        page.render(scale=scale).to_pil().save(out, format="PNG")
        images.append(out.getvalue())
    return images
