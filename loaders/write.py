"""The one batch writer: validated nodes and relationships into the store.

Each type is diffed against the graph first, so the summary can say what was created,
updated or unchanged, and only what changed is written, in `UNWIND $rows` batches: what
the graph does not hold is created (`CREATE`: `MERGE` would look each one up first), what
differs is merged on its key; a repeated load changes nothing. Relationships of nodes
this write creates are not looked up: they cannot exist yet (on a first import, that is
most of them). With `replace`, the facts this dataset wrote before and no longer states
are deleted. The caller runs it inside `store.atomic()`.

Labels, types and property names come from the schema (plain identifiers, checked
there); values only ever travel as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

from graph.schema import Schema
from graph.store import Store
from loaders.validate import ALIASED_LABEL, ALIASES, RelKey, Validation

STATEMENTS = {
    "node_props": "UNWIND $rows AS k MATCH (n:{label} {{{key}: k}}) RETURN k AS key, properties(n) AS props",
    "merge_nodes": "UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) SET n += row.props",
    # for what the graph does not hold yet (the diff has just looked): no look-up per row
    "create_nodes": "UNWIND $rows AS row CREATE (n:{label} {{{key}: row.key}}) SET n += row.props",
    "dataset_nodes": "MATCH (n:{label}) WHERE n.dataset = $dataset RETURN n.{key} AS key",
    "delete_nodes": "UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}}) DETACH DELETE n",
    "rel_props": ("UNWIND $rows AS p MATCH (a:{start} {{{start_key}: p.start}})-[r:{type}]->"
                  "(b:{end} {{{end_key}: p.end}}) RETURN p.start AS start, p.end AS end, properties(r) AS props"),
    "merge_rels": ("UNWIND $rows AS row MATCH (a:{start} {{{start_key}: row.start}}) "
                   "MATCH (b:{end} {{{end_key}: row.end}}) MERGE (a)-[r:{type}]->(b) SET r += row.props"),
    "create_rels": ("UNWIND $rows AS row MATCH (a:{start} {{{start_key}: row.start}}) "
                    "MATCH (b:{end} {{{end_key}: row.end}}) CREATE (a)-[r:{type}]->(b) SET r += row.props"),
    "dataset_rels": ("MATCH (a:{start})-[r:{type}]->(b:{end}) WHERE r.dataset = $dataset "
                     "RETURN a.{start_key} AS start, b.{end_key} AS end"),
    "delete_rels": ("UNWIND $rows AS row MATCH (a:{start} {{{start_key}: row.start}})-[r:{type}]->"
                    "(b:{end} {{{end_key}: row.end}}) DELETE r"),
    "existing_keys": "UNWIND $rows AS k MATCH (n:{label} {{{key}: k}}) RETURN k AS key",
    # Segment.outside_producers and .local_producers (schema.yaml), after every load
    # The names in name order (both engines, any history: the same bytes); none is no
    # property, not [] (Neo4j's bulk import cannot write an empty list).
    "count_producers": ("MATCH (s:Segment) OPTIONAL MATCH (s)<-[:OPERATES_IN]-(e:Enterprise) "
                        "WITH s, e ORDER BY e.name "
                        "WITH s, count(CASE WHEN NOT coalesce(e.local, false) THEN e END) AS outside, "
                        "collect(CASE WHEN e.local THEN e.name END) AS locals "
                        "SET s.outside_producers = outside, "
                        "s.local_producers = CASE WHEN size(locals) > 0 THEN locals END"),
    # whole-graph backup and restore (loaders/backup.py)
    "all_nodes": "MATCH (n:{label}) RETURN properties(n) AS props",
    "all_rels": ("MATCH (a:{start})-[r:{type}]->(b:{end}) "
                 "RETURN a.{start_key} AS start, b.{end_key} AS end, properties(r) AS props"),
    "delete_all": "MATCH (n) DETACH DELETE n",
    "aliases": (f"MATCH (n:{ALIASED_LABEL}) WHERE n.{ALIASES} IS NOT NULL "
                f"UNWIND n.{ALIASES} AS alias RETURN alias, n.name AS name"),
}


def statement(name: str, **identifiers: str) -> str:
    return STATEMENTS[name].format(**identifiers)


def node_identifiers(schema: Schema, label: str) -> dict[str, str]:
    return {"label": label, "key": schema.nodes[label].key}


def rel_identifiers(schema: Schema, rel_key: RelKey) -> dict[str, str]:
    rel_type, start, end = rel_key
    return {"type": rel_type, "start": start, "end": end,
            "start_key": schema.nodes[start].key, "end_key": schema.nodes[end].key}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class WriteSummary:
    nodes: dict[str, Counts] = field(default_factory=dict)
    relationships: dict[str, Counts] = field(default_factory=dict)


class StoreNames:
    """The graph's names, for validating references to facts loaded earlier."""

    def __init__(self, store: Store, schema: Schema):
        self.store, self.schema = store, schema

    def existing(self, label: str, keys: set[str]) -> set[str]:
        query = statement("existing_keys", **node_identifiers(self.schema, label))
        return {row["key"] for row in self.store.read_batches(query, sorted(keys))}

    def aliases(self) -> dict[str, str]:
        return {row["alias"]: row["name"] for row in self.store.read(statement("aliases"))}


