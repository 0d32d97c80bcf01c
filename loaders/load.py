"""Load datasets: read every file, validate all of it against the schema and the graph,
then write it in one atomic unit. Nothing is written when any error is found."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

from graph.errors import InvalidData
from graph.schema import Schema, load_schema
from graph.store import Store
from loaders.read import read_dataset
from loaders.validate import Problem, Validation, validate
from loaders.write import StoreNames, WriteSummary, count_producers, write

BUNDLED_DATASET = Path(__file__).resolve().parent.parent / "data" / "金昌市"


class InvalidDataset(InvalidData):
    def __init__(self, problems: list[Problem]):
        errors = [p for p in problems if p.level == "error"]
        super().__init__(f"发现 {len(errors)} 个错误，未写入任何数据 / {len(errors)} errors, nothing was written")
        self.problems = problems


@dataclass
class LoadResult:
    dataset: str
    rows_read: dict[str, int]
    written: WriteSummary
    warnings: list[Problem]
    seconds: float

    def to_dict(self) -> dict:
        return {"dataset": self.dataset, "rows_read": self.rows_read,
                "nodes": {k: asdict(v) for k, v in self.written.nodes.items()},
                "relationships": {k: asdict(v) for k, v in self.written.relationships.items()},
                "warnings": [str(p) for p in self.warnings], "conflicts": len(self.written.conflicts),
                "seconds": round(self.seconds, 2)}

    @property
    def changed(self) -> bool:
        counts = [*self.written.nodes.values(), *self.written.relationships.values()]
        return any(c.created or c.updated or c.deleted for c in counts)


def check(paths: list[Path], store: Store | None, schema: Schema | None = None) -> Validation:
    """Validate datasets; references may name facts already in `store`'s graph."""
    schema = schema or load_schema()
    tables = [table for path in paths for table in read_dataset(path)]
    return validate(tables, schema, StoreNames(store, schema) if store is not None else None)


def load(paths: list[Path], store: Store, dataset: str | None = None, replace: bool = False) -> LoadResult:
    """Validate `paths` as one dataset and write it. `dataset` names it (default: the first
    path's name); `replace` also deletes what this dataset wrote before and no longer states."""
    started = time.monotonic()
    schema = load_schema()
    dataset = dataset or Path(paths[0]).stem
    if len(dataset) > 100 or any(ord(c) < 32 for c in dataset):
        raise InvalidData("数据集名称须为不超过 100 个可见字符 / a dataset name is at most 100 visible characters")
    with store.exclusive():  # the checks against the graph hold until the write ends
        validation = check(paths, store, schema)
        if not validation.ok:
            raise InvalidDataset(validation.problems)
        store.apply_schema(schema)  # constraints first: they guard the write itself
        with store.atomic() as unit:
            written = write(unit, validation, schema, dataset, replace)
            count_producers(unit)
    warnings = [p for p in validation.problems if p.level == "warning"]
    return LoadResult(dataset, validation.rows_read, written, warnings, time.monotonic() - started)
