"""The declarative schema file and what is derived from it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.schema import Schema, load_schema


def test_bundled_schema_loads_and_documents_itself():
    schema = load_schema()
    assert {"Chain", "Segment", "Enterprise", "Source"} <= set(schema.nodes)
    assert schema.relationships["PART_OF"].start == "Segment"
    doc = schema.to_markdown()
    for label in schema.nodes:
        assert f"### {label}" in doc
    assert "### (Segment)-[:FEEDS]->(Segment)" in doc


@pytest.mark.parametrize("broken, complaint", [
    ({"nodes": {"Bad-Label": {"key": "id", "properties": {"id": {"type": "str"}}}}, "relationships": {}},
     "identifiers"),
    ({"nodes": {"A": {"key": "id", "properties": {"name": {"type": "str"}}}}, "relationships": {}},
     "undeclared"),
    ({"nodes": {"A": {"key": "id", "properties": {"id": {"type": "str"}}}},
      "relationships": {"R": {"from": "A", "to": "Missing"}}}, "unknown label"),
    ({"nodes": {"A": {"key": "id", "properties": {"id": {"type": "decimal"}}}}, "relationships": {}},
     "type"),
])
def test_broken_schemas_are_refused(broken, complaint):
    with pytest.raises(ValidationError, match=complaint):
        Schema.model_validate(broken)
