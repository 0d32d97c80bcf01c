"""`chainkg`: the command line of the industrial-chain knowledge graph.

Every command mirrors a library function; errors are one clear line (中文 / English)
and a non-zero exit code, with the traceback only under `--debug`. A command imports the
analyses, pandas and the file formats when it runs: `chainkg stats` or `backup`
then start in a second instead of two and a half.
"""

from __future__ import annotations

import gc
import importlib
import json
import logging
import os
import sys
import time
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graph import ChainKGError, Settings, connect, load_schema, local_server
from graph import audit
from graph.access import DESKTOP, ROLES, AccessDenied, Accounts, User
from graph.config import ENGINES, PROJECT_DIR
from graph.errors import InvalidData
from loaders.backup import backup, export_neo4j_import, graph_hash, import_arguments, read_backup, restore
from loaders.load import BUNDLED_DATASET, InvalidDataset, check, load
from loaders.read import CHUNK_ROWS
from loaders.synth import MAPPING, synthesize
from queries import read
from queries.names import resolve
from queries.settings import PARTS, STATUSES, load_settings
from queries.stats import graph_counts

if TYPE_CHECKING:
    from queries.result import Result

GC_THRESHOLDS = (50_000, 20, 10)  # Python's defaults: (700, 10, 10)


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


def _needs(role: str, logged: bool = False):
    """Commands that read or write data: with accounts set up, sign in first (CHAINKG_USER and
    CHAINKG_PASSWORD, or prompts) as a user with at least `role`. The user is kept in the
    click context for the audit log; a `logged` command is not run while the log fails its check."""
    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            click.get_current_context().meta["user"] = _sign_in(role)
            if logged:
                _loggable()
            return fn(*args, **kwargs)
        return wrapper
    return decorate


def _sign_in(role: str) -> User:
    accounts = Accounts()
    if not accounts.multi_user:
        return DESKTOP
    accounts.names()  # an empty or broken accounts file is said before asking for a password
    name = os.environ.get("CHAINKG_USER") or click.prompt("用户名 / user", err=True)
    password = os.environ.get("CHAINKG_PASSWORD") or click.prompt("密码 / password", hide_input=True, err=True)
    try:
        user = accounts.sign_in(name, password, audit.cli_origin())
    except AccessDenied:
        audit.record("登录失败", User(name.strip()[:64], "-"), {}, audit.cli_origin())
        raise
    if not user.may(role):
        raise AccessDenied(f"权限不足：需要 {role} 角色 / this command needs the {role} role")
    return user


def _loggable() -> None:
    """What the audit log records is not done while the log fails its check."""
    if broken := audit.check():
        raise audit.AuditBroken(broken)


class _UsageError(click.UsageError):
    """A usage error as `chainkg` says it: the usage line, what is wrong (中文 / English),
    and where the help is. The commands raise it with their own words in both languages."""

    def show(self, file=None) -> None:
        if self.ctx is not None:
            click.echo(self.ctx.get_usage(), err=True)
        help_command = f"{self.ctx.command_path if self.ctx else 'chainkg'} --help"
        click.echo(f"错误 / error: {self.message}\n用法见 / see: {help_command}", err=True)


def _in_chinese(error: click.UsageError) -> str:
    """Click's own usage errors are English: what is wrong, in Chinese first."""
    english, name = error.format_message(), _param_named(error)
    maybe = f"（是否要用 {'、'.join(error.possibilities)}？）" if getattr(error, "possibilities", None) else ""
    if isinstance(error, click.NoSuchOption):
        chinese = f"没有选项 {error.option_name}{maybe}"
    elif isinstance(error, click.exceptions.NoSuchCommand):
        chinese = f"没有命令 {error.command_name}{maybe}"
    elif isinstance(error, click.MissingParameter):
        chinese = f"缺少{'选项' if getattr(error.param, 'param_type_name', None) == 'option' else '参数'} {name}"
    elif isinstance(error, click.BadParameter):
        chinese = f"参数 {name} 的值无效" if name else "参数值无效"
    elif isinstance(error, click.BadOptionUsage):
        chinese = f"选项 {error.option_name} 用法有误"
    else:
        chinese = "用法有误"
    return f"{chinese} / {english}"


def _param_named(error: click.UsageError) -> str:
    """The option or argument a usage error is about, as Click names it ('--status'), or ''."""
    if getattr(error, "param", None) is not None:
        return error.param.get_error_hint(error.ctx)
    hint = getattr(error, "param_hint", None) or ""
    return hint if isinstance(hint, str) else " / ".join(hint)


@contextmanager
def _usage_in_chinese():
    try:
        yield
    except (_UsageError, click.exceptions.NoArgsIsHelpError):  # said already; a group named alone: its help
        raise
    except click.UsageError as e:
        raise _UsageError(_in_chinese(e), e.ctx) from e


class _Commands(click.Group):
    """The root command: a usage error anywhere below it is said in Chinese and English."""

    def make_context(self, *args, **kwargs) -> click.Context:
        with _usage_in_chinese():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        with _usage_in_chinese():
            return super().invoke(ctx)


