"""The `chainkg` command line, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from graph import connect
from tests.conftest import run_cli


def test_cypher_console_returns_json(cli_env):
    done = run_cli("cypher", "RETURN 1 AS x", "--json", env=cli_env, check=True)
    assert json.loads(done.stdout) == [{"x": 1}]


def test_cypher_console_takes_parameters(cli_env):
    done = run_cli("cypher", "RETURN $name AS name, $n + 1 AS m, $flag AS flag", "-p", "name=镍都",
                   "-p", "n=41", "--param", "flag=true", "--json", env=cli_env, check=True)
    assert json.loads(done.stdout) == [{"name": "镍都", "m": 42, "flag": True}]


def test_cypher_console_prints_a_table(cli_env):
    done = run_cli("cypher", "UNWIND ['上游', '下游'] AS stage RETURN stage", env=cli_env, check=True)
    assert done.stdout.split() == ["stage", "上游", "下游"]


@pytest.mark.parametrize("query", ["CREATE (n:X) RETURN n", "MATCH (n) DETACH DELETE n"])
def test_cypher_console_refuses_writes(cli_env, store, query):
    store.write("CREATE (:Chain {id: 'c'})")
    done = run_cli("cypher", query, env=cli_env)
    assert done.returncode == 1
    assert "read-only" in done.stderr and "Traceback" not in done.stderr
    assert store.read("MATCH (n) RETURN count(n) AS n") == [{"n": 1}]


def test_stats_counts_per_label_and_type(cli_env, store, engine):
    store.write("CREATE (:Chain {id: 'c'})<-[:PART_OF]-(:Segment {id: 's1'}), (:Segment {id: 's2'})")
    counts = json.loads(run_cli("stats", "--json", env=cli_env, check=True).stdout)
    assert counts == {"engine": engine, "nodes": {"Chain": 1, "Segment": 2},
                      "relationships": {"PART_OF": 1}, "total_nodes": 3, "total_relationships": 1}
    assert "Segment" in run_cli("stats", env=cli_env, check=True).stdout


def test_commands_import_pandas_and_the_file_formats_only_when_they_use_them(cli_env, engine, tmp_path):
    """They are most of a command's start: `stats --hash`, `backup` and a query with no rows
    run without them (on Neo4j with pandas: the driver imports it whenever it is installed)."""
    def imported(*args: str) -> tuple[set[str], str]:
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "cli", *args], env=cli_env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}, done.stdout

    heavy = {"openpyxl", "networkx", "reportlab"} | ({"pandas"} if engine == "falkordb" else set())
    assert imported("stats", "--json", "--hash")[0].isdisjoint(heavy)
    assert imported("backup", "--out", str(tmp_path / "备份"))[0].isdisjoint(heavy)
    modules, shown = imported("cypher", "MATCH (c:Chain) RETURN c.name")
    assert modules.isdisjoint(heavy) and shown.strip() == "(无结果 / no rows)"
    assert "pandas" in imported("gaps", "--json")[0]  # an analysis makes tables


def test_schema_apply_twice(cli_env, settings):
    with connect(settings) as store:
        store.clear()  # a graph without the schema: Neo4j's tests keep the product's (conftest.empty)
    first = run_cli("schema", "apply", env=cli_env, check=True).stdout
    second = run_cli("schema", "apply", env=cli_env, check=True).stdout
    assert "created unique Chain.name" in first and "exists  unique Chain.name" in second


def test_schema_doc_is_markdown(cli_env):
    assert "### Enterprise" in run_cli("schema", "doc", env=cli_env, check=True).stdout


@pytest.mark.parametrize("uri, cause", [
    ("bolt://127.0.0.1:1", "cannot connect to Neo4j at bolt://127.0.0.1:1"),
    ("neo4j+s://127.0.0.1:1", "cannot connect to Neo4j at neo4j+s://127.0.0.1:1"),
    ("ftp://example", "cannot connect to Neo4j at ftp://example"),
])
def test_unreachable_neo4j_is_one_clear_line(cli_env, uri, cause):
    env = cli_env | {"CHAINKG_ENGINE": "neo4j", "NEO4J_URI": uri, "NEO4J_PASSWORD": "secret-pw"}
    done = run_cli("stats", env=env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and cause in lines[0]
    assert "secret-pw" not in done.stderr


def test_debug_flag_shows_the_traceback(cli_env):
    done = run_cli("--debug", "stats", env=cli_env | {"CHAINKG_ENGINE": "neo4j", "NEO4J_URI": "bolt://127.0.0.1:1"})
    assert done.returncode != 0 and "Traceback" in done.stderr


def test_validate_reports_problems_and_exits_2(cli_env, tmp_path):
    from tests.test_validate import TINY

    assert "环节 2" in run_cli("validate", str(TINY), env=cli_env, check=True).stdout
    (tmp_path / "项目.csv").write_text("项目名称,所属产业链,总投资（亿元）\n某项目,新能源和新能源电池,十二\n",
                                       encoding="utf-8")
    done = run_cli("validate", str(tmp_path), env=cli_env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "第2行 / row 2 「总投资（亿元）」列" in done.stderr and "is not a quantity" in done.stderr


def test_validate_names_an_unreadable_file(cli_env, tmp_path):
    (tmp_path / "数据.txt").write_text("x", encoding="utf-8")
    done = run_cli("validate", str(tmp_path / "数据.txt"), env=cli_env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "expected a folder, a .csv or an .xlsx file" in done.stderr


@pytest.mark.parametrize("args, said", [
    (("gaps", "--statu", "缺失"), "错误 / error: 没有选项 --statu（是否要用 --status？） / No such option '--statu'."),
    (("stat",), "错误 / error: 没有命令 stat（是否要用 stats？） / No such command 'stat'."),
    (("gaps", "--status", "坏"), "错误 / error: 参数 '--status' 的值无效 / Invalid value for '--status': '坏'"),
    (("restore",), "错误 / error: 缺少参数 'FOLDER' / Missing argument 'FOLDER'."),
    (("relations",), "错误 / error: 缺少选项 '--enterprise' / Missing option '--enterprise'."),
    (("gaps", "--out"), "错误 / error: 选项 --out 用法有误 / Option '--out' requires an argument."),
    (("stats", "多余"), "错误 / error: 用法有误 / Got unexpected extra argument (多余)"),
    (("targets",), "错误 / error: 请给出且只给出一个：--segment、--chain / give exactly one of --segment, --chain\n"),
], ids=lambda value: " ".join(value) if isinstance(value, tuple) else "")
def test_usage_errors_say_what_is_wrong_in_chinese_first(args, said):
    done = run_cli(*args, env={k: v for k, v in os.environ.items() if not k.startswith("CHAINKG_")})
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr
    assert "用法见 / see: chainkg" in done.stderr
