"""招商目标企业清单: outside enterprises ranked for a gap segment, or for a chain's gaps.

Candidates are outside enterprises that produce the segment or invest in a project that
fills it. Each gets a part between 0 and 1 per criterion, and
    得分 = Σ weight × part ÷ Σ weight × 100,
with weights and thresholds from `queries/settings.yaml` (`targets:`) unless given.
Each row says why (推荐理由) and where the facts come from (来源).
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from graph import Store
from queries import read, read_batches
from queries.facts import chain_facts
from queries.gaps import verdicts
from queries.result import Result, merged
from queries.settings import TargetRules, Weights, load_settings

# part name -> column header
PARTS = {"produces": "生产该环节", "supplies_local": "已为本地配套", "scale": "规模", "listed": "上市",
         "specialised": "专精特新", "region": "地区偏好", "pipeline": "已在项目库"}
ALL = 2**31 - 1  # the LIMIT of a list without `top` (FalkorDB reads no more than 31 bits)
COLUMNS = ["排名", "环节", "企业", "得分", *PARTS.values(), "推荐理由", "地区", "主要产品", "示例", "来源"]


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
        profiles = {row["name"]: row for row in read_batches(store, "candidates", sorted(found))}
        scored = sorted((_score(name, profiles[firm], fact, rules) for firm, fact in found.items()),
                        key=lambda scored: (-scored[0], scored[1]["企业"]))
        for rank, (_, row) in enumerate(scored[:top], start=1):
            rows.append(row | {"排名": rank})
    table = pd.DataFrame(rows, columns=COLUMNS)

    cited = sorted({s for row in rows for s in row["来源"]})
    sources = pd.DataFrame(read(store, "sources", {"ids": cited}) if cited else [],
                           columns=["id", "title", "publisher", "date", "locator"]).rename(
        columns={"id": "来源编号", "title": "文件名称", "publisher": "发布单位", "date": "文件日期", "locator": "文件位置"})
    dates = sources["文件日期"].dropna()
    summary = {"产业链": chain, "环节": segment or "、".join(segments), "生成日期": dt.date.today().isoformat(),
               "数据日期": max(dates) if len(dates) else None, "候选企业数": len(table),
               "示例行数": int(table["示例"].sum()),
               "权重": {PARTS[k]: v for k, v in rules.weights.model_dump().items()},
               "得分公式": "得分 = Σ 权重 × 分项 ÷ Σ 权重 × 100；分项在 0 到 1 之间"}
    return Result(f"{chain or segment}招商目标企业清单", {"招商目标": table, "来源": sources}, summary)


def _candidates(store: Store, segment: str, rules: TargetRules, top: int | None) -> dict[str, dict]:
    """enterprise -> what makes it a candidate for `segment`: the producers that rank
    first on their own parts, and every candidate tied to the city (see the two queries)."""
    own = own_parameters(rules)
    local = len(read(store, "producers", {"segments": [segment]}))
    with ThreadPoolExecutor(2) as pool:  # two reads the server answers side by side
        ranked = pool.submit(read, store, "target_producers",
                             {"segment": segment, "limit": top + local if top else ALL, **own})
        linked = pool.submit(read, store, "target_linked", {"segment": segment})
        rows = [row for row in ranked.result() if not row["local"]] + linked.result()
    found: dict[str, dict] = {}
    for row in rows:
        c = found.setdefault(row["enterprise"], {"produces": False, "product": None, "sources": [],
                                                 "illustrative": False})
        c["produces"] |= row["produces"]
        c["product"] = c["product"] or row["product"]
        c["sources"] = merged(c["sources"], row["sources"])
        c["illustrative"] |= row["illustrative"]
    return found


def own_parameters(rules: TargetRules) -> dict:
    """target_producers.cypher's parameters for the parts an enterprise holds by itself."""
    weights = rules.weights
    return {"weights": {"scale": weights.scale, "listed": weights.listed, "specialised": weights.specialised,
                        "region": weights.region},
            "full_at": float(rules.scale_full_at), "listed": rules.listed_tags,
            "specialised": sorted(([tag, float(value)] for tag, value in rules.specialised_tags.items()),
                                  key=lambda pair: -pair[1]),  # best first: the query takes the first match
            "regions": rules.preferred_regions}


def _score(segment: str, profile: dict, found: dict, rules: TargetRules) -> tuple[float, dict]:
    """(exact score, the list's row); the parts as target_producers.cypher computes them."""
    tags = profile["tags"]
    capital = profile["capital"]
    region = profile["region"] or ""
    parts = {
        "produces": float(found["produces"]),
        "supplies_local": float(bool(profile["supplies_local"])),
        "scale": min(1.0, capital / rules.scale_full_at) if capital else 0.0,
        "listed": float(any(t in rules.listed_tags for t in tags)),
        "specialised": max((float(value) for tag, value in rules.specialised_tags.items()
                            if any(tag in t for t in tags)), default=0.0),
        "region": float(any(r in region for r in rules.preferred_regions)),
        "pipeline": float(bool(profile["pipeline"])),
    }
    reasons = {
        "produces": f"生产{segment}" + (f"（{found['product']}）" if found["product"] else ""),
        "supplies_local": f"已为本地企业配套：{'、'.join(profile['supplies_local'])}",
        "scale": f"注册资本 {capital:g} 亿元" if capital else "",
        "listed": "上市企业",
        "specialised": "、".join(t for t in tags if any(tag in t for tag in rules.specialised_tags)),
        "region": f"位于{region}",
        "pipeline": f"已在招商项目库：{'、'.join(profile['pipeline'])}",
    }
    weights = rules.weights.model_dump()
    score = sum(weights[k] * v for k, v in parts.items()) / (sum(weights.values()) or 1) * 100
    return score, {"环节": segment, "企业": profile["name"], "得分": round(score, 1),
            **{PARTS[k]: round(v, 2) for k, v in parts.items()},
            "推荐理由": [reasons[k] for k, v in parts.items() if v > 0],
            "地区": profile["region"], "主要产品": found["product"],
            "示例": found["illustrative"] or profile["illustrative"],
            "来源": merged(found["sources"], profile["sources"])}
