"""Counts per label and relationship type."""

from __future__ import annotations

from graph import Store
from queries import cypher


def graph_counts(store: Store) -> dict:
    nodes = {r["label"]: int(r["count"]) for r in store.read(cypher("node_counts"))}
    rels = {r["type"]: int(r["count"]) for r in store.read(cypher("relationship_counts"))}
    return {
        "engine": store.engine,
        "nodes": nodes,
        "relationships": rels,
        "total_nodes": sum(nodes.values()),
        "total_relationships": sum(rels.values()),
    }
