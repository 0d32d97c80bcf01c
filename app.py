"""产业链知识图谱: the Streamlit front end. Each page is a script in `ui/`; this file sets
up the navigation and turns any failure into a short Chinese message."""

from __future__ import annotations

import logging

import streamlit as st

from graph import ChainKGError
from graph.errors import QueryError, StoreUnavailable
from ui.common import store

st.set_page_config(page_title="产业链知识图谱", layout="wide")

PAGES = [
    st.Page("ui/overview.py", title="总览", default=True),
    st.Page("ui/chain_map.py", title="产业链图谱"),
    st.Page("ui/gaps.py", title="缺链补链 / 招商目标"),
    st.Page("ui/relations.py", title="配套关系"),
    st.Page("ui/projects.py", title="项目台账"),
    st.Page("ui/enterprises.py", title="企业"),
    st.Page("ui/pack.py", title="一链一档"),
    st.Page("ui/data.py", title="数据管理"),
    st.Page("ui/status.py", title="系统状态"),
]

page = st.navigation(PAGES)
st.sidebar.caption("产业链知识图谱")
try:
    page.run()
except (StoreUnavailable, QueryError):
    store.clear()  # reconnect (and restart the embedded server) on the next rerun
    st.error("图数据库暂时无法访问，请稍后刷新页面。")
except ChainKGError as e:
    st.error(str(e).split(" / ")[0])
except Exception:
    logging.getLogger("chainkg.app").exception("page %s failed", page.title)
    st.error("页面出错了，请刷新重试；如仍出错，请联系系统管理员。")
