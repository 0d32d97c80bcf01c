"""Shared fixtures. Every test that talks to the graph runs on both engines: the embedded
FalkorDB server and a local Neo4j 5 server, each a real server started once per test
session (per xdist worker), when a test first needs it.

Isolation: on FalkorDB each test gets a graph of its own on the session's server; Neo4j
Community has one user database, so each test's graph is that database, emptied first
(of its data, and of any constraint or index but the product's: see `empty`).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import LocalServer, Settings, connect, load_schema, local_server
from graph.config import ENGINES

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHAINKG = shutil.which("chainkg", path=str(Path(sys.executable).parent)) or "chainkg"
# Bounds for the test servers: a 2-core CI machine runs them beside Chromium; a load is one
# transaction, and the 40,000-firm import of the fault tests needs about 1 GB of it.
NEO4J_HEAP, NEO4J_PAGE_CACHE = "3g", "256m"


# Words and numbers a reader must never see: a programmer's "nothing", or a share as a raw
# fraction (rates are percentages everywhere). Not `\b`: a Chinese character is a word
# character, so "28个nan" has no word boundary before "nan".
RAW = re.compile(r"(?<![A-Za-z])(?:None|null|nan|NaN)(?![A-Za-z])|(?<![\d.])0\.\d+(?!\d*%)")


def raw_words(text: str) -> list[str]:
    """Each raw word or fraction in `text`, with some text around it."""
    return [text[max(0, m.start() - 30):m.end() + 10] for m in RAW.finditer(text)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def engine_settings(engine: str, home: Path, port: int, graph_name: str = "chainkg") -> Settings:
    """Settings for the product's own server of `engine`, with its data under `home`."""
    return Settings(engine=engine, neo4j_uri=None, neo4j_user="neo4j", neo4j_password=None, neo4j_database=None,
                    home=home, graph_port=port, graph_name=graph_name, neo4j_port=port,
                    neo4j_heap=NEO4J_HEAP, neo4j_page_cache=NEO4J_PAGE_CACHE)


def own_server(engine: str, home: Path) -> tuple[Settings, LocalServer]:
    """Settings and the server (not started) for a server no other test uses."""
    settings = engine_settings(engine, home, free_port())
    return settings, local_server(settings)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment under which `chainkg` and the app see these settings."""
    return settings.environment({k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")})


def use_env(monkeypatch, env: dict[str, str]) -> None:
    """Run the app in this process (AppTest) under `env`: its variables set, any NEO4J_*
    of the outer environment unset, and Streamlit's caches emptied (an earlier test's
    store and results belong to its own graph)."""
    import streamlit as st

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith("NEO4J_")]:
        monkeypatch.delenv(key)
    st.cache_resource.clear()
    st.cache_data.clear()


def run_cli(*args: str, env: dict[str, str], check: bool = False, timeout: float = 300) -> subprocess.CompletedProcess:
    done = subprocess.run([CHAINKG, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"chainkg {' '.join(args)} failed: {done.stderr}")
    return done


def fresh_graph(server: LocalServer, name: str) -> Settings:
    """Settings for an empty graph on the session's `server`: a new graph name on
    FalkorDB; Neo4j's one database, emptied (`empty`)."""
    settings = engine_settings(server.engine, server.data_dir.parent, server.port, name)
    if server.engine == "neo4j":
        empty(settings)
    return settings


# Neo4j server port -> the names of the constraints and indexes `apply_schema` makes there
_PRODUCT_SCHEMA: dict[int, set[str]] = {}


def empty(settings: Settings) -> None:
    """Delete the graph of `settings`. On Neo4j that is the one database's data and any
    constraint or index other than the product's: the product's stay, as on a bureau's
    server. Dropping one makes Neo4j throw away every query plan it holds, and each test
    would plan its loads, hashes and analyses anew (docs/performance.md)."""
    with connect(settings) as store:
        if settings.engine != "neo4j":
            store.clear()
            return
        store.write("MATCH (n) DETACH DELETE n")
        product = _PRODUCT_SCHEMA.get(settings.neo4j_port)
        if product is None or not _schema_names(store) <= product:
            store.clear()
            store.apply_schema(load_schema())
            _PRODUCT_SCHEMA[settings.neo4j_port] = _schema_names(store)


