"""The store interface, on both real servers: the embedded FalkorDB and the local Neo4j."""

from __future__ import annotations

import numpy
import pytest

from graph import QueryError, ReadOnlyViolation, load_schema
from tests.conftest import only_falkordb


def test_read_returns_plain_values(store):
    store.write("CREATE (:Chain {id: 'c1', name: '有色金属新材料', class: '千亿'})"
                    "-[:SUPPORTS {share: 0.5}]->(:Chain {id: 'c2'})")
    rows = store.read(
        "MATCH (c:Chain {id: $id})-[r]->() "
        "RETURN c AS node, r AS relationship, c {.id, .name} AS map, [1, 'a', null] AS list, "
        "{kinds: [false, -0.25, {deep: ['长']}]} AS nested, "
        "date($day) AS day, 1 AS one, 2.5 AS half, null AS nothing, true AS yes",
        {"id": "c1", "day": "2022-06-30"})
    assert rows == [{
        "node": {"id": "c1", "name": "有色金属新材料", "class": "千亿"},
        "relationship": {"share": 0.5},
        "map": {"id": "c1", "name": "有色金属新材料"},
        "list": [1, "a", None],
        "nested": {"kinds": [False, -0.25, {"deep": ["长"]}]},
        "day": "2022-06-30", "one": 1, "half": 2.5, "nothing": None, "yes": True,
    }]


def test_read_path_refuses_writes(store):
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        store.read("CREATE (:Chain {id: 'x'})")
    assert store.read("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_bad_query_is_a_query_error(store):
    with pytest.raises(QueryError, match="query failed"):
        store.read("MATCH (n RETURN n")


def test_parameters_are_stored_verbatim(store):
    hostile = "x'}) DETACH DELETE n //\"\\`\n\t\x07\u202e" + "长" * 10_000
    # an unindexed property: names are at most NAME_MAX characters, and Neo4j indexes no key this long
    store.write("CREATE (:Chain {id: $id, note: $note})", {"id": "c", "note": hostile})
    store.write("CREATE (:Chain {id: 'other', note: 'kept'})")
    assert store.read("MATCH (c:Chain {id: 'c'}) RETURN c.note AS note") == [{"note": hostile}]
    assert store.read("MATCH (c:Chain) RETURN count(c) AS n") == [{"n": 2}]


def test_typed_parameters_round_trip(store):
    props = {"flag": True, "off": False, "small": 1.5e-05, "big": 12345678901234, "negative": -3, "none": None,
             "tags": ["专精特新", 'a"b', "c\\d"], "share": numpy.float64(0.25)}
    store.write("UNWIND $rows AS row CREATE (c:Chain {id: row.id}) SET c += row.props",
                    {"rows": [{"id": "t", "props": props}]})
    stored = store.read("MATCH (c:Chain {id: 't'}) RETURN properties(c) AS p")[0]["p"]
    assert stored == {"id": "t"} | {k: v for k, v in props.items() if v is not None}
    assert type(stored["flag"]) is bool and type(stored["big"]) is int


def test_write_batches_unwinds_every_row(store):
    store.apply_schema(load_schema())  # MERGE on an indexed key
    rows = [{"name": f"s{i}", "stage": "上游"} for i in range(12_345)]
    written = store.write_batches(
        "UNWIND $rows AS row MERGE (s:Segment {name: row.name}) SET s += row", rows, batch_size=5000)
    assert written == 12_345
    assert store.read("MATCH (s:Segment) RETURN count(s) AS n, min(s.name) AS first") == [
        {"n": 12_345, "first": "s0"}]
    store.write_batches("UNWIND $rows AS row MERGE (s:Segment {name: row.name}) SET s += row", rows)
    assert store.read("MATCH (s:Segment) RETURN count(s) AS n") == [{"n": 12_345}]


def test_read_batches_answers_every_batch_in_order(store):
    store.write("UNWIND range(0, 99) AS i CREATE (:Segment {name: 's' + toString(i), rank: i})")
    wanted = [f"s{i}" for i in range(99, -1, -1)] + ["missing"]
    answers = store.read_batches("UNWIND $rows AS k MATCH (s:Segment {name: k}) RETURN s.rank AS rank",
                                     wanted, batch_size=7)  # 15 batches, answered side by side when embedded
    assert [row["rank"] for row in answers] == list(range(99, -1, -1))
    assert store.read_batches("UNWIND $rows AS k RETURN k", []) == []


def test_schema_apply_is_idempotent_and_enforces_keys(store):
    schema = load_schema()
    first = store.apply_schema(schema)
    second = store.apply_schema(schema)
    assert len(first) == len(second) > 0
    store.write("CREATE (:Enterprise {name: '金川集团', local: true})")
    with pytest.raises(QueryError):
        store.write("CREATE (:Enterprise {name: '金川集团', local: false})")
    assert store.read("MATCH (e:Enterprise) RETURN count(e) AS n") == [{"n": 1}]


def test_schema_reports_what_existed(store):
    store.clear()  # a graph without the schema: Neo4j's tests keep the product's (conftest.empty)
    first = store.apply_schema(load_schema())
    second = store.apply_schema(load_schema())
    assert all(line.startswith("created") for line in first)
    assert all(line.startswith("exists") for line in second)


@only_falkordb  # Neo4j's driver sends these typed; FalkorDB's query text cannot carry them
@pytest.mark.parametrize("params", [
    {"v": "a\x00b"}, {"v": float("nan")}, {"v": [float("inf")]}, {"v": b"bytes"},
    {"v": {"bad`key": 1}}, {"v": {"": 1}},
])
def test_unsafe_parameters_are_refused_before_sending(store, params):
    with pytest.raises(QueryError):
        store.write("CREATE (:Chain {id: 'x', name: $v})", params)
    assert store.read("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]


def test_read_on_a_deleted_graph_answers_empty(store):
    store.write("CREATE (:Chain {name: 'gone'})")
    store.clear()
    assert store.read("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
    assert store.read("RETURN 1 AS x") == [{"x": 1}]
