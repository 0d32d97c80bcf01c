"""产业链知识图谱: the Streamlit front end. For now, the status of the graph store."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph import ChainKGError, Settings, connect
from queries.stats import graph_counts

ENGINE_NAMES = {"falkordb": "FalkorDB（内置）", "neo4j": "Neo4j"}

st.set_page_config(page_title="产业链知识图谱", layout="wide")
st.title("产业链知识图谱")


@st.cache_resource
def _store():
    return connect(Settings.from_env())


def _show_status() -> None:
    store = _store()
    for notice in store.notices:
        st.info(notice)
    counts = graph_counts(store)
    st.subheader("图数据库状态")
    left, middle, right = st.columns(3)
    left.metric("引擎", ENGINE_NAMES[store.engine])
    middle.metric("节点数", counts["total_nodes"])
    right.metric("关系数", counts["total_relationships"])
    st.caption(f"地址：{store.address}")
    tables = st.columns(2)
    for column, title, group, name in ((tables[0], "各类节点", counts["nodes"], "标签"),
                                       (tables[1], "各类关系", counts["relationships"], "关系类型")):
        column.markdown(f"**{title}**")
        if not group:
            column.caption("暂无数据")  # Streamlit's own empty table says "empty" in English
            continue
        column.table(pd.DataFrame({name: list(group), "数量": list(group.values())}), hide_index=True)


try:
    _show_status()
except ChainKGError as e:
    _store.clear()  # reconnect (and restart the embedded server) on the next rerun
    st.error("图数据库暂时无法访问，请稍后刷新页面。")
    st.caption(str(e))
