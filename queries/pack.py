"""一链一档: the meeting pack of one chain. 一图 (the chain map), 一表 (key enterprises
and projects), 一清单 (the target-company list), 一策 (policies and funds), with the
chain's gaps and targets, as an A4 PDF (CJK font embedded) and as an .xlsx workbook."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from graph import ChainKGError, Store
from queries import read
from queries.chain_map import chain_map
from queries.export import as_cells
from queries.facts import STAGES
from queries.layout import COLUMN_WIDTH, ROW_HEIGHT, STATUS_COLORS, chain_layout
from queries.progress import target_progress
from queries.projects import project_tracking
from queries.result import Result
from queries.targets import target_list

# Debian's fonts-wqy-microhei (TrueType outlines, which reportlab embeds); CHAINKG_FONT overrides.
FONT_FILES = ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"]
FONT = "CJK"
GAP_STATUSES = ("缺失", "薄弱", "在建")
PACK_TOP = 10  # candidates per gap segment in 一清单


@dataclass
class MeetingPack:
    chain: str
    tables: Result  # everything but the picture; also the .xlsx
    map: Result  # the chain map, for 一图


def meeting_pack(store: Store, chain: str) -> MeetingPack:
    """Collect the pack of `chain` (already resolved) from the analyses."""
    mapped = chain_map(store, chain)
    segments = mapped.tables["环节"]
    gaps = segments[segments["状态"].isin(GAP_STATUSES)][["阶段", "环节", "状态", "原因", "来源"]]
    key_firms = mapped.tables["企业"]  # the chain's local producers
    projects = project_tracking(store, chain).table[
        ["项目", "环节", "状态", "建设规模", "总投资（亿元）", "投资企业", "滞后规则", "示例", "来源"]]
    targets = target_progress(store, chain).table[
        ["指标名称", "目标值", "说明", "实际值", "统计期间", "完成率", "时序进度", "进度状态", "来源"]]
    candidates = target_list(store, chain=chain, top=PACK_TOP).table[["排名", "环节", "企业", "得分", "推荐理由", "示例", "来源"]]
    policies = pd.DataFrame(read(store, "policies", {"chain": chain}),
                            columns=["name", "kind", "amount", "issuer", "date", "illustrative", "sources"]).rename(
        columns={"name": "名称", "kind": "类型", "amount": "规模", "issuer": "发布单位", "date": "日期",
                 "illustrative": "示例", "sources": "来源"})
    summary = {"产业链": chain, "等级": mapped.summary["等级"], "链主企业": mapped.summary["链主企业"],
               "链长": mapped.summary["链长"], "生成日期": dt.date.today().isoformat(),
               "环节状态": mapped.summary["状态统计"]}
    tables = {"目标": targets, "缺链补链": gaps, "重点企业": key_firms, "重点项目": projects,
              "招商目标": candidates, "政策与基金": policies}
    return MeetingPack(chain, Result(f"{chain}产业链一链一档", tables, summary), mapped)


def font_file() -> str:
    for path in [os.environ.get("CHAINKG_FONT"), *FONT_FILES]:
        if path and Path(path).is_file():
            return path
    raise ChainKGError("缺少中文字体，请安装 fonts-wqy-microhei（make run 会安装） / no CJK font: install fonts-wqy-microhei")


def _register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, font_file(), subfontIndex=0))


def write_pdf(pack: MeetingPack, path: Path) -> Path:
    _register_font()
    styles = {name: ParagraphStyle(name, fontName=FONT, fontSize=size, leading=size * 1.4, wordWrap="CJK",
                                   spaceAfter=size * 0.6)
              for name, size in (("title", 18), ("h2", 13), ("body", 9), ("cell", 7.5))}
    s = pack.tables.summary
    lead = "、".join(s["链主企业"]) or "（未填）"
    counts = "，".join(f"{k} {v} 个" for k, v in s["环节状态"].items())
    story = [Paragraph(pack.tables.title, styles["title"]),
             Paragraph(f"等级：{s['等级'] or '（未填）'}　链主企业：{lead}　链长：{s['链长'] or '（未填）'}　"
                       f"生成日期：{s['生成日期']}", styles["body"]),
             Paragraph(f"环节状态：{counts}", styles["body"])]
    story += [Paragraph("目标与进度", styles["h2"]), _table(pack.tables.tables["目标"], styles["cell"]),
              Paragraph("缺链补链", styles["h2"]), _table(pack.tables.tables["缺链补链"], styles["cell"]),
              KeepTogether([Paragraph(f"一图：{pack.chain}产业链图谱（{s['生成日期']}）", styles["h2"]),
                            _map_drawing(pack.map),
                            Paragraph("★ 链主企业；└ 细分环节；虚线为推定的上下游关系（来源为“常识”）", styles["body"])])]
    for title, name in (("一表：重点企业", "重点企业"), ("一表：重点项目", "重点项目"),
                        ("一清单：招商目标企业", "招商目标"), ("一策：政策与基金", "政策与基金")):
        story += [Spacer(1, 3 * mm), Paragraph(title, styles["h2"]), _table(pack.tables.tables[name], styles["cell"])]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=15 * mm, title=pack.tables.title, author="产业链知识图谱")
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return Path(path)


def _footer(canvas, doc) -> None:
    canvas.setFont(FONT, 7)
    canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, f"第 {doc.page} 页")


def _table(table: pd.DataFrame, style: ParagraphStyle) -> Table | Paragraph:
    if table.empty:
        return Paragraph("（无）", style)
    cells = as_cells(table).fillna("")
    data = [[Paragraph(str(c), style) for c in table.columns]]
    data += [[Paragraph(str(v), style) for v in row] for row in cells.itertuples(index=False)]
    widths = _column_widths(cells, A4[0] - 30 * mm)
    result = Table(data, colWidths=widths, repeatRows=1)
    result.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                                ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return result


def _column_widths(cells: pd.DataFrame, total: float, char: float = 8.0) -> list[float]:
    """Short columns get their natural width; long ones share what is left."""
    natural = [min(max([len(str(c)), *(len(str(v)) for v in cells[c])]), 40) + 2 for c in cells.columns]
    if sum(natural) * char <= total:
        return [total * n / sum(natural) for n in natural]
    short = [n if n <= 8 else 0 for n in natural]
    rest = total - sum(short) * char
    long_total = sum(n for n in natural if n > 8)
    return [n * char if n <= 8 else rest * n / long_total for n in natural]


def _map_drawing(mapped: Result) -> Drawing:
    layout = chain_layout(mapped.tables["环节"], mapped.tables["上下游"])
    box_w, box_h = COLUMN_WIDTH * 0.72, ROW_HEIGHT * 0.62
    scale = (A4[0] - 30 * mm) / layout.width
    band = ROW_HEIGHT * 0.8  # stage names above, the legend below
    height = layout.height + 2 * band
    drawing = Drawing(layout.width * scale, height * scale)
    where = {b.id: b for b in layout.boxes}

    def top(y: float) -> float:  # a box's centre line; layout y grows downwards, the drawing's upwards
        return (height - band - y - box_h / 2) * scale

    for i, stage in enumerate(STAGES):
        drawing.add(String((i * COLUMN_WIDTH + box_w / 2) * scale, (height - band / 2) * scale, stage,
                           fontName=FONT, fontSize=11, textAnchor="middle"))
    for i, (status, color) in enumerate(STATUS_COLORS.items()):
        x = i * COLUMN_WIDTH * 0.4 * scale
        drawing.add(Rect(x, band * scale * 0.3, 14, 8, fillColor=colors.HexColor(color), strokeColor=None))
        drawing.add(String(x + 18, band * scale * 0.3 + 1, status, fontName=FONT, fontSize=8))
    for start, end, assumed in layout.edges:
        a, b = where[start], where[end]
        if a.x == b.x:  # within one stage: out and back in on the right
            x = (a.x + box_w + 8) * scale
            points = [(a.x + box_w) * scale, top(a.y), x, top(a.y), x, top(b.y), (b.x + box_w) * scale, top(b.y)]
        else:
            points = [(a.x + box_w) * scale, top(a.y), b.x * scale, top(b.y)]
        for j in range(0, len(points) - 2, 2):
            drawing.add(Line(*points[j:j + 4], strokeColor=colors.grey, strokeWidth=0.5,
                             strokeDashArray=[2, 2] if assumed else None))
        x2, y2 = points[-2], points[-1]
        direction = -1 if a.x == b.x else 1
        drawing.add(Polygon([x2, y2, x2 - 4 * direction, y2 + 2, x2 - 4 * direction, y2 - 2],
                            fillColor=colors.grey, strokeColor=None))
    for box in layout.boxes:
        color = colors.HexColor(STATUS_COLORS.get(box.status, "#9e9e9e"))
        drawing.add(Rect(box.x * scale, top(box.y) - box_h * scale / 2, box_w * scale, box_h * scale, rx=3, ry=3,
                         fillColor=color, strokeColor=None))
        drawing.add(String((box.x + box_w / 2) * scale, top(box.y) - 3, box.label.strip(), fontName=FONT,
                           fontSize=max(6.0, 15 * scale), fillColor=colors.white, textAnchor="middle"))
    return drawing
