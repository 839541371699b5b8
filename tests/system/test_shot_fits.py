"""Issue 25 item 13: the briefing's screenshot mode fits a 16:9 window at 1366x768, 1920x1080 and
2560x1440 (nothing to scroll, every chart drawn), in headless Chromium."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.browser import ARGS, CALM, CHROMIUM, NEEDS_CHROMIUM, SHOTS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    NEEDS_CHROMIUM,
    pytest.mark.timeout(600),
]

STEADY = 1.5  # seconds the measures must stay the same before the assertions read them
MEASURE = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  const box = document.querySelector('[data-testid=stMainBlockContainer]');
  return {scroll: main.scrollHeight, client: main.clientHeight, zoom: box.dataset.fitZoom || null,
          charts: document.querySelectorAll('.js-plotly-plot .main-svg').length};
}"""


def test_screenshot_mode_fits_16_9_windows(demo_app):
    from playwright.sync_api import sync_playwright

    url = demo_app
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for width, height in ((1366, 768), (1920, 1080), (2560, 1440)):
                tab = browser.new_page(viewport={"width": width, "height": height}, **CALM)
                tab.goto(url + "/briefing?shot=1")
                tab.wait_for_selector(".js-plotly-plot .main-svg", timeout=180_000)
                deadline = time.time() + 90
                while time.time() < deadline:  # the fit runs once the charts stop changing
                    got = tab.evaluate(MEASURE)
                    if got["zoom"] and got["charts"] >= 4 and got["scroll"] <= got["client"]:
                        break
                    time.sleep(0.25)
                # measured once the page has stayed as it is for STEADY seconds (at most 30 s more)
                steady, deadline = time.time() + STEADY, time.time() + 30
                while time.time() < min(steady, deadline):
                    time.sleep(0.25)
                    now = tab.evaluate(MEASURE)
                    if now != got:
                        got, steady = now, time.time() + STEADY
                tab.screenshot(path=str(SHOTS / f"briefing_shot_{width}x{height}.png"))
                assert got["scroll"] <= got["client"], (width, height, got)
                assert got["zoom"] and float(got["zoom"]) <= 1 and got["charts"] >= 4, (width, height, got)
                if height == 768:
                    assert float(got["zoom"]) < 1  # the laptop's window is smaller than the briefing
                tab.close()
        finally:
            browser.close()
