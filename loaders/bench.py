"""`chainkg bench`: load speed, analysis latency and memory at several sizes, on each
engine named, with synthetic directories (`loaders/synth.py`).

For each engine and size N, in a graph of the benchmark's own (emptied afterwards):
  1. a naive loader for the throughput ratio: the product's loader on the first directory
     rows (on top of the bundled city dataset), writing one node or relationship per
     statement (`Store.rows_per_write = 1`) instead of batches of thousands; the graph
     is emptied again;
  2. the bundled city dataset, then the product's loader: `chainkg import-directory` in a
     child process, on the directory and then the supply file, with the child's peak
     memory (VmHWM); the import's own time (as for the naive loader) gives the rows/s, the
     child's wall time `import_seconds`;
  3. p50 / p95 latency of the main analyses, each run `runs` times;
  4. the graph server's memory.
With `documents`, also the time `chainkg extract` takes on each (read, rules, comparison
with the user's graph, which is only read).
The 2-hop question is asked of `runs` different firms drawn from the supply file (the
latency a bureau sees across its questions) and, repeatedly, of the busiest buyer (the
hardest case); the target list is for 隔膜, the segment most directory firms map to (a
fifth of them). p95 is the nearest-rank percentile: of 20 runs, the 19th fastest.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extraction.review import extract
from graph import ChainKGError, Settings, Store, clock, connect, local_server
from loaders.directory import import_directory
from loaders.load import BUNDLED_DATASET, load
from loaders.synth import synthesize
from queries.chain_map import chain_map
from queries.gaps import gaps
from queries.relations import relations
from queries.supply import supply_rate
from queries.targets import target_list

CHAIN, SEGMENT = "新能源和新能源电池", "隔膜"
NAIVE_ROWS = 2000
RATE = ("rows", "seconds", "rows_per_second")  # of an import's own report, for both loaders


def bench(sizes: list[int], runs: int = 20, engines: list[str] | None = None, settings: Settings | None = None,
          keep: bool = False, log=print) -> dict:
    """Every size on every engine named (default: the configured one), in graphs of the
    benchmark's own: FalkorDB's `bench_N` graphs on the embedded server; on Neo4j a scratch
    server of its own (CHAINKG_HOME/bench/neo4j), never the user's database."""
    settings = settings or Settings.from_env()
    report = {"cpus": os.cpu_count(), "started": clock.now().isoformat(timespec="seconds"), "engines": {}}
    for engine in engines or [settings.engine]:
        with _bench_server(settings, engine, keep) as scoped:
            report["engines"][engine] = {"sizes": []}
            for size in sizes:
                log(f"— {engine}: {size:,} 家企业 / enterprises")
                report["engines"][engine]["sizes"].append(_one_size(size, runs, scoped, keep, log))
    return report


@contextmanager
def _bench_server(settings: Settings, engine: str, keep: bool) -> Iterator[Settings]:
    if engine == "falkordb":
        yield dataclasses.replace(settings, engine=engine, neo4j_uri=None)
        return
    home = settings.home / "bench"
    scoped = dataclasses.replace(settings, engine=engine, neo4j_uri=None, home=home, neo4j_port=_free_port())
    server = local_server(scoped)
    server.stop()  # one left over from an interrupted run
    server.start()
    try:
        yield scoped
    finally:
        server.stop()


def _one_size(size: int, runs: int, settings: Settings, keep: bool, log) -> dict:
    scoped = dataclasses.replace(settings, graph_name=f"bench_{size}")  # FalkorDB's; one database on Neo4j
    with tempfile.TemporaryDirectory() as folder, connect(scoped) as store:
        made = synthesize(Path(folder), size)
        store.clear()
        naive = _naive(made.directory, store, Path(folder))
        log(f"  逐行 / naive: {naive['rows_per_second']:,.0f} 行/秒")
        store.clear()
        load([BUNDLED_DATASET], store)
        env = scoped.environment() | {"CHAINKG_AUDIT_LOG": str(Path(folder) / "audit.jsonl")}
        directory = _timed_import(made.directory, env)
        supplies = _timed_import(made.supplies, env)
        log(f"  导入 / import: {directory['rows_per_second']:,.0f} + {supplies['rows_per_second']:,.0f} 行/秒")
        busiest, sample = _firms(made.supplies, runs)
        latency = {
            "chain_map": _latency(lambda: chain_map(store, CHAIN), runs),
            "gaps_of_a_chain": _latency(lambda: gaps(store, CHAIN), runs),
            "supply_rate": _latency(lambda: supply_rate(store, chain=CHAIN), runs),
            "target_list_top_100": _latency(lambda: target_list(store, segment=SEGMENT, top=100), runs),
            "relations_2_hops": _latency(lambda: relations(store, next(sample), hops=2), runs),
            "relations_2_hops_busiest": _latency(lambda: relations(store, busiest, hops=2), runs),
        }
        for name, figures in latency.items():
            log(f"  {name}: p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms")
        relationships = store.read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
        result = {"enterprises": size, "supply_rows": made.supply_rows, "relationships": relationships,
                  "import_seconds": round(directory["wall_seconds"] + supplies["wall_seconds"], 1),
                  "import_directory": directory, "import_supplies": supplies, "naive": naive,
                  "loader_vs_naive": round(directory["rows_per_second"] / naive["rows_per_second"], 1),
                  "latency": latency, "server_memory_mb": _server_memory(scoped),
                  "loader_peak_memory_mb": max(directory["peak_memory_mb"], supplies["peak_memory_mb"])}
        if not keep:
            store.clear()
    return result


