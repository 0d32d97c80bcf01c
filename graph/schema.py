"""The graph schema, read from `schema.yaml` (the only place it is declared)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_FILE = Path(__file__).with_name("schema.yaml")

# Labels, types and property names are pasted into schema statements, so they must be
# plain identifiers; this pattern is the guarantee.
IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"

PropertyType = Literal["str", "int", "float", "bool", "date", "list", "quantity"]
ANY_UNIT = "any"  # a quantity whose cells carry their own unit (capacity: 8GWh, 50万吨 ...)


@dataclass(frozen=True)
class Column:
    """One column of a table users keep, as the template and the docs present it."""

    header: str
    required: bool
    type: str  # a property type, or "名称" for a column naming another node
    unit: str | None
    enum: tuple[str, ...] | None
    refers_to: str | None  # the label a reference column names
    several: bool
    example: str
    description: str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PropertySpec(_Strict):
    type: PropertyType
    column: str = ""  # the header users write in their tables; "" for properties the loader sets
    format: Literal["credit_code"] | None = None  # a check beyond the type
    unit: str | None = None  # quantities: the canonical unit, or "any"
    required: bool = False
    enum: tuple[str, ...] | None = None
    example: str = ""  # the template's example cell
    description: str = ""

    @model_validator(mode="after")
    def _check(self) -> PropertySpec:
        if (self.type == "quantity") != (self.unit is not None):
            raise ValueError("quantities, and only quantities, declare a unit")
        return self

    def stored_keys(self, name: str) -> list[str]:
        """The graph properties one column becomes: a quantity keeps its unit and text too."""
        if self.type != "quantity":
            return [name]
        return [name, *([f"{name}_unit"] if self.unit == ANY_UNIT else []), f"{name}_text"]


class Link(_Strict):
    """A relationship written from a reference column of a node table."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    column: str
    to: str | None = Field(None, pattern=IDENTIFIER)  # the row's node is the start
    from_: str | None = Field(None, alias="from", pattern=IDENTIFIER)  # the row's node is the end
    list: bool = False
    required: bool = False
    example: str = ""
    description: str = ""

    @model_validator(mode="after")
    def _check(self) -> Link:
        if (self.to is None) == (self.from_ is None):
            raise ValueError("a link names exactly one of `to` and `from`")
        return self

    @property
    def other(self) -> str:
        """The label of the node the column names."""
        return self.to or self.from_


