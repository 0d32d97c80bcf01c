"""The Streamlit app: page logic with AppTest, and the real app in headless Chromium."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
from pathlib import Path

import openpyxl
import pyarrow
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph import clock
from loaders.load import load
from queries.layout import STATUS_COLORS
from queries.progress import target_progress
from tests.browser import GEOMETRY, MAP_COLOURS, choose, download, map_drawings, new_tab, open_page, serving, settled
from tests.conftest import PROJECT_DIR, empty, fresh_graph, only_falkordb, raw_words, run_cli, settings_env, use_env
from tests.test_analyses import CITY
from ui.common import screen_cells

APP = str(PROJECT_DIR / "app.py")


@pytest.fixture(autouse=True)
def fresh_caches():
    """AppTest runs in this process: a store or result cached by an earlier test belongs to its graph."""
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def seeded(store, cli_env, monkeypatch):
    store.write("CREATE (:Chain {id: 'c', name: '新能源和新能源电池'})<-[:PART_OF]-(:Segment {id: 's', name: '隔膜'})")
    use_env(monkeypatch, cli_env)
    return cli_env


def _page(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    return at.switch_page(path).run()


def test_status_page_shows_engine_and_counts(seeded, engine):
    at = _page("ui/status.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"引擎": {"falkordb": "FalkorDB（内置）", "neo4j": "Neo4j"}[engine], "节点数": "2", "关系数": "1"}
    shown = [table.value.map(lambda v: re.sub(r"\\(.)", r"\1", v) if isinstance(v, str) else v) for table in at.table]
    assert shown[0].to_dict("records") == [{"类型": "产业链（Chain）", "数量": 1}, {"类型": "环节（Segment）", "数量": 1}]
    assert shown[1].to_dict("records") == [{"类型": "环节属于产业链（PART_OF）", "数量": 1}]  # Markdown, escaped


def test_empty_graph_says_so_in_chinese(store, cli_env, monkeypatch):
    use_env(monkeypatch, cli_env)
    at = _page("ui/status.py")
    assert not at.exception and len(at.table) == 0
    assert [c.value for c in at.caption].count("暂无数据") == 2
    overview = AppTest.from_file(APP, default_timeout=60).run()
    assert not overview.exception and "请在“数据管理”页加载数据" in overview.info[0].value


def test_unreachable_store_is_a_short_chinese_message(seeded, monkeypatch):
    monkeypatch.setenv("CHAINKG_ENGINE", "neo4j")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.error[0].value == "图数据库暂时无法访问，请稍后刷新页面。"


# -- the pages on the hand-built city of tests/test_analyses.py ------------------------------

@pytest.fixture
def city(store, cli_env, monkeypatch):
    load([CITY], store)
    use_env(monkeypatch, cli_env)
    return store


PAGES = ["ui/overview.py", "ui/chain_map.py", "ui/gaps.py", "ui/relations.py", "ui/projects.py",
         "ui/enterprises.py", "ui/pack.py", "ui/data.py", "ui/status.py"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_runs_without_error(city, path):
    at = _page(path)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.title[0].value


def test_overview_cards(city):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert [s.value for s in at.subheader][:2] == ["化工链", "电池链"]
    text = " ".join(m.value for m in at.markdown)
    assert "落后时序" in text  # 电池链: 40 % done against 50 % elapsed (see test_analyses)
    assert "**2024 产值目标** 50亿元：" in text and raw_words(text) == []  # 化工链's target has no 说明


def test_overview_totals_say_nothing_of_what_is_unknown(store, cli_env, monkeypatch):
    """A city-wide target without a note, its actual without a period: neither shows as nan."""
    store.write("CREATE (:Target {name: '全市2024年产值目标', period: '2024', metric: '产值', value: 100.0, "
                "value_unit: '亿元', value_text: '100亿元'})<-[:MEASURES]-(:Actual {name: '全市产值', value: 40.0, "
                "value_unit: '亿元', value_text: '40亿元'})")
    use_env(monkeypatch, cli_env)
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    shown = re.sub(r"\\(.)", r"\1", at.info[0].value)  # Markdown, escaped
    assert shown == "全市2024年产值目标：100亿元；完成 40亿元，完成率 40.0%（期间不明）"


def test_tables_with_unknown_numbers_reach_the_screen_as_they_are(city):
    """Unknown values are "—"; a column of numbers with such cells is text, as the table's
    Arrow form holds one type per column (Streamlit would fix it after a traceback)."""
    progress = target_progress(city).table
    assert progress["完成率"].isna().any() and progress["完成率"].notna().any()
    cells = screen_cells(progress)
    pyarrow.Table.from_pandas(cells)
    assert "—" in set(cells["完成率"]) and "40.0%" in set(cells["完成率"])  # rates in %, unknown as —
    assert set(cells["落后时序"]) == {"是", "否", "—"}  # not judged is not 否


def test_chain_map_details_follow_the_chosen_segment(city):
    at = _page("ui/chain_map.py")
    at.selectbox[0].set_value("电池链").run()
    at.selectbox(key="segment").set_value("正极").run()
    assert not at.exception
    assert at.subheader[0].value == "正极（薄弱）"
    assert at.markdown[0].value == "本地生产企业 2 家：正极乙、正极甲；本地产能 7万吨，本地需求 10万吨，产能不足"


def test_target_list_reranks_with_the_weights(city):
    at = _page("ui/gaps.py")
    at.selectbox[0].set_value("隔膜").run()
    assert "排名第一：**隔膜小**（81.1 分，信息完整度 90%）" in [m.value for m in at.markdown]
    for key in ("produces", "supplies_local", "scale", "specialised", "region", "pipeline"):
        at.slider(key=f"w-{key}").set_value(0)
    at.slider(key="w-listed").set_value(100).run()
    assert "排名第一：**隔膜外**（100 分，信息完整度 100%）" in [m.value for m in at.markdown]


# -- the real app in headless Chromium, on the bundled dataset --------------------------------

BATTERY = "新能源和新能源电池"
CHAINS = ["有色金属新材料", BATTERY, "数字经济", "化工循环", "资源综合利用", "高品质菜草畜"]
LEGEND_HEIGHT = 45  # px at the top of the chart map, where every colour is in the legend
COLOURS = {status: tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for status, c in STATUS_COLORS.items()}


@pytest.fixture(scope="module")
def app_env(server):
    settings = fresh_graph(server, f"test_app_{uuid.uuid4().hex[:8]}")
    env = settings_env(settings)
    run_cli("load", env=env, check=True)
    yield env
    empty(settings)


@pytest.fixture(scope="module")
def app_url(app_env):
    with serving(app_env) as url:
        yield url


@pytest.fixture
def page(browser, app_url):
    context, tab = new_tab(browser, app_url)
    yield tab
    context.close()
    assert tab.outside == []


TITLES = {"": "总览", "chain_map": "产业链图谱", "gaps": "缺链补链 / 招商目标", "relations": "配套关系",
          "projects": "项目台账", "enterprises": "企业", "pack": "一链一档", "data": "数据管理", "status": "系统状态"}


def test_every_page_loads_offline_without_errors(page):
    for path, title in TITLES.items():
        open_page(page, path)
        page.get_by_role("heading", name=title, exact=True).wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0, path
        assert "页面出错" not in page.inner_text("body"), path


def _chart(page):
    chart = page.locator("div[_echarts_instance_]").first
    chart.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    return chart


def _colour_columns(chart) -> dict[str, list[int]]:
    """x positions (px) of the pixels drawn in each status colour, below the legend."""
    from PIL import Image

    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    found: dict[str, list[int]] = {}
    width, height = image.size
    pixels = image.load()
    for x in range(0, width, 2):
        for y in range(LEGEND_HEIGHT, height, 4):
            for status, colour in COLOURS.items():
                if all(abs(a - b) < 12 for a, b in zip(pixels[x, y], colour)):
                    found.setdefault(status, []).append(x)
    return found


def _groups(xs: list[int], gap: int = 30) -> int:
    xs = sorted(set(xs))
    return 1 + sum(1 for a, b in zip(xs, xs[1:]) if b - a > gap) if xs else 0


# What the browser draws is the analyses' output, which tests/test_engines.py proves the same on
# both engines: the drawing tests run on one (every page is still visited on both).
@only_falkordb
def test_each_chain_map_has_stage_columns_in_status_colours(page, app_env):
    for chain in CHAINS:
        gaps = json.loads(run_cli("gaps", "--chain", chain, "--json", env=app_env, check=True).stdout)
        open_page(page, f"chain_map?chain={chain}")
        colours = _colour_columns(_chart(page))
        expected = {status for status, n in gaps["状态统计"].items() if n}
        assert set(colours) == expected, chain
        stages = {row["阶段"] for row in gaps["环节状态"]}
        assert _groups([x for xs in colours.values() for x in xs]) == len(stages), chain


def _overlaps(a: dict, b: dict, tolerance: float = 0.5) -> bool:
    return (a["x"] < b["r"] - tolerance and b["x"] < a["r"] - tolerance
            and a["y"] < b["b"] - tolerance and b["y"] < a["b"] - tolerance)


def _inside(a: dict, b: dict, tolerance: float = 1) -> bool:
    return (a["x"] >= b["x"] - tolerance and a["r"] <= b["r"] + tolerance
            and a["y"] >= b["y"] - tolerance and a["b"] <= b["b"] + tolerance)


def _on_edge(tip: dict, box: dict, tolerance: float = 3) -> bool:
    """The point lies on the box's outline, give or take `tolerance` px."""
    near_x = box["x"] - tolerance <= tip["x"] <= box["r"] + tolerance
    near_y = box["y"] - tolerance <= tip["y"] <= box["b"] + tolerance
    return near_x and near_y and min(abs(tip["x"] - box["x"]), abs(tip["x"] - box["r"]),
                                     abs(tip["y"] - box["y"]), abs(tip["y"] - box["b"])) <= tolerance


