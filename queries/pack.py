"""一链一档: the meeting pack of one chain. 一图 (the chain map), 一表 (key enterprises
and projects), 一清单 (the target-company list), 一策 (policies and funds), with the
chain's gaps and targets, as an A4 PDF (CJK font embedded) and as an .xlsx workbook."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from graph import Store, clock
from queries import read
from queries.chain_map import chain_map
from queries.export import UNKNOWN, display_cells
from queries.layout import chain_layout
from queries.progress import target_progress, target_text
from queries.projects import project_tracking
from queries.result import Result
from queries.targets import target_list
from rendering import safe
from rendering.chain_map import map_drawing
from rendering.fonts import register_font, text_width

GAP_STATUSES = ("缺失", "薄弱", "在建")
PACK_TOP = 10  # candidates per gap segment in 一清单
MARGIN = 15 * mm
CELL_PAD = 3
HEADER_MIN = 4  # a header may wrap, but not into lines shorter than this many characters
CELL_SIZES = (7.5, 7.0, 6.5)  # pt: the first at which every word of a table fits


@dataclass
class MeetingPack:
    chain: str
    tables: Result  # everything but the picture; also the .xlsx
    map: Result  # the chain map, for 一图
    empty: dict[str, str]  # table -> why it has no rows and what would fill it


def meeting_pack(store: Store, chain: str) -> MeetingPack:
    """Collect the pack of `chain` (already resolved) from the analyses."""
    mapped = chain_map(store, chain)
    segments = mapped.tables["环节"]
    own = set(segments["环节"])
    gaps = segments[segments["状态"].isin(GAP_STATUSES)][["阶段", "环节", "状态", "原因", "来源"]]
    key_firms = mapped.tables["企业"][["环节", "企业", "链主", "主要产品", "产能", "产量", "示例", "来源"]]
    projects = project_tracking(store, chain).table[
        ["项目", "环节", "状态", "建设规模", "总投资（亿元）", "投资企业", "滞后规则", "示例", "来源"]]
    projects.insert(2, "说明", [_elsewhere(store, [s for s in filled if s not in own]) for filled in projects["环节"]])
    progress = target_progress(store, chain).table
    targets = progress[["指标名称", "目标值", "实际值", "完成率", "时序进度", "进度状态", "进度说明", "来源"]].assign(
        目标值=[target_text(v, n) for v, n in zip(progress["目标值"], progress["说明"])])
    candidates = target_list(store, chain=chain, top=PACK_TOP).table[
        ["排名", "环节", "企业", "得分", "信息完整度", "推荐理由", "待补信息", "示例", "来源"]]
    policies = pd.DataFrame(read(store, "policies", {"chain": chain}),
                            columns=["name", "kind", "amount", "issuer", "date", "illustrative", "sources"]).rename(
        columns={"name": "名称", "kind": "类型", "amount": "规模", "issuer": "发布单位", "date": "日期",
                 "illustrative": "示例", "sources": "来源"})
    gap_names = "、".join(gaps.loc[gaps["状态"].isin(["缺失", "薄弱"]), "环节"])
    empty = {
        "目标": "图中没有本链的目标。目标在“数据管理”页的指标表填报（所属产业链填本链），完成情况在指标完成表填报。",
        "缺链补链": "本链各环节均为优势环节，没有缺失、薄弱或在建环节。",
        "重点企业": "图中没有在本链环节生产的本地企业。本地企业及其环节在“数据管理”页的企业表和企业环节表填报。",
        "重点项目": "图中没有属于本链的项目。项目在“数据管理”页的项目表填报（所属产业链填本链）。",
        "招商目标": (f"本链缺失、薄弱环节（{gap_names}）在图中没有外地生产企业，无法排出招商目标。"
                     "在“数据管理”页导入企业名录（含经营范围或行业）后即可生成。") if gap_names else
                    "本链没有缺失或薄弱环节，无需列出招商目标。",
        "政策与基金": "图中没有支持本链的政策或基金。政策与基金在“数据管理”页的政策表填报（支持产业链填本链）。",
    }
    summary = {"产业链": chain, "等级": mapped.summary["等级"], "链主企业": mapped.summary["链主企业"],
               "链长": mapped.summary["链长"], "生成日期": clock.today().isoformat(),
               "环节状态": mapped.summary["状态统计"],
               **{f"{name}（无数据原因）": why for name, why in empty.items()}}
    tables = {"目标": targets, "缺链补链": gaps, "重点企业": key_firms, "重点项目": projects,
              "招商目标": candidates, "政策与基金": policies}
    return MeetingPack(chain, Result(f"{chain}产业链一链一档", tables, summary), mapped, empty)


def _elsewhere(store: Store, segments: list[str]) -> str | None:
    """Why a project of this chain fills segments of other chains."""
    if not segments:
        return None
    chains = {s: "、".join(r["chain"] for r in read(store, "segment_chain", {"segment": s})) for s in segments}
    return "项目属本链；所补环节" + "、".join(f"{s}属{c or '其他'}产业链" for s, c in chains.items())


def write_pdf(pack: MeetingPack, path: Path) -> Path:
    font = register_font()
    styles = {name: ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.45, wordWrap="CJK",
                                   spaceBefore=before, spaceAfter=after)
              for name, size, before, after in (("title", 18, 0, 8), ("h2", 13, 10, 5), ("body", 9, 0, 4),
                                                ("note", 8.5, 0, 4), ("cell", 7.5, 0, 0))}
    styles["note"].textColor = colors.HexColor("#555555")
    s = pack.tables.summary
    lead = "、".join(s["链主企业"]) or "未填"
    counts = "，".join(f"{k} {v} 个" for k, v in s["环节状态"].items())
    story = [Paragraph(safe.pdf(pack.tables.title), styles["title"]),
             Paragraph(safe.pdf(f"等级：{s['等级'] or '未填'}　链主企业：{lead}　链长：{s['链长'] or '未填'}　"
                             f"生成日期：{s['生成日期']}"), styles["body"]),
             Paragraph(safe.pdf(f"环节状态：{counts}"), styles["body"])]
    width = A4[0] - 2 * MARGIN
    layout = chain_layout(pack.map.tables["环节"], pack.map.tables["上下游"])
    for title, name in (("目标与进度", "目标"), ("缺链补链", "缺链补链")):
        story += _section(title, pack, name, styles, width)
    story.append(KeepTogether([
        Paragraph(safe.pdf(f"一图：{pack.chain}产业链图谱（{s['生成日期']}）"), styles["h2"]),
        map_drawing(layout, width, A4[1] - 2 * MARGIN - 60 * mm),
        Paragraph("点击网页版图谱中的环节可查看原因与候选企业。", styles["note"])]))
    for title, name in (("一表：重点企业", "重点企业"), ("一表：重点项目", "重点项目"),
                        ("一清单：招商目标企业", "招商目标"), ("一策：政策与基金", "政策与基金")):
        story += _section(title, pack, name, styles, width)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=pack.tables.title, author="产业链知识图谱")
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return Path(path)


def _section(title: str, pack: MeetingPack, name: str, styles: dict, width: float) -> list:
    """A heading, then the table, or the sentence saying why there is none."""
    heading = Paragraph(safe.pdf(title), styles["h2"])
    shown = section_cells(pack, name)
    if shown is None:
        return [heading, Paragraph(safe.pdf(pack.empty[name]), styles["note"])]
    cells, notes = shown
    return [heading, _table(cells, styles["cell"], width),
            *(Paragraph(safe.pdf(note), styles["note"]) for note in notes), Spacer(1, 2 * mm)]


def section_cells(pack: MeetingPack, name: str) -> tuple[pd.DataFrame, list[str]] | None:
    """A section's table as printed, and the notes under it; None when it has no rows. Columns
    with nothing known in any row are named in a note instead of drawn empty."""
    table = pack.tables.tables[name]
    if table.empty:
        return None
    cells = display_cells(table)
    blank = [c for c in cells.columns if c != "示例" and cells[c].isin([UNKNOWN, ""]).all()]
    illustrative = "示例" in table.columns and table["示例"].any()
    notes = [f"以下各列在本节所有行中均无数据，未列出：{'、'.join(blank)}。"] if blank else []
    if illustrative:
        notes.append("“示例”为“是”的行是示例数据，不是真实事实。")
    return cells.drop(columns=blank + (["示例"] if "示例" in cells.columns and not illustrative else [])), notes


def _footer(canvas, doc) -> None:
    canvas.setFont(register_font(), 7)
    canvas.drawRightString(A4[0] - MARGIN, 8 * mm, f"第 {doc.page} 页")


def _table(cells: pd.DataFrame, style: ParagraphStyle, total: float) -> Table:
    size, widths, rows = table_lines(cells, total)
    cell = ParagraphStyle(f"cell{size}", parent=style, fontSize=size, leading=size * 1.4)
    data = [[Paragraph("<br/>".join(safe.pdf(line) for line in lines), cell) for lines in row] for row in rows]
    result = Table(data, colWidths=widths, repeatRows=1)
    result.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD)]))
    return result


def table_lines(cells: pd.DataFrame, total: float) -> tuple[float, list[float], list[list[list[str]]]]:
    """(font size, column widths, each cell's lines) of a table `total` points wide: columns as
    wide as their longest unbreakable word (a name, a number with its unit), the rest shared
    by how much each would still use; lines break only between words. When the words do not
    fit the width, a smaller size is tried first."""
    rows = [list(cells.columns), *([str(v) for v in row] for row in cells.itertuples(index=False))]
    for size in CELL_SIZES:
        widths = _column_widths(rows, total, size)
        if widths is not None:
            break
    else:  # still too wide: shrink every column alike (words may then break)
        least = _least_widths(rows, size)
        widths = [total * m / sum(least) for m in least]
    return size, widths, [[_wrap(value, width - 2 * CELL_PAD - 1, size) for value, width in zip(row, widths)]
                          for row in rows]


def words(text: str) -> list[str]:
    """`text` cut where a line may break: after punctuation and spaces, and before a number
    that follows Chinese; names and numbers with their units stay whole."""
    return [w for w in re.split(r"(?<=[，。；：、）)\]！？ ])|(?<=[\u4e00-\u9fff])(?=\d)|(?=[（(])", text) if w]


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of at most `width` that join back into `text`, broken between words (a word
    wider than a line alone is broken between characters)."""
    out, line = [], ""
    for word in words(text):
        if line and text_width((line + word).rstrip(), size) > width:
            out.append(line)
            line = ""
        while text_width(word.rstrip(), size) > width and len(word) > 1:
            cut = max(1, next(i for i in range(1, len(word) + 1) if text_width(word[:i], size) > width) - 1)
            out.append(word[:cut])
            word = word[cut:]
        line += word
    return [*out, line]


def _least_widths(rows: list[list[str]], size: float) -> list[float]:
    """Each column's longest word; a header's whole text, up to HEADER_MIN characters a line."""
    pad = 2 * CELL_PAD + 2

    def longest_word(values) -> float:
        return max((text_width(w.strip(), size) for v in values for w in words(v)), default=0)

    return [max(longest_word(col[1:]), min(text_width(col[0], size), text_width("字" * HEADER_MIN, size))) + pad
            for col in zip(*rows)]


def _column_widths(rows: list[list[str]], total: float, size: float) -> list[float] | None:
    """Widths that keep every word whole at `size` (None when they cannot), the room left
    shared by how much wider each column's longest cell would like to be."""
    least = _least_widths(rows, size)
    if sum(least) > total:
        return None
    wish = [max(m, min(max(text_width(v, size) for v in col) + 2 * CELL_PAD + 2, total * 0.45))
            for m, col in zip(least, zip(*rows))]
    room = total - sum(least)
    grow = [w - m for w, m in zip(wish, least)]
    if sum(grow) <= room:  # everything fits on one line: spread the rest evenly
        return [w + (room - sum(grow)) / len(wish) for w in wish]
    return [m + room * g / sum(grow) for m, g in zip(least, grow)]