def _schema_names(store) -> set[str]:
    return {row["name"] for row in store.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name")}


# For the few tests that run on one engine, each saying why: one engine's own behaviour (e.g.
# FalkorDB's parameter header), or what tests/test_engines.py proves the same on both.
only_falkordb = pytest.mark.parametrize("engine", ["falkordb"], indirect=True)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request) -> str:
    return request.param


def pytest_itemcollected(item) -> None:
    """Each graph test's reports carry its engine, for the summary below."""
    engine = getattr(item, "callspec", None) and item.callspec.params.get("engine")
    if engine:
        item.user_properties.append(("engine", engine))


# Outcomes from best to worst: a test's outcome on an engine is the worst of its phases'.
OUTCOMES = ("passed", "skipped", "xfailed", "xpassed", "failed", "error")


def pytest_terminal_summary(terminalreporter) -> None:
    """Every graph test, with its outcome on each engine: the suite's proof that each one
    ran on both (the progress line shows dots only)."""
    runs: dict[str, dict[str, str]] = {}
    for outcome, reports in terminalreporter.stats.items():
        for report in reports:
            engine = dict(getattr(report, "user_properties", ())).get("engine")
            if engine is None or outcome not in OUTCOMES:
                continue
            params = report.nodeid.partition("[")[2].rstrip("]").split("-")
            rest = "-".join(p for p in params if p != engine)
            test = report.nodeid.partition("[")[0] + (f"[{rest}]" if rest else "")
            seen = runs.setdefault(test, {})
            seen[engine] = max(seen.get(engine, outcome), outcome, key=OUTCOMES.index)
    if not runs:
        return
    terminalreporter.section("图测试在各引擎上的结果 / graph tests on each engine")
    for test in sorted(runs):
        cells = "  ".join(f"{engine} {runs[test].get(engine, '-'):7}" for engine in ENGINES)
        terminalreporter.write_line(f"{cells}  {test}")
    one = sum(len(runs[test]) == 1 for test in runs)  # only_falkordb: each says why
    both = sum(all(runs[test].get(engine) == "passed" for engine in ENGINES) for test in runs)
    terminalreporter.write_line(
        f"{len(runs)} 个图测试 / graph tests: {both} 个在两个引擎上都通过 / passed on both engines, "
        f"{one} 个只在一个引擎上运行 / ran on one engine only, {len(runs) - both - one} 个其他 / other")


@pytest.fixture(scope="session")
def servers() -> Iterator[dict[str, LocalServer]]:
    """engine -> the session's server of it, started by the first test that needs it and
    stopped at the end: pytest takes a parametrized session fixture down whenever the
    engine changes (at every module here), and a Neo4j start takes 10 to 30 s."""
    started: dict[str, LocalServer] = {}
    yield started
    for srv in started.values():
        srv.stop()


@pytest.fixture(scope="module")
def server(engine, servers, tmp_path_factory) -> LocalServer:
    return session_server(engine, servers, tmp_path_factory)


def session_server(engine: str, servers: dict[str, LocalServer], tmp_path_factory) -> LocalServer:
    """The session's server of `engine`, started if it is not yet."""
    if engine not in servers:
        _, servers[engine] = own_server(engine, tmp_path_factory.mktemp(f"home_{engine}"))
        servers[engine].start()
    return servers[engine]


@pytest.fixture
def settings(server) -> Settings:
    """Settings naming an empty graph of this test's own."""
    return fresh_graph(server, f"test_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def cli_env(settings) -> dict[str, str]:
    return settings_env(settings)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, with no background traffic of its own (see tests/browser.py)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def store(settings):
    with connect(settings) as s:
        yield s
    empty(settings)
