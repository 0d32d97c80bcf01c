"""Shared fixtures: one real embedded graph server per test session, one graph per test.

Set NEO4J_TEST_URI (and NEO4J_TEST_USER / NEO4J_TEST_PASSWORD) to also run the store and
query tests against a real Neo4j 5 server.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from graph import EmbeddedServer, Settings, connect

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHAINKG = shutil.which("chainkg", path=str(Path(sys.executable).parent)) or "chainkg"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def embedded_settings(home: Path, port: int, graph_name: str) -> Settings:
    return Settings(neo4j_uri=None, neo4j_user="neo4j", neo4j_password=None, neo4j_database=None,
                    home=home, graph_port=port, graph_name=graph_name)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment under which `chainkg` and the app see these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env |= {"CHAINKG_HOME": str(settings.home), "CHAINKG_GRAPH_PORT": str(settings.graph_port),
            "CHAINKG_GRAPH": settings.graph_name}
    return env


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


def run_cli(*args: str, env: dict[str, str], check: bool = False) -> subprocess.CompletedProcess:
    done = subprocess.run([CHAINKG, *args], env=env, capture_output=True, text=True, timeout=180)
    if check and done.returncode != 0:
        raise AssertionError(f"chainkg {' '.join(args)} failed: {done.stderr}")
    return done


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> EmbeddedServer:
    srv = EmbeddedServer(tmp_path_factory.mktemp("home") / "graph", free_port())
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def settings(server) -> Settings:
    """Settings naming a graph of this test's own on the session's server."""
    return embedded_settings(server.data_dir.parent, server.port, f"test_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def cli_env(settings) -> dict[str, str]:
    return settings_env(settings)


@pytest.fixture
def store(settings):
    with connect(settings) as s:
        yield s
        s.clear()


def _neo4j_settings() -> Settings | None:
    uri = os.environ.get("NEO4J_TEST_URI")
    if not uri:
        return None
    return Settings(neo4j_uri=uri, neo4j_user=os.environ.get("NEO4J_TEST_USER", "neo4j"),
                    neo4j_password=os.environ.get("NEO4J_TEST_PASSWORD"),
                    neo4j_database=os.environ.get("NEO4J_TEST_DATABASE"),
                    home=PROJECT_DIR / "var", graph_port=0, graph_name="")


ENGINES = ["falkordb"] + (["neo4j"] if _neo4j_settings() else [])


@pytest.fixture(params=ENGINES)
def any_store(request, settings):
    """A store on each available engine, emptied before and after the test."""
    if request.param == "falkordb":
        yield request.getfixturevalue("store")
        return
    with connect(_neo4j_settings()) as s:
        s.write("MATCH (n) DETACH DELETE n")
        yield s
        s.write("MATCH (n) DETACH DELETE n")
