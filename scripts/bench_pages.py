"""Time the app's pages in headless Chromium on the graph the environment configures
(e.g. CHAINKG_GRAPH=bench_1000000 after `chainkg bench --sizes 1000000 --keep`): from
navigation until the page's own content is drawn, median and worst of several visits,
each visit a fresh tab (no browser cache of the page; the app's caches are warm after
the first, as on a bureau's PC).

    .venv/bin/python scripts/bench_pages.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
GOAL_MS = 3000
CHAIN = "新能源和新能源电池"
# page -> (address, what shows that it has drawn)
PAGES = {"总览": ("", "h3:has-text('滞后项目')"),  # its last section
         "产业链图谱": (f"chain_map?chain={CHAIN}", "div[_echarts_instance_] canvas")}


def serve(port: int) -> subprocess.Popen:
    app = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port), "--server.headless", "true"],
                           cwd=PROJECT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=1):
                return app
        except OSError:
            time.sleep(0.2)
    app.kill()
    raise SystemExit("the app did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8599)
    args = parser.parse_args()
    app = serve(args.port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
            for name, (address, drawn) in PAGES.items():
                times = []
                for _ in range(args.runs):
                    tab = browser.new_page(viewport={"width": 1500, "height": 1100})
                    started = time.perf_counter()
                    tab.goto(f"http://localhost:{args.port}/{address}")
                    tab.wait_for_selector(drawn, timeout=120_000)
                    times.append((time.perf_counter() - started) * 1000)
                    tab.close()
                verdict = "ok" if max(times) < GOAL_MS else f"over the {GOAL_MS} ms goal"
                print(f"{name}: median {statistics.median(times):,.0f} ms, worst {max(times):,.0f} ms "
                      f"(first visit {times[0]:,.0f} ms) {verdict}")
            browser.close()
    finally:
        app.terminate()


if __name__ == "__main__":
    main()
