"""Store adapter for the embedded engine: FalkorDB over the Redis protocol."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from falkordb import FalkorDB

from graph.errors import QueryError, ReadOnlyViolation, StoreUnavailable
from graph.schema import Schema
from graph.store import Rows, Store, plain


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
            return self._run(self._graph.ro_query, query, params)
        except QueryError as e:
            if "empty key" not in str(e):
                raise
        # The graph does not exist (never written, or deleted): a no-op write creates it
        # empty, so the read answers as on an empty graph.
        self.write("RETURN 0")
        return self._run(self._graph.ro_query, query, params)

    def write(self, query: str, params: dict | None = None) -> Rows:
        return self._run(self._graph.query, query, params)

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
    def atomic(self) -> Iterator[FalkorStore]:
        """FalkorDB has no multi-statement transactions: write to a copy of the graph, then
        swap it in with RENAME, which Redis does atomically. Readers see the old graph
        until the swap; a failure leaves the graph untouched."""
        staging = copy.copy(self)
        staging.graph_name = f"{self.graph_name}__staging"
        staging._graph = self._db.select_graph(staging.graph_name)
        staging.drop_graph()  # left over from a load that was killed
        self._command("GRAPH.COPY", self.graph_name, staging.graph_name, missing_ok=True)
        try:
            yield staging
            self._command("RENAME", staging.graph_name, self.graph_name, missing_ok=True)
        finally:
            staging.drop_graph()

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

    def drop_graph(self) -> None:
        """Delete the whole graph (tests and `restore` use it)."""
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

    def _run(self, fn, query: str, params: dict | None) -> Rows:
        _check_param(params)
        try:
            result = fn(query, params)
        except redis.ResponseError as e:
            if "read-only" in str(e):
                raise ReadOnlyViolation(
                    "只读操作不允许写入图数据库 / this path is read-only: writes are refused") from e
            raise QueryError(f"查询失败 / query failed: {e}") from e
        except (redis.ConnectionError, redis.TimeoutError) as e:
            raise _unavailable(self.address, e) from e
        columns = [name for _kind, name in result.header]
        return [dict(zip(columns, plain(row))) for row in result.result_set]


def _check_param(value) -> None:
    """Refuse what the client cannot pass safely: it writes parameters into a text header
    that the server reads as a C string, so a NUL would cut the query short."""
    if isinstance(value, str):
        if "\x00" in value:
            raise QueryError("参数含有 NUL 控制字符 / a parameter contains a NUL character")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise QueryError(f"参数不是有限数值 / a parameter is not a finite number: {value}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key or "`" in key:
                raise QueryError(f"参数名无效 / invalid parameter or map key: {key!r}")
            _check_param(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_param(item)
    elif not (value is None or isinstance(value, (bool, int))):
        raise QueryError(f"不支持的参数类型 / unsupported parameter type: {type(value).__name__}")


def _unavailable(address: str, cause: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"无法连接图数据库 {address}：{cause} / cannot reach the embedded graph at {address}: {cause}")
