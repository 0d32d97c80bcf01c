"""Validate a whole dataset against the schema before anything is written.

Every problem names file, sheet, row and column, in Chinese with an English gloss.
Errors block the load; warnings (an unknown table or column) do not. The result holds
the typed nodes and relationships the writer needs, with their provenance.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import mul
from pathlib import Path
from typing import NamedTuple, Protocol

from stdnum.cn import uscc

from graph.schema import PropertySpec, Schema
from loaders.read import Table, records
from loaders.units import UnitError, parse_quantity

TRUE_WORDS = {"是", "true", "yes", "y", "1", "√"}
FALSE_WORDS = {"否", "false", "no", "n", "0", "×"}
LIST_SEPARATORS = re.compile(r"[、,，;；|]")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Keys and indexed properties (names, codes) are looked up through the engines' indexes,
# which cannot hold long values: FalkorDB's server crashes on a unique value over 4 KB.
NAME_MAX = 200
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_VALUES = {c: i for i, c in enumerate(CREDIT_CODE_ALPHABET)}
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE = re.compile(r"[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}")
README_SHEET = "说明"  # the template's explanation sheet, never data
SOURCE_LABEL = "Source"
CITED_IN = "CITED_IN"
ALIASED_LABEL, ALIASES = "Enterprise", "aliases"

RelKey = tuple[str, str, str]  # (type, start label, end label)


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
    nodes: dict[str, dict[str, dict]] = field(default_factory=dict)  # label -> key -> properties
    relationships: dict[RelKey, dict[tuple[str, str], dict]] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)  # table -> data rows
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


class GraphNames(Protocol):
    """What is already in the graph, so that files may refer to it."""

    def existing(self, label: str, keys: set[str]) -> set[str]: ...
    def aliases(self) -> dict[str, str]: ...  # enterprise alias -> name


class CellError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


# -- cells ------------------------------------------------------------------------

def parse_cell(spec: PropertySpec, text: str):
    """The typed value of one cell, None when empty; raises CellError when it does not fit."""
    if text == "":
        return None
    if CONTROL_CHARS.search(text):
        raise CellError("含有不可见的控制字符", "contains control characters")
    if spec.type == "quantity":
        try:
            return parse_quantity(text, spec.unit)
        except UnitError as e:
            raise CellError(e.zh, e.en) from None
    value = _TYPES[spec.type](text)
    if spec.enum and value not in spec.enum:
        raise CellError(f"「{text}」不在可选值 {'、'.join(spec.enum)} 中",
                        f"{text!r} is not one of {', '.join(spec.enum)}")
    if spec.format == "credit_code" and not valid_credit_code(value):
        raise CellError(f"统一社会信用代码「{text}」无效（长度、字符或校验位错误）",
                        f"invalid unified social credit code {text!r} (length, characters or check character)")
    return value


def valid_credit_code(text: str) -> bool:
    """GB 32100. The canonical form (18 upper-case characters, as directories print it) is
    checked here, about 20 times faster than python-stdnum, which checks the rest (spaces,
    lower case) and is the reference the tests compare with."""
    if not CREDIT_CODE.fullmatch(text):
        return uscc.is_valid(text)
    total = sum(map(mul, map(CREDIT_CODE_VALUES.__getitem__, text[:17]), CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_ALPHABET[-total % 31] == text[17]


def stored(name: str, spec: PropertySpec, value) -> dict:
    """The graph properties one parsed cell becomes (see PropertySpec.stored_keys)."""
    if spec.type != "quantity":
        return {name: value}
    keys = spec.stored_keys(name)
    if value is None:
        return dict.fromkeys(keys)
    parts = {name: value.value, f"{name}_unit": value.unit, f"{name}_text": value.text}
    return {k: parts[k] for k in keys}


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


def split_list(text: str) -> list[str]:
    return [item.strip() for item in LIST_SEPARATORS.split(text) if item.strip()]


_TYPES = {
    "str": lambda text: text,
    "int": lambda text: _number(text, int),
    "float": lambda text: _number(text, float),
    "bool": _bool,
    "date": _date,
    "list": split_list,
}


# -- the dataset ------------------------------------------------------------------

# Named tuples, not dataclasses: a directory import makes about five per row, and a
# tuple is made several times faster (compared by identity only: a Table holds a frame).
class _Where(NamedTuple):
    table: Table
    row: int
    column: str | None = None


class _Ref(NamedTuple):
    """A name in a cell that must resolve to a node of `label`."""

    label: str
    name: str
    where: _Where


class _Edge(NamedTuple):
    rel_key: RelKey
    start: _Ref | str  # a reference to resolve, or the key of the row's own node
    end: _Ref | str
    props: dict
    where: _Where
    from_table: bool  # a relationship table's row (duplicates are errors) or a link cell


class _Checker:
    def __init__(self, schema: Schema, graph: GraphNames | None):
        self.schema, self.graph = schema, graph
        self.result = Validation()
        self.first_seen: dict[tuple[str, str], _Where] = {}  # (label, key) -> first row
        self.refs: list[_Ref] = []
        self.edges: list[_Edge] = []
        self.citations: list[tuple[str, str, str, dict]] = []  # (label, key, source, props)
        self.file_sources: dict[str, Table] = {}

    def problem(self, level: str, where: _Where, zh: str, en: str) -> None:
        t = where.table
        self.result.problems.append(Problem(level, t.file, t.sheet, where.row, where.column, zh, en))

    # Reading rows: one code path for node tables and relationship tables.
    def rows(self, table: Table, specs: dict[str, PropertySpec], required: list[str], ref_columns: set[str],
             names: frozenset[str] = frozenset()) -> Iterator[tuple[_Where, dict, dict[str, str], bool]]:
        """Yield (where, typed values by property, raw text by reference column, whether the
        row is free of errors) for every row, so that a bad row's keys and references are
        still checked and every problem is listed in one pass. `names`: the columns of
        indexed properties, at most NAME_MAX characters."""
        by_column = {spec.column: (prop, spec) for prop, spec in specs.items() if spec.column}
        review = {spec.column for spec in self.schema.review.values()}
        accepted = self.schema.review["accepted"] if "accepted" in self.schema.review else None
        for column in table.frame.columns:
            if column not in by_column and column not in ref_columns and column not in review:
                self.problem("warning", _Where(table, None, column), "未知的列，已忽略", "unknown column, ignored")
        missing = [c for c in required if c not in table.frame.columns]
        for column in missing:
            self.problem("error", _Where(table, None, column), "缺少必填列", "required column is missing")
        if missing:
            return
        for index, cells in enumerate(records(table.frame)):
            row = table.row_number(index)
            if not any(cells.values()):
                continue  # blank lines between blocks are common in hand-kept sheets
            if accepted is not None and cells.get(accepted.column):
                try:
                    if not parse_cell(accepted, cells[accepted.column]):
                        continue  # rejected in review
                except CellError as e:
                    self.problem("error", _Where(table, row, accepted.column), e.zh, e.en)
                    continue
            self.result.rows_read[table.name] = self.result.rows_read.get(table.name, 0) + 1
            values, refs, ok = {}, {}, True
            for column, text in cells.items():  # a cell's _Where is made only for a problem: most have none
                if column in ref_columns:
                    if CONTROL_CHARS.search(text):
                        self.problem("error", _Where(table, row, column), "含有不可见的控制字符",
                                     "contains control characters")
                        ok = False
                    refs[column] = text
                if column not in by_column:
                    continue
                prop, spec = by_column[column]
                try:
                    values[prop] = parse_cell(spec, text)
                except CellError as e:
                    self.problem("error", _Where(table, row, column), e.zh, e.en)
                    ok = False
                    continue
                if column in names and values[prop] is not None and len(str(values[prop])) > NAME_MAX:
                    self.problem("error", _Where(table, row, column), f"过长：超过 {NAME_MAX} 个字符",
                                 f"longer than {NAME_MAX} characters")
                    ok = False
                if values[prop] is None and column in required:
                    self.problem("error", _Where(table, row, column), "必填项为空", "required value is empty")
                    ok = False
            for column in required:
                if column in ref_columns and not refs.get(column):
                    self.problem("error", _Where(table, row, column), "必填项为空", "required value is empty")
                    ok = False
            yield _Where(table, row), values, refs, ok

    def provenance(self, where: _Where, values: dict) -> tuple[list[str], dict]:
        """The sources a row cites and the provenance properties its facts carry. Source ids
        join the references `resolve` checks; a row without one cites its own file."""
        props = {"quote": values.pop("quote", None), "illustrative": bool(values.pop("illustrative", None))}
        sources = values.pop("source", None)
        if sources is None:  # the row locates the fact in the file
            sources = [where.table.source_name]
            self.file_sources[sources[0]] = where.table
            props["source_row"] = where.row
        else:
            props["source_row"] = None
            column = self.schema.provenance["source"].column
            self.refs += [_Ref(SOURCE_LABEL, s, _Where(where.table, where.row, column)) for s in sources]
        props["source"] = sources
        return sources, props

    def node_table(self, table: Table, label: str) -> None:
        node = self.schema.nodes[label]
        cited = label != SOURCE_LABEL
        specs = {**node.properties, **(self.schema.user_provenance() if cited else {})}
        required = [spec.column for prop, spec in node.properties.items() if spec.required or prop == node.key]
        required += [link.column for link in node.links.values() if link.required]
        ref_columns = {link.column for link in node.links.values()}
        given = [(prop, spec) for prop, spec in node.properties.items() if spec.column in table.frame.columns]
        names = frozenset(node.properties[prop].column for prop in (node.key, *node.indexes))
        for where, values, refs, ok in self.rows(table, specs, required, ref_columns, names):
            sources, prov = self.provenance(where, values) if cited else ([], {})
            links = [(rel_type, link, _Ref(link.other, name, _Where(table, where.row, link.column)))
                     for rel_type, link in node.links.items()
                     for name in (split_list if link.list else lambda text: [text])(refs.get(link.column, ""))
                     if name]
            self.refs += [ref for _, _, ref in links]  # checked even when the row is bad
            key = values.get(node.key)
            if key is not None:
                ok &= self.claim_key(label, key, _Where(table, where.row, node.properties[node.key].column))
            if not ok:
                continue
            props = {}
            for prop, spec in given:
                props |= stored(prop, spec, values.get(prop))
            self.result.nodes.setdefault(label, {})[key] = props
            if not cited:
                continue
            props["illustrative"] = prov["illustrative"]
            self.citations += [(label, key, source, {"quote": prov["quote"], "source_row": prov["source_row"]})
                               for source in sources]
            for rel_type, link, ref in links:
                start, end = (key, ref) if link.to else (ref, key)
                rel_key = (rel_type, label, link.to) if link.to else (rel_type, link.from_, label)
                self.edges.append(_Edge(rel_key, start, end, prov, where, from_table=False))

    def relationship_table(self, table: Table, rel_type: str) -> None:
        rel = self.schema.relationships[rel_type]
        specs = {**rel.properties, **self.schema.user_provenance()}
        columns = (rel.from_column, rel.to_column)
        given = [(prop, spec) for prop, spec in rel.properties.items() if spec.column in table.frame.columns]
        for where, values, refs, ok in self.rows(table, specs, list(columns), set(columns)):
            props = dict(self.provenance(where, values)[1])
            for prop, spec in given:
                props |= stored(prop, spec, values.get(prop))
            ends = [_Ref(label, refs[column], _Where(table, where.row, column))
                    for label, column in ((rel.start[0], rel.from_column), (rel.end[0], rel.to_column))]
            self.refs += [end for end in ends if end.name]
            if ok:
                self.edges.append(_Edge((rel_type, rel.start[0], rel.end[0]), *ends, props, where, from_table=True))

    def claim_key(self, label: str, key: str, where: _Where) -> bool:
        first = self.first_seen.setdefault((label, key), where)
        if first is where:
            return True
        place = first.table.source_name
        self.problem("error", where, f"「{key}」重复（首次出现在 {place} 第{first.row}行）",
                     f"duplicate {key!r} (first in {place} row {first.row})")
        return False

    # Resolving: after every table is read, so tables may refer to each other in any order.
    def resolve(self) -> None:
        aliases = self.alias_map()
        for (label, key), where in self.first_seen.items():
            if label == ALIASED_LABEL and aliases.get(key, key) != key:
                self.problem("error", where, f"「{key}」已是企业「{aliases[key]}」的别名，同一企业请只填一行",
                             f"{key!r} is an alias of {aliases[key]!r}: one row per enterprise")
        wanted: dict[str, set[str]] = {}
        for ref in self.refs:
            wanted.setdefault(ref.label, set()).add(self.canonical(ref, aliases))
        found = {label: {k for (lbl, k) in self.first_seen if lbl == label} for label in wanted}
        found[SOURCE_LABEL] = found.get(SOURCE_LABEL, set()) | set(self.file_sources)
        if self.graph is not None:
            for label, names in wanted.items():
                if names - found[label]:
                    found[label] |= self.graph.existing(label, names - found[label])
        for ref in self.refs:
            if self.canonical(ref, aliases) not in found[ref.label]:
                table = self.schema.nodes[ref.label].table
                self.problem("error", ref.where, f"「{ref.name}」不在“{table}”表中，也不在图中",
                             f"unknown {ref.label} {ref.name!r}: not in table {table} nor in the graph")
        self.build(aliases)

    def alias_map(self) -> dict[str, str]:
        aliases = dict(self.graph.aliases()) if self.graph is not None else {}
        for name, props in self.result.nodes.get(ALIASED_LABEL, {}).items():
            for alias in props.get(ALIASES) or []:
                if aliases.get(alias, name) != name:
                    where = self.first_seen[(ALIASED_LABEL, name)]
                    column = self.schema.nodes[ALIASED_LABEL].properties[ALIASES].column
                    self.problem("error", _Where(where.table, where.row, column),
                                 f"别名「{alias}」已属于企业「{aliases[alias]}」",
                                 f"alias {alias!r} already belongs to {aliases[alias]!r}")
                elif alias != name:
                    aliases[alias] = name
        return aliases

    @staticmethod
    def canonical(ref: _Ref, aliases: dict[str, str]) -> str:
        return aliases.get(ref.name, ref.name) if ref.label == ALIASED_LABEL else ref.name

    def build(self, aliases: dict[str, str]) -> None:
        nodes, rels = self.result.nodes, self.result.relationships
        for name, table in self.file_sources.items():
            nodes.setdefault(SOURCE_LABEL, {}).setdefault(
                name, {"id": name, "title": Path(table.file).name, "locator": name})
        for label, key, source, props in self.citations:
            rels.setdefault((CITED_IN, label, SOURCE_LABEL), {})[(key, source)] = props
        for edge in self.edges:
            pair = tuple(end if isinstance(end, str) else self.canonical(end, aliases)
                         for end in (edge.start, edge.end))
            bucket = rels.setdefault(edge.rel_key, {})
            if pair in bucket and edge.from_table:
                self.problem("error", edge.where, f"关系「{pair[0]} → {pair[1]}」重复",
                             f"duplicate relationship {pair[0]!r} -> {pair[1]!r}")
            bucket[pair] = edge.props


def validate(tables: list[Table], schema: Schema, graph: GraphNames | None = None) -> Validation:
    """Check every table, then every reference between them (and to `graph` when given)."""
    checker = _Checker(schema, graph)
    for table in tables:
        if table.name == README_SHEET and table.sheet:
            continue
        if found := schema.node_for_table(table.name):
            checker.node_table(table, found[0])
        elif found := schema.relationship_for_table(table.name):
            checker.relationship_table(table, found[0])
        else:
            known = "、".join(schema.tables())
            checker.problem("warning", _Where(table, None), f"未知的表「{table.name}」，已忽略（可用的表：{known}）",
                            f"unknown table {table.name!r}, ignored")
    checker.resolve()
    return checker.result
