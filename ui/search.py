"""Find an enterprise by name or alias, forgiving typos (shared by two pages)."""

from __future__ import annotations

import streamlit as st

from queries.names import closest
from rendering.safe import markdown as md
from ui.common import enterprises


def pick_enterprise(key: str) -> str | None:
    spelled, ordered = enterprises()
    text = st.text_input("企业名称或别名", key=f"{key}-text", placeholder="例：金川集团")
    if not text:
        options = ordered
    else:
        options = list(dict.fromkeys(spelled[name] for name in closest(text.strip(), list(spelled), n=10)))
        if not options:
            st.warning(md(f"找不到与「{text[:100]}」相近的企业。"))
            return None
    wanted = st.session_state.get("enterprise")
    # nothing is shown before the user names or picks a firm (a first firm would look chosen)
    index = options.index(wanted) if wanted in options else 0 if text else None
    # a new search is a new list, its best match chosen (a keyed widget keeps its old choice)
    chosen = st.selectbox("企业", options, index=index, key=f"{key}-pick-{text.strip()}",
                          placeholder="输入名称搜索，或从列表中选择")
    if chosen:
        st.session_state["enterprise"] = chosen
    return chosen
