"""产业链图谱: one chain's layered map, fitted to the page; a click on a segment shows why it
has its status. The same picture full screen, and as PNG or SVG for slides."""

from __future__ import annotations


import streamlit as st

from graph import clock

from rendering.safe import markdown as md
from ui.charts import chain_map_chart
from ui.common import analysis, map_layout, map_pictures, offer, pick_chain, show_table

st.title("产业链图谱")
chain = pick_chain()
if chain:
    mapped = analysis("map", chain)
    s = mapped.summary
    st.caption(md(f"等级：{s['等级'] or '未填'}　链主企业：{'、'.join(s['链主企业']) or '未填'}　链长：{s['链长'] or '未填'}　"
                  + "　".join(f"{k} {v}" for k, v in s["状态统计"].items())))
    attach = st.toggle("显示本地企业和项目", value=False)
    layout = map_layout(chain, 3 if attach else 0)
    clicked = chain_map_chart(layout, key=f"map-{chain}-{attach}")
    st.caption("点击环节查看原因；鼠标滚轮滚动页面。企业和项目名称过长时以“…”截断，鼠标悬停可看全名。")
    with st.expander("全屏查看 / 下载图片（用于幻灯片）"):
        png, svg = map_pictures(chain, 3 if attach else 0)
        st.image(png, caption="将鼠标移到图上，点右上角的全屏按钮可全屏显示。", width="stretch")
        stamp = f"{clock.today():%Y%m%d}"
        for column, (label, data, suffix, mime) in zip(st.columns(2), (
                ("下载 PNG 图片", png, "png", "image/png"), ("下载 SVG 矢量图", svg, "svg", "image/svg+xml"))):
            with column:
                offer(label, data, f"{chain}产业链图谱_{stamp}.{suffix}", mime, {"内容": "产业链图谱", "产业链": chain})
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
        st.subheader(md(f"{chosen}（{row['状态']}）"))
        st.markdown(md(row["原因"]))
        firms = mapped.tables["企业"]
        st.markdown("**企业**")
        show_table(firms[firms["环节"] == chosen].drop(columns=["环节"]),
                   "图中没有在该环节生产的本地企业。本地企业及其环节在“数据管理”页的企业环节表填报。", key="firms")
        projects = mapped.tables["项目"]
        st.markdown("**项目**")
        show_table(projects[projects["环节"] == chosen].drop(columns=["环节"]),
                   "没有补该环节的项目。项目及其所属环节在“数据管理”页的项目表填报。", key="projects")
        if row["状态"] in ("缺失", "薄弱", "在建"):
            st.markdown("**招商候选企业**")
            candidates = analysis("targets", segment=chosen, top=20).table
            show_table(candidates[["排名", "企业", "得分", "信息完整度", "推荐理由", "待补信息", "示例", "来源"]],
                       "图中没有生产该环节的外地企业。在“数据管理”页导入企业名录后，这里会列出候选企业。", key="candidates")
    with st.expander("全部环节与上下游关系"):
        show_table(segments, "该产业链还没有环节。环节在“数据管理”页的环节表填报。", key="segments")
        show_table(mapped.tables["上下游"], "该产业链的环节之间还没有上下游关系。在“数据管理”页的上下游表填报。", key="links")
