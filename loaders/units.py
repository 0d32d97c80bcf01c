"""Quantities with units, as bureaus write them: "8GWh", "5000万元", "30Kt/a", "50万吨/年".

Each dimension has one canonical unit; a quantity is stored in it, and the text as
written is kept beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# unit as written -> (canonical unit of its dimension, how many canonical units one is)
UNITS: dict[str, tuple[str, float]] = {
    # money
    "亿元": ("亿元", 1), "万元": ("亿元", 1e-4), "元": ("亿元", 1e-8), "千万元": ("亿元", 0.1),
    "亿": ("亿元", 1), "万亿元": ("亿元", 1e4),
    # mass
    "万吨": ("万吨", 1), "吨": ("万吨", 1e-4), "千吨": ("万吨", 0.1), "kt": ("万吨", 0.1),
    "t": ("万吨", 1e-4), "亿吨": ("万吨", 1e4),
    # energy
    "GWh": ("GWh", 1), "MWh": ("GWh", 1e-3), "kWh": ("GWh", 1e-6), "万千瓦时": ("GWh", 1e-2),
    "亿千瓦时": ("GWh", 100), "度": ("GWh", 1e-6), "万度": ("GWh", 1e-2), "亿度": ("GWh", 100),
    # power
    "MW": ("MW", 1), "GW": ("MW", 1e3), "kW": ("MW", 1e-3), "万千瓦": ("MW", 10),
    "千瓦": ("MW", 1e-3),
    # electric charge (cell capacity)
    "亿Ah": ("亿Ah", 1), "万Ah": ("亿Ah", 1e-4), "Ah": ("亿Ah", 1e-8),
    # area (separator film, foil)
    "亿平方米": ("亿平方米", 1), "万平方米": ("亿平方米", 1e-4), "平方米": ("亿平方米", 1e-8),
    "亿㎡": ("亿平方米", 1), "万㎡": ("亿平方米", 1e-4), "㎡": ("亿平方米", 1e-8),
    # counted things
    "万只": ("万只", 1), "只": ("万只", 1e-4), "亿只": ("万只", 1e4),
    "万头": ("万头", 1), "头": ("万头", 1e-4),
    "万亩": ("万亩", 1), "亩": ("万亩", 1e-4),
    "万套": ("万套", 1), "套": ("万套", 1e-4),
    "万辆": ("万辆", 1), "辆": ("万辆", 1e-4),
    # counts (enterprises, projects)
    "家": ("家", 1), "户": ("家", 1), "个": ("个", 1),
    # shares
    "%": ("%", 1), "％": ("%", 1),
}
_BY_LOWER = {unit.lower(): unit for unit in UNITS}
# A capacity "per year" is the same number: /年, /a, per annum.
_PER_YEAR = re.compile(r"\s*(/|每)\s*(年|a|y)\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*([+-]?(?:\d[\d,，]*)?\.?\d+)\s*(.*?)\s*$")


@dataclass(frozen=True)
class Quantity:
    value: float  # in `unit`
    unit: str  # canonical
    text: str  # as written


class UnitError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def parse_quantity(text: str, unit: str) -> Quantity:
    """Read `text` as a quantity. `unit` is the column's canonical unit, in which a bare
    number is read, or "any" when the cell must carry its own unit."""
    match = _NUMBER.match(_PER_YEAR.sub("", text))
    if not match:
        raise UnitError(f"「{text}」不是带单位的数量（例：8GWh、5000万元）",
                        f"{text!r} is not a quantity (e.g. 8GWh, 5000万元)")
    number = float(match.group(1).replace(",", "").replace("，", ""))
    written = match.group(2)
    if not written:
        if unit == "any":
            raise UnitError(f"「{text}」缺少单位（例：8GWh、50万吨）", f"{text!r} has no unit (e.g. 8GWh, 50万吨)")
        return Quantity(number, unit, text)
    known = _BY_LOWER.get(written.lower())
    if known is None:
        raise UnitError(f"不认识单位「{written}」（可用：{'、'.join(UNITS)}）", f"unknown unit {written!r}")
    canonical, factor = UNITS[known]
    if unit != "any" and canonical != unit:
        raise UnitError(f"「{text}」的单位应可换算为{unit}", f"{text!r}: expected a unit convertible to {unit}")
    return Quantity(round(number * factor, 10), canonical, text)
