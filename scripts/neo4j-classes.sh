#!/usr/bin/env bash
# Record the classes the local Neo4j loads for a start, a schema, a load and the first
# queries into ARCHIVE (JDK class data sharing): later starts map them, a third faster.
# Run by `make neo4j`, in a scratch home on a free loopback port; the user's graph is untouched.
set -euo pipefail
archive="$1"
bin="$(dirname "$0")/../.venv/bin"
home="$(mktemp -d)"
trap 'CHAINKG_HOME="$home" "$bin/chainkg" db stop >/dev/null 2>&1 || true; rm -rf "$home" "$archive.tmp"' EXIT
rm -f "$archive"  # a JVM cannot record while it maps an older archive
export CHAINKG_HOME="$home" CHAINKG_ENGINE=neo4j CHAINKG_NEO4J_HEAP=1g CHAINKG_NEO4J_PAGECACHE=256m
export CHAINKG_NEO4J_PORT="$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export CHAINKG_NEO4J_JVM_OPTIONS="-XX:ArchiveClassesAtExit=$archive.tmp"
"$bin/chainkg" db start >/dev/null
"$bin/chainkg" schema apply >/dev/null
"$bin/chainkg" load >/dev/null
"$bin/chainkg" stats --hash >/dev/null
"$bin/chainkg" gaps --json >/dev/null
"$bin/chainkg" db stop >/dev/null  # the JVM writes the archive as it exits
mv "$archive.tmp" "$archive"