def _timed_import(path: Path, env: dict) -> dict:
    """Rows, seconds and rows/s as the import reports them (timed inside `import_directory`,
    as the naive loader is), the child process's wall seconds (Python's start-up
    included, what a user waits) and its peak memory."""
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "cli", "import-directory", str(path), "--json"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parent.parent)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _vm(child.pid, "VmHWM"))
        time.sleep(0.1)
    if child.returncode:
        said = [line for line in child.stderr.read().decode(errors="replace").splitlines() if line.strip()]
        raise ChainKGError(f"基准测试的导入失败 / the benchmark's import failed: {said[-1] if said else child.returncode}")
    wall = time.monotonic() - started
    report = json.loads(child.stdout.read())
    return {**{k: report[k] for k in RATE}, "wall_seconds": round(wall, 2), "peak_memory_mb": round(peak / 1024)}


def _naive(directory: Path, store: Store, folder: Path) -> dict:
    """The product's loader on the first rows, writing one node or relationship per
    statement instead of batches, into the (empty) benchmark graph: the same facts (every
    property, citation and link), the baseline the loader is compared with."""
    head = folder / "逐行.csv"
    with open(directory, encoding="utf-8", newline="") as f, open(head, "w", encoding="utf-8", newline="") as out:
        rows = list(itertools.islice(csv.reader(f), NAIVE_ROWS + 1))  # the header and the rows
        csv.writer(out).writerows(rows)
    load([BUNDLED_DATASET], store)
    store.rows_per_write = 1
    try:
        report = import_directory([head], store, dataset=directory.stem).to_dict()
    finally:
        store.rows_per_write = Store.rows_per_write
    return {k: report[k] for k in RATE}


def _firms(supplies: Path, runs: int) -> tuple[str, Iterator[str]]:
    """The buyer with the most suppliers (the hardest 2-hop question), and the buyers of
    `runs` supply rows drawn at random (seeded, so every run asks the same firms; a firm
    with more suppliers is more likely to be drawn)."""
    counts, drawn, pick = Counter(), [], random.Random(1)
    with open(supplies, encoding="utf-8") as f:
        for seen, row in enumerate(csv.DictReader(f)):
            counts[row["采购企业"]] += 1
            if len(drawn) < runs:  # reservoir sampling: one pass, `runs` rows kept
                drawn.append(row["采购企业"])
            elif (slot := pick.randrange(seen + 1)) < runs:
                drawn[slot] = row["采购企业"]
    return counts.most_common(1)[0][0], itertools.cycle(drawn)


def bench_documents(paths: list[Path], runs: int, store: Store | None) -> list[dict]:
    """p50 / p95 of extracting each document (goal: a 40 KB speech in under 5 s)."""
    return [{"document": Path(path).name, "kb": round(Path(path).stat().st_size / 1024, 1),
             **_latency(lambda path=path: extract([Path(path)], store), runs)} for path in paths]


def _latency(run, runs: int, budget_seconds: float = 60) -> dict:
    """p50 / p95 over `runs` runs, or fewer when they exceed the budget (a slow analysis
    must not hold the whole benchmark up; "runs" says how many there were)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
        if sum(times) > budget_seconds * 1000:
            break
    times.sort()
    return {"runs": len(times), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[math.ceil(0.95 * len(times)) - 1], 1)}


def _server_memory(settings: Settings) -> dict | None:
    server = local_server(settings)
    pid = server.status().pid if server else None
    return {"rss_mb": round(_vm(pid, "VmRSS") / 1024), "peak_mb": round(_vm(pid, "VmHWM") / 1024)} if pid else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _vm(pid: int, field: str) -> int:
    """A memory figure of a process, in kB, from /proc (0 when it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
