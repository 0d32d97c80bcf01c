"""Where each box of a chain map goes: one column per stage (上游 → 中游 → 下游), computed
in Python so that the picture is the same on every load, in the app and in the PDF."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from queries.facts import STAGES

STATUS_COLORS = {"优势": "#2e7d32", "薄弱": "#f9a825", "在建": "#1565c0", "缺失": "#c62828"}
COLUMN_WIDTH = 300
ROW_HEIGHT = 56
SATELLITE_GAP = 20  # vertical step of the enterprises and projects listed under a segment


@dataclass(frozen=True)
class Box:
    id: str
    label: str
    x: float
    y: float
    kind: str  # 环节, 企业, 项目
    status: str | None  # a segment's gap status
    lead: bool = False


@dataclass(frozen=True)
class ChainLayout:
    boxes: list[Box]
    edges: list[tuple[str, str, bool]]  # (from id, to id, assumed link)
    width: float
    height: float


def chain_layout(segments: pd.DataFrame, links: pd.DataFrame, attach: int = 0) -> ChainLayout:
    """Boxes for the chain map's 环节 table (and its 上下游 links between them). With
    `attach` > 0, up to that many local enterprises and projects are listed under each
    segment (the rest as "…等 N 个")."""
    rows = segments.to_dict("records")
    boxes, edges, heights = [], [], []
    for column, stage in enumerate(STAGES):
        y = 0.0
        for row in _ordered([r for r in rows if r["阶段"] == stage]):
            lead = any(name.endswith("（链主）") for name in row["本地企业"])
            label = ("└ " if isinstance(row["上级环节"], str) else "") + row["环节"] + (" ★" if lead else "")
            boxes.append(Box(row["环节"], label, column * COLUMN_WIDTH, y, "环节", row["状态"], lead))
            y += ROW_HEIGHT
            if attach:
                attached = [("企业", n) for n in row["本地企业"]] + [("项目", n) for n in row["项目"]]
                shown = attached[:attach]
                if len(attached) > attach:
                    shown.append(("更多", f"…等 {len(attached)} 个"))
                for i, (kind, name) in enumerate(shown):
                    box_id = f"{row['环节']}/{kind}/{i}"
                    boxes.append(Box(box_id, name, column * COLUMN_WIDTH + 24, y - ROW_HEIGHT / 2 + SATELLITE_GAP,
                                     kind, None))
                    edges.append((row["环节"], box_id, False))
                    y += SATELLITE_GAP
        heights.append(y)
    placed = {b.id for b in boxes}
    edges += [(r["上游环节"], r["下游环节"], bool(r["推定"])) for r in links.to_dict("records")
              if r["上游环节"] in placed and r["下游环节"] in placed]
    return ChainLayout(boxes, edges, COLUMN_WIDTH * len(STAGES), max(heights, default=0))


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
