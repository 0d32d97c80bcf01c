"""Backup, restore, and the canonical hash of the whole graph.

A backup is a folder of three UTF-8 files:

    manifest.json        {"format": "chainkg-backup", "version": 1, "created": "...",
                          "engine": "falkordb", "nodes": 217, "relationships": 505,
                          "hash": "sha256:..."}
    nodes.jsonl          one node per line:  ["Chain", {"name": "数字经济", "class": "百亿", ...}]
    relationships.jsonl  one per line:       ["PART_OF", "Segment", "大数据", "Chain", "数字经济", {...}]

Lines are canonical (keys sorted, compact JSON) and in canonical order (label or type,
then keys), so the same graph always gives the same bytes; the hash is the SHA-256 of the
two .jsonl files. `chainkg stats --hash` prints the hash of the live graph the same way.
Labels and types come from `graph/schema.yaml`; nodes or relationships of other kinds are
not part of the product's graph and are not backed up.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import groupby, product
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from graph import ChainKGError, Schema, Store, clock, load_schema
from graph.errors import InvalidData
from graph.store import batched, unpacked
from loaders.write import count_producers, node_identifiers, rel_identifiers, statement

FORMAT, VERSION = "chainkg-backup", 1
NODES, RELATIONSHIPS, MANIFEST = "nodes.jsonl", "relationships.jsonl", "manifest.json"
IMPORT_ARGUMENTS = "import-args.txt"


PAGE = 10_000  # keys per read: a backup or hash holds a page of facts at a time, not the graph


def node_lines(store: Store, schema: Schema, stored: dict[str, str] | None = None) -> Iterator[str]:
    """Every node as a canonical line, by label (schema order), then key. `stored`: the
    label each label's nodes have in the store, when not their own (a staged restore)."""
    for label in schema.nodes:
        yield from (_line([label, props]) for props in _nodes(store, schema, label, (stored or {}).get(label, label)))


def relationship_lines(store: Store, schema: Schema, stored: dict[str, str] | None = None) -> Iterator[str]:
    """Every relationship as a canonical line, by type and end labels (schema order), then
    start key, then end key."""
    for rel_key in _relationship_keys(schema):
        rel_type, start, end = rel_key
        yield from (_line([rel_type, start, s, end, e, props])
                    for s, e, props in _relationships(store, schema, rel_key, stored or {}))


def _nodes(store: Store, schema: Schema, label: str, stored: str | None = None) -> Iterator[dict]:
    """The properties of every `label` node (labelled `stored` in the store), by key, read a
    page at a time."""
    identifiers = node_identifiers(schema, label) | {"label": stored or label}
    keys = sorted((row["key"] for row in unpacked(store.read(statement("all_keys", **identifiers)))), key=str)
    for page in batched(keys, PAGE):
        props = {row["key"]: row["props"]
                 for row in unpacked(store.read(statement("node_props", **identifiers), {"rows": page}))}
        yield from (props[key] for key in page)


def _relationship_keys(schema: Schema) -> Iterator[tuple[str, str, str]]:
    for rel_type, rel in schema.relationships.items():
        for start, end in product(rel.start, rel.end):
            yield rel_type, start, end


def _relationships(store: Store, schema: Schema, rel_key: tuple[str, str, str],
                   stored: dict[str, str] | None = None) -> Iterator[tuple]:
    """(start key, end key, properties) of every relationship of `rel_key`, by start key then
    end key, read a page of start nodes at a time."""
    _, start, end = rel_key
    identifiers = rel_identifiers(schema, rel_key) | {"start": (stored or {}).get(start, start),
                                                      "end": (stored or {}).get(end, end)}
    starts = sorted((row["key"] for row in unpacked(store.read(statement("rel_starts", **identifiers)))), key=str)
    for page in batched(starts, PAGE):
        rows = sorted(unpacked(store.read(statement("rels_from", **identifiers), {"rows": page})),
                      key=lambda r: (str(r["start"]), str(r["end"])))
        yield from ((r["start"], r["end"], r["props"]) for r in rows)


