"""What every page shares: the store, cached analyses, the chain picker, tables with their
provenance, downloads."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from graph import Settings, audit, connect
from queries import read
from queries.chain_map import chain_map
from queries.export import display_cells, export
from queries.gaps import gaps
from queries.layout import ChainLayout, chain_layout
from queries.names import spellings
from queries.progress import target_progress
from queries.projects import project_tracking
from queries.relations import impact, relations
from queries.result import Result
from queries.supply import supply_rate
from queries.targets import target_list
from rendering import safe
from rendering.chain_map import to_png, to_svg
from ui.access import record_export

ANALYSES = {"map": chain_map, "gaps": gaps, "supply": supply_rate, "relations": relations, "impact": impact,
            "targets": target_list, "projects": project_tracking, "progress": target_progress}
ILLUSTRATIVE = "本表含示例数据（“示例”列为“是”），不是真实事实。"
# Streamlit's file uploader has no setting for its own words ("Upload", "50MB per file"):
# this fixed style sheet shows Chinese ones in their place.
UPLOADER_WORDS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "选择文件"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "或把文件拖到这里；每个文件不超过 50 MB"; font-size: 0.875rem; }
</style>"""


@st.cache_resource
def store():
    return connect(Settings.from_env())


@st.cache_data(ttl=600, show_spinner="正在计算…")
def analysis(name: str, *args, **kwargs) -> Result:
    """A cached analysis; loading data clears the cache."""
    return ANALYSES[name](store(), *args, **kwargs)


@st.cache_data(ttl=600, show_spinner=False)
def map_layout(chain: str, attach: int) -> ChainLayout:
    """The chain map's positions, computed once per chain and option."""
    mapped = analysis("map", chain)
    return chain_layout(mapped.tables["环节"], mapped.tables["上下游"], attach=attach)


@st.cache_data(ttl=600, show_spinner=False)
def map_pictures(chain: str, attach: int) -> tuple[bytes, bytes]:
    """The chain map as PNG and SVG (for slides and the full-screen view)."""
    layout = map_layout(chain, attach)
    return to_png(layout), to_svg(layout)


@st.cache_data(ttl=600, show_spinner=False)
def names(label: str) -> list[str]:
    return sorted(row["name"] for row in read(store(), "names", {"label": label}))


@st.cache_data(ttl=600, show_spinner=False)
def enterprises() -> tuple[dict[str, str], list[str]]:
    """Every enterprise name and alias -> the enterprise's name; and the names, local first."""
    rows = read(store(), "names", {"label": "Enterprise"})
    ordered = [r["name"] for r in sorted(rows, key=lambda r: (not r["local"], r["name"]))]
    return spellings(rows), ordered


@st.cache_data(ttl=600, show_spinner=False)
def profile(enterprise: str) -> dict:
    """The enterprise's profile (see queries/enterprise.cypher)."""
    return read(store(), "enterprise", {"names": [enterprise]})[0]


def chinese_uploader() -> None:
    st.html(UPLOADER_WORDS)


def pick_chain(label: str = "产业链") -> str | None:
    """The chain chosen on any page (or in the URL, ?chain=...), kept while moving between pages."""
    chains = names("Chain")
    if not chains:
        st.info("图中还没有产业链。请在“数据管理”页加载数据。")
        return None
    wanted = st.query_params.get("chain") or st.session_state.get("chain")
    chosen = st.selectbox(label, chains, index=chains.index(wanted) if wanted in chains else 0)
    st.session_state["chain"] = chosen
    st.query_params["chain"] = chosen
    return chosen


def filtered(table: pd.DataFrame, **chosen: list) -> pd.DataFrame:
    """Rows whose column (named by the keyword) holds one of the chosen values; an empty
    choice keeps every row."""
    mask = pd.Series(True, index=table.index)
    for column, values in chosen.items():
        if values:
            mask &= table[column].isin(values)
    return table[mask]


