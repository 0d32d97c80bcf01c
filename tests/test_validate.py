"""Reading datasets (CSV folders in UTF-8 or GB18030, workbooks) and validating them."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pandas as pd
import pytest
from stdnum.cn import uscc

from graph import load_schema
from graph.schema import PropertySpec
from loaders.read import UnreadableFile, read_dataset
from loaders.validate import CellError, parse_cell, valid_credit_code, validate

TINY = Path(__file__).parent / "fixtures" / "tiny_dataset"


def _check(path) -> tuple:
    result = validate(read_dataset(path), load_schema())
    return result, [(Path(p.file).name, p.sheet, p.row, p.column) for p in result.errors]


def test_tiny_dataset_is_valid_and_typed():
    result, errors = _check(TINY)
    assert errors == [] and result.problems == []
    segments = result.nodes["Segment"]
    assert segments["隔膜"] == {"name": "隔膜", "stage": "中游", "illustrative": False}
    assert segments["电芯"]["illustrative"] is True
    enterprises = result.nodes["Enterprise"]
    assert enterprises["示例电池公司"]["tags"] == ["规上", "专精特新"]
    assert enterprises["示例电池公司"]["local"] is True and enterprises["外地隔膜公司"]["local"] is False
    assert result.nodes["Source"]["S1"]["date"] == "2022-07-28"
    project = result.nodes["Project"]["8GWh磷酸铁锂电池一期"]
    assert project["total_investment"] is None
    assert (project["capacity"], project["capacity_unit"], project["capacity_text"]) == (8, "GWh", "8GWh")


def test_provenance_is_the_source_id_or_the_file_row():
    result, _ = _check(TINY)
    cited = result.relationships[("CITED_IN", "Segment", "Source")]
    assert cited[("隔膜", "S1")] == {"quote": "积极引进碳酸酯、隔膜、SBR、PVDF、铝塑膜等项目", "source_row": None}
    assert cited[("电芯", "环节.csv")] == {"quote": None, "source_row": 3}
    assert result.nodes["Source"]["环节.csv"]["title"] == "环节.csv"
    part_of = result.relationships[("PART_OF", "Segment", "Chain")]
    assert part_of[("电芯", "新能源和新能源电池")]["illustrative"] is True


def test_links_and_relationship_tables_become_relationships():
    result, _ = _check(TINY)
    rels = result.relationships
    assert set(rels[("FILLS", "Project", "Segment")]) == {("8GWh磷酸铁锂电池一期", "电芯")}
    assert set(rels[("BELONGS_TO", "Project", "Chain")]) == {("8GWh磷酸铁锂电池一期", "新能源和新能源电池")}
    operates = rels[("OPERATES_IN", "Enterprise", "Segment")][("外地隔膜公司", "隔膜")]
    assert (operates["capacity"], operates["capacity_unit"]) == (10, "亿平方米")


def test_gb18030_csv_reads_like_utf8(tmp_path):
    shutil.copytree(TINY, tmp_path / "gbk")
    path = tmp_path / "gbk" / "环节.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    assert validate(read_dataset(tmp_path / "gbk"), load_schema()).nodes == validate(
        read_dataset(TINY), load_schema()).nodes


def test_workbook_reads_like_csv_folder(tmp_path):
    book = tmp_path / "数据.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        for table in read_dataset(TINY):
            table.frame.to_excel(writer, sheet_name=table.name, index=False)
    from_book = validate(read_dataset(book), load_schema())
    assert from_book.problems == []
    from_folder = validate(read_dataset(TINY), load_schema())
    facts = lambda result: {label: rows for label, rows in result.nodes.items() if label != "Source"}  # noqa: E731
    assert facts(from_book) == facts(from_folder)
    # Rows without a source id cite the file they came from, and the sheet in a workbook.
    assert "数据.xlsx [企业]" in from_book.nodes["Source"] and "企业.csv" in from_folder.nodes["Source"]


def test_every_bad_cell_is_reported_with_file_row_and_column(tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(TINY, bad)
    (bad / "企业.csv").write_text(
        "企业名称,统一社会信用代码,是否本地企业\n"
        ",,是\n"                                   # row 2: empty key
        "甲公司,91350100M000100Y44,是\n"            # row 3: wrong check character
        "乙公司,,也许\n"                             # row 4: not yes/no
        "甲公司,,否\n", encoding="utf-8")           # row 5: duplicate key
    (bad / "项目.csv").write_text(
        "项目名称,所属产业链,项目状态,总投资（亿元）,建设规模\n"
        "某项目,新能源和新能源电池,开工,十二,\n"      # row 2: not a number
        "另一项目,新能源和新能源电池,完工,1,\n"       # row 3: not an allowed status
        "第三项目,新能源和新能源电池,,5000万元,8\n"    # row 4: capacity without unit
        "第四项目,数字孪生,,3亿吨,\n", encoding="utf-8")  # row 5: unknown chain; money in tonnes
    (bad / "环节.csv").write_text("环节名称,所属产业链\n隔膜,新能源和新能源电池\n", encoding="utf-8")  # 阶段 missing
    (bad / "企业环节.csv").write_text("企业名称,环节名称\n外地隔膜公司,隔膜\n", encoding="utf-8")
    result, errors = _check(bad)
    assert sorted(errors, key=str) == sorted([
        ("企业.csv", None, 2, "企业名称"),
        ("企业.csv", None, 3, "统一社会信用代码"),
        ("企业.csv", None, 4, "是否本地企业"),
        ("企业.csv", None, 5, "企业名称"),
        ("项目.csv", None, 2, "总投资（亿元）"),
        ("项目.csv", None, 3, "项目状态"),
        ("项目.csv", None, 4, "建设规模"),
        ("项目.csv", None, 5, "所属产业链"),
        ("项目.csv", None, 5, "总投资（亿元）"),
        ("环节.csv", None, None, "阶段"),
        ("企业环节.csv", None, 2, "环节名称"),  # 隔膜 is gone with the broken 环节 table
        ("企业环节.csv", None, 2, "企业名称"),  # 外地隔膜公司 is gone with the rewritten 企业 table
    ], key=str)
    messages = [str(p) for p in result.errors]
    assert any("第3行" in m and "row 3" in m and "check character" in m for m in messages)
    assert any("首次出现在 企业.csv 第3行" in m for m in messages)
    assert any("「数字孪生」不在“产业链”表中" in m and "unknown Chain" in m for m in messages)


def test_keys_are_unique_across_files_of_one_table(tmp_path):
    extra = tmp_path / "extra"
    shutil.copytree(TINY, extra)
    book = tmp_path / "more.xlsx"
    pd.DataFrame({"企业名称": ["外地隔膜公司"]}).to_excel(book, sheet_name="企业", index=False)
    result = validate(read_dataset(extra) + read_dataset(book), load_schema())
    assert [(Path(p.file).name, p.sheet, p.row) for p in result.errors] == [("more.xlsx", "企业", 2)]
    assert "首次出现在 企业.csv 第3行" in str(result.errors[0])


def test_aliases_resolve_references_and_catch_duplicate_companies(tmp_path):
    data = tmp_path / "alias"
    shutil.copytree(TINY, data)
    (data / "企业.csv").write_text(
        "企业名称,别名\n金川集团股份有限公司,金川集团公司、金川集团\n", encoding="utf-8")
    (data / "企业环节.csv").write_text("企业名称,环节名称\n金川集团公司,隔膜\n", encoding="utf-8")
    result, errors = _check(data)
    assert errors == []
    assert set(result.relationships[("OPERATES_IN", "Enterprise", "Segment")]) == {("金川集团股份有限公司", "隔膜")}

    (data / "企业.csv").write_text(
        "企业名称,别名\n金川集团股份有限公司,金川集团公司\n金川集团公司,\n", encoding="utf-8")
    result, errors = _check(data)
    assert errors == [("企业.csv", None, 3, "企业名称")]
    assert "是企业「金川集团股份有限公司」的别名" in str(result.errors[0])


def test_unknown_tables_and_columns_are_warnings(tmp_path):
    extra = tmp_path / "extra"
    shutil.copytree(TINY, extra)
    (extra / "备注.csv").write_text("说明\n随便写写\n", encoding="utf-8")
    (extra / "产业链.csv").write_text("产业链名称,备注\n新能源和新能源电池,无\n", encoding="utf-8")
    result, errors = _check(extra)
    assert errors == []
    assert {(Path(p.file).name, p.column) for p in result.problems} == {("备注.csv", None), ("产业链.csv", "备注")}


def test_unreadable_input_is_named():
    with pytest.raises(UnreadableFile, match="expected a folder"):
        read_dataset(Path("data.txt"))


@pytest.mark.parametrize("kind, text, value", [
    ("float", "1,234.5", 1234.5), ("int", "30", 30), ("int", "30.0", 30),
    ("bool", "是", True), ("bool", "否", False), ("bool", "TRUE", True),
    ("date", "2022/6/30", "2022-06-30"), ("date", "2022-06-30 00:00:00", "2022-06-30"),
    ("date", "2022.6.3", "2022-06-03"),
    ("list", "镍、铜; 钴,贵金属", ["镍", "铜", "钴", "贵金属"]), ("str", "", None),
])
def test_cells_parse(kind, text, value):
    assert parse_cell(PropertySpec(type=kind), text) == value


@pytest.mark.parametrize("unit, text, value, canonical", [
    ("亿元", "12", 12, "亿元"), ("亿元", "5000万元", 0.5, "亿元"), ("亿元", "1,200 万元", 0.12, "亿元"),
    ("any", "30Kt/a", 3, "万吨"), ("any", "50万吨/年", 50, "万吨"), ("any", "1200MWh", 1.2, "GWh"),
    ("any", "300MW", 300, "MW"), ("any", "10万千瓦", 100, "MW"), ("any", "1GW", 1000, "MW"),
    ("any", "25万只", 25, "万只"), ("any", "2亿Ah", 2, "亿Ah"), ("any", "37.2%", 37.2, "%"),
])
def test_quantities_normalise_and_keep_the_text(unit, text, value, canonical):
    quantity = parse_cell(PropertySpec(type="quantity", unit=unit), text)
    assert (quantity.value, quantity.unit, quantity.text) == (pytest.approx(value), canonical, text)


@pytest.mark.parametrize("unit, text", [("any", "8"), ("any", "8 桶"), ("亿元", "3万吨"), ("亿元", "约3亿元")])
def test_quantities_refused(unit, text):
    with pytest.raises(CellError):
        parse_cell(PropertySpec(type="quantity", unit=unit), text)


@pytest.mark.parametrize("kind, text", [
    ("int", "1.5"), ("float", "约10"), ("float", "nan"), ("float", "-inf"), ("int", "Infinity"), ("date", "2022年6月"), ("bool", "maybe"), ("str", "a\x00b"),
])
def test_cells_refused(kind, text):
    with pytest.raises(CellError):
        parse_cell(PropertySpec(type=kind), text)


def test_credit_code_check_agrees_with_python_stdnum():
    chance = random.Random(5)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    codes = ["91350100M000100Y43", "91350100m000100y43", "9135 0100 M000100Y43", "", "123", "I1350100M000100Y43"]
    for i in range(20_000):
        body = "".join(chance.choice("0123456789") for _ in range(8)) + "".join(chance.choice(alphabet) for _ in range(9))
        codes.append(body + (uscc.calc_check_digit(body) if i % 2 else chance.choice(alphabet + "IOZ")))
    assert [valid_credit_code(c) for c in codes] == [uscc.is_valid(c) for c in codes]
    assert 9_000 < sum(map(valid_credit_code, codes)) < 11_000  # both kinds were generated