class _Digest:
    """The hash of the two sections' lines (nodes, then relationships), and their counts."""

    def __init__(self):
        self._sha, self.counts = hashlib.sha256(), []

    def section(self, lines: Iterable[str], out: TextIO | None = None) -> None:
        count = 0
        for line in lines:
            self._sha.update((line + "\n").encode("utf-8"))
            if out:
                out.write(line + "\n")
            count += 1
        self._sha.update(b"\0")
        self.counts.append(count)

    @property
    def hash(self) -> str:
        return "sha256:" + self._sha.hexdigest()


def _line(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def graph_hash(store: Store, schema: Schema | None = None, stored: dict[str, str] | None = None) -> str:
    schema = schema or load_schema()
    digest = _Digest()
    digest.section(node_lines(store, schema, stored))
    digest.section(relationship_lines(store, schema, stored))
    return digest.hash


def backup(store: Store, folder: Path) -> dict:
    """Write the whole graph to `folder` (created; must be empty). Returns the manifest."""
    folder = _new_folder(folder)
    schema, digest = load_schema(), _Digest()
    with open(folder / NODES, "w", encoding="utf-8") as out:
        digest.section(node_lines(store, schema), out)
    with open(folder / RELATIONSHIPS, "w", encoding="utf-8") as out:
        digest.section(relationship_lines(store, schema), out)
    manifest = {"format": FORMAT, "version": VERSION, "created": clock.now().isoformat(timespec="seconds"),
                "engine": store.engine, "nodes": digest.counts[0], "relationships": digest.counts[1],
                "hash": digest.hash}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def read_backup(folder: Path) -> dict:
    """The manifest of a backup, once its files are checked against the manifest's hash."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        digest = _Digest()
        for name in (NODES, RELATIONSHIPS):
            with open(folder / name, encoding="utf-8") as lines:
                digest.section(line.rstrip("\n") for line in lines)
    except (OSError, ValueError) as e:
        raise InvalidData(f"不是可读的备份目录 / not a readable backup folder: {folder} ({e})") from e
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise InvalidData(f"不认识的备份格式 / unknown backup format in {folder / MANIFEST}")
    if digest.hash != manifest.get("hash"):
        raise InvalidData("备份文件与清单中的校验值不符，可能已损坏或被修改 / the backup does not match its manifest hash")
    return manifest


def restore(store: Store, folder: Path) -> dict:
    """Replace the whole graph by the backup in `folder`, all or nothing; returns its manifest.
    The files are read as they are written, a batch at a time (a backup can be gigabytes);
    on Neo4j the new graph is staged (`Staging`) and shown in one transaction that deletes
    the old one, so a million firms do not have to fit in one transaction."""
    schema = load_schema()
    manifest = read_backup(folder)
    with store.exclusive():
        store.apply_schema(schema)
        with store.atomic(chunked=True) as unit, open(Path(folder) / NODES, encoding="utf-8") as node_file, \
                open(Path(folder) / RELATIONSHIPS, encoding="utf-8") as rel_file:
            if unit.staging.active:
                unit.staging.replacing = True
            else:
                unit.write(statement("delete_all"))
            stored = {label: unit.staging.create(label, ()) for label in schema.nodes}  # every node is new
            for label, rows in groupby(map(_node_row(schema), node_file), key=itemgetter(0)):
                unit.write_batches(statement("create_nodes", **node_identifiers(schema, label) | {"label": stored[label]}),
                                   (row for _, row in rows), staged=True)
            for (rel_type, start, end), rows in groupby(map(_relationship_row(schema), rel_file), key=itemgetter(0)):
                identifiers = rel_identifiers(schema, (rel_type, start, end)) | {"start": stored[start], "end": stored[end]}
                unit.write_batches(statement("create_rels", **identifiers), (row for _, row in rows), staged=True)
            if graph_hash(unit, schema, stored) != manifest["hash"]:  # checked before it replaces the graph
                raise ChainKGError("恢复的图与备份不一致，原图未改动 / the restored graph differs from the backup; "
                                   "the graph was left as it was")
            count_producers(unit)  # a backup from before the counts existed has none; a newer one, the same
    return manifest


def _node_row(schema: Schema):
    def row(line: str) -> tuple[str, dict]:
        label, props = json.loads(line)
        if label not in schema.nodes:
            raise InvalidData(f"备份中有未知的节点类型 / unknown label in the backup: {label}")
        return label, {"key": props[schema.nodes[label].key], "props": props}
    return row


def _relationship_row(schema: Schema):
    def row(line: str) -> tuple[tuple[str, str, str], dict]:
        rel_type, start, start_key, end, end_key, props = json.loads(line)
        rel = schema.relationships.get(rel_type)
        if rel is None or start not in rel.start or end not in rel.end:
            raise InvalidData(f"备份中有未知的关系类型 / unknown relationship in the backup: {rel_type}")
        return (rel_type, start, end), {"start": start_key, "end": end_key, "props": props}
    return row


def export_neo4j_import(store: Store, folder: Path) -> list[str]:
    """The whole graph as CSV files for `neo4j-admin database import full`, for loading very
    large graphs into a Neo4j server offline. One file per label (`:ID` in the label's own
    ID space, from its key) and per relationship type and end labels; typed headers
    (`:long`, `:double`, `:boolean`, `:string[]` with `;` between items). Returns the
    import command's arguments, also written to `import-args.txt`."""
    folder = _new_folder(folder)
    schema = load_schema()
    arguments = []
    for label, node in schema.nodes.items():  # each read twice: its columns' types, then its rows
        columns = _columns(_nodes(store, schema, label))
        if columns is None:
            continue
        header = [f"{node.key}:ID({label})" if c == node.key else _typed(c, kinds) for c, kinds in columns.items()]
        _write_csv(folder / f"nodes_{label}.csv", [*header, ":LABEL"],
                   ([*(_cell(p.get(c)) for c in columns), label] for p in _nodes(store, schema, label)))
        arguments.append(f"--nodes={label}=nodes_{label}.csv")
    for rel_key in _relationship_keys(schema):
        rel_type, start, end = rel_key
        columns = _columns(props for *_, props in _relationships(store, schema, rel_key))
        if columns is None:
            continue
        header = [f":START_ID({start})", f":END_ID({end})", *(_typed(c, kinds) for c, kinds in columns.items()), ":TYPE"]
        name = f"rels_{rel_type}_{start}_{end}.csv"
        _write_csv(folder / name, header, ([s, e, *(_cell(props.get(c)) for c in columns), rel_type]
                                           for s, e, props in _relationships(store, schema, rel_key)))
        arguments.append(f"--relationships={rel_type}={name}")
    (folder / IMPORT_ARGUMENTS).write_text(
        "# chainkg db import FOLDER --engine neo4j, or by hand:\n"
        "# neo4j-admin database import full <database> --array-delimiter=';' --multiline-fields=true \\\n"
        + " \\\n".join(arguments) + "\n", encoding="utf-8")
    return arguments


def import_arguments(folder: Path) -> list[str]:
    """The file arguments `export_neo4j_import` wrote to `folder`."""
    try:
        lines = (Path(folder) / IMPORT_ARGUMENTS).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InvalidData(f"不是 export-neo4j 的输出目录 / not a folder written by export-neo4j: {folder} ({e})") from e
    return [line.rstrip(" \\") for line in lines if line.startswith("--")]


def _new_folder(folder: Path) -> Path:
    """`folder`, created, refused when it already holds files."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise ChainKGError(f"目录不是空的 / the folder is not empty: {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _columns(rows: Iterable[dict]) -> dict[str, set[str]] | None:
    """column -> the kinds of value it holds (`_kind`), columns in name order; None for no rows."""
    columns: dict[str, set[str]] = defaultdict(set)
    found = False
    for props in rows:
        found = True
        for column, value in props.items():
            columns[column].add(_kind(value))
    return {c: columns[c] - {"null"} for c in sorted(columns)} if found else None


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return {int: "long", float: "double", list: "list"}.get(type(value), "text")


def _typed(column: str, kinds: set[str]) -> str:
    if kinds == {"boolean"}:
        return f"{column}:boolean"
    if kinds == {"long"}:
        return f"{column}:long"
    if kinds and kinds <= {"long", "double"}:
        return f"{column}:double"
    if kinds == {"list"}:
        return f"{column}:string[]"
    return column


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _write_csv(path: Path, header: list[str], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