class NodeType(_Strict):
    description: str = ""
    table: str = ""  # the sheet / CSV name users keep
    key: str = Field(pattern=IDENTIFIER)
    properties: dict[str, PropertySpec]
    indexes: tuple[str, ...] = ()
    links: dict[str, Link] = {}  # relationship type -> the column that names the other end

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
    start: tuple[str, ...] = Field(alias="from")  # the labels it may start from
    end: tuple[str, ...] = Field(alias="to")
    table: str = ""  # kept in a table of its own ...
    from_column: str = ""  # ... whose rows name the start
    to_column: str = ""  # ... and the end
    examples: tuple[str, str] = ("", "")  # the template's example start and end
    properties: dict[str, PropertySpec] = {}

    @field_validator("start", "end", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check(self) -> RelationshipType:
        _check_identifiers(self.properties)
        _check_identifiers(self.start + self.end)
        if self.table and not (self.from_column and self.to_column and len(self.start) == len(self.end) == 1):
            raise ValueError("a relationship table names from_column and to_column, and one label each end")
        return self


class Schema(_Strict):
    tiers: dict[str, str] = {"curated": "curated tables"}  # kinds of dataset, the most trusted first
    provenance: dict[str, PropertySpec] = {}  # columns any table may carry, kept on every fact
    review: dict[str, PropertySpec] = {}  # columns of review workbooks (documents in), never stored
    nodes: dict[str, NodeType]
    relationships: dict[str, RelationshipType]

    @model_validator(mode="after")
    def _check(self) -> Schema:
        _check_identifiers(self.nodes)
        _check_identifiers(self.relationships)
        _check_identifiers(self.provenance)
        for name, rel in self.relationships.items():
            for end in rel.start + rel.end:
                if end not in self.nodes:
                    raise ValueError(f"relationship {name} names unknown label {end}")
        for label, node in self.nodes.items():
            for rel_type, link in node.links.items():
                start, end = (label, link.to) if link.to else (link.from_, label)
                rel = self.relationships.get(rel_type)
                if rel is None or start not in rel.start or end not in rel.end:
                    raise ValueError(f"{label} links ({start})-[:{rel_type}]->({end}), "
                                     "which the relationships section does not declare")
        tables = [t.table for t in (*self.nodes.values(), *self.relationships.values()) if t.table]
        if len(tables) != len(set(tables)):
            raise ValueError("two types share a table name")
        return self

    def property_keys(self) -> list[str]:
        specs = [*self.provenance.items()]
        specs += [item for n in self.nodes.values() for item in n.properties.items()]
        specs += [item for r in self.relationships.values() for item in r.properties.items()]
        return sorted({key for name, spec in specs for key in spec.stored_keys(name)})

    def node_for_table(self, table: str) -> tuple[str, NodeType] | None:
        return next(((label, n) for label, n in self.nodes.items() if n.table == table), None)

    def relationship_for_table(self, table: str) -> tuple[str, RelationshipType] | None:
        return next(((t, r) for t, r in self.relationships.items() if r.table == table), None)

    def tables(self) -> list[str]:
        """Every table users keep, in load order: nodes first, then relationship tables."""
        return [t.table for t in (*self.nodes.values(), *self.relationships.values()) if t.table]

    def columns(self, table: str) -> list[Column]:
        """The columns of `table` in template order: key, properties, references, provenance."""
        def prop(name: str, spec: PropertySpec, required: bool = False) -> Column:
            return Column(spec.column, required or spec.required, spec.type, spec.unit, spec.enum,
                          None, spec.type == "list", spec.example, spec.description)

        def ref(header, label, required, several, example, description) -> Column:
            return Column(header, required, "名称", None, None, label, several, example, description)

        if found := self.node_for_table(table):
            label, node = found
            cols = [prop(name, spec, name == node.key) for name, spec in node.properties.items() if spec.column]
            cols.sort(key=lambda c: c.header != node.properties[node.key].column)
            cols += [ref(link.column, link.other, link.required, link.list, link.example, link.description)
                     for link in node.links.values()]
            provenance = {} if label == "Source" else self.user_provenance()
        else:
            _, rel = self.relationship_for_table(table)
            cols = [ref(rel.from_column, rel.start[0], True, False, rel.examples[0], rel.description),
                    ref(rel.to_column, rel.end[0], True, False, rel.examples[1], rel.description)]
            cols += [prop(name, spec) for name, spec in rel.properties.items() if spec.column]
            provenance = self.user_provenance()
        return cols + [prop(name, spec) for name, spec in provenance.items()]

    def user_provenance(self) -> dict[str, PropertySpec]:
        """The provenance columns users write (the rest the loader sets)."""
        return {name: spec for name, spec in self.provenance.items() if spec.column}

    def to_markdown(self) -> str:
        """Schema documentation, generated so it cannot drift from the file."""
        lines = ["## 来源列 / Provenance columns (any table)", ""]
        lines += _property_table(self.provenance)
        lines += ["## 审核列 / Review columns (review workbooks of `chainkg extract`)", ""]
        lines += _property_table(self.review)
        lines += ["## 节点 / Nodes", ""]
        for label, node in self.nodes.items():
            lines += [f"### {label}", "", node.description, ""]
            if node.table:
                lines += [f"表 / table: `{node.table}`", ""]
            lines += _property_table(node.properties, key=node.key, indexes=node.indexes)
            for rel_type, link in node.links.items():
                pattern = f"({label})-[:{rel_type}]->({link.to})" if link.to else f"({link.from_})-[:{rel_type}]->({label})"
                lines.append(f"- 列 / column `{link.column}` → `{pattern}`"
                             + ("，必填 / required" if link.required else "")
                             + ("，可填多个 / several allowed" if link.list else ""))
            lines.append("")
        lines += ["## 关系 / Relationships", ""]
        for name, rel in self.relationships.items():
            ends = f"({'|'.join(rel.start)})-[:{name}]->({'|'.join(rel.end)})"
            lines += [f"### {ends}", "", rel.description, ""]
            if rel.table:
                lines += [f"表 / table: `{rel.table}` (`{rel.from_column}` → `{rel.to_column}`)", ""]
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
        if spec.unit:
            notes.append("any unit, normalised" if spec.unit == ANY_UNIT else f"in {spec.unit}")
        required = "yes" if spec.required or name == key else ""
        rows.append(f"| {name} | {spec.column} | {spec.type} | {required} | {'; '.join(notes)} "
                    f"| {spec.description} |")
    return rows + [""]


@cache
def load_schema(path: Path = SCHEMA_FILE) -> Schema:
    with open(path, encoding="utf-8") as f:
        return Schema.model_validate(yaml.safe_load(f))
