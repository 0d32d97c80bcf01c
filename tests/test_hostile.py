"""The hostile city (tests/hostile.py) through everything, on both engines: loaded with its
directory, every page visited in Chromium (both toggles of each map, every box and label
hovered) with no dialog, no script error and no request leaving; every export read back
with the names as they were written."""

from __future__ import annotations

import csv
import re
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import quote

import openpyxl
import pypdfium2
import pytest

from graph import connect
from queries.chain_map import chain_map
from queries.layout import chain_layout
from rendering.chain_map import to_png, to_svg
from rendering.safe import FORMULA_START
from tests.browser import choose, download, map_drawings, new_tab, open_page, serving, settled
from tests.conftest import empty, fresh_graph, run_cli, settings_env
from tests.hostile import EVIL, NAMES, hostile_city

BATTERY, CHEMICAL, SEPARATOR = NAMES["电池链"], NAMES["化工链"], NAMES["隔膜"]
FIRMS = [NAMES[n] for n in ("链主公司", "正极甲", "正极乙", "前驱丙", "电芯丁", "模组戊", "模组己")]  # the battery chain's


@pytest.fixture(scope="module")
def hostile(server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    made = hostile_city(folder)
    settings = fresh_graph(server, f"hostile_{uuid.uuid4().hex[:8]}")
    env = settings_env(settings) | {"CHAINKG_AUDIT_LOG": str(folder / "audit.jsonl")}
    run_cli("load", str(made.dataset), env=env, check=True)
    run_cli("import-directory", str(made.directory), "--mapping", str(made.mapping), "--mapping-only",
            env=env, check=True)
    yield settings, env
    empty(settings)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_exports_hold_the_names_as_written(hostile, tmp_path):
    settings, env = hostile
    outs = {name: tmp_path / name for name in ("map.xlsx", "map.csv", "chemical.xlsx", "targets.xlsx", "targets.csv",
                                               "pack.pdf", "pack.xlsx", "projects.xlsx")}
    run_cli("map", "--chain", BATTERY, "--out", str(outs["map.xlsx"]), env=env, check=True)
    run_cli("map", "--chain", CHEMICAL, "--out", str(outs["chemical.xlsx"]), env=env, check=True)
    run_cli("map", "--chain", BATTERY, "--out", str(outs["map.csv"]), env=env, check=True)
    run_cli("targets", "--segment", SEPARATOR, "--out", str(outs["targets.xlsx"]), env=env, check=True)
    run_cli("targets", "--segment", SEPARATOR, "--out", str(outs["targets.csv"]), env=env, check=True)
    run_cli("projects", "--out", str(outs["projects.xlsx"]), env=env, check=True)
    run_cli("pack", "--chain", BATTERY, "--out", str(outs["pack.pdf"]), "--xlsx", str(outs["pack.xlsx"]),
            env=env, check=True)

    cells = {}
    for name in ("map.xlsx", "chemical.xlsx", "targets.xlsx", "projects.xlsx", "pack.xlsx"):
        book = openpyxl.load_workbook(outs[name])
        found = [c for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert all(c.data_type == "s" for c in found), name  # no formula, whatever the text
        cells[name] = "\n".join(c.value for c in found)
    for firm in FIRMS:
        assert firm in cells["map.xlsx"] and firm in cells["pack.xlsx"], firm
    assert NAMES["溶剂厂"] in cells["chemical.xlsx"] and CHEMICAL in cells["chemical.xlsx"]
    assert NAMES["正极"] in cells["map.xlsx"] and NAMES["电解液项目"] in cells["projects.xlsx"]
    assert "外地<img src=http://evil.example/d1.png onerror=alert(9)>隔膜1有限公司" in cells["targets.xlsx"]

    with open(outs["map.csv"], encoding="utf-8-sig", newline="") as f:
        written = [cell for row in csv.reader(f) for cell in row]
    for text in (NAMES["链主公司"], "'" + NAMES["正极"], NAMES["模组戊"], NAMES["模组己"]):
        assert any(text in cell for cell in written), text
    assert not any(cell.startswith(FORMULA_START) for cell in written)

    pdf = pypdfium2.PdfDocument(outs["pack.pdf"])
    text = _flat("".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
    for name in (BATTERY, NAMES["隔膜小"], NAMES["隔膜新"], NAMES["正极甲"], NAMES["电解液项目"], SEPARATOR):
        assert _flat(name) in text, name
    assert not [o for page in pdf for o in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE])]  # none embedded

    with connect(settings) as store:
        mapped = chain_map(store, BATTERY)
        layout = chain_layout(mapped.tables["环节"], mapped.tables["上下游"], attach=3)
    svg = ET.fromstring(to_svg(layout))  # well-formed: markup in names stayed text
    drawn = _flat("".join(svg.itertext()))
    for name in (SEPARATOR, NAMES["矿石"], NAMES["正极"], NAMES["电芯"], NAMES["链主公司"]):
        flat = _flat(name)  # whole, or cut to its box with "…"
        assert flat in drawn or any(flat[:n] + "…" in drawn for n in range(6, len(flat))), name
    assert "script" not in {el.tag.split("}")[-1] for el in svg.iter()}
    assert to_png(layout)[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_name_too_long_for_an_index_is_refused_by_row_and_column(hostile, tmp_path):
    _, env = hostile
    folder = tmp_path / "过长"
    folder.mkdir()
    (folder / "企业.csv").write_text("企业名称,是否本地企业\n" + "长" * 10_000 + ",是\n", encoding="utf-8")
    before = run_cli("stats", "--hash", "--json", env=env, check=True).stdout
    done = run_cli("load", str(folder), env=env)
    assert done.returncode == 2 and "第2行" in done.stderr and "企业名称" in done.stderr and "过长" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr) < 2000
    assert run_cli("stats", "--hash", "--json", env=env, check=True).stdout == before


def _hover_everything(tab, drawn: dict) -> int:
    """The mouse over every box and label of the drawn map (their tooltips)."""
    for item in drawn["boxes"] + drawn["texts"]:
        tab.mouse.move((item["x"] + item["r"]) / 2, (item["y"] + item["b"]) / 2)
        tab.wait_for_timeout(40)
    return len(drawn["boxes"])


def test_every_page_shows_the_names_and_runs_none_of_them(browser, hostile, tmp_path):
    _, env = hostile
    with serving(env) as url:
        context, tab = new_tab(browser, url, 1440, 1000)
        dialogs, errors = [], []
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        open_page(tab, "")
        body = tab.inner_text("body")
        assert BATTERY in body and CHEMICAL in body  # as written: not run, not rendered as Markdown

        for chain in (BATTERY, CHEMICAL):
            for _, drawn in map_drawings(tab, chain):
                assert _hover_everything(tab, drawn) >= 1, chain
        open_page(tab, f"chain_map?chain={quote(BATTERY, safe='')}")
        assert NAMES["链主公司"] in tab.inner_text("body")  # the chain's lead firm, in the caption
        tab.get_by_text("全屏查看 / 下载图片（用于幻灯片）").click()
        for label in ("下载 PNG 图片", "下载 SVG 矢量图"):
            name = download(tab, label).suggested_filename
            assert "/" not in name and "<" not in name and name.endswith(("png", "svg")), name

        open_page(tab, "gaps")
        choose(tab, "环节", "隔膜")
        settled(tab)
        tab.get_by_text("排名第一").wait_for(timeout=30_000)
        assert f"排名第一：{NAMES['隔膜小']}（" in tab.inner_text("body")  # the list itself is drawn on a canvas
        name = download(tab, "导出招商目标清单（Excel）").suggested_filename
        assert "<" not in name and "{" in name, name

        for path, shown in (("relations", NAMES["矿石"]), ("enterprises", NAMES["链主公司"])):
            open_page(tab, path)
            tab.get_by_label("企业名称或别名").fill("链主")
            tab.keyboard.press("Enter")
            settled(tab)
            tab.wait_for_timeout(1000)
            if path == "relations":
                _sweep(tab)
            assert shown in tab.inner_text("body"), path  # the segment it alone makes; its name as the heading

        for path in ("projects", "pack", "data", "status", "audit"):
            open_page(tab, path if path != "pack" else f"pack?chain={quote(BATTERY, safe='')}")
            if path == "pack":
                tab.get_by_role("button", name="生成一链一档").click()
                tab.get_by_role("button", name="下载 PDF").wait_for(timeout=60_000)
            if path == "projects":
                _sweep(tab)  # the chart's axis tooltip names the chains
            if path == "audit":
                audit_csv = tmp_path / "audit.csv"
                download(tab, "导出审计日志（CSV）").save_as(audit_csv)
                assert SEPARATOR in audit_csv.read_text(encoding="utf-8-sig")  # the export above, as written
        context.close()
    assert dialogs == [] and tab.outside == []
    assert not [e for e in errors if "alert" in e or EVIL in e], errors


def _sweep(tab) -> None:
    """The mouse across every chart on the page, on a grid (charts drawn on a canvas too)."""
    tab.locator("div[_echarts_instance_]").first.wait_for(timeout=30_000)
    for chart in tab.locator("div[_echarts_instance_]").all():
        box = chart.bounding_box()
        for i in range(1, 12):
            for j in range(1, 6):
                tab.mouse.move(box["x"] + box["width"] * j / 6, box["y"] + box["height"] * i / 12)
                tab.wait_for_timeout(15)
