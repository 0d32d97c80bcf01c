"""The one store interface. Two adapters implement it: Neo4j and the embedded FalkorDB.

Queries go in and plain Python values come out (dicts, lists, numbers, strings, None),
the same from both adapters, so nothing outside `graph/` ever sees a driver type.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from itertools import islice
from typing import Any

from graph.schema import Schema

Rows = list[dict[str, Any]]
BATCH_SIZE = 5000


class Store(ABC):
    engine: str  # "falkordb" or "neo4j"
    address: str
    notices: list[str]  # what was done on connecting (e.g. the embedded server restarted)
    rows_per_write = BATCH_SIZE  # write_batches' batch size; 1 is `chainkg bench`'s per-row baseline

    @abstractmethod
    def read(self, query: str, params: dict | None = None) -> Rows:
        """Run a query that must not write (read-only session / GRAPH.RO_QUERY)."""

    @abstractmethod
    def write(self, query: str, params: dict | None = None) -> Rows:
        """Run one write query atomically."""

    @abstractmethod
    def apply_schema(self, schema: Schema) -> list[str]:
        """Create the schema's constraints and indexes; idempotent. Returns what was done."""

    @abstractmethod
    def atomic(self) -> AbstractContextManager[Store]:
        """A store whose writes all apply when the block ends, or none do (the loader's unit)."""

    @abstractmethod
    def clear(self) -> None:
        """Delete the whole graph with its constraints and indexes (tests, benchmarks)."""

    @abstractmethod
    def close(self) -> None: ...

    def read_batches(self, query: str, rows: Iterable, batch_size: int = BATCH_SIZE) -> Rows:
        """Run a read `query` once per batch with the batch as `$rows`; all answers together."""
        return [answer for batch in batched(rows, batch_size) for answer in self.read(query, {"rows": batch})]

    def write_batches(self, query: str, rows: Iterable[dict], batch_size: int | None = None) -> int:
        """Run `query` once per batch with the batch as `$rows` (UNWIND $rows AS row ...)."""
        written = 0
        for batch in batched(rows, batch_size or self.rows_per_write):
            self.write(query, {"rows": batch})
            written += len(batch)
        return written

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


SCALARS = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """Map a driver value to plain Python; nodes and relationships become their properties."""
    kind = type(value)
    if kind in SCALARS or (kind is list and all(type(v) in SCALARS for v in value)):
        return value  # the common case, answered first: reads return thousands of rows
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    if hasattr(value, "properties"):  # falkordb Node / Edge
        return plain(value.properties)
    if hasattr(value, "items"):  # neo4j Node / Relationship
        return plain(dict(value.items()))
    return str(value)


def batched(rows: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch
