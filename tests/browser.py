"""The real app in headless Chromium: serving it, tabs that refuse requests to other hosts,
and waiting for a page's script to finish."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from urllib.parse import quote, urlsplit

import pytest

from queries.layout import ARROW_COLOR, STATUS_COLORS
from tests.conftest import PROJECT_DIR, free_port

# The rendered chain map's boxes, texts and arrowheads in page px (see the script)
GEOMETRY = (PROJECT_DIR / "tests" / "js" / "chain_map_geometry.js").read_text(encoding="utf-8")
MAP_COLOURS = {"status": [c.lower() for c in STATUS_COLORS.values()], "arrow": ARROW_COLOR}


@contextmanager
def serving(env: dict):
    """The real app on a free port, under `env`; yields its address."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(port), "--server.headless", "true"],
                            cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def new_tab(browser, app_url: str, width: int = 1500, height: int = 1100):
    """A fresh tab that refuses, and records, every request to a host other than the app's."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    tab = context.new_page()
    tab.outside = []

    def guard(route):
        if urlsplit(route.request.url).hostname not in ("localhost", "127.0.0.1"):
            tab.outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    tab.route("**/*", guard)
    tab.app_url = app_url
    return context, tab


def open_page(page, path: str) -> None:
    page.goto(f"{page.app_url}/{path}")
    settled(page)


def settled(page) -> None:
    """The page's script has finished its run (its widgets are the new ones)."""
    page.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=60_000)


def download(page, button: str):
    """The file a click on the download button named `button` gives, clicked once the page's
    script has finished, its pictures are loaded and the button has stopped moving: a layout
    shift between mouse down and up turns the click into one on the button's container,
    and no file comes (seen on a busy machine as the full-screen picture above it opened)."""
    settled(page)
    page.wait_for_function("[...document.images].every(image => image.complete)", timeout=30_000)
    target = page.get_by_role("button", name=button)
    boxes = []
    for _ in range(200):  # 30 s at most
        boxes.append(target.bounding_box())
        if boxes[-3:] == [boxes[-1]] * 3:
            break
        page.wait_for_timeout(150)
    with page.expect_download(timeout=60_000) as caught:
        target.click()
    return caught.value


def map_drawings(page, chain: str):
    """The chain map page of `chain`, opened once: yields (attach, geometry) for the map
    without, then with its enterprises and projects (the toggle), each once drawn (GEOMETRY)."""
    open_page(page, f"chain_map?chain={quote(chain, safe='')}")
    for attach in (False, True):
        if attach:
            page.get_by_text("显示本地企业和项目").click()
            page.wait_for_timeout(300)
            settled(page)
        page.wait_for_selector("div[_echarts_instance_] svg text", state="attached", timeout=30_000)
        page.wait_for_timeout(800)
        yield attach, page.evaluate(GEOMETRY, MAP_COLOURS)


def choose(page, label: str, option: str) -> None:
    page.locator("[data-testid='stSelectbox']").filter(has_text=label).locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
