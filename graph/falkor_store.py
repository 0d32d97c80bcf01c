"""Store adapter for the embedded engine: FalkorDB over the Redis protocol."""

from __future__ import annotations

import copy
import functools
import math
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from falkordb import FalkorDB
from falkordb.query_result import ResultSetScalarTypes as Kind, parse_scalar

from graph.errors import QueryError, ReadOnlyViolation, StoreUnavailable
from graph.schema import Schema
from graph.store import Rows, Store, plain


FORK_LOCK = "chainkg:fork"
FORK_WAIT_S = 600
FORK_LOCK_TTL_S = 30  # a holder killed in another pid namespace blocks others this long
# The fork lock is let go of by its holder only (or for a holder that died holding it).
RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"
JOURNAL_MIN_BYTES = 64 << 20
INDEXES_BUILDING = "CALL db.indexes() YIELD status WHERE status <> 'OPERATIONAL' RETURN count(*) AS n"
# kinds of values in a compact reply; null, text and integers arrive as Python values
AS_IS = frozenset(t.value for t in (Kind.VALUE_NULL, Kind.VALUE_STRING, Kind.VALUE_INTEGER))
BOOLEAN, DOUBLE, ARRAY, MAP = (t.value for t in (Kind.VALUE_BOOLEAN, Kind.VALUE_DOUBLE, Kind.VALUE_ARRAY, Kind.VALUE_MAP))


