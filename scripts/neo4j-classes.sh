#!/usr/bin/env bash
# Record the classes the local Neo4j loads for a start, a schema, a load and the first
# queries into ARCHIVE (JDK class data sharing): later starts map them, a third faster.
# Run by `make neo4j` in a scratch home on a free loopback port, in an environment of its
# own: the user's graph, Neo4j (NEO4J_URI), accounts and audit log are never touched.
set -euo pipefail
archive="$1"
bin="$(dirname "$0")/../.venv/bin"
home="$(mktemp -d)"
port="$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
chainkg() {
  env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 CHAINKG_HOME="$home" CHAINKG_ENGINE=neo4j CHAINKG_NEO4J_PORT="$port" \
    CHAINKG_NEO4J_HEAP=1g CHAINKG_NEO4J_PAGECACHE=256m CHAINKG_NEO4J_JVM_OPTIONS="-XX:ArchiveClassesAtExit=$archive.tmp" \
    "$bin/chainkg" "$@" >/dev/null
}
trap 'chainkg db stop 2>/dev/null || true; rm -rf "$home" "$archive.tmp"' EXIT
rm -f "$archive"  # a JVM cannot record while it maps an older archive
chainkg db start
chainkg schema apply
chainkg load
chainkg stats --hash
chainkg gaps --json
chainkg db stop  # the JVM writes the archive as it exits
mv "$archive.tmp" "$archive"
