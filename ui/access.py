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
    """The signed-in user, or None. Behind single sign-on (proxy headers configured) only
    the headers say who it is; else DESKTOP when there is no accounts file; else the user
    who signed in here, as the accounts file has them now."""
    if behind_proxy():
        return _proxy_user()
    accounts = Accounts()
    if not accounts.multi_user:
        return DESKTOP
    signed_in = st.session_state.get("user")
    if signed_in and time.time() - st.session_state.get("seen", 0) > IDLE_MINUTES * 60:
        sign_out(expired=True)
        return None
    try:
        user = signed_in and accounts.user(signed_in.name)
    except AccessDenied:
        user = None  # the accounts file broke since: nobody stays signed in
    if user:
        st.session_state.update(user=user, seen=time.time())
    return user or None


def behind_proxy() -> bool:
    """Single sign-on: a reverse proxy's header names the user (CHAINKG_PROXY_USER_HEADER)."""
    return bool(os.environ.get("CHAINKG_PROXY_USER_HEADER"))


def _proxy_user() -> User | None:
    """The reverse proxy's user and group headers (the proxy must set both on every request,
    replacing what the client sent: see README). No user, or no role among the groups: None."""
    name = _header(os.environ["CHAINKG_PROXY_USER_HEADER"]).strip()[:64]
    groups = _header(os.environ.get("CHAINKG_PROXY_GROUPS_HEADER") or "")
    granted = [role for role in ROLES if role in {g.strip() for g in groups.split(",")}]
    return User(name, granted[-1]) if name and granted else None


def _header(name: str) -> str:
    """A request header's value. Proxies send names as UTF-8 bytes, which the web server
    reads as Latin-1: read them back as UTF-8 (a value that is not UTF-8 stays as it came)."""
    value = (st.context.headers.get(name) or "") if name else ""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def sign_out(expired: bool = False) -> None:
    st.session_state.pop("user", None)
    st.session_state["expired"] = expired


def sign_in_form() -> None:
    """The sign-in form; behind single sign-on, only a note (no local sign-in there)."""
    st.title("产业链知识图谱")
    if behind_proxy():
        st.info("请通过单位统一身份认证访问本系统；如已登录仍看到此提示，说明您的账户没有本系统的角色，请联系系统管理员。")
        return
    try:
        Accounts().names()
    except AccessDenied as e:  # an empty or broken accounts file: nobody signs in
        st.error(str(e).split(" / ")[0])
        return
    if st.session_state.get("expired"):
        st.info(f"超过 {IDLE_MINUTES:g} 分钟未操作，已退出登录，请重新登录。")
    with st.form("sign-in"):
        name = st.text_input("用户名", max_chars=64)
        password = st.text_input("密码", type="password", max_chars=256)
        submitted = st.form_submit_button("登录", type="primary")
    if submitted:
        try:
            user = Accounts().sign_in(name, password, client_address())
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


def client_address() -> str:
    """The browser's address: behind a reverse proxy every browser has the proxy's own, so
    the proxy's header says it when CHAINKG_PROXY_ADDRESS_HEADER names one (X-Real-IP, or
    X-Forwarded-For's first address, as the proxy sets it)."""
    named = os.environ.get("CHAINKG_PROXY_ADDRESS_HEADER")
    forwarded = _header(named).split(",")[0].strip() if named else ""
    return forwarded[:64] or st.context.ip_address or "未知地址"


def origin() -> str:
    return f"网页 {client_address()}"


def record_export(what: dict) -> None:
    """An on_click callback for download buttons: the export goes into the audit log."""
    user = current_user() or DESKTOP
    audit.record("导出", user, what, origin())
