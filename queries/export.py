"""Write an analysis result to `.xlsx` (a 说明 cover sheet, then one sheet per table) or
`.csv` (the main table, UTF-8 with BOM so that Excel on Chinese Windows reads it).

Cells are written as values, never formulas (`rendering.safe`): in a workbook, text
starting with = + - @ is a text cell shown as typed; in a CSV file it gets a leading
apostrophe (spreadsheet-injection safe).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from graph import ChainKGError, clock
from queries.result import Result
from queries.settings import PARTS
from rendering import safe

RATE_COLUMNS = {"时序进度", "信息完整度", "投入占比", *PARTS.values()}  # and every column ending in 率
UNKNOWN = "—"
ILLUSTRATIVE_NOTE = "“示例”列为“是”的行是示例数据，不是真实事实。"


def export(result: Result, path: Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(result, path)
    elif suffix == ".csv":
        path.write_bytes(csv_bytes(result.table))
    else:
        raise ChainKGError(f"只能导出 .xlsx 或 .csv 文件 / export to .xlsx or .csv: {path.name}")
    return path


def cell_text(value: Any) -> Any:
    """A value as a cell: lists joined, booleans 是/否, NaN empty."""
    if isinstance(value, (list, tuple)):
        value = "；".join(str(v) for v in value if v is not None)
    elif isinstance(value, dict):
        value = "；".join(f"{k}：{UNKNOWN if cell_text(v) is None else cell_text(v)}" for k, v in value.items())
    elif isinstance(value, bool):
        return "是" if value else "否"
    elif value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    elif hasattr(value, "item"):  # numpy scalars
        return cell_text(value.item())
    return value


def as_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The table as spreadsheet cells (see `cell_text`)."""
    return table.apply(lambda column: column.map(cell_text)).astype(object)


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as a CSV file Excel on Chinese Windows opens (UTF-8 with BOM), formula-safe."""
    return as_cells(table).map(safe.csv_cell).to_csv(index=False).encode("utf-8-sig")


def is_rate(column: str) -> bool:
    """A column of shares between 0 and 1, shown as percentages everywhere."""
    return column.endswith("率") or column in RATE_COLUMNS


def display_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The table as people read it on a page or in a PDF: the cells of `as_cells`, rates as
    percentages (each item of a list of rates too), unknown as "—" (never None, nan or 否 for
    what is not known)."""
    cells = as_cells(table)
    for column in cells.columns:
        if is_rate(column):
            cells[column] = table[column].map(_percent)
    return cells.fillna(UNKNOWN)


def _percent(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "；".join(_percent(v) for v in value) or None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return UNKNOWN
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.1%}"
    return cell_text(value)


def _write_xlsx(result: Result, path: Path) -> None:
    book = Workbook()
    cover = book.active
    cover.title = "说明"
    cover.append([result.title])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(["导出时间（北京时间）", clock.now().strftime("%Y-%m-%d %H:%M")])
    for key, value in result.summary.items():
        cover.append([key, cell_text(value)])
        safe.xlsx_cell(cover.cell(cover.max_row, 2))
    if any("示例" in t.columns and t["示例"].any() for t in result.tables.values()):
        cover.append(["示例数据", ILLUSTRATIVE_NOTE])
    fit_widths(cover)
    for name, table in result.tables.items():
        sheet = book.create_sheet(_sheet_name(name))
        sheet.append(list(table.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for row in as_cells(table).itertuples(index=False):
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                safe.xlsx_cell(cell)
        for index, column in enumerate(table.columns, start=1):
            if is_rate(column):
                for cells in sheet.iter_cols(min_col=index, max_col=index, min_row=2):
                    for cell in cells:
                        cell.number_format = "0.0%"
        sheet.freeze_panes = "A2"
        fit_widths(sheet)
    book.save(path)


def _sheet_name(name: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31]


def fit_widths(sheet) -> None:
    """Column widths from the longest text; CJK characters are about two columns wide."""
    for cells in sheet.columns:
        longest = max(_display_width(str(c.value or "")) for c in cells)
        sheet.column_dimensions[cells[0].column_letter].width = min(60, longest + 2)


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
