"""缺链补链 / 招商目标: the gap list across chains, and the ranked target list of one gap
beside its weight sliders (a move re-ranks in view), exported to Excel."""

from __future__ import annotations


import pandas as pd
import streamlit as st

from graph import clock

from queries.settings import PARTS, STATUSES, load_settings
from queries.targets import target_list
from rendering.safe import markdown as md
from ui.common import analysis, download, filtered, show_table, store

LIST_TOP = 200  # rows a page can draw; a national directory gives a gap tens of thousands

st.title("缺链补链 / 招商目标")
table = analysis("gaps").table
left, middle, right = st.columns(3)
chains = left.multiselect("产业链", list(dict.fromkeys(table["产业链"])), placeholder="全部产业链")
statuses = middle.multiselect("状态", STATUSES, default=["缺失", "薄弱"], placeholder="全部状态")
shown = filtered(table, 产业链=chains, 状态=statuses)
segment = right.selectbox("环节", list(shown["环节"]), index=None, placeholder="选择一个缺链环节，查看招商目标企业")

if segment:
    st.subheader(md(f"{segment} 招商目标企业"))
    defaults = load_settings().targets.weights.model_dump()
    sliders, ranked = st.columns([1, 3])
    with sliders.container(border=True):
        st.markdown("**权重**（拖动后即时重新排名）")
        weights = {key: st.slider(label, 0, 100, int(defaults[key]), key=f"w-{key}") for key, label in PARTS.items()}
    with ranked:
        if not any(weights.values()):
            st.error("权重不能全为 0。")
        else:
            result = analysis("targets", segment=segment, weights=weights, top=LIST_TOP)
            if result.table.empty:
                st.info("图中没有生产该环节、或投资补该环节项目的外地企业。在“数据管理”页导入企业名录（含经营范围或"
                        "行业）后，这里会列出候选企业。")
            else:
                best = result.table.iloc[0]
                tied = int((result.table["排名"] == 1).sum())
                score = "得分未知" if pd.isna(best["得分"]) else f"{best['得分']:g} 分"
                st.markdown(f"排名第一：**{md(best['企业'])}**（{score}，信息完整度 {best['信息完整度']:.0%}）"
                            + (f"，与另外 {tied - 1} 家并列" if tied > 1 else ""))
                show_table(result.table, "", key="targets", height=420 if len(result.table) > 10 else None)
                st.caption(f"{result.summary['得分公式']}。页面显示前 {LIST_TOP} 名。")
                today = f"{clock.today():%Y%m%d}"
                download(result, f"{segment}招商目标企业清单_{today}.xlsx", "导出招商目标清单（Excel）")
                download(lambda: target_list(store(), segment=segment, weights=weights),
                         f"{segment}招商目标企业完整清单_{today}.xlsx", "导出完整清单（Excel）", key="full-list")

st.subheader("缺链环节")
show_table(shown[["产业链", "环节", "阶段", "状态", "原因", "项目", "示例", "来源"]],
           "没有符合所选产业链和状态的环节。", key="gaps")
