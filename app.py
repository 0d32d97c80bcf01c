"""产业链知识图谱: the Streamlit front end. Each page is a script in `ui/`; this file signs
the user in (when accounts exist), offers only the pages the user's role may open, and
turns any failure into a short Chinese message."""

from __future__ import annotations

import logging

import streamlit as st

from graph import ChainKGError
from graph.access import DESKTOP, ROLE_NAMES
from graph.errors import QueryError, StoreUnavailable
from rendering.safe import markdown as md
from ui.access import PAGES, allowed_pages, behind_proxy, current_user, sign_in_form, sign_out
from ui.common import store

st.set_page_config(page_title="产业链知识图谱", layout="wide")



def main() -> None:
    user = current_user()
    if user is None:  # accounts exist and nobody is signed in: show nothing but the form
        sign_in_form()
        return
    page = st.navigation([st.Page(path, title=PAGES[path][0], default=path == "ui/overview.py")
                          for path in allowed_pages(user)])
    if user is DESKTOP:
        st.sidebar.caption("单机模式：未设置账户，本机所有功能开放。需要分角色登录时，请系统管理员按部署说明添加账户。")
    else:
        st.sidebar.caption(md(f"{user.name}（{ROLE_NAMES[user.role]}）"))
        if not behind_proxy():  # behind single sign-on, signing out is the proxy's
            st.sidebar.button("退出登录", on_click=sign_out)
    page.run()


try:
    main()
except (StoreUnavailable, QueryError):
    store.clear()  # reconnect (and restart the embedded server) on the next rerun
    st.error("图数据库暂时无法访问，请稍后刷新页面。")
except ChainKGError as e:
    st.error(md(str(e).split(" / ")[0]))
except Exception:
    logging.getLogger("chainkg.app").exception("page failed")
    st.error("页面出错了，请刷新重试；如仍出错，请联系系统管理员。")
