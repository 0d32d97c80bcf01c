"""The extraction rules (`rules.yaml`) and the graph's own names, the two dictionaries
extraction reads a document with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

RULES_FILE = Path(__file__).with_name("rules.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatusRule(_Strict):
    status: str
    words: tuple[str, ...]
    planned: str | None = None  # the status when the clause states a plan


class Industry(_Strict):
    chain: tuple[str, ...]
    words: tuple[str, ...]


class Indicator(_Strict):
    metric: str
    words: tuple[str, ...]
    chain: bool = False


class Rules(_Strict):
    statuses: tuple[StatusRule, ...]
    planned_words: tuple[str, ...]
    lead_words: tuple[str, ...]
    attracting_words: tuple[str, ...]
    project_list_end: str
    project_nouns: tuple[str, ...]
    not_chain_words: tuple[str, ...]
    industries: tuple[Industry, ...]
    table_columns: dict[str, str]
    indicators: tuple[Indicator, ...]
    target_words: tuple[str, ...]
    actual_words: tuple[str, ...]
    estimate_words: tuple[str, ...]
    value_notes: tuple[str, ...]
    enterprise_suffixes: tuple[str, ...]
    enterprise_list_end: str
    enterprise_contexts: tuple[str, ...]
    not_enterprise_words: tuple[str, ...]
    park_suffixes: tuple[str, ...]
    not_park_words: tuple[str, ...]
    policy_title_words: tuple[str, ...]
    policy_list_end: str
    fund_suffix: str

    def status_of(self, clause: str, planned: bool) -> tuple[str | None, str | None]:
        """(status, the word that says it) for a clause naming projects."""
        for rule in self.statuses:
            for word in rule.words:
                if word in clause:
                    return (rule.planned if planned and rule.planned else rule.status), word
        return None, None


@cache
def load_rules(path: Path = RULES_FILE) -> Rules:
    with open(path, encoding="utf-8") as f:
        rules = Rules.model_validate(yaml.safe_load(f))
    for pattern in (rules.project_list_end, rules.enterprise_list_end, rules.policy_list_end, *rules.enterprise_contexts,
                    *rules.table_columns.values()):
        re.compile(pattern)  # a broken pattern fails here, naming the file, not mid-extraction
    return rules


@dataclass
class Vocabulary:
    """The graph's names (rows of queries/vocabulary.cypher)."""

    chains: list[str] = field(default_factory=list)
    segments: dict[str, str] = field(default_factory=dict)  # segment -> chain
    enterprises: dict[str, str] = field(default_factory=dict)  # name or alias -> name
    parks: dict[str, str] = field(default_factory=dict)  # name or short name -> name
    regions: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)

    @classmethod
    def from_rows(cls, rows: list[dict]) -> Vocabulary:
        vocabulary = cls()
        for row in rows:
            if row["label"] == "Chain":
                vocabulary.chains.append(row["name"])
            elif row["label"] == "Segment":
                vocabulary.segments[row["name"]] = row["chain"]
            elif row["label"] == "Region":
                vocabulary.regions.append(row["name"])
            elif row["label"] == "Project":
                vocabulary.projects.append(row["name"])
            else:
                names = vocabulary.enterprises if row["label"] == "Enterprise" else vocabulary.parks
                for spelling in [row["name"], *(row["aliases"] or [])]:
                    names.setdefault(spelling, row["name"])
        vocabulary.chains.sort()
        return vocabulary