def _audit(action: str, what: dict) -> None:
    audit.record(action, click.get_current_context().meta.get("user", DESKTOP), what, audit.cli_origin())


def _print(data, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=None if isinstance(data, list) else 2))
    elif data == []:
        click.echo("(无结果 / no rows)")
    elif isinstance(data, list):
        import pandas as pd

        click.echo(pd.DataFrame(data).to_string(index=False))
    else:
        for key, value in data.items():
            click.echo(f"{key}: {value}")


@click.group(cls=_Commands)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def main(debug: bool) -> None:
    """产业链知识图谱 / industrial-chain knowledge graph."""
    # The driver logs each failed routing attempt; our own one-line error says it once.
    logging.getLogger("neo4j").setLevel(logging.DEBUG if debug else logging.CRITICAL)
    # Imports and large reads make hundreds of thousands of short-lived lists and dicts, no
    # cycles; at Python's default thresholds each such burst sets off full passes of the
    # collector over every object in the process (a third of an import's CPU, half of the
    # busiest 2-hop question). Young objects are still collected, just less often.
    gc.set_threshold(*GC_THRESHOLDS)


# -- db ---------------------------------------------------------------------------

@main.group()
def db() -> None:
    """The graph server the product runs itself: the embedded FalkorDB (default) or a local
    Neo4j (--engine neo4j or CHAINKG_ENGINE=neo4j)."""


ENGINE = click.option("--engine", type=click.Choice(ENGINES),
                      help="falkordb (embedded, default) or neo4j (local server); default: CHAINKG_ENGINE.")


def _settings(engine: str | None) -> Settings:
    """Settings from the environment; --engine, when given, chooses the engine (and is
    what the commands run from this one see)."""
    if engine:
        os.environ["CHAINKG_ENGINE"] = engine
    return Settings.from_env()


def _own_server(settings: Settings):
    server = local_server(settings)
    if server is None:
        raise ChainKGError("已配置 NEO4J_URI：该 Neo4j 由他人运行，本命令不管理它 / NEO4J_URI is set: that Neo4j is "
                           "run by others and not managed here")
    return server


@db.command("start")
@ENGINE
@_fail_cleanly
def db_start(engine: str | None) -> None:
    """Start the server (harmless when it already runs)."""
    for note in _own_server(_settings(engine)).start():
        click.echo(note)


@db.command("stop")
@ENGINE
@_fail_cleanly
def db_stop(engine: str | None) -> None:
    """Stop the server; the data stays under CHAINKG_HOME. One that no longer answers is killed."""
    click.echo(_own_server(_settings(engine)).stop())


@db.command("status")
@ENGINE
@click.option("--json", "as_json", is_flag=True)
@_fail_cleanly
@_needs("viewer")
def db_status(engine: str | None, as_json: bool) -> None:
    """Engine, address, pid, node and relationship counts."""
    settings = _settings(engine)
    server = local_server(settings)
    info = {"engine": settings.engine}
    if server is not None:
        status = server.status()
        info |= {"address": status.address, "running": status.running, "pid": status.pid,
                 "data_dir": status.data_dir}
    if server is None or status.running:
        with _store() as store:
            counts = graph_counts(store)
        if server is None:
            info |= {"address": store.address, "running": True, "database": settings.neo4j_database or "(default)"}
        elif settings.embedded:
            info["graph"] = settings.graph_name
        info |= {"nodes": counts["total_nodes"], "relationships": counts["total_relationships"]}
    _print(info, as_json)


@db.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@ENGINE
@click.option("--yes", is_flag=True, help="Do not ask before replacing the whole graph.")
@_fail_cleanly
@_needs("admin", logged=True)
def db_import(folder: Path, engine: str | None, yes: bool) -> None:
    """Replace the local Neo4j's graph by `chainkg export-neo4j` files, offline, with Neo4j's
    own import tool (for very large graphs; the server is stopped meanwhile)."""
    settings = _settings(engine)
    server = _own_server(settings)
    if settings.embedded:
        raise ChainKGError("db import 只用于本机 Neo4j（--engine neo4j）/ db import is for the local Neo4j only")
    arguments = import_arguments(folder)
    if not yes:
        click.confirm("这将用导入文件替换整个 Neo4j 图数据库，继续吗？ / Replace the whole Neo4j graph?", abort=True)
    click.echo(server.bulk_import(folder, arguments))
    with _store() as store:
        store.apply_schema(load_schema())
        digest = graph_hash(store)
    _audit("恢复备份", {"目录": str(folder), "方式": "neo4j-admin import", "校验值": digest})
    click.echo(f"已导入 / imported: {digest}")


