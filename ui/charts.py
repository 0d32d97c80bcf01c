"""ECharts options built in Python (positions computed here, so pictures are stable) and
drawn by streamlit-echarts, whose JavaScript ships inside its wheel: nothing is fetched."""

from __future__ import annotations

import math

import pandas as pd
from streamlit_echarts import st_echarts

from queries.layout import (ARROW_COLOR, LEAD_COLOR, SEGMENT_LINE, SEGMENT_SIZE, STATUS_COLORS, SWATCH_H, SWATCH_W,
                            TEXT_ON, UNKNOWN_COLOR, ChainLayout, arrowhead)
from rendering import safe
from rendering.fonts import CSS_FONTS

# A click on a segment (on the map) or a firm (in the network) sends its id back to Python.
CLICK = "function(p){return (p.dataType==='node' && p.data.kind==='环节') ? p.data.id : undefined}"
CLICK_FIRM = "function(p){return p.dataType==='node' ? p.data.id : undefined}"
# After each render, and whenever its holder is resized, the map is scaled to the width it
# is given (at most MAX_SCALE) as a whole: boxes, labels and arrows keep their places
# relative to each other. A holder not laid out yet (width 0) is measured again shortly.
FIT = """function(){
  const dom = chart.getDom(), holder = dom.parentElement;
  const fit = () => {
    if (!holder.clientWidth) { setTimeout(fit, 100); return; }
    const scale = Math.min(%(max)s, holder.clientWidth / parseFloat(dom.style.width));
    const height = Math.ceil(parseFloat(dom.style.height) * scale) + 'px';
    if (dom.style.transform !== 'scale(' + scale + ')') {
      dom.style.transformOrigin = '0 0'; dom.style.transform = 'scale(' + scale + ')';
    }
    if (holder.style.height !== height) { holder.style.height = height; holder.style.overflow = 'hidden'; }
  };
  if (!dom.fitted) { dom.fitted = new ResizeObserver(() => fit()); dom.fitted.observe(holder); }
  fit();
}"""
MAX_SCALE = 1.6
GREY = UNKNOWN_COLOR
PER_COLUMN, COLUMN_GAP, ROW_GAP, HOP_GAP, LABELLED = 25, 150, 40, 260, 300


def chain_map_options(layout: ChainLayout) -> dict:
    """The ECharts options of a chain map: every position from `layout`, one px per unit
    (the graph's view is pinned to the layout by two invisible corner nodes)."""
    nodes = [{"id": f"__corner{i}", "x": x, "y": y, "symbolSize": 0, "silent": True, "label": {"show": False},
              "tooltip": {"show": False}} for i, (x, y) in enumerate([(0, 0), (layout.width, layout.height)])]
    for box in layout.boxes:
        nodes.append({
            "id": box.id, "name": box.id, "kind": "环节", "x": box.x + box.w / 2, "y": box.y + box.h / 2,
            "symbol": "rect", "symbolSize": [box.w, box.h],
            "itemStyle": {"color": STATUS_COLORS.get(box.status, UNKNOWN_COLOR),
                          "borderColor": LEAD_COLOR if box.lead else STATUS_COLORS.get(box.status, UNKNOWN_COLOR),
                          "borderWidth": 3 if box.lead else 0},
            "label": {"show": True, "position": "inside", "formatter": safe.chart_label("\n".join(box.lines)),
                      "fontSize": SEGMENT_SIZE, "lineHeight": SEGMENT_LINE, "fontFamily": CSS_FONTS,
                      "color": TEXT_ON.get(box.status, "#fff")},
            "tooltip": {"formatter": safe.html(f"{box.id}：{box.status or '状态未知'}")}})
    for note in layout.notes:
        strong = note.kind == "阶段"
        nodes.append({
            "id": note.id, "name": note.text, "kind": note.kind, "x": note.x + note.w / 2,
            "y": note.y + note.h / 2, "symbol": "rect",
            "symbolSize": [note.w, note.h], "itemStyle": {"color": "rgba(0,0,0,0)"},
            "label": {"show": True, "position": "inside", "formatter": safe.chart_label(note.text),
                      "fontSize": note.size, "fontFamily": CSS_FONTS, "fontWeight": "bold" if strong else "normal",
                      "color": "#333" if note.kind != "更多" else "#777"},
            "tooltip": {"formatter": safe.html(note.full)} if note.kind in ("企业", "项目", "更多") else {"show": False}})
    graphic = [{"type": "rect", "shape": {"x": x, "y": y, "width": SWATCH_W, "height": SWATCH_H},
                "style": {"fill": colour}, "silent": True} for _, colour, x, y in layout.legend]
    for arrow in layout.arrows:
        graphic.append({"type": "polyline", "shape": {"points": [list(p) for p in arrow.points]}, "silent": True,
                        "z": 1, "style": {"stroke": ARROW_COLOR, "lineWidth": 1.2, "fill": None,
                                          "lineDash": [4, 3] if arrow.assumed else None}})
        graphic.append({"type": "polygon", "shape": {"points": arrowhead(arrow.points)}, "silent": True, "z": 1,
                        "style": {"fill": ARROW_COLOR}})
    return {"tooltip": {}, "animation": False, "graphic": graphic,
            "series": [{"type": "graph", "layout": "none", "roam": False, "left": 0, "top": 0,
                        "width": layout.width, "height": layout.height, "data": nodes, "links": [],
                        "emphasis": {"disabled": True}, "selectedMode": False}]}


