"""`chainkg`: the command line of the industrial-chain knowledge graph.

Every command mirrors a library function; errors are one clear line (中文 / English)
and a non-zero exit code, with the traceback only under `--debug`.
"""

from __future__ import annotations

import json
import logging
import sys
from functools import wraps
from pathlib import Path

import click
import pandas as pd

from graph import ChainKGError, Settings, connect, embedded_server, load_schema
from graph.errors import InvalidData
from loaders.load import BUNDLED_DATASET, InvalidDataset, check, load
from loaders.template import write_template
from queries.stats import graph_counts


def _fail_cleanly(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ChainKGError as e:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            click.echo(f"错误 / error: {e}", err=True)
            sys.exit(e.exit_code)
    return wrapper


def _store():
    store = connect()
    for notice in store.notices:
        click.echo(notice, err=True)
    return store


def _print(data, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=None if isinstance(data, list) else 2))
    elif isinstance(data, list):
        click.echo(pd.DataFrame(data).to_string(index=False) if data else "(无结果 / no rows)")
    else:
        for key, value in data.items():
            click.echo(f"{key}: {value}")


@click.group()
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(debug: bool) -> None:
    """产业链知识图谱 / industrial-chain knowledge graph."""
    # The driver logs each failed routing attempt; our own one-line error says it once.
    logging.getLogger("neo4j").setLevel(logging.DEBUG if debug else logging.CRITICAL)


# -- db ---------------------------------------------------------------------------

@main.group()
def db() -> None:
    """The embedded graph server (used when NEO4J_URI is not set)."""


def _embedded():
    settings = Settings.from_env()
    if not settings.embedded:
        raise ChainKGError("已配置 NEO4J_URI，不使用内置图数据库 / NEO4J_URI is set: the embedded server is not used")
    return embedded_server(settings)


@db.command("start")
@_fail_cleanly
def db_start() -> None:
    """Start the embedded server (harmless when it already runs)."""
    for note in _embedded().start():
        click.echo(note)


@db.command("stop")
@_fail_cleanly
def db_stop() -> None:
    """Stop the embedded server; the data stays in var/graph/."""
    click.echo(_embedded().stop())


@db.command("status")
@click.option("--json", "as_json", is_flag=True)
@_fail_cleanly
def db_status(as_json: bool) -> None:
    """Engine, address, pid, node and relationship counts."""
    settings = Settings.from_env()
    if settings.embedded:
        status = embedded_server(settings).status()
        info = {"engine": "falkordb", "address": status.address, "running": status.running,
                "pid": status.pid, "data_dir": status.data_dir}
        if status.running:
            with _store() as store:
                counts = graph_counts(store)
            info |= {"graph": settings.graph_name, "nodes": counts["total_nodes"],
                     "relationships": counts["total_relationships"]}
    else:
        with _store() as store:
            counts = graph_counts(store)
            info = {"engine": "neo4j", "address": store.address, "running": True,
                    "database": settings.neo4j_database or "(default)",
                    "nodes": counts["total_nodes"], "relationships": counts["total_relationships"]}
    _print(info, as_json)


# -- schema -----------------------------------------------------------------------

@main.group()
def schema() -> None:
    """The declarative schema in graph/schema.yaml."""


@schema.command("apply")
@_fail_cleanly
def schema_apply() -> None:
    """Create the schema's constraints and indexes (idempotent)."""
    with _store() as store:
        for line in store.apply_schema(load_schema()):
            click.echo(line)


@schema.command("doc")
def schema_doc() -> None:
    """Print the schema as Markdown."""
    click.echo(load_schema().to_markdown())


# -- data -------------------------------------------------------------------------

def _report(problems) -> None:
    for p in problems:
        click.echo(f"{'错误 / error' if p.level == 'error' else '提示 / warning'}: {p}", err=True)


@main.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_fail_cleanly
def validate_dataset(paths: tuple[Path, ...]) -> None:
    """Check datasets (CSV folders or .xlsx workbooks) against the schema and the graph,
    without writing; exit 2 on errors."""
    with _store() as store:
        result = check(list(paths), store)
    _report(result.problems)
    if not result.ok:
        raise InvalidData(f"发现 {len(result.errors)} 个错误 / {len(result.errors)} errors")
    counts = ", ".join(f"{table} {n}" for table, n in result.rows_read.items())
    click.echo(f"校验通过 / valid: {counts}")


@main.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--dataset", help="Dataset name (default: the first path's name).")
@click.option("--replace", is_flag=True, help="Also delete what this dataset loaded before and no longer states.")
@click.option("--json", "as_json", is_flag=True)
@_fail_cleanly
def load_dataset(paths: tuple[Path, ...], dataset: str | None, replace: bool, as_json: bool) -> None:
    """Validate and load datasets (the bundled city dataset when no PATH is given).
    Nothing is written when any error is found (exit 2)."""
    with _store() as store:
        try:
            result = load(list(paths) or [BUNDLED_DATASET], store, dataset, replace)
        except InvalidDataset as e:
            _report(e.problems)
            raise
    _report(result.warnings)
    if as_json:
        _print(result.to_dict(), True)
        return
    click.echo(f"数据集 / dataset: {result.dataset}    用时 / time: {result.seconds:.1f} s")
    click.echo("读取行数 / rows read: " + ", ".join(f"{t} {n}" for t, n in result.rows_read.items()))
    rows = [{"类型 / type": name, "新增 / created": c.created, "更新 / updated": c.updated,
             "未变 / unchanged": c.unchanged, "删除 / deleted": c.deleted}
            for group in (result.written.nodes, result.written.relationships) for name, c in group.items()]
    _print(rows, False)


@main.command("template")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
@_fail_cleanly
def template(out: Path) -> None:
    """Write a blank input workbook: headers, an example row, and a sheet explaining every column."""
    if out.suffix.lower() != ".xlsx":
        raise ChainKGError(f"模板须为 .xlsx 文件 / the template must be an .xlsx file: {out}")
    click.echo(f"已写入 / written: {write_template(out)}")


# -- reading ----------------------------------------------------------------------

def _parse_param(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"expected k=v, got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value  # a bare string


@main.command("cypher")
@click.argument("query")
@click.option("--param", "-p", "params", multiple=True, metavar="K=V",
              help="Query parameter; V is read as JSON when it parses, else as a string.")
@click.option("--json", "as_json", is_flag=True)
@_fail_cleanly
def cypher_console(query: str, params: tuple[str, ...], as_json: bool) -> None:
    """Run a read-only Cypher QUERY (writes are refused)."""
    parsed = dict(_parse_param(p) for p in params)
    with _store() as store:
        _print(store.read(query, parsed), as_json)


@main.command("stats")
@click.option("--json", "as_json", is_flag=True)
@_fail_cleanly
def stats(as_json: bool) -> None:
    """Counts per node label and relationship type."""
    with _store() as store:
        counts = graph_counts(store)
    if as_json:
        _print(counts, True)
        return
    click.echo(f"engine: {counts['engine']}")
    for title, group in (("nodes", counts["nodes"]), ("relationships", counts["relationships"])):
        click.echo(f"{title}: {sum(group.values())}")
        for name, n in group.items():
            click.echo(f"  {name:<20} {n}")


if __name__ == "__main__":
    main()
