"""Score extraction against hand-made labels (`chainkg extract --eval`): precision and
recall per kind, and how often a matched project's status is right.

Each document is scored alone against `<its file name>.yaml` in the labels folder
(tests/fixtures/extraction_gold/README.md says what is labelled). Projects, enterprises,
parks and policies are counted once per document, as the review workbook lists them;
targets and actuals once per statement (paragraph, metric, value, subject)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from extraction.documents import read_document
from extraction.extract import QUOTES, Finding, Reader, merge, project_key
from extraction.rules import Rules, Vocabulary
from graph.errors import InvalidData

KINDS = {"projects": "项目", "targets": "指标", "actuals": "指标完成", "enterprises": "企业", "parks": "园区",
         "policies": "政策与基金"}
TABLES = {"projects": "项目", "enterprises": "企业", "parks": "园区", "policies": "政策"}


@dataclass
class Score:
    found: int = 0
    right: int = 0
    labelled: int = 0
    wrong: list[str] = field(default_factory=list)  # found, not labelled
    missed: list[str] = field(default_factory=list)  # labelled, not found

    @property
    def precision(self) -> float | None:
        return self.right / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.right / self.labelled if self.labelled else None


@dataclass
class Report:
    scores: dict[str, Score] = field(default_factory=lambda: {kind: Score() for kind in KINDS})
    statuses_right: int = 0
    statuses_compared: int = 0
    status_errors: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    @property
    def status_accuracy(self) -> float | None:
        return self.statuses_right / self.statuses_compared if self.statuses_compared else None

    def to_dict(self) -> dict:
        return {"documents": self.documents,
                "kinds": {kind: {"precision": s.precision, "recall": s.recall, "found": s.found, "right": s.right,
                                 "labelled": s.labelled, "wrong": s.wrong, "missed": s.missed}
                          for kind, s in self.scores.items()},
                "status_accuracy": self.status_accuracy, "statuses_compared": self.statuses_compared,
                "status_errors": self.status_errors}


class MissingLabels(InvalidData):
    pass


def evaluate(labels: Path, paths: list[Path], rules: Rules, vocabulary: Vocabulary) -> Report:
    report = Report()
    reader = Reader(rules, vocabulary)
    for path in paths:
        gold_file = Path(labels) / (Path(path).stem + ".yaml")
        if not gold_file.exists():
            raise MissingLabels(f"{gold_file}：没有此文件的标注 / no labels for {Path(path).name}")
        gold = yaml.safe_load(gold_file.read_text(encoding="utf-8")) or {}
        document = read_document(path)
        report.documents.append(document.file)
        raw = reader.read_document(document)
        entities = merge(raw)
        _projects(report, [f for f in entities if f.table == "项目"], gold.get("projects") or [], document.file)
        for kind in ("enterprises", "parks", "policies"):
            _names(report.scores[kind], [f for f in entities if f.table == TABLES[kind]], gold.get(kind) or [],
                   document.file)
        for kind, table in (("targets", "指标"), ("actuals", "指标完成")):
            _figures(report.scores[kind], [f for f in raw if f.table == table and f.figure is not None],
                     gold.get(kind) or [], document.file)
    return report


def _projects(report: Report, found: list[Finding], gold: list[dict], file: str) -> None:
    score = report.scores["projects"]
    score.found += len(found)
    score.labelled += len(gold)
    keys = [{project_key(m) for m in item["mentions"]} for item in gold]
    matched: set[int] = set()
    for finding in found:
        spelled = {project_key(s) for s in finding.spellings}
        hit = next((i for i, k in enumerate(keys) if i not in matched and k & spelled), None)
        if hit is None:
            score.wrong.append(f"{file} 第{finding.quotes[0].paragraph}段 {finding.name}")
            continue
        matched.add(hit)
        score.right += 1
        if status := gold[hit].get("status"):
            report.statuses_compared += 1
            if finding.fields.get("项目状态") == status:
                report.statuses_right += 1
            else:
                report.status_errors.append(f"{file} {finding.name}：{finding.fields.get('项目状态') or '无'}，"
                                            f"应为 {status}")
    score.missed += [f"{file} 第{g['paragraph']}段 {g['mentions'][0]}" for i, g in enumerate(gold) if i not in matched]


def _names(score: Score, found: list[Finding], gold: list[str], file: str) -> None:
    score.found += len(found)
    score.labelled += len(gold)
    spellings = [{s.translate(QUOTES) for s in str(item).split("|")} for item in gold]
    matched: set[int] = set()
    for finding in found:
        spelled = {s.translate(QUOTES) for s in finding.spellings}
        hit = next((i for i, s in enumerate(spellings) if i not in matched and s & spelled), None)
        if hit is None:
            score.wrong.append(f"{file} {finding.name}")
        else:
            matched.add(hit)
            score.right += 1
    score.missed += [f"{file} {g}" for i, g in enumerate(gold) if i not in matched]


def _value(text: str) -> str:
    return str(text).replace("％", "%").removesuffix("以上").removesuffix("左右").removesuffix("以内")


def _figures(score: Score, found: list[Finding], gold: list[dict], file: str) -> None:
    score.found += len(found)
    score.labelled += len(gold)
    keys = [(g["paragraph"], g["metric"], _value(g["value"]), g.get("subject")) for g in gold]
    matched: set[int] = set()
    for finding in found:
        key = (finding.quotes[0].paragraph, _metric(finding), _value(finding.figure), finding.subject)
        hit = next((i for i, k in enumerate(keys) if i not in matched and k == key), None)
        if hit is None:
            score.wrong.append(f"{file} 第{key[0]}段 {key[1]} {key[2]} {key[3] or ''}".rstrip())
        else:
            matched.add(hit)
            score.right += 1
    score.missed += [f"{file} 第{k[0]}段 {k[1]} {k[2]} {k[3] or ''}".rstrip() for i, k in enumerate(keys)
                     if i not in matched]


def _metric(finding: Finding) -> str:
    return finding.fields.get("指标") or finding.implies.fields["指标"]
