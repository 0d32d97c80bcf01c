"""Reading datasets (CSV folders in UTF-8 or GB18030, workbooks) and validating them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from graph import load_schema
from graph.schema import PropertySpec
from loaders.read import UnreadableFile, read_dataset
from loaders.validate import CellError, parse_cell, validate

TINY = Path(__file__).parent / "fixtures" / "tiny_dataset"


def _check(path) -> tuple:
    result = validate(read_dataset(path), load_schema())
    return result, [(Path(p.file).name, p.sheet, p.row, p.column) for p in result.errors]


def test_tiny_dataset_is_valid_and_typed():
    result, errors = _check(TINY)
    assert errors == [] and result.problems == []
    segments = {r["name"]: r for r in result.nodes["Segment"]}
    assert segments["隔膜"] == {"name": "隔膜", "stage": "中游", "source": "S1",
                              "quote": "积极引进碳酸酯、隔膜、SBR、PVDF、铝塑膜等项目", "illustrative": False}
    assert segments["电芯"]["source"] == "环节#3" and segments["电芯"]["illustrative"] is True
    enterprises = {r["name"]: r for r in result.nodes["Enterprise"]}
    assert enterprises["示例电池公司"]["tags"] == ["规上", "专精特新"]
    assert enterprises["示例电池公司"]["local"] is True and enterprises["外地隔膜公司"]["local"] is False
    assert result.nodes["Source"][0]["date"] == "2022-07-28"
    assert result.nodes["Project"][0]["total_investment"] is None


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
    assert from_book.nodes == validate(read_dataset(TINY), load_schema()).nodes


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
        "项目名称,项目状态,总投资（亿元）\n"
        "某项目,开工,十二\n"                          # row 2: not a number
        "另一项目,完工,1\n", encoding="utf-8")        # row 3: not an allowed status
    (bad / "环节.csv").write_text("环节名称\n隔膜\n", encoding="utf-8")  # required column 阶段 missing
    result, errors = _check(bad)
    assert sorted(errors, key=str) == sorted([
        ("企业.csv", None, 2, "企业名称"),
        ("企业.csv", None, 3, "统一社会信用代码"),
        ("企业.csv", None, 4, "是否本地企业"),
        ("企业.csv", None, 5, "企业名称"),
        ("项目.csv", None, 2, "总投资（亿元）"),
        ("项目.csv", None, 3, "项目状态"),
        ("环节.csv", None, None, "阶段"),
    ], key=str)
    messages = [str(p) for p in result.errors]
    assert any("第3行" in m and "row 3" in m and "check character" in m for m in messages)
    assert any("首次出现在第3行" in m for m in messages)


def test_unknown_tables_and_columns_are_warnings(tmp_path):
    extra = tmp_path / "extra"
    shutil.copytree(TINY, extra)
    (extra / "备注.csv").write_text("说明\n随便写写\n", encoding="utf-8")
    (extra / "产业链.csv").write_text("产业链名称,备注\n数字经济,无\n", encoding="utf-8")
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


@pytest.mark.parametrize("kind, text", [
    ("int", "1.5"), ("float", "约10"), ("float", "nan"), ("float", "-inf"), ("int", "Infinity"), ("date", "2022年6月"), ("bool", "maybe"), ("str", "a\x00b"),
])
def test_cells_refused(kind, text):
    with pytest.raises(CellError):
        parse_cell(PropertySpec(type=kind), text)
