"""The Streamlit app: page logic with AppTest, and the real app in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_DIR, free_port

APP = str(PROJECT_DIR / "app.py")


@pytest.fixture(autouse=True)
def fresh_caches():
    """AppTest runs in this process: a store cached by an earlier test names its graph."""
    st.cache_resource.clear()


@pytest.fixture
def seeded(store, cli_env, monkeypatch):
    store.write("CREATE (:Chain {id: 'c', name: '新能源和新能源电池'})<-[:PART_OF]-(:Segment {id: 's', name: '隔膜'})")
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)
    for key in [k for k in cli_env if k.startswith("NEO4J_")]:
        monkeypatch.delenv(key)
    return cli_env


def test_status_page_shows_engine_and_counts(seeded):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"引擎": "FalkorDB（内置）", "节点数": "2", "关系数": "1"}
    assert at.table[0].value.to_dict("records") == [{"标签": "Chain", "数量": 1}, {"标签": "Segment", "数量": 1}]


def test_empty_graph_says_so_in_chinese(store, cli_env, monkeypatch):
    for key, value in cli_env.items():
        monkeypatch.setenv(key, value)
    for key in [k for k in cli_env if k.startswith("NEO4J_")]:
        monkeypatch.delenv(key)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception and len(at.table) == 0
    assert [c.value for c in at.caption].count("暂无数据") == 2


def test_unreachable_store_is_a_short_chinese_message(seeded, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.error[0].value == "图数据库暂时无法访问，请稍后刷新页面。"


@pytest.fixture
def running_app(seeded):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port),
         "--server.headless", "true"],
        cwd=PROJECT_DIR, env=seeded, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("app did not start: " + proc.stderr.read().decode(errors="replace")[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_app_in_browser_shows_status_and_stays_offline(running_app):
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page()

        def guard(route):
            if urlsplit(route.request.url).hostname not in ("localhost", "127.0.0.1"):
                outside.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        page.route("**/*", guard)
        page.goto(running_app)
        page.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=30_000)
        page.get_by_text("PART_OF").wait_for(timeout=30_000)  # the last element the page draws
        text = page.inner_text("body")
        browser.close()
    assert "产业链知识图谱" in text and "FalkorDB（内置）" in text
    assert "Segment" in text and "PART_OF" in text
    assert outside == []
