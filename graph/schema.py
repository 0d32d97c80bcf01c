"""The graph schema, read from `schema.yaml` (the only place it is declared)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_FILE = Path(__file__).with_name("schema.yaml")

# Labels, types and property names are pasted into schema statements, so they must be
# plain identifiers; this pattern is the guarantee.
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"

PropertyType = Literal["str", "int", "float", "bool", "date", "list"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PropertySpec(_Strict):
    type: PropertyType
    column: str = ""  # the header users write in their tables
    format: Literal["credit_code"] | None = None  # a check beyond the type
    required: bool = False
    enum: tuple[str, ...] | None = None
    description: str = ""


class NodeType(_Strict):
    description: str = ""
    table: str = ""  # the sheet / CSV name users keep
    key: str = Field(pattern=IDENTIFIER)
    properties: dict[str, PropertySpec]
    indexes: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> NodeType:
        _check_identifiers(self.properties)
        unknown = {self.key, *self.indexes} - set(self.properties)
        if unknown:
            raise ValueError(f"key/indexes name undeclared properties: {sorted(unknown)}")
        return self


class RelationshipType(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    description: str = ""
    start: str = Field(alias="from", pattern=IDENTIFIER)
    end: str = Field(alias="to", pattern=IDENTIFIER)
    properties: dict[str, PropertySpec] = {}

    @model_validator(mode="after")
    def _check(self) -> RelationshipType:
        _check_identifiers(self.properties)
        return self


class Schema(_Strict):
    provenance: dict[str, PropertySpec] = {}  # columns any table may carry, kept on every fact
    nodes: dict[str, NodeType]
    relationships: dict[str, RelationshipType]

    @model_validator(mode="after")
    def _check(self) -> Schema:
        _check_identifiers(self.nodes)
        _check_identifiers(self.relationships)
        _check_identifiers(self.provenance)
        for name, rel in self.relationships.items():
            for end in (rel.start, rel.end):
                if end not in self.nodes:
                    raise ValueError(f"relationship {name} names unknown label {end}")
        return self

    def property_keys(self) -> list[str]:
        keys = {p for n in self.nodes.values() for p in n.properties}
        keys |= {p for r in self.relationships.values() for p in r.properties}
        return sorted(keys | set(self.provenance))

    def node_for_table(self, table: str) -> tuple[str, NodeType] | None:
        return next(((label, n) for label, n in self.nodes.items() if n.table == table), None)

    def to_markdown(self) -> str:
        """Schema documentation, generated so it cannot drift from the file."""
        lines = ["## 来源列 / Provenance columns (any table)", ""]
        lines += _property_table(self.provenance)
        lines += ["## 节点 / Nodes", ""]
        for label, node in self.nodes.items():
            lines += [f"### {label}", "", node.description, ""]
            if node.table:
                lines += [f"表 / table: `{node.table}`", ""]
            lines += _property_table(node.properties, key=node.key, indexes=node.indexes)
        lines += ["## 关系 / Relationships", ""]
        for name, rel in self.relationships.items():
            lines += [f"### ({rel.start})-[:{name}]->({rel.end})", "", rel.description, ""]
            if rel.properties:
                lines += _property_table(rel.properties)
        return "\n".join(lines)


def _check_identifiers(names) -> None:
    bad = [n for n in names if not re.match(IDENTIFIER, n)]
    if bad:
        raise ValueError(f"not plain identifiers: {bad}")


def _property_table(props: dict[str, PropertySpec], key: str = "", indexes=()) -> list[str]:
    rows = ["| property | column 列名 | type | required | notes | description |",
            "|---|---|---|---|---|---|"]
    for name, spec in props.items():
        notes = []
        if name == key:
            notes.append("key, unique")
        elif name in indexes:
            notes.append("indexed")
        if spec.enum:
            notes.append("one of " + " / ".join(spec.enum))
        if spec.format:
            notes.append(f"checked as {spec.format}")
        required = "yes" if spec.required or name == key else ""
        rows.append(f"| {name} | {spec.column} | {spec.type} | {required} | {'; '.join(notes)} "
                    f"| {spec.description} |")
    return rows + [""]


@cache
def load_schema(path: Path = SCHEMA_FILE) -> Schema:
    with open(path, encoding="utf-8") as f:
        return Schema.model_validate(yaml.safe_load(f))
