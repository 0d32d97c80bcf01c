"""The analyses of `queries/` on a small hand-built graph (tests/fixtures/analysis_city),
run on the real embedded engine. Every expected value below was worked out by hand from
the fixture's CSV files; the comments show the working.

The fixture: chain 电池链 (lead firm 链主公司) and 化工链.
  矿石 → 前驱体 → 正极 → 电芯 → 模组 → 回收, and 隔膜 → 电芯, 电解液 → 电芯, 溶剂(化工链) → 电解液;
  磷酸铁锂电芯 is a sub-segment of 电芯; 正极 needs 10万吨 locally.
  local producers: 链主公司 矿石, 前驱丙 前驱体, 正极甲 4万吨 + 正极乙 3万吨 正极, 电芯丁 磷酸铁锂电芯,
  模组戊 + 模组己 模组, 溶剂厂 溶剂; outside: 隔膜外, 隔膜小 make 隔膜; 隔膜新 only invests.
  projects: 电解液项目 在建, 隔膜项目 谋划 (隔膜新), 回收项目 投产, 模组扩产项目 签约, 溶剂项目 开工,
  储罐项目 落地 (no dates, no money).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from graph import connect
from graph.errors import UnknownName
from loaders.load import load
from queries import read
from queries.chain_map import chain_map
from queries.export import cell_text, csv_bytes, export
from queries.facts import Segment, SegmentProject
from queries.gaps import classify, gaps
from queries.names import resolve
from queries.progress import elapsed_share, target_progress
from queries.projects import headline, project_tracking
from queries.relations import impact, relations
from queries.result import Result
from queries.settings import load_settings
from queries.supply import supply_rate
from queries.targets import target_list
from tests.conftest import empty, fresh_graph, run_cli, settings_env

CITY = Path(__file__).parent / "fixtures" / "analysis_city"


@pytest.fixture(scope="module")
def city_settings(server):
    return fresh_graph(server, f"test_city_{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
def city(city_settings):
    with connect(city_settings) as store:
        load([CITY], store)
        yield store
    empty(city_settings)


def _by(table, key: str, value: str) -> dict:
    return {row[key]: row[value] for row in table.to_dict("records")}


# -- gaps -------------------------------------------------------------------------

def test_status_of_every_segment(city):
    result = gaps(city, "电池链")
    assert _by(result.table, "环节", "状态") == {
        "矿石": "优势",         # the lead firm makes it
        "前驱体": "薄弱",       # one local producer
        "正极": "薄弱",         # two producers, but 4 + 3 万吨 < 10 万吨 demand
        "隔膜": "缺失",         # only outside producers; its project is 谋划, which does not count
        "电解液": "在建",       # no producer, a 在建 project
        "电芯": "薄弱",         # one producer, through its sub-segment 磷酸铁锂电芯
        "磷酸铁锂电芯": "薄弱",
        "模组": "优势",         # two local producers, no demand stated
        "回收": "薄弱",         # a 投产 project is its one producer
    }
    assert list(result.table["阶段"]) == ["上游"] * 2 + ["中游"] * 5 + ["下游"] * 2
    assert result.summary["状态统计"] == {"优势": 2, "薄弱": 5, "在建": 1, "缺失": 1}


def test_each_status_says_why(city):
    reasons = _by(gaps(city, "电池链").table, "环节", "原因")
    assert reasons["矿石"] == "本地生产企业 1 家：链主公司；链主企业链主公司本地生产"
    assert reasons["正极"] == "本地生产企业 2 家：正极乙、正极甲；本地产能 7万吨，本地需求 10万吨，产能不足"
    assert reasons["前驱体"] == "仅 1 家本地生产企业：前驱丙"
    assert reasons["隔膜"] == "无本地生产企业；另有 1 个项目不计入：隔膜项目（谋划）"
    assert reasons["电解液"] == "无本地生产企业；1 个推进中项目：电解液项目（在建）"
    assert reasons["回收"] == "仅 1 家本地生产企业：回收项目（投产）"
    assert reasons["模组"] == "本地生产企业 2 家：模组己、模组戊；1 个推进中项目：模组扩产项目（签约）"


def test_thresholds_come_from_settings(city):
    rules = load_settings().gaps.model_copy(update={"strong_min_producers": 3})
    assert _by(gaps(city, "电池链", rules).table, "环节", "状态")["模组"] == "薄弱"


def test_broken_links(city):
    breaks = gaps(city, "电池链").tables["断链"]
    # upstream without a local producer, downstream with one: both inputs of 电芯 (电芯丁)
    assert [(r["上游环节"], r["下游环节"], r["下游本地企业"]) for r in breaks.to_dict("records")] == [
        ("电解液", "电芯", ["电芯丁"]), ("隔膜", "电芯", ["电芯丁"])]
    assert not breaks["推定"].any()


def test_all_chains_at_once(city):
    table = gaps(city).table
    assert set(table["产业链"]) == {"电池链", "化工链"}
    assert _by(table, "环节", "状态")["溶剂"] == "薄弱"


# -- local supply rate ------------------------------------------------------------

def test_chain_supply_rate(city):
    result = supply_rate(city, chain="电池链")
    # inputs: 矿石 前驱体 正极 隔膜 电解液 溶剂 电芯 模组; all but 隔膜 and 电解液 are made locally
    assert result.summary["投入环节数"] == 8
    assert result.summary["本地生产环节数"] == 6
    assert result.summary["本地配套率（按环节数）"] == 0.75
    # shares: 0.5 + 0.6 + 0.4 + 0.3 local of 0.5 + 0.6 + 0.4 + 0.1 + 0.1 + 0.3 = 1.8 / 2.0
    assert result.summary["本地配套率（按投入占比）"] == 0.9
    assert result.summary["有投入占比的连接"] == "6/8"
    assert sorted(result.summary["外购环节"]) == ["电解液", "隔膜"]
    assert result.summary["目标"] == ["电池链2024年本地配套率目标：80%以上"]
    rows = {r["投入环节"]: r for r in result.table.to_dict("records")}
    assert rows["隔膜"]["外地企业数"] == 2 and rows["隔膜"]["本地企业"] == []
    assert rows["模组"]["推定"] and not rows["正极"]["推定"]


def test_enterprise_supply_rate_uses_its_parent_segments_inputs(city):
    result = supply_rate(city, enterprise="电芯丁")
    # 电芯丁 makes 磷酸铁锂电芯, a kind of 电芯: inputs 正极 (local), 隔膜, 电解液
    assert sorted(result.table["投入环节"]) == ["正极", "电解液", "隔膜"]
    assert result.summary["本地配套率（按环节数）"] == round(1 / 3, 4)
    assert result.summary["本地配套率（按投入占比）"] == round(0.4 / 0.6, 4)


# -- relations and impact -----------------------------------------------------------

def test_suppliers_and_customers_within_hops(city):
    result = relations(city, "电芯丁", hops=2)
    rows = {(r["方向"], r["企业"]): r for r in result.table.to_dict("records")}
    # 隔膜外 makes 隔膜 (→ 电芯) but is outside and supplies nobody: a candidate, not 配套
    assert {k: r["跳数"] for k, r in rows.items()} == {
        ("供应商", "正极甲"): 1, ("供应商", "正极乙"): 1, ("供应商", "隔膜小"): 1,
        ("供应商", "前驱丙"): 2, ("客户", "模组戊"): 1, ("客户", "模组己"): 1}
    assert rows[("供应商", "隔膜小")]["关系"] == "实际配套"  # a SUPPLIES row, from outside
    assert rows[("供应商", "正极乙")]["关系"] == "潜在配套"  # inferred from 正极 → 电芯, both local
    # 正极甲 supplies 电芯丁 (a 配套关系 row) and also makes an input of it: the row names the product
    assert (rows[("供应商", "正极甲")]["关系"], rows[("供应商", "正极甲")]["经由"]) == ("实际配套", "磷酸铁锂正极")
    # 前驱丙 reaches 电芯丁 through 正极乙 and 正极甲, equally short: the first in name order (乙 < 甲) is shown
    assert (rows[("供应商", "前驱丙")]["路径"], rows[("供应商", "前驱丙")]["经由"]) == (
        "前驱丙 → 正极乙 → 电芯丁", "前驱体→正极；正极→电芯")
    assert {k: result.summary[k] for k in ("供应商数", "本地供应商数", "客户数", "本地客户数")} == {
        "供应商数": 4, "本地供应商数": 3, "客户数": 2, "本地客户数": 2}
    assert len(relations(city, "电芯丁", hops=1).table) == 5
    # from the outside supplier: its customer, then that customer's local customers
    outward = relations(city, "隔膜小", hops=2).table
    assert sorted(zip(outward["方向"], outward["企业"], outward["跳数"])) == [
        ("客户", "模组己", 2), ("客户", "模组戊", 2), ("客户", "电芯丁", 1)]


def test_losing_the_lead_firm(city):
    result = impact(city, "链主公司")
    [row] = result.tables["环节影响"].to_dict("records")
    assert (row["环节"], row["现状态"], row["失去后状态"], row["失去本地生产"]) == ("矿石", "优势", "缺失", True)
    assert row["受影响下游环节"] == ["前驱体", "回收", "模组", "正极", "电芯"]
    firms = result.tables["失去唯一本地供应的企业"]
    assert [(r["企业"], r["失去的投入"], r["关系"]) for r in firms.to_dict("records")] == [("前驱丙", "矿石", "潜在配套")]


def test_losing_a_firms_only_local_actual_supplier(city):
    result = impact(city, "正极甲")
    [row] = result.tables["环节影响"].to_dict("records")
    assert (row["环节"], row["现状态"], row["失去后状态"], row["失去本地生产"]) == ("正极", "薄弱", "薄弱", False)
    firms = result.tables["失去唯一本地供应的企业"]
    assert [(r["企业"], r["失去的投入"], r["关系"]) for r in firms.to_dict("records")] == [
        ("电芯丁", "磷酸铁锂正极", "实际配套")]


# -- target lists ---------------------------------------------------------------------

def test_target_ranking_and_its_parts(city):
    table = target_list(city, segment="隔膜").table
    # Parts whose facts are unknown are 未知 and left out of both sums (a missing tag says
    # nothing, so 上市 and 专精特新 are known only where a tag says so):
    # 隔膜小: 40 produces + 15 supplies 电芯丁 + 15×2/10 scale + 10 小巨人 + 5 甘肃 + 0 pipeline
    #   = 73 of 90 known (上市 未知) = 81.1, 完整度 90 %
    # 隔膜外: 40 produces + 15 scale (20 ≥ 10 亿元) + 10 listed = 65 of 90 (专精特新 未知) = 72.2
    # 隔膜新: no capital, region or tags: 5 pipeline of 40 + 15 + 5 = 60 known = 8.3, 完整度 60 %
    assert list(zip(table["排名"], table["企业"], table["得分"], table["信息完整度"])) == [
        (1, "隔膜小", 81.1, 0.9), (2, "隔膜外", 72.2, 0.9), (3, "隔膜新", 8.3, 0.6)]
    small = table.iloc[0]
    assert [small[c] for c in ["生产该环节", "已为本地配套", "规模", "上市", "专精特新", "地区偏好", "已在项目库"]] == [
        1, 1, 0.2, "未知", 1, 1, 0]
    assert small["推荐理由"] == ["生产隔膜", "已为本地企业配套：电芯丁", "注册资本 2 亿元", "专精特新小巨人",
                             "位于甘肃省兰州市"]
    assert small["来源"] == ["T1"] and not small["示例"]
    assert small["待补信息"] == ["缺少上市情况（可在“数据管理”页导入企业名录补充）"]
    new = table.iloc[2]
    assert [new[c] for c in ["生产该环节", "规模", "上市", "专精特新", "地区偏好", "已在项目库"]] == [
        0, "未知", "未知", "未知", "未知", 1]
    assert new["推荐理由"] == ["已在招商项目库：隔膜项目（谋划）"] and new["示例"]
    assert new["待补信息"] == ["缺少注册资本、上市情况、专精特新认定、所在地区（可在“数据管理”页导入企业名录补充）"]


def test_weights_rerank_and_ties(city):
    weights = {"produces": 0, "supplies_local": 0, "scale": 0, "listed": 100, "specialised": 0, "region": 0,
               "pipeline": 0}
    table = target_list(city, segment="隔膜", weights=weights).table
    # with only 上市 weighed, nothing is known of 隔膜小 and 隔膜新: both 未知, tied
    assert list(zip(table["排名"], table["企业"], table["得分"].astype(object).fillna("未知"))) == [
        (1, "隔膜外", 100.0), (2, "隔膜小", "未知"), (2, "隔膜新", "未知")]
    # produces alone: 隔膜外 and 隔膜小 tie at 100 and share rank 1; 隔膜新 makes no 隔膜
    table = target_list(city, segment="隔膜", weights={**weights, "listed": 0, "produces": 1}).table
    assert list(zip(table["排名"], table["企业"], table["得分"])) == [(1, "隔膜外", 100.0), (1, "隔膜小", 100.0),
                                                                 (3, "隔膜新", 0.0)]


def test_chain_target_list_covers_its_gap_segments(city):
    result = target_list(city, chain="电池链")
    # gaps (缺失, 薄弱) with outside candidates: only 隔膜
    assert set(result.table["环节"]) == {"隔膜"} and len(result.table) == 3
    assert "隔膜" in result.summary["环节"] and "电解液" not in result.summary["环节"]  # 电解液 is 在建


def test_target_list_workbook(city, tmp_path):
    path = export(target_list(city, segment="隔膜"), tmp_path / "隔膜招商目标.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["说明", "招商目标", "来源"]
    cover = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert cover["环节"] == "隔膜" and "上市：10；" in cover["权重"] and cover["数据日期"] == "2024-07-01"
    assert "示例数据" in cover
    rows = list(book["招商目标"].iter_rows(values_only=True))
    assert rows[0][:4] == ("排名", "环节", "企业", "得分")
    assert rows[1][:5] == (1, "隔膜", "隔膜小", 81.1, 0.9)
    assert "生产隔膜；已为本地企业配套：电芯丁" in rows[1][rows[0].index("推荐理由")]
    assert rows[3][rows[0].index("示例")] == "是"
    # 隔膜新's row names no source id: the loader cites the file itself
    assert [r[0] for r in book["来源"].iter_rows(values_only=True)] == ["来源编号", "T1", "企业.csv"]


def test_exported_text_never_becomes_a_formula(tmp_path):
    texts = ['=HYPERLINK("http://x")', "+1", "-1", "@a", "\tx", "普通"]
    result = Result("测试", {"表": pd.DataFrame({"名称": texts})}, {"说明": "=1+1"})
    book = openpyxl.load_workbook(export(result, tmp_path / "t.xlsx"))
    cells = [c for (c,) in book["表"].iter_rows(min_row=2)]
    assert [c.value for c in cells] == texts and {c.data_type for c in cells} == {"s"}  # shown as typed, never run
    assert all(c.quotePrefix for c in cells[:5]) and book["说明"]["B3"].data_type == "s"
    (tmp_path / "t.csv").write_bytes(csv_bytes(result.table))
    rows = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)["名称"].tolist()
    assert rows == ["'" + t for t in texts[:5]] + ["普通"]
    assert [cell_text(v) for v in (["a", "b"], True, None, float("nan"))] == ["a；b", "是", None, None]


# -- projects and progress -------------------------------------------------------------

def test_lagging_projects_with_their_rules(city):
    result = project_tracking(city, as_of=dt.date(2024, 6, 30))
    flagged = {}
    for row in result.tables["滞后项目"].to_dict("records"):
        flagged.setdefault(row["项目"], []).append(row["规则"])
    assert flagged == {
        "电解液项目": ["投资完成率低于 30%", "资金到位率低于 50%"],  # 2/10 = 20 %, 2/8 = 25 %
        "模组扩产项目": ["签约超过 6 个月未开工", "计划投产日期已过未投产"],  # signed 2023-10-15, due 2024-03-01
    }
    rates = _by(result.table, "项目", "投资完成率")
    assert rates["电解液项目"] == 0.2 and rates["溶剂项目"] == 0.5 and pd.isna(rates["模组扩产项目"])
    # 储罐项目 (落地) calls for three rules and has the data for none: 无法判断, not on schedule;
    # 溶剂项目 lacks only its production date, 隔膜项目 (谋划) and 回收项目 (投产) call for no rule
    unchecked = _by(result.table, "项目", "未能检查")
    assert unchecked["储罐项目"] == ["签约后开工：缺少签约日期", "资金到位率：缺少签约资金或到位资金",
                                 "计划投产：缺少投产日期"]
    assert unchecked["溶剂项目"] == ["计划投产：缺少投产日期"] and unchecked["隔膜项目"] == []
    assert (result.summary["滞后项目数"], result.summary["无法判断项目数"]) == (2, 1)
    assert headline(result.summary) == (
        "截至 2024-06-30：项目 6 个，滞后 2 个；另 1 个缺少判断所需数据，无法判断是否滞后（签约后开工：缺少签约日期 1 个；"
        "资金到位率：缺少签约资金或到位资金 1 个；计划投产：缺少投产日期 1 个）")


def test_signed_not_started_counts_whole_months(city):
    def rules_met(day):
        lag = project_tracking(city, "电池链", as_of=day).tables["滞后项目"]
        return sorted(lag.loc[lag["项目"] == "模组扩产项目", "规则"])
    assert rules_met(dt.date(2024, 4, 14)) == ["计划投产日期已过未投产"]  # 5 months and 30 days
    assert rules_met(dt.date(2024, 4, 15)) == ["签约超过 6 个月未开工", "计划投产日期已过未投产"]


def test_pipeline_by_status(city):
    pipeline = project_tracking(city, as_of=dt.date(2024, 6, 30)).tables["分状态统计"]
    rows = [(r["产业链"], r["状态"], r["项目数"], r["总投资合计（亿元）"]) for r in pipeline.to_dict("records")]
    # in pipeline order 谋划 签约 落地 开工 在建 投产; 模组扩产项目's investment is unknown and stays so
    assert [r[:3] for r in rows] == [("化工链", "落地", 1), ("化工链", "开工", 1), ("电池链", "谋划", 1), ("电池链", "签约", 1),
                                     ("电池链", "在建", 1), ("电池链", "投产", 1)]
    totals = {(c, s): t for c, s, _, t in rows}
    assert totals[("电池链", "在建")] == 10 and totals[("电池链", "谋划")] == 5
    assert pd.isna(totals[("电池链", "签约")])  # unknown, not 0


def test_target_progress(city):
    rows = {r["指标名称"]: r for r in target_progress(city).table.to_dict("records")}
    battery = rows["电池链2024年产值目标"]  # 40 of 100 by 30 June: 40 % against 50 %
    assert (battery["完成率"], battery["时序进度"], battery["差距（百分点）"], battery["落后时序"]) == (0.4, 0.5, -10.0, True)
    chemical = rows["化工链2024年产值目标"]  # 15 of 50 by the end of Q1: 30 % against 25 %
    assert (chemical["完成率"], chemical["截至日期"], chemical["时序进度"], chemical["进度状态"]) == (
        0.3, "2024-03-31", 0.25, "达到时序进度")
    assert rows["全市链条2024年产值目标"]["进度状态"] == "目标值未公开"
    assert rows["全市链条2024年产值目标"]["产业链"] == "合计"
    # 本地配套率 does not accrue with the year: 45 % of 80 % by 30 June is 未达目标, whatever
    # share of the year has passed, and 时序进度 stays empty
    rate = rows["电池链2024年本地配套率目标"]
    assert (rate["完成率"], rate["进度状态"], rate["落后时序"]) == (0.5625, "未达目标", None)
    assert pd.isna(rate["时序进度"]) and "不按时序进度判断" in rate["进度说明"]
    # a rule that cannot be applied says why, and 落后时序 is unknown, not 否
    hidden = rows["全市链条2024年产值目标"]
    assert hidden["落后时序"] is None and hidden["进度说明"].startswith("目标值未公开（未公开）")
    assert battery["进度说明"] == "完成率 40.0%，时序进度 50.0%，低于时序进度"


@pytest.mark.parametrize("period, day, share", [
    ("2024", dt.date(2024, 6, 30), 0.5), ("2024年", dt.date(2024, 12, 31), 1.0),
    ("2024", dt.date(2023, 12, 31), 0.0), ("2024", dt.date(2025, 1, 1), 1.0),
    ("2024", dt.date(2024, 2, 15), round((1 + 15 / 29) / 12, 4)), ("全年", dt.date(2024, 1, 1), None)])
def test_elapsed_share_counts_months(period, day, share):
    assert elapsed_share(period, day) == share


def test_a_project_filling_sub_segments_counts_once():
    """储能项目 fills 电芯 and its sub-segment 磷酸铁锂电芯; rolled up, 电芯 holds it twice.
    One producer, not two: 薄弱 (strong needs 2), not 优势."""
    def filling(segment: str) -> SegmentProject:
        return SegmentProject("储能项目", segment, "投产", None, "电池链", None, None, None, (), False, ())

    segment = Segment("电芯", "中游", "电池链", None, None, None, None, None, False, (), 0,
                      projects=[filling("磷酸铁锂电芯"), filling("电芯")])
    verdict = classify(segment, load_settings().gaps)
    assert (verdict.status, verdict.producers) == ("薄弱", ("储能项目",))
    assert verdict.reason == "仅 1 家本地生产企业：储能项目（投产）"


# -- chain map and names -----------------------------------------------------------------

def test_chain_map(city):
    result = chain_map(city, "电池链")
    assert result.summary["链主企业"] == ["链主公司"] and result.summary["等级"] == "千亿"
    # the enterprise page's profile names the chain it leads (FalkorDB once answered [])
    assert read(city, "enterprise", {"names": ["链主公司"]})[0]["leads"] == ["电池链"]
    segments = {r["环节"]: r for r in result.tables["环节"].to_dict("records")}
    assert segments["矿石"]["本地企业"] == ["链主公司（链主）"]
    assert segments["隔膜"]["外地企业数"] == 2
    assert segments["磷酸铁锂电芯"]["上级环节"] == "电芯"
    links = {(r["上游环节"], r["下游环节"]): r for r in result.tables["上下游"].to_dict("records")}
    assert len(links) == 8 and links[("溶剂", "电解液")]["链外环节"] == "溶剂"
    assert links[("电芯", "模组")]["推定"]
    attached = result.tables["企业"]
    assert set(attached.loc[attached["环节"] == "正极", "企业"]) == {"正极甲", "正极乙"}
    assert set(result.tables["项目"]["项目"]) == {"电解液项目", "隔膜项目", "回收项目", "模组扩产项目"}


def test_names_resolve_through_aliases_and_suggest(city):
    assert resolve(city, "Enterprise", " 链主集团 ") == "链主公司"
    with pytest.raises(UnknownName) as caught:
        resolve(city, "Chain", "电池")
    assert caught.value.closest[0] == "电池链" and "电池链" in str(caught.value)


# -- the command line ----------------------------------------------------------------------

COMMANDS = [
    ("map", "--chain", "电池链"), ("gaps", "--chain", "电池链"), ("supply-rate", "--chain", "电池链"),
    ("supply-rate", "--enterprise", "电芯丁"), ("relations", "--enterprise", "电芯丁"),
    ("impact", "--enterprise", "链主集团"), ("targets", "--segment", "隔膜"), ("targets", "--chain", "电池链"),
    ("projects", "--chain", "电池链"), ("progress",)]


@pytest.fixture(scope="module")
def city_env(city, city_settings):
    return settings_env(city_settings)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_every_analysis_runs_from_the_cli(city_env, args, tmp_path):
    done = run_cli(*args, "--json", "--out", str(tmp_path / "结果.xlsx"), env=city_env, check=True)
    assert json.loads(done.stdout)["标题"]
    assert openpyxl.load_workbook(tmp_path / "结果.xlsx").sheetnames[0] == "说明"
    text = run_cli(*args, env=city_env, check=True).stdout
    assert "行 / rows" in text


def test_cli_unknown_name_lists_the_closest(city_env):
    done = run_cli("gaps", "--chain", "电池", env=city_env)
    assert done.returncode == 1 and "电池链" in done.stderr and "Traceback" not in done.stderr


def test_cli_csv_opens_in_excel_on_chinese_windows(city_env, tmp_path):
    run_cli("gaps", "--chain", "电池链", "--out", str(tmp_path / "缺链.csv"), env=city_env, check=True)
    raw = (tmp_path / "缺链.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "无本地生产企业" in raw.decode("utf-8-sig")


def test_cli_weights(city_env):
    done = run_cli("targets", "--segment", "隔膜", "--weight", "上市=100", "--weight", "produces=0", "--json",
                   env=city_env, check=True)
    ranked = [r["企业"] for r in json.loads(done.stdout)["招商目标"]]
    assert ranked[0] == "隔膜外"
    bad = run_cli("targets", "--segment", "隔膜", "--weight", "颜值=1", env=city_env)
    assert bad.returncode == 2 and "颜值" in bad.stderr
