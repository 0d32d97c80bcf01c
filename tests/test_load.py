"""Loading into the real embedded graph: idempotent, all-or-nothing, with a summary."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from loaders.load import InvalidDataset, load
from loaders.template import write_template
from queries.stats import graph_counts
from tests.test_validate import TINY


def _counts(result) -> dict:
    return {name: (c.created, c.updated, c.unchanged, c.deleted)
            for group in (result.written.nodes, result.written.relationships) for name, c in group.items()}


def test_loading_twice_changes_nothing(store):
    first = load([TINY], store)
    assert first.changed and _counts(first)["Segment"] == (2, 0, 0, 0)
    after_first = graph_counts(store)
    second = load([TINY], store)
    assert not second.changed
    assert all(updated == created == 0 for created, updated, _, _ in _counts(second).values())
    assert graph_counts(store) == after_first
    assert second.rows_read == {"产业链": 2, "企业": 2, "企业环节": 1, "来源": 1, "环节": 2, "项目": 1}


def test_a_changed_cell_is_an_update(store, tmp_path):
    load([TINY], store)
    changed = tmp_path / "tiny"
    shutil.copytree(TINY, changed)
    path = changed / "项目.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("投产,,,8GWh", "投产,6,,8GWh"), encoding="utf-8")
    result = load([changed], store, dataset="tiny_dataset")
    assert _counts(result)["Project"] == (0, 1, 0, 0)
    assert store.read("MATCH (p:Project) RETURN p.total_investment AS v, p.total_investment_text AS t") == [
        {"v": 6, "t": "6"}]


def test_invalid_data_writes_nothing(store, tmp_path):
    load([TINY], store)
    before = graph_counts(store)
    bad = tmp_path / "bad"
    shutil.copytree(TINY, bad)
    (bad / "项目.csv").write_text("项目名称,所属产业链\n新项目,不存在的链\n", encoding="utf-8")
    with pytest.raises(InvalidDataset) as caught:
        load([bad], store)
    assert caught.value.exit_code == 2
    assert [(p.row, p.column) for p in caught.value.problems if p.level == "error"] == [(2, "所属产业链")]
    assert graph_counts(store) == before


def test_files_may_refer_to_facts_already_in_the_graph(store, tmp_path):
    load([TINY], store)
    more = tmp_path / "增补"
    more.mkdir()
    (more / "项目.csv").write_text("项目名称,所属产业链,所属环节,投资企业\n隔膜一期,新能源和新能源电池,隔膜,外地隔膜公司\n",
                                   encoding="utf-8")
    load([more], store)
    assert store.read("MATCH (p:Project {name: '隔膜一期'})-[:FILLS]->(s:Segment) RETURN s.name AS s") == [{"s": "隔膜"}]


def test_replace_removes_what_the_dataset_no_longer_states(store, tmp_path):
    load([TINY], store, dataset="城市")
    smaller = tmp_path / "smaller"
    shutil.copytree(TINY, smaller)
    (smaller / "项目.csv").unlink()
    kept = load([smaller], store, dataset="城市")
    assert store.read("MATCH (p:Project) RETURN count(p) AS n") == [{"n": 1}]  # without --replace it stays
    assert not kept.changed
    replaced = load([smaller], store, dataset="城市", replace=True)
    assert _counts(replaced)["Project"][3] == 1 and _counts(replaced)["BELONGS_TO"][3] == 1
    assert store.read("MATCH (p:Project) RETURN count(p) AS n") == [{"n": 0}]
    assert store.read("MATCH (s:Source {id: '项目.csv'}) RETURN count(s) AS n") == [{"n": 0}]


def test_atomic_unit_applies_all_or_nothing(store):
    store.write("CREATE (:Chain {name: '甲'})")
    with pytest.raises(RuntimeError), store.atomic() as unit:
        unit.write("CREATE (:Chain {name: '乙'})")
        raise RuntimeError("interrupted")
    assert store.read("MATCH (c:Chain) RETURN c.name AS n") == [{"n": "甲"}]
    with store.atomic() as unit:
        unit.write("CREATE (:Chain {name: '丙'})")
        assert store.read("MATCH (c:Chain) RETURN count(c) AS n") == [{"n": 1}]  # not visible yet
    assert sorted(r["n"] for r in store.read("MATCH (c:Chain) RETURN c.name AS n")) == ["丙", "甲"]


def test_template_round_trips(store, tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    book = openpyxl.load_workbook(path)
    filled = {
        "来源": {"来源编号": "台账2024", "文件名称": "招商台账", "文件日期": "2024-03-01"},
        "产业链": {"产业链名称": "新能源和新能源电池", "等级": "千亿", "链长": "市长"},
        "环节": {"环节名称": "隔膜", "阶段": "中游", "所属产业链": "新能源和新能源电池", "来源编号": "台账2024"},
        "企业": {"企业名称": "某隔膜股份有限公司", "别名": "某隔膜", "统一社会信用代码": "91350100M000100Y43",
                 "是否本地企业": "否", "企业标签": "上市、专精特新"},
        "项目": {"项目名称": "隔膜一期", "所属产业链": "新能源和新能源电池", "所属环节": "隔膜", "投资企业": "某隔膜",
                 "建设规模": "2亿平方米", "总投资（亿元）": "5000万元", "项目状态": "签约", "开工日期": "2024-05-01"},
    }
    for sheet_name in book.sheetnames[1:]:
        sheet = book[sheet_name]
        headers = [c.value for c in sheet[1]]
        sheet.delete_rows(2)  # the example row
        if sheet_name in filled:
            sheet.append([filled[sheet_name].get(h) for h in headers])
    book.save(path)
    load([path], store)
    project = store.read(
        "MATCH (p:Project {name: '隔膜一期'})-[:INVESTED_BY]->(e:Enterprise), (p)-[:FILLS]->(s:Segment) "
        "RETURN p.capacity AS capacity, p.capacity_unit AS unit, p.total_investment AS investment, "
        "p.total_investment_text AS written, p.status AS status, p.start_date AS started, "
        "p.illustrative AS illustrative, e.name AS investor, e.tags AS tags, s.name AS segment")
    assert project == [{"capacity": 2, "unit": "亿平方米", "investment": 0.5, "written": "5000万元",
                        "status": "签约", "started": "2024-05-01", "illustrative": False,
                        "investor": "某隔膜股份有限公司", "tags": ["上市", "专精特新"], "segment": "隔膜"}]
    assert store.read("MATCH (:Segment {name: '隔膜'})-[:CITED_IN]->(s:Source) RETURN s.title AS t") == [
        {"t": "招商台账"}]


def test_template_explains_every_column(tmp_path):
    book = openpyxl.load_workbook(write_template(tmp_path / "模板.xlsx"))
    explained = {(row[0], row[1]) for row in book["说明"].iter_rows(min_row=3, values_only=True)}
    for sheet in book.sheetnames[1:]:
        headers = [c.value for c in book[sheet][1]]
        assert {(sheet, h) for h in headers} <= explained
        assert book[sheet]["A2"].value  # an example row
