"""Read a dataset: a folder of CSV files (one per table) or one .xlsx workbook (one sheet per table).

Every cell is read as text; typing is validation's job, so that a bad cell becomes a
reported problem with its row and column instead of a silent NaN.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import InvalidData

# pandas is imported when a file is read: commands that read none (stats, backup) start
# a second sooner.
if TYPE_CHECKING:
    import pandas as pd

# Excel on Chinese Windows saves "CSV" as GB18030 (GBK); everything else is UTF-8.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
FIRST_DATA_ROW = 2  # row 1 holds the headers, in a spreadsheet and in a CSV file alike
CHUNK_ROWS = 20_000  # rows a large enterprise directory is read, checked and written in at a time


@dataclass(frozen=True)
class Table:
    name: str  # the sheet or file name: 企业, 环节 ...
    file: str
    sheet: str | None
    frame: pd.DataFrame  # text cells, "" for empty
    rows: tuple[int, ...] | None = None  # the file row of each frame row, when not simply 2, 3, 4 ...

    @cached_property
    def source_name(self) -> str:
        """How a row without a source id cites this table: its file (and sheet)."""
        return Path(self.file).name + (f" [{self.sheet}]" if self.sheet else "")

    def row_number(self, index: int) -> int:
        """The row a user sees in the spreadsheet for the frame's `index`."""
        return self.rows[index] if self.rows is not None else index + FIRST_DATA_ROW


def records(frame: pd.DataFrame) -> list[dict]:
    """The frame's rows as dicts: `to_dict("records")` without its per-cell conversions,
    which cost a directory import more than its checks of credit codes."""
    columns = list(frame.columns)
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]


class UnreadableFile(InvalidData):
    def __init__(self, file: str, zh: str, en: str):
        super().__init__(f"{file}: {zh} / {en}")
        self.file, self.zh, self.en = file, zh, en


def read_dataset(path: Path) -> list[Table]:
    path = Path(path)
    if path.is_dir():
        return [_read_csv(p) for p in sorted(path.glob("*.csv"))]
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    if path.suffix.lower() == ".csv":
        return [_read_csv(path)]
    raise UnreadableFile(str(path), "只接受文件夹、.csv 或 .xlsx 文件", "expected a folder, a .csv or an .xlsx file")


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("").astype(str).apply(lambda col: col.str.strip())


def _read_csv(path: Path) -> Table:
    import pandas as pd

    for encoding in CSV_ENCODINGS:
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
            return Table(path.stem, str(path), None, _clean(frame))
        except UnicodeDecodeError:
            continue
        except pd.errors.ParserError as e:
            raise UnreadableFile(str(path), f"CSV 格式错误：{e}", f"malformed CSV: {e}") from e
    raise UnreadableFile(str(path), "无法识别文件编码（应为 UTF-8 或 GB18030）",
                         "unknown text encoding (expected UTF-8 or GB18030)")


def _read_xlsx(path: Path) -> list[Table]:
    import pandas as pd

    try:
        # openpyxl never evaluates formulas: cells hold the values Excel last saved.
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as e:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(str(path), f"无法读取 Excel 工作簿：{e}", f"cannot read the workbook: {e}") from e
    return [Table(name.strip(), str(path), name, _clean(frame)) for name, frame in sheets.items()]
