"""Connection to the graph: Neo4j when NEO4J_URI is set, else the embedded server."""

from __future__ import annotations

from graph.config import Settings
from graph.errors import ChainKGError, QueryError, ReadOnlyViolation, StoreUnavailable
from graph.schema import Schema, load_schema
from graph.server import EmbeddedServer
from graph.store import Store

__all__ = ["ChainKGError", "EmbeddedServer", "QueryError", "ReadOnlyViolation", "Schema",
           "Settings", "Store", "StoreUnavailable", "connect", "embedded_server", "load_schema"]


def embedded_server(settings: Settings) -> EmbeddedServer:
    return EmbeddedServer(settings.graph_dir, settings.graph_port)


def connect(settings: Settings | None = None) -> Store:
    """Open the configured store, starting the embedded server on demand."""
    settings = settings or Settings.from_env()
    if not settings.embedded:
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password,
                          settings.neo4j_database)
    from graph.falkor_store import FalkorStore

    server = embedded_server(settings)
    notices = server.ensure_running()
    store = FalkorStore(server.host, server.port, server.password(), settings.graph_name)
    store.notices = notices
    return store
