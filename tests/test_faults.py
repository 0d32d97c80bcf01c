"""Faults, on both engines: loads and restores killed at random moments (the loader or the server, kill -9),
backup / wipe / restore, all judged by the graph's canonical hash; the app when the
server dies."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph import connect, load_schema
from graph.falkor_store import FORK_LOCK, INDEXES_BUILDING, holder_died, lock_token
from loaders import backup as backup_module
from loaders.backup import NODES, RELATIONSHIPS, backup, graph_hash, node_lines, relationship_lines
from loaders.load import BUNDLED_DATASET, load
from tests.conftest import (CHAINKG, PROJECT_DIR, empty, fresh_graph, only_falkordb, own_server, run_cli, settings_env,
                            use_env)

EMPTY_HASH = "sha256:" + hashlib.sha256(b"\0\0").hexdigest()  # no nodes, no relationships
# How long a `chainkg load` of the bundled dataset writes, in seconds from taking the
# writer lock to its end (Neo4j's takes longer: its schema statements and its one transaction).
WRITING = {"falkordb": 0.5, "neo4j": 3.5}


def _hash(env) -> str:
    return json.loads(run_cli("stats", "--json", "--hash", env=env, check=True).stdout)["hash"]


@pytest.fixture(scope="module")
def reference(server):
    """The hash of an uninterrupted load of the bundled dataset."""
    settings = fresh_graph(server, "test_faults_reference")
    env = settings_env(settings)
    run_cli("load", env=env, check=True)
    digest = _hash(env)
    empty(settings)  # on Neo4j this graph is the tests' one database
    return digest


def _killed_load(env, delay: float, victim) -> None:
    """Start `chainkg load`; `delay` seconds after it has taken the writer lock (it is
    connected, and checks the dataset against the graph, then writes), kill -9 `victim(loader)`."""
    loader = subprocess.Popen([CHAINKG, "load"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _holding(loader, {"writer.lock"})
    time.sleep(delay)
    victim(loader)
    loader.wait(timeout=60)


def test_empty_graph_hash_is_the_hash_of_nothing(cli_env):
    assert _hash(cli_env) == EMPTY_HASH


def test_loader_killed_at_random_moments(engine, cli_env, settings, reference):
    seed = int(os.environ.get("CHAINKG_FAULT_SEED", time.time()))
    chance = random.Random(seed)
    for attempt in range(4):
        delay = chance.uniform(0, WRITING[engine])
        _killed_load(cli_env, delay, lambda loader: loader.send_signal(signal.SIGKILL))
        interrupted = _hash(cli_env)
        # either nothing of the dataset (the first attempt) or all of it, never a mix
        assert interrupted in (EMPTY_HASH, reference), f"seed {seed}, attempt {attempt}, delay {delay:.2f} s"
        run_cli("load", env=cli_env, check=True)
        assert _hash(cli_env) == reference, f"seed {seed}, attempt {attempt}"
        empty(settings)


def test_server_killed_during_a_load(engine, tmp_path, reference):
    """A server of its own: kill -9 it at a random moment of a load, then load again."""
    settings, server = own_server(engine, tmp_path / "home")
    env = settings_env(settings)
    seed = int(os.environ.get("CHAINKG_FAULT_SEED", time.time()))
    chance = random.Random(seed)
    try:
        for attempt in range(2):
            server.start()
            delay = chance.uniform(0, WRITING[engine])
            _killed_load(env, delay, lambda loader: os.kill(server.status().pid, signal.SIGKILL))
            time.sleep(0.2)
            # the next command restarts the server, which recovers from its journal
            assert _hash(env) in (EMPTY_HASH, reference), f"seed {seed}, attempt {attempt}, delay {delay:.2f} s"
            run_cli("load", env=env, check=True)
            assert _hash(env) == reference, f"seed {seed}, attempt {attempt}"
            empty(settings)
    finally:
        server.stop()


def test_backup_wipe_restore_keeps_the_hash(cli_env, settings, reference, tmp_path):
    run_cli("load", env=cli_env, check=True)
    out = tmp_path / "备份"
    done = run_cli("backup", "--out", str(out), env=cli_env, check=True)
    assert reference in done.stdout
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "nodes.jsonl", "relationships.jsonl"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["hash"] == reference and manifest["nodes"] > 200

    with connect(settings) as store:
        store.write("MATCH (n) DETACH DELETE n")
    assert _hash(cli_env) == EMPTY_HASH
    run_cli("restore", str(out), "--yes", env=cli_env, check=True)
    assert _hash(cli_env) == reference


def test_restore_killed_at_random_moments(cli_env, settings, tmp_path):
    """kill -9 of `chainkg restore` (on Neo4j a staged one) while it writes: the graph stays
    as it was; the next restore discards what the killed one left and finishes."""
    run_cli("load", env=cli_env, check=True)
    run_cli("synth", "--enterprises", "5000", "--out", str(tmp_path), env=cli_env, check=True)
    run_cli("import-directory", str(tmp_path / "企业名录.csv"), str(tmp_path / "配套关系.csv"), env=cli_env, check=True)
    out = tmp_path / "备份"
    run_cli("backup", "--out", str(out), env=cli_env, check=True)
    reference = _hash(cli_env)

    def change() -> str:  # the graph a restore replaces
        with connect(settings) as store:
            store.write("MATCH (n:Policy) DETACH DELETE n")
        return _hash(cli_env)

    before = change()
    writes = []  # seconds from its first write to its end; the first is slower on Neo4j (new statements)
    for _ in range(2):
        restorer = _restorer(out, cli_env)
        started = _holding(restorer, {NODES, RELATIONSHIPS})
        assert restorer.wait(timeout=600) == 0
        writes.append(time.monotonic() - started)
        assert _hash(cli_env) == reference and change() == before
    seed = int(os.environ.get("CHAINKG_FAULT_SEED", time.time()))
    chance, aim, interrupted = random.Random(seed), min(writes), 0
    for attempt in range(6):
        restorer = _restorer(out, cli_env)
        _holding(restorer, {NODES, RELATIONSHIPS})  # a restore checks both files, then writes holding both open
        time.sleep(chance.uniform(0.1, 0.9) * aim)
        restorer.send_signal(signal.SIGKILL)  # nothing when it has ended
        restorer.wait(timeout=60)
        found = _hash(cli_env)
        assert found in (before, reference), f"seed {seed}, attempt {attempt}"  # the old graph or the new, never a mix
        if found == before:
            interrupted += 1
            if interrupted == 2:
                break
        else:  # it ended first (the machine is less busy than when timed): aim earlier
            aim /= 2
            assert change() == before
    assert interrupted == 2, f"seed {seed}: fewer than two restores were still writing when killed"
    run_cli("restore", str(out), "--yes", env=cli_env, check=True)
    assert _hash(cli_env) == reference


def _restorer(backup_folder, env) -> subprocess.Popen:
    return subprocess.Popen([CHAINKG, "restore", str(backup_folder), "--yes"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _holding(process: subprocess.Popen, names: set[str]) -> float:
    """When `process` holds every file of `names` open (seen in /proc): time.monotonic()."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        held = set()
        try:
            for fd in os.listdir(f"/proc/{process.pid}/fd"):
                with contextlib.suppress(OSError):  # closed meanwhile
                    held.add(os.path.basename(os.readlink(f"/proc/{process.pid}/fd/{fd}")))
        except OSError:
            pass
        if names <= held:
            return time.monotonic()
        time.sleep(0.01)
    raise AssertionError(f"{process.args[1]} never held {', '.join(sorted(names))} open")


