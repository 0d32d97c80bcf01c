"""Counts per label and relationship type."""

from __future__ import annotations

from graph import Store
from queries import read


def graph_counts(store: Store) -> dict:
    nodes = _counted(store, "labels", "label", "MATCH (n:{}) RETURN count(n) AS count")
    rels = _counted(store, "relationship_types", "type", "MATCH ()-[r:{}]->() RETURN count(r) AS count")
    return {
        "engine": store.engine,
        "nodes": nodes,
        "relationships": rels,
        "total_nodes": sum(nodes.values()),
        "total_relationships": sum(rels.values()),
    }


def _counted(store: Store, names_query: str, column: str, count_query: str) -> dict[str, int]:
    """Each name the graph lists, with its count (names no node or relationship uses any
    more are left out: FalkorDB still lists them)."""
    counts = {}
    for row in read(store, names_query):
        name = row[column]
        quoted = "`" + name.replace("`", "``") + "`"  # a name from the graph itself, as an identifier
        if count := int(store.read(count_query.format(quoted))[0]["count"]):
            counts[name] = count
    return counts
