"""The declarative schema file and what is derived from it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.schema import Schema, load_schema


def test_bundled_schema_loads_and_documents_itself():
    schema = load_schema()
    assert {"Region", "Park", "Chain", "Segment", "Enterprise", "Project", "Target", "Policy",
            "Source"} <= set(schema.nodes)
    assert schema.relationships["PART_OF"].start == ("Segment",)
    doc = schema.to_markdown()
    for label in schema.nodes:
        assert f"### {label}" in doc
    assert "### (Segment)-[:FEEDS]->(Segment)" in doc
    assert "表 / table: `上下游` (`上游环节` → `下游环节`)" in doc
    assert "- 列 / column `所属产业链` → `(Project)-[:BELONGS_TO]->(Chain)`，必填 / required" in doc
    assert "total_investment_text" in schema.property_keys()


def test_every_table_has_a_header_for_each_column_and_no_header_twice():
    schema = load_schema()
    for table in schema.tables():
        headers = [c.header for c in schema.columns(table)]
        assert all(headers) and len(headers) == len(set(headers)), table


@pytest.mark.parametrize("broken, complaint", [
    ({"nodes": {"Bad-Label": {"key": "id", "properties": {"id": {"type": "str"}}}}, "relationships": {}},
     "identifiers"),
    ({"nodes": {"A": {"key": "id", "properties": {"name": {"type": "str"}}}}, "relationships": {}},
     "undeclared"),
    ({"nodes": {"A": {"key": "id", "properties": {"id": {"type": "str"}}}},
      "relationships": {"R": {"from": "A", "to": "Missing"}}}, "unknown label"),
    ({"nodes": {"A": {"key": "id", "properties": {"id": {"type": "decimal"}}}}, "relationships": {}},
     "type"),
    ({"nodes": {"A": {"key": "id", "properties": {"id": {"type": "quantity"}}}}, "relationships": {}},
     "declare a unit"),
    ({"nodes": {"A": {"key": "id", "properties": {"id": {"type": "str"}},
                      "links": {"R": {"column": "c", "to": "A"}}}}, "relationships": {}},
     "does not declare"),
])
def test_broken_schemas_are_refused(broken, complaint):
    with pytest.raises(ValidationError, match=complaint):
        Schema.model_validate(broken)