def test_backup_lines_do_not_depend_on_the_page_size(store, monkeypatch, tmp_path):
    """Backups and hashes read the graph a page of keys at a time (a million firms would
    not fit in memory at once); pages of 3 give the same bytes as one page of everything."""
    load([BUNDLED_DATASET], store)
    schema = load_schema()
    whole = [list(node_lines(store, schema)), list(relationship_lines(store, schema))]
    monkeypatch.setattr(backup_module, "PAGE", 3)
    assert [list(node_lines(store, schema)), list(relationship_lines(store, schema))] == whole
    assert len(whole[0]) > 200 and len(whole[1]) > 400
    out = tmp_path / "备份"
    assert backup(store, out)["hash"] == graph_hash(store)
    assert [(out / name).read_text(encoding="utf-8").splitlines() for name in ("nodes.jsonl", "relationships.jsonl")] \
        == whole


def test_a_damaged_backup_is_refused_and_changes_nothing(cli_env, settings, reference, tmp_path):
    run_cli("load", env=cli_env, check=True)
    out = tmp_path / "备份"
    run_cli("backup", "--out", str(out), env=cli_env, check=True)
    nodes = out / "nodes.jsonl"
    nodes.write_text(nodes.read_text(encoding="utf-8").replace("千亿", "万亿", 1), encoding="utf-8")
    with connect(settings) as store:
        store.write("MATCH (c:Chain {name: '数字经济'}) DETACH DELETE c")
    before = _hash(cli_env)
    done = run_cli("restore", str(out), "--yes", env=cli_env)
    assert done.returncode == 2 and "校验值不符" in done.stderr and "Traceback" not in done.stderr
    assert _hash(cli_env) == before
    assert run_cli("backup", "--out", str(out), env=cli_env).returncode == 1  # not an empty folder


