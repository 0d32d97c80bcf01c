"""项目台账: the pipeline by chain and status, lagging projects with the rule that flagged them."""

from __future__ import annotations


import streamlit as st

from graph import clock

from queries.projects import STATUS_COLOURS, headline
from rendering.safe import markdown as md
from ui.charts import stacked_bars
from ui.common import analysis, download, filtered, show_table

st.title("项目台账")
result = analysis("projects")
register, pipeline, lagging = result.table, result.tables["分状态统计"], result.tables["滞后项目"]
st.markdown(md(headline(result.summary)))
stacked_bars(pipeline.fillna({"产业链": "未填产业链"}), "产业链", "状态", "项目数", STATUS_COLOURS, key="pipeline")

left, middle, right = st.columns(3)
chains = left.multiselect("产业链", list(dict.fromkeys(register["产业链"])), placeholder="全部产业链")
statuses = middle.multiselect("状态", list(dict.fromkeys(register["状态"])), placeholder="全部状态")
only_lagging = right.toggle("只看滞后项目")
shown = filtered(register, 产业链=chains, 状态=statuses)
if only_lagging:
    shown = shown[shown["滞后规则"].map(bool)]
show_table(shown, "没有符合条件的项目。项目在“数据管理”页的项目表填报。", key="register")
download(result, f"项目台账_{clock.today():%Y%m%d}.xlsx", "导出项目台账（Excel）")

st.subheader("滞后项目")
show_table(lagging, "没有查出滞后项目。" + ("" if not result.summary["无法判断项目数"] else
           f"另有 {result.summary['无法判断项目数']} 个项目缺少判断所需数据（见上表“未能检查”列），无法判断。"), key="lagging")
