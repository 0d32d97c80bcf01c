"""Cypher lives in `queries/*.cypher`, next to the Python that runs it.

Every file is Neo4j 5 Cypher restricted to what the embedded FalkorDB also runs
(see README, "One Cypher dialect"); tests run each file on the embedded engine and
lint it as Neo4j 5.

`read`, `read_batches` and `read_packed` run a file. A list a query returns is a set (a
pattern comprehension, `collect`, or a stored list of names): the engines build them in
different orders, so the runner sorts every list, and both engines answer alike. A
packed query's rows are lists too, but each is a row: they are unpacked before sorting.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from graph.store import BATCH_SIZE, Rows, Store, unpacked

QUERY_DIR = Path(__file__).parent


@cache
def cypher(name: str) -> str:
    """The text of `queries/<name>.cypher`, each `{{fragment}}` line replaced by the text of
    `queries/fragments/<fragment>.cypher` (a clause that two queries share)."""
    text = (QUERY_DIR / f"{name}.cypher").read_text(encoding="utf-8")
    return re.sub(r"^\{\{(\w+)\}\}$", lambda m: (QUERY_DIR / "fragments" / f"{m[1]}.cypher").read_text(encoding="utf-8"),
                  text, flags=re.MULTILINE)


def query_files() -> list[Path]:
    return sorted(QUERY_DIR.glob("*.cypher"))


def example_params(path: Path) -> dict:
    """Parameters from the file's `// params: {...}` line: its documented example."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("// params:"):
            return json.loads(line.removeprefix("// params:"))
    return {}


def read(store: Store, name: str, params: dict | None = None) -> Rows:
    """Run `queries/<name>.cypher` read-only; its lists in one order."""
    return _with_sorted_lists(store.read(cypher(name), params))


def read_batches(store: Store, name: str, rows: list, batch_size: int = BATCH_SIZE, params: dict | None = None) -> Rows:
    """Run `queries/<name>.cypher` once per batch of `rows` (as `$rows`, beside `params`);
    its lists in one order."""
    return _with_sorted_lists(store.read_batches(cypher(name), rows, batch_size, params))


def read_packed(store: Store, name: str, rows: list, batch_size: int = BATCH_SIZE, params: dict | None = None) -> Rows:
    """`read_batches` of a packed query (`graph.store.unpacked`): its rows, in the engine's
    order; their lists in one order."""
    return _with_sorted_lists(unpacked(store.read_batches(cypher(name), rows, batch_size, params)))


def _with_sorted_lists(rows: Rows) -> Rows:
    return [{key: _sorted(value) for key, value in row.items()} if any(type(v) in (list, dict) for v in row.values())
            else row for row in rows]


def _sorted(value):
    if type(value) is list:
        return sorted(map(_sorted, value), key=_order)
    if type(value) is dict:
        return {key: _sorted(item) for key, item in value.items()}
    return value


def _order(value) -> tuple:
    """Text by itself, anything else by its JSON; nulls last."""
    if type(value) is str:
        return (False, 0, value)
    return (value is None, 1, json.dumps(value, ensure_ascii=False, sort_keys=True))