@only_falkordb
@pytest.mark.parametrize("width, height", [(1024, 768), (1440, 900)])
def test_chain_maps_fit_a_projector_without_overlaps(browser, app_url, app_env, width, height):
    """Every chain, with and without its enterprises and projects: no box or label overlaps
    another (a label may sit inside its own box), every arrow ends on a box's edge, the map
    is not clipped, and the mouse wheel scrolls the page."""
    context, page = new_tab(browser, app_url, width, height)
    for chain in CHAINS:
        links = json.loads(run_cli("map", "--chain", chain, "--json", env=app_env, check=True).stdout)["上下游"]
        for attach, drawn in map_drawings(page, chain):
            where = f"{chain} {'with' if attach else 'without'} firms at {width}px"
            boxes, texts = drawn["boxes"], drawn["texts"]
            assert len(texts) > len(boxes) > 4, where
            for i, a in enumerate(boxes):
                assert not any(_overlaps(a, b) for b in boxes[i + 1:]), where
            for i, a in enumerate(texts):
                assert not any(_overlaps(a, b) for b in texts[i + 1:]), (where, a["t"])
                assert all(_inside(a, b) or not _overlaps(a, b) for b in boxes), (where, a["t"])
            own = [l for l in links if l["上游环节"] != l["下游环节"]]
            assert len(drawn["tips"]) >= len({(l["上游环节"], l["下游环节"]) for l in own if not l["链外环节"]}), where
            for tip in drawn["tips"]:
                assert any(_on_edge(tip, box) for box in boxes), (where, tip)
            svg, holder = drawn["svg"], drawn["holder"]
            assert holder["x"] - 1 <= svg["x"] and svg["r"] <= min(holder["r"], drawn["viewport"]) + 1, where
    # the wheel over the map scrolls the page, and does not zoom the map
    before = page.evaluate(GEOMETRY, MAP_COLOURS)["svg"]
    page.mouse.move(before["x"] + 50, min(before["y"] + 50, height - 50))
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(500)
    after = page.evaluate(GEOMETRY, MAP_COLOURS)["svg"]
    assert after["y"] < before["y"] - 100 and after["r"] - after["x"] == pytest.approx(before["r"] - before["x"])
    context.close()
    assert page.outside == []


