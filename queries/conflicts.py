"""来源冲突: where the datasets that state a fact disagree, and which statement the graph shows."""

from __future__ import annotations

import json

import pandas as pd

from graph import Store, load_schema
from graph.claims import conflicts, precedence, ranks
from queries import read
from queries.export import cell_text
from queries.result import Result

COLUMNS = ["类型", "事实", "属性", "各数据集的说法", "采用"]


def conflict_table(facts: list[tuple[str, str, dict]]) -> pd.DataFrame:
    """(type, fact, claims) -> a row per property the datasets disagree on: what each one
    says, and whose statement the graph shows."""
    schema = load_schema()
    rank = ranks(schema.tiers)
    rows = []
    for kind, fact, claims in facts:
        order = precedence(claims, rank)
        kind_name, headers = _words(schema, kind)
        rows += [{"类型": kind_name, "事实": fact, "属性": headers.get(prop.removesuffix("_text").removesuffix("_unit"), prop),
                  "各数据集的说法": "；".join(f"{d}：{cell_text(v)}" for d, v in sorted(stated.items())),
                  "采用": next(d for d in order if d in stated)} for prop, stated in conflicts(claims).items()]
    return pd.DataFrame(rows, columns=COLUMNS).sort_values(["类型", "事实", "属性"]).reset_index(drop=True)


def source_conflicts(store: Store) -> Result:
    table = conflict_table([(row["kind"], row["fact"], json.loads(row["claims"])) for row in read(store, "conflicts")])
    return Result("来源冲突", {"来源冲突": table}, {"冲突数": len(table), "涉及事实数": table["事实"].nunique()})


def _words(schema, kind: str) -> tuple[str, dict[str, str]]:
    """A label's or type's name in Chinese, and its properties' column headers."""
    if kind in schema.nodes:
        node = schema.nodes[kind]
        return node.table or kind, {p: spec.column for p, spec in node.properties.items() if spec.column}
    rel = schema.relationships[kind]
    return rel.description.split(" / ")[0], {p: spec.column for p, spec in rel.properties.items() if spec.column}
