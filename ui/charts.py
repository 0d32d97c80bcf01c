"""ECharts options built in Python (positions computed here, so pictures are stable) and
drawn by streamlit-echarts, whose JavaScript ships inside its wheel: nothing is fetched."""

from __future__ import annotations

import math

import pandas as pd
from streamlit_echarts import st_echarts

from queries.facts import STAGES
from queries.layout import COLUMN_WIDTH, ROW_HEIGHT, STATUS_COLORS, ChainLayout

# A click on a segment or an enterprise sends its id back to Python.
CLICK = {"click": "function(p){return (p.dataType==='node' && p.data.kind!=='阶段') ? p.data.id : undefined}"}
GREY = "#9e9e9e"
PER_COLUMN, COLUMN_GAP, ROW_GAP, HOP_GAP, LABELLED = 25, 150, 40, 260, 300


def chain_map_chart(layout: ChainLayout, key: str) -> str | None:
    """Draw the layered chain map; returns the segment clicked last (or None)."""
    header = [{"id": f"__{stage}", "name": stage, "x": i * COLUMN_WIDTH, "y": -ROW_HEIGHT, "symbolSize": 1,
               "kind": "阶段", "label": {"show": True, "fontSize": 16, "fontWeight": "bold", "color": "#333"}}
              for i, stage in enumerate(STAGES)]
    nodes = []
    for box in layout.boxes:
        segment = box.kind == "环节"
        nodes.append({
            "id": box.id, "name": box.label, "x": box.x, "y": box.y, "kind": box.kind,
            "symbol": "roundRect" if segment else "circle", "symbolSize": [200, 36] if segment else 6,
            "itemStyle": {"color": STATUS_COLORS.get(box.status, GREY),
                          "borderColor": "#ffd600" if box.lead else None, "borderWidth": 3 if box.lead else 0},
            "label": {"show": True, "fontSize": 13 if segment else 11, "color": "#fff" if segment else "#333",
                      "position": "inside" if segment else "right"},
            "tooltip": {"formatter": f"{box.label}：{box.status}" if segment else box.label}})
    where = {b.id: b for b in layout.boxes}
    links = [{"source": a, "target": b,
              "lineStyle": {"type": "dashed" if assumed else "solid", "width": 1.2,
                            "curveness": 0.35 if where[a].x == where[b].x else 0.05}}
             for a, b, assumed in layout.edges]
    options = {
        "tooltip": {},
        "legend": [{"data": list(STATUS_COLORS), "top": 0}],
        "series": [{"type": "graph", "layout": "none", "roam": True, "animation": False,
                    "edgeSymbol": ["none", "arrow"], "edgeSymbolSize": 7, "data": header + nodes, "links": links,
                    "lineStyle": {"color": "#888"}, "emphasis": {"focus": "adjacency"}},
                   *({"type": "graph", "name": status, "data": [], "itemStyle": {"color": color}}
                     for status, color in STATUS_COLORS.items())]}
    event = st_echarts(options, events=CLICK, height=f"{int(min(900, 140 + layout.height))}px", key=key)
    return _clicked(event)


def network_chart(center: str, table: pd.DataFrame, local: bool, key: str) -> str | None:
    """Suppliers to the left and customers to the right of `center`, hop after hop, each hop
    in as many columns of at most PER_COLUMN firms as it needs; local firms green, outside
    firms grey. Names are written beside the dots up to LABELLED firms, else on hover."""
    nodes = [{"id": center, "name": center, "x": 0, "y": 0, "symbolSize": 28, "kind": "企业",
              "itemStyle": {"color": "#2e7d32" if local else GREY}}]
    for direction, side in (("供应商", -1), ("客户", 1)):
        offset = HOP_GAP
        for _, group in table[table["方向"] == direction].groupby("跳数", sort=True):
            rows = group.to_dict("records")
            # about as tall as wide: a thousand firms make 17 columns of 61, not 40 of 25
            per_column = max(PER_COLUMN, math.ceil(math.sqrt(len(rows) * COLUMN_GAP / ROW_GAP)))
            height = min(len(rows), per_column)
            for i, row in enumerate(rows):
                column, place = divmod(i, per_column)
                nodes.append({"id": f"{direction}/{row['企业']}", "name": row["企业"], "kind": "企业",
                              "x": side * (offset + column * COLUMN_GAP), "y": (place - (height - 1) / 2) * ROW_GAP,
                              "symbolSize": 16 if len(table) <= LABELLED else 8,
                              "itemStyle": {"color": "#2e7d32" if row["本地"] else GREY},
                              "tooltip": {"formatter": f"{row['企业']}：{row['关系']}，经由 {row['经由']}"}})
            offset += math.ceil(len(rows) / per_column) * COLUMN_GAP + HOP_GAP
    kinds: dict[tuple[str, str], str] = {}
    for row in table.to_dict("records"):
        ids = [center if name == center else f"{row['方向']}/{name}" for name in row["路径"].split(" → ")]
        for a, b in zip(ids, ids[1:]):
            kinds.setdefault((a, b), row["关系"])
    links = [{"source": a, "target": b, "lineStyle": {"type": "solid" if kind == "实际配套" else "dashed"}}
             for (a, b), kind in kinds.items()]
    options = {"tooltip": {}, "series": [{
        "type": "graph", "layout": "none", "roam": True, "animation": False, "data": nodes, "links": links,
        "edgeSymbol": ["none", "arrow"], "label": {"show": len(nodes) <= LABELLED, "position": "right"},
        "lineStyle": {"color": "#888"}}]}
    return _clicked(st_echarts(options, events=CLICK, height="560px", key=key))


def stacked_bars(table: pd.DataFrame, category: str, stack: str, value: str, key: str) -> None:
    """One bar per `category`, stacked by `stack`."""
    categories = list(dict.fromkeys(table[category]))
    series = [{"name": s, "type": "bar", "stack": "all", "label": {"show": True},
               "data": [int(table[(table[category] == c) & (table[stack] == s)][value].sum()) for c in categories]}
              for s in dict.fromkeys(table[stack])]
    st_echarts({"tooltip": {"trigger": "axis"}, "legend": {"top": 0}, "animation": False,
                "xAxis": {"type": "category", "data": categories}, "yAxis": {"type": "value"}, "series": series},
               height="320px", key=key)


def _clicked(event) -> str | None:
    value = (event or {}).get("chart_event") if isinstance(event, dict) or hasattr(event, "get") else None
    return value if isinstance(value, str) else None
