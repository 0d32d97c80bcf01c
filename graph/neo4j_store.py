"""Store adapter for Neo4j, through the official driver.

`neo4j://` and `neo4j+s://` routing URIs work unchanged: reads are routed to readers
in read-access mode (the server refuses writes there), writes run as managed write
transactions that the driver retries on transient errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import ClientError, DriverError, Neo4jError

from graph.errors import QueryError, ReadOnlyViolation, StoreUnavailable
from graph.schema import Schema
from graph.store import Rows, Store, plain


class Neo4jStore(Store):
    engine = "neo4j"

    def __init__(self, uri: str, user: str, password: str | None, database: str | None):
        parts = urlsplit(uri)
        self.address = f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
        self.notices = []
        self._database = database
        try:
            self._driver = GraphDatabase.driver(uri, auth=(user, password or ""),
                                                connection_timeout=10)
            self._driver.verify_connectivity()
        except (DriverError, Neo4jError, ValueError) as e:
            raise StoreUnavailable(
                f"无法连接 Neo4j {self.address}：{_cause(e)} / cannot connect to Neo4j at {self.address}: {_cause(e)}"
            ) from e

    def read(self, query: str, params: dict | None = None) -> Rows:
        def run():
            records, _, _ = self._driver.execute_query(
                query, params or {}, database_=self._database, routing_=RoutingControl.READ)
            return [plain(r.data()) for r in records]
        return self._guard(run)

    def write(self, query: str, params: dict | None = None) -> Rows:
        def work(tx: neo4j.ManagedTransaction) -> Rows:
            return [plain(r.data()) for r in tx.run(query, params or {})]

        def run():
            with self._driver.session(database=self._database) as session:
                return session.execute_write(work)
        return self._guard(run)

    def apply_schema(self, schema: Schema) -> list[str]:
        done = []
        for label, node in schema.nodes.items():
            self.write(f"CREATE CONSTRAINT {label}_{node.key}_unique IF NOT EXISTS "
                       f"FOR (n:{label}) REQUIRE n.{node.key} IS UNIQUE")
            done.append(f"unique {label}.{node.key}")
            for prop in node.indexes:
                self.write(f"CREATE INDEX {label}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
                done.append(f"index {label}.{prop}")
        return done

    @contextmanager
    def atomic(self) -> Iterator[Store]:
        """One explicit transaction: committed when the block ends, rolled back on error."""
        with self._driver.session(database=self._database) as session:
            tx = self._guard(session.begin_transaction)
            try:
                yield _InTransaction(tx, self)
                self._guard(tx.commit)
            finally:
                if not tx.closed():
                    tx.rollback()

    def close(self) -> None:
        self._driver.close()

    def _guard(self, run):
        try:
            return run()
        except ClientError as e:
            if e.code and "AccessMode" in e.code:
                raise ReadOnlyViolation(
                    "只读操作不允许写入图数据库 / this path is read-only: writes are refused") from e
            raise QueryError(f"查询失败 / query failed: {e.message}") from e
        except (DriverError, Neo4jError) as e:
            raise StoreUnavailable(
                f"Neo4j {self.address} 不可用：{_cause(e)} / Neo4j at {self.address} is unavailable: {_cause(e)}"
            ) from e


def _cause(e: Exception) -> str:
    return (getattr(e, "message", None) or str(e) or type(e).__name__).splitlines()[0]


class _InTransaction(Store):
    """The store seen inside `Neo4jStore.atomic`: every statement joins one transaction."""

    def __init__(self, tx: neo4j.Transaction, outer: Neo4jStore):
        self.engine, self.address, self.notices = outer.engine, outer.address, []
        self.rows_per_write = outer.rows_per_write
        self._tx, self._outer = tx, outer

    def read(self, query: str, params: dict | None = None) -> Rows:
        return self._outer._guard(lambda: [plain(r.data()) for r in self._tx.run(query, params or {})])

    write = read  # inside the one write transaction a read runs like a write

    def apply_schema(self, schema: Schema) -> list[str]:
        raise QueryError("约束须在事务外建立 / schema statements cannot run inside a transaction")

    def atomic(self):
        raise QueryError("事务不能嵌套 / transactions do not nest")

    def close(self) -> None:
        pass