class FalkorStore(Store):
    engine = "falkordb"

    def __init__(self, host: str, port: int, password: str, graph_name: str):
        self.address = f"{host}:{port}"
        self.graph_name = graph_name
        self.notices = []
        self._db = FalkorDB(host=host, port=port, password=password,
                            socket_connect_timeout=5, socket_timeout=300)
        self._graph = self._db.select_graph(graph_name)

    def read(self, query: str, params: dict | None = None) -> Rows:
        try:
            return self._run("GRAPH.RO_QUERY", query, params)
        except QueryError as e:
            if "empty key" not in str(e):
                raise
        # The graph does not exist (never written, or deleted): a no-op write creates it
        # empty, so the read answers as on an empty graph.
        self.write("RETURN 0")
        return self._run("GRAPH.RO_QUERY", query, params)

    def write(self, query: str, params: dict | None = None) -> Rows:
        return self._run("GRAPH.QUERY", query, params)

    def apply_schema(self, schema: Schema) -> list[str]:
        done = []
        for label, node in schema.nodes.items():
            for prop in (node.key, *node.indexes):
                done.append(self._idempotent(
                    f"index {label}.{prop}", "already indexed",
                    self._graph.query, f"CREATE INDEX FOR (n:{label}) ON (n.{prop})"))
            for kind in ("UNIQUE", "MANDATORY"):
                # The Redis command, not Cypher: without it duplicates are silently accepted.
                done.append(self._idempotent(
                    f"{kind.lower()} {label}.{node.key}", "already exists",
                    self._db.connection.execute_command, "GRAPH.CONSTRAINT", "CREATE",
                    self.graph_name, kind, "NODE", label, "PROPERTIES", 1, node.key))
        return done

    @contextmanager
    def atomic(self, chunked: bool = False) -> Iterator[FalkorStore]:
        """FalkorDB has no multi-statement transactions: write to a copy of the graph, then
        swap it in with RENAME, which Redis does atomically. Readers see the old graph
        until the swap; a failure leaves the graph untouched. Any size (`chunked` or not)."""
        for name in self._command("KEYS", f"{self.graph_name}__staging_*") or []:
            self._command("DEL", name)  # left over from loads that were killed (writers hold `exclusive`)
        staging = copy.copy(self)
        staging.graph_name = f"{self.graph_name}__staging_{secrets.token_hex(6)}"
        staging._graph = self._db.select_graph(staging.graph_name)
        with self._forking() as deadline:
            self._wait_for_indexes(deadline)
            copied = self._command("GRAPH.COPY", self.graph_name, staging.graph_name, missing_ok=True) is not None
        if not copied:
            staging.write("RETURN 0")  # the graph does not exist yet: start from an empty one
        try:
            yield staging
            # RENAME fails when the staging graph has gone (deleted by someone else): an
            # error, never a partial graph put in place
            self._command("RENAME", staging.graph_name, self.graph_name)
        finally:
            staging.clear()
        self._compact_journal()

    @contextmanager
    def _forking(self) -> Iterator[float]:
        """One fork at a time: GRAPH.COPY beside another child process (journal rewrite,
        snapshot) hangs the server. A lock key held across processes, then no child left."""
        token, deadline = lock_token(), time.monotonic() + FORK_WAIT_S
        while not self._command("SET", FORK_LOCK, token, "NX", "PX", FORK_LOCK_TTL_S * 1000):
            held = self._command("GET", FORK_LOCK)
            held = held.decode() if isinstance(held, bytes) else held
            if held and holder_died(held):  # a writer killed while it held the lock
                self._command("EVAL", RELEASE, 1, FORK_LOCK, held)
                continue
            self._wait(deadline)
        try:
            self._wait_for_children(deadline)
            yield deadline
        finally:
            self._command("EVAL", RELEASE, 1, FORK_LOCK, token)

    def _compact_journal(self) -> None:
        """Rewrite the append-only journal once it has doubled (what Redis would do by
        itself, see server.py), and wait for it, so that restarts stay fast."""
        info = self._command("INFO", "persistence")
        if info.get("aof_current_size", 0) < max(2 * info.get("aof_base_size", 0), JOURNAL_MIN_BYTES):
            return
        with self._forking():
            self._command("BGREWRITEAOF")
            self._wait_for_children(time.monotonic() + FORK_WAIT_S)

    def _wait_for_children(self, deadline: float) -> None:
        """Until the server has no child process (journal rewrite, snapshot, module fork)."""
        keys = ("aof_rewrite_in_progress", "aof_rewrite_scheduled", "rdb_bgsave_in_progress",
                "module_fork_in_progress")
        while any(self._command("INFO", "persistence").get(k) for k in keys):
            self._wait(deadline)

    def _wait_for_indexes(self, deadline: float) -> None:
        """Until no index of the graph is still being built. Building one ends by taking the
        server's lock, then the graph's; GRAPH.COPY holds the graph's while it takes the
        server's, so the two together hang the server for good (FalkorDB 4.16.3). Indexes
        are built after `apply_schema` on a new graph and after a restart."""
        while True:
            try:
                building = self._run("GRAPH.RO_QUERY", INDEXES_BUILDING, None)[0]["n"]
            except QueryError as e:
                if "empty key" in str(e):
                    return  # no graph yet: nothing to build
                raise
            if not building:
                return
            self._wait(deadline)

    def _wait(self, deadline: float) -> None:
        if time.monotonic() > deadline:
            raise StoreUnavailable(f"图数据库 {self.address} 正忙于写盘或建索引，请稍后再试 / the embedded graph "
                                   "is busy writing to disk or building indexes, try again later")
        time.sleep(0.05)

    def close(self) -> None:
        self._db.connection.close()

    def _command(self, *args, missing_ok: bool = False):
        try:
            return self._db.connection.execute_command(*args)
        except redis.ResponseError as e:
            if missing_ok and ("no such key" in str(e) or "empty key" in str(e)):
                return None
            raise QueryError(f"图数据库命令失败 / command failed: {args[0]}: {e}") from e
        except (redis.ConnectionError, redis.TimeoutError) as e:
            raise _unavailable(self.address, e) from e

    def clear(self) -> None:
        try:
            self._graph.delete()
        except redis.ResponseError:
            pass  # an empty graph has no key to delete
        except (redis.ConnectionError, redis.TimeoutError) as e:
            raise _unavailable(self.address, e) from e

    def _idempotent(self, what: str, exists_marker: str, fn, *args) -> str:
        try:
            fn(*args)
            return f"created {what}"
        except redis.ResponseError as e:
            if exists_marker in str(e):
                return f"exists  {what}"
            raise QueryError(f"建立约束失败 / schema statement failed: {what}: {e}") from e
        except redis.ConnectionError as e:
            raise _unavailable(self.address, e) from e

    def _run(self, command: str, query: str, params: dict | None) -> Rows:
        try:
            reply = self._db.connection.execute_command(command, self.graph_name, _header(params) + query, "--compact")
            if failed := next((part for part in reply if isinstance(part, redis.ResponseError)), None):
                raise failed  # an error met after the query started comes inside the reply
        except redis.ResponseError as e:
            if "read-only" in str(e):
                raise ReadOnlyViolation(
                    "只读操作不允许写入图数据库 / this path is read-only: writes are refused") from e
            raise QueryError(f"查询失败 / query failed: {e}") from e
        except (redis.ConnectionError, redis.TimeoutError) as e:
            raise _unavailable(self.address, e) from e
        if len(reply) < 3:  # statistics only: the query returns nothing
            return []
        columns = [name for _kind, name in reply[0]]
        return [dict(zip(columns, map(self._value, row))) for row in reply[1]]

    def _value(self, cell: list):
        """A value of the compact reply as plain Python. The kinds the queries return (null,
        text, numbers, booleans, lists, maps) are read here: the client's parser, several
        calls per value, made large reads 12-16 % slower. Nodes, relationships and the
        rest go to it."""
        kind, value = cell
        if kind in AS_IS:
            return value
        if kind == BOOLEAN:
            return value == "true"
        if kind == DOUBLE:
            return float(value)
        if kind == ARRAY:
            return [self._value(v) for v in value]
        if kind == MAP:
            return {value[i]: self._value(value[i + 1]) for i in range(0, len(value), 2)}
        return plain(parse_scalar(cell, self._graph))


