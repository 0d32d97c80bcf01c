"""The one store interface. Two adapters implement it: Neo4j and the embedded FalkorDB.

Queries go in and plain Python values come out (dicts, lists, numbers, strings, None),
the same from both adapters, so nothing outside `graph/` ever sees a driver type.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sys
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from graph.errors import ChainKGError
from graph.schema import Schema

Rows = list[dict[str, Any]]
BATCH_SIZE = 5000
READERS = os.cpu_count() or 2  # the servers' default reader threads
STAGED = "Staged"  # prefix of the label a chunked unit's new nodes carry until it ends (Staging)


class Staging:
    """What a chunked unit (`atomic(chunked=True)` on Neo4j) has written that readers cannot
    see yet. The nodes it creates carry `STAGED + label`, and relationships it creates
    between nodes readers see have type `STAGED + type`: no query matches either. They are
    committed chunk by chunk; the unit's end gives them their own labels and types and runs
    the writes it held back (updates of facts readers see) in one transaction. `pending`
    answers for those held-back writes meanwhile. Inactive elsewhere: nothing is staged."""

    def __init__(self, active: bool):
        self.active = active
        self.keys: dict[str, set] = defaultdict(set)  # label -> keys of the nodes created under STAGED + label
        self.pairs: dict[tuple, set] = defaultdict(set)  # relationship key -> (start, end) created under STAGED + type
        self.pending: dict = {}  # (label or relationship key, key) -> the properties held back; None: deleted
        self.replacing = False  # the unit replaces the whole graph: what readers see goes as its facts are shown

    def create(self, label: str, keys: Iterable) -> str:
        """The label to create the nodes `keys` under."""
        if not self.active:
            return label
        self.keys[label].update(keys)
        return STAGED + label

    def labels(self, label: str) -> list[str]:
        """The labels a node of `label` may have now."""
        return [label, STAGED + label] if self.active else [label]

    def label(self, label: str, key) -> str:
        """The label the node `key` has now."""
        return STAGED + label if key in self.keys.get(label, ()) else label

    def create_between_shown(self, rel_key: tuple, pairs: Iterable) -> tuple:
        """The (type, start label, end label) to create relationships `pairs` of
        `rel_key` under, when both their ends are nodes readers see."""
        self.pairs[rel_key].update(pairs)
        return (STAGED + rel_key[0], *rel_key[1:])

    def relationship(self, rel_key: tuple, pair: tuple) -> tuple:
        """The (type, start label, end label) the relationship `pair` of `rel_key` has now."""
        rel_type, start, end = rel_key
        staged = pair in self.pairs.get(rel_key, ())
        return STAGED + rel_type if staged else rel_type, self.label(start, pair[0]), self.label(end, pair[1])


class Store(ABC):
    engine: str  # "falkordb" or "neo4j"
    address: str
    notices: list[str]  # what was done on connecting (e.g. the embedded server restarted)
    rows_per_write = BATCH_SIZE  # write_batches' batch size; 1 is `chainkg bench`'s per-row baseline
    lock_file: Path | None = None  # set by `connect`: one per CHAINKG_HOME
    staging = Staging(active=False)  # a chunked unit's own, active one

    @abstractmethod
    def read(self, query: str, params: dict | None = None) -> Rows:
        """Run a query that must not write (read-only session / GRAPH.RO_QUERY)."""

    @abstractmethod
    def write(self, query: str, params: dict | None = None) -> Rows:
        """Run one write query atomically."""

    @abstractmethod
    def apply_schema(self, schema: Schema) -> list[str]:
        """Create the schema's constraints and indexes; idempotent. Returns what was done."""

    def write_staged(self, query: str, params: dict | None = None) -> Rows:
        """A write that touches only what readers cannot see yet (`staging`): run at once,
        where a chunked unit's `write` waits for its end."""
        return self.write(query, params)

    @abstractmethod
    def atomic(self, chunked: bool = False) -> AbstractContextManager[Store]:
        """A store whose writes all apply when the block ends, or none do (the loader's unit).
        `chunked`: the writes may be too many for one transaction (a national directory);
        Neo4j then stages them (`Staging`). Callers hold `exclusive()` around it, and around
        the checks its writes rely on."""

    @contextmanager
    def exclusive(self, notify=lambda text: print(text, file=sys.stderr)) -> Iterator[None]:
        """One writer at a time across processes (loads, imports, restores): a lock on a
        file, which the system releases when its holder dies. A second writer waits,
        saying so, and gives up after CHAINKG_LOCK_WAIT seconds (default 1800)."""
        if self.lock_file is None:
            yield
            return
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_file, "a") as handle:
            deadline = time.monotonic() + float(os.environ.get("CHAINKG_LOCK_WAIT") or 1800)
            waiting = False
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not waiting:
                        notify("另一个加载、导入或恢复正在写入图数据库，等待它完成… / another load, import or "
                               "restore is writing to the graph; waiting for it")
                        waiting = True
                    if time.monotonic() > deadline:
                        raise ChainKGError("等待另一个写入超时，未写入任何数据 / timed out waiting for another "
                                           "writer; nothing was written") from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @abstractmethod
    def clear(self) -> None:
        """Delete the whole graph with its constraints and indexes (tests, benchmarks)."""

    @abstractmethod
    def close(self) -> None: ...

    def read_batches(self, query: str, rows: Iterable, batch_size: int = BATCH_SIZE, params: dict | None = None) -> Rows:
        """Run a read `query` once per batch with the batch as `$rows` (and `params`); all
        answers together, in order. The batches are asked side by side: both servers answer reads on a thread
        per core (inside one transaction they take turns)."""
        batches = list(batched(rows, batch_size))
        if len(batches) == 1:
            return self.read(query, {**(params or {}), "rows": batches[0]})
        with ThreadPoolExecutor(max(1, min(len(batches), READERS))) as pool:
            answers = pool.map(lambda batch: self.read(query, {**(params or {}), "rows": batch}), batches)
            return [answer for part in answers for answer in part]

    def write_batches(self, query: str, rows: Iterable[dict], batch_size: int | None = None, staged: bool = False) -> int:
        """Run `query` once per batch with the batch as `$rows` (UNWIND $rows AS row ...);
        `staged`: with `write_staged`."""
        written, run = 0, self.write_staged if staged else self.write
        for batch in batched(rows, batch_size or self.rows_per_write):
            run(query, {"rows": batch})
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


def unpacked(answers: Rows) -> Rows:
    """The rows of a packed query's answers. A query that can return thousands of rows packs
    them into one answer per batch: the names of its columns as `columns`, and its rows,
    each a list of values, as `rows` (`collect([...])`). Neo4j's driver spends about 40 µs
    on each record, more than the server spends on the row; one record of lists costs a
    fraction of that. (Lists, not maps: maps took the embedded engine a third longer.)"""
    return [dict(zip(answer["columns"], row)) for answer in answers for row in answer["rows"]]


def batched(rows: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch
