"""Issue 25 item 10, in headless Chromium at 1366 px: on 问题分类 a click filters by what was clicked:
a category's segment of the stacked district bars by the category, a district's name under its bar
by the district."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from support.browser import ARGS, CALM, CHROMIUM, NEEDS_CHROMIUM, SHOTS, settle

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    NEEDS_CHROMIUM,
    pytest.mark.timeout(600),
]



def _district_chart(tab):
    """The stacked bars of categories by district (the chart with the district handles)."""
    tab.wait_for_selector(".js-plotly-plot .barlayer", timeout=180_000)
    return tab.locator(".js-plotly-plot", has=tab.locator(".barlayer .trace.bars")).first


def _click(tab, locator, then: str) -> None:
    """Click the middle of `locator`, then wait until the address holds the parameter `then` (the rerun the
    click asks for may begin later than settle waits for on a loaded machine; if it never does, the
    assertion after says what the address is)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    try:
        tab.wait_for_function(f"() => new URLSearchParams(location.search).has({then!r})", timeout=30_000)
    except PlaywrightTimeout:
        pass
    settle(tab)


def test_a_click_filters_by_what_was_clicked(demo_app):
    from playwright.sync_api import sync_playwright

    url = demo_app
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page(viewport={"width": 1366, "height": 2400}, **CALM)
        try:
            tab.goto(url + "/categories")
            settle(tab)
            chart = _district_chart(tab)
            traces = chart.locator(".barlayer .trace.bars")
            handle = traces.nth(traces.count() - 1).locator(".point path").first  # the first district's name
            name = traces.nth(traces.count() - 1).locator(".point text").first.text_content()
            SHOTS.mkdir(parents=True, exist_ok=True)
            chart.screenshot(path=str(SHOTS / "categories_handles_1366.png"))
            _click(tab, handle, "district")
            query = parse_qs(urlparse(tab.url).query)
            assert query.get("district") == [name] and "category" not in query, tab.url

            tab.goto(url + "/categories")
            settle(tab)
            chart = _district_chart(tab)
            segment = chart.locator(".barlayer .trace.bars").first.locator(".point path").first
            _click(tab, segment, "category")
            query = parse_qs(urlparse(tab.url).query)
            assert query.get("category") and "district" not in query, tab.url
        finally:
            browser.close()
