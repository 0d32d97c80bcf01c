"""本地配套率: of the input segments a chain (or one enterprise) needs, the share made locally.

Inputs are the upstream ends of FEEDS links into the chain's segments (or into the
segments the enterprise produces in). An input counts as local when it has a local
producer (status 优势 or 薄弱, see `queries/gaps.py`). Two rates:
  by count     local inputs ÷ inputs;
  by share     Σ input_share of links from local inputs ÷ Σ input_share, over the links
               whose input share is known (null when none is).
"""

from __future__ import annotations

import pandas as pd

from graph import Store
from queries import read
from queries.facts import chain_facts
from queries.gaps import PRODUCING, is_assumed, verdicts
from queries.progress import target_text
from queries.result import Result, merged
from queries.settings import GapRules, load_settings

SUPPLY_METRICS = ("供应率", "配套率")  # target metrics that this rate measures
COLUMNS = ["投入环节", "所属产业链", "用于", "投入占比", "本地生产", "状态", "本地企业", "外地企业数", "推定", "来源"]


def supply_rate(store: Store, chain: str | None = None, enterprise: str | None = None,
                rules: GapRules | None = None) -> Result:
    """The local supply rate of `chain` or of `enterprise` (names already resolved)."""
    if (chain is None) == (enterprise is None):
        raise ValueError("name a chain or an enterprise")
    rules = rules or load_settings().gaps
    if chain is not None:
        subject, chains, needs = chain, [chain], None
    else:
        [profile] = read(store, "enterprise", {"names": [enterprise]})
        subject, needs, chains = enterprise, set(profile["segments"]), sorted(set(profile["chains"]))
    facts = chain_facts(store, chains)
    found = verdicts(facts, rules)
    if needs is not None:  # a sub-segment needs what its parent segments need
        for name in list(needs):
            while (name := facts.segments[name].parent) is not None:
                needs.add(name)
    links = [link for link in facts.links
             if (link.downstream in needs if needs is not None else facts.segments[link.downstream].chain == chain)]

    rows = {}
    for link in links:
        segment = facts.segments[link.upstream]
        row = rows.setdefault(link.upstream, {
            "投入环节": link.upstream, "所属产业链": segment.chain, "用于": [], "投入占比": [],
            "本地生产": found[link.upstream].status in PRODUCING, "状态": found[link.upstream].status,
            "本地企业": list(found[link.upstream].producers),
            "外地企业数": segment.outside_count,
            "推定": True, "来源": []})
        row["用于"].append(link.downstream)
        row["投入占比"].append(link.input_share)
        row["推定"] = row["推定"] and is_assumed(link, rules)
        row["来源"] = merged(row["来源"], link.sources)
    table = pd.DataFrame(list(rows.values()), columns=COLUMNS)

    local = int(table["本地生产"].sum())
    shared = [(link.input_share, found[link.upstream].status in PRODUCING)
              for link in links if link.input_share is not None]
    total_share = sum(share for share, _ in shared)
    summary = {
        "对象": subject, "类型": "产业链" if chain is not None else "企业",
        "投入环节数": len(table), "本地生产环节数": local,
        "本地配套率（按环节数）": round(local / len(table), 4) if len(table) else None,
        "本地配套率（按投入占比）": round(sum(s for s, is_local in shared if is_local) / total_share, 4)
        if total_share else None,
        "有投入占比的连接": f"{len(shared)}/{len(links)}",
        "外购环节": table.loc[~table["本地生产"], "投入环节"].tolist(),
    }
    if chain is not None:
        summary["目标"] = [f"{t['target']}：{target_text(t['value_text'], t['note']) or '未公开（无数值）'}"
                         for t in read(store, "target_progress", {"chain": chain})
                         if any(word in (t["metric"] or "") for word in SUPPLY_METRICS)]
    return Result(f"{subject}本地配套率", {"投入环节": table}, summary)
