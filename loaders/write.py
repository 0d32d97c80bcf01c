"""The one batch writer: validated nodes and relationships into the store, each fact
owned by the datasets that state it (see "tiers" in graph/schema.yaml).

Every node and relationship keeps `datasets` and `claims`: what each dataset states about
it, with the dataset's tier and the order of its statement. The properties a fact shows
are resolved from its claims (`resolve`): the most trusted tier wins, then the newest
statement. A write reads the facts this dataset states, puts its claim in, resolves, and
writes only what changed, in `UNWIND $rows` batches: what the graph does not hold is
created (`CREATE`: `MERGE` would look each one up first), what differs is set anew on its
key; a repeated load changes nothing. Relationships of nodes this write creates are not
looked up: they cannot exist yet (on a first import, that is most of them). With
`replace`, the dataset's claims on facts it no longer states are withdrawn: a fact no
dataset states any more is deleted (a node only once no relationship is left on it),
another falls back to what the other datasets say. The caller runs it inside
`store.atomic()`.

Labels, types and property names come from the schema (plain identifiers, checked
there); values only ever travel as parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

from graph.claims import claims_of, conflicts, resolve
from graph.claims import ranks as tier_ranks
from graph.schema import Schema
from graph.store import Staging, Store, unpacked
from loaders.validate import ALIASED_LABEL, ALIASES, RelKey, Validation

# The reads that return a row per fact (node_props, rel_props, existing_keys, dataset_nodes,
# dataset_rels and the backup's all_keys, rel_starts, rels_from) pack their rows: see
# graph.store.unpacked.
STATEMENTS = {
    "node_props": ("UNWIND $rows AS k MATCH (n:{label} {{{key}: k}}) "
                   "RETURN ['key', 'props'] AS columns, collect([k, properties(n)]) AS rows"),
    "merge_nodes": "UNWIND $rows AS row MERGE (n:{label} {{{key}: row.key}}) SET n += row.props",
    # a resolved fact: every property anew, so one no claim states any more goes
    "set_nodes": "UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}}) SET n = row.props",
    # for what the graph does not hold yet (the diff has just looked): no look-up per row
    "create_nodes": "UNWIND $rows AS row CREATE (n:{label} {{{key}: row.key}}) SET n += row.props",
    # facts a dataset states (`dataset`: how a graph written before `datasets` named it)
    "dataset_nodes": ("MATCH (n:{label}) WHERE $dataset IN coalesce(n.datasets, [n.dataset]) "
                      "RETURN ['key', 'props'] AS columns, collect([n.{key}, properties(n)]) AS rows"),
    "delete_nodes": "UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}}) DETACH DELETE n",
    "rel_props": ("UNWIND $rows AS p MATCH (a:{start} {{{start_key}: p.start}})-[r:{type}]->"
                  "(b:{end} {{{end_key}: p.end}}) "
                  "RETURN ['start', 'end', 'props'] AS columns, collect([p.start, p.end, properties(r)]) AS rows"),
    "merge_rels": ("UNWIND $rows AS row MATCH (a:{start} {{{start_key}: row.start}}) "
                   "MATCH (b:{end} {{{end_key}: row.end}}) MERGE (a)-[r:{type}]->(b) SET r += row.props"),
    "set_rels": ("UNWIND $rows AS row MATCH (a:{start} {{{start_key}: row.start}})-[r:{type}]->"
                 "(b:{end} {{{end_key}: row.end}}) SET r = row.props"),
    "create_rels": ("UNWIND $rows AS row MATCH (a:{start} {{{start_key}: row.start}}) "
                    "MATCH (b:{end} {{{end_key}: row.end}}) CREATE (a)-[r:{type}]->(b) SET r += row.props"),
    "dataset_rels": ("MATCH (a:{start})-[r:{type}]->(b:{end}) WHERE $dataset IN coalesce(r.datasets, [r.dataset]) "
                     "RETURN ['start', 'end', 'props'] AS columns, "
                     "collect([a.{start_key}, b.{end_key}, properties(r)]) AS rows"),
    # a node no dataset states, once no relationship is left on it
    "delete_bare_nodes": ("UNWIND $rows AS row MATCH (n:{label} {{{key}: row.key}}) "
                          "WHERE size(coalesce(n.datasets, [])) = 0 AND NOT (n)--() DELETE n"),
    "delete_rels": ("UNWIND $rows AS row MATCH (a:{start} {{{start_key}: row.start}})-[r:{type}]->"
                    "(b:{end} {{{end_key}: row.end}}) DELETE r"),
    "existing_keys": "UNWIND $rows AS k MATCH (n:{label} {{{key}: k}}) RETURN ['key'] AS columns, collect([k]) AS rows",
    # enterprises a curated table states: the names a directory's near misses are told against
    "curated_firms": "MATCH (e:Enterprise) WHERE e.claims CONTAINS '\"tier\":\"curated\"' RETURN e.name AS name",
    # enterprises by an identifying property (credit_code, stock_code: indexed)
    "firms_by": "UNWIND $rows AS k MATCH (n:{label} {{{key}: k}}) RETURN k AS key, n.name AS name",
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
    "all_keys": "MATCH (n:{label}) RETURN ['key'] AS columns, collect([n.{key}]) AS rows",
    "rel_starts": ("MATCH (a:{start})-[:{type}]->(:{end}) WITH DISTINCT a.{start_key} AS key "
                   "RETURN ['key'] AS columns, collect([key]) AS rows"),
    "rels_from": ("UNWIND $rows AS k MATCH (a:{start} {{{start_key}: k}})-[r:{type}]->(b:{end}) "
                  "RETURN ['start', 'end', 'props'] AS columns, collect([k, b.{end_key}, properties(r)]) AS rows"),
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
    # (type, fact, claims) of the facts this write left with datasets that disagree
    conflicts: list[tuple[str, str, dict]] = field(default_factory=list)


class StoreNames:
    """The graph's names, for validating references to facts loaded earlier."""

    def __init__(self, store: Store, schema: Schema):
        self.store, self.schema = store, schema

    def existing(self, label: str, keys: set[str]) -> set[str]:
        groups = _grouped(dict.fromkeys(sorted(keys)), lambda key: self.store.staging.label(label, key))
        key = self.schema.nodes[label].key
        found = set()
        for used, part in groups.items():
            answers = self.store.read_batches(statement("existing_keys", label=used, key=key), list(part))
            found |= {row["key"] for row in unpacked(answers)}
        return found

    def aliases(self) -> dict[str, str]:
        return {row["alias"]: row["name"] for row in self.store.read(statement("aliases"))}


