"""Shared fixtures. Every test that talks to the graph runs on both engines: the embedded
FalkorDB server and a local Neo4j 5 server, each a real server started once per test
session (per xdist worker), when a test first needs it.

Isolation: on FalkorDB each test gets a graph of its own on the session's server; Neo4j
Community has one user database, so each test's graph is that database, emptied first
(with its constraints and indexes).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import LocalServer, Settings, connect, local_server

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHAINKG = shutil.which("chainkg", path=str(Path(sys.executable).parent)) or "chainkg"
ENGINES = ("falkordb", "neo4j")
# Bounds for the test servers: a 2-core CI machine runs them beside Chromium; a load is one
# transaction, and the 40,000-firm import of the fault tests needs about 1 GB of it.
NEO4J_HEAP, NEO4J_PAGE_CACHE = "3g", "256m"


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
    FalkorDB; Neo4j's one database, emptied."""
    settings = engine_settings(server.engine, server.data_dir.parent, server.port, name)
    if server.engine == "neo4j":
        with connect(settings) as store:
            store.clear()
    return settings


# For the few tests of one engine's own behaviour (e.g. FalkorDB's parameter header).
only_falkordb = pytest.mark.parametrize("engine", ["falkordb"], indirect=True)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request) -> str:
    return request.param


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
        s.clear()
