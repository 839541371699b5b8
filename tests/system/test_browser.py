"""The running app in headless Chromium: every page, a district filter applied by clicking in the
sidebar, a bar clicked to cross-filter; a screenshot per page under tests/screenshots/."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from support.apprunner import running_app
from support.browser import ARGS, CALM, CHROMIUM, NEEDS_CHROMIUM, SHOTS, settle

from inspection.i18n import t
from ui import registry

ROOT = Path(__file__).resolve().parents[2]
# (URL path, title) of every page with a title heading (the briefing draws its own header)
PAGES = [(page.slug, t(page.title, "zh")) for page in registry.PAGES if page.title_shown]

pytestmark = [
    NEEDS_CHROMIUM,
    pytest.mark.timeout(600),
]


@pytest.fixture(scope="module")
def app_url(demo_db, tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "demo.duckdb"
    shutil.copy(demo_db, db)
    env = {**os.environ, "INSPECTION_DB": str(db), "INSPECTION_DEMO": "0"}
    with running_app(env) as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 2600}, **CALM)
        yield tab
        browser.close()



def kpi(tab, label: str) -> str:
    tile = tab.locator('[data-testid="stMetric"]', has_text=label).first
    return tile.locator('[data-testid="stMetricValue"]').inner_text()


def test_every_page_and_filters(app_url, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(app_url + "/coverage")  # a deep link first: the page must still get the filter panel
    page.wait_for_selector("h1", timeout=120_000)
    settle(page)
    assert page.locator('[data-testid="stSidebar"]').get_by_text("筛选条件").count() == 1

    for slug, title in PAGES:
        page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
        settle(page)
        assert page.locator("h1", has_text=title).count() == 1
        assert page.locator('[data-testid="stException"]').count() == 0
        if slug not in ("imports", "unit"):  # the unit page shows tables once a unit is chosen
            assert page.locator(".js-plotly-plot").count() > 0
        page.screenshot(path=str(SHOTS / f"{slug}.png"), full_page=True)

    # a district filter chosen by clicking in the sidebar
    page.locator('[data-testid="stSidebarNav"]').get_by_text("总览", exact=True).click()
    settle(page)
    before = kpi(page, "巡察次数")
    page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first.click()
    option = page.locator('[role="option"]').filter(has_not_text="Select all").first
    district = option.inner_text().strip()
    option.click()
    page.keyboard.press("Escape")
    settle(page)
    assert parse_qs(urlparse(page.url).query).get("district") == [district]
    assert kpi(page, "巡察次数") != before
    page.screenshot(path=str(SHOTS / "overview_district.png"), full_page=True)

    # reset, then cross-filter by clicking a district bar on the coverage page
    page.get_by_role("button", name="重置筛选").click()
    settle(page)
    assert "district" not in parse_qs(urlparse(page.url).query)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("覆盖进度", exact=True).click()
    settle(page)
    chart = page.locator(".js-plotly-plot").first
    bars = chart.locator(".bars .point path")
    count_before = bars.count()
    assert count_before > 1
    box = bars.nth(count_before - 1).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    settle(page)
    chosen = parse_qs(urlparse(page.url).query).get("district")
    assert chosen and len(chosen) == 1
    # one district chosen: the chart shows its townships (issue 19, tests/queries/test_drilldown.py)
    assert page.locator(".js-plotly-plot").first.locator(".bars .point path").count() > 1
    page.screenshot(path=str(SHOTS / "coverage_crossfilter.png"), full_page=True)


def _title(tab) -> str:
    """The first chart's title, once drawn (a loaded machine draws the page's charts slowly)."""
    return tab.locator(".js-plotly-plot").first.locator(".gtitle").first.text_content(timeout=180_000)


def _click_bar(tab, index: int = -1) -> None:
    """Click a bar of the page's first chart once it stands still: a full-page screenshot resizes the
    page and Plotly lays the chart out again after the script run has ended (a busy machine clicked
    where a bar had been)."""
    bars = tab.locator(".js-plotly-plot").first.locator(".bars .point path")
    box = None
    for _ in range(50):
        bar = bars.nth(index if index >= 0 else bars.count() + index)
        now = bar.bounding_box()
        if now is not None and now == box:
            break
        box = now
        tab.wait_for_timeout(150)
    tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    settle(tab)


def test_the_import_page_hides_the_filters_and_keeps_them_in_the_link(app_url, page):
    """No filter panel on the import page, yet the link keeps the filters, and the next page has them."""
    page.goto(app_url + "/coverage?lang=zh")
    page.wait_for_selector("h1", timeout=120_000)
    settle(page)
    _click_bar(page)  # a district chosen by a click, as a user would
    district = parse_qs(urlparse(page.url).query)["district"][0]
    nav = page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_text("数据导入", exact=True).click()
    settle(page)
    assert page.locator("h1", has_text="数据导入").count() == 1
    assert not page.get_by_text("筛选条件", exact=True).is_visible(), "no filter panel on the import page"
    assert parse_qs(urlparse(page.url).query).get("district") == [district], page.url
    nav.get_by_text("覆盖进度", exact=True).click()
    settle(page)
    assert page.get_by_text("筛选条件", exact=True).is_visible()
    assert parse_qs(urlparse(page.url).query).get("district") == [district], page.url
    assert _title(page).startswith("各乡镇（街道）") and _title(page).endswith(f"— {district}")


def test_drill_down_by_clicks_and_back_by_the_breadcrumb(app_url, page):
    """A district bar, then a township bar: the titles say the level and the place, the URL holds
    both choices (a copied link opens the same level); the breadcrumb goes back up a level a click."""
    page.goto(app_url + "/coverage?lang=zh")
    page.wait_for_selector("h1", timeout=120_000)
    settle(page)
    assert _title(page).startswith("各县区")
    _click_bar(page)
    query = parse_qs(urlparse(page.url).query)
    district = query["district"][0]
    assert _title(page).startswith("各乡镇（街道）") and _title(page).endswith(f"— {district}")
    page.screenshot(path=str(SHOTS / "drill_township.png"), full_page=True)
    _click_bar(page, 0)
    query = parse_qs(urlparse(page.url).query)
    assert query["district"] == [district] and len(query["township"]) == 1
    town = query["township"][0].split("（")[0]  # the URL holds the option's label, 某镇（某区）
    assert _title(page).startswith("各对象") and _title(page).endswith(f"— {district} › {town}")
    page.screenshot(path=str(SHOTS / "drill_unit.png"), full_page=True)
    link = page.url

    # the breadcrumb: back to the district's townships, then to every district
    page.get_by_role("button", name=f"› {district}").click()
    settle(page)
    query = parse_qs(urlparse(page.url).query)
    assert query["district"] == [district] and "township" not in query
    assert _title(page).startswith("各乡镇（街道）")
    page.get_by_role("button", name="全部县区").click()
    settle(page)
    assert "district" not in parse_qs(urlparse(page.url).query)
    assert _title(page).startswith("各县区")

    # the copied link opens the unit level again
    page.goto(link)
    page.wait_for_selector("h1", timeout=120_000)
    settle(page)
    assert _title(page).startswith("各对象")

    # a unit bar opens that unit's profile, the unit in its link
    _click_bar(page, 0)
    settle(page)
    assert urlparse(page.url).path.endswith("/unit")
    unit = parse_qs(urlparse(page.url).query)["unit"][0]
    assert unit.startswith(f"{district}/{town}/")
    assert page.locator("h1", has_text="对象档案").count() == 1
    assert page.get_by_text("历次巡察").count() + page.get_by_text("尚未巡察").count() >= 1
    page.screenshot(path=str(SHOTS / "drill_unit_profile.png"), full_page=True)


def test_last_mile_shows_the_first_rows_and_downloads_them_all(app_url, page, demo_db):
    """Early in the plan more units are uncovered than the page lists: it says how many, lists the
    first LIST_ROWS and the download (generated on the click) holds every one of them."""
    from inspection import store
    from inspection.filters import LIST_ROWS, Filters

    day = "2022-01-31"
    con = store.connect(demo_db, read_only=True)
    try:
        head = store.run_query(con, "headline_totals", Filters(as_of=dt.date.fromisoformat(day)).params()).iloc[0]
    finally:
        con.close()
    uncovered = int(head["units_total"] - head["units_covered"])
    assert uncovered > LIST_ROWS["uncovered_units"], "the demo's early months should have a long last mile"
    page.goto(app_url + f"/coverage?as_of={day}")
    page.wait_for_selector("h1", timeout=120_000)
    settle(page)
    assert page.get_by_text(f"下表列出前 {LIST_ROWS['uncovered_units']:,} 个").count() == 1
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="下载清单（CSV）").click()
    assert download.value.suggested_filename == f"未巡察对象清单_{day}.csv"
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["县区", "乡镇（街道）", "对象名称"]
    assert len(lines) - 1 == uncovered


def test_undo_cannot_be_repeated_by_a_second_click(app_url, page, demo_db):
    """Undo a small import, then click 撤销该次导入 again at once: the form came back empty, so the
    second click undoes nothing (it used to pre-select the next import, the whole demo, still ticked)."""
    from inspection import store

    con = store.connect(demo_db, read_only=True)  # the app serves a copy of it
    try:
        district, township, unit = con.execute("SELECT district, township, unit_name FROM v_units LIMIT 1").fetchone()
        active = [r[0] for r in con.execute("SELECT import_id FROM imports WHERE status = 'active'").fetchall()]
    finally:
        con.close()
    name = "小导入.csv"
    data = ("轮次,巡察层级,巡察组,开始日期,县区,乡镇街道,村(社区),发现问题数\n"
            f"2099年测试轮,市级,市委第九巡察组,2025-03-10,{district},{township},{unit},3\n")
    page.goto(app_url + "/imports")
    page.wait_for_selector("h1", timeout=120_000)
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data.encode("utf-8")}])
    page.get_by_text(name).first.wait_for(timeout=60_000)
    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_selector("text=导入成功", timeout=120_000)
    settle(page)

    choose = page.locator('[data-testid="stSelectbox"]').filter(has_text="选择要撤销的导入")
    choose.click()
    page.locator('[role="option"]').filter(has_text=name).first.click()
    page.get_by_text("确认撤销", exact=False).click()
    button = page.get_by_role("button", name="撤销该次导入")
    button.first.click()
    button.first.click(timeout=5_000)  # the double click, while the undo runs
    # the first click's message, or the second's when it cut the first run short
    page.wait_for_selector("text=/已撤销导入|已经撤销过了/", timeout=120_000)
    settle(page)
    page.screenshot(path=str(SHOTS / "imports_undo_double_click.png"), full_page=True)
    button.first.click()  # one more, on the form drawn after the undo
    page.wait_for_selector("text=请先选择要撤销的导入", timeout=120_000)
    settle(page)
    page.screenshot(path=str(SHOTS / "imports_after_undo.png"), full_page=True)
    choose.click()  # the imports left to undo: the demo's, all of them
    options = [o.inner_text() for o in page.locator('[role="option"]').all()]
    page.keyboard.press("Escape")
    assert len(options) == len(active) and not any(name in o for o in options), options


def test_briefing_summary_copies_its_text_without_the_syntax_highlighter(app_url, page):
    """The briefing's summary box copies its text, paragraphs as written, with its button; and the
    page no longer loads Streamlit's 1.5 MB syntax highlighter for it (st.code did)."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(app_url + "/briefing?lang=zh")
    box = page.locator('[data-testid="briefSummary"]')
    box.wait_for(timeout=180_000)
    settle(page)
    shown = box.locator("pre").text_content()
    assert "覆盖率" in shown and "\n\n" in shown
    box.locator("button").click()
    page.wait_for_function("document.querySelector('[data-testid=briefSummary] button').textContent === '已复制'")
    assert page.evaluate("navigator.clipboard.readText()") == shown
    loaded = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [name for name in loaded if "SyntaxHighlighter" in name]
