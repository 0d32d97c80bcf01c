"""配套关系 of an enterprise, and the impact of losing it.

The supply network is walked from the enterprise asked about, hop by hop through the
name index, so its cost follows the neighbourhood and not the graph (a national directory
holds millions of firms). A links to B when A supplies B (SUPPLIES, 实际配套), or when A
and B are both local and A produces a segment that FEEDS a segment B produces (潜在配套,
inferred from the chain; these few links are held in networkx). Outside producers of a
neighbouring segment are not 配套 of the city yet: they are the target list's candidates.

Impact of losing an enterprise: every segment's gap status is recomputed without it;
segments that lose their last local producer are reported with the downstream segments
that depend on them, and local firms that lose their only local supplier of an input.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import networkx as nx
import pandas as pd

from graph import Store
from queries import read_packed
from queries.facts import ChainFacts, chain_facts
from queries.gaps import PRODUCING, verdicts
from queries.result import Result, merged
from queries.settings import GapRules, load_settings

ACTUAL, POTENTIAL = "实际配套", "潜在配套"
UPSTREAM, DOWNSTREAM = "供应商", "客户"
SIDE_BY_SIDE = 1000
NO_PRODUCT = "（产品未填）"
COLUMNS = ["方向", "企业", "本地", "跳数", "关系", "经由", "路径", "来源"]


def local_network(facts: ChainFacts) -> nx.DiGraph:
    """Local enterprises (attribute `local`) and the inferred links between them; edges
    carry `actual` products and `potential` segment links ("隔膜→电芯"), and their sources."""
    graph = nx.DiGraph()
    graph.add_nodes_from((p.enterprise for s in facts.segments.values() for p in s.producers), local=True)
    for link in facts.links:  # a sub-segment's producers also make the segment (facts roll them up)
        for a in facts.segments[link.upstream].producers:
            for b in facts.segments[link.downstream].producers:
                if a.enterprise != b.enterprise:
                    _edge(graph, a.enterprise, b.enterprise, "potential", f"{link.upstream}→{link.downstream}",
                          link.sources)
    return graph


def supplies(store: Store, names: list[str], direction: str) -> list[dict]:
    """The SUPPLIES relations into (供应商) or out of (客户) `names`, in batches of a
    thousand (the embedded server answers them side by side)."""
    return read_packed(store, "suppliers_of" if direction == UPSTREAM else "customers_of", names,
                       batch_size=SIDE_BY_SIDE)


def add_supplies(store: Store, graph: nx.DiGraph, names: set[str], direction: str) -> set[str]:
    """Add the SUPPLIES relations into (供应商) or out of (客户) `names`; returns the
    enterprises found at their other end."""
    found = set()
    for row in supplies(store, sorted(names), direction):
        for end in ("supplier", "buyer"):
            graph.add_node(row[end], local=row[f"{end}_local"])
        _edge(graph, row["supplier"], row["buyer"], "actual", row["product"] or NO_PRODUCT, row["sources"])
        found.add(row["supplier"] if direction == UPSTREAM else row["buyer"])
    return found


def _edge(graph: nx.DiGraph, a: str, b: str, kind: str, what: str, sources) -> None:
    if not graph.has_edge(a, b):
        graph.add_edge(a, b, actual=[], potential=[], sources=[])
    data = graph.edges[a, b]
    data[kind].append(what)
    data["sources"] = merged(data["sources"], sources)


def relations(store: Store, enterprise: str, hops: int = 2) -> Result:
    """Suppliers and customers of `enterprise` (already resolved) up to `hops` away."""
    with ThreadPoolExecutor(3) as pool:  # the chain's facts and the two directions read side by side
        local = pool.submit(lambda: local_network(chain_facts(store)))
        sides = [pool.submit(_within, store, local, enterprise, direction, hops) for direction in (UPSTREAM, DOWNSTREAM)]
        rows = [row for side in sides for row in side.result()]
    table = pd.DataFrame(rows, columns=COLUMNS)
    summary = {"企业": enterprise, "跳数上限": hops}
    for direction in (UPSTREAM, DOWNSTREAM):
        found = table[table["方向"] == direction]
        summary |= {f"{direction}数": len(found), f"本地{direction}数": int(found["本地"].sum())}
    return Result(f"{enterprise}配套关系", {"配套关系": table}, summary)


def _within(store: Store, local: Future[nx.DiGraph], enterprise: str, direction: str, hops: int) -> list[tuple]:
    """A row (COLUMNS) for each enterprise within `hops` of `enterprise` in `direction`, by
    a shortest path (breadth first; of equal ones, through the nearer firm first in name
    order). Each hop is one read of the SUPPLIES relations at the frontier, plus the
    inferred local links. Plain lists, not networkx: a national directory's busiest buyer
    has thousands of firms within two hops, and only the link that first reaches each one
    is kept; a firm's row extends the row of the firm it was reached from."""
    upstream = direction == UPSTREAM
    near_end, far_end, far_local = ("buyer", "supplier", "supplier_local") if upstream else (
        "supplier", "buyer", "buyer_local")
    shown = {enterprise: (True, "", enterprise, [])}  # firm -> its row's (actual, 经由, 路径, 来源)
    frontier, rows = [enterprise], []
    ahead = None  # the next hop's firms and their relations, read while the local links are read
    with ThreadPoolExecutor(1) as pool:
        for hop in range(1, hops + 1):
            order = {near: i for i, near in enumerate(frontier)}
            reached: dict[str, list] = {}  # far -> [frontier index, near, products, links, sources, local]

            def offer(near: str, far: str, products: list, links: list, sources, is_local: bool) -> None:
                if far in shown:
                    return
                here = reached.get(far)
                if here is None or order[near] < here[0]:
                    reached[far] = here = [order[near], near, [], [], [], is_local]
                elif order[near] > here[0]:
                    return
                here[2] += products
                here[3] += links
                here[4] = merged(here[4], sources)

            for row in _relations(store, frontier, direction, ahead):
                offer(row[near_end], row[far_end], [row["product"] or NO_PRODUCT], [], row["sources"], row[far_local])
            if hop < hops:  # a firm reached through SUPPLIES is in the next frontier, whatever the local links add
                sure = sorted(reached)
                ahead = set(sure), pool.submit(supplies, store, sure, direction)
            network = local.result()
            for near in (near for near in frontier if near in network):
                for far in (network.predecessors(near) if upstream else network.successors(near)):
                    edge = network.edges[far, near] if upstream else network.edges[near, far]
                    offer(near, far, [], edge["potential"], edge["sources"], True)
            frontier = sorted(reached)
            for far in frontier:
                _, near, products, links, sources, is_local = reached[far]
                actual, via, route, cited = shown[near]
                link = products[0] if products else links[0]
                if upstream:  # written in the direction goods flow: far → near → … → enterprise
                    steps, route, cited = (link, via), f"{far} → {route}", merged(sources, cited)
                else:
                    steps, route, cited = (via, link), f"{route} → {far}", merged(cited, sources)
                shown[far] = row = (actual and bool(products), "；".join(filter(None, steps)), route, cited)
                rows.append((direction, far, bool(is_local), hop, ACTUAL if row[0] else POTENTIAL, *row[1:]))
            if not frontier:
                break
    return rows


def _relations(store: Store, frontier: list[str], direction: str, ahead: tuple[set, Future] | None) -> list[dict]:
    """The SUPPLIES relations at `frontier`: those read ahead, and the other firms'."""
    if ahead is None:
        return supplies(store, frontier, direction)
    read_ahead, rows = ahead
    rest = [firm for firm in frontier if firm not in read_ahead]
    return rows.result() + (supplies(store, rest, direction) if rest else [])


def impact(store: Store, enterprise: str, rules: GapRules | None = None) -> Result:
    """What the city loses if `enterprise` (already resolved) leaves."""
    rules = rules or load_settings().gaps
    facts = chain_facts(store)
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
        for p in facts.segments[link.downstream].producers:
            if p.enterprise != enterprise:
                firms.append({"企业": p.enterprise, "失去的投入": link.upstream, "关系": POTENTIAL,
                              "说明": f"「{link.upstream}」仅由{enterprise}本地生产，{p.enterprise}的「{link.downstream}」需外购"})
    graph = local_network(facts)
    buyers = add_supplies(store, graph, {enterprise}, DOWNSTREAM)
    add_supplies(store, graph, buyers, UPSTREAM)
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
