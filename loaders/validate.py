"""Validate a whole dataset against the schema before anything is written.

Every problem names file, sheet, row and column, in Chinese with an English gloss.
Errors block the load; warnings (an unknown table or column) do not.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from stdnum.cn import uscc

from graph.schema import PropertySpec, Schema
from loaders.read import Table

TRUE_WORDS = {"是", "true", "yes", "y", "1", "√"}
FALSE_WORDS = {"否", "false", "no", "n", "0", "×"}
LIST_SEPARATORS = re.compile(r"[、,，;；|]")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    level: str  # "error" or "warning"
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    zh: str
    en: str

    def __str__(self) -> str:
        where = self.file + (f" [{self.sheet}]" if self.sheet else "")
        if self.row is not None:
            where += f" 第{self.row}行 / row {self.row}"
        if self.column:
            where += f" 「{self.column}」列 / column {self.column}"
        return f"{where}：{self.zh} / {self.en}"


@dataclass
class Validation:
    nodes: dict[str, list[dict]] = field(default_factory=dict)  # label -> typed rows
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


class CellError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def parse_cell(spec: PropertySpec, text: str):
    """The typed value of one cell, None when empty; raises CellError when it does not fit."""
    if text == "":
        return None
    if CONTROL_CHARS.search(text):
        raise CellError("含有不可见的控制字符", "contains control characters")
    value = _TYPES[spec.type](text)
    if spec.enum and value not in spec.enum:
        raise CellError(f"「{text}」不在可选值 {'、'.join(spec.enum)} 中",
                        f"{text!r} is not one of {', '.join(spec.enum)}")
    if spec.format == "credit_code" and not uscc.is_valid(value):
        raise CellError(f"统一社会信用代码「{text}」无效（长度、字符或校验位错误）",
                        f"invalid unified social credit code {text!r} (length, characters or check character)")
    return value


def _number(text: str, kind: type):
    cleaned = text.replace(",", "").replace("，", "")
    try:
        number = float(cleaned)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):  # float() also reads "nan" and "inf"
        raise CellError(f"「{text}」不是数字", f"{text!r} is not a number")
    if kind is int:
        if not number.is_integer():
            raise CellError(f"「{text}」不是整数", f"{text!r} is not a whole number")
        return int(number)
    return number


def _bool(text: str) -> bool:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"「{text}」应为“是”或“否”", f"{text!r} is not yes/no (是/否)")


def _date(text: str) -> str:
    head = text.split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in head.split("-"))).isoformat()
    except ValueError:
        raise CellError(f"「{text}」不是日期（应为 2022-06-30 格式）",
                        f"{text!r} is not a date (expected 2022-06-30)") from None


_TYPES = {
    "str": lambda text: text,
    "int": lambda text: _number(text, int),
    "float": lambda text: _number(text, float),
    "bool": _bool,
    "date": _date,
    "list": lambda text: [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()],
}


def validate(tables: list[Table], schema: Schema) -> Validation:
    result = Validation()
    for table in tables:
        found = schema.node_for_table(table.name)
        if found is None:
            known = "、".join(n.table for n in schema.nodes.values())
            result.problems.append(Problem("warning", table.file, table.sheet, None, None,
                                           f"未知的表「{table.name}」，已忽略（可用的表：{known}）",
                                           f"unknown table {table.name!r}, ignored"))
            continue
        label, node = found
        result.nodes.setdefault(label, []).extend(_validate_node_table(table, label, schema, result.problems))
    return result


def _validate_node_table(table: Table, label: str, schema: Schema, problems: list[Problem]) -> list[dict]:
    node = schema.nodes[label]
    specs = {**node.properties, **schema.provenance}
    by_column = {spec.column: (prop, spec) for prop, spec in specs.items()}

    def problem(level, row, column, zh, en):
        problems.append(Problem(level, table.file, table.sheet, row, column, zh, en))

    for column in table.frame.columns:
        if column not in by_column:
            problem("warning", None, column, "未知的列，已忽略", "unknown column, ignored")
    required = [prop for prop, spec in node.properties.items() if spec.required or prop == node.key]
    missing = [node.properties[p].column for p in required if node.properties[p].column not in table.frame.columns]
    for column in missing:
        problem("error", None, column, "缺少必填列", "required column is missing")
    if missing:
        return []

    rows, first_row_of_key = [], {}
    key_column = node.properties[node.key].column
    for index, cells in enumerate(table.frame.to_dict("records")):
        row_number = table.row_number(index)
        if not any(cells.values()):
            continue  # blank lines between blocks are common in hand-kept sheets
        record, row_ok = {}, True
        for column, text in cells.items():
            if column not in by_column:
                continue
            prop, spec = by_column[column]
            try:
                value = parse_cell(spec, text)
            except CellError as e:
                problem("error", row_number, column, e.zh, e.en)
                row_ok = False
                continue
            if value is None and prop in required:
                problem("error", row_number, column, "必填项为空", "required value is empty")
                row_ok = False
            record[prop] = value
        key = record.get(node.key)
        if key is not None and key in first_row_of_key:
            problem("error", row_number, key_column,
                    f"「{key}」重复（首次出现在第{first_row_of_key[key]}行）",
                    f"duplicate {key!r} (first in row {first_row_of_key[key]})")
            row_ok = False
        elif key is not None:
            first_row_of_key[key] = row_number
        if row_ok:
            record["source"] = record.get("source") or f"{table.name}#{row_number}"
            record["illustrative"] = bool(record.get("illustrative"))
            rows.append(record)
    return rows
