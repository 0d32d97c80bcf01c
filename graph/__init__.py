"""Connection to the graph: the embedded FalkorDB server by default, a local Neo4j server
with CHAINKG_ENGINE=neo4j, or the Neo4j that NEO4J_URI names."""

from __future__ import annotations

from graph.config import Settings
from graph.errors import ChainKGError, QueryError, ReadOnlyViolation, StoreUnavailable
from graph.schema import Schema, load_schema
from graph.server import EmbeddedServer, LocalServer
from graph.store import Store

__all__ = ["ChainKGError", "EmbeddedServer", "LocalServer", "QueryError", "ReadOnlyViolation", "Schema",
           "Settings", "Store", "StoreUnavailable", "connect", "local_server", "load_schema"]


def local_server(settings: Settings) -> LocalServer | None:
    """The server the product runs for these settings; None for a Neo4j run by others."""
    if settings.embedded:
        return EmbeddedServer(settings.graph_dir, settings.graph_port)
    if settings.local_neo4j:
        from graph.neo4j_server import Neo4jServer

        return Neo4jServer(settings.neo4j_dir, settings.neo4j_port, settings.neo4j_heap, settings.neo4j_page_cache,
                           settings.neo4j_browser_port, settings.neo4j_jvm_options)
    return None


def connect(settings: Settings | None = None) -> Store:
    """Open the configured store, starting the product's own server on demand."""
    settings = settings or Settings.from_env()
    server = local_server(settings)
    notices = server.ensure_running() if server else []
    if settings.engine == "neo4j":
        from graph.neo4j_store import Neo4jStore

        if server:
            store = Neo4jStore(server.uri, "neo4j", server.password(), None)
        else:
            store = Neo4jStore(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password,
                               settings.neo4j_database)
    else:
        from graph.falkor_store import FalkorStore

        store = FalkorStore(server.host, server.port, server.password(), settings.graph_name)
    store.notices = notices
    store.lock_file = settings.home / "writer.lock"
    return store
