"""Where everything of a chain map goes, in pixels: one column per stage (上游 → 中游 →
下游), each segment a box with its local enterprises and projects listed under it, and the
FEEDS arrows routed between the boxes. Computed in Python from measured text widths, so
that no label overlaps a box or another label, every arrow ends on its target's edge, and
the picture is the same in the app, the PDF and the downloads."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from queries.facts import STAGES
from rendering.fonts import fit, lines, text_width

STATUS_COLORS = {"优势": "#2e7d32", "薄弱": "#f9a825", "在建": "#1565c0", "缺失": "#c62828"}
UNKNOWN_COLOR = "#9e9e9e"  # 状态未知: a grey that no status uses
TEXT_ON = {"薄弱": "#212121"}  # dark text on the amber box, white on the others
ARROW_COLOR = "#6d6d6d"
LEAD_COLOR = "#ffd600"  # the frame of a segment the chain's lead firm makes
SWATCH_W, SWATCH_H = 12, 10  # a legend colour

PAD, LEGEND, HEADER = 12, 22, 30  # outer margin; legend row; stage-title row
BOX_W, GAP = 156, 50  # box width; the space between columns, where arrows run
SEGMENT_SIZE, SEGMENT_LINE = 13, 18
NOTE_SIZE, NOTE_LINE, NOTE_INDENT = 11, 16, 10  # a note's line is its size + 5
BLOCK_GAP = 14  # between one segment's block (box and notes) and the next
LANE = 7  # between the vertical runs of arrows inside one gap
PORT = 7  # between the ends of arrows along a box's edge


@dataclass(frozen=True)
class Box:
    id: str  # the segment's name
    lines: tuple[str, ...]
    x: float  # top left
    y: float
    w: float
    h: float
    status: str | None
    lead: bool = False


@dataclass(frozen=True)
class Note:
    """A line of text: a stage title, a legend entry, a local enterprise or project."""
    id: str
    text: str
    full: str  # the whole text, when `text` had to be cut
    x: float  # top left of the line
    y: float
    w: float
    h: float  # the line's height; the text is centred in it
    size: float
    kind: str  # 阶段, 图例, 企业, 项目, 更多


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    points: tuple[tuple[float, float], ...]  # the last one is the tip, on the target's edge
    assumed: bool


@dataclass(frozen=True)
class ChainLayout:
    boxes: list[Box]
    notes: list[Note]
    arrows: list[Arrow]
    legend: list[tuple[str, str, float, float]]  # (status, colour, x, y) swatches before legend notes
    width: float
    height: float


def chain_layout(segments: pd.DataFrame, links: pd.DataFrame, attach: int = 0) -> ChainLayout:
    """The map of the chain map's 环节 table and its 上下游 links. With `attach` > 0, up to
    that many local enterprises and projects are listed under each segment (then "…等 N 个").
    A gap between columns is as wide as the arrows running through it need; a box is as tall
    as the arrows meeting it need, so that arrowheads stay apart."""
    rows = segments.to_dict("records")
    column = {r["环节"]: STAGES.index(r["阶段"]) for r in rows}
    wanted = list(dict.fromkeys((r["上游环节"], r["下游环节"], bool(r["推定"])) for r in links.to_dict("records")
                                if r["上游环节"] in column and r["下游环节"] in column
                                and r["上游环节"] != r["下游环节"]))
    ends: dict[str, int] = {}
    runs = [0] * len(STAGES)  # vertical runs of arrows in the gap after each column
    for up, down, _ in wanted:
        ends[up], ends[down] = ends.get(up, 0) + 1, ends.get(down, 0) + 1
        for gap in _gaps(column[up], column[down]):
            runs[gap] += 1
    xs = [PAD]
    for gap in runs[:-1]:
        xs.append(xs[-1] + BOX_W + max(GAP, 16 + LANE * gap))

    notes, legend = _legend()
    top = PAD + LEGEND + HEADER
    boxes: list[Box] = []
    blocks: dict[int, list[tuple[float, float]]] = {}  # column -> (top, bottom) of each block
    bottom = top
    for index, stage in enumerate(STAGES):
        x = xs[index]
        notes.append(_note(f"__{stage}", stage, x, PAD + LEGEND + 4, BOX_W, 15, "阶段"))
        y = top
        for row in _ordered([r for r in rows if r["阶段"] == stage]):
            lead = any(name.endswith("（链主）") for name in row["本地企业"])
            label = ("└ " if isinstance(row["上级环节"], str) else "") + row["环节"] + (" ★" if lead else "")
            text = tuple(lines(label, BOX_W - 12, SEGMENT_SIZE))
            height = max(10 + SEGMENT_LINE * len(text), PORT * (ends.get(row["环节"], 0) + 1))
            box = Box(row["环节"], text, x, y, BOX_W, height, row["状态"], lead)
            boxes.append(box)
            start, y = y, y + box.h + 3
            if attach:
                attached = [("企业", n) for n in row["本地企业"]] + [("项目", n) for n in row["项目"]]
                shown = attached[:attach] + ([("更多", f"…等 {len(attached)} 个")] if len(attached) > attach else [])
                for i, (kind, name) in enumerate(shown):
                    notes.append(_note(f"{row['环节']}/{kind}/{i}", name, x + NOTE_INDENT, y,
                                       BOX_W - NOTE_INDENT, NOTE_SIZE, kind))
                    y += NOTE_LINE
            blocks.setdefault(index, []).append((start, y))
            y += BLOCK_GAP
        bottom = max(bottom, y)
    arrows = _route(wanted, {b.id: b for b in boxes}, column, xs, blocks, bottom)
    width = max([xs[-1] + BOX_W, *(x for a in arrows for x, _ in a.points)]) + PAD
    return ChainLayout(boxes, notes, arrows, legend, width, bottom + PAD)


def _gaps(start: int, end: int) -> list[int]:
    """The gaps (numbered by the column before them) an arrow runs vertically in: the one
    beside its column within a stage, none to the next column, every one crossed further."""
    if start == end:
        return [start]
    if abs(end - start) == 1:
        return []
    return list(range(start, end)) if end > start else list(range(start - 1, end - 1, -1))


def _note(id: str, text: str, x: float, y: float, width: float, size: float, kind: str) -> Note:
    shown = fit(text, width, size)
    return Note(id, shown, text, x, y, text_width(shown, size), size + 5, size, kind)


def _legend() -> tuple[list[Note], list[tuple[str, str, float, float]]]:
    """Swatches and words on one row: the four statuses, then the marks."""
    notes, swatches, x = [], [], PAD
    for status, colour in STATUS_COLORS.items():
        swatches.append((status, colour, x, PAD + 2))
        notes.append(_note(f"__图例{status}", status, x + SWATCH_W + 4, PAD, 40, 11, "图例"))
        x += SWATCH_W + 4 + notes[-1].w + 12
    for mark in ("★ 链主企业", "└ 细分环节", "虚线：推定关系"):
        notes.append(_note(f"__图例{mark}", mark, x, PAD, 120, 11, "图例"))
        x += notes[-1].w + 12
    return notes, swatches


def _route(links: list[tuple[str, str, bool]], where: dict[str, Box], column: dict[str, int], xs: list[float],
           blocks: dict[int, list[tuple[float, float]]], bottom: float) -> list[Arrow]:
    """Arrows out of the source's right edge into the target's left edge (its right edge
    within one column, and the other way round going upstream), spread along the edges;
    vertical runs only in the gaps, each in its own lane, and a run across a column only
    between its blocks."""
    outs: dict[str, list] = {}
    ins: dict[str, list] = {}
    for link in links:
        outs.setdefault(link[0], []).append(link)
        ins.setdefault(link[1], []).append(link)

    def port(box: Box, side: list, link) -> float:
        ordered = sorted(side, key=lambda l: (where[l[1] if l[0] == box.id else l[0]].y, l))
        return box.y + box.h * (ordered.index(link) + 1) / (len(ordered) + 1)

    used = [0] * len(xs)

    def lane(gap: int) -> float:
        used[gap] += 1
        return xs[gap] + BOX_W + 8 + LANE * (used[gap] - 1)

    arrows = []
    for link in sorted(links, key=lambda l: (column[l[0]], where[l[0]].y, where[l[1]].y)):
        a, b = where[link[0]], where[link[1]]
        ca, cb = column[link[0]], column[link[1]]
        y1, y2 = port(a, outs[link[0]], link), port(b, ins[link[1]], link)
        gaps = _gaps(ca, cb)
        if ca == cb:  # within a stage: out to the gap on the right and back in
            x = lane(ca)
            points = [(a.x + a.w, y1), (x, y1), (x, y2), (b.x + b.w, y2)]
        elif not gaps:  # the next column: straight across the gap between them
            points = [(a.x + a.w, y1), (b.x, y2)] if cb > ca else [(a.x, y1), (b.x + b.w, y2)]
        else:  # further: through the gaps, crossing a column only between its blocks
            step = 1 if cb > ca else -1
            x = lane(gaps[0])
            points = [(a.x + a.w if step == 1 else a.x, y1), (x, y1)]
            for middle, gap in zip(range(ca + step, cb, step), gaps[1:]):
                y = _free_y(blocks.get(middle, []), (y1 + y2) / 2, bottom)
                x_next = lane(gap)
                points += [(x, y), (x_next, y)]
                x = x_next
            points += [(x, y2), (b.x if step == 1 else b.x + b.w, y2)]
        arrows.append(Arrow(link[0], link[1], tuple(points), link[2]))
    return arrows


def arrowhead(points: tuple[tuple[float, float], ...], size: float = 7) -> list[list[float]]:
    """A triangle whose tip is the last point, pointing along the last leg."""
    (x1, y1), (x2, y2) = points[-2], points[-1]
    length = math.hypot(x2 - x1, y2 - y1) or 1
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    return [[x2, y2], [x2 - size * ux - size / 2 * uy, y2 - size * uy + size / 2 * ux],
            [x2 - size * ux + size / 2 * uy, y2 - size * uy - size / 2 * ux]]


def _free_y(blocks: list[tuple[float, float]], near: float, bottom: float) -> float:
    """The middle of the free band of a column (between blocks, or below the last) nearest `near`."""
    edges = [top for top, _ in blocks]
    bands = [(end, nxt) for (_, end), nxt in zip(blocks, edges[1:])] + [(blocks[-1][1] if blocks else 0, bottom)]
    middles = [(a + b) / 2 for a, b in bands]
    return min(middles, key=lambda y: abs(y - near))


def _ordered(rows: list[dict]) -> list[dict]:
    """A stage's segments by name, each sub-segment right under its parent."""
    names = {r["环节"] for r in rows}
    children: dict[str | None, list[dict]] = {}
    for row in sorted(rows, key=lambda r: r["环节"]):
        children.setdefault(row["上级环节"] if row["上级环节"] in names else None, []).append(row)

    def walk(parent: str | None):
        for row in children.get(parent, []):
            yield row
            yield from walk(row["环节"])

    ordered = list(walk(None))
    return ordered + [r for r in rows if r not in ordered]  # rows in a parent cycle, if any
