"""The review workbook: extracted rows in the input template's layout, each with its
quotes, the words that triggered it, a confidence and how it compares with the graph.
`chainkg load` reads it like any dataset (rows marked 采纳=否 are left out)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from extraction.documents import Document, read_document
from extraction.extract import QUOTES, Finding, Reader, merge
from extraction.rules import Rules, Vocabulary, load_rules
from graph import Store
from graph.schema import Schema, load_schema
from loaders.units import UnitError, parse_quantity
from loaders.validate import README_SHEET
from queries import read
from queries.export import fit_widths
from rendering import safe

NEW, SAME, UPDATE = "新增", "与现有一致", "更新现有"
MATCH_KINDS = (NEW, SAME, UPDATE)
LABELS = {"项目": "Project", "指标": "Target", "指标完成": "Actual", "企业": "Enterprise", "园区": "Park", "政策": "Policy"}
# Which extracted column is compared with which stored field (queries/existing.cypher).
COMPARED = {"项目状态": "status", "建设规模": "capacity", "项目类型": "kind", "所属产业链": "chains",
            "目标值": "value", "实际值": "value", "年度": "period", "统计期间": "period", "同比增长（%）": "growth",
            "类型": "kind", "规模（亿元）": "value"}
SOURCE_TABLE = "来源"


@dataclass
class Extraction:
    documents: list[Document]
    findings: list[Finding]
    tables: dict[str, list[dict]]  # table -> rows: the template's columns, then the review columns

    def counts(self) -> dict[str, dict[str, int]]:
        """Per table, how many rows are new, the same as the graph, or updates."""
        column = load_schema().review["match"].column
        counts: dict[str, dict[str, int]] = {}
        for table, rows in self.tables.items():
            for row in rows if table != SOURCE_TABLE else []:
                kind = str(row.get(column, "")).split("：")[0] or NEW
                counts.setdefault(table, {}).setdefault(kind, 0)
                counts[table][kind] += 1
        return counts


def extract(paths: list[Path], store: Store | None, names: list[str] | None = None,
            rules: Rules | None = None, vocabulary: Vocabulary | None = None) -> Extraction:
    """Read every document (`names`: the file names to cite, for uploaded copies) and compare
    what it states with the graph (`vocabulary`: its names, when already read)."""
    documents = [read_document(p, n) for p, n in zip(paths, names or [None] * len(paths))]
    if vocabulary is None:
        vocabulary = Vocabulary.from_rows(read(store, "vocabulary")) if store is not None else Vocabulary()
    findings = Reader(rules or load_rules(), vocabulary).read(documents)
    hint_similar_projects(findings, vocabulary.projects)
    if store is not None:
        adopt_graph_names(findings, read(store, "targets_stated"), read(store, "actuals_stated"))
    implied = {f.implies.name: f.implies for f in findings if f.implies is not None}
    stored = existing(store, findings + list(implied.values()))
    findings += missing_targets(findings, implied, stored)
    tables = review_rows(findings, documents, load_schema(), stored)
    return Extraction(documents, findings, tables)


def hint_similar_projects(findings: list[Finding], known: list[str]) -> None:
    """A new project whose name, figures and 项目 set aside, is a graph project's may be that
    project under another spelling ("**万吨铜材深加工" and "铜材深加工项目"): said in 抽取说明,
    for the reviewer to decide."""
    cores = {}
    for name in known:
        cores.setdefault(core(name), []).append(name)
    for finding in [f for f in findings if f.table == "项目" and f.name not in known]:
        own = core(finding.name)
        similar = [n for c, names in cores.items() for n in names if len(c) >= 4 and (c in own or own in c)]
        if similar:
            finding.notes.append(f"可能即图中的「{'」「'.join(similar[:3])}」，请核对是否同一项目")


def core(name: str) -> str:
    """A project name without its figures, redactions, quotes and 项目 / 一期."""
    name = re.sub(r"[\d.*]+\s*(?:万|千|亿)?(?:吨/年|Kt/a|GWh|MWh|MW|GW|千瓦|吨|Ah|只|支|头|件|平方米|套)?", "", name)
    return re.sub(r"(项目|工程|一期)$", "", name.translate(QUOTES))


def adopt_graph_names(findings: list[Finding], targets: list[dict], actuals: list[dict]) -> None:
    """Figures the graph holds under its own names keep them: a target of the same metric,
    period and chain (or metric and period, when only one target has them), and an actual
    of the same target and period. Actuals follow their target's new name."""
    by_chain: dict[tuple, list[str]] = {}
    by_period: dict[tuple, list[str]] = {}
    for row in targets:
        by_chain.setdefault((row["metric"], row["period"], tuple(row["chains"])), []).append(row["name"])
        by_period.setdefault((row["metric"], row["period"]), []).append(row["name"])
    renamed: dict[str, str] = {}
    known = {row["name"] for row in targets}
    for target in [f for f in findings if f.table == "指标"] + [f.implies for f in findings if f.implies]:
        fields = target.fields
        chain = (fields["所属产业链"],) if fields.get("所属产业链") else ()
        same = by_chain.get((fields["指标"], fields["年度"], chain)) or (
            [] if chain else by_period.get((fields["指标"], fields["年度"]), []))
        if target.name not in known and len(same) == 1:
            renamed[target.name] = same[0]
    stated_actuals: dict[tuple, list[str]] = {}
    for row in actuals:
        stated_actuals.setdefault((row["target"], row["period"]), []).append(row["name"])
    for finding in findings:
        for target in [finding] if finding.table == "指标" else [finding.implies] if finding.implies else []:
            _rename(target, renamed.get(target.name), "指标名称")
        if finding.table == "指标完成":
            finding.fields["指标名称"] = renamed.get(finding.fields["指标名称"], finding.fields["指标名称"])
            same = stated_actuals.get((finding.fields["指标名称"], finding.fields["统计期间"]), [])
            _rename(finding, same[0] if len(same) == 1 else None, "完成情况名称")
    findings[:] = merge(findings)