@main.command("serve", context_settings={"ignore_unknown_options": True})
@click.option("--port", type=int, default=8501, show_default=True)
@click.argument("streamlit_options", nargs=-1, type=click.UNPROCESSED)
def serve(port: int, streamlit_options: tuple[str, ...]) -> None:
    """Serve the app on http://localhost:PORT (Streamlit; further options go to `streamlit
    run`). The pages' modules are imported before the server starts, so the first page after
    a start opens as fast as the others (half a second less than with `streamlit run app.py`)."""
    from streamlit.web import cli as streamlit_cli

    for module in ("ui.common", "queries.pack", "queries.relations", "extraction.review"):
        importlib.import_module(module)

    os.chdir(PROJECT_DIR)  # for .streamlit/config.toml: offline, no tracebacks, audited exports only
    sys.argv = ["streamlit", "run", "app.py", "--server.port", str(port), *streamlit_options]
    streamlit_cli.main()


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


MAPPINGS = click.option("--mapping", "mappings", multiple=True, type=click.Path(exists=True, dir_okay=False,
                        path_type=Path), help=f"A product / industry code / industry name -> segment table (.csv or "
                        f".xlsx; repeatable) that extends the default one, {MAPPING.name}.")
MAPPING_ONLY = click.option("--mapping-only", is_flag=True, help="Use only the --mapping tables, not the default one.")


@main.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@MAPPINGS
@MAPPING_ONLY
@_fail_cleanly
@_needs("admin")
def validate_dataset(paths: tuple[Path, ...], mappings, mapping_only) -> None:
    """Check datasets (CSV folders or .xlsx workbooks), or enterprise directories and supply
    files (as `import-directory` reads them), against the schema and the graph, without
    writing; exit 2 on errors."""
    from loaders.directory import import_directory, is_directory_file

    directories = [p for p in paths if p.is_file() and is_directory_file(p)]
    if directories and len(directories) < len(paths):
        raise _UsageError("企业名录与数据集请分开校验 / validate directories and datasets separately")
    if directories:
        with _store() as store:
            try:
                result = import_directory(directories, store, mappings=_mappings(mappings, mapping_only), dry_run=True)
            except InvalidDataset as e:
                _report(e.problems[:200])
                raise
        _unmapped(result)
        click.echo(f"校验通过 / valid: {result.rows:,} 行 / rows")
        return
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
@_needs("admin", logged=True)
def load_dataset(paths: tuple[Path, ...], dataset: str | None, replace: bool, as_json: bool) -> None:
    """Validate and load datasets (the bundled city dataset when no PATH is given).
    Nothing is written when any error is found (exit 2)."""
    with _store() as store:
        try:
            result = load(list(paths) or [BUNDLED_DATASET], store, dataset, replace)
        except InvalidDataset as e:
            _report(e.problems)
            raise
    _audit("加载数据", {"数据集": result.dataset, "文件": [str(p) for p in paths] or [str(BUNDLED_DATASET)],
                      "读取行数": result.rows_read, "有变化": result.changed, "替换": replace})
    _report(result.warnings)
    _disagreements(result.written.conflicts)
    if as_json:
        _print(result.to_dict(), True)
        return
    click.echo(f"数据集 / dataset: {result.dataset}    用时 / time: {result.seconds:.1f} s")
    click.echo("读取行数 / rows read: " + ", ".join(f"{t} {n}" for t, n in result.rows_read.items()))
    rows = [{"类型 / type": name, "新增 / created": c.created, "更新 / updated": c.updated,
             "未变 / unchanged": c.unchanged, "删除 / deleted": c.deleted}
            for group in (result.written.nodes, result.written.relationships) for name, c in group.items()]
    _print(rows, False)


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", default="待审核.xlsx", show_default=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The review workbook to write.")
@click.option("--eval", "labels", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Score against the hand-made labels in this folder (one <file name>.yaml per document) instead.")
@click.option("--details", is_flag=True, help="With --eval: list every wrong and missed item.")
@click.option("--json", "as_json", is_flag=True)
@_fail_cleanly
@_needs("admin", logged=True)
def extract_command(paths: tuple[Path, ...], out: Path, labels: Path | None, details: bool, as_json: bool) -> None:
    """Read documents (.txt, .docx, text .pdf; .doc and .wps through LibreOffice) into a review
    workbook in the input template's layout. Nothing is written to the graph: review the
    workbook, mark rows 采纳=否 to leave them out, then `chainkg load` it."""
    from extraction.evaluate import evaluate
    from extraction.review import MATCH_KINDS, extract, write_review
    from extraction.rules import Vocabulary, load_rules

    with _store() as store:
        vocabulary = Vocabulary.from_rows(read(store, "vocabulary"))
        if not vocabulary.chains:
            click.echo("提示：图中还没有产业链，项目要归入产业链才会被读出；请先加载产业链和环节（chainkg load） / "
                       "the graph holds no chains yet: projects are read only into a chain; load chains first", err=True)
        if labels is not None:
            _eval_report(evaluate(labels, list(paths), load_rules(), vocabulary), details, as_json)
            return
        extraction = extract(list(paths), store, vocabulary=vocabulary)
        write_review(extraction.tables, out, [d.file for d in extraction.documents])
    counts = extraction.counts()
    _audit("抽取文档", {"文件": [str(p) for p in paths], "审核表": str(out), "行数": counts})
    if as_json:
        _print({"out": str(out), "rows": counts}, True)
        return
    click.echo(f"已写出审核表 / review workbook: {out}")
    if not counts:
        click.echo("未读出项目、指标、企业、园区或政策 / nothing found in the documents")
        return
    _print([{"表 / table": table, **{kind: n.get(kind, 0) for kind in MATCH_KINDS}} for table, n in counts.items()], False)


def _eval_report(report, details: bool, as_json: bool) -> None:
    from extraction.evaluate import KINDS as EVAL_KINDS
    from queries.export import UNKNOWN

    if as_json:
        _print(report.to_dict(), True)
        return
    def percent(x):
        return UNKNOWN if x is None else f"{x:.0%}"
    rows = [{"类别 / kind": f"{EVAL_KINDS[kind]} / {kind}", "抽出 / found": s.found, "正确 / right": s.right,
             "标注 / labelled": s.labelled, "准确率 / precision": percent(s.precision), "召回率 / recall": percent(s.recall)}
            for kind, s in report.scores.items()]
    _print(rows, False)
    click.echo(f"项目状态正确 / status right: {percent(report.status_accuracy)}"
               f"（{report.statuses_compared} 个有标注状态的项目中 {report.statuses_right} 个）")
    if details:
        for kind, s in report.scores.items():
            for line in s.wrong:
                click.echo(f"  多出 / wrong    {kind}: {line}")
            for line in s.missed:
                click.echo(f"  漏掉 / missed   {kind}: {line}")
        for line in report.status_errors:
            click.echo(f"  状态 / status   {line}")


@main.command("import-directory")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dataset", help="Dataset name (default: the first file's name).")
@MAPPINGS
@MAPPING_ONLY
@click.option("--local-city", help="Enterprises in this city (城市 column) are local, e.g. 金昌市.")
@click.option("--skip-bad", is_flag=True, help="Write the good rows; list the bad ones in the rejects file.")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path),
              help="Rejects file (implies --skip-bad).")
@click.option("--chunk-rows", default=CHUNK_ROWS, show_default=True, type=click.IntRange(100, 1_000_000))
@click.option("--replace", is_flag=True, help="Also withdraw what this dataset stated before and these files "
              "no longer state (e.g. segment links of a corrected mapping).")
@click.option("--json", "as_json", is_flag=True)
@_fail_cleanly
@_needs("admin", logged=True)
def import_directory_command(paths, dataset, mappings, mapping_only, local_city, skip_bad, rejects, chunk_rows,
                             replace, as_json) -> None:
    """Import large enterprise directories (企业名录) and supply-relation files, streaming in
    chunks, validated like every dataset; idempotent."""
    from loaders.directory import count_rows, import_directory

    skip_bad = skip_bad or rejects is not None
    if skip_bad and rejects is None:
        rejects = Path(paths[0]).with_name(Path(paths[0]).stem + "_错误行.csv")
    total = sum(count_rows(p) for p in paths)
    started = time.monotonic()
    with _store() as store, click.progressbar(length=total, label="导入 / importing", file=sys.stderr,
                                              show_pos=True, item_show_func=lambda _: _rate(bar, started)) as bar:
        try:
            result = import_directory(list(paths), store, dataset, _mappings(mappings, mapping_only), skip_bad,
                                      rejects, chunk_rows, local_city, progress=bar.update, replace=replace)
        except InvalidDataset as e:
            _report(e.problems[:200])
            if len(e.problems) > 200:
                click.echo(f"…另有 {len(e.problems) - 200} 个问题 / {len(e.problems) - 200} more", err=True)
            raise
    _audit("加载数据", {"名录": [str(p) for p in paths], "读取行数": result.rows, "跳过错误行": result.rejected})
    if as_json:
        _print({**result.to_dict(), "rejects": str(rejects) if skip_bad else None}, True)
        return
    click.echo(f"读取 / read {result.rows:,} 行，用时 / in {result.seconds:.1f} s（{result.rows_per_second:,.0f} 行/秒 rows/s）")
    _unmapped(result)
    _disagreements(result.conflicts)
    for file, row, name, into, by in result.merges[:20]:
        click.echo(f"同一企业 / merged: {Path(file).name} 第{row}行「{name}」并入「{into}」（依据{by}）", err=True)
    if len(result.merges) > 20:
        click.echo(f"…另有 {len(result.merges) - 20} 家 / {len(result.merges) - 20} more merged", err=True)
    for file, row, name, firm in result.near_misses[:20]:
        click.echo(f"名称相近、未合并 / near miss, not merged: {Path(file).name} 第{row}行「{name}」与「{firm}」"
                   "（若为同一企业，请补统一社会信用代码、股票代码或别名）", err=True)
    if skip_bad:
        click.echo(f"错误行 / bad rows: {result.rejected:,} -> {rejects}")
    _print([{"类型 / type": name, "新增 / created": c.created, "更新 / updated": c.updated,
             "未变 / unchanged": c.unchanged, "删除 / deleted": c.deleted} for name, c in result.counts.items()], False)


def _disagreements(facts: list) -> None:
    """The facts a load left with datasets that disagree: how many, and the first few."""
    if not facts:
        return
    from queries.conflicts import conflict_table

    table = conflict_table(facts)
    click.echo(f"提示 / warning: 来源冲突 {len(table)} 处（各数据集的说法都保留，chainkg conflicts 列出全部）/ "
               f"{len(table)} properties on which datasets disagree (all kept; chainkg conflicts lists them)", err=True)
    for row in table.head(5).to_dict("records"):
        click.echo(f"  {row['类型']} {row['事实']} {row['属性']}：{row['各数据集的说法']}；采用 {row['采用']}", err=True)


def _mappings(extra: tuple[Path, ...], only: bool) -> list[Path]:
    if only and not extra:
        raise _UsageError("--mapping-only 须与 --mapping 同用 / --mapping-only needs --mapping")
    return [*([] if only else [MAPPING]), *extra]


def _unmapped(result) -> None:
    if result.unmapped:
        click.echo(f"提示 / warning: 名录 {result.unmapped:,} 行（共 {result.rows - result.rejected:,} 行）未对应到任何环节，"
                   f"请检查映射表（--mapping）/ {result.unmapped:,} of {result.rows - result.rejected:,} directory rows "
                   "map to no segment: check the mapping table", err=True)


def _rate(bar, started: float) -> str:
    seconds = time.monotonic() - started
    return f"{bar.pos / seconds:,.0f} 行/秒" if seconds > 0 else ""


@main.command("synth")
@click.option("--enterprises", required=True, type=click.IntRange(1, 50_000_000))
@click.option("--regions", default=12, show_default=True, type=click.IntRange(1, 30))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", default=1, show_default=True)
@click.option("--bad-share", default=0.0, type=click.FloatRange(0, 1), help="Share of deliberately bad rows.")
@_fail_cleanly
def synth_command(enterprises: int, regions: int, out: Path, seed: int, bad_share: float) -> None:
    """Write a synthetic enterprise directory, supply relations and a dataset for each of
    the R cities (for benchmarks, tests and demonstrations; every city row is marked 示例)."""
    result = synthesize(out, enterprises, regions, seed, bad_share)
    click.echo(f"已写入 / written: {result.directory} ({result.enterprises:,}), {result.supplies} "
               f"({result.supply_rows:,}); bad rows {result.bad_rows:,}")
    click.echo(f"城市数据集 / city datasets ({len(result.cities)}): {', '.join(str(c) for c in result.cities)}")


@main.command("bench")
@click.option("--sizes", default="10000,100000", show_default=True, help="Enterprise counts, comma-separated.")
@click.option("--runs", default=20, show_default=True, type=click.IntRange(3, 1000), help="Runs per latency.")
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write the JSON here.")
@click.option("--engines", help="Comma-separated, e.g. falkordb,neo4j (default: the configured engine).")
@click.option("--keep", is_flag=True, help="Keep the graphs (FalkorDB: bench_N; Neo4j: the last size, in "
              "CHAINKG_HOME/bench), e.g. for scripts/bench_pages.py.")
@click.option("--documents", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Also time `chainkg extract` on this document (repeat for several); --sizes '' for this alone.")
@_fail_cleanly
@_needs("admin")
def bench_command(sizes: str, runs: int, json_file: Path | None, engines: str | None, keep: bool,
                  documents: tuple[Path, ...]) -> None:
    """Load throughput (against a naive per-row loader), analysis latency p50/p95 and memory
    at each size, on synthetic directories, in graphs of the benchmark's own; with
    --documents, the time document extraction takes."""
    from loaders.bench import bench as run_bench
    from loaders.bench import bench_documents

    try:
        counts = [int(s.replace("_", "")) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise click.BadParameter(f"须为逗号分隔的整数 / comma-separated integers: {sizes!r}", param_hint="--sizes")
    chosen = [e.strip() for e in engines.split(",") if e.strip()] if engines else None
    if unknown := set(chosen or []) - set(ENGINES):
        raise click.BadParameter(f"未知引擎 / unknown engine: {', '.join(sorted(unknown))}", param_hint="--engines")
    report = run_bench(counts, runs, chosen, keep=keep, log=lambda line: click.echo(line, err=True)) if counts else {}
    if documents:
        with _store() as store:
            report["documents"] = bench_documents(list(documents), runs, store)
        _print([{"文档": d["document"], "KB": d["kb"], "抽取 p50 ms": d["p50_ms"], "抽取 p95 ms": d["p95_ms"]}
                for d in report["documents"]], False)
    rows = [{"引擎": engine, "企业数": s["enterprises"], "关系数": s["relationships"], "导入秒数": s["import_seconds"],
             "导入 行/秒": s["import_directory"]["rows_per_second"],
             "逐行 行/秒": s["naive"]["rows_per_second"], "倍数": s["loader_vs_naive"],
             **{f"{k} p95 ms": v["p95_ms"] for k, v in s["latency"].items()},
             "导入内存 MB": s["loader_peak_memory_mb"],
             "图服务内存 MB": (s["server_memory_mb"] or {}).get("peak_mb")}
            for engine, figures in report.get("engines", {}).items() for s in figures["sizes"]]
    if rows:
        _print(rows, False)
    if json_file:
        json_file.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        click.echo(f"已写入 / written: {json_file}")


NEW_FOLDER = click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
                          help="An empty or new folder.")


@main.command("backup")
@NEW_FOLDER
@_fail_cleanly
@_needs("admin", logged=True)
def backup_command(out: Path) -> None:
    """Write the whole graph to a folder (manifest.json, nodes.jsonl, relationships.jsonl)."""
    with _store() as store:
        manifest = backup(store, out)
    _audit("备份", {"目录": str(out), "节点": manifest["nodes"], "关系": manifest["relationships"]})
    click.echo(f"已备份 / backed up: {manifest['nodes']} nodes, {manifest['relationships']} relationships, "
               f"{manifest['hash']} -> {out}")


@main.command("export-neo4j")
@NEW_FOLDER
@_fail_cleanly
@_needs("admin", logged=True)
def export_neo4j_command(out: Path) -> None:
    """Write the whole graph as CSV files for `neo4j-admin database import full` (offline
    loading of very large graphs into Neo4j); the arguments go to import-args.txt."""
    with _store() as store:
        arguments = export_neo4j_import(store, out)
    _audit("导出", {"目录": str(out), "内容": "neo4j-admin 导入文件", "文件数": len(arguments)})
    click.echo(f"已写入 / written: {len(arguments)} files -> {out}; see {out / 'import-args.txt'}")


@main.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the whole graph.")
@_fail_cleanly
@_needs("admin", logged=True)
def restore_command(folder: Path, yes: bool) -> None:
    """Replace the whole graph by a backup, all or nothing, and check its hash."""
    read_backup(folder)  # refuse a damaged backup before asking
    if not yes:
        click.confirm("这将用备份替换整个图数据库，继续吗？ / Replace the whole graph with this backup?", abort=True)
    with _store() as store:
        manifest = restore(store, folder)
    _audit("恢复备份", {"目录": str(folder), "校验值": manifest["hash"]})
    click.echo(f"已恢复 / restored: {manifest['nodes']} nodes, {manifest['relationships']} relationships, "
               f"{manifest['hash']}")


@main.command("template")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
@_fail_cleanly
def template(out: Path) -> None:
    """Write a blank input workbook: headers, an example row, and a sheet explaining every column."""
    from loaders.template import write_template

    if out.suffix.lower() != ".xlsx":
        raise ChainKGError(f"模板须为 .xlsx 文件 / the template must be an .xlsx file: {out}")
    click.echo(f"已写入 / written: {write_template(out)}")


# -- reading ----------------------------------------------------------------------

def _parse_param(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"须为 名称=值 / expected k=v, got {text!r}")
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
@_needs("analyst")
def cypher_console(query: str, params: tuple[str, ...], as_json: bool) -> None:
    """Run a read-only Cypher QUERY (writes are refused)."""
    parsed = dict(_parse_param(p) for p in params)
    with _store() as store:
        _print(store.read(query, parsed), as_json)


@main.command("stats")
@click.option("--json", "as_json", is_flag=True)
@click.option("--hash", "with_hash", is_flag=True, help="Also print the canonical hash of the whole graph.")
@_fail_cleanly
@_needs("viewer")
def stats(as_json: bool, with_hash: bool) -> None:
    """Counts per node label and relationship type (and the graph's canonical hash)."""
    with _store() as store:
        counts = graph_counts(store)
        if with_hash:
            counts["hash"] = graph_hash(store)
    if as_json:
        _print(counts, True)
        return
    if with_hash:
        click.echo(f"hash: {counts['hash']}")
    click.echo(f"engine: {counts['engine']}")
    for title, group in (("nodes", counts["nodes"]), ("relationships", counts["relationships"])):
        click.echo(f"{title}: {sum(group.values())}")
        for name, n in group.items():
            click.echo(f"  {name:<20} {n}")


# -- analyses ---------------------------------------------------------------------
# Each command resolves the names it is given (aliases and near misses included), runs
# one function of `queries/`, and prints, exports (--out) or dumps (--json) its Result.

def _show(result: Result, as_json: bool, out: Path | None) -> None:
    from queries.export import UNKNOWN, cell_text, display_cells, export

    if out is not None:
        _loggable()
        click.echo(f"已写入 / written: {export(result, out)}", err=as_json)
        _audit("导出", {"文件": str(out), "内容": result.title, "行数": len(result.table)})
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(result.title)
    for key, value in result.summary.items():
        shown = f"{value:.1%}" if "率" in key and isinstance(value, float) else cell_text(value)
        click.echo(f"  {key}: {UNKNOWN if shown is None else shown}")
    if out is None:
        for name, table in result.tables.items():
            click.echo(f"\n[{name}] {len(table)} 行 / rows")
            if len(table):
                click.echo(display_cells(table).to_string(index=False))


def _analysis(role: str):
    """The options every analysis shares (--json, --out) and the role it needs."""
    def decorate(fn):
        fn = _needs(role)(fn)
        fn = click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                          help="Also write the result to FILE.xlsx (every table) or FILE.csv (the main one).")(fn)
        fn = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(fn)
        return _fail_cleanly(fn)
    return decorate


CHAIN = click.option("--chain", help="产业链名称 / chain name.")
ENTERPRISE = click.option("--enterprise", help="企业名称或别名 / enterprise name or alias.")


def _one_of(**named) -> None:
    given = [k for k, v in named.items() if v]
    if len(given) != 1:
        options = ["--" + k for k in named]
        raise _UsageError(f"请给出且只给出一个：{'、'.join(options)} / give exactly one of {', '.join(options)}")


@main.command("map")
@click.option("--chain", required=True, help="产业链名称 / chain name.")
@_analysis("viewer")
def map_command(chain: str, as_json: bool, out: Path | None) -> None:
    """产业链图谱: segments by stage with status, enterprises, projects, links, lead firm."""
    from queries.chain_map import chain_map

    with _store() as store:
        _show(chain_map(store, resolve(store, "Chain", chain)), as_json, out)


@main.command("gaps")
@CHAIN
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
              help="Only segments with this status (repeatable).")
@_analysis("analyst")
def gaps_command(chain: str | None, statuses: tuple[str, ...], as_json: bool, out: Path | None) -> None:
    """缺链分析: every segment's 优势/薄弱/在建/缺失 status with its reason, and 断链 links
    (all chains when --chain is not given)."""
    from queries.gaps import gaps

    with _store() as store:
        result = gaps(store, resolve(store, "Chain", chain) if chain else None)
    if statuses:
        table = result.tables["环节状态"]
        result.tables["环节状态"] = table[table["状态"].isin(statuses)].reset_index(drop=True)
    _show(result, as_json, out)


@main.command("supply-rate")
@CHAIN
@ENTERPRISE
@_analysis("analyst")
def supply_rate_command(chain: str | None, enterprise: str | None, as_json: bool, out: Path | None) -> None:
    """本地配套率 of a chain or an enterprise, with the input segments behind it."""
    from queries.supply import supply_rate

    _one_of(chain=chain, enterprise=enterprise)
    with _store() as store:
        if chain:
            result = supply_rate(store, chain=resolve(store, "Chain", chain))
        else:
            result = supply_rate(store, enterprise=resolve(store, "Enterprise", enterprise))
    _show(result, as_json, out)


@main.command("relations")
@click.option("--enterprise", required=True, help="企业名称或别名 / enterprise name or alias.")
@click.option("--hops", default=2, show_default=True, type=click.IntRange(1, 6))
@_analysis("analyst")
def relations_command(enterprise: str, hops: int, as_json: bool, out: Path | None) -> None:
    """配套关系: an enterprise's suppliers and customers up to --hops away."""
    from queries.relations import relations

    with _store() as store:
        _show(relations(store, resolve(store, "Enterprise", enterprise), hops), as_json, out)


@main.command("impact")
@click.option("--enterprise", required=True, help="企业名称或别名 / enterprise name or alias.")
@_analysis("analyst")
def impact_command(enterprise: str, as_json: bool, out: Path | None) -> None:
    """流失影响: segments that lose local production, and firms that lose their only local
    supplier, if the enterprise leaves."""
    from queries.relations import impact

    with _store() as store:
        _show(impact(store, resolve(store, "Enterprise", enterprise)), as_json, out)


@main.command("targets")
@click.option("--segment", help="环节名称 / segment name.")
@CHAIN
@click.option("--weight", "weights", multiple=True, metavar="PART=N",
              help=f"Override a weight; parts: {', '.join(f'{k} ({v})' for k, v in PARTS.items())}.")
@click.option("--top", type=click.IntRange(1), help="Only the first N of each segment (default: all).")
@_analysis("analyst")
def targets_command(segment: str | None, chain: str | None, weights: tuple[str, ...], top: int | None,
                    as_json: bool, out: Path | None) -> None:
    """招商目标企业清单: outside enterprises ranked for a gap segment, or for every gap of a chain."""
    from queries.targets import target_list

    _one_of(segment=segment, chain=chain)
    chosen = load_settings().targets.weights.model_dump()
    by_header = {header: key for key, header in PARTS.items()}
    for text in weights:
        key, _, value = text.partition("=")
        key = by_header.get(key, key)
        if key not in chosen:
            raise click.BadParameter(f"未知分项 / unknown part {key!r}", param_hint="--weight")
        try:
            chosen[key] = float(value)
        except ValueError:
            raise click.BadParameter(f"权重须为数字 / weight must be a number: {text!r}", param_hint="--weight")
    with _store() as store:
        if segment:
            result = target_list(store, segment=resolve(store, "Segment", segment), weights=chosen, top=top)
        else:
            result = target_list(store, chain=resolve(store, "Chain", chain), weights=chosen, top=top)
    _show(result, as_json, out)


