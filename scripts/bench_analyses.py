"""Time every analysis on the graph the environment configures (the bundled dataset
after `make run`): median of several runs, in milliseconds, against a 1 s goal.

    .venv/bin/python scripts/bench_analyses.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from graph import connect
from queries.chain_map import chain_map
from queries.gaps import gaps
from queries.progress import target_progress
from queries.projects import project_tracking
from queries.relations import impact, relations
from queries.supply import supply_rate
from queries.targets import target_list

GOAL_MS = 1000
CHAIN, SEGMENT, FIRM = "新能源和新能源电池", "隔膜", "金川集团股份有限公司"
ANALYSES = {
    "map": lambda s: chain_map(s, CHAIN),
    "gaps (all chains)": lambda s: gaps(s),
    "supply-rate chain": lambda s: supply_rate(s, chain=CHAIN),
    "supply-rate enterprise": lambda s: supply_rate(s, enterprise=FIRM),
    "relations": lambda s: relations(s, FIRM, hops=3),
    "impact": lambda s: impact(s, FIRM),
    "targets chain": lambda s: target_list(s, chain=CHAIN),
    "targets segment": lambda s: target_list(s, segment=SEGMENT),
    "projects": lambda s: project_tracking(s),
    "progress": lambda s: target_progress(s),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    slow = 0
    with connect() as store:
        for name, run in ANALYSES.items():
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                run(store)
                times.append((time.perf_counter() - start) * 1000)
            median = statistics.median(times)
            slow += median > GOAL_MS
            print(f"{name:<24} {median:8.1f} ms  {'OK' if median <= GOAL_MS else 'SLOW'}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
