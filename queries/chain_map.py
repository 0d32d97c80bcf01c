"""产业链图谱: one chain's segments by stage with their status, enterprises and projects,
the FEEDS links between them, and the lead firm."""

from __future__ import annotations

import pandas as pd

from graph import Store
from queries import read
from queries.facts import chain_facts
from queries.gaps import is_assumed, verdicts
from queries.result import Result
from queries.settings import STATUSES, GapRules, load_settings


def chain_map(store: Store, chain: str, rules: GapRules | None = None) -> Result:
    """The map of `chain` (already resolved) as tables: 环节, 上下游, 企业 (local ones; outside
    producers are counted per segment, and listed by the target list), 项目."""
    rules = rules or load_settings().gaps
    [info] = read(store, "chain", {"chain": chain})
    facts = chain_facts(store, [chain])
    found = verdicts(facts, rules)
    own = facts.own()

    segments = pd.DataFrame([{
        "阶段": s.stage, "环节": s.name, "上级环节": s.parent, "状态": found[s.name].status,
        "原因": found[s.name].reason,
        "本地企业": [name + ("（链主）" if name in found[s.name].lead else "") for name in s.enterprises()],
        "外地企业数": s.outside_count,
        "项目": [f"{pr.project}（{pr.status or '状态未知'}）" for pr in s.distinct_projects()],
        "示例": s.illustrative, "来源": list(s.sources)} for s in own],
        columns=["阶段", "环节", "上级环节", "状态", "原因", "本地企业", "外地企业数", "项目", "示例", "来源"])
    links = pd.DataFrame([{
        "上游环节": link.upstream, "下游环节": link.downstream,
        "链外环节": link.upstream if link.upstream_chain != chain else
                   link.downstream if link.downstream_chain != chain else None,
        "投入占比": link.input_share, "推定": is_assumed(link, rules), "示例": link.illustrative,
        "来源": list(link.sources)} for link in facts.links],
        columns=["上游环节", "下游环节", "链外环节", "投入占比", "推定", "示例", "来源"])
    enterprises = pd.DataFrame([{
        "环节": s.name, "企业": p.enterprise, "链主": chain in p.leads,
        "主要产品": p.product, "产能": p.capacity_text, "产量": p.output_text, "示例": p.illustrative,
        "来源": list(p.sources)} for s in own for p in s.producers if p.segment == s.name],
        columns=["环节", "企业", "链主", "主要产品", "产能", "产量", "示例", "来源"])
    projects = pd.DataFrame([{
        "环节": s.name, "项目": pr.project, "状态": pr.status, "类型": pr.kind, "投资企业": list(pr.investors),
        "建设规模": pr.capacity_text, "示例": pr.illustrative, "来源": list(pr.sources)}
        for s in own for pr in s.projects if pr.segment == s.name],
        columns=["环节", "项目", "状态", "类型", "投资企业", "建设规模", "示例", "来源"])
    summary = {"产业链": chain, "等级": info["class"], "链长": info["chief"], "链办": info["office"],
               "链主企业": info["leads"], "环节数": len(segments),
               "状态统计": {status: int((segments["状态"] == status).sum()) for status in STATUSES},
               "来源": info["sources"]}
    return Result(f"{chain}产业链图谱", {"环节": segments, "上下游": links, "企业": enterprises, "项目": projects},
                  summary)
