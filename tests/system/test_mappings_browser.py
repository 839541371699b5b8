"""The mappings flow in the running app, in headless Chromium: a ledger with an unknown status word
(已闭环销账) and an unknown description header (巡察反馈问题描述) is uploaded; the page asks; the
answers are saved and the import lands; next month's ledger with the same words imports without
asking. Screenshots of the form under tests/screenshots/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.apprunner import running_app
from support.browser import ARGS, CALM, CHROMIUM, NEEDS_CHROMIUM, SHOTS, settle
from support.ledgers import OWN_ROWS, own_files

from inspection import store

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    NEEDS_CHROMIUM,
    pytest.mark.timeout(600),
]



def upload(tab, files) -> None:
    tab.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": f.name, "mimeType": "text/csv", "buffer": f.data} for f in files])
    for f in files:
        tab.get_by_text(f.name).first.wait_for(timeout=60_000)
    tab.get_by_role("button", name="导入", exact=True).click()
    settle(tab)


def choose(tab, label: str, option: str) -> None:
    box = tab.get_by_role("combobox", name=label)  # the selectbox's input is labelled by its label
    box.click()
    tab.get_by_role("option", name=option, exact=True).click()
    tab.locator('[role="listbox"]').wait_for(state="detached", timeout=30_000)  # the menu closed
    settle(tab)


def test_answer_once_then_the_next_month_imports_without_asking(tmp_path):
    from playwright.sync_api import sync_playwright

    db = tmp_path / "browser.duckdb"
    store.connect(db).close()
    env = {**os.environ, "INSPECTION_DB": str(db), "INSPECTION_DEMO": "0",
           "INSPECTION_USERS_FILE": str(tmp_path / "nobody" / "users.toml")}  # local mode: this browser imports
    SHOTS.mkdir(parents=True, exist_ok=True)
    with running_app(env) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 2200}, **CALM)
            tab.goto(url + "/imports")
            tab.wait_for_selector("h1", timeout=120_000)
            settle(tab)
            upload(tab, own_files())
            assert tab.get_by_text("导入未执行").count() == 1
            assert tab.get_by_text("回答一次，以后的导入都记住").count() == 1
            try:  # the form's widgets come last in the run
                tab.get_by_role("combobox", name="「已闭环销账」（2 行）").wait_for(timeout=60_000)
            finally:
                tab.screenshot(path=str(SHOTS / "mappings_form.png"), full_page=True)

            choose(tab, "已闭环销账", "已整改")
            choose(tab, "巡察反馈问题描述", "问题描述")
            tab.screenshot(path=str(SHOTS / "mappings_form_answered.png"), full_page=True)
            tab.get_by_role("button", name="保存映射并重新导入").click()
            tab.get_by_text("导入成功").wait_for(timeout=120_000)  # saved, imported again, rerun
            settle(tab)
            assert tab.get_by_text("已保存 2 条映射").count() == 1
            assert tab.get_by_text("本次导入使用的映射（2）").count() == 1
            assert tab.get_by_role("button", name="保存映射并重新导入").count() == 0
            assert tab.locator('[data-testid="stException"]').count() == 0
            tab.screenshot(path=str(SHOTS / "mappings_imported.png"), full_page=True)

            # next month: the same words, another status of the same issues; no question
            later = [[*r[:6], "已闭环销账"] for r in OWN_ROWS]
            issues = [f for f in own_files(later) if f.name == "issues.csv"]
            upload(tab, issues)
            tab.get_by_text("替换 1 行").wait_for(timeout=120_000)
            assert tab.get_by_text("导入成功").count() == 1
            assert tab.get_by_text("回答一次，以后的导入都记住").count() == 0
            assert tab.get_by_text("本次导入使用的映射（2）").count() == 1
            tab.screenshot(path=str(SHOTS / "mappings_next_month.png"), full_page=True)
        finally:
            browser.close()
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM mappings").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM issues WHERE superseded_by IS NULL AND status = 'rectified' "
                           "AND description IS NOT NULL").fetchone()[0] == 3
    finally:
        con.close()
