"""Store adapter for Neo4j, through the official driver.

`neo4j://` and `neo4j+s://` routing URIs work unchanged: reads are routed to readers
in read-access mode (the server refuses writes there), writes run as managed write
transactions that the driver retries on transient errors. Every read and write path
shares the driver's one bookmark manager, so a read after a write sees it on a cluster
too (causal consistency).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j.exceptions import ClientError, DriverError, Neo4jError

from graph.errors import ChainKGError, QueryError, ReadOnlyViolation, StoreUnavailable
from graph.schema import Schema
from graph.store import STAGED, Rows, Staging, Store, plain


class Neo4jStore(Store):
    engine = "neo4j"

    def __init__(self, uri: str, user: str, password: str | None, database: str | None):
        parts = urlsplit(uri)
        self.address = f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
        self.notices = []
        self._database = database
        try:
            # The server's notes (deprecations, unknown property keys of optional facts) are
            # not the user's business; errors still raise.
            # Retries of a transaction the server could not take (a cluster electing a leader)
            # end after 10 s, not the driver's 30: a user waits for the page.
            self._driver = GraphDatabase.driver(uri, auth=(user, password or ""), connection_timeout=10,
                                                max_transaction_retry_time=10,
                                                notifications_min_severity="OFF")
            self._driver.verify_connectivity()
        except (DriverError, Neo4jError, ValueError) as e:
            raise StoreUnavailable(
                f"无法连接 Neo4j {self.address}：{_cause(e)} / cannot connect to Neo4j at {self.address}: {_cause(e)}"
            ) from e
        self._bookmarks = self._driver.execute_query_bookmark_manager

    def read(self, query: str, params: dict | None = None) -> Rows:
        def run():
            records, _, _ = self._driver.execute_query(
                query, params or {}, database_=self._database, routing_=RoutingControl.READ)
            return _rows(records)
        return self._guard(run)

    def write(self, query: str, params: dict | None = None) -> Rows:
        def work(tx: neo4j.ManagedTransaction) -> Rows:
            return _rows(tx.run(query, params or {}))

        def run():
            with self._session() as session:
                return session.execute_write(work)
        return self._guard(run)

    def apply_schema(self, schema: Schema) -> list[str]:
        existing = {row["name"] for row in self.read("SHOW INDEXES YIELD name RETURN name")}  # constraints' too
        constraints = {row["name"] for row in self.read("SHOW CONSTRAINTS YIELD name RETURN name")}
        done = []
        for label, node in schema.nodes.items():
            statements = {f"{label}_{node.key}_unique": (f"unique {label}.{node.key}",
                          f"FOR (n:{label}) REQUIRE n.{node.key} IS UNIQUE", "CONSTRAINT")}
            statements |= {f"{label}_{prop}": (f"index {label}.{prop}", f"FOR (n:{label}) ON (n.{prop})", "INDEX")
                           for prop in node.indexes}
            # a chunked unit's staged nodes are looked up by the same properties (Staging)
            staged = {f"{STAGED}{label}_{prop}": f"FOR (n:{STAGED}{label}) ON (n.{prop})"
                      for prop in (node.key, *node.indexes)}
            for name, body in staged.items():
                self.write(f"CREATE INDEX {name} IF NOT EXISTS {body}")
            for name, (what, body, kind) in statements.items():
                if kind == "CONSTRAINT" and name in existing - constraints:
                    self.write(f"DROP INDEX {name}")  # the index of a constraint whose creation was killed
                    existing.discard(name)
                self.write(f"CREATE {kind} {name} IF NOT EXISTS {body}")
                done.append(f"{'exists ' if name in existing else 'created'} {what}")
        self.write("CALL db.awaitIndexes(300)")  # new indexes are populated before the first load uses them
        return done

    @contextmanager
    def atomic(self, chunked: bool = False) -> Iterator[Store]:
        """One explicit transaction: committed when the block ends, rolled back on error.
        `chunked`: Neo4j holds a transaction in its heap, too small for a national directory;
        the writes are staged instead (`Staging`, `_Chunked`) and shown in one transaction
        at the end. Readers see the old graph or the new one, never a part."""
        self._discard_staged()  # left by a chunked unit that was killed (writers hold `exclusive`)
        if chunked:
            unit = _Chunked(self)
            try:
                yield unit
                self._publish(unit)
            finally:
                with suppress(ChainKGError):  # the server gone: the next unit discards them
                    self._discard_staged()
            return
        with self._session() as session:
            tx = self._guard(session.begin_transaction)
            try:
                yield _InTransaction(tx, self)
                self._guard(tx.commit)
            finally:
                if not tx.closed():
                    tx.rollback()

    def _publish(self, unit: _Chunked) -> None:
        """Show a chunked unit's writes in one transaction: its staged nodes take their labels
        (the transaction holds only label changes for them), its relationships between shown
        nodes are copied to their own type, then the writes it held back run. A unit that
        replaces the graph (restore) deletes what readers saw first."""
        with self._session() as session:
            tx = self._guard(session.begin_transaction)
            try:
                if unit.staging.replacing:
                    self._guard(lambda: tx.run("MATCH (n) WHERE NOT any(label IN labels(n) WHERE label STARTS WITH $prefix) "
                                               "DETACH DELETE n", {"prefix": STAGED}).consume())
                for label in unit.staging.keys:
                    self._guard(lambda: tx.run(f"MATCH (n:{STAGED}{label}) SET n:{label} REMOVE n:{STAGED}{label}").consume())
                for rel_type, start, end in unit.staging.pairs:  # copied: deleting them here would
                    # make Neo4j hold every one in memory first (Eager); they go after the commit
                    self._guard(lambda: tx.run(f"MATCH (a:{start})-[s:{STAGED}{rel_type}]->(b:{end}) "
                                               f"CREATE (a)-[r:{rel_type}]->(b) SET r = properties(s)").consume())
                for query, params in unit.held:
                    self._guard(lambda: tx.run(query, params).consume())
                self._guard(tx.commit)
            finally:
                if not tx.closed():
                    tx.rollback()

    def _discard_staged(self) -> None:
        """Delete what a failed or killed chunked unit staged, in batches."""
        for row in self.read("CALL db.relationshipTypes() YIELD relationshipType AS type "
                             "WHERE type STARTS WITH $prefix RETURN type", {"prefix": STAGED}):
            self._delete_in_batches(f"MATCH ()-[n:`{row['type']}`]->()", "DELETE n")
        for row in self.read("CALL db.labels() YIELD label WHERE label STARTS WITH $prefix RETURN label",
                             {"prefix": STAGED}):
            self._delete_in_batches(f"MATCH (n:`{row['label']}`)")

    def _delete_in_batches(self, match: str, delete: str = "DETACH DELETE n") -> None:
        def run():
            with self._session() as session:
                session.run(f"{match} CALL (n) {{ {delete} }} IN TRANSACTIONS OF 10000 ROWS").consume()
        self._guard(run)

    def clear(self) -> None:
        """Delete every node, relationship, constraint and index, in batches (a large graph
        in one transaction would need its whole size in heap)."""
        self._delete_in_batches("MATCH (n)")
        for row in self.read("SHOW CONSTRAINTS YIELD name RETURN name"):
            self.write(f"DROP CONSTRAINT `{row['name']}`")
        for row in self.read("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"):
            self.write(f"DROP INDEX `{row['name']}`")

    def close(self) -> None:
        self._driver.close()

    def _session(self) -> neo4j.Session:
        return self._driver.session(database=self._database, bookmark_manager=self._bookmarks)

    def _guard(self, run):
        try:
            return run()
        except ClientError as e:
            if e.code and ("AccessMode" in e.code or "ForbiddenOnReadOnlyDatabase" in e.code):
                raise ReadOnlyViolation(
                    "只读操作不允许写入图数据库 / this path is read-only: writes are refused") from e
            raise QueryError(f"查询失败 / query failed: {e.message}") from e
        except (DriverError, Neo4jError) as e:
            if getattr(e, "code", None) and "OutOfMemory" in e.code:  # a load is one transaction, held in the heap
                raise QueryError("Neo4j 事务超出内存上限，未写入任何数据：请调大 CHAINKG_NEO4J_HEAP，或用 export-neo4j 与 "
                                 "db import 导入特大名录 / the transaction exceeds Neo4j's memory limit, nothing was "
                                 "written: raise CHAINKG_NEO4J_HEAP, or use export-neo4j and db import") from e
            raise StoreUnavailable(
                f"Neo4j {self.address} 不可用：{_cause(e)} / Neo4j at {self.address} is unavailable: {_cause(e)}"
            ) from e


def _rows(records) -> Rows:
    # Record.data() would turn a relationship into (start, type, end) without its properties.
    # A result's records share their keys: zipped once per record, a third faster than items().
    records = list(records)
    if not records:
        return []
    keys = records[0].keys()
    return [dict(zip(keys, map(plain, record))) for record in records]


def _cause(e: Exception) -> str:
    return (getattr(e, "message", None) or str(e) or type(e).__name__).splitlines()[0]


class _Unit(Store):
    """The store seen inside one of `Neo4jStore.atomic`'s units."""

    def __init__(self, outer: Neo4jStore):
        self.engine, self.address, self.notices = outer.engine, outer.address, []
        self.rows_per_write = outer.rows_per_write
        self._outer = outer

    def apply_schema(self, schema: Schema) -> list[str]:
        raise QueryError("约束须在事务外建立 / schema statements cannot run inside a transaction")

    def atomic(self, chunked: bool = False):
        raise QueryError("事务不能嵌套 / transactions do not nest")

    def clear(self) -> None:
        raise QueryError("事务中不能清空图 / the graph cannot be cleared inside a transaction")

    def close(self) -> None:
        pass