def write(store: Store, validation: Validation, schema: Schema, dataset: str, replace: bool = False,
          tier: str = "curated") -> WriteSummary:
    """Put `dataset`'s claims (of `tier`) on the facts `validation` holds; with `replace`,
    withdraw its claims on the facts it no longer states."""
    if tier not in schema.tiers:
        raise ValueError(f"unknown tier {tier!r}")
    ranks = tier_ranks(schema.tiers)
    summary = WriteSummary()
    created = {}  # label -> keys of the nodes this write creates: they have no relationships yet
    for label, rows in validation.nodes.items():
        old = _read_nodes(store, schema, label, sorted(rows))
        absent, changed = _claim(rows, old, dataset, tier, ranks, _computed(schema, label),
                                 summary.nodes.setdefault(label, Counts()), summary.conflicts, label)
        created[label] = set(absent)
        ids = node_identifiers(schema, label) | {"label": store.staging.create(label, absent)}
        store.write_batches(statement("create_nodes", **ids), ({"key": k, "props": v} for k, v in absent.items()),
                            staged=ids["label"] != label)
        _put_nodes(store, schema, label, "set_nodes", changed)
    for rel_key, rows in validation.relationships.items():
        fresh_starts, fresh_ends = created.get(rel_key[1], set()), created.get(rel_key[2], set())
        pairs = [(s, e) for s, e in sorted(rows) if s not in fresh_starts and e not in fresh_ends]
        old = _read_rels(store, schema, rel_key, pairs)
        absent, changed = _claim(rows, old, dataset, tier, ranks, set(),
                                 summary.relationships.setdefault(rel_key[0], Counts()), summary.conflicts, rel_key[0])
        _put_rels(store, schema, rel_key, "create_rels", absent)
        _put_rels(store, schema, rel_key, "set_rels", changed)
    withdraw(store, schema, dataset, Stated.of(validation), summary, everything=replace)
    return summary


def _read_nodes(store: Store, schema: Schema, label: str, keys: list) -> dict:
    """key -> properties of the nodes `keys` the graph holds (or a chunked unit will show)."""
    old, groups = _held(store.staging, label, keys, lambda key: store.staging.label(label, key))
    for used, part in groups.items():
        query = statement("node_props", **node_identifiers(schema, label) | {"label": used})
        old |= {row["key"]: row["props"] for row in unpacked(store.read_batches(query, list(part)))}
    return old


def _read_rels(store: Store, schema: Schema, rel_key: RelKey, pairs: list[tuple]) -> dict:
    """(start, end) -> properties of the relationships `pairs` the graph holds (or will show)."""
    old, groups = _held(store.staging, rel_key, pairs, lambda pair: store.staging.relationship(rel_key, pair))
    for used, part in groups.items():
        query = statement("rel_props", **_rel_identifiers(schema, rel_key, used))
        old |= {(row["start"], row["end"]): row["props"]
                for row in unpacked(store.read_batches(query, [{"start": s, "end": e} for s, e in part]))}
    return old


