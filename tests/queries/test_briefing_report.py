"""The Word report and `python -m inspection briefing`: the .docx holds the summary text, the charts
and the district table; the command writes .docx, .pptx and .pdf, prints the text, and exits 1 on an
empty store or filters that match nothing, 2 on usage errors; `metrics` and `briefing` work while a
running dashboard holds the store, from the backup of the last committed import, and say so."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from support.commands import call, shell
from support.ledgers import base_files, inspection_row, inspections_csv

from inspection import briefing, export, metrics, report, store
from inspection.filters import Filters, default_as_of

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 12, 5)
needs_browser = pytest.mark.skipif(export.browser_path() is None, reason="no Chromium: PNG export unavailable")
needs_font = pytest.mark.skipif(export.cjk_font() is None, reason="no CJK font: PDF export unavailable")


@needs_browser
def test_docx_holds_the_text_the_charts_and_the_district_table(demo_db):
    import docx

    con = store.connect(demo_db, read_only=True)
    try:
        brief = briefing.build(con, Filters(districts=("源汇区", "郾城区"), as_of=AS_OF))
    finally:
        con.close()
    document = docx.Document(io.BytesIO(brief.docx()))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == brief.title and texts[1] == brief.subtitle
    for paragraph in brief.summary:
        assert paragraph in texts
    charts = brief.slides + brief.extra
    assert len(document.inline_shapes) == len(charts) == 6
    for slide in charts:
        assert slide.title in texts
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(images) == 6 and all(part.blob.startswith(b"\x89PNG") for part in images)
    (table,) = document.tables
    header = [cell.text for cell in table.rows[0].cells]
    assert header[:4] == ["县区", "应巡对象", "已覆盖", "覆盖率"]
    rows = {row.cells[0].text: [cell.text for cell in row.cells] for row in table.rows[1:]}
    assert set(rows) == {"源汇区", "郾城区"}
    assert all(row[3].endswith("%") for row in rows.values())
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == export.DOCX_EA_FONT
    assert document.sections[0].footer.paragraphs[0].runs  # the page number field (docx_page_marks)


def test_docx_without_images_says_why():
    import docx

    slide = export.Slide("各县区覆盖率", "数据截至 2026-12-05", object(), None)
    data = export.report_docx("标题", "副标题", ["一段。"], [slide], {}, images=[None])
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert any(t.startswith("（图片未生成") for t in texts) and "一段。" in texts


@needs_browser
@needs_font
def test_the_command_writes_all_three_formats(capsys, demo_db, tmp_path):
    from pptx import Presentation

    magic = {"docx": b"PK", "pptx": b"PK", "pdf": b"%PDF"}
    for ext, start in magic.items():
        out = tmp_path / f"简报.{ext}"
        code, stdout, err = call(capsys, "briefing", "--db", str(demo_db), "--district", "召陵区",
                                 "--as-of", AS_OF.isoformat(), "--out", str(out))
        assert code == 0, err
        assert out.read_bytes().startswith(start) and str(out) in stdout
        assert not list(tmp_path.glob(".*.tmp"))
    # the title, the key figures, six charts, and the slides of the tables too large to sit beside theirs
    shown = [[sh.text_frame.text for sh in slide.shapes if sh.has_text_frame][0]
             for slide in list(Presentation(str(tmp_path / "简报.pptx")).slides)[1:]]
    assert len([t for t in shown if "（数据表" not in t]) == 1 + 6


def test_the_command_prints_the_text(capsys, demo_db):
    filters = Filters(districts=("召陵区",), as_of=AS_OF)
    con = store.connect(demo_db, read_only=True)
    try:
        expected = report.text(con, filters)
        english = report.text(con, filters, "en")
    finally:
        con.close()
    code, out, _ = call(capsys, "briefing", "--db", str(demo_db), "--district", "召陵区", "--as-of",
                        AS_OF.isoformat(), "--text")
    assert code == 0 and out.strip() == expected
    code, out, _ = call(capsys, "briefing", "--db", str(demo_db), "--district", "召陵区", "--as-of",
                        AS_OF.isoformat(), "--text", "--lang", "en")
    assert code == 0 and out.strip() == english


def test_the_command_exit_codes(capsys, demo_db, empty_db, tmp_path):
    code, out, err = call(capsys, "briefing", "--db", str(empty_db), "--text")
    assert code == 1 and "还没有巡察数据" in err and not out
    code, out, err = call(capsys, "briefing", "--db", str(demo_db), "--district", "无此县", "--text")
    assert code == 1 and "无此县" in err and not out
    code, _, err = call(capsys, "briefing", "--db", str(demo_db), "--out", str(tmp_path / "x.txt"))
    assert code == 2 and ".docx" in err and not (tmp_path / "x.txt").exists()
    code, _, err = call(capsys, "briefing", "--db", str(demo_db), "--out", str(tmp_path / "no" / "x.docx"))
    assert code == 2 and "目录不存在" in err
    assert call(capsys, "briefing", "--db", str(demo_db))[0] == 2  # neither --text nor --out
    assert call(capsys, "briefing", "--db", str(demo_db), "--text", "--out", "x.pdf")[0] == 2
    done = shell("briefing", "--db", str(tmp_path / "missing.duckdb"), "--text")
    assert done.returncode == 1 and "不存在" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.timeout(300)
@pytest.mark.slow
def test_reading_commands_work_while_the_dashboard_holds_the_store(tmp_path, capsys):
    """A dashboard holds the store file; `metrics` and `briefing` then read the backup of the last
    committed import (not the first), say so, and equal what the live store held after that import."""
    from support import streamclient
    from support.apprunner import running_app

    db = tmp_path / "store" / "s.duckdb"
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for item in base_files():
        (folder / item.name).write_bytes(item.data)
        paths.append(str(folder / item.name))
    assert call(capsys, "import", "--db", str(db), *paths)[0] == 0
    change = folder / "fix.csv"
    change.write_bytes(inspections_csv([inspection_row(发现问题数=7)]).data)
    assert call(capsys, "import", "--db", str(db), str(change))[0] == 0
    filters = Filters(as_of=AS_OF)
    con = store.connect(db, read_only=True)
    try:
        expected, text = metrics.compute(con, filters), report.text(con, filters)
    finally:
        con.close()
    assert expected["issues_found"] == 8  # 7 + 1: the second import is in

    env = {**os.environ, "INSPECTION_DB": str(db), "INSPECTION_DEMO": "0"}

    def commands(session_id: str, token: str) -> list[subprocess.CompletedProcess]:
        """While a session that drew the briefing is still connected (the dashboard holds the store)."""
        return [shell("imports", "--db", str(db)),
                shell("metrics", "--db", str(db), "--json", "--as-of", AS_OF.isoformat()),
                shell("briefing", "--db", str(db), "--text", "--as-of", AS_OF.isoformat())]

    with running_app(env) as url:
        run = streamclient.session(url, page="briefing", during=commands, timeout=120)
    assert "metric {" in run.text  # the briefing drew its tiles: the store is open
    held, metrics_done, briefing_done = run.during
    assert held.returncode == 1 and "占用" in held.stderr  # the dashboard holds the file
    assert metrics_done.returncode == 0, metrics_done.stderr
    assert json.loads(metrics_done.stdout) == expected
    assert "占用" in metrics_done.stderr and "#2" in metrics_done.stderr and "备份" in metrics_done.stderr
    assert briefing_done.returncode == 0, briefing_done.stderr
    assert briefing_done.stdout.strip() == text and "#2" in briefing_done.stderr


def test_the_briefing_page_shows_the_summary_and_offers_the_word_report(demo_copy, env_db):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    con = store.connect(demo_copy, read_only=True)
    try:
        # the page's default filters: everything, as of the day the data covers (数据截至)
        expected = report.text(con, Filters(as_of=default_as_of(store.run_query(con, "data_as_of", {}))))
    finally:
        con.close()
    env_db(demo_copy)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.run()
        at.switch_page("pages/briefing.py").run()
        assert not at.exception and not at.error
        # the summary box (pages/briefing.py SUMMARY_HTML): its text as written, once
        boxes = [e.proto.body for e in at.get("html") if 'data-testid="briefSummary"' in e.proto.body]
        texts = [html.unescape(re.search(r"<pre>(.*?)</pre>", body, re.S).group(1)) for body in boxes]
        assert texts == [expected]
        assert "一键生成 Word 报告" in [b.proto.label for b in at.get("download_button")]
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_docx_pages_carry_the_marks_and_the_title():
    import docx

    from inspection.marks import Marks

    data = export.report_docx("巡察情况报告", "副标题", ["一段。"], [], {}, images=[],
                              marks=Marks("内部资料 注意保存", "张三  2026-12-05"))
    section = docx.Document(io.BytesIO(data)).sections[0]
    assert "内部资料 注意保存" in section.header.paragraphs[0].text
    assert section.header.part.package and "behindDoc=\"1\"" in section.header._element.xml
    assert section.footer.paragraphs[0].text.startswith("巡察情况报告")


HOLD_AND_WRITE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
time.sleep(float(sys.argv[2]))  # the file's change after the backup must be visible in its mtime
con.execute("UPDATE plan_settings SET target = 0.9")  # a plan change the dashboard commits
print("written", flush=True)
time.sleep(120)
"""


