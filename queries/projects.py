"""项目台账: the pipeline by status per chain, and lagging projects, each with the rule
that flagged it (thresholds in `queries/settings.yaml`, `projects:`). A rule that a
project's status calls for but its data cannot answer is named in 未能检查; a project none of
whose rules could be checked counts as 无法判断, never as on schedule."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd

from graph import Store, clock, load_schema
from queries import read
from queries.layout import UNKNOWN_COLOR
from queries.result import Result
from queries.settings import ProjectRules, load_settings

UNKNOWN = "状态未知"
# Pipeline colours, light to dark as a project advances; 状态未知 in the grey no status uses.
STATUS_COLOURS = {"谋划": "#b0bec5", "签约": "#90caf9", "落地": "#64b5f6", "开工": "#1e88e5", "在建": "#1565c0",
                  "投产": "#2e7d32", "停建": "#8d6e63", UNKNOWN: UNKNOWN_COLOR}
REGISTER = ["产业链", "项目", "类型", "状态", "环节", "投资企业", "建设规模", "总投资（亿元）", "已完成投资（亿元）",
            "投资完成率", "签约资金（亿元）", "到位资金（亿元）", "资金到位率", "签约日期", "开工日期", "投产日期",
            "责任单位", "滞后规则", "未能检查", "无法判断", "示例", "来源"]


def statuses() -> list[str]:
    """Project statuses in pipeline order, as the schema lists them, then 状态未知."""
    return [*load_schema().nodes["Project"].properties["status"].enum, UNKNOWN]


def project_tracking(store: Store, chain: str | None = None, as_of: dt.date | None = None,
                     rules: ProjectRules | None = None) -> Result:
    """The register of `chain` (or all chains) with its lagging projects as of `as_of` (today)."""
    rules = rules or load_settings().projects
    as_of = as_of or clock.today()
    register, lagging = [], []
    for p in read(store, "projects", {"chain": chain}):
        completion = _ratio(p["completed_investment"], p["total_investment"])
        arrival = _ratio(p["funds_arrived"], p["funds_signed"])
        flags, unchecked, judged = _lagging(p, completion, arrival, as_of, rules)
        lagging += [{"产业链": p["chain"], "项目": p["project"], "状态": p["status"] or UNKNOWN, "规则": rule,
                     "说明": detail, "责任单位": p["responsible_unit"], "来源": p["sources"]} for rule, detail in flags]
        register.append({
            "产业链": p["chain"], "项目": p["project"], "类型": p["kind"], "状态": p["status"] or UNKNOWN,
            "环节": p["segments"], "投资企业": p["investors"], "建设规模": p["capacity"],
            "总投资（亿元）": p["total_investment"], "已完成投资（亿元）": p["completed_investment"],
            "投资完成率": completion, "签约资金（亿元）": p["funds_signed"], "到位资金（亿元）": p["funds_arrived"],
            "资金到位率": arrival, "签约日期": p["signed_date"], "开工日期": p["start_date"],
            "投产日期": p["finish_date"], "责任单位": p["responsible_unit"],
            "滞后规则": [rule for rule, _ in flags], "未能检查": unchecked,
            "无法判断": not judged, "示例": p["illustrative"],
            "来源": p["sources"]})
    table = pd.DataFrame(register, columns=REGISTER)
    lag_table = pd.DataFrame(lagging, columns=["产业链", "项目", "状态", "规则", "说明", "责任单位", "来源"])

    order = statuses()
    pipeline = (table.groupby(["产业链", "状态"], dropna=False)
                .agg(项目数=("项目", "size"), 总投资合计=("总投资（亿元）", lambda s: s.sum(min_count=1)),
                     总投资已知项目数=("总投资（亿元）", "count"))
                .reset_index()
                .sort_values(["产业链", "状态"], key=lambda col: col.map(order.index) if col.name == "状态" else col)
                .rename(columns={"总投资合计": "总投资合计（亿元）"}))
    summary = {"产业链": chain or "全部", "截至日期": as_of.isoformat(), "项目数": len(table),
               "滞后项目数": int(lag_table["项目"].nunique()), "无法判断项目数": int(table["无法判断"].sum()),
               "无法判断原因": dict(Counter(item for missing in table.loc[table["无法判断"], "未能检查"]
                                       for item in missing).most_common()),
               "状态统计": {s: int((table["状态"] == s).sum()) for s in order if (table["状态"] == s).any()}}
    return Result(f"{chain or '全部产业链'}项目台账",
                  {"项目台账": table, "分状态统计": pipeline, "滞后项目": lag_table}, summary)


def _ratio(part: float | None, whole: float | None) -> float | None:
    return round(part / whole, 4) if part is not None and whole else None


def _lagging(p: dict, completion, arrival, as_of: dt.date,
             rules: ProjectRules) -> tuple[list[tuple[str, str]], list[str], bool]:
    """(rule, detail) for every lagging rule the project meets; the rules its status calls
    for that its data cannot answer (each naming what is missing); and whether it could be
    judged at all (at least one rule its status calls for was checked)."""
    flags, unchecked, checked = [], [], 0
    status = p["status"]
    if status is None:
        return [], ["项目状态未知，无法套用滞后规则"], False
    if status in rules.completion_statuses:
        if completion is None:
            unchecked.append("投资完成率：缺少总投资或已完成投资")
        else:
            checked += 1
            if completion < rules.completion_min:
                flags.append((f"投资完成率低于 {rules.completion_min:.0%}", f"已完成 {p['completed_investment']:g} / "
                              f"总投资 {p['total_investment']:g} 亿元（{completion:.1%}）"))
    if status in rules.signed_statuses:
        if not p["signed_date"]:
            unchecked.append("签约后开工：缺少签约日期")
        else:
            checked += 1
            months = _months_between(dt.date.fromisoformat(p["signed_date"]), as_of)
            if months >= rules.signed_not_started_months:
                flags.append((f"签约超过 {rules.signed_not_started_months} 个月未开工",
                              f"签约于 {p['signed_date']}，至 {as_of.isoformat()} 已 {months} 个月仍为{status}"))
    if arrival is None and status in (*rules.signed_statuses, *rules.completion_statuses):
        unchecked.append("资金到位率：缺少签约资金或到位资金")
    elif arrival is not None:
        checked += 1
        if arrival < rules.funds_arrival_min:
            flags.append((f"资金到位率低于 {rules.funds_arrival_min:.0%}",
                          f"到位 {p['funds_arrived']:g} / 签约 {p['funds_signed']:g} 亿元（{arrival:.1%}）"))
    if status in rules.overdue_statuses:
        if not p["finish_date"]:
            unchecked.append("计划投产：缺少投产日期")
        else:
            checked += 1
            if dt.date.fromisoformat(p["finish_date"]) < as_of:
                flags.append(("计划投产日期已过未投产", f"计划 {p['finish_date']} 投产，目前{status}"))
    return flags, unchecked, bool(checked) or not unchecked


def headline(summary: dict) -> str:
    """"滞后 N 个；另 M 个…无法判断": the lagging count never read as "all on schedule"."""
    text = f"截至 {summary['截至日期']}：项目 {summary['项目数']} 个，滞后 {summary['滞后项目数']} 个"
    if summary["无法判断项目数"]:
        why = "；".join(f"{item} {n} 个" for item, n in summary["无法判断原因"].items())
        text += f"；另 {summary['无法判断项目数']} 个缺少判断所需数据，无法判断是否滞后（{why}）"
    return text


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end`."""
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
