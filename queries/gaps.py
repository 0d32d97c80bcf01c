"""Gap status of every segment (优势 / 薄弱 / 在建 / 缺失) with its reason, and 断链.

The rules (thresholds in `queries/settings.yaml`, `gaps:`):
  优势  the chain's lead firm produces it locally, or at least `strong_min_producers`
        local producers do and local capacity is not known to fall short of local demand;
  薄弱  local producers exist, but fewer than that, or capacity < demand × `demand_coverage_min`;
  在建  no local producer, but a project in a `building_statuses` status fills it;
  缺失  no local producer and no such project.
A local producer is a local enterprise operating in the segment (or a sub-segment), or a
project in a `producing_statuses` status (投产) that no counted enterprise invested in; each
counts once however many sub-segments it fills.
断链: a FEEDS link whose upstream side has no local producer while its downstream side has one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from graph import Store
from queries.facts import ChainFacts, Link, Segment, SegmentProject, chain_facts
from queries.result import Result
from queries.settings import STATUSES, GapRules, load_settings

PRODUCING = ("优势", "薄弱")


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str
    producers: tuple[str, ...]  # local enterprises, and producing projects, that count
    lead: tuple[str, ...]  # the chain's lead firms among them
    building: tuple[str, ...]  # projects filling it


def classify(segment: Segment, rules: GapRules, without: frozenset[str] = frozenset()) -> Verdict:
    """The segment's status and why; `without` removes enterprises (for impact analysis)."""
    producers = [p for p in segment.producers if p.enterprise not in without]
    enterprises = list(dict.fromkeys(p.enterprise for p in producers))
    live = [pr for pr in segment.distinct_projects() if not (pr.investors and set(pr.investors) <= without)]
    producing_all = [pr for pr in live if pr.status in rules.producing_statuses]
    producing = [pr for pr in producing_all if not set(pr.investors) & set(enterprises)]
    building = [pr for pr in live if pr.status in rules.building_statuses]
    others = [pr for pr in segment.distinct_projects() if pr not in producing_all and pr not in building]
    lead = tuple(dict.fromkeys(p.enterprise for p in producers if segment.chain in p.leads))
    count = len(enterprises) + len(producing)
    capacity_ok = _capacity_covers(segment, producers, producing, rules)

    if lead or (count >= rules.strong_min_producers and capacity_ok is not False):
        status = "优势"
    elif count:
        status = "薄弱"
    elif building:
        status = "在建"
    else:
        status = "缺失"

    names = enterprises + [_project_label(pr, segment) for pr in producing]
    reasons = [f"仅 1 家本地生产企业：{names[0]}" if count == 1 and status == "薄弱"
               else f"本地生产企业 {count} 家：{'、'.join(names)}" if count else "无本地生产企业"]
    if lead:
        reasons.append(f"链主企业{'、'.join(lead)}本地生产")
    if segment.demand is not None:
        reasons.append(_capacity_text(segment, producers, producing, capacity_ok))
    if building:
        reasons.append(f"{len(building)} 个推进中项目：{'、'.join(_project_label(pr, segment) for pr in building)}")
    if others:
        reasons.append(f"另有 {len(others)} 个项目不计入：{'、'.join(_project_label(pr, segment) for pr in others)}")
    return Verdict(status, "；".join(reasons), tuple(enterprises) + tuple(pr.project for pr in producing),
                   lead, tuple(pr.project for pr in building))


def _project_label(project: SegmentProject, segment: Segment) -> str:
    where = f"，细分环节{project.segment}" if project.segment != segment.name else ""
    return f"{project.project}（{project.status or '状态未知'}{where}）"


def _capacity(segment: Segment, producers, producing) -> tuple[float, bool]:
    """Local capacity in the unit of the segment's demand, and whether all of it is known."""
    capacities = [(f.capacity, f.capacity_unit) for f in [*producers, *producing]]
    known = [c for c, unit in capacities if c is not None and unit == segment.demand_unit]
    return sum(known), len(known) == len(capacities)


def _capacity_covers(segment: Segment, producers, producing, rules: GapRules) -> bool | None:
    """True / False when local capacity is known to cover / fall short of demand, else None."""
    if segment.demand is None:
        return None
    total, all_known = _capacity(segment, producers, producing)
    if total >= segment.demand * rules.demand_coverage_min:
        return True
    return False if all_known else None


def _capacity_text(segment: Segment, producers, producing, capacity_ok: bool | None) -> str:
    total, _ = _capacity(segment, producers, producing)
    known = f"本地产能 {total:g}{segment.demand_unit or ''}，本地需求 {segment.demand_text}"
    return known + {True: "，可满足", False: "，产能不足", None: "，部分产能未知"}[capacity_ok]


def verdicts(facts: ChainFacts, rules: GapRules, without: frozenset[str] = frozenset()) -> dict[str, Verdict]:
    return {name: classify(segment, rules, without) for name, segment in facts.segments.items()}


def is_assumed(link: Link, rules: GapRules) -> bool:
    """A link cited only to editor's domain knowledge (推定), not to a document."""
    return bool(link.sources) and set(link.sources) <= set(rules.assumed_sources)


def gaps(store: Store, chain: str | None = None, rules: GapRules | None = None) -> Result:
    """Every segment's status and reason, and the 断链 links, for `chain` (or all chains)."""
    rules = rules or load_settings().gaps
    facts = chain_facts(store, None if chain is None else [chain])
    found = verdicts(facts, rules)
    rows = [{"产业链": s.chain, "环节": s.name, "阶段": s.stage, "状态": found[s.name].status,
             "原因": found[s.name].reason, "本地企业": s.enterprises(),
             "项目": [f"{pr.project}（{pr.status or '状态未知'}）" for pr in s.distinct_projects()],
             "示例": s.illustrative or any(p.illustrative for p in s.producers),
             "来源": list(s.sources)} for s in facts.own()]
    table = pd.DataFrame(rows, columns=["产业链", "环节", "阶段", "状态", "原因", "本地企业", "项目", "示例", "来源"])
    counts = {status: int((table["状态"] == status).sum()) for status in STATUSES}
    return Result(f"{chain or '全部产业链'}缺链分析", {"环节状态": table, "断链": breaks(facts, found, rules)},
                  {"产业链": chain or "全部", "环节数": len(table), "状态统计": counts})


def breaks(facts: ChainFacts, found: dict[str, Verdict], rules: GapRules) -> pd.DataFrame:
    """FEEDS links whose upstream has no local producer while the downstream has one."""
    rows = []
    for link in facts.links:
        up, down = found.get(link.upstream), found.get(link.downstream)
        if up is None or down is None or up.status in PRODUCING or down.status not in PRODUCING:
            continue
        rows.append({"上游环节": link.upstream, "上游产业链": link.upstream_chain, "上游状态": up.status,
                     "下游环节": link.downstream, "下游产业链": link.downstream_chain,
                     "下游本地企业": list(down.producers),
                     "说明": f"上游「{link.upstream}」无本地生产企业，下游「{link.downstream}」的本地企业需外购",
                     "推定": is_assumed(link, rules), "来源": list(link.sources)})
    return pd.DataFrame(rows, columns=["上游环节", "上游产业链", "上游状态", "下游环节", "下游产业链",
                                       "下游本地企业", "说明", "推定", "来源"])
