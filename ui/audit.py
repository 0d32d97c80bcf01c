"""审计日志 (admins): every export and data change, who, when, what, from where; the
accounts and their roles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph import audit, clock
from graph.access import ROLE_NAMES, Accounts
from queries.export import cell_text, csv_bytes
from ui.access import require
from ui.common import filtered, offer, show_table, static_table

require("admin")
st.title("审计日志")
entries = audit.entries()
broken = audit.verify()
if broken:
    st.error(f"审计日志校验未通过：{broken}。在此之后的操作不再写入日志、也不再执行，请系统管理员核查。")
else:
    st.caption(f"共 {len(entries)} 条记录，密钥链式校验与封存记录均完整。")
table = pd.DataFrame([{"时间（北京时间）": clock.shown(e["time"]), "用户": e["user"],
                       "角色": ROLE_NAMES.get(e["role"], e["role"]), "操作": e["action"], "内容": cell_text(e["what"]),
                       "操作地点": e["from"]}
                      for e in reversed(entries)], columns=["时间（北京时间）", "用户", "角色", "操作", "内容", "操作地点"])
left, right = st.columns(2)
users = left.multiselect("用户", sorted(set(table["用户"])), placeholder="全部用户")
actions = right.multiselect("操作", sorted(set(table["操作"])), placeholder="全部操作")
shown = filtered(table, 用户=users, 操作=actions)
show_table(shown, "没有符合条件的记录。", key="audit")
name = f"审计日志_{clock.today():%Y%m%d}.csv"
offer("导出审计日志（CSV）", csv_bytes(shown), name, "text/csv", {"内容": "审计日志", "行数": len(shown)})

st.subheader("账户")
accounts = Accounts().names()
if accounts:
    static_table(pd.DataFrame({"用户": list(accounts), "角色": [ROLE_NAMES[r] for r in accounts.values()]}))
else:
    st.caption("未设置账户（单机模式）：所有功能对本机用户开放。需要分角色登录时，请系统管理员按部署说明添加账户。")