def write(store: Store, validation: Validation, schema: Schema, dataset: str, replace: bool = False) -> WriteSummary:
    summary = WriteSummary()
    stale_rels = _stale_relationships(store, validation, schema, dataset) if replace else {}
    stale_nodes = _stale_nodes(store, validation, schema, dataset) if replace else {}
    created = {}  # label -> keys of the nodes this write creates: they have no relationships yet
    for label, rows in validation.nodes.items():
        ids = node_identifiers(schema, label)
        new = {key: props | {"dataset": dataset} for key, props in rows.items()}
        old = {row["key"]: row["props"] for row in store.read_batches(statement("node_props", **ids), sorted(new))}
        absent, changed = _classify(new, old, summary.nodes.setdefault(label, Counts()))
        created[label] = set(absent)
        store.write_batches(statement("create_nodes", **ids), ({"key": k, "props": new[k]} for k in absent))
        store.write_batches(statement("merge_nodes", **ids), ({"key": k, "props": new[k]} for k in changed))
    for rel_key, rows in validation.relationships.items():
        ids = rel_identifiers(schema, rel_key)
        new = {pair: props | {"dataset": dataset} for pair, props in rows.items()}
        fresh_starts, fresh_ends = created.get(rel_key[1], set()), created.get(rel_key[2], set())
        pairs = [{"start": s, "end": e} for s, e in sorted(new) if s not in fresh_starts and e not in fresh_ends]
        old = {(row["start"], row["end"]): row["props"] for row in store.read_batches(statement("rel_props", **ids), pairs)}
        absent, changed = _classify(new, old, summary.relationships.setdefault(rel_key[0], Counts()))
        for name, keys in (("create_rels", absent), ("merge_rels", changed)):
            store.write_batches(statement(name, **ids), ({"start": s, "end": e, "props": new[(s, e)]} for s, e in keys))
    for rel_key, pairs in stale_rels.items():
        rows = [{"start": s, "end": e} for s, e in pairs]
        store.write_batches(statement("delete_rels", **rel_identifiers(schema, rel_key)), rows)
        summary.relationships.setdefault(rel_key[0], Counts()).deleted += len(rows)
    for label, keys in stale_nodes.items():
        store.write_batches(statement("delete_nodes", **node_identifiers(schema, label)), ({"key": k} for k in sorted(keys)))
        summary.nodes.setdefault(label, Counts()).deleted += len(keys)
    return summary


def count_producers(store: Store) -> None:
    """Keep on each segment its number of outside producers and its local producers' names:
    maps and gap lists need both for every segment, and going through a national
    directory's links on each view is slow (Enterprise.local has no index: FalkorDB's
    index stops finding `false` in a graph made by GRAPH.COPY, as every load's is)."""
    store.write(statement("count_producers"))


def _classify(new: dict, old: dict, counts: Counts) -> tuple[list, list]:
    """Count created / updated / unchanged; return the keys to create and those to update."""
    absent, changed = [], []
    for key, props in new.items():
        before = old.get(key)
        if before is None:
            absent.append(key)
        elif any(before.get(name) != value for name, value in props.items()):
            changed.append(key)
    counts.created += len(absent)
    counts.updated += len(changed)
    counts.unchanged += len(new) - len(absent) - len(changed)
    return absent, changed


def _stale_nodes(store: Store, validation: Validation, schema: Schema, dataset: str) -> dict[str, set[str]]:
    stale = {}
    for label in schema.nodes:
        query = statement("dataset_nodes", **node_identifiers(schema, label))
        keys = {row["key"] for row in store.read(query, {"dataset": dataset})}
        if gone := keys - set(validation.nodes.get(label, {})):
            stale[label] = gone
    return stale


def _stale_relationships(store: Store, validation: Validation, schema: Schema,
                         dataset: str) -> dict[RelKey, set[tuple[str, str]]]:
    stale = {}
    for rel_type, rel in schema.relationships.items():
        for start, end in product(rel.start, rel.end):
            rel_key = (rel_type, start, end)
            query = statement("dataset_rels", **rel_identifiers(schema, rel_key))
            pairs = {(row["start"], row["end"]) for row in store.read(query, {"dataset": dataset})}
            if gone := pairs - set(validation.relationships.get(rel_key, {})):
                stale[rel_key] = gone
    return stale
