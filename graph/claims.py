"""Who states a fact, and what the graph shows of it (see "tiers" in graph/schema.yaml).

A fact (node or relationship) keeps `claims`: dataset -> {"tier", "seq", "props"}, what
each dataset states, as canonical JSON, and `datasets`, their names. Its properties are
resolved from the claims; where datasets disagree, that is a conflict to list.
"""

from __future__ import annotations

import json

DATASETS, CLAIMS = "datasets", "claims"
OWNERSHIP = frozenset({DATASETS, CLAIMS, "dataset"})  # kept by the writer, not stated by anyone
PROVENANCE = frozenset({"source", "quote", "source_row", "illustrative"})  # where, not what
CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # one text per value


def claims_of(props: dict | None) -> dict:
    """A fact's claims: dataset -> {"tier", "seq", "props"}. A fact written before the
    graph kept claims carries one `dataset`: its properties become that dataset's claim."""
    if not props:
        return {}
    if props.get(CLAIMS):
        return json.loads(props[CLAIMS])
    if props.get("dataset"):
        return {props["dataset"]: {"tier": "curated", "seq": 0,
                                   "props": {k: v for k, v in props.items() if k not in OWNERSHIP}}}
    return {}


def ranks(tiers) -> dict[str, int]:
    """tier -> rank, 0 the most trusted (the schema's `tiers` in order)."""
    return {name: rank for rank, name in enumerate(tiers)}


def precedence(claims: dict, ranks: dict[str, int]) -> list[str]:
    """The datasets of `claims`, the one whose statement counts first: the most trusted
    tier, then the newest statement."""
    return sorted(claims, key=lambda d: (ranks[claims[d]["tier"]], -claims[d]["seq"], d))


def resolve(claims: dict, ranks: dict[str, int]) -> dict:
    """The properties a fact shows: per property, the first claim in `precedence` that
    states it wins; `source` joins every claim's sources, the winner's first."""
    order = precedence(claims, ranks)
    props = {}
    for name in reversed(order):  # the winner last, so its values stay
        props.update(claims[name]["props"])
    sources = [s for name in order for s in claims[name]["props"].get("source") or []]
    if sources:
        props["source"] = list(dict.fromkeys(sources))
    if claims:
        props |= {DATASETS: sorted(claims), CLAIMS: CANONICAL.encode(claims)}
    return props


def conflicts(claims: dict) -> dict[str, dict[str, object]]:
    """property -> {dataset: value} where the datasets that state a property disagree."""
    values: dict[str, dict[str, object]] = {}
    for name, claim in claims.items():
        for prop, value in claim["props"].items():
            if prop not in PROVENANCE:
                values.setdefault(prop, {})[name] = value
    return {prop: stated for prop, stated in values.items()
            if len({json.dumps(v, sort_keys=True, ensure_ascii=False) for v in stated.values()}) > 1}
