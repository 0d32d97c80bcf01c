"""系统状态: which graph store the app uses, and how many facts of each kind it holds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph import load_schema
from queries.stats import graph_counts
from rendering.safe import markdown as md
from ui.common import static_table, store

ENGINE_NAMES = {"falkordb": "FalkorDB（内置）", "neo4j": "Neo4j"}

st.title("系统状态")
connected = store()
for notice in connected.notices:
    st.info(notice)
counts = graph_counts(connected)
schema = load_schema()
chinese = {label: node.table for label, node in schema.nodes.items()} | {
    rel_type: rel.description.split(" / ")[0] for rel_type, rel in schema.relationships.items()}
left, middle, right = st.columns(3)
left.metric("引擎", ENGINE_NAMES[connected.engine])
middle.metric("节点数", counts["total_nodes"])
right.metric("关系数", counts["total_relationships"])
st.caption(md(f"地址：{connected.address}"))
tables = st.columns(2)
for column, title, group in ((tables[0], "各类节点", counts["nodes"]), (tables[1], "各类关系", counts["relationships"])):
    column.markdown(f"**{title}**")
    if not group:
        column.caption("暂无数据")  # Streamlit's own empty table says "empty" in English
        continue
    with column:
        static_table(pd.DataFrame({"类型": [f"{chinese.get(name, name)}（{name}）" for name in group],
                                   "数量": list(group.values())}))