@only_falkordb
def test_no_page_shows_none_null_nan_or_a_raw_fraction(page):
    """The bundled data, every page in the states a user reaches (a gap chosen, a firm
    chosen, a pack generated), every expander open."""
    def visit(path: str, then=None) -> None:
        open_page(page, path)
        if then:
            then()
            settled(page)
        page.evaluate("() => document.querySelectorAll('[data-testid=stExpander] details').forEach(d => d.open = true)")
        page.wait_for_timeout(500)
        assert raw_words(page.inner_text("body")) == [], path

    for path in ["", "projects", "data", "status"] + [f"chain_map?chain={c}" for c in CHAINS]:
        visit(path)
    visit(f"chain_map?chain={BATTERY}", lambda: choose(page, "环节", "隔膜"))
    visit("gaps", lambda: choose(page, "环节", "隔膜"))
    visit("relations", lambda: choose(page, "企业", "金川集团股份有限公司"))
    visit("enterprises", lambda: choose(page, "企业", "金川集团股份有限公司"))
    visit("pack?chain=有色金属新材料", lambda: page.get_by_role("button", name="生成一链一档").click())


def test_no_table_cell_shows_none_null_nan_or_a_raw_fraction(app_env, monkeypatch):
    """The tables' cells (drawn on a canvas, so not in the page's text) as the pages hand them
    to Streamlit, on the bundled data."""
    use_env(monkeypatch, app_env)
    states = [("ui/overview.py", {}), ("ui/projects.py", {}),
              *((("ui/chain_map.py", {"chain": c}) for c in CHAINS)),
              ("ui/gaps.py", {"环节": "隔膜"}), ("ui/relations.py", {"企业": "金川集团股份有限公司"}),
              ("ui/enterprises.py", {"企业": "金川集团股份有限公司"})]
    for path, chosen in states:
        at = AppTest.from_file(APP, default_timeout=60)
        if "chain" in chosen:
            at.query_params["chain"] = chosen["chain"]
        at = at.run().switch_page(path).run()
        for label, option in chosen.items():
            if label != "chain":
                next(s for s in at.selectbox if s.label == label).set_value(option).run()
        assert not at.exception, path
        for frame in at.dataframe:
            cells = " ".join(map(str, frame.value.to_numpy().ravel()))
            assert raw_words(cells) == [], (path, list(frame.value.columns))
            assert "None" not in cells and "nan" not in cells, path