def test_the_app_says_so_when_the_server_dies_and_recovers(engine, tmp_path, monkeypatch):
    settings, server = own_server(engine, tmp_path / "home")
    env = settings_env(settings)
    run_cli("load", env=env, check=True)  # starts the server of its own
    use_env(monkeypatch, env)
    try:
        at = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=60).run()
        assert at.title[0].value == "总览" and not at.error
        os.kill(server.status().pid, signal.SIGKILL)
        st.cache_data.clear()  # results computed before are not the point here
        at.run()
        assert [e.value for e in at.error] == ["图数据库暂时无法访问，请稍后刷新页面。"] and not at.exception
        at.run()  # the next page view starts the server again
        assert at.title[0].value == "总览" and not at.error and not at.exception
    finally:
        server.stop()


def test_export_for_neo4j_admin_import(cli_env, tmp_path):
    run_cli("load", env=cli_env, check=True)
    out = tmp_path / "neo4j"
    run_cli("export-neo4j", "--out", str(out), env=cli_env, check=True)
    ids: dict[str, set[str]] = {}
    nodes = 0
    for path in out.glob("nodes_*.csv"):
        with open(path, encoding="utf-8") as f:
            header, *rows = list(csv.reader(f))
        label = path.stem.removeprefix("nodes_")
        key = next(i for i, h in enumerate(header) if h.endswith(f":ID({label})"))
        ids[label] = {row[key] for row in rows}
        assert header[-1] == ":LABEL" and all(row[-1] == label for row in rows)
        nodes += len(rows)
    relationships = 0
    for path in out.glob("rels_*.csv"):
        with open(path, encoding="utf-8") as f:
            header, *rows = list(csv.reader(f))
        start, end = header[0][len(":START_ID("):-1], header[1][len(":END_ID("):-1]
        assert all(row[0] in ids[start] and row[1] in ids[end] for row in rows), path.name
        relationships += len(rows)
    counts = json.loads(run_cli("stats", "--json", env=cli_env, check=True).stdout)
    assert (nodes, relationships) == (counts["total_nodes"], counts["total_relationships"])
    with open(out / "nodes_Enterprise.csv", encoding="utf-8") as f:
        assert "aliases:string[]" in next(csv.reader(f))
    assert "--relationships=FEEDS=rels_FEEDS_Segment_Segment.csv" in (out / "import-args.txt").read_text()


@only_falkordb
def test_a_load_waits_for_the_servers_journal_rewrite(engine, tmp_path, reference):
    """FalkorDB's GRAPH.COPY (a load's staging copy) hangs the whole server when it runs
    beside another fork, such as a journal rewrite: the load must wait for it instead."""
    settings, server = own_server(engine, tmp_path / "home")
    server.start()
    try:
        with connect(settings) as store:
            store.write("UNWIND range(1, 1000000) AS i CREATE (:Ballast {n: i})")  # a rewrite that lasts
            raw = store._db.connection
            raw.execute_command("BGREWRITEAOF")
            assert raw.info("persistence")["aof_rewrite_in_progress"] == 1
            loading = threading.Thread(target=load, args=([BUNDLED_DATASET], store), daemon=True)
            loading.start()
            loading.join(timeout=120)
            assert not loading.is_alive() and raw.ping()
            store.write("MATCH (b:Ballast) DELETE b")
        assert _hash(settings_env(settings)) == reference
    finally:
        server.stop()


@only_falkordb
def test_a_load_waits_for_the_graphs_indexes_to_be_built(store, monkeypatch):
    """FalkorDB's GRAPH.COPY (a load's staging copy) hangs the whole server when an index
    of the graph it copies finishes building at that moment (after `schema apply` on a new
    graph, or a restart): the copy must wait until every index is built."""
    store.write("UNWIND range(1, 300000) AS i CREATE (:Ballast {n: i})")
    store.write("CREATE INDEX FOR (b:Ballast) ON (b.n)")
    assert store.read(INDEXES_BUILDING)[0]["n"] == 1  # the index takes a while to build
    building_at_copy = []
    command = store._command

    def watched(*args, **kwargs):
        if args[0] == "GRAPH.COPY":
            building_at_copy.append(store.read(INDEXES_BUILDING)[0]["n"])
        return command(*args, **kwargs)

    monkeypatch.setattr(store, "_command", watched)
    with store.atomic() as unit:
        unit.write("CREATE (:Ballast {n: 0})")
    assert building_at_copy == [0]
    assert store.read("MATCH (b:Ballast) RETURN count(b) AS n") == [{"n": 300001}]


HOLD_THE_FORK_LOCK = """
import time
from graph import connect
with connect() as store, store._forking():
    print("held", flush=True)
    time.sleep(600)
"""


