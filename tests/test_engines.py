"""The two engines side by side, each the test session's real server: the bundled
dataset gives the same canonical hash and the same output of every analysis on both, and
a graph moves between them (backup on one, restore on the other; Neo4j's offline import
of `export-neo4j` files)."""

from __future__ import annotations

import csv
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from loaders.load import BUNDLED_DATASET
from tests.conftest import ENGINES, empty, fresh_graph, own_server, run_cli, session_server, settings_env

CHAINS = [row["产业链名称"] for row in csv.DictReader(open(BUNDLED_DATASET / "产业链.csv", encoding="utf-8-sig"))]
ENTERPRISES = ["金川集团", "德通国钛公司", "宁德时代"]
ANALYSES = [
    ("gaps",), ("progress",), ("projects", "--as-of", "2022-07-01"),
    *[(name, "--chain", chain) for chain in CHAINS
      for name in ("map", "gaps", "supply-rate", "targets", "progress")],
    *[("projects", "--chain", chain, "--as-of", "2022-07-01") for chain in CHAINS],
    *[(name, "--enterprise", firm) for firm in ENTERPRISES for name in ("relations", "impact", "supply-rate")],
    ("targets", "--segment", "隔膜", "--weight", "上市=100"), ("relations", "--enterprise", "金川集团", "--hops", "4"),
]


@pytest.fixture(scope="module")
def envs(servers, tmp_path_factory):
    """engine -> environment of a graph on the session's server of it, the bundled dataset loaded."""
    name = f"test_engines_{uuid.uuid4().hex[:8]}"
    graphs = {engine: fresh_graph(session_server(engine, servers, tmp_path_factory), name) for engine in ENGINES}
    for settings in graphs.values():
        run_cli("load", env=settings_env(settings), check=True)
    yield {engine: settings_env(settings) for engine, settings in graphs.items()}
    for settings in graphs.values():
        empty(settings)


def _hash(env) -> str:
    return json.loads(run_cli("stats", "--json", "--hash", env=env, check=True).stdout)["hash"]


def test_the_bundled_dataset_has_one_hash(envs):
    assert _hash(envs["falkordb"]) == _hash(envs["neo4j"])


@pytest.mark.parametrize("args", ANALYSES, ids=lambda a: " ".join(a))
def test_every_analysis_answers_the_same(envs, args):
    with ThreadPoolExecutor(len(ENGINES)) as side_by_side:  # two commands, most of each its Python start
        falkordb, neo4j = side_by_side.map(lambda e: run_cli(*args, "--json", env=envs[e], check=True).stdout,
                                           ENGINES)
    assert json.loads(falkordb)  # an answer, not an empty one
    assert falkordb == neo4j


@pytest.mark.parametrize("source, target", [("falkordb", "neo4j"), ("neo4j", "falkordb")])
def test_backup_on_one_engine_restores_on_the_other(envs, source, target, tmp_path):
    """How a bureau moves from the embedded default to its Neo4j, and back."""
    reference = _hash(envs[source])
    run_cli("backup", "--out", str(tmp_path / "备份"), env=envs[source], check=True)
    run_cli("load", str(BUNDLED_DATASET), "--dataset", "另一个", env=envs[target], check=True)  # a different graph
    assert _hash(envs[target]) != reference
    done = run_cli("restore", str(tmp_path / "备份"), "--yes", env=envs[target], check=True)
    assert reference in done.stdout and _hash(envs[target]) == reference


def test_neo4j_admin_import_of_the_export(envs, tmp_path):
    """The offline path for very large graphs: export on FalkorDB, Neo4j's import tool, into
    a local Neo4j that has never run (how a bureau moves to it)."""
    reference = _hash(envs["falkordb"])
    run_cli("export-neo4j", "--out", str(tmp_path / "导出"), env=envs["falkordb"], check=True)
    settings, server = own_server("neo4j", tmp_path / "新")
    env = settings_env(settings)
    try:
        done = run_cli("db", "import", str(tmp_path / "导出"), "--yes", env=env, check=True)
        assert "IMPORT DONE" in done.stdout and reference in done.stdout
        assert _hash(env) == reference
        again = json.loads(run_cli("load", "--json", env=env, check=True).stdout)
        assert not any(c["created"] or c["updated"] for c in again["nodes"].values())  # the same facts, typed alike
    finally:
        server.stop()


def test_db_import_refuses_the_embedded_engine_and_other_folders(envs, tmp_path):
    embedded = run_cli("db", "import", str(tmp_path), "--yes", env=envs["falkordb"])
    assert embedded.returncode == 1 and "Neo4j" in embedded.stderr and "Traceback" not in embedded.stderr
    other = run_cli("db", "import", str(tmp_path), "--yes", env=envs["neo4j"])
    assert other.returncode == 2 and "export-neo4j" in other.stderr and "Traceback" not in other.stderr