class _Chunked(_Unit):
    """Inside `atomic(chunked=True)`: reads and staged writes run at once, each write in its
    own transaction; every other write is held for the publishing transaction."""

    def __init__(self, outer: Neo4jStore):
        super().__init__(outer)
        self.staging = Staging(active=True)
        self.held: list[tuple[str, dict]] = []

    def read(self, query: str, params: dict | None = None) -> Rows:
        return self._outer.read(query, params)

    def write_staged(self, query: str, params: dict | None = None) -> Rows:
        return self._outer.write(query, params)

    def write(self, query: str, params: dict | None = None) -> Rows:
        self.held.append((query, params or {}))
        return []


class _InTransaction(_Unit):
    """Inside `atomic()`: every statement joins one transaction. A transaction is not
    thread-safe, and the directory import writes one chunk on a second thread while it
    checks the next: a lock takes their statements in turn."""

    def __init__(self, tx: neo4j.Transaction, outer: Neo4jStore):
        super().__init__(outer)
        self._tx = tx
        self._lock = threading.Lock()

    def read(self, query: str, params: dict | None = None) -> Rows:
        def run():
            with self._lock:
                return _rows(self._tx.run(query, params or {}))
        return self._outer._guard(run)

    write = read  # inside the one write transaction a read runs like a write
