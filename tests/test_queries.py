"""One Cypher dialect: every query file runs on the embedded engine and lints as Neo4j 5."""

from __future__ import annotations

import json
import re
import subprocess
from itertools import product
from pathlib import Path

import pytest

from graph import load_schema
from loaders.write import STATEMENTS, node_identifiers, rel_identifiers, statement
from queries import cypher, example_params, query_files

LINT_DIR = Path(__file__).parent / "cypher_lint"

# Valid Neo4j 5 that FalkorDB rejects or, worse, answers wrongly (see README).
NOT_PORTABLE = {
    r"=~": "regular expressions",
    r"\bEXISTS\s*\{": "EXISTS subqueries",
    r"\bCOUNT\s*\{": "COUNT subqueries",
    r"\bCALL\s*\{": "CALL subqueries",
    r"\belementId\s*\(": "elementId()",
    r"\bdatetime\s*\(": "datetime()",
    r"\bduration\b": "duration arithmetic",
    r"MATCH\s+\w+\s*=\s*shortestPath": "shortestPath inside MATCH",
}

QUERY_FILES = query_files()


def lint(queries: dict[str, str], row_keys: tuple[str, ...] = ()) -> tuple[int, dict]:
    """`row_keys`: keys of the parameter maps the queries read (`row.start`), which the
    linter cannot tell from node properties."""
    schema = load_schema()
    payload = {"schema": {"labels": list(schema.nodes), "relationshipTypes": list(schema.relationships),
                          "propertyKeys": schema.property_keys() + list(row_keys)},
               "queries": queries}
    done = subprocess.run(["node", "lint.mjs"], cwd=LINT_DIR, input=json.dumps(payload),
                          capture_output=True, text=True, timeout=120)
    assert done.stdout, done.stderr
    return done.returncode, json.loads(done.stdout)


def test_there_are_query_files():
    assert len(QUERY_FILES) >= 2


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_query_runs_on_both_engines(path, store):
    store.apply_schema(load_schema())
    text = cypher(path.stem)
    run = store.write if re.search(r"\b(CREATE|MERGE|SET|DELETE|REMOVE)\b", text) else store.read
    assert isinstance(run(text, example_params(path)), list)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.name)
def test_query_avoids_non_portable_features(path):
    text = cypher(path.stem)
    found = [name for pattern, name in NOT_PORTABLE.items() if re.search(pattern, text, re.IGNORECASE)]
    assert not found, f"{path.name} uses {found}"


def test_every_query_file_is_valid_neo4j5_cypher():
    code, report = lint({p.name: cypher(p.stem) for p in QUERY_FILES})
    assert code == 0, json.dumps({k: v for k, v in report.items() if v}, ensure_ascii=False, indent=1)


def test_linter_catches_errors_and_schema_typos():
    code, report = lint({"syntax": "MATCH (n RETURN n", "typo": "MATCH (c:Chian) RETURN c.nmae AS x",
                         "unknown_function": "RETURN algo.pagerank(1) AS x", "fine": "RETURN $p AS x"})
    assert code == 1
    assert report["syntax"] and report["unknown_function"] and report["fine"] == []
    assert {p["message"].split()[1] for p in report["typo"]} >= {"Chian"}


def writer_statements() -> dict[str, str]:
    """The loader's statements, rendered for every label and relationship of the schema."""
    schema = load_schema()
    rendered = {}
    for name, template in STATEMENTS.items():
        if "{type}" in template:
            for rel_type, rel in schema.relationships.items():
                for start, end in product(rel.start, rel.end):
                    ids = rel_identifiers(schema, (rel_type, start, end))
                    rendered[f"{name} {rel_type} {start}->{end}"] = statement(name, **ids)
        elif "{label}" in template:
            for label in schema.nodes:
                rendered[f"{name} {label}"] = statement(name, **node_identifiers(schema, label))
        else:
            rendered[name] = statement(name)
    return rendered


def test_writer_statements_are_valid_neo4j5_cypher_and_portable():
    statements = writer_statements()
    assert len(statements) > 50
    code, report = lint(statements, row_keys=("key", "props", "start", "end"))
    assert code == 0, json.dumps({k: v for k, v in report.items() if v}, ensure_ascii=False, indent=1)
    for name, text in statements.items():
        found = [n for pattern, n in NOT_PORTABLE.items() if re.search(pattern, text, re.IGNORECASE)]
        assert not found, f"{name} uses {found}"
