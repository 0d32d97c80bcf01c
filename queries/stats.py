"""Counts per label and relationship type."""

from __future__ import annotations

from graph import Store
from graph.store import STAGED
from queries import read

# Relationships of nodes that a Neo4j import has staged and not shown yet (graph/store.py,
# Staging), which readers do not see: counted from each staged label's nodes, a
# relationship between two staged nodes once. (Staged types are left out by name.)
STAGED_RELATIONSHIPS = ("MATCH (n:{})-[r]->() RETURN type(r) AS type, count(r) AS count UNION ALL "
                        "MATCH (a)-[r]->(n:{}) WHERE none(l IN labels(a) WHERE l STARTS WITH $prefix) "
                        "RETURN type(r) AS type, count(r) AS count")


def graph_counts(store: Store) -> dict:
    nodes, staged = _counted(store, "labels", "label", "MATCH (n:{}) RETURN count(n) AS count")
    rels = _shown_relationships(store, staged)
    return {
        "engine": store.engine,
        "nodes": nodes,
        "relationships": rels,
        "total_nodes": sum(nodes.values()),
        "total_relationships": sum(rels.values()),
    }


def _counted(store: Store, names_query: str, column: str, count_query: str) -> tuple[dict[str, int], list[str]]:
    """Each name the graph lists, with its count (names no node or relationship uses any
    more are left out: FalkorDB still lists them), and the staged names, quoted, apart."""
    counts, staged = {}, []
    for row in read(store, names_query):
        name = row[column]
        quoted = "`" + name.replace("`", "``") + "`"  # a name from the graph itself, as an identifier
        if name.startswith(STAGED):
            staged.append(quoted)
        elif count := int(store.read(count_query.format(quoted))[0]["count"]):
            counts[name] = count
    return counts, staged


def _shown_relationships(store: Store, staged: list[str]) -> dict[str, int]:
    """Relationships per type, those of staged nodes left out. An import adds staged ones
    while this counts: they are read before and after the counts, until both agree (they
    only grow while its chunks commit), so the counts hold exactly the shown ones."""
    while True:
        before = _staged_relationships(store, staged)
        counts, _ = _counted(store, "relationship_types", "type", "MATCH ()-[r:{}]->() RETURN count(r) AS count")
        if _staged_relationships(store, staged) == before:
            return {name: count - before.get(name, 0) for name, count in counts.items() if count - before.get(name, 0)}


def _staged_relationships(store: Store, staged: list[str]) -> dict[str, int]:
    counts = {}
    for label in staged:  # none on FalkorDB
        for row in store.read(STAGED_RELATIONSHIPS.format(label, label), {"prefix": STAGED}):
            counts[row["type"]] = counts.get(row["type"], 0) + row["count"]
    return counts