def _held(staging: Staging, kind, keys: list, where) -> tuple[dict, dict]:
    """Of the facts `keys` of `kind` (a label or a relationship key): the properties a
    chunked unit's held-back writes give them, and the others grouped by where they are."""
    held, others = {}, {}
    for key in keys:
        if (kind, key) in staging.pending:
            if (props := staging.pending[kind, key]) is not None:
                held[key] = props
        else:
            others[key] = None
    return held, _grouped(others, where)


def _grouped(facts: dict, where) -> dict[object, dict]:
    """`facts` (key -> properties) grouped by `where(key)`, in their order."""
    groups = {}
    for key, props in facts.items():
        groups.setdefault(where(key), {})[key] = props
    return groups


def _put_nodes(store: Store, schema: Schema, label: str, name: str, facts: dict) -> None:
    """Run the statement `name` on the nodes `facts` (key -> properties), each under the
    label it has now; what readers see is noted as pending in a chunked unit."""
    for used, part in _grouped(facts, lambda key: store.staging.label(label, key)).items():
        if used == label and store.staging.active:
            store.staging.pending.update(((label, key), props) for key, props in part.items())
        store.write_batches(statement(name, **node_identifiers(schema, label) | {"label": used}),
                            ({"key": k, "props": v} for k, v in part.items()), staged=used != label)


def _put_rels(store: Store, schema: Schema, rel_key: RelKey, name: str, facts: dict) -> None:
    """As `_put_nodes`, for relationships ((start, end) -> properties; None: deleted). In a
    chunked unit, those created between nodes readers see get a staged type."""
    staging = store.staging
    for used, part in _grouped(facts, lambda pair: staging.relationship(rel_key, pair)).items():
        if used == rel_key and staging.active:
            if name == "create_rels":
                used = staging.create_between_shown(rel_key, part)
            else:
                staging.pending.update(((rel_key, pair), props) for pair, props in part.items())
        store.write_batches(statement(name, **_rel_identifiers(schema, rel_key, used)),
                            ({"start": s, "end": e, "props": v} for (s, e), v in part.items()), staged=used != rel_key)


def _rel_identifiers(schema: Schema, rel_key: RelKey, used: tuple[str, str, str]) -> dict[str, str]:
    """The statement identifiers of `rel_key`'s relationships under the type and labels `used`."""
    return rel_identifiers(schema, rel_key) | dict(zip(("type", "start", "end"), used))


@dataclass
class Stated:
    """What a dataset states now: node keys per label, relationship ends per type."""
    nodes: dict[str, set] = field(default_factory=dict)
    relationships: dict[RelKey, set] = field(default_factory=dict)

    @classmethod
    def of(cls, validation: Validation) -> Stated:
        return cls().add(validation)

    def add(self, validation: Validation) -> Stated:
        for label, rows in validation.nodes.items():
            self.nodes.setdefault(label, set()).update(rows)
        for rel_key, rows in validation.relationships.items():
            self.relationships.setdefault(rel_key, set()).update(rows)
        return self


def withdraw(store: Store, schema: Schema, dataset: str, stated: Stated, summary: WriteSummary,
             everything: bool) -> None:
    """Take `dataset`'s claims off the facts it no longer states: with `everything`
    (`--replace`) all of them; otherwise its single-valued links (所属产业链, 上级环节,
    所在园区 …) of the nodes it states again, so a corrected link replaces the old one."""
    ranks = tier_ranks(schema.tiers)
    for rel_key, facts in _stale_relationships(store, schema, dataset, stated, everything).items():
        kept, gone = _withdraw(facts, dataset, ranks, set(), summary.relationships.setdefault(rel_key[0], Counts()))
        _put_rels(store, schema, rel_key, "set_rels", kept)
        _put_rels(store, schema, rel_key, "delete_rels", dict.fromkeys(gone))
    if not everything:
        return
    for label, facts in _stale_nodes(store, schema, dataset, stated).items():
        kept, gone = _withdraw(facts, dataset, ranks, _computed(schema, label), summary.nodes.setdefault(label, Counts()))
        _put_nodes(store, schema, label, "set_nodes", kept)
        # no one states it: kept only while linked
        _put_nodes(store, schema, label, "set_nodes", {k: {schema.nodes[label].key: k} for k in gone})
        _put_nodes(store, schema, label, "delete_bare_nodes", dict.fromkeys(sorted(gone)))


