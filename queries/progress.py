"""Target progress: each target against its latest actual. A metric that accrues over the
year (产值, 投资: `progress.cumulative_metrics` in settings.yaml) is compared with 时序进度,
the share of the period elapsed at the actual's date; any other (a rate such as 本地供应率)
with the target itself. Each row says in 进度说明 why it got its status, or why none."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pandas as pd

from graph import Store
from queries import read
from queries.result import Result, merged
from queries.settings import ProgressRules, load_settings

# Words of a reporting period -> the month it ends in (when no 截至日期 is given).
PERIOD_ENDS = {"一季度": 3, "上半年": 6, "前三季度": 9, "三季度": 9}
COLUMNS = ["产业链", "指标名称", "指标", "期间", "目标值", "说明", "实际值", "统计期间", "截至日期", "完成率",
           "时序进度", "差距（百分点）", "进度状态", "落后时序", "进度说明", "同比增长（%）", "示例", "来源"]
ENTER = "请在“数据管理”页的{}表填报"


def elapsed_share(period: str, as_of: dt.date) -> float | None:
    """Share of the calendar year `period` elapsed at the end of day `as_of`, counted in
    months (30 June is exactly 0.5, as the 双过半 rule reads it)."""
    year = _year(period)
    if year is None:
        return None
    if as_of.year != year:
        return 0.0 if as_of.year < year else 1.0
    days = calendar.monthrange(as_of.year, as_of.month)[1]
    return round((as_of.month - 1 + as_of.day / days) / 12, 4)


def _year(text: str | None) -> int | None:
    match = re.search(r"(\d{4})", text or "")
    return int(match.group(1)) if match else None


def target_text(value: str | None, note: str | None) -> str | None:
    """A target as it is said: its value and note ("80亿元" + "以上"), 未公开（note） when the
    value is masked, None when neither is known. Either may be a table's missing cell (NaN)."""
    if pd.notna(value):
        return f"{value}{note if pd.notna(note) else ''}"
    return f"未公开（{note}）" if pd.notna(note) else None


def actual_date(actual: dict) -> dt.date | None:
    """The actual's 截至日期, or the end of the period its wording names."""
    if actual["as_of"]:
        return dt.date.fromisoformat(actual["as_of"])
    year = _year(actual["period"])
    if year is None:
        return None
    month = next((m for word, m in PERIOD_ENDS.items() if word in actual["period"]), 12)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def target_progress(store: Store, chain: str | None = None, rules: ProgressRules | None = None) -> Result:
    """Every target of `chain` (or all targets) with its progress."""
    rules = rules or load_settings().progress
    rows = []
    for t in read(store, "target_progress", {"chain": chain}):
        measured = [a for a in t["actuals"] if a["value"] is not None]
        actual = max(measured or t["actuals"], key=lambda a: actual_date(a) or dt.date.min, default=None)
        when = actual_date(actual) if measured else None
        elapsed = elapsed_share(t["period"], when) if when and rules.accrues(t["metric"]) else None
        done = (round(actual["value"] / t["value"], 4) if actual and actual["value"] is not None and t["value"]
                and actual["value_unit"] == t["unit"] else None)
        status, why = _status(t, actual, done, elapsed, rules)
        rows.append({
            "产业链": t["chain"] or "合计", "指标名称": t["target"], "指标": t["metric"], "期间": t["period"],
            "目标值": t["value_text"], "说明": t["note"], "实际值": actual["value_text"] if actual else None,
            "统计期间": actual["period"] if actual else None, "截至日期": when.isoformat() if when else None,
            "完成率": done, "时序进度": elapsed,
            "差距（百分点）": round((done - elapsed) * 100, 1) if done is not None and elapsed is not None else None,
            "进度状态": status, "落后时序": {"落后时序进度": True, "达到时序进度": False}.get(status),
            "进度说明": why,
            "同比增长（%）": actual["growth"] if actual else None,
            "示例": t["illustrative"] or bool(actual and actual["illustrative"]),
            "来源": merged(t["sources"], actual["sources"] if actual else [])})
    table = pd.DataFrame(rows, columns=COLUMNS)
    summary = {"产业链": chain or "全部", "指标数": len(table),
               "进度状态统计": table["进度状态"].value_counts().to_dict()}
    return Result(f"{chain or '全部产业链'}目标进度", {"目标进度": table}, summary)


def _status(target: dict, actual: dict | None, done: float | None, elapsed: float | None,
            rules: ProgressRules) -> tuple[str, str]:
    """(进度状态, why): the comparison made, or the data it lacks and where to enter it."""
    if target["value"] is None:
        return "目标值未公开", f"目标值未公开（{target['note'] or '无数值'}），无法计算完成率；" + ENTER.format("指标")
    if actual is None or actual["value"] is None:
        return "无完成数据", "尚无实际完成值，无法计算完成率；" + ENTER.format("指标完成")
    if done is None:
        return "单位不一致，无法比较", f"实际值 {actual['value_text']} 与目标值 {target['value_text']} 单位不同"
    if not rules.accrues(target["metric"]):
        return ("已达目标" if done >= 1 else "未达目标",
                f"{target['metric']}不随时间累计，与目标值直接比较（完成率 {done:.1%}），不按时序进度判断")
    if elapsed is None:
        return "期间不明", f"指标期间“{target['period']}”中没有年份，无法计算时序进度"
    behind = done < elapsed - rules.tolerance
    return ("落后时序进度" if behind else "达到时序进度",
            f"完成率 {done:.1%}，时序进度 {elapsed:.1%}，{'低于' if behind else '不低于'}时序进度")
