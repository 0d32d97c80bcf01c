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
from dataclasses import dataclass
from itertools import product
from pathlib import Path

from graph import ChainKGError, Schema, Store, clock, load_schema
from graph.errors import InvalidData
from loaders.write import count_producers, node_identifiers, rel_identifiers, statement

FORMAT, VERSION = "chainkg-backup", 1
NODES, RELATIONSHIPS, MANIFEST = "nodes.jsonl", "relationships.jsonl", "manifest.json"
IMPORT_ARGUMENTS = "import-args.txt"


@dataclass
class Dump:
    nodes: list[str]  # canonical lines
    relationships: list[str]

    @property
    def hash(self) -> str:
        digest = hashlib.sha256()
        for lines in (self.nodes, self.relationships):
            digest.update("".join(line + "\n" for line in lines).encode("utf-8"))
            digest.update(b"\0")
        return "sha256:" + digest.hexdigest()


def _line(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def dump(store: Store, schema: Schema | None = None) -> Dump:
    """The whole graph as canonical lines."""
    schema = schema or load_schema()
    nodes = []
    for label, node in schema.nodes.items():
        rows = store.read(statement("all_nodes", **node_identifiers(schema, label)))
        nodes += [_line([label, r["props"]]) for r in sorted(rows, key=lambda r: str(r["props"][node.key]))]
    relationships = []
    for rel_type, rel in schema.relationships.items():
        for start, end in product(rel.start, rel.end):
            rows = store.read(statement("all_rels", **rel_identifiers(schema, (rel_type, start, end))))
            relationships += [_line([rel_type, start, r["start"], end, r["end"], r["props"]])
                              for r in sorted(rows, key=lambda r: (str(r["start"]), str(r["end"])))]
    return Dump(nodes, relationships)


def graph_hash(store: Store) -> str:
    return dump(store).hash


def backup(store: Store, folder: Path) -> dict:
    """Write the whole graph to `folder` (created; must be empty). Returns the manifest."""
    folder = _new_folder(folder)
    snapshot = dump(store)
    (folder / NODES).write_text("".join(line + "\n" for line in snapshot.nodes), encoding="utf-8")
    (folder / RELATIONSHIPS).write_text("".join(line + "\n" for line in snapshot.relationships), encoding="utf-8")
    manifest = {"format": FORMAT, "version": VERSION, "created": clock.now().isoformat(timespec="seconds"),
                "engine": store.engine, "nodes": len(snapshot.nodes), "relationships": len(snapshot.relationships),
                "hash": snapshot.hash}
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def read_backup(folder: Path) -> tuple[dict, Dump]:
    """The manifest and lines of a backup, checked against the manifest's hash."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        snapshot = Dump(*((folder / name).read_text(encoding="utf-8").splitlines() for name in (NODES, RELATIONSHIPS)))
    except (OSError, ValueError) as e:
        raise InvalidData(f"不是可读的备份目录 / not a readable backup folder: {folder} ({e})") from e
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise InvalidData(f"不认识的备份格式 / unknown backup format in {folder / MANIFEST}")
    if snapshot.hash != manifest.get("hash"):
        raise InvalidData("备份文件与清单中的校验值不符，可能已损坏或被修改 / the backup does not match its manifest hash")
    return manifest, snapshot


def restore(store: Store, folder: Path) -> dict:
    """Replace the whole graph by the backup in `folder`, all or nothing; returns its manifest."""
    schema = load_schema()
    manifest, snapshot = read_backup(folder)
    nodes: dict[str, list[dict]] = defaultdict(list)
    for line in snapshot.nodes:
        label, props = json.loads(line)
        if label not in schema.nodes:
            raise InvalidData(f"备份中有未知的节点类型 / unknown label in the backup: {label}")
        nodes[label].append({"key": props[schema.nodes[label].key], "props": props})
    relationships: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for line in snapshot.relationships:
        rel_type, start, start_key, end, end_key, props = json.loads(line)
        rel = schema.relationships.get(rel_type)
        if rel is None or start not in rel.start or end not in rel.end:
            raise InvalidData(f"备份中有未知的关系类型 / unknown relationship in the backup: {rel_type}")
        relationships[(rel_type, start, end)].append({"start": start_key, "end": end_key, "props": props})
    with store.exclusive():
        store.apply_schema(schema)
        with store.atomic() as unit:
            unit.write(statement("delete_all"))
            for label, rows in nodes.items():
                unit.write_batches(statement("merge_nodes", **node_identifiers(schema, label)), rows)
            for key, rows in relationships.items():
                unit.write_batches(statement("merge_rels", **rel_identifiers(schema, key)), rows)
            if dump(unit, schema).hash != manifest["hash"]:  # checked before it replaces the graph
                raise ChainKGError("恢复的图与备份不一致，原图未改动 / the restored graph differs from the backup; "
                                   "the graph was left as it was")
            count_producers(unit)  # a backup from before the counts existed has none; a newer one, the same
    return manifest


def export_neo4j_import(store: Store, folder: Path) -> list[str]:
    """The whole graph as CSV files for `neo4j-admin database import full`, for loading very
    large graphs into a Neo4j server offline. One file per label (`:ID` in the label's own
    ID space, from its key) and per relationship type and end labels; typed headers
    (`:long`, `:double`, `:boolean`, `:string[]` with `;` between items). Returns the
    import command's arguments, also written to `import-args.txt`."""
    folder = _new_folder(folder)
    schema = load_schema()
    snapshot = dump(store, schema)
    nodes: dict[str, list[dict]] = defaultdict(list)
    for line in snapshot.nodes:
        label, props = json.loads(line)
        nodes[label].append(props)
    relationships: dict[tuple[str, str, str], list[tuple]] = defaultdict(list)
    for line in snapshot.relationships:
        rel_type, start, start_key, end, end_key, props = json.loads(line)
        relationships[(rel_type, start, end)].append((start_key, end_key, props))
    arguments = []
    for label, rows in nodes.items():
        key = schema.nodes[label].key
        columns = sorted({k for props in rows for k in props})
        header = [f"{key}:ID({label})" if c == key else _typed(c, [p.get(c) for p in rows]) for c in columns]
        _write_csv(folder / f"nodes_{label}.csv", [*header, ":LABEL"],
                   ([*(_cell(p.get(c)) for c in columns), label] for p in rows))
        arguments.append(f"--nodes={label}=nodes_{label}.csv")
    for (rel_type, start, end), rows in relationships.items():
        columns = sorted({k for *_, props in rows for k in props})
        header = [f":START_ID({start})", f":END_ID({end})",
                  *(_typed(c, [props.get(c) for *_, props in rows]) for c in columns), ":TYPE"]
        name = f"rels_{rel_type}_{start}_{end}.csv"
        _write_csv(folder / name, header,
                   ([s, e, *(_cell(props.get(c)) for c in columns), rel_type] for s, e, props in rows))
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


def _typed(column: str, values: list) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return f"{column}:boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return f"{column}:long"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return f"{column}:double"
    if present and all(isinstance(v, list) for v in present):
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
