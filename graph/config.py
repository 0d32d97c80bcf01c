"""Settings, from the environment only (credentials never live in code).

Three ways to the graph:
- the embedded FalkorDB server (the default), started by the product;
- a local Neo4j 5 server started by the product (CHAINKG_ENGINE=neo4j), its password
  generated into a 0600 file under CHAINKG_HOME/neo4j/;
- a Neo4j server, cluster or Aura run by others (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graph.errors import ChainKGError

PROJECT_DIR = Path(__file__).resolve().parent.parent
ENGINES = ("falkordb", "neo4j")
UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


@dataclass(frozen=True)
class Settings:
    engine: str  # "falkordb" or "neo4j"
    # Neo4j run by others; None means the local server when engine is "neo4j".
    neo4j_uri: str | None
    neo4j_user: str
    neo4j_password: str | None
    neo4j_database: str | None
    # Servers the product starts itself, with their data under `home`.
    home: Path
    graph_port: int
    graph_name: str
    neo4j_port: int = 17687
    neo4j_heap: str = "8g"
    neo4j_page_cache: str = "2g"
    neo4j_browser_port: int = 0  # 0: Neo4j Browser not served
    neo4j_jvm_options: str = ""  # more options for the local Neo4j's JVM, shell-quoted

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        uri = env.get("NEO4J_URI") or None
        engine = (env.get("CHAINKG_ENGINE") or ("neo4j" if uri else "falkordb")).strip().lower()
        if engine not in ENGINES:
            raise ChainKGError(f"CHAINKG_ENGINE 须为 {' 或 '.join(ENGINES)} / CHAINKG_ENGINE must be one of "
                               f"{', '.join(ENGINES)}, not {engine!r}")
        return cls(
            engine=engine,
            neo4j_uri=uri if engine == "neo4j" else None,
            neo4j_user=env.get("NEO4J_USER") or env.get("NEO4J_USERNAME") or "neo4j",
            neo4j_password=env.get("NEO4J_PASSWORD"),
            neo4j_database=env.get("NEO4J_DATABASE") or None,
            home=Path(env.get("CHAINKG_HOME") or PROJECT_DIR / "var"),
            graph_port=int(env.get("CHAINKG_GRAPH_PORT") or 16379),
            graph_name=env.get("CHAINKG_GRAPH") or "chainkg",
            neo4j_port=int(env.get("CHAINKG_NEO4J_PORT") or 17687),
            neo4j_heap=env.get("CHAINKG_NEO4J_HEAP") or "8g",
            neo4j_page_cache=env.get("CHAINKG_NEO4J_PAGECACHE") or "2g",
            neo4j_browser_port=int(env.get("CHAINKG_NEO4J_BROWSER_PORT") or 0),
            neo4j_jvm_options=env.get("CHAINKG_NEO4J_JVM_OPTIONS") or "",
        )

    def environment(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """`base` (default: this process's environment) with the variables under which a
        `chainkg` child process sees these settings. A Neo4j run by others keeps its NEO4J_*
        variables; otherwise they are dropped."""
        env = dict(os.environ if base is None else base)
        if self.neo4j_uri is None:
            env = {k: v for k, v in env.items() if not k.startswith("NEO4J_")}
        return env | {"CHAINKG_ENGINE": self.engine, "CHAINKG_HOME": str(self.home),
                      "CHAINKG_GRAPH_PORT": str(self.graph_port), "CHAINKG_GRAPH": self.graph_name,
                      "CHAINKG_NEO4J_PORT": str(self.neo4j_port), "CHAINKG_NEO4J_HEAP": self.neo4j_heap,
                      "CHAINKG_NEO4J_PAGECACHE": self.neo4j_page_cache,
                      "CHAINKG_NEO4J_JVM_OPTIONS": self.neo4j_jvm_options}

    @property
    def embedded(self) -> bool:
        return self.engine == "falkordb"

    @property
    def local_neo4j(self) -> bool:
        """Neo4j started by the product (no NEO4J_URI)."""
        return self.engine == "neo4j" and self.neo4j_uri is None

    @property
    def graph_dir(self) -> Path:
        return self.home / "graph"

    @property
    def neo4j_dir(self) -> Path:
        return self.home / "neo4j"


def size_in_bytes(text: str) -> int:
    """'512m', '2g', '1073741824' -> bytes."""
    text = text.strip().lower()
    try:
        return int(float(text[:-1]) * UNITS[text[-1]]) if text and text[-1] in UNITS else int(text)
    except ValueError:
        raise ChainKGError(f"无法识别的内存大小 / not a memory size: {text!r} (e.g. 512m, 2g)") from None
