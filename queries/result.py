"""What every analysis returns: named tables (pandas) and a few headline figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


def merged(known, more) -> list:
    """`known`, then the items of `more` it lacks, in order: the 来源 of a row that several
    facts support."""
    return list(dict.fromkeys([*known, *more]))


@dataclass
class Result:
    title: str  # 中文标题: the cover and sheet names of exports use it
    tables: dict[str, pd.DataFrame]  # sheet name -> table; the first is the main one
    summary: dict[str, Any] = field(default_factory=dict)  # headline figures and parameters

    @property
    def table(self) -> pd.DataFrame:
        return next(iter(self.tables.values()))

    def to_dict(self) -> dict[str, Any]:
        return {"标题": self.title, **{k: _plain(v) for k, v in self.summary.items()},
                **{name: [{k: _plain(v) for k, v in row.items()} for row in df.to_dict("records")]
                   for name, df in self.tables.items()}}


def _plain(value: Any) -> Any:
    """JSON-ready: NaN becomes null, tuples lists, numpy scalars Python ones."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        return _plain(value.item())
    return value
