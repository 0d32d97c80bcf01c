"""缺链补链 / 招商目标: the gap list across chains, and the ranked target list of one gap,
re-ranked live by the weight sliders, exported to Excel."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from queries.gaps import STATUSES
from queries.settings import load_settings
from queries.targets import PARTS
from ui.common import analysis, download, filtered, show_table

LIST_TOP = 200  # rows a page can draw; a national directory gives a gap tens of thousands

st.title("缺链补链 / 招商目标")
table = analysis("gaps").table
left, middle, right = st.columns(3)
chains = left.multiselect("产业链", list(dict.fromkeys(table["产业链"])), placeholder="全部产业链")
statuses = middle.multiselect("状态", STATUSES, default=["缺失", "薄弱"], placeholder="全部状态")
shown = filtered(table, 产业链=chains, 状态=statuses)
segment = right.selectbox("环节", list(shown["环节"]), index=None, placeholder="选择一个缺链环节")
show_table(shown[["产业链", "环节", "阶段", "状态", "原因", "项目", "示例", "来源"]], key="gaps")

if segment:
    st.subheader(f"{segment} 招商目标企业")
    defaults = load_settings().targets.weights.model_dump()
    with st.expander("权重（拖动后即时重新排名）", expanded=True):
        columns = st.columns(len(PARTS))
        weights = {key: columns[i].slider(label, 0, 100, int(defaults[key]), key=f"w-{key}")
                   for i, (key, label) in enumerate(PARTS.items())}
    if not any(weights.values()):
        st.error("权重不能全为 0。")
    else:
        result = analysis("targets", segment=segment, weights=weights, top=LIST_TOP)
        if result.table.empty:
            st.info("图中没有生产该环节或投资相关项目的外地企业。可在“数据管理”页导入企业名录。")
        else:
            best = result.table.iloc[0]
            st.markdown(f"排名第一：**{best['企业']}**（{best['得分']:g} 分）")
            show_table(result.table, key="targets")
            st.caption(f"{result.summary['得分公式']}。显示并导出前 {LIST_TOP} 名；完整清单："
                       f"`chainkg targets --segment {segment} --out 清单.xlsx`")
            download(result, f"{segment}招商目标企业清单_{dt.date.today():%Y%m%d}.xlsx", "导出招商目标清单（Excel）")