def test_reading_the_backup_says_when_the_live_store_changed_after_it(demo_copy):
    store.backup(demo_copy)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_WRITE, str(demo_copy),
                               str(store.BACKUP_SLACK_S + 1)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        con, note = store.connect_reader(demo_copy)
        con.close()
        assert "占用" in note and "#1" in note and "改动" not in note
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "written"
        con, note = store.connect_reader(demo_copy)
        con.close()
        assert "备份之后数据库又有改动" in note
    finally:
        holder.kill()
        holder.wait()


def test_a_backup_from_an_older_release_is_read_from_an_updated_copy(demo_copy, tmp_path):
    backup = store.backup(demo_copy)
    old = duckdb.connect(str(backup))
    old.execute("DELETE FROM views_applied")  # as a backup written before these views' release
    old.close()
    before = backup.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_WRITE, str(demo_copy), "0"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        con, note = store.connect_reader(demo_copy)
        try:
            assert metrics.compute(con, Filters(as_of=AS_OF))["inspections"] > 0
        finally:
            con.close()
        assert note and backup.read_bytes() == before  # the backup itself untouched
    finally:
        holder.kill()
        holder.wait()


def test_no_level_chart_when_no_office_reported_its_figures():
    """Clues, people disciplined and immediate fixes left blank (未填报) by every inspection: the
    per-inspection averages cannot be computed, so the briefing has no chart of missing bars."""
    from support.ledgers import INSPECTION_ROWS, issues_csv, memory_store, roster_csv, run

    con = memory_store()
    try:
        blank = [[*row[:10], "", "", ""] for row in INSPECTION_ROWS]
        assert run(con, roster_csv(), inspections_csv(blank), issues_csv()).status == "imported"
        brief = briefing.build(con, Filters(as_of=dt.date(2021, 6, 30)))
    finally:
        con.close()
    titles = [slide.title for slide in brief.slides + brief.extra]
    assert titles and "市县每次巡察平均成果" not in titles, titles


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_tile_figure_nobody_reported_says_so_not_a_dash_with_a_unit(lang):
    from support.ledgers import issues_csv, memory_store, roster_csv, run

    con = memory_store()
    try:  # the base ledgers have no 立行立改, 组织处理 or 移送司法 column: every inspection left them blank
        assert run(con, roster_csv(), inspections_csv(), issues_csv()).status == "imported"
        brief = briefing.build(con, Filters(as_of=dt.date(2021, 6, 30)), lang)
    finally:
        con.close()
    details = [tile.detail for tile in brief.tiles]
    assert not [d for d in details if "—" in d], details
    expected = ["立行立改未填报", "移送司法未填报", "组织处理未填报"] if lang == "zh" else [
        "Immediate fixes: not reported", "To prosecution: not reported", "Org. handling: not reported"]
    assert details[2:5] == expected, details
