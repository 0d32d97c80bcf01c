"""招商目标企业清单: outside enterprises ranked for a gap segment, or for a chain's gaps.

Candidates are outside enterprises that produce the segment or invest in a project that
fills it. Each gets a part between 0 and 1 per criterion, or 未知 when the facts it needs
are not in the graph (no registered capital or region; no tag or stock code saying it is
listed or 专精特新: a missing tag is not evidence of the opposite), and
    得分 = Σ weight × part ÷ Σ weight of the known parts × 100,  信息完整度 = Σ weight of
    the known parts ÷ Σ weight,
computed in `fragments/score.cypher` with weights and thresholds from
`queries/settings.yaml` (`targets:`) unless given. Equal scores rank the better-known
candidate first; equal on both, they share a rank. Each row says why (推荐理由), what is
not known (待补信息) and where the facts come from (来源).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from graph import Store, clock
from queries import read, read_batches
from queries.facts import chain_facts
from queries.gaps import verdicts
from queries.result import Result, merged
from queries.settings import PARTS, TargetRules, Weights, load_settings

UNKNOWN = "未知"
MISSING = {"scale": "注册资本", "listed": "上市情况", "specialised": "专精特新认定", "region": "所在地区"}
ALL = 2**31 - 1  # the LIMIT of a list without `top` (FalkorDB reads no more than 31 bits)
COLUMNS = ["排名", "环节", "企业", "得分", "信息完整度", *PARTS.values(), "推荐理由", "待补信息", "地区", "主要产品",
           "示例", "来源"]


def target_list(store: Store, segment: str | None = None, chain: str | None = None,
                weights: Weights | dict | None = None, rules: TargetRules | None = None,
                top: int | None = None) -> Result:
    """Ranked candidates for `segment`, or for every gap segment of `chain` (names resolved);
    with `top`, the first `top` of each segment."""
    if (segment is None) == (chain is None):
        raise ValueError("name a segment or a chain")
    rules = rules or load_settings().targets
    if weights is not None:
        rules = rules.model_copy(update={"weights": Weights.model_validate(dict(weights))})
    if segment is not None:
        segments = [segment]
    else:
        facts = chain_facts(store, [chain])
        found = verdicts(facts, load_settings().gaps)
        segments = [s.name for s in facts.own() if found[s.name].status in rules.gap_statuses]

    rows = []
    for name in segments:
        found = _candidates(store, name, rules, top)
        profiles = read_batches(store, "candidates", sorted(found), params=score_parameters(name, rules))
        ranked = sorted(profiles, key=lambda p: (p["score"] is None, -(p["score"] or 0), -(p["completeness"] or 0),
                                                 p["name"]))[:top]
        places = [(None if p["score"] is None else round(p["score"], 1), p["completeness"]) for p in ranked]
        for profile, place in zip(ranked, places):
            rows.append(_row(name, profile, found[profile["name"]], rules) | {"排名": places.index(place) + 1})
    table = pd.DataFrame(rows, columns=COLUMNS)

    cited = sorted({s for row in rows for s in row["来源"]})
    sources = pd.DataFrame(read(store, "sources", {"ids": cited}) if cited else [],
                           columns=["id", "title", "publisher", "date", "locator"]).rename(
        columns={"id": "来源编号", "title": "文件名称", "publisher": "发布单位", "date": "文件日期", "locator": "文件位置"})
    dates = sources["文件日期"].dropna()
    if chain is None:
        chain = "、".join(row["chain"] for row in read(store, "segment_chain", {"segment": segment})) or None
    summary = {"产业链": chain, "环节": segment or "、".join(segments), "生成日期": clock.today().isoformat(),
               "数据日期": max(dates) if len(dates) else "所引来源均未注明日期", "候选企业数": len(table),
               "示例行数": int(table["示例"].sum()),
               "权重": {PARTS[k]: f"{v:g}" for k, v in rules.weights.model_dump().items()},
               "得分公式": "得分 = Σ 权重 × 分项 ÷ 已知分项的权重之和 × 100；分项在 0 到 1 之间，缺少事实的分项为“未知”，"
                       "不计入得分；信息完整度 = 已知分项的权重之和 ÷ 全部权重之和；得分相同时信息完整度高者在前，两者都相同为并列"}
    return Result(f"{segment or chain}招商目标企业清单", {"招商目标": table, "来源": sources}, summary)


def _candidates(store: Store, segment: str, rules: TargetRules, top: int | None) -> dict[str, dict]:
    """enterprise -> what makes it a candidate for `segment` (its product, sources, 示例):
    the producers that rank first, and every candidate tied to the city (see the two queries)."""
    local = len(read(store, "producers", {"segments": [segment]}))
    with ThreadPoolExecutor(2) as pool:  # two reads the server answers side by side
        ranked = pool.submit(read, store, "target_producers",
                             {"limit": top + local if top else ALL, **score_parameters(segment, rules)})
        linked = pool.submit(read, store, "target_linked", {"segment": segment})
        rows = [row for row in ranked.result() if not row["local"]] + linked.result()
    found: dict[str, dict] = {}
    for row in rows:
        c = found.setdefault(row["enterprise"], {"product": None, "sources": [], "illustrative": False})
        c["product"] = c["product"] or row["product"]
        c["sources"] = merged(c["sources"], row["sources"])
        c["illustrative"] |= row["illustrative"]
    return found


def score_parameters(segment: str, rules: TargetRules) -> dict:
    """The parameters of fragments/score.cypher."""
    weights = {k: float(v) for k, v in rules.weights.model_dump().items()}
    return {"segment": segment, "weights": weights, "total": sum(weights.values()), "full_at": float(rules.scale_full_at),
            "listed": list(rules.listed_tags),
            "specialised": sorted(([tag, float(value)] for tag, value in rules.specialised_tags.items()),
                                  key=lambda pair: -pair[1]),  # best first: the query takes the first match
            "regions": list(rules.preferred_regions)}


def _row(segment: str, profile: dict, found: dict, rules: TargetRules) -> dict:
    """The list's row of one candidate: its parts as the query scored them, and why."""
    parts = {k: profile["parts"][k] for k in PARTS}
    tags, capital, region = profile["tags"], profile["capital"], profile["region"]
    reasons = {
        "produces": f"生产{segment}" + (f"（{found['product']}）" if found["product"] else ""),
        "supplies_local": f"已为本地企业配套：{'、'.join(profile['local_customers'])}",
        "scale": f"注册资本 {capital:g} 亿元" if capital else "",
        "listed": "上市企业" + (f"（股票代码 {profile['stock_code']}）" if profile["stock_code"] else ""),
        "specialised": "、".join(t for t in tags if any(tag in t for tag in rules.specialised_tags)),
        "region": f"位于{region}",
        "pipeline": f"已在招商项目库：{'、'.join(profile['projects'])}",
    }
    missing = list(dict.fromkeys(MISSING[k] for k, v in parts.items() if v is None))
    return {"环节": segment, "企业": profile["name"],
            "得分": None if profile["score"] is None else round(profile["score"], 1),
            "信息完整度": None if profile["completeness"] is None else round(profile["completeness"], 4),
            **{PARTS[k]: UNKNOWN if v is None else round(v, 2) for k, v in parts.items()},
            "推荐理由": [reasons[k] for k, v in parts.items() if v],
            "待补信息": [f"缺少{'、'.join(missing)}（可在“数据管理”页导入企业名录补充）"] if missing else [],
            "地区": region, "主要产品": found["product"],
            "示例": found["illustrative"] or profile["illustrative"],
            "来源": merged(found["sources"], profile["sources"])}
