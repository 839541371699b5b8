"""The fourth rectification state, long_term (长期整改): stored, in the figures (not rectified, never
overdue, in the rate's denominator; as of a date like the other states), in `metrics --json`, on the
categories, follow-up and briefing pages with its own colour and legend entry, and in the exports.

A small city, computed by hand (feedback of both inspections 2021-05-20):
  张家村  g 党建 长期坚持   due 2021-06-01 (past, but long-term: never overdue)
          h 党建 已整改     rectified 2021-06-10, due 2021-08-01
          i 资金 整改中     due 2021-07-01                      -> overdue from 2021-07-02
  王庄村  j 资金 基本完成   no due date, rectified_date 2021-06-15 (a long-term status: not rectified)
          k 资金 整改中     due 2099-01-01                      -> open, not yet due
          l 党建 已整改     rectified 2022-01-01, due 2021-06-01 -> overdue until then
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest
from support.ledgers import INSPECTION_HEADER, ISSUE_HEADER, ROSTER_HEADER, InputFile, csv_bytes, run, table

from inspection import briefing, charts, charts_followup, cli, export, metrics, store
from inspection.filters import Filters

ROOT = Path(__file__).resolve().parents[2]
R1 = "2021年第一轮"
PARTY, FUNDS = "基层组织建设", "群众身边腐败"
LATER = dt.date(2030, 1, 1)


def city_files() -> list[InputFile]:
    roster = [["东城区", "城关镇", "张家村", "村", "是", "否"], ["西城区", "河口镇", "王庄村", "村", "否", "否"]]
    inspections = [
        [R1, "市级", "市一组", "常规", "2021-03-15", "2021-05-20", "东城区", "城关镇", "张家村", 3, 0, 0, 1],
        [R1, "县级", "县一组", "常规", "2021-03-15", "2021-05-20", "西城区", "河口镇", "王庄村", 3, 0, 0, 1],
    ]
    issues = [
        [R1, "东城区", "城关镇", "张家村", PARTY, "组织生活", "长期坚持", "2021-06-01", ""],
        [R1, "东城区", "城关镇", "张家村", PARTY, "组织生活", "已整改", "2021-08-01", "2021-06-10"],
        [R1, "东城区", "城关镇", "张家村", FUNDS, "村级财务", "整改中", "2021-07-01", ""],
        [R1, "西城区", "河口镇", "王庄村", FUNDS, "村级财务", "基本完成", "", "2021-06-15"],
        [R1, "西城区", "河口镇", "王庄村", FUNDS, "村级财务", "整改中", "2099-01-01", ""],
        [R1, "西城区", "河口镇", "王庄村", PARTY, "组织生活", "已整改", "2021-06-01", "2022-01-01"],
    ]
    return [InputFile("roster.csv", csv_bytes(table(ROSTER_HEADER, roster))),
            InputFile("inspections.csv", csv_bytes(table(INSPECTION_HEADER, inspections))),
            InputFile("issues.csv", csv_bytes(table(ISSUE_HEADER, issues)))]


@pytest.fixture(scope="module")
def city_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("long_term") / "city.duckdb"
    con = store.connect(db)
    result = run(con, *city_files())
    assert result.status == "imported", result.to_json()
    con.close()
    return db


@pytest.fixture(scope="module")
def con(city_db):
    connection = duckdb.connect(str(city_db), read_only=True)
    yield connection
    connection.close()


def totals(con, as_of: dt.date, **filters) -> dict:
    frame = store.run_query(con, "rectification_totals", Filters(as_of=as_of, **filters).params())
    return frame.iloc[0].to_dict()


def states(row: dict) -> tuple[int, int, int, int]:
    return row["listed_rectified"], row["long_term"], row["open_in_time"], row["overdue"]


def test_stored_as_long_term(con):
    stored = dict(con.execute("SELECT status, count(*) FROM issues GROUP BY 1").fetchall())
    assert stored == {"long_term": 2, "rectified": 2, "in_progress": 2}


@pytest.mark.parametrize(("as_of", "expected", "rate"), [
    (LATER, (2, 2, 1, 1), 2 / 6),                    # h, l | g, j | k | i
    (dt.date(2021, 7, 15), (1, 2, 1, 2), 1 / 6),     # h | g, j | k | i, l
    (dt.date(2021, 6, 5), (0, 2, 3, 1), 0.0),        # - | g, j (g's due date passed) | h, i, k | l
])
def test_the_four_states_as_of_a_date(con, as_of, expected, rate):
    row = totals(con, as_of)
    assert states(row) == expected
    assert sum(expected) == row["listed_issues"] == 6
    assert row["rectification_rate"] == pytest.approx(rate)  # long-term issues in the denominator


def test_before_the_inspections_nothing(con):
    row = totals(con, dt.date(2021, 3, 1))
    assert row["listed_issues"] == 0 and row["long_term"] == 0


def test_filters_narrow_the_long_term_issues(con):
    assert totals(con, LATER, districts=("西城区",))["long_term"] == 1  # j
    assert totals(con, LATER, categories=(FUNDS,))["long_term"] == 1  # j
    assert totals(con, LATER, levels=("municipal",))["long_term"] == 1  # g


def test_long_term_issues_are_never_overdue_anywhere(con):
    params = Filters(as_of=LATER).params()
    listing = store.run_query(con, "overdue_issues", {**params, "limit": None})
    assert listing["status"].tolist() == ["in_progress"]  # i only, not g (due 2021-06-01)
    by = store.run_query(con, "overdue_by_district_category", params)
    assert by[["district", "category", "overdue"]].values.tolist() == [["东城区", FUNDS, 1]]


def test_by_category(con):
    frame = store.run_query(con, "rectification_by_category", Filters(as_of=LATER).params()).set_index("category")
    assert frame.loc[PARTY, ["issues", "rectified", "long_term", "open_in_time", "overdue"]].tolist() == [3, 2, 1, 0, 0]
    assert frame.loc[FUNDS, ["issues", "rectified", "long_term", "open_in_time", "overdue"]].tolist() == [3, 0, 1, 1, 1]
    sub = store.run_query(con, "issues_by_category", Filters(as_of=LATER).params())
    assert sub.set_index("category")["long_term"].to_dict() == {PARTY: 1, FUNDS: 1}


def test_metrics(con):
    m = metrics.compute(con, Filters(as_of=LATER))
    assert (m["listed_issues"], m["long_term"], m["overdue"]) == (6, 2, 1)
    assert m["rectification_rate"] == pytest.approx(2 / 6)
    assert {c["category"]: c["long_term"] for c in m["by_category"]} == {PARTY: 1, FUNDS: 1}


def test_metrics_json_on_the_command_line(capsys, city_db):
    code = cli.main(["metrics", "--db", str(city_db), "--json", "--as-of", "2030-01-01"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["long_term"] == 2 and out["overdue"] == 1
    code = cli.main(["metrics", "--db", str(city_db), "--json", "--as-of", "2030-01-01", "--district", "西城区"])
    assert json.loads(capsys.readouterr().out)["long_term"] == 1


# ---------------------------------------------------------------- charts


def test_category_chart_has_the_long_term_segment_in_its_colour(con):
    frame = store.run_query(con, "rectification_by_category", Filters(as_of=LATER).params())
    for lang, name in (("zh", "长期整改"), ("en", "Long-term")):
        fig = charts.rectification_status(frame, "t", lang)
        bars = {trace.name: trace for trace in fig.data}
        assert list(bars)[1] == name
        assert bars[name].marker.color == charts.STATUS_COLORS["long_term"]
        assert list(bars[name].x) == frame["long_term"].iloc[::-1].tolist()
    assert len(set(charts.STATUS_COLORS.values())) == len(charts.STATUS_COLORS) == 4


def test_follow_up_status_bar(con):
    fig = charts_followup.rectification_status_bar(
        store.run_query(con, "rectification_totals", Filters(as_of=LATER).params()), "zh")
    assert [(t.name, t.x[0], t.marker.color) for t in fig.data] == [
        ("已整改", 2, charts.STATUS_COLORS["rectified"]), ("长期整改", 2, charts.STATUS_COLORS["long_term"]),
        ("整改中（未到期）", 1, charts.STATUS_COLORS["open_in_time"]), ("逾期未整改", 1, charts.STATUS_COLORS["overdue"])]
    assert fig.layout.showlegend


# ---------------------------------------------------------------- briefing and its exports


def test_briefing_table_and_exports_carry_long_term(con):
    brief = briefing.build(con, Filters(as_of=LATER), "zh", today=dt.date(2030, 1, 1))
    slide = next(s for s in brief.slides if "长期整改" in s.table.columns)
    assert slide.table["长期整改"].tolist() == [1, 1]
    assert "长期整改" in [trace.name for trace in slide.figure.data]
    sheet = load_workbook(io.BytesIO(export.tables_xlsx({slide.title: slide.table}))).active
    assert "长期整改" in [c.value for c in sheet[1]]
    header, _ = export.table_preview(slide.table)  # the slide's table (PPTX, PDF)
    assert {"长期整改", "逾期未整改"} <= set(header)
    english = briefing.build(con, Filters(as_of=LATER), "en", today=dt.date(2030, 1, 1))
    assert any("Long-term" in s.table.columns for s in english.slides)


# ---------------------------------------------------------------- pages


@pytest.fixture
def page(city_db, tmp_path, env_db):
    db = tmp_path / "city.duckdb"
    db.write_bytes(city_db.read_bytes())
    env_db(db)

    def open_page(name: str, lang: str | None = None) -> AppTest:
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.query_params["as_of"] = "2030-01-01"
        if lang:
            at.query_params["lang"] = lang
        at.run()
        at.switch_page(name).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        return at

    yield open_page
    st.cache_resource.clear()
    st.cache_data.clear()


def _legends(at: AppTest) -> set[str]:
    return {trace.get("name") for chart in at.get("plotly_chart")
            for trace in json.loads(chart.proto.spec)["data"]}


@pytest.mark.parametrize(("name", "lang", "label"), [
    ("pages/categories.py", None, "长期整改"), ("pages/followup.py", None, "长期整改"),
    ("pages/categories.py", "en", "Long-term"), ("pages/followup.py", "en", "Long-term"),
])
def test_pages_show_the_long_term_tile_and_legend(page, name, lang, label):
    at = page(name, lang)
    assert {m.label: m.value for m in at.metric}[label] == "2"
    assert label in _legends(at)


def test_briefing_page_draws_the_long_term_segment(page):
    at = page("pages/briefing.py")
    assert "长期整改" in _legends(at)


def test_the_demo_has_long_term_issues(demo_db):
    """The demo city shows the state: about 1 % of its issues (demo.LONG_TERM_FROM), none overdue."""
    connection = duckdb.connect(str(demo_db), read_only=True)
    try:
        m = metrics.compute(connection, Filters(as_of=LATER))
        overdue_long_term = store.run_query(connection, "overdue_issues", {**Filters(as_of=LATER).params(),
                                                                           "limit": None})
    finally:
        connection.close()
    assert 0.005 * m["listed_issues"] < m["long_term"] < 0.03 * m["listed_issues"]
    assert "long_term" not in set(overdue_long_term["status"])
