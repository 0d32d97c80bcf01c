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
NODE_COUNT = "MATCH (n:{}) WITH count(n) AS count"
RELATIONSHIP_COUNT = "MATCH ()-[r:{}]->() WITH count(r) AS count"


def graph_counts(store: Store) -> dict:
    nodes, staged = _counted(store, "labels", "label", NODE_COUNT)
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
    more are left out: both engines may still list them), and the staged names, quoted, apart."""
    names = [row[column] for row in read(store, names_query)]
    quoted = {name: "`" + name.replace("`", "``") + "`" for name in names}  # names from the graph, as identifiers
    shown = [name for name in names if not name.startswith(STAGED)]
    counts = zip(shown, _each_count(store, count_query, [quoted[name] for name in shown]))
    return {name: count for name, count in counts if count}, [quoted[name] for name in names if name.startswith(STAGED)]


def _each_count(store: Store, count_query: str, quoted: list[str]) -> list[int]:
    """`count_query`'s count for each quoted name, all in one query: one plan and one round
    trip instead of one per name (a plan costs most on a Neo4j just started)."""
    if not quoted:
        return []
    # (the count comes before `i`: beside a grouping key, no match would mean no row)
    union = " UNION ALL ".join(f"{count_query.format(name)} RETURN count, {i} AS i" for i, name in enumerate(quoted))
    found = {row["i"]: int(row["count"]) for row in store.read(union)}
    return [found[i] for i in range(len(quoted))]


def _shown_relationships(store: Store, staged: list[str]) -> dict[str, int]:
    """Relationships per type, those of staged nodes left out. An import adds staged ones
    while this counts: they are read before and after the counts, until both agree (they
    only grow while its chunks commit), so the counts hold exactly the shown ones."""
    while True:
        before = _staged_relationships(store, staged)
        counts, _ = _counted(store, "relationship_types", "type", RELATIONSHIP_COUNT)
        if _staged_relationships(store, staged) == before:
            return {name: count - before.get(name, 0) for name, count in counts.items() if count - before.get(name, 0)}


def _staged_relationships(store: Store, staged: list[str]) -> dict[str, int]:
    counts = {}
    for label, nodes in zip(staged, _each_count(store, NODE_COUNT, staged)):  # none on FalkorDB
        if not nodes:
            continue  # none staged now (Neo4j lists every label ever made): the costlier query is spared
        for row in store.read(STAGED_RELATIONSHIPS.format(label, label), {"prefix": STAGED}):
            counts[row["type"]] = counts.get(row["type"], 0) + row["count"]
    return counts
