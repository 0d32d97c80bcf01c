"""总览: the chains side by side, each card linking to its map."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from queries.layout import STATUS_COLORS
from queries.progress import target_text
from queries.settings import STATUSES
from rendering.safe import markdown as md
from ui.common import analysis, show_table

st.title("总览")
progress = analysis("progress").table
gaps = analysis("gaps").table
projects = analysis("projects")

def done(t: dict) -> str:
    """A target's progress in words: completion and 时序进度 where known, else why not."""
    if pd.isna(t["完成率"]):
        return t["进度状态"]
    text = f"完成率 {t['完成率']:.1%}"
    return text + (f" / 时序 {t['时序进度']:.0%}" if pd.notna(t["时序进度"]) else "") + f"（{t['进度状态']}）"


for row in progress[progress["产业链"] == "合计"].to_dict("records"):
    if pd.notna(row["完成率"]):
        period = row["统计期间"] if pd.notna(row["统计期间"]) else ""  # an actual may give only its date
        st.info(md(f"{row['指标名称']}：{target_text(row['目标值'], row['说明'])}；{period}完成 {row['实际值']}，"
                   f"{done(row)}"))

chains = list(dict.fromkeys(gaps["产业链"]))
if not chains:
    st.info("图中还没有产业链。请在“数据管理”页加载数据。")
register, lagging = projects.table, projects.tables["滞后项目"]
for start in range(0, len(chains), 3):
    for column, chain in zip(st.columns(3), chains[start:start + 3]):
        with column.container(border=True):
            st.subheader(md(chain))
            targets = progress[(progress["产业链"] == chain) & progress["目标值"].notna()]
            for t in targets.to_dict("records"):
                flag = ":red[落后时序] " if t["落后时序"] is True else ""
                st.markdown(f"{flag}**{md(t['期间'])} {md(t['指标'])}目标** {md(target_text(t['目标值'], t['说明']))}："
                            f"{md(done(t))}")
            counts = gaps[gaps["产业链"] == chain]["状态"].value_counts()
            st.markdown("　".join(f"<span style='color:{STATUS_COLORS[s]}'>■</span> {s} {int(counts.get(s, 0))}"
                                 for s in STATUSES), unsafe_allow_html=True)
            mine = register[register["产业链"] == chain]["状态"].value_counts()
            unjudged = int(register.loc[register["产业链"] == chain, "无法判断"].sum())
            st.caption(md("项目：" + ("，".join(f"{s} {n}" for s, n in mine.items()) or "无") +
                          f"；滞后 {lagging[lagging['产业链'] == chain]['项目'].nunique()} 项"
                          + (f"（另有 {unjudged} 项缺少数据，无法判断）" if unjudged else "")))
            st.page_link("ui/chain_map.py", label="查看产业链图谱", query_params={"chain": chain})

st.subheader("目标进度")
show_table(progress, "还没有目标。目标在“数据管理”页的指标表填报，完成情况在指标完成表填报。", key="progress")
st.subheader("滞后项目")
show_table(lagging, "没有查出滞后项目。" + ("" if not projects.summary["无法判断项目数"] else
           f"另有 {projects.summary['无法判断项目数']} 个项目缺少判断所需数据，见“项目台账”页。"), key="lagging")
