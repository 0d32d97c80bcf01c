"""数据管理: download the template; upload a workbook or CSV files; see every problem (file,
row, column) before anything is written; load on confirmation; see what changed. The 文档导入
tab reads documents instead (ui/documents.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from graph import ChainKGError, audit
from loaders.load import InvalidDataset, check, load
from loaders.template import write_template
from queries.export import csv_bytes
from rendering import safe
from ui.access import origin, require
from ui.common import chinese_uploader, offer, show_loaded, static_table, store
from ui.documents import document_import

MAX_FILES = 20
MAX_ROWS = 100_000  # per upload; national directories go through the command line
SHOWN_PROBLEMS = 200

user = require("admin")
st.title("数据管理")
chinese_uploader()
tables_tab, documents_tab = st.tabs(["表格导入", "文档导入"])


def show_problems(problems) -> None:
    """Every problem with its file, sheet, row and column: the first 200 on the page, all of
    them in a download."""
    table = pd.DataFrame([{"级别": "错误" if p.level == "error" else "提示", "文件": p.file, "工作表": p.sheet or "",
                           "行": "" if p.row is None else p.row, "列": p.column or "", "说明": p.zh}
                          for p in problems])
    static_table(table.head(SHOWN_PROBLEMS))
    if len(problems) > SHOWN_PROBLEMS:
        st.caption(f"另有 {len(problems) - SHOWN_PROBLEMS} 条未显示，可下载完整清单。")
        offer("下载全部校验问题（CSV）", csv_bytes(table), "校验问题清单.csv", "text/csv", None)


def table_import() -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = write_template(Path(folder) / "template.xlsx").read_bytes()
    offer("下载数据模板（Excel）", template, "产业链数据模板.xlsx",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None)
    st.caption("一个 .xlsx 工作簿（每张表一个工作表），或多个以表名命名的 CSV 文件（如 企业.csv、项目.csv）。"
               "加载前先完整校验，有任何错误则不写入。")
    files = st.file_uploader("上传数据表（.xlsx 或 .csv）", type=["xlsx", "csv"], accept_multiple_files=True)
    dataset = st.text_input("数据集名称", value="上传数据", help="同名数据集再次加载时，只写入变化的部分。")
    mode = st.radio("加载方式", ["追加", "替换"], horizontal=True,
                    help="追加：写入本次文件中的内容，同名数据集以前加载、本次未列的内容保留。"
                         "替换：本数据集以前加载、本次文件已不再列出的内容撤回（其他数据集的内容不受影响）。")
    if not files:
        return
    if len(files) > MAX_FILES:
        st.error(f"一次最多上传 {MAX_FILES} 个文件。")
        return
    workbooks = [f for f in files if f.name.lower().endswith(".xlsx")]
    if workbooks and len(files) > 1:
        st.error("请只上传一个 Excel 工作簿，或只上传 CSV 文件。")
        return
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "上传数据"  # the dataset name is a label, never part of a path
        root.mkdir()
        for f in files:
            (root / safe.file_name(Path(f.name).name, 100)).write_bytes(f.getvalue())
        paths = [root / safe.file_name(workbooks[0].name, 100)] if workbooks else [root]
        result = check(paths, store())
        if sum(result.rows_read.values()) > MAX_ROWS:
            st.error(f"一次上传最多 {MAX_ROWS:,} 行；更大的数据（如全国企业名录）请联系系统管理员批量导入。")
            return
        if result.problems:
            st.subheader("校验结果")
            show_problems(result.problems)
        if not result.ok:
            st.error(f"发现 {len(result.errors)} 个错误，未写入任何数据。请改正后重新上传。")
        else:
            st.success("校验通过：" + "，".join(f"{t} {n} 行" for t, n in result.rows_read.items()))
            broken = audit.check()
            if broken:
                st.error(f"审计日志校验未通过（{broken}），加载已停用，请系统管理员核查。")
            elif st.button("确认加载", type="primary"):
                try:
                    loaded = load(paths, store(), dataset=dataset or None, replace=mode == "替换")
                except InvalidDataset as e:
                    st.error(safe.markdown(str(e)))
                    show_problems(e.problems)
                except ChainKGError as e:
                    st.error(safe.markdown(f"加载失败，未写入任何数据：{e}"))
                else:
                    st.cache_data.clear()
                    audit.record("加载数据", user, {"数据集": loaded.dataset, "文件": [f.name for f in files],
                                                  "读取行数": loaded.rows_read, "有变化": loaded.changed,
                                                  "替换": mode == "替换"}, origin())
                    show_loaded(loaded)


with tables_tab:
    table_import()
with documents_tab:
    document_import(user)
