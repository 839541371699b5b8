"""A section's own control reruns only that section (issue 22 item 4, ui.components.fragment): opening
the overdue list draws the list, the briefing's with-extra switch changes its downloads, the categories
by district switch to per inspection redraws that chart, and none sends the page again; a sidebar filter still redraws the whole page (and the section's choice stays). Counted as the messages the
server sends the browser (one per element drawn), in headless Chromium."""

from __future__ import annotations

import pytest
from support.browser import ARGS, CALM, CHROMIUM, NEEDS_CHROMIUM, settle

from inspection.i18n import t

pytestmark = [
    NEEDS_CHROMIUM,
    pytest.mark.timeout(600),
]


@pytest.fixture(scope="module")
def tab(demo_app):
    from playwright.sync_api import sync_playwright

    url = demo_app  # local mode: the administrator
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 2600}, **CALM)
        page.received = []  # the server's messages, one per websocket frame
        page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: page.received.append(frame)))
        page.url_base = url
        yield page
        browser.close()



def messages(tab, action, drawn: str | None = None) -> int:
    """How many messages the server sent for what `action` did; when it draws `drawn`, that is waited
    for first (on a loaded machine the run may begin later than settle() watches for one to begin)."""
    before = len(tab.received)
    action()
    if drawn:
        tab.locator(drawn).first.wait_for(timeout=120_000)
    settle(tab)
    return len(tab.received) - before


def filter_district(tab) -> None:
    tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    tab.locator('[role="option"]').filter(has_not_text="Select all").first.click()
    tab.keyboard.press("Escape")


def open_page(tab, slug: str) -> None:
    tab.goto(f"{tab.url_base}/{slug}")  # no filter in the URL: every district
    tab.wait_for_selector(".js-plotly-plot", timeout=120_000)
    settle(tab)


@pytest.mark.parametrize(("slug", "label", "drawn"), [
    ("followup", "fu_admin_list", '[data-testid="stTable"]'),  # the overdue list opens
    ("briefing", "brief_with_extra", '[data-testid="stDownloadButton"]'),  # the deck with two more charts
    ("categories", "metric_per_inspection", '.js-plotly-plot'),  # categories by district, per inspection
])
def test_a_section_control_reruns_only_its_section(tab, slug, label, drawn):
    open_page(tab, slug)
    charts = tab.locator(".js-plotly-plot").count()
    section = messages(tab, lambda: tab.get_by_text(t(label, "zh")).first.click(), drawn)
    assert tab.locator(drawn).count() >= 1
    assert tab.locator(".js-plotly-plot").count() == charts
    assert tab.locator('[data-testid="stException"]').count() == 0
    whole = messages(tab, lambda: filter_district(tab))
    assert "district=" in tab.url
    assert tab.locator(drawn).count() >= 1, "the section's choice stays"
    print(slug, section, whole)
    assert section * 2 < whole, (section, whole)
