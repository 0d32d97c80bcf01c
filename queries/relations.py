"""配套关系 of an enterprise, and the impact of losing it.

The supply network is pulled from the graph into networkx: an edge A → B when A
supplies B (SUPPLIES, 实际配套) or when A produces a segment that FEEDS a segment B
produces and one of them is local (潜在配套, inferred from the chain). Suppliers and customers are the
enterprises within N hops upstream and downstream.

Impact of losing an enterprise: every segment's gap status is recomputed without it;
segments that lose their last local producer are reported with the downstream segments
that depend on them, and local firms that lose their only local supplier of an input.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph import Store
from queries import cypher
from queries.facts import ChainFacts, chain_facts
from queries.gaps import PRODUCING, verdicts
from queries.result import Result
from queries.settings import GapRules, load_settings

ACTUAL, POTENTIAL = "实际配套", "潜在配套"


def supply_network(store: Store, facts: ChainFacts) -> nx.DiGraph:
    """Enterprises as nodes (attribute `local`); edges carry `actual` products and
    `potential` segment links ("隔膜→电芯"), and their sources."""
    graph = nx.DiGraph()
    producers: dict[str, list] = {}
    for segment in facts.segments.values():
        for p in segment.producers:  # a sub-segment's producers also make the segment
            graph.add_node(p.enterprise, local=p.local)
            producers.setdefault(segment.name, []).append(p)
    for link in facts.links:
        ups, downs = producers.get(link.upstream, []), producers.get(link.downstream, [])
        # inferred links touch a local firm: outside pairs are neither 配套 of this city nor
        # bounded (a national directory would make them quadratic), so only local ends are walked
        pairs = [(a, b) for a in ups if a.local for b in downs] + [(a, b) for b in downs if b.local
                                                                   for a in ups if not a.local]
        for a, b in pairs:
            if a.enterprise != b.enterprise:
                _edge(graph, a.enterprise, b.enterprise, "potential", f"{link.upstream}→{link.downstream}",
                      link.sources)
    unseen = set()
    for row in store.read(cypher("supplies")):
        unseen.update(name for name in (row["supplier"], row["buyer"]) if name not in graph)
        _edge(graph, row["supplier"], row["buyer"], "actual", row["product"] or "（产品未填）", row["sources"])
    if unseen:
        for row in store.read(cypher("enterprise"), {"names": sorted(unseen)}):
            graph.nodes[row["name"]]["local"] = row["local"]
    return graph


def _edge(graph: nx.DiGraph, a: str, b: str, kind: str, what: str, sources) -> None:
    if not graph.has_edge(a, b):
        graph.add_edge(a, b, actual=[], potential=[], sources=[])
    data = graph.edges[a, b]
    data[kind].append(what)
    data["sources"] = list(dict.fromkeys(data["sources"] + list(sources)))


def relations(store: Store, enterprise: str, hops: int = 2) -> Result:
    """Suppliers and customers of `enterprise` (already resolved) up to `hops` away."""
    graph = supply_network(store, chain_facts(store, outside=True))
    rows = []
    if enterprise in graph:
        for direction, view in (("供应商", graph.reverse(copy=False)), ("客户", graph)):
            paths = nx.single_source_shortest_path(view, enterprise, cutoff=hops)
            for other, path in sorted(paths.items(), key=lambda item: (len(item[1]), item[0])):
                if other == enterprise:
                    continue
                chain = path[::-1] if direction == "供应商" else path
                edges = [graph.edges[a, b] for a, b in zip(chain, chain[1:])]
                rows.append({"方向": direction, "企业": other, "本地": graph.nodes[other].get("local", False),
                             "跳数": len(path) - 1,
                             "关系": ACTUAL if all(e["actual"] for e in edges) else POTENTIAL,
                             "经由": "；".join(e["actual"][0] if e["actual"] else e["potential"][0] for e in edges),
                             "路径": " → ".join(chain),
                             "来源": list(dict.fromkeys(s for e in edges for s in e["sources"]))})
    table = pd.DataFrame(rows, columns=["方向", "企业", "本地", "跳数", "关系", "经由", "路径", "来源"])
    summary = {"企业": enterprise, "跳数上限": hops}
    for direction in ("供应商", "客户"):
        found = table[table["方向"] == direction]
        summary |= {f"{direction}数": len(found), f"本地{direction}数": int(found["本地"].sum())}
    return Result(f"{enterprise}配套关系", {"配套关系": table}, summary)


def impact(store: Store, enterprise: str, rules: GapRules | None = None) -> Result:
    """What the city loses if `enterprise` (already resolved) leaves."""
    rules = rules or load_settings().gaps
    facts = chain_facts(store, outside=True)
    before = verdicts(facts, rules)
    after = verdicts(facts, rules, without=frozenset([enterprise]))
    segment_graph = nx.DiGraph((link.upstream, link.downstream) for link in facts.links)

    lost = {name for name in facts.segments
            if before[name].status in PRODUCING and after[name].status not in PRODUCING}
    segments = []
    for name, segment in facts.segments.items():
        if before[name] == after[name] and enterprise not in before[name].producers:
            continue
        downstream = []
        if name in lost and name in segment_graph:  # local producers further down lose a local input
            downstream = sorted(d for d in nx.descendants(segment_graph, name) if after[d].status in PRODUCING)
        segments.append({"环节": name, "产业链": segment.chain, "现状态": before[name].status,
                         "失去后状态": after[name].status, "失去本地生产": name in lost,
                         "受影响下游环节": downstream, "失去后原因": after[name].reason})
    segment_table = pd.DataFrame(segments, columns=["环节", "产业链", "现状态", "失去后状态", "失去本地生产",
                                                    "受影响下游环节", "失去后原因"])

    firms = []
    for link in (link for link in facts.links if link.upstream in lost):
        for p in facts.segments[link.downstream].local_producers:
            if p.enterprise != enterprise:
                firms.append({"企业": p.enterprise, "失去的投入": link.upstream, "关系": POTENTIAL,
                              "说明": f"「{link.upstream}」仅由{enterprise}本地生产，{p.enterprise}的「{link.downstream}」需外购"})
    graph = supply_network(store, facts)
    for buyer in (graph.successors(enterprise) if enterprise in graph else []):
        local_suppliers = {a for a in graph.predecessors(buyer)
                           if graph.nodes[a].get("local") and graph.edges[a, buyer]["actual"]}
        if graph.nodes[buyer].get("local") and local_suppliers == {enterprise}:
            for product in graph.edges[enterprise, buyer]["actual"]:
                firms.append({"企业": buyer, "失去的投入": product, "关系": ACTUAL,
                              "说明": f"{enterprise}是{buyer}唯一的本地供应商（{product}）"})
    firm_table = pd.DataFrame(firms, columns=["企业", "失去的投入", "关系", "说明"]).drop_duplicates(
        subset=["企业", "失去的投入", "关系"])
    summary = {"企业": enterprise, "涉及环节数": len(segment_table),
               "失去本地生产的环节": segment_table.loc[segment_table["失去本地生产"], "环节"].tolist(),
               "失去唯一本地供应的企业数": int(firm_table["企业"].nunique())}
    return Result(f"{enterprise}流失影响", {"环节影响": segment_table, "失去唯一本地供应的企业": firm_table}, summary)