@main.command("projects")
@CHAIN
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Judge lagging as of this date (today).")
@_analysis("analyst")
def projects_command(chain: str | None, as_of, as_json: bool, out: Path | None) -> None:
    """项目台账: pipeline by status, and lagging projects with the rule that flagged each."""
    from queries.projects import project_tracking

    with _store() as store:
        result = project_tracking(store, resolve(store, "Chain", chain) if chain else None,
                                  as_of.date() if as_of else None)
    _show(result, as_json, out)


@main.command("conflicts")
@_analysis("analyst")
def conflicts_command(as_json: bool, out: Path | None) -> None:
    """来源冲突: every property on which the datasets that state a fact disagree, what each
    says, and whose statement the graph shows (curated tables before directories, then the
    newest)."""
    from queries.conflicts import source_conflicts

    with _store() as store:
        _show(source_conflicts(store), as_json, out)


@main.command("progress")
@CHAIN
@_analysis("viewer")
def progress_command(chain: str | None, as_json: bool, out: Path | None) -> None:
    """目标进度: each target against its latest actual and 时序进度."""
    from queries.progress import target_progress

    with _store() as store:
        _show(target_progress(store, resolve(store, "Chain", chain) if chain else None), as_json, out)


@main.command("pack")
@click.option("--chain", required=True, help="产业链名称 / chain name.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Also write the tables as .xlsx.")
@_fail_cleanly
@_needs("viewer", logged=True)
def pack_command(chain: str, out: Path, xlsx: Path | None) -> None:
    """一链一档: the chain's map, key enterprises and projects, target list and policies, as
    an A4 PDF (and .xlsx)."""
    from queries.export import export
    from queries.pack import meeting_pack, write_pdf

    if out.suffix.lower() != ".pdf":
        raise ChainKGError(f"--out 须为 .pdf 文件 / --out must be a .pdf file: {out.name}")
    with _store() as store:
        pack = meeting_pack(store, resolve(store, "Chain", chain))
    click.echo(f"已写入 / written: {write_pdf(pack, out)}")
    if xlsx is not None:
        click.echo(f"已写入 / written: {export(pack.tables, xlsx)}")
    _audit("导出", {"文件": [str(f) for f in (out, xlsx) if f], "内容": "一链一档", "产业链": pack.chain})


# -- accounts and the audit log -------------------------------------------------------------

@main.group()
def user() -> None:
    """Local accounts (users.yaml under CHAINKG_HOME, or the file CHAINKG_USERS names)."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@_fail_cleanly
def user_add(name: str, role: str) -> None:
    """Add an account, or set its role and password (asked twice, never echoed). Once
    accounts exist, only an admin may add more."""
    accounts = Accounts()
    admin = _sign_in("admin") if accounts.multi_user else DESKTOP
    _loggable()
    password = os.environ.get("CHAINKG_NEW_PASSWORD") or click.prompt(
        "新密码 / new password", hide_input=True, confirmation_prompt=True, err=True)
    accounts.add(name, role, password)
    audit.record("设置账户", admin, {"账户": name, "角色": role}, audit.cli_origin())
    click.echo(f"已保存 / saved: {name} ({role}) -> {accounts.path}")


@user.command("list")
@_fail_cleanly
@_needs("admin")
def user_list() -> None:
    """The accounts and their roles."""
    _print([{"用户 / user": name, "角色 / role": role} for name, role in Accounts().names().items()], False)


@main.command("audit")
@click.option("--json", "as_json", is_flag=True)
@click.option("--verify", is_flag=True, help="Only check that no entry was removed or changed.")
@click.option("--start-new", is_flag=True,
              help="Set the current log aside (kept, renamed) and begin a new one, e.g. after a failed check.")
@_fail_cleanly
@_needs("admin")
def audit_command(as_json: bool, verify: bool, start_new: bool) -> None:
    """The audit log: every export and data change, who, when, what, from where."""
    if start_new:
        first = audit.start_new(click.get_current_context().meta["user"], audit.cli_origin())
        click.echo(f"已另起新日志；旧日志 / old log: {first['what']['旧日志']}（{first['what']['旧日志校验']}）")
        return
    broken = audit.verify()
    if broken:
        raise ChainKGError(f"审计日志校验未通过：{broken} / the audit log fails its check at entry {broken.entry}")
    if verify:
        click.echo("审计日志完整 / the audit log is intact")
        return
    entries = audit.entries()
    if as_json:
        _print(entries, True)
        return
    _print([{"时间": e["time"], "用户": e["user"], "操作": e["action"], "内容": json.dumps(e["what"], ensure_ascii=False),
             "来源": e["from"]} for e in entries], False)


if __name__ == "__main__":
    main()