def show_table(table: pd.DataFrame, empty: str, height: int | None = None, key: str | None = None) -> None:
    """A table as users read it (lists joined, 是/否, rates in %, unknown as —), with a note
    when it holds 示例 rows and the sources it cites a click away; when it has no rows,
    `empty` says why and what data would fill it."""
    if table.empty:
        st.info(empty)
        return
    if "示例" in table.columns and table["示例"].any():
        st.warning(ILLUSTRATIVE)
    st.dataframe(screen_cells(table), hide_index=True, width="stretch", height=height or "auto", key=key)
    if "来源" in table.columns:
        show_sources(sorted({s for cited in table["来源"] for s in (cited or [])}))


def screen_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The table's cells for the screen (see `display_cells`). A column of numbers with "—"
    cells becomes text, as one column cannot hold both (Streamlit would convert it too, after
    logging a traceback on every view)."""
    cells = display_cells(table)
    for column in cells.columns:
        kinds = set(map(type, cells[column]))
        if str in kinds and kinds & {int, float}:
            cells[column] = cells[column].astype(str)
    return cells


def show_sources(ids: list[str]) -> None:
    if not ids:
        return
    with st.expander(f"来源（{len(ids)} 个）"):
        rows = read(store(), "sources", {"ids": ids})
        table = pd.DataFrame(rows, columns=["id", "title", "publisher", "date", "locator"]).rename(
            columns={"id": "来源编号", "title": "文件名称", "publisher": "发布单位", "date": "文件日期",
                     "locator": "文件位置"})
        web = table["文件位置"].fillna("").str.match(r"https?://")
        table["链接"] = table["文件位置"].where(web, "")  # no link: an empty cell
        table["文件位置"] = table["文件位置"].mask(web)
        st.dataframe(screen_cells(table.drop(columns=["链接"])).assign(链接=table["链接"]), hide_index=True,
                     width="stretch", column_config={"链接": st.column_config.LinkColumn("链接", display_text="打开网页")})


def download(result: Result | Callable[[], Result], file_name: str, label: str = "导出 Excel",
             key: str | None = None) -> None:
    """A download button for the result as an .xlsx workbook (说明 cover sheet first). A
    callable is run only when the button is pressed (a list too long to compute on every view)."""
    def workbook() -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            return export(result() if callable(result) else result, Path(folder) / "export.xlsx").read_bytes()

    if callable(result):
        what = {"内容": file_name.rsplit("_", 1)[0]}
    else:
        what = {"内容": result.title, "行数": len(result.table),
                **{k: result.summary[k] for k in ("产业链", "环节", "权重") if k in result.summary}}
    offer(label, workbook if callable(result) else workbook(), file_name,
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", what, key=key)


def offer(label: str, data: bytes | Callable[[], bytes], file_name: str, mime: str, what: dict | None,
          key: str | None = None) -> None:
    """A download button: the file name made safe (names in it come from data), the download
    written to the audit log (`what`, None for files that hold no data: the template). While
    the audit log fails its check, downloads of data are off."""
    stem, _, suffix = file_name.rpartition(".")
    name = f"{safe.file_name(stem, 60)}.{suffix}"
    broken = what is not None and audit.check()
    st.download_button(label, data, file_name=name, mime=mime, key=key, disabled=bool(broken),
                       help=f"审计日志校验未通过（{broken}），导出已停用。" if broken else None,
                       on_click=record_export if what is not None else "ignore",
                       args=({"文件": name, **what},) if what is not None else None)


def show_loaded(loaded) -> None:
    """What a load (loaders.load.LoadResult) wrote, per kind of node and relationship."""
    st.success(safe.markdown(f"已加载数据集「{loaded.dataset}」，用时 {loaded.seconds:.1f} 秒。"))
    st.dataframe(pd.DataFrame([
        {"类型": name, "新增": c.created, "更新": c.updated, "未变": c.unchanged, "删除": c.deleted}
        for group in (loaded.written.nodes, loaded.written.relationships)
        for name, c in group.items()]), hide_index=True, width="stretch")


def static_table(table: pd.DataFrame) -> None:
    """A small table drawn as it is (st.table reads Markdown in cells: data is escaped)."""
    st.table(table.map(lambda v: safe.markdown(v) if isinstance(v, str) else v), hide_index=True)
