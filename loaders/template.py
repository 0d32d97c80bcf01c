"""The blank input workbook: one sheet per table with its headers and one example row,
and a 说明 sheet that explains every column. All of it is generated from the schema."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from graph.schema import Column, Schema, load_schema
from loaders.units import UNITS
from loaders.validate import README_SHEET
from queries.export import fit_widths

REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
EXAMPLE_FONT = Font(color="808080", italic=True)
TYPE_NAMES = {"str": "文本", "int": "整数", "float": "数字", "bool": "是/否", "date": "日期（2022-06-30）",
              "list": "多个，用“、”分隔", "quantity": "带单位的数量", "名称": "名称（引用）"}
EXAMPLE_ROW = 2
DROPDOWN_ROWS = 5000


def write_template(path: Path, schema: Schema | None = None) -> Path:
    schema = schema or load_schema()
    book = Workbook()
    readme = book.active
    readme.title = README_SHEET
    readme.append(["表 / table", "列名 / column", "必填 / required", "类型 / type", "单位 / unit",
                   "可选值 / allowed", "说明 / description"])
    readme.append(["（全部）", "—", "", "", "", "",
                   "橙色表头为必填列。第2行是示例（“示例”列为“是”），请覆盖或删除后再填写。"
                   "一个表也可以另存为同名 CSV 文件（UTF-8 或 GB18030）。"])
    for table in schema.tables():
        sheet = book.create_sheet(table)
        columns = schema.columns(table)
        sheet.append([c.header for c in columns])
        sheet.append([_example(schema, c) for c in columns])
        for index, column in enumerate(columns, start=1):
            _format_column(sheet, index, column)
            readme.append([table, column.header, "是" if column.required else "", TYPE_NAMES[column.type],
                           _unit_text(column), "、".join(column.enum or ()), _describe(schema, column)])
        sheet.freeze_panes = "A2"
    fit_widths(readme)
    book.save(path)
    return Path(path)


def _example(schema: Schema, column: Column) -> str:
    illustrative = schema.provenance["illustrative"].column
    return "是" if column.header == illustrative else column.example


def _unit_text(column: Column) -> str:
    if column.type != "quantity":
        return ""
    if column.unit == "any":
        return "写在数值后：" + "、".join(sorted({canonical for canonical, _ in UNITS.values()}))
    return f"{column.unit}（也可写 {'、'.join(u for u, (c, _) in UNITS.items() if c == column.unit and u != column.unit)}）"


def _describe(schema: Schema, column: Column) -> str:
    if column.refers_to is None:
        return column.description
    table = schema.nodes[column.refers_to].table
    return f"{column.description}；须为“{table}”表或图中已有的名称" + ("，可填多个" if column.several else "")


def _format_column(sheet, index: int, column: Column) -> None:
    letter = get_column_letter(index)
    header = sheet.cell(row=1, column=index)
    header.font = Font(bold=True)
    header.alignment = Alignment(horizontal="center")
    if column.required:
        header.fill = REQUIRED_FILL
    sheet.cell(row=EXAMPLE_ROW, column=index).font = EXAMPLE_FONT
    sheet.column_dimensions[letter].width = max(10, 2 * max(len(column.header), len(column.example)) + 2)
    choices = column.enum or (("是", "否") if column.type == "bool" else None)
    if choices:
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        rule.add(f"{letter}{EXAMPLE_ROW}:{letter}{DROPDOWN_ROWS}")
        sheet.add_data_validation(rule)