def test_the_map_downloads_as_png_and_svg(page, tmp_path):
    from PIL import Image

    open_page(page, f"chain_map?chain={BATTERY}")
    page.get_by_text("全屏查看 / 下载图片（用于幻灯片）").click()
    for label, suffix in (("下载 PNG 图片", "png"), ("下载 SVG 矢量图", "svg")):
        got = download(page, label)
        assert got.suggested_filename.startswith(f"{BATTERY}产业链图谱_")
        path = tmp_path / got.suggested_filename
        got.save_as(path)
        assert path.suffix == f".{suffix}"
    svg = path.read_text(encoding="utf-8")
    assert "隔膜" in svg and "WenQuanYi Micro Hei" in svg
    image = Image.open(tmp_path / next(p.name for p in tmp_path.iterdir() if p.suffix == ".png"))
    assert image.width > 1000


def test_clicking_a_segment_shows_its_details(page):
    open_page(page, "chain_map?chain=有色金属新材料")
    chart = _chart(page)
    xs = _colour_columns(chart)["薄弱"]  # the one amber box: 海绵钛
    from PIL import Image

    image = Image.open(io.BytesIO(chart.screenshot())).convert("RGB")
    amber = [(x, y) for x in range(min(xs), max(xs) + 1) for y in range(LEGEND_HEIGHT, image.size[1])
             if all(abs(a - b) < 12 for a, b in zip(image.getpixel((x, y)), COLOURS["薄弱"]))]
    x, y = amber[len(amber) // 2]
    chart.click(position={"x": x, "y": y})
    page.get_by_role("heading", name="海绵钛（薄弱）").wait_for(timeout=30_000)
    assert "仅 1 家本地生产企业：德通国钛公司" in page.inner_text("body")


def test_weights_rerank_and_the_list_downloads(page, tmp_path):
    open_page(page, "gaps")
    choose(page, "环节", "隔膜")
    # 恩捷股份 and 星源材质 are listed (stock codes): 50 of 70 known = 71.4, tied
    page.get_by_text("排名第一：恩捷股份（71.4 分，信息完整度 70%），与另外 1 家并列").wait_for(timeout=30_000)
    listed = page.get_by_role("slider").nth(3)  # 生产该环节, 已为本地配套, 规模, 上市, ...
    listed.focus()
    page.keyboard.press("Home")
    page.get_by_text("排名第一：中材科技（66.7 分，信息完整度 67%），与另外 3 家并列").wait_for(timeout=30_000)
    got = download(page, "导出招商目标清单（Excel）")  # once settled: the caption comes before the button
    assert got.suggested_filename.startswith("隔膜招商目标企业清单_")
    path = tmp_path / got.suggested_filename
    got.save_as(path)
    book = openpyxl.load_workbook(path)
    rows = list(book["招商目标"].iter_rows(values_only=True))
    assert rows[1][2] == "中材科技" and "上市：0" in dict(book["说明"].iter_rows(values_only=True))["权重"]


def test_a_bad_upload_shows_its_errors_and_writes_nothing(page, app_env, tmp_path):
    before = run_cli("stats", "--json", env=app_env, check=True).stdout
    bad = tmp_path / "新项目.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "项目"
    book.active.append(["项目名称", "所属产业链"])
    book.active.append(["新项目", "航空航天"])
    book.save(bad)
    open_page(page, "data")
    page.locator("[data-testid='stFileUploader']").filter(has_text="上传数据表").locator("input[type='file']") \
        .set_input_files(str(bad))
    page.get_by_text("发现 1 个错误，未写入任何数据").wait_for(timeout=30_000)
    table = page.locator("[data-testid='stTable']").inner_text()
    assert "新项目.xlsx" in table and "项目" in table and "所属产业链" in table and "航空航天" in table
    assert run_cli("stats", "--json", env=app_env, check=True).stdout == before


def test_meeting_pack_pdf_from_the_page(page, tmp_path):
    import pypdfium2

    open_page(page, f"pack?chain={BATTERY}")
    page.get_by_role("button", name="生成一链一档").click()
    got = download(page, "下载 PDF")
    path = tmp_path / "pack.pdf"
    got.save_as(path)
    assert got.suggested_filename.startswith(f"{BATTERY}一链一档_")
    pdf = pypdfium2.PdfDocument(path)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r\n", "")
    assert 1 <= len(pdf) <= 6 and BATTERY in text
    assert all(name in text for name in ["碳酸酯", "隔膜", "SBR", "PVDF", "铝塑膜"])


# -- with accounts: sign-in, roles by URL, exports in the audit log ----------------------------

@pytest.fixture(scope="module")
def secured(app_env, tmp_path_factory):
    """The same graph served by an app that has accounts (its own users file and audit log)."""
    folder = tmp_path_factory.mktemp("secured")
    env = app_env | {"CHAINKG_USERS": str(folder / "users.yaml"), "CHAINKG_AUDIT_LOG": str(folder / "audit.jsonl"),
                     "CHAINKG_PROXY_ADDRESS_HEADER": "X-Real-IP"}
    for name, role in (("管理员", "admin"), ("链长办", "viewer"), ("招商分析", "analyst")):
        admin = {"CHAINKG_USER": "管理员", "CHAINKG_PASSWORD": "admin-password"} if role != "admin" else {}
        run_cli("user", "add", name, "--role", role, check=True,
                env=env | admin | {"CHAINKG_NEW_PASSWORD": f"{role}-password"})
    with serving(env) as url:
        yield url, env


def _sign_in(page, name: str, role: str) -> None:
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(f"{role}-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_text(f"{name}（").wait_for(timeout=30_000)


def test_a_viewer_cannot_reach_data_management_by_url(page, secured):
    url, _ = secured
    page.goto(f"{url}/data")
    page.get_by_label("密码").wait_for(timeout=60_000)  # the form's last field: the page has drawn
    body = page.inner_text("body")
    assert "用户名" in body and "隔膜" not in body and "数据管理" not in body  # nothing before signing in
    _sign_in(page, "链长办", "viewer")
    page.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=60_000)
    body = page.inner_text("body")
    assert "上传数据" not in body and "数据管理" not in body and "缺链补链" not in body
    assert "一链一档" in body and "产业链图谱" in body


def test_an_analyst_export_from_the_page_is_audited(page, secured):
    url, env = secured
    page.goto(url)
    _sign_in(page, "招商分析", "analyst")
    page.get_by_role("link", name="缺链补链 / 招商目标").click()
    choose(page, "环节", "隔膜")
    download(page, "导出招商目标清单（Excel）")
    page.wait_for_timeout(500)
    logged = [json.loads(line) for line in Path(env["CHAINKG_AUDIT_LOG"]).read_text(encoding="utf-8").splitlines()]
    [export] = [e for e in logged if e["action"] == "导出"]
    assert export["user"] == "招商分析" and export["role"] == "analyst" and export["from"].startswith("网页")
    # Beijing time with its offset, whatever this machine's zone: compare instants, not dates
    assert export["what"]["环节"] == "隔膜" and export["time"].endswith("+08:00")
    assert abs((clock.now() - dt.datetime.fromisoformat(export["time"])).total_seconds()) < 600


# -- behind single sign-on: the proxy's headers alone say who it is ------------------------------

@pytest.fixture(scope="module")
def proxied(app_env, tmp_path_factory):
    """The graph served as behind a reverse proxy with single sign-on, with no local accounts."""
    folder = tmp_path_factory.mktemp("proxied")
    env = app_env | {"CHAINKG_PROXY_USER_HEADER": "X-Remote-User", "CHAINKG_PROXY_GROUPS_HEADER": "X-Remote-Groups",
                     "CHAINKG_USERS": str(folder / "users.yaml"), "CHAINKG_AUDIT_LOG": str(folder / "audit.jsonl")}
    with serving(env) as url:
        yield url


def _as_proxied(browser, url: str, headers: dict[str, str], path: str) -> str:
    context = browser.new_context(extra_http_headers=headers)
    tab = context.new_page()
    tab.goto(f"{url}/{path}")
    settled(tab)
    tab.wait_for_timeout(500)
    body = tab.inner_text("body")
    context.close()
    return body


def test_behind_single_sign_on_a_request_without_the_header_sees_only_the_note(browser, proxied):
    for path in ("", "data", "gaps"):
        body = _as_proxied(browser, proxied, {}, path)
        assert "统一身份认证" in body and "本机用户" not in body and "单机模式" not in body, path
        assert "数据管理" not in body and "隔膜" not in body and "用户名" not in body, path  # no desktop admin, no form
    body = _as_proxied(browser, proxied, {"X-Remote-User": "someone", "X-Remote-Groups": "staff"}, "")
    assert "统一身份认证" in body and "总览" not in body  # signed in upstream, but no role here


def test_behind_single_sign_on_the_groups_header_sets_the_role(browser, proxied):
    viewer = {"X-Remote-User": "链长办", "X-Remote-Groups": "staff, viewer"}
    body = _as_proxied(browser, proxied, viewer, "data")
    assert "链长办（查看）" in body and "上传数据" not in body and "数据管理" not in body and "一链一档" in body
    body = _as_proxied(browser, proxied, {"X-Remote-User": "信息中心", "X-Remote-Groups": "admin"}, "data")
    assert "信息中心（管理）" in body and "上传数据" in body


def test_behind_a_proxy_the_browser_address_comes_from_its_header(browser, secured):
    url, env = secured
    context = browser.new_context(extra_http_headers={"X-Real-IP": "10.20.30.40"})
    tab = context.new_page()
    tab.goto(url)
    _sign_in(tab, "链长办", "viewer")
    context.close()
    logged = [json.loads(line) for line in Path(env["CHAINKG_AUDIT_LOG"]).read_text(encoding="utf-8").splitlines()]
    assert [e["from"] for e in logged if e["action"] == "登录" and e["user"] == "链长办"][-1] == "网页 10.20.30.40"
