"""企业: search an enterprise and see its profile: segments, relations, projects, tags, sources."""

from __future__ import annotations

import streamlit as st

from ui.common import analysis, profile, show_sources, show_table
from ui.search import pick_enterprise

st.title("企业")
enterprise = pick_enterprise("enterprises")
if enterprise:
    p = profile(enterprise)
    st.subheader(enterprise + ("（示例）" if p["illustrative"] else ""))
    facts = {"本地企业": "是" if p["local"] else "否", "别名": "、".join(p["aliases"]), "所在地区": p["region"],
             "统一社会信用代码": p["credit_code"], "注册资本": p["capital_text"] and f"{p['capital']:g} 亿元",
             "企业标签": "、".join(p["tags"]), "链主企业": "、".join(p["leads"]),
             "所在环节": "、".join(p["segments"]), "配套本地企业": "、".join(p["supplies_local"]),
             "参与项目": "、".join(p["pipeline"])}
    st.table({"信息": list(facts), "内容": [v or "—" for v in facts.values()]})
    show_sources(p["sources"])
    st.markdown("**配套关系（1 跳）**")
    show_table(analysis("relations", enterprise, 1).table, key="ent-relations")
