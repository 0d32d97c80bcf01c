"""企业: search an enterprise and see its profile: segments, relations, projects, tags, sources."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from queries.conflicts import conflict_table

from rendering.safe import markdown as md
from ui.common import analysis, profile, show_sources, show_table, static_table
from ui.search import pick_enterprise

st.title("企业")
enterprise = pick_enterprise("enterprises")
if enterprise:
    p = profile(enterprise)
    st.subheader(md(enterprise + ("（示例）" if p["illustrative"] else "")))
    facts = {"本地企业": "是" if p["local"] else "否", "别名": "、".join(p["aliases"]), "所在地区": p["region"],
             "统一社会信用代码": p["credit_code"], "注册资本": p["capital_text"] and f"{p['capital']:g} 亿元",
             "企业标签": "、".join(p["tags"]), "链主企业": "、".join(p["leads"]),
             "所在环节": "、".join(p["segments"]), "配套本地企业": "、".join(p["supplies_local"]),
             "参与项目": "、".join(p["pipeline"])}
    facts["数据集"] = "、".join(p["datasets"])
    static_table(pd.DataFrame({"信息": list(facts), "内容": [v or "—" for v in facts.values()]}))
    disagree = conflict_table([("Enterprise", enterprise, json.loads(p["claims"]))]) if p["claims"] else None
    if disagree is not None and len(disagree):
        st.warning("来源冲突：以下信息各数据集说法不一，表中采用整理表（其次为最新）的说法。")
        static_table(disagree[["属性", "各数据集的说法", "采用"]])
    show_sources(p["sources"])
    st.markdown("**配套关系（1 跳）**")
    show_table(analysis("relations", enterprise, 1).table,
               "图中没有该企业的配套关系：配套关系表未列出它，它所在的环节也没有上下游关系。", key="ent-relations")
