"""配套关系: an enterprise's suppliers and customers, its local supply rate, and what
breaks if it leaves."""

from __future__ import annotations

import streamlit as st

from rendering.safe import markdown as md
from ui.charts import network_chart
from ui.common import analysis, profile, show_table
from ui.search import pick_enterprise

MIN_DRAWN, MAX_DRAWN = 10, 200  # enterprises drawn at first; the slider shows more

st.title("配套关系")
enterprise = pick_enterprise("relations")
if enterprise:
    hops = st.slider("跳数", 1, 4, 2)
    result = analysis("relations", enterprise, hops)
    table = result.table
    s = result.summary
    cols = st.columns(4)
    for column, key in zip(cols, ["供应商数", "本地供应商数", "客户数", "本地客户数"]):
        column.metric(key, s[key])
    if table.empty:
        st.info("图中没有该企业的配套关系（配套关系表或上下游环节均未涉及）。")
    else:
        limit = len(table)
        if limit > MIN_DRAWN:  # nearest first, so every drawn path has its middle firms
            limit = st.slider("最多显示企业数（由近及远）", MIN_DRAWN, len(table), min(MAX_DRAWN, len(table)))
        network_chart(enterprise, table.sort_values("跳数", kind="stable").head(limit),
                      local=profile(enterprise)["local"], key=f"net-{enterprise}-{hops}-{limit}")
        st.caption("绿色为本地企业，灰色为外地企业；实线为实际配套（配套关系表），虚线为按上下游环节推断的潜在配套。")
        show_table(table, "", key="relations")

    st.subheader("本地配套率")
    supply = analysis("supply", enterprise=enterprise)
    rate = supply.summary["本地配套率（按环节数）"]
    st.metric("本地配套率（按环节数）", "—" if rate is None else f"{rate:.1%}",
              help="该企业所在环节的投入环节中，本地有企业生产的比例")
    show_table(supply.table, "该企业所在环节没有已知的投入环节：在“数据管理”页的上下游表填报上下游关系后可计算。", key="supply")

    st.subheader("流失影响：如果该企业离开")
    hit = analysis("impact", enterprise)
    st.markdown(md(f"失去本地生产的环节：{'、'.join(hit.summary['失去本地生产的环节']) or '无'}；"
                   f"失去唯一本地供应的企业：{hit.summary['失去唯一本地供应的企业数']} 家"))
    st.markdown("**环节影响**")
    show_table(hit.tables["环节影响"], "该企业不在任何环节生产，离开不影响环节状态。", key="impact")
    st.markdown("**失去唯一本地供应的企业**")
    show_table(hit.tables["失去唯一本地供应的企业"], "没有本地企业以它为唯一本地供应商。", key="impact-firms")
