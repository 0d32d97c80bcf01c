"""一链一档: one click produces the chain's meeting pack as a PDF (A4) and as Excel."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from graph import clock

from queries.export import export
from queries.pack import meeting_pack, write_pdf
from rendering.chain_map import page_images
from ui.common import offer, pick_chain, store

st.title("一链一档")
st.caption("一图（产业链图谱）、一表（重点企业和项目）、一清单（招商目标企业）、一策（政策与基金），附目标进度与缺链环节。")
chain = pick_chain()
if chain and st.button("生成一链一档", type="primary"):
    with st.spinner("正在生成…"), tempfile.TemporaryDirectory() as folder:
        pack = meeting_pack(store(), chain)
        pdf = write_pdf(pack, Path(folder) / "pack.pdf").read_bytes()
        xlsx = export(pack.tables, Path(folder) / "pack.xlsx").read_bytes()
    st.session_state["pack"] = (chain, pdf, xlsx, page_images(pdf, scale=1.3))  # the preview, drawn once
if st.session_state.get("pack") and st.session_state["pack"][0] == chain:
    _, pdf, xlsx, pages = st.session_state["pack"]
    stamp = f"{clock.today():%Y%m%d}"
    st.success("已生成。")
    for label, data, suffix, mime in (
            ("下载 PDF", pdf, "pdf", "application/pdf"),
            ("下载 Excel", xlsx, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        offer(label, data, f"{chain}一链一档_{stamp}.{suffix}", mime, {"内容": "一链一档", "产业链": chain})
    st.subheader(f"预览（共 {len(pages)} 页）")
    for column, (number, image) in zip(st.columns(2) * len(pages), enumerate(pages, start=1)):
        column.image(image, caption=f"第 {number} 页", width="stretch")