@only_falkordb
def test_a_writer_killed_holding_the_fork_lock_does_not_hold_up_the_next(cli_env, settings):
    """The lock that keeps forks apart outlives a writer killed while holding it (it
    expires after 30 s): the next writer sees that its holder has died and takes it."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_FORK_LOCK],
                              env=cli_env, cwd=PROJECT_DIR, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    with connect(settings) as store:
        expires_in = store._command("PTTL", FORK_LOCK) / 1000
        assert expires_in > 20  # without the takeover, the next writer would wait this long
        asked = time.monotonic()
        with store._forking():
            assert time.monotonic() - asked < expires_in / 2
        assert store._command("EXISTS", FORK_LOCK) == 0
    assert holder_died(lock_token()) is False


def _counts(env) -> dict:
    return {k: v for k, v in json.loads(run_cli("stats", "--json", env=env, check=True).stdout).items() if k != "engine"}


def test_readers_see_the_graph_before_an_import_until_it_ends(cli_env, tmp_path):
    """An import is shown whole or not at all (on Neo4j it is committed in chunks and shown
    in one transaction at its end): every count and hash read while it runs is the one
    before it or the one after."""
    run_cli("load", env=cli_env, check=True)
    run_cli("synth", "--enterprises", "20000", "--out", str(tmp_path), env=cli_env, check=True)
    before = (_counts(cli_env), _hash(cli_env))
    importer = subprocess.Popen([CHAINKG, "import-directory", str(tmp_path / "企业名录.csv"),
                                 str(tmp_path / "配套关系.csv")], env=cli_env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
    seen = []
    while importer.poll() is None:
        seen.append((_counts(cli_env), _hash(cli_env)))
    assert importer.returncode == 0, importer.stderr.read()
    after = (_counts(cli_env), _hash(cli_env))
    assert after != before and seen  # read at least once while it ran
    for part in (0, 1):  # counts, hash
        states = [state[part] for state in seen] + [after[part]]
        shown = states.index(after[part])
        # Each reading takes several queries: the one under way when the import ends may
        # count some labels before it and some after; every other one is whole.
        assert all(state == before[part] for state in states[:shown][:-1]), states
        assert all(state == after[part] for state in states[shown:])


def test_directory_import_killed_at_random_moments(cli_env, settings, tmp_path):
    """An import is one atomic unit too: killed, it leaves the graph as it was."""
    run_cli("load", env=cli_env, check=True)
    run_cli("synth", "--enterprises", "40000", "--out", str(tmp_path), env=cli_env, check=True)
    files = [str(tmp_path / "企业名录.csv"), str(tmp_path / "配套关系.csv")]
    before, counts = _hash(cli_env), _counts(cli_env)
    seed = int(os.environ.get("CHAINKG_FAULT_SEED", time.time()))
    chance = random.Random(seed)
    for attempt in range(2):
        importer = subprocess.Popen([CHAINKG, "import-directory", *files], env=cli_env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(1.0, 4.0))
        assert importer.poll() is None, "the import ended before the kill: make the directory larger"
        importer.send_signal(signal.SIGKILL)
        importer.wait(timeout=60)
        assert _hash(cli_env) == before, f"seed {seed}, attempt {attempt}"
        assert _counts(cli_env) == counts, f"seed {seed}, attempt {attempt}"
    run_cli("import-directory", *files, env=cli_env, check=True)
    assert _hash(cli_env) != before


def test_two_replacing_loads_at_once_leave_one_whole_state(cli_env, tmp_path):
    """Loads take turns (a lock across processes): the graph is always one of the two
    complete states, and it is the state the two loads' reports add up to. Without the
    lock both would diff against the same graph, and the embedded engine's last swap
    would drop the other load's change while both report it (a lost update)."""
    other = tmp_path / "金昌市"
    shutil.copytree(BUNDLED_DATASET, other)
    projects = other / "项目.csv"
    lines = projects.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    projects.write_text("\ufeff" + "".join(lines[:-5]), encoding="utf-8")  # five projects fewer
    commands = [["load", str(path), "--dataset", "城市", "--replace", "--json"] for path in (BUNDLED_DATASET, other)]
    held = {}  # the graph's hash -> the projects it holds
    for command in commands:
        report = json.loads(run_cli(*command, env=cli_env, check=True).stdout)["nodes"]["Project"]
        digest = _hash(cli_env)
        held[digest] = report["created"] + report["updated"] + report["unchanged"]
    assert len(held) == 2
    projects_now = held[digest]
    for attempt in range(6):
        loads = [subprocess.Popen([CHAINKG, *command], env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for command in commands]
        change = 0
        for load_process in loads:
            out, err = load_process.communicate(timeout=300)
            assert load_process.returncode == 0, err
            report = json.loads(out)["nodes"]["Project"]
            change += report["created"] - report["deleted"]
        found = _hash(cli_env)
        assert found in held, f"attempt {attempt}"
        assert held[found] == projects_now + change, f"attempt {attempt}: the reports do not add up to the graph"
        projects_now = held[found]
