"""产业链图谱: one chain's layered map; a click on a segment shows why it has its status."""

from __future__ import annotations

import streamlit as st

from ui.charts import chain_map_chart
from ui.common import analysis, map_layout, pick_chain, show_table

st.title("产业链图谱")
chain = pick_chain()
if chain:
    mapped = analysis("map", chain)
    s = mapped.summary
    st.caption(f"等级：{s['等级'] or '未填'}　链主企业：{'、'.join(s['链主企业']) or '未填'}　链长：{s['链长'] or '未填'}　"
               + "　".join(f"{k} {v}" for k, v in s["状态统计"].items()))
    attach = st.toggle("显示本地企业和项目", value=False)
    clicked = chain_map_chart(map_layout(chain, 3 if attach else 0), key=f"map-{chain}-{attach}")
    st.caption("点击环节查看原因；★ 链主企业（黄框）；虚线为推定的上下游关系（来源为“常识”）；可拖动、缩放。")
    segments = mapped.tables["环节"]
    names = list(segments["环节"])
    if clicked in names and clicked != st.session_state.get("last_click"):  # a new click, not the last one again
        st.session_state["segment"] = clicked
    st.session_state["last_click"] = clicked
    if st.session_state.get("segment") not in names:
        st.session_state["segment"] = names[0]
    with st.container(border=True):
        chosen = st.selectbox("环节", names, key="segment")
        row = segments[segments["环节"] == chosen].iloc[0]
        st.subheader(f"{chosen}（{row['状态']}）")
        st.write(row["原因"])
        firms = mapped.tables["企业"]
        st.markdown("**企业**")
        show_table(firms[firms["环节"] == chosen].drop(columns=["环节"]), key="firms")
        projects = mapped.tables["项目"]
        st.markdown("**项目**")
        show_table(projects[projects["环节"] == chosen].drop(columns=["环节"]), key="projects")
        if row["状态"] in ("缺失", "薄弱", "在建"):
            st.markdown("**招商候选企业**")
            candidates = analysis("targets", segment=chosen, top=20).table
            show_table(candidates[["排名", "企业", "得分", "推荐理由", "示例", "来源"]], key="candidates")
    with st.expander("全部环节与上下游关系"):
        show_table(segments, key="segments")
        show_table(mapped.tables["上下游"], key="links")