def _rename(finding: Finding, name: str | None, column: str) -> None:
    if name and name != finding.name:
        finding.notes.append(f"图中已有，名为「{name}」（文件中读作「{finding.name}」）")
        finding.spellings.append(finding.name)
        finding.name = finding.fields[column] = name


def missing_targets(findings: list[Finding], implied: dict[str, Finding],
                    stored: dict[tuple[str, str], dict]) -> list[Finding]:
    """An actual measures a target: one that neither the documents nor the graph state is
    added, its value unknown."""
    stated = {f.name for f in findings if f.table == "指标"}
    return [target for name, target in implied.items() if name not in stated and ("Target", name) not in stored]


def existing(store: Store | None, findings: list[Finding]) -> dict[tuple[str, str], dict]:
    if store is None:
        return {}
    rows = read(store, "existing", {"names": sorted({f.name for f in findings})})
    return {(row["label"], row["name"]): row for row in rows}


def review_rows(findings: list[Finding], documents: list[Document], schema: Schema,
                stored: dict[tuple[str, str], dict]) -> dict[str, list[dict]]:
    review = {name: spec.column for name, spec in schema.review.items()}
    ids = source_ids(documents, findings)
    tables: dict[str, list[dict]] = {}
    for finding in sorted(findings, key=lambda f: (min(q.rank for q in f.quotes), f.name)):
        quotes = sorted(finding.quotes, key=lambda q: q.rank)
        row = {c.header: finding.fields.get(c.header, "") for c in schema.columns(finding.table)}
        row["来源编号"] = "、".join(dict.fromkeys(ids[(q.document.file, q.paragraph)] for q in quotes))
        row["原文摘录"] = "……".join(dict.fromkeys(q.text for q in quotes))
        row[review["accepted"]] = "是"
        row[review["match"]] = match(finding, stored.get((LABELS[finding.table], finding.name)))
        row[review["confidence"]] = round(finding.confidence, 2)
        row[review["triggers"]] = "；".join(f"{column}：{word}" for column, word in finding.triggers.items())
        also = [s for s in finding.spellings if s != finding.name]
        notes = finding.notes + ([f"也写作：{'、'.join(also)}"] if also else []) + \
            ([f"合并了 {len(quotes)} 处提及"] if len(quotes) > 1 else [])
        row[review["notes"]] = "；".join(notes)
        row[review["where"]] = "、".join(dict.fromkeys(q.document.locator(q.paragraph) for q in quotes))
        tables.setdefault(finding.table, []).append(row)
    by_file = {d.file: d for d in documents}
    tables[SOURCE_TABLE] = [{"来源编号": source_id, "文件名称": by_file[file].title, "文件日期": by_file[file].date or "",
                             "文件位置": by_file[file].locator(paragraph)}
                            for (file, paragraph), source_id in sorted(ids.items())]
    return tables


