"""Issue 25 item 11: an empty result says what is empty and why: no change under the tiles when
neither period has an inspection under the filters (not a '+0.0个百分点'), no "None" in a table."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from support import ledgers
from support.apptest import assert_clean, open_app

from inspection import store
from inspection.i18n import t

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_app(demo_copy, env_db):
    def make(query: dict, page: str | None = None) -> AppTest:
        env_db(demo_copy)
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception and not at.error
        return at

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


def test_an_old_round_shows_no_change_and_says_why(make_app):
    at = make_app({"round": "2024年第一轮"})
    assert at.session_state["_filters"].rounds == ("2024年第一轮",)
    assert all(not m.proto.delta for m in at.metric), [(m.label, m.proto.delta) for m in at.metric]
    assert any("都没有巡察，不显示增减" in c.value for c in at.caption)
    at = make_app({})
    assert any(m.proto.delta for m in at.metric)  # the whole data: this year against the last


def test_a_missing_date_or_text_in_a_table_is_a_dash_not_none(make_app, demo_copy):
    con = store.connect(demo_copy, read_only=True)
    try:
        district, township, name = con.execute(
            "SELECT district, township, unit_name FROM v_inspections WHERE end_date IS NULL "
            "ORDER BY 1, 2, 3 LIMIT 1").fetchone()
    finally:
        con.close()
    at = make_app({"unit": f"{district}/{township}/{name}"}, page="pages/unit.py")
    rounds = at.dataframe[0].value
    assert "—" in rounds["结束日期"].tolist()
    for frame in (d.value for d in at.dataframe):
        assert not frame.astype(str).isin(["None", "NaT", "nan"]).any().any()


def array(value) -> list:
    """A Plotly JSON array, plain or typed ({'dtype', 'bdata'})."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


# Stores as offices have them: a column no office filled in (未填报) for every inspection.
BLANK_RESULTS = [[*row[:10], "", "", ""] for row in ledgers.INSPECTION_ROWS]  # clues, disciplined, rectified


@pytest.fixture
def small_app(env_db, tmp_path):
    """small_app(files, query, page): the dashboard in AppTest on a new store holding these imports."""

    def make(files, query: dict | None = None, page: str | None = None) -> AppTest:
        db = ledgers.new_store_file(tmp_path / f"small{len(list(tmp_path.iterdir()))}.duckdb")
        con = store.connect(db)
        try:
            assert ledgers.run(con, *files).status == "imported"
        finally:
            con.close()
        env_db(db)
        at = open_app(query, page)
        assert_clean(at)
        return at

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


def _no_missing_cells(at: AppTest) -> None:
    for frame in (d.value for d in at.dataframe):
        assert not frame.isna().any().any(), frame
        assert not frame.astype(str).isin(["None", "NaT", "nan", "<NA>"]).any().any(), frame


@pytest.mark.parametrize("lang", ["zh", "English"])
def test_compare_with_results_left_blank_says_so_instead_of_empty_bars(small_app, lang):
    files = [ledgers.roster_csv(), ledgers.inspections_csv(BLANK_RESULTS), ledgers.issues_csv()]
    at = small_app(files, {"lang": lang}, page="pages/compare.py")
    _no_missing_cells(at)  # the team table's average: "—", not an empty (None) cell
    for chart in at.get("plotly_chart"):  # no chart whose every bar is missing
        spec = json.loads(chart.proto.spec)
        assert any(v is not None and v == v for trace in spec["data"] for v in array(trace.get("y") or [])), spec
    expected = t("levels_not_reported", "zh" if lang == "zh" else "en")
    assert any(expected == i.value for i in at.info), [i.value for i in at.info]


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/followup.py"])
def test_issues_without_a_due_date_are_said_beside_overdue_0(small_app, page):
    no_due = [[*row[:7], "", row[8]] for row in ledgers.ISSUE_ROWS]  # 1 rectified, 2 open, no due date
    files = [ledgers.roster_csv(), ledgers.inspections_csv(), ledgers.issues_csv(no_due)]
    at = small_app(files, {"as_of": "2021-09-01"}, page=page)
    assert {m.label: m.value for m in at.metric}["逾期未整改"] == "0"
    assert t("fu_undated", "zh", n=2) in [c.value for c in at.caption], [c.value for c in at.caption]


