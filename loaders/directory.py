"""Import large enterprise directories (企业名录) and their supply relations, streaming.

A directory file (CSV or .xlsx) has a commercial export's columns (see `loaders/synth.py`):
each row becomes an Enterprise, linked OPERATES_IN to the segments that its products
(substrings) and industry code (prefixes) map to in the mapping table
`data/映射/企业名录映射.csv`, which users edit. A supply file (供应企业, 采购企业, 产品)
becomes SUPPLIES. Files are read in chunks, so memory does not grow with their size; each
chunk is turned into the loaders' own tables (企业, 企业环节, 配套关系), validated by
`loaders/validate.py` and written by `loaders/write.py`, as any dataset is. A chunk is
written on a second thread while the next one is validated, so the server works while
Python checks; one chunk at a time, in order.

The whole import is one atomic unit (`store.atomic(chunked=True)`): it is written completely
or not at all, even when killed, and readers see the graph before it until it ends.
Without `skip_bad` one bad row fails it, after every chunk has been checked so that all
problems are listed; with it, bad rows go to the rejects file with
their reasons and the good ones are written. Writes are MERGE on keys: importing twice
changes nothing. An enterprise named twice is an error, also across chunks.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import openpyxl
import pandas as pd

from graph import Schema, Store, load_schema
from graph.errors import InvalidData
from loaders.load import InvalidDataset
from loaders.read import CHUNK_ROWS, CSV_ENCODINGS, FIRST_DATA_ROW, Table, UnreadableFile, records
from loaders.synth import DIRECTORY_COLUMNS, MAPPING, SUPPLY_COLUMNS
from loaders.validate import Problem, Validation, validate
from loaders.write import Counts, Stated, StoreNames, WriteSummary, count_producers, statement, withdraw, write

# what a firm's name says besides the firm: its legal form, and the province it starts with
LEGAL_FORMS = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团股份|集团|股份|公司|厂)+$")
PROVINCE_PREFIX = re.compile(r"^(北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东"
                             r"|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门)(省|市|自治区)?")
IDENTIFIERS = (("credit_code", "统一社会信用代码"), ("stock_code", "股票代码"))  # graph property, directory column
ALIAS_COLUMNS = ("别名", "简称")
OPERATES_IN = ("OPERATES_IN", "Enterprise", "Segment")
SEPARATORS = str.maketrans({c: "、" for c in ";；,，/|"})
# the loader's column -> the directory column a problem is reported in
REPORTED = {"所在地区": "城市", "注册资本（亿元）": "注册资本（万元）", "环节名称": "主营产品", "主要产品": "主营产品",
            "是否本地企业": "城市"}


MAPPING_COLUMNS = ("字段", "匹配", "环节名称")
# what a mapping row's 匹配 is compared with: a product contains it, an industry code starts
# with it, an industry name contains it
MAPPING_FIELDS = ("主营产品", "行业代码", "行业名称")


@dataclass(frozen=True)
class Mapping:
    products: list[tuple[str, str]]  # keyword -> segment
    codes: list[tuple[str, str]]  # industry code prefix -> segment
    industries: list[tuple[str, str]] = ()  # industry name keyword -> segment

    def segments(self, products: list[str], code: str, industry: str = "") -> dict[str, str]:
        """segment -> the product (or industry code or name) that maps to it."""
        found = {}
        for product in products:
            for keyword, segment in self.products:
                if keyword in product:
                    found.setdefault(segment, product)
        for prefix, segment in self.codes:
            if code.startswith(prefix):
                found.setdefault(segment, f"行业代码 {code}")
        for keyword, segment in self.industries:
            if keyword in industry:
                found.setdefault(segment, f"行业 {industry}")
        return found


def read_mapping(paths: list[Path], store: Store, schema: Schema) -> Mapping:
    """The mapping tables (CSV in any encoding the loaders accept, or .xlsx), together:
    rows of the later ones come after the earlier ones'."""
    rows = []
    for path in paths:
        frame = pd.concat([frame for _, frame in _chunks(Path(path), CHUNK_ROWS)], ignore_index=True)
        if missing := [c for c in MAPPING_COLUMNS if c not in frame.columns]:
            raise UnreadableFile(str(path), f"映射表缺少列：{'、'.join(missing)}（须有 {'、'.join(MAPPING_COLUMNS)}）",
                                 f"the mapping table lacks the columns {', '.join(missing)}")
        for number, row in zip(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(frame)), records(frame)):
            if row["字段"] not in MAPPING_FIELDS or not row["匹配"] or not row["环节名称"]:
                raise UnreadableFile(str(path), f"第{number}行：字段须为 {'、'.join(MAPPING_FIELDS)} 之一，匹配和环节名称"
                                     f"不能为空", f"row {number}: 字段 must be one of {', '.join(MAPPING_FIELDS)}, "
                                     "匹配 and 环节名称 must not be empty")
            rows.append(row)
    named = {r["环节名称"] for r in rows}
    if unknown := sorted(named - StoreNames(store, schema).existing("Segment", named)):
        raise InvalidData(f"{', '.join(map(str, paths))}: 映射表中的环节不在图中：{'、'.join(unknown)} / "
                          "unknown segments in the mapping table")
    return Mapping(*([(r["匹配"], r["环节名称"]) for r in rows if r["字段"] == field] for field in MAPPING_FIELDS))


@dataclass
class ImportResult:
    rows: int = 0  # read
    rejected: int = 0  # skipped as bad
    unmapped: int = 0  # directory rows that map to no segment
    seconds: float = 0.0
    counts: dict[str, Counts] = field(default_factory=dict)
    conflicts: list[tuple[str, str, dict]] = field(default_factory=list)  # as WriteSummary's
    merges: list[tuple[str, int, str, str, str]] = field(default_factory=list)  # file, row, name, into, by
    near_misses: list[tuple[str, int, str, str]] = field(default_factory=list)  # file, row, name, a similar firm

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        return {"rows": self.rows, "rejected": self.rejected, "unmapped": self.unmapped, "conflicts": len(self.conflicts),
                "merged": [{"文件": f, "行号": n, "名录名称": name, "并入": into, "依据": by}
                           for f, n, name, into, by in self.merges],
                "near_misses": [{"文件": f, "行号": n, "名录名称": name, "相近企业": firm}
                                for f, n, name, firm in self.near_misses], "seconds": round(self.seconds, 2),
                "rows_per_second": round(self.rows_per_second), "counts": {k: asdict(v) for k, v in self.counts.items()}}


class _Names:
    """The graph's names plus this import's enterprises: where each was first named (to
    report a repeat in a later chunk) and whether that row was good (a supply file may name
    it before it is written, or when a bad row has stopped the writing); aliases read once.
    Compact, as it holds every name of a national directory: (file index << 32 | row)."""

    def __init__(self, store: Store, schema: Schema):
        self.graph = StoreNames(store, schema)
        self._aliases = self.graph.aliases()
        self.files: list[str] = []
        self.first: dict[str, int] = {}
        self.bad: set[str] = set()  # names whose first row was bad
        self._stems = {stem(n): n for n in (row["name"] for row in store.read(statement("curated_firms"))) if len(stem(n)) >= 2}

    def existing(self, label: str, keys: set[str]) -> set[str]:
        known = {k for k in keys if k in self.first and k not in self.bad} if label == "Enterprise" else set()
        return known | self.graph.existing(label, keys - known)

    def aliases(self) -> dict[str, str]:
        return self._aliases

    def match_firms(self, rows: list[dict], numbers: list[int]) -> dict[int, tuple[str, str]]:
        """Directory rows that name, under another name, an enterprise the graph holds:
        row -> (its name in the graph, what matched), by credit code, then stock code, then
        alias. The row's name becomes an alias, for the rest of the import too."""
        known, store = {}, self.graph.store
        for prop, column in IDENTIFIERS:
            values = sorted({r.get(column, "") for r in rows} - {""})
            known[column] = {row["key"]: row["name"] for label in store.staging.labels("Enterprise") if values
                             for row in store.read_batches(statement("firms_by", label=label, key=prop), values)}
        found = {}
        for number, row in zip(numbers, rows):
            name = row.get("企业名称", "")
            matches = [(column, known[column].get(row.get(column, ""))) for _, column in IDENTIFIERS]
            for column, by in [*matches, ("别名", self._aliases.get(name))]:
                if by and by != name:
                    found[number] = (by, column)
                    self._aliases.setdefault(name, by)
                    break
        return found

    def near_misses(self, rows: list[dict], numbers: list[int], merged: dict) -> list[tuple[int, str, str]]:
        """(row, its name, a curated firm's name) where the names share a stem but nothing
        identified them as one firm: not merged, said so a user can add a code or alias."""
        misses = []
        for number, row in zip(numbers, rows):
            name = row.get("企业名称", "")
            if number in merged or name in self._stems.values():
                continue
            own = stem(name)
            if len(own) >= 2:
                misses += [(number, name, firm) for s, firm in self._stems.items() if firm != name and (s in own or own in s)]
        return misses

    def repeated(self, file: str, names, numbers: list[int]) -> list[Problem]:
        """Enterprises named in an earlier chunk (repeats inside a chunk are the validator's)."""
        problems = []
        for name, number in zip(names, numbers):
            if name and (code := self.first.get(name)) is not None:  # an empty name is reported as such
                place, row = self.files[code >> 32], code & 0xFFFFFFFF
                problems.append(Problem("error", file, None, number, "企业名称",
                                        f"「{name}」重复（首次出现在 {place} 第{row}行）",
                                        f"duplicate {name!r} (first in {place} row {row})"))
        return problems

    def add(self, file: str, names, numbers: list[int], bad_rows: set[int]) -> None:
        if not self.files or self.files[-1] != file:
            self.files.append(file)
        index = (len(self.files) - 1) << 32
        for name, number in zip(names, numbers):
            if name and name not in self.first:
                self.first[name] = index | number
                if number in bad_rows:
                    self.bad.add(name)


def file_kind(path: Path) -> str:
    header = next(_chunks(path, 1))[1].columns
    if set(DIRECTORY_COLUMNS[:2]) <= set(header) and "主营产品" in header:
        return "directory"
    if set(SUPPLY_COLUMNS[:2]) <= set(header):
        return "supplies"
    raise UnreadableFile(str(path), f"既不是企业名录（需含 {'、'.join(DIRECTORY_COLUMNS)}）也不是配套关系表",
                         "neither a directory nor a supply-relations file")


def stem(name: str) -> str:
    """A firm's name without its legal form and leading province: 云南恩捷新材料股份有限公司 -> 恩捷新材料."""
    return PROVINCE_PREFIX.sub("", LEGAL_FORMS.sub("", name.strip()))


def is_directory_file(path: Path) -> bool:
    """Whether a .csv or .xlsx file is a directory or supply file (not a dataset table)."""
    try:
        file_kind(Path(path))
        return True
    except (UnreadableFile, StopIteration):
        return False


def count_rows(path: Path) -> int:
    """Data rows of a directory file (a CSV's lines; a workbook's first sheet)."""
    if path.suffix.lower() == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            sheet = book.worksheets[0]
            rows = sheet.max_row if sheet.max_row is not None else sum(1 for _ in sheet.iter_rows())
        finally:
            book.close()
        return max(rows - 1, 0)
    with open(path, "rb") as f:
        return max(sum(1 for _ in f) - 1, 0)


def _chunks(path: Path, size: int) -> Iterator[tuple[list[int], pd.DataFrame]]:
    """(the file rows of its rows, text frame) for each chunk of the file."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        yield from _xlsx_chunks(path, size)
        return
    if path.suffix.lower() != ".csv":
        raise UnreadableFile(str(path), "企业名录须为 .csv 或 .xlsx 文件", "a directory is a .csv or .xlsx file")
    encoding = _encoding(path)
    first = FIRST_DATA_ROW
    for frame in pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, chunksize=size):
        frame.columns = [str(c).strip() for c in frame.columns]
        yield list(range(first, first + len(frame))), frame.apply(lambda col: col.str.strip())
        first += len(frame)


def _encoding(path: Path) -> str:
    with path.open("rb") as f:
        sample = f.read(1 << 16)
    for encoding in CSV_ENCODINGS:
        try:  # incremental: a character cut by the sample's end waits for bytes that never come
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(str(path), "无法识别文件编码（应为 UTF-8 或 GB18030）", "unknown text encoding")


def _xlsx_chunks(path: Path, size: int) -> Iterator[tuple[list[int], pd.DataFrame]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)  # formulas are never evaluated
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows)]
    first, batch = FIRST_DATA_ROW, []
    for row in rows:
        batch.append(["" if c is None else str(c).strip() for c in row])
        if len(batch) == size:
            yield list(range(first, first + len(batch))), pd.DataFrame(batch, columns=header)
            first, batch = first + len(batch), []
    if batch or first == FIRST_DATA_ROW:
        yield list(range(first, first + len(batch))), pd.DataFrame(batch, columns=header)
    book.close()


def _tables(kind: str, frame: pd.DataFrame, numbers: list[int], file: str, mapping: Mapping,
            local_city: str | None, merged: dict[int, tuple[str, str]]) -> list[Table]:
    """The loader's tables for a chunk; `numbers` are the file rows of the frame's rows;
    `merged`: rows that name an enterprise of the graph under another name (match_firms)."""
    if kind == "supplies":
        cells = frame.reindex(columns=SUPPLY_COLUMNS, fill_value="")
        return [Table("配套关系", file, None, cells, tuple(numbers))]
    enterprises, operates, operate_rows = [], [], []
    for number, row in zip(numbers, records(frame)):
        name, capital = row.get("企业名称", ""), row.get("注册资本（万元）", "")
        aliases = [a for column in ALIAS_COLUMNS for a in row.get(column, "").translate(SEPARATORS).split("、") if a]
        if number in merged:  # the graph's name for it; the row's own becomes an alias
            name, aliases = merged[number][0], [name, *aliases]
        tags = [t for t in row.get("企业标签", "").translate(SEPARATORS).split("、") if t]
        if row.get("是否上市") == "是":
            tags.append("上市")
        enterprises.append({
            "企业名称": name, "别名": "、".join(dict.fromkeys(a for a in aliases if a != name)),
            "统一社会信用代码": row.get("统一社会信用代码", ""), "股票代码": row.get("股票代码", ""),
            "所在地区": row.get("省份", "") + row.get("城市", ""),
            "注册资本（亿元）": f"{capital}万元" if _is_number(capital) else capital,
            "企业标签": "、".join(dict.fromkeys(tags)),
            "是否本地企业": "是" if local_city and row.get("城市") == local_city else "否"})
        products = [p for p in row.get("主营产品", "").translate(SEPARATORS).split("、") if p]
        for segment, product in mapping.segments(products, row.get("行业代码", ""), row.get("行业名称", "")).items():
            operates.append({"企业名称": name, "环节名称": segment, "主要产品": product})
            operate_rows.append(number)
    return [Table("企业", file, None, pd.DataFrame(enterprises), tuple(numbers)),
            Table("企业环节", file, None, pd.DataFrame(operates, columns=["企业名称", "环节名称", "主要产品"]),
                  tuple(operate_rows))]


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _reported(problem: Problem) -> Problem:
    return replace(problem, column=REPORTED.get(problem.column, problem.column))


def import_directory(paths: list[Path], store: Store, dataset: str | None = None, mappings: list[Path] = (MAPPING,),
                     skip_bad: bool = False, rejects: Path | None = None, chunk_rows: int = CHUNK_ROWS,
                     local_city: str | None = None, progress: Callable[[int], None] | None = None,
                     dry_run: bool = False, replace: bool = False) -> ImportResult:
    """Import directory and supply files (directories first), mapped to segments by the
    `mappings` tables together (the default one and the user's). See the module's docstring.
    `dry_run`: every check, nothing written (`chainkg validate`). `replace`: afterwards, the
    dataset's facts that these files no longer state are withdrawn (a corrected mapping's
    segment links are exactly the new ones)."""
    started = time.monotonic()
    schema = load_schema()
    table_map = read_mapping(list(mappings), store, schema)
    kinds = {Path(p): file_kind(Path(p)) for p in paths}
    files = sorted(kinds.items(), key=lambda item: item[1] != "directory")  # (path, kind), directories first
    dataset = dataset or files[0][0].stem
    if not dry_run:
        store.apply_schema(schema)
    result, problems, stated = ImportResult(), [], Stated()
    written: Future | None = None  # the previous chunk's write, running while this one is checked
    with (nullcontext() if dry_run else store.exclusive(), _Rejects(rejects if skip_bad else None) as reject_writer,
          nullcontext(store) if dry_run else store.atomic(chunked=True) as unit, ThreadPoolExecutor(1) as writer):
        names = _Names(unit, schema)
        for path, kind in files:
            file = str(path)
            for numbers, frame in _chunks(path, chunk_rows):
                merged = {}
                if kind == "directory":
                    rows = records(frame)
                    merged = names.match_firms(rows, numbers)
                    result.merges += [(file, n, rows[n - numbers[0]]["企业名称"], *merged[n]) for n in sorted(merged)]
                    result.near_misses += [(file, *miss) for miss in names.near_misses(rows, numbers, merged)]

                def check(rows: list[int]) -> Validation:
                    part = frame.iloc[[n - numbers[0] for n in rows]] if len(rows) < len(frame) else frame
                    validation = validate(_tables(kind, part.reset_index(drop=True), rows, file, table_map, local_city,
                                                  merged), schema, names)
                    if kind == "directory":
                        validation.problems += names.repeated(file, part["企业名称"], rows)
                    return validation

                validation = check(numbers)
                bad = {p.row for p in validation.errors}
                if None in bad:  # a problem of the whole file (a missing column): no row to skip
                    raise InvalidDataset([_reported(p) for p in validation.errors])
                if bad and skip_bad:
                    for row in sorted(bad):
                        reject_writer.add(frame.iloc[row - numbers[0]].to_dict(),
                                          [_reported(p) for p in validation.errors if p.row == row])
                    validation = check([n for n in numbers if n not in bad])
                elif bad:
                    problems += [_reported(p) for p in validation.errors]
                if kind == "directory":
                    names.add(file, frame["企业名称"], numbers, bad)
                    mapped = {start for start, _ in validation.relationships.get(OPERATES_IN, {})}
                    result.unmapped += len(set(validation.nodes.get("Enterprise", {})) - mapped)
                if replace:  # every key and pair of the import, kept only when needed
                    stated.add(validation)
                if not problems and not dry_run:  # once a row is bad without skip_bad, the rest is only checked
                    _add(result, written)
                    written = writer.submit(write, unit, validation, schema, dataset, tier="directory")
                result.rows += len(frame)
                result.rejected += len(bad) if skip_bad else 0
                if progress:
                    progress(len(frame))
        _add(result, written)
        if problems:  # leaving the atomic block by an exception: nothing is written
            raise InvalidDataset(problems)
        if replace and not dry_run:
            withdrawn = WriteSummary()
            withdraw(unit, schema, dataset, stated, withdrawn, everything=True)
            for name, counts in {**withdrawn.nodes, **withdrawn.relationships}.items():
                total = result.counts.setdefault(name, Counts())
                total.updated, total.deleted = total.updated + counts.updated, total.deleted + counts.deleted
        if not dry_run:
            count_producers(unit)
    result.seconds = time.monotonic() - started
    return result


def _add(result: ImportResult, written: Future[WriteSummary] | None) -> None:
    """Wait for a chunk's write (its error, if any, is raised here) and add up its counts."""
    if written is None:
        return
    summary = written.result()
    result.conflicts += summary.conflicts
    for name, counts in {**summary.nodes, **summary.relationships}.items():
        total = result.counts.setdefault(name, Counts())
        total.created, total.updated = total.created + counts.created, total.updated + counts.updated
        total.unchanged += counts.unchanged


class _Rejects:
    """The rejects file: one line per bad row with its problems, and the row as it was."""

    def __init__(self, path: Path | None):
        self.path = Path(path) if path else None
        self.file = open(self.path, "w", encoding="utf-8-sig", newline="") if self.path else None
        self.writer = csv.writer(self.file) if self.file else None
        if self.writer:
            self.writer.writerow(["文件", "行号", "列", "原因", "原始内容"])

    def __enter__(self) -> _Rejects:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def add(self, row: dict, problems: list[Problem]) -> None:
        if self.writer:
            first = problems[0]
            self.writer.writerow([first.file, first.row, "、".join(dict.fromkeys(p.column or "" for p in problems)),
                                  "；".join(dict.fromkeys(f"{p.zh} / {p.en}" for p in problems)),
                                  json.dumps(row, ensure_ascii=False)])

    def close(self) -> None:
        if self.file:
            self.file.close()