def source_ids(documents: list[Document], findings: list[Finding]) -> dict[tuple[str, int], str]:
    """One 来源 per cited paragraph: "<title>#<paragraph>"; two documents of one title keep
    their file names apart."""
    titles = [d.title for d in documents]
    ids = {}
    for finding in findings:
        for quote in finding.quotes:
            document = quote.document
            head = document.title if titles.count(document.title) == 1 else f"{document.title}（{Path(document.file).stem}）"
            ids[(document.file, quote.paragraph)] = f"{head}#{quote.paragraph}"
    return ids


def match(finding: Finding, stored: dict | None) -> str:
    """新增; 与现有一致; or 更新现有 with each field that differs, the graph's value beside the document's."""
    if stored is None:
        return NEW
    differ = []
    for column, field_name in COMPARED.items():
        ours = finding.fields.get(column)
        if not ours or field_name not in stored:
            continue
        theirs = stored[field_name]
        if isinstance(theirs, list):
            same = ours in theirs
            shown = "、".join(theirs) or "空"
        else:
            same = str(theirs if theirs is not None else "") == ours or _same_number(ours, theirs)
            shown = "空" if theirs is None else f"{theirs:g}" if isinstance(theirs, float) else str(theirs)
        if not same:
            differ.append(f"{column}（图中：{shown} → 文件：{ours}）")
    return f"{UPDATE}：" + "；".join(differ) if differ else SAME


def _same_number(ours: str, theirs) -> bool:
    """"10亿元" in a fund's 规模（亿元） is the 10 the graph holds; "21.5" is 21.5."""
    if not isinstance(theirs, (int, float)):
        return False
    try:
        return parse_quantity(ours, "亿元").value == theirs
    except UnitError:
        return False


def write_review(tables: dict[str, list[dict]], path: Path, documents: list[str], schema: Schema | None = None) -> Path:
    """One sheet per table in the template's order, 来源 included, and a 说明 sheet."""
    schema = schema or load_schema()
    book = Workbook()
    readme = book.active
    readme.title = README_SHEET
    readme.append(["列 / column", "说明 / description"])
    for spec in schema.review.values():
        readme.append([spec.column, spec.description])
    readme.append(["文件 / documents", "、".join(documents)])
    fit_widths(readme)
    for table in [t for t in schema.tables() if tables.get(t)]:
        rows = tables[table]
        sheet = book.create_sheet(table)
        headers = list(rows[0])
        sheet.append(headers)
        for row in rows:
            sheet.append([row[h] for h in headers])
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                safe.xlsx_cell(cell)
                cell.alignment = Alignment(vertical="top", wrap_text=len(str(cell.value or "")) > 40)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        fit_widths(sheet)
        sheet.freeze_panes = "B2"
    book.save(path)
    return Path(path)
