"""Life cycle of the servers the product runs (embedded FalkorDB, local Neo4j), each test
on a server of its own."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import urllib.error
import urllib.request

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError

from graph import LocalServer, StoreUnavailable, connect
from graph.neo4j_server import CLASS_ARCHIVE
from tests.conftest import free_port, own_server, run_cli, settings_env


@pytest.fixture
def own(engine, tmp_path):
    """Settings and environment for a server no other test uses."""
    settings, server = own_server(engine, tmp_path)
    yield settings, settings_env(settings), server
    server.stop()


def _pid(server: LocalServer) -> int:
    return int((server.data_dir / "server.pid").read_text())


def test_counts_survive_stop_and_start(own):
    settings, env, server = own
    run_cli("db", "start", env=env, check=True)
    with connect(settings) as store:
        store.write("UNWIND range(1, 50) AS i CREATE (:Chain {id: toString(i)})-[:HAS]->(:Segment)")
    before = json.loads(run_cli("stats", "--json", env=env, check=True).stdout)
    assert before["total_nodes"] == 100 and before["total_relationships"] == 50
    assert "stopped" in run_cli("db", "stop", env=env, check=True).stdout
    assert not server.status().running
    run_cli("db", "start", env=env, check=True)
    assert json.loads(run_cli("stats", "--json", env=env, check=True).stdout) == before


def test_start_twice_is_harmless_and_status_reports(own):
    _, env, server = own
    first = run_cli("db", "start", env=env, check=True)
    second = run_cli("db", "start", env=env, check=True)
    assert "started" in first.stdout and "already running" in second.stdout
    status = json.loads(run_cli("db", "status", "--json", env=env, check=True).stdout)
    assert status["engine"] == server.engine and status["running"] is True
    assert status["pid"] == _pid(server) and status["address"] == f"127.0.0.1:{server.port}"
    assert status["nodes"] == 0 and status["relationships"] == 0


def test_server_is_private_to_the_user(own):
    _, env, server = own
    server.start()
    assert stat.S_IMODE(os.stat(server.data_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(server.data_dir / "password").st_mode) == 0o600
    if server.engine == "falkordb":
        assert stat.S_IMODE(os.stat(server.data_dir / "server.conf").st_mode) == 0o600
        anonymous = redis.Redis(host="127.0.0.1", port=server.port, retry=Retry(NoBackoff(), 0))
        with pytest.raises(redis.AuthenticationError):
            anonymous.ping()
    else:
        with GraphDatabase.driver(server.uri, auth=("neo4j", "neo4j")) as guess, pytest.raises(AuthError):
            guess.verify_connectivity()



def test_killed_server_is_restarted_by_next_command(own):
    settings, env, server = own
    server.start()
    with connect(settings) as store:
        store.write("CREATE (:Chain {id: 'kept'})")
    os.kill(_pid(server), signal.SIGKILL)
    done = run_cli("cypher", "MATCH (c:Chain) RETURN c.id AS id", "--json", env=env, check=True)
    assert "started" in done.stderr and "stale pid" in done.stderr
    assert json.loads(done.stdout) == [{"id": "kept"}]  # the append-only file kept it


def test_a_server_that_stopped_answering_is_killed_by_db_stop(own):
    """A hung server (stopped here with SIGSTOP; the embedded engine hangs so after a
    GRAPH.COPY beside another fork) ignores a polite stop: `db stop` kills it, and the next
    command starts it again with every acknowledged write."""
    settings, env, server = own
    server.start()
    with connect(settings) as store:
        store.write("CREATE (:Chain {id: 'kept'})")
    pid = _pid(server)
    os.kill(pid, signal.SIGSTOP)
    stop = run_cli("db", "stop", env=env)
    assert stop.returncode == 0 and f"did not answer and was killed (pid {pid})" in stop.stdout
    assert not server.status().running and "Traceback" not in stop.stderr
    done = run_cli("cypher", "MATCH (c:Chain) RETURN c.id AS id", "--json", env=env, check=True)
    assert json.loads(done.stdout) == [{"id": "kept"}]


def test_stale_pid_file_is_cleared(own):
    _, env, server = own
    server.data_dir.mkdir(parents=True)
    (server.data_dir / "server.pid").write_text("999999999")
    done = run_cli("db", "start", env=env, check=True)
    assert "stale pid" in done.stdout and server.status().running


def test_taken_port_gets_a_clear_message(own):
    _, env, server = own
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", server.port))
        squatter.listen()
        done = run_cli("db", "start", env=env)
        with pytest.raises(StoreUnavailable, match=server.port_variable):
            server.start()
    assert done.returncode == 1
    assert f"port {server.port} is taken" in done.stderr and "Traceback" not in done.stderr



@pytest.mark.parametrize("engine", ["neo4j"], indirect=True)
def test_a_data_directory_in_use_is_named(own):
    """Another Neo4j on the same data (its pid file lost): one clear line, the first unharmed."""
    settings, env, server = own
    server.start()
    (server.data_dir / "server.pid").rename(server.data_dir / "first.pid")
    second = type(server)(server.data_dir, free_port(), settings.neo4j_heap, settings.neo4j_page_cache)
    try:
        with pytest.raises(StoreUnavailable, match="store_lock"):
            second.start()
    finally:
        (server.data_dir / "first.pid").rename(server.data_dir / "server.pid")
    assert server.status().running


@pytest.mark.parametrize("engine", ["neo4j"], indirect=True)
def test_a_wrong_neo4j_password_is_one_clear_line(own):
    settings, env, server = own
    server.start()
    done = run_cli("stats", env=env | {"NEO4J_URI": server.uri, "NEO4J_PASSWORD": "not-the-password"})
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and "cannot connect to Neo4j" in lines[0]
    assert "not-the-password" not in done.stderr
    assert run_cli("stats", env=env, check=True).returncode == 0  # the product's own password still works


@pytest.mark.parametrize("engine", ["neo4j"], indirect=True)
def test_the_password_file_is_the_truth_at_every_start(own):
    _, env, server = own
    server.start()
    old = server.password()
    server.stop()
    (server.data_dir / "password").write_text("a-new-password-from-the-admin")
    server.start()  # a start with an unchanged password skips setting it: this one must not
    with GraphDatabase.driver(server.uri, auth=("neo4j", old)) as driver:
        with pytest.raises(AuthError):
            driver.verify_connectivity()
    with GraphDatabase.driver(server.uri, auth=("neo4j", "a-new-password-from-the-admin")) as driver:
        driver.verify_connectivity()


@pytest.mark.parametrize("engine", ["neo4j"], indirect=True)
def test_neo4j_browser_is_served_beside_it(own):
    _, _, server = own
    server.browser_port = free_port()
    server.start()
    with urllib.request.urlopen(f"http://127.0.0.1:{server.browser_port}/", timeout=10) as page:
        assert page.status == 200 and b"<title>Neo4j Browser</title>" in page.read()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"http://127.0.0.1:{server.browser_port}/../../etc/passwd", timeout=10)


@pytest.mark.parametrize("engine", ["neo4j"], indirect=True)
def test_neo4j_maps_the_class_archive_and_takes_jvm_options(own):
    _, env, server = own
    run_cli("db", "start", env=env | {"CHAINKG_NEO4J_JVM_OPTIONS": "-Dchainkg.probe='a b'"}, check=True)
    pid = _pid(server)
    assert "-Dchainkg.probe=a b" in open(f"/proc/{pid}/cmdline").read().split("\0")
    # `make neo4j` recorded it; a JVM that refused it (other jars, other Java) would not map it
    assert str(CLASS_ARCHIVE) in open(f"/proc/{pid}/maps").read()