def _header(params: dict | None) -> str:
    """The `CYPHER name=value ...` prefix that carries parameters over the Redis protocol.
    Built here rather than by the client: in one pass it refuses what the server cannot
    read safely (a NUL ends its C string; NaN has no literal) and is twice as fast on the
    loaders' large batches."""
    if not params:
        return ""
    return "CYPHER " + " ".join(f"{_key(name)}={_literal(value)}" for name, value in params.items()) + " "


@functools.lru_cache(maxsize=4096)  # the same few names on every row of a batch
def _key(name) -> str:
    if not isinstance(name, str) or not name or "`" in name:
        raise QueryError(f"参数名无效 / invalid parameter or map key: {name!r}")
    return f"`{name}`"


def _literal(value) -> str:
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            raise QueryError("参数含有 NUL 控制字符 / a parameter contains a NUL character")
        if "\\" in value or '"' in value:
            value = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{value}"'
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if not math.isfinite(value):
            raise QueryError(f"参数不是有限数值 / a parameter is not a finite number: {value}")
        return repr(value)
    if kind is dict:
        return "{" + ",".join([f"{_key(k)}:{_literal(v)}" for k, v in value.items()]) + "}"
    if kind is list or kind is tuple:
        return "[" + ",".join(map(_literal, value)) + "]"
    for plain_type in (str, int, float):  # subclasses, e.g. numpy's float64
        if isinstance(value, plain_type):
            return _literal(plain_type(value))
    raise QueryError(f"不支持的参数类型 / unsupported parameter type: {kind.__name__}")


def lock_token() -> str:
    """This process as the holder of a lock: its pid namespace, pid and start time (a pid
    used again later is another process), and a random part."""
    return f"{os.readlink('/proc/self/ns/pid')}|{os.getpid()}|{_started(os.getpid())}|{secrets.token_hex(8)}"


def holder_died(token: str) -> bool:
    """Whether the process that `lock_token()` named has ended. Only a process in this
    pid namespace can be looked up; any other counts as alive (its lock expires)."""
    try:
        namespace, pid, started, _ = token.split("|")
        pid = int(pid)
    except ValueError:
        return False
    return namespace == os.readlink("/proc/self/ns/pid") and _started(pid) != started


def _started(pid: int) -> str | None:
    """A process's start time in clock ticks since boot; None once it has ended (a zombie too)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return None if fields[0] == "Z" else fields[19]


def _unavailable(address: str, cause: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"无法连接图数据库 {address}：{cause} / cannot reach the embedded graph at {address}: {cause}")
