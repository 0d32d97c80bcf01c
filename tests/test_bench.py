"""`chainkg bench` on a tiny size, on both engines in one run: it runs end to end, its JSON
holds every figure of each, and the user's graph is left as it was."""

from __future__ import annotations

import dataclasses
import json

from graph import connect
from tests.conftest import only_falkordb, run_cli


@only_falkordb  # the run covers both engines
def test_bench_reports_throughput_latency_and_memory(cli_env, settings, tmp_path):
    with connect(settings) as store:
        store.write("CREATE (:Chain {name: '用户的图'})")
    out = tmp_path / "bench.json"
    done = run_cli("bench", "--sizes", "300", "--runs", "3", "--engines", "falkordb,neo4j", "--json", str(out),
                   "--keep", env=cli_env, check=True)
    assert "倍数" in done.stdout
    engines = json.loads(out.read_text(encoding="utf-8"))["engines"]
    assert set(engines) == {"falkordb", "neo4j"}
    for engine in engines.values():
        _every_figure(*engine["sizes"])
    with connect(settings) as store:
        assert store.read("MATCH (n) RETURN collect(n.name) AS names") == [{"names": ["用户的图"]}]
    with connect(dataclasses.replace(settings, graph_name="bench_300")) as kept:  # --keep
        assert kept.read("MATCH (e:Enterprise) RETURN count(e) AS n")[0]["n"] > 300
        kept.clear()


def _every_figure(size: dict) -> None:
    assert size["enterprises"] == 300 and size["relationships"] > 2 * 300 and size["import_seconds"] > 0
    directory = size["import_directory"]
    assert directory["rows"] == 300 and directory["rows_per_second"] > 0 and size["naive"]["rows_per_second"] > 0
    # the ratio's figures are timed inside the import, as the naive loader's: no interpreter start-up
    assert 0 < directory["seconds"] < directory["wall_seconds"]
    assert size["loader_vs_naive"] > 0 and size["loader_peak_memory_mb"] > 0
    assert set(size["latency"]) == {"chain_map", "gaps_of_a_chain", "supply_rate", "target_list_top_100",
                                    "relations_2_hops", "relations_2_hops_busiest"}
    assert all(v["p95_ms"] >= v["p50_ms"] > 0 for v in size["latency"].values())
    assert size["server_memory_mb"]["peak_mb"] > 0
