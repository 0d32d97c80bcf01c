"""Cypher lives in `queries/*.cypher`, next to the Python that runs it.

Every file is Neo4j 5 Cypher restricted to what the embedded FalkorDB also runs
(see README, "One Cypher dialect"); tests run each file on the embedded engine and
lint it as Neo4j 5.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

QUERY_DIR = Path(__file__).parent


@cache
def cypher(name: str) -> str:
    """The text of `queries/<name>.cypher`."""
    return (QUERY_DIR / f"{name}.cypher").read_text(encoding="utf-8")


def query_files() -> list[Path]:
    return sorted(QUERY_DIR.glob("*.cypher"))


def example_params(path: Path) -> dict:
    """Parameters from the file's `// params: {...}` line: its documented example."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("// params:"):
            return json.loads(line.removeprefix("// params:"))
    return {}
