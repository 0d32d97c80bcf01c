"""数据管理 → 文档导入: upload speeches, reports or notices; review what was read from them
(accept or reject each row, correct a cell), then load the accepted rows through the
normal validator and writer as a dataset named after the document. Nothing is written
before 确认加载."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from extraction.review import SOURCE_TABLE, extract, write_review
from graph import ChainKGError, audit
from graph.access import User
from graph.schema import load_schema
from loaders.load import InvalidDataset, check, load
from rendering import safe
from ui.access import origin
from ui.common import names, show_loaded, static_table, store

DOCUMENT_TYPES = ["txt", "docx", "pdf", "doc", "wps"]
REVIEWED = ("项目", "指标", "指标完成", "企业", "园区", "政策")


def document_import(user: User) -> None:
    files = st.file_uploader("上传文档（讲话、工作报告、项目清单通知等：.txt、.docx、.pdf；.doc、.wps 需本机装有 LibreOffice）",
                             type=DOCUMENT_TYPES, accept_multiple_files=True, key="documents")
    if not files:
        st.caption("从文档中按规则（extraction/rules.yaml）读出项目、指标、完成情况、企业、园区、政策和基金，"
                   "每一行附原文句子和段落位置，供逐行审核；审核前不写入任何数据。")
        return
    if not names("Chain"):
        st.warning("图中还没有产业链：项目要归入产业链才会被读出。请先在“表格导入”中加载产业链和环节。")
    extraction = _extracted(files)
    if extraction is None:
        return
    review = load_schema().review
    accepted_column, match_column = review["accepted"].column, review["match"].column
    edited = {}
    for table in REVIEWED:
        rows = extraction.tables.get(table)
        if not rows:
            continue
        st.subheader(f"{table}（{len(rows)} 行）")
        frame = pd.DataFrame(rows)
        frame[accepted_column] = frame[accepted_column] == "是"
        first = [accepted_column, frame.columns[0], match_column, "原文摘录"]
        frame = frame[first + [c for c in frame.columns if c not in first]]
        locked = [spec.column for name, spec in review.items() if name != "accepted"] + ["原文摘录", "来源编号"]
        edited[table] = st.data_editor(frame, key=f"review-{table}", hide_index=True, width="stretch",
                                       disabled=locked,
                                       column_config={accepted_column: st.column_config.CheckboxColumn("采纳")})
    titles = list(dict.fromkeys(d.title for d in extraction.documents))
    default = titles[0] if len(titles) == 1 else f"{titles[0]}等{len(titles)}份文档"
    dataset = st.text_input("数据集名称", value=default[:100], key="document-dataset",
                            help="以文档命名；来源为文档（标题、日期、段落位置）。")
    tables = {table: [_cells(row, accepted_column) for row in frame.to_dict("records")]
              for table, frame in edited.items()}
    accepted = sum(row[accepted_column] == "是" for rows in tables.values() for row in rows)
    if not accepted:
        st.info("没有采纳的行。")
        return
    tables[SOURCE_TABLE] = extraction.tables[SOURCE_TABLE]
    with tempfile.TemporaryDirectory() as folder:
        path = write_review(tables, Path(folder) / "文档审核.xlsx", [d.file for d in extraction.documents])
        result = check([path], store())
        if result.problems:
            st.subheader("校验结果")
            static_table(pd.DataFrame([{"级别": "错误" if p.level == "error" else "提示", "表": p.sheet or "",
                                        "第几条": "" if p.row is None else p.row - 1, "列": p.column or "",
                                        "说明": p.zh} for p in result.problems]))
        if not result.ok:
            st.error(f"发现 {len(result.errors)} 个错误，未写入任何数据。请在上表中改正或取消采纳。")
            return
        st.success(f"已采纳 {accepted} 行，校验通过。")
        broken = audit.check()
        if broken:
            st.error(f"审计日志校验未通过（{broken}），加载已停用，请系统管理员核查。")
        elif st.button("确认加载", type="primary", key="document-load"):
            try:
                loaded = load([path], store(), dataset=dataset or default)
            except InvalidDataset as e:
                st.error(safe.markdown(str(e)))
            except ChainKGError as e:
                st.error(safe.markdown(f"加载失败，未写入任何数据：{e}"))
            else:
                st.cache_data.clear()
                audit.record("加载数据", user, {"数据集": loaded.dataset, "文件": [f.name for f in files],
                                              "方式": "文档导入", "读取行数": loaded.rows_read,
                                              "有变化": loaded.changed}, origin())
                show_loaded(loaded)


def _extracted(files):
    """The documents read once per upload (the review's edits are kept across reruns)."""
    digest = hashlib.sha256(b"".join(f.name.encode() + f.getvalue() for f in files)).hexdigest()
    if st.session_state.get("extraction-of") != digest:
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for index, f in enumerate(files):
                path = Path(folder) / f"{index}{Path(safe.file_name(f.name, 100)).suffix.lower()}"
                path.write_bytes(f.getvalue())
                paths.append(path)
            try:
                extraction = extract(paths, store(), names=[Path(f.name).name for f in files])
            except ChainKGError as e:
                st.error(safe.markdown(str(e)))
                return None
        st.session_state["extraction"], st.session_state["extraction-of"] = extraction, digest
    return st.session_state["extraction"]


def _cells(row: dict, accepted_column: str) -> dict:
    """An edited row as the workbook takes it: 采纳 as 是/否, empty cells empty."""
    return {column: ("是" if value else "否") if column == accepted_column else "" if pd.isna(value) else value
            for column, value in row.items()}