def count_producers(store: Store) -> None:
    """Keep on each segment its number of outside producers and its local producers' names:
    maps and gap lists need both for every segment, and going through a national
    directory's links on each view is slow (Enterprise.local has no index: FalkorDB's
    index stops finding `false` in a graph made by GRAPH.COPY, as every load's is)."""
    store.write(statement("count_producers"))


def _claim(rows: dict, old: dict, dataset: str, tier: str, ranks: dict[str, int], computed: set[str],
           counts: Counts, noted: list, kind: str) -> tuple[dict, dict]:
    """Put `dataset`'s claim on each fact of `rows`; count created / updated / unchanged,
    note the facts whose datasets disagree; return the resolved properties of the facts
    to create and of those to update."""
    absent, changed = {}, {}
    for key, props in rows.items():
        before = old.get(key)
        claims = claims_of(before)
        claim = {"tier": tier, "props": {k: v for k, v in props.items() if v is not None}}
        mine = claims.get(dataset)
        if mine is None or {k: mine[k] for k in ("tier", "props")} != claim:  # a new statement: the newest
            others = max((c["seq"] for name, c in claims.items() if name != dataset), default=0)
            claims[dataset] = claim | {"seq": max(others + 1, mine["seq"] if mine else 0)}
        resolved = resolve(claims, ranks)
        if len(claims) > 1 and conflicts(claims):
            noted.append((kind, " → ".join(key) if isinstance(key, tuple) else key, claims))
        if before is None:
            absent[key] = resolved
        elif _shown(before, computed) != resolved:
            changed[key] = resolved
    counts.created += len(absent)
    counts.updated += len(changed)
    counts.unchanged += len(rows) - len(absent) - len(changed)
    return absent, changed


def _withdraw(facts: dict, dataset: str, ranks: dict[str, int], computed: set[str],
              counts: Counts) -> tuple[dict, list]:
    """Take `dataset`'s claim off each fact (key -> properties): the resolved properties
    of those other datasets still state, and the keys no dataset states any more."""
    kept, gone = {}, []
    for key, props in facts.items():
        claims = claims_of(props)
        claims.pop(dataset, None)
        if claims:
            kept[key] = resolve(claims, ranks)
            counts.updated += _shown(props, computed) != kept[key]
        else:
            gone.append(key)
    counts.deleted += len(gone)
    return kept, gone


def _shown(props: dict, computed: set[str]) -> dict:
    """A fact's properties as the graph holds them, without those the writer computes."""
    return {k: v for k, v in props.items() if k not in computed}


def _computed(schema: Schema, label: str) -> set[str]:
    """Properties kept by the writer after a load (no column): not part of any claim."""
    node = schema.nodes[label]
    return {name for name, spec in node.properties.items() if not spec.column and name != node.key}


def _stale_nodes(store: Store, schema: Schema, dataset: str, stated: Stated) -> dict[str, dict]:
    """label -> key -> properties of the nodes `dataset` states in the graph and no longer will."""
    stale = {}
    for label in schema.nodes:
        query = statement("dataset_nodes", **node_identifiers(schema, label))
        keys = stated.nodes.get(label, set())
        if gone := {row["key"]: row["props"] for row in unpacked(store.read(query, {"dataset": dataset}))
                   if row["key"] not in keys}:
            stale[label] = gone
    return stale


def _stale_relationships(store: Store, schema: Schema, dataset: str, stated: Stated,
                         everything: bool) -> dict[RelKey, dict]:
    """(type, start, end) -> (start key, end key) -> properties of the relationships
    `dataset` states in the graph and no longer will: all of them, or (not `everything`)
    the single-valued links of the nodes it states again."""
    restating = {}  # rel key -> (which end is the node, its label) of a single-valued link
    for label, node in schema.nodes.items():
        for rel_type, link in node.links.items():
            if not link.list:
                restating[(rel_type, label, link.to) if link.to else (rel_type, link.from_, label)] = (
                    0 if link.to else 1, label)
    stale = {}
    for rel_type, rel in schema.relationships.items():
        for start, end in product(rel.start, rel.end):
            rel_key = (rel_type, start, end)
            if not everything and rel_key not in restating:
                continue
            side, label = restating.get(rel_key, (0, start))
            restated = stated.nodes.get(label, set())
            if not everything and not restated:  # none of its nodes stated again: none can be stale
                continue
            pairs = stated.relationships.get(rel_key, set())
            query = statement("dataset_rels", **rel_identifiers(schema, rel_key))
            if gone := {(row["start"], row["end"]): row["props"] for row in unpacked(store.read(query, {"dataset": dataset}))
                        if (row["start"], row["end"]) not in pairs
                        and (everything or (row["start"], row["end"])[side] in restated)}:
                stale[rel_key] = gone
    return stale