def chain_map_chart(layout: ChainLayout, key: str) -> str | None:
    """Draw the chain map, fitted to the page's width; returns the segment clicked last (or None).
    The wheel scrolls the page (no roaming): the map is fitted, not panned."""
    event = st_echarts(chain_map_options(layout), events={"click": CLICK, "finished": FIT % {"max": MAX_SCALE}},
                       height=f"{math.ceil(layout.height)}px", width=f"{math.ceil(layout.width)}px", renderer="svg",
                       theme={}, key=key)
    return _clicked(event)


def network_chart(center: str, table: pd.DataFrame, local: bool, key: str) -> str | None:
    """Suppliers to the left and customers to the right of `center`, hop after hop, each hop
    in as many columns of at most PER_COLUMN firms as it needs; local firms green, outside
    firms grey. Names are written beside the dots up to LABELLED firms, else on hover."""
    nodes = [{"id": center, "name": safe.chart_label(center), "x": 0, "y": 0, "symbolSize": 28, "kind": "企业",
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
                nodes.append({"id": f"{direction}/{row['企业']}", "name": safe.chart_label(row["企业"]), "kind": "企业",
                              "x": side * (offset + column * COLUMN_GAP), "y": (place - (height - 1) / 2) * ROW_GAP,
                              "symbolSize": 16 if len(table) <= LABELLED else 8,
                              "itemStyle": {"color": "#2e7d32" if row["本地"] else GREY},
                              "tooltip": {"formatter": safe.html(f"{row['企业']}：{row['关系']}，经由 {row['经由']}")}})
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
    return _clicked(st_echarts(options, events={"click": CLICK_FIRM}, height="560px", key=key))


def stacked_bars(table: pd.DataFrame, category: str, stack: str, value: str, colours: dict[str, str],
                 key: str) -> None:
    """One horizontal bar per `category` (every one labelled on its axis), stacked by `stack`
    in `colours`; a part with no items is not drawn, so no bar carries a "0"."""
    categories = list(dict.fromkeys(table[category]))[::-1]  # the first at the top
    series = [{"name": s, "type": "bar", "stack": "all", "barMaxWidth": 28,
               "itemStyle": {"color": colours.get(s, UNKNOWN_COLOR)},
               "label": {"show": True, "color": "#fff" if s != "状态未知" else "#212121"},
               "data": [int(table[(table[category] == c) & (table[stack] == s)][value].sum()) or None
                        for c in categories]}
              for s in colours if (table[stack] == s).any()]
    st_echarts({"tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}}, "legend": {"top": 0},
                "animation": False, "grid": {"left": 8, "right": 24, "top": 36, "bottom": 8, "containLabel": True},
                "yAxis": {"type": "category", "data": [safe.chart_label(c) for c in categories], "axisLabel": {"interval": 0, "fontSize": 13}},
                "xAxis": {"type": "value", "minInterval": 1}, "series": series},
               height=f"{60 + 40 * len(categories)}px", theme={}, key=key)


def _clicked(event) -> str | None:
    value = (event or {}).get("chart_event") if isinstance(event, dict) or hasattr(event, "get") else None
    return value if isinstance(value, str) else None
