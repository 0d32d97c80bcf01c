"""Sign-in, roles and the audit trail in the app (see graph/access.py and graph/audit.py)."""

from __future__ import annotations

import os
import time

import streamlit as st

from graph import audit
from graph.access import DESKTOP, ROLES, AccessDenied, Accounts, User

# page script -> (title, the least role that may open it)
PAGES = {
    "ui/overview.py": ("总览", "viewer"),
    "ui/chain_map.py": ("产业链图谱", "viewer"),
    "ui/gaps.py": ("缺链补链 / 招商目标", "analyst"),
    "ui/relations.py": ("配套关系", "analyst"),
    "ui/projects.py": ("项目台账", "analyst"),
    "ui/enterprises.py": ("企业", "analyst"),
    "ui/pack.py": ("一链一档", "viewer"),
    "ui/data.py": ("数据管理", "admin"),
    "ui/audit.py": ("审计日志", "admin"),
    "ui/status.py": ("系统状态", "analyst"),
}
IDLE_MINUTES = float(os.environ.get("CHAINKG_SESSION_MINUTES") or 30)


def current_user() -> User | None:
    """The signed-in user (DESKTOP in single-user mode), or None."""
    if not Accounts().multi_user:
        return DESKTOP
    proxied = _proxy_user()
    if proxied:
        return proxied
    user = st.session_state.get("user")
    if user and time.time() - st.session_state.get("seen", 0) > IDLE_MINUTES * 60:
        sign_out(expired=True)
        return None
    if user:
        st.session_state["seen"] = time.time()
    return user


def _proxy_user() -> User | None:
    """Behind single sign-on, the reverse proxy's user and group headers (only when configured;
    the proxy must overwrite these headers on every request, see README)."""
    user_header = os.environ.get("CHAINKG_PROXY_USER_HEADER")
    name = st.context.headers.get(user_header) if user_header else None
    if not name:
        return None
    groups = st.context.headers.get(os.environ.get("CHAINKG_PROXY_GROUPS_HEADER") or "", "")
    granted = [role for role in ROLES if role in {g.strip() for g in groups.split(",")}]
    return User(name, granted[-1]) if granted else None


def sign_out(expired: bool = False) -> None:
    st.session_state.pop("user", None)
    st.session_state["expired"] = expired


def sign_in_form() -> None:
    st.title("产业链知识图谱")
    if st.session_state.get("expired"):
        st.info(f"超过 {IDLE_MINUTES:g} 分钟未操作，已退出登录，请重新登录。")
    with st.form("sign-in"):
        name = st.text_input("用户名", max_chars=64)
        password = st.text_input("密码", type="password", max_chars=256)
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        try:
            user = Accounts().sign_in(name, password)
        except AccessDenied as e:
            audit.record("登录失败", User(name.strip()[:64] or "（空）", "-"), {}, origin())
            st.error(str(e).split(" / ")[0])
            return
        st.session_state.update(user=user, seen=time.time(), expired=False)
        audit.record("登录", user, {}, origin())
        st.rerun()


def allowed_pages(user: User) -> list[str]:
    return [path for path, (_, role) in PAGES.items() if user.may(role)]


def require(role: str) -> User:
    """Stop the page unless the user has `role` (a second guard beside the navigation)."""
    user = current_user()
    if user is None or not user.may(role):
        st.error("您没有权限打开此页面。")
        st.stop()
    return user


def origin() -> str:
    return f"网页 {st.context.ip_address or '未知地址'}"


def record_export(what: dict) -> None:
    """An on_click callback for download buttons: the export goes into the audit log."""
    user = current_user() or DESKTOP
    audit.record("导出", user, what, origin())