@pytest.mark.parametrize("lang", ["zh", "English"])
def test_overview_tiles_say_how_many_inspections_left_a_count_blank(small_app, lang):
    one_blank = [ledgers.INSPECTION_ROWS[0], [*ledgers.INSPECTION_ROWS[1][:10], "", "", 0]]  # clues, disciplined
    at = small_app([ledgers.roster_csv(), ledgers.inspections_csv(one_blank)], {"lang": lang})
    code = "zh" if lang == "zh" else "en"
    captions = [c.value for c in at.caption]
    assert captions.count(t("kpi_not_reported", code, n=1)) == 2, captions  # clues and disciplined
    assert t("kpi_not_reported", code, n=2) in captions  # 立行立改: no column, every inspection blank


def test_without_a_roster_the_district_table_counts_are_whole_numbers(small_app):
    at = small_app([ledgers.inspections_csv(), ledgers.issues_csv()])
    assert any("无法计算覆盖率" in i.value for i in at.info)
    frame = at.dataframe[0].value
    assert frame["发现问题"].tolist() == [2, 1] and str(frame["发现问题"].dtype) == "Int64", frame.dtypes
    _no_missing_cells(at)


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/followup.py"])
def test_without_an_issue_list_overdue_and_long_term_are_not_known_not_0(small_app, page):
    at = small_app([ledgers.roster_csv(), ledgers.inspections_csv()], page=page)
    shown = {m.label: m.value for m in at.metric}
    assert shown["逾期未整改"] == "—", shown
    if page == "pages/followup.py":
        assert shown["长期整改"] == "—" and shown["整改完成率"] == "66.7%", shown  # the counts basis stays


def _table_with_missing_numbers() -> None:
    import pandas as pd
    import streamlit as st

    from ui import components as ui

    frame = pd.DataFrame({"district": ["甲区", "乙区"], "avg": [1.234, None], "share": [0.5, None]})
    ui.table(frame, {"district": "district", "avg": "avg_issues_and_clues", "share": "coverage_rate"},
             {"avg": st.column_config.NumberColumn(format="%.2f"),
              "share": st.column_config.NumberColumn(format="percent")})


def test_a_missing_number_in_a_formatted_column_reads_as_a_dash_whatever_the_format():
    """A printf format prints the others as the column would ('1.23') beside '—'; a named format
    (percent, compact) is left to the column, not applied as printf (it would raise)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_table_with_missing_numbers).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = at.dataframe[0].value
    assert list(shown.iloc[:, 1]) == ["1.23", "—"]


def test_a_roster_alone_says_no_inspection_was_imported_not_widen_the_filters(small_app):
    """With only the roster imported and no filter set, the pages asked to 放宽筛选条件 or 重置筛选:
    nothing to widen. They say no inspection ledger was imported, and where to import one."""
    at = small_app([ledgers.roster_csv()])
    said = t("no_inspections_imported", "zh")
    assert said in [i.value for i in at.info], [i.value for i in at.info]
    at.switch_page("pages/categories.py").run()
    assert not at.exception
    shown = [i.value for i in at.info]
    assert said in shown and not any("放宽筛选条件" in v for v in shown), shown


def test_a_rectification_rate_over_100_percent_says_why(small_app):
    """Without an issue list the rate is the reported 已整改数 over 发现问题数; a ledger reporting 9
    rectified of 3 found read 300.0% with nothing said: the tile now says it is the ledger's."""
    at = small_app([ledgers.roster_csv(), ledgers.inspections_with("已整改数", "9")], {"as_of": "2030-01-01"})
    assert {m.label: m.value for m in at.metric}["整改完成率"] == "300.0%"
    assert t("rect_over_reported", "zh") in [c.value for c in at.caption]
    # the briefing's tile (and its slides) the same
    from inspection import briefing
    from inspection.filters import Filters

    head = {"has_roster": False, "inspections": 2, "units_inspected": 2, "issues_found": 3, "clues": 1,
            "disciplined": 0, "rectification_rate": 3.0, "overdue": None, "listed_issues": 0}
    rect = briefing._tiles(head, "zh", Filters())[-1]
    assert t("rect_over_reported", "zh") in rect.detail, rect
