"""The analyses' rules and thresholds, read from `queries/settings.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
STATUSES = ("优势", "薄弱", "在建", "缺失")  # a segment's gap status, as the gap rules judge it
# The target score's parts (the weights below) and their column headers.
PARTS = {"produces": "生产该环节", "supplies_local": "已为本地配套", "scale": "规模", "listed": "上市",
         "specialised": "专精特新", "region": "地区偏好", "pipeline": "已在项目库"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GapRules(_Strict):
    strong_min_producers: int = Field(ge=1)
    demand_coverage_min: float = Field(gt=0)
    producing_statuses: tuple[str, ...]
    building_statuses: tuple[str, ...]
    assumed_sources: tuple[str, ...]


class Weights(_Strict):
    produces: float = Field(ge=0)
    supplies_local: float = Field(ge=0)
    scale: float = Field(ge=0)
    listed: float = Field(ge=0)
    specialised: float = Field(ge=0)
    region: float = Field(ge=0)
    pipeline: float = Field(ge=0)


class TargetRules(_Strict):
    gap_statuses: tuple[str, ...]
    weights: Weights
    scale_full_at: float = Field(gt=0)
    listed_tags: tuple[str, ...]
    specialised_tags: dict[str, float]
    preferred_regions: tuple[str, ...]


class ProjectRules(_Strict):
    completion_min: float = Field(ge=0, le=1)
    completion_statuses: tuple[str, ...]
    signed_not_started_months: int = Field(ge=1)
    signed_statuses: tuple[str, ...]
    funds_arrival_min: float = Field(ge=0, le=1)
    overdue_statuses: tuple[str, ...]


class ProgressRules(_Strict):
    tolerance: float = Field(ge=0, le=1)
    cumulative_metrics: tuple[str, ...]

    def accrues(self, metric: str | None) -> bool:
        """Whether the metric accrues with the year, so that 时序进度 applies to it."""
        return any(word in (metric or "") for word in self.cumulative_metrics)


class AnalysisSettings(_Strict):
    gaps: GapRules
    targets: TargetRules
    projects: ProjectRules
    progress: ProgressRules


@cache
def load_settings(path: Path = SETTINGS_FILE) -> AnalysisSettings:
    return AnalysisSettings.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
