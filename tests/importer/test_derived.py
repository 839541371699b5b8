"""The materialised tables the figures read (m_units, m_inspections, m_issues, m_overdue) always hold exactly
the live rows: after an import, a replacing import, a roster that relinks earlier rows, an undo,
a rejected import, and when a store written by an older release is opened."""

from __future__ import annotations

import datetime as dt

import pytest
from support.ledgers import (
    ISSUE_ROWS,
    fresh_store,
    inspection_row,
    inspections_csv,
    issues_csv,
    load_base,
    roster_csv,
    run,
)

from inspection import importer, metrics, store
from inspection.filters import Filters

PAIRS = (("m_units", "live_units"), ("m_inspections", "live_inspections"), ("m_issues", "live_issues"),
         ("m_overdue", "live_overdue"))


@pytest.fixture(autouse=True, params=[None, True, False], ids=["whole_auto", "whole_delta", "whole_regrouped"])
def whole_delta(request, monkeypatch):
    """Every case with the whole area's issue groups rewritten as refresh_derived chooses, always
    from the changed rows (store.WHOLE_DELTA), and always grouped again from the rounds' rows."""
    monkeypatch.setattr(store, "WHOLE_DELTA_FORCE", request.param)


@pytest.fixture
def con():
    yield from fresh_store()


def assert_fresh(con) -> None:
    for table, view in PAIRS:
        # the written id replaces the integer key for the comparison; both sides as sorted multisets
        ours = con.execute(f"SELECT * EXCLUDE (unit_ref) REPLACE (unit_ref AS unit_id) FROM {table}").fetchall()
        live = con.execute(f"SELECT * FROM {view}").fetchall()
        assert sorted(ours, key=repr) == sorted(live, key=repr), table
    # one integer key per written id, the same in every table
    keys = con.execute("""
        SELECT count(DISTINCT unit_id), count(DISTINCT unit_ref), count(DISTINCT (unit_id, unit_ref))
        FROM (SELECT unit_id, unit_ref FROM m_units UNION ALL SELECT unit_id, unit_ref FROM m_inspections
              UNION ALL SELECT unit_id, unit_ref FROM m_issues UNION ALL SELECT unit_id, unit_ref FROM m_overdue)""").fetchone()
    assert keys[0] == keys[1] == keys[2]
    # the issue pre-aggregates hold what a whole rebuild from m_issues holds (the whole area's groups
    # among them, each the sum of the districts')
    for table, _, _ in store.AGGREGATES:
        kept = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        assert kept == con.execute(f"SELECT * FROM ({store.aggregate_query(table)}) ORDER BY ALL").fetchall(), table
        if table not in ("a_rect_days", "a_rect_months", "a_listed", "a_issue_totals"):  # kept for the whole area only, for each district only
            assert con.execute(f"SELECT sum(n) FILTER (WHERE district = '*') IS NOT DISTINCT FROM "
                               f"sum(n) FILTER (WHERE district <> '*') FROM {table}").fetchone()[0], table
    # a_issue_totals: a_issues' whole-area groups without the subcategory, the same issues
    assert con.execute("SELECT (SELECT sum(n) FROM a_issue_totals) IS NOT DISTINCT FROM "
                       "(SELECT sum(n) FROM a_issues WHERE district = '*') AND "
                       "(SELECT count(*) FROM a_issue_totals WHERE district <> '*' OR subcategory IS NOT NULL) = 0"
                       ).fetchone()[0]
    # a_rect_months: a_rect_days by month, the same issues in the same steps, the whole area's alone
    assert con.execute("SELECT round, level, category, bucket, date_trunc('month', day)::DATE, sum(n) FROM a_rect_days "
                       "GROUP BY ALL ORDER BY ALL").fetchall() == con.execute(
        "SELECT round, level, category, bucket, month, sum(n) FROM a_rect_months GROUP BY ALL ORDER BY ALL").fetchall()
    assert con.execute("SELECT count(*) FROM a_rect_months WHERE district <> '*'").fetchone()[0] == 0
    # each roster unit with its first inspection day, of any level and of each (store.UNIT_SUMMARIES),
    # by the same keys
    assert con.execute("SELECT * FROM m_roster_first ORDER BY unit_id").fetchall() == con.execute(
        "SELECT u.unit_id, u.district, u.township, u.unit_type, u.is_poverty_village, u.unit_name, "
        "(SELECT min(start_date) FROM m_inspections i WHERE i.unit_id = u.unit_id), "
        "(SELECT min(start_date) FROM m_inspections i WHERE i.unit_id = u.unit_id AND level = 'municipal'), "
        "(SELECT min(start_date) FROM m_inspections i WHERE i.unit_id = u.unit_id AND level = 'county') "
        "FROM m_units u ORDER BY unit_id").fetchall()
    # the coverage curves' months and days (store.COVER_MONTHS, COVER_DAYS) as a whole rebuild from
    # it, the whole area's rows the sum of the districts'
    name, query = store.COVER_MONTHS
    assert con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() == con.execute(
        f"SELECT * FROM ({query.format(whole=store.WHOLE_AREA)}) ORDER BY ALL").fetchall()
    assert con.execute(f"SELECT sum(n) FILTER (WHERE district = '*') IS NOT DISTINCT FROM "
                       f"sum(n) FILTER (WHERE district <> '*') FROM {name}").fetchone()[0]
    name, query = store.COVER_DAYS
    assert con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() == con.execute(
        f"SELECT * FROM ({query}) ORDER BY ALL").fetchall()
    # the whole area's inspection totals (store.INSPECTION_TOTALS) as a whole rebuild from m_inspections
    for name, query in store.INSPECTION_TOTALS.items():
        assert con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() == con.execute(
            f"SELECT * FROM ({query.format(whole=store.WHOLE_AREA)}) ORDER BY ALL").fetchall(), name
    # the heatmap's groups (store.ROUND_UNITS) as a whole rebuild from m_inspections
    # ... and the team table's (store.TEAMS, and each team's repeat visits of a unit, m_team_repeats)
    for name, _, query in store.ROUND_TABLES:
        assert con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall() == con.execute(
            f"SELECT * FROM ({query.format(where='')}) ORDER BY ALL").fetchall(), name
    _, query = store.UNIT_SUMMARIES["m_team_repeats"]
    assert con.execute("SELECT * FROM m_team_repeats ORDER BY ALL").fetchall() == con.execute(
        f"SELECT * FROM ({query.format(units='true')}) ORDER BY ALL").fetchall()


def test_tables_follow_imports_relinks_and_undo(con):
    assert_fresh(con)
    # inspections and issues before any roster: units are matched by name once the roster comes
    first = run(con, inspections_csv(), issues_csv())
    assert first.status == "imported"
    assert_fresh(con)
    roster = run(con, roster_csv())
    assert roster.status == "imported"
    assert_fresh(con)
    replacing = run(con, inspections_csv([inspection_row(发现问题数=3)]), issues_csv([ISSUE_ROWS[0]]))
    assert replacing.status == "imported" and replacing.replaced > 0
    assert_fresh(con)
    # an issue list alone: only the issue rows of its units are rewritten
    changed = [ISSUE_ROWS[0][:6] + ["整改中", "2021-08-01", ""]]
    issues_only = run(con, issues_csv(changed))
    assert issues_only.status == "imported" and issues_only.replaced > 0
    assert_fresh(con)
    # the same team at the same unit in a later round: a repeat visit (m_team_repeats), then undone
    again = run(con, inspections_csv([inspection_row(轮次="2022年第一轮", 开始日期="2022-03-15", 结束日期="2022-05-20")]))
    assert again.status == "imported"
    assert con.execute("SELECT count(*) FROM m_team_repeats").fetchone()[0] == 2
    assert_fresh(con)
    # an issue list of the later round alone: its (round, unit)'s rows are written, the unit's list
    # of the earlier round is left where it is (not rewritten)
    earlier = "SELECT rowid, * FROM {} WHERE round = '2021年第一轮' ORDER BY rowid"
    kept = {t: con.execute(earlier.format(t)).fetchall() for t in ("m_issues", "m_overdue")}
    later = run(con, issues_csv([["2022年第一轮", *ISSUE_ROWS[1][1:6], "整改中", "2022-08-01", ""]]))
    assert later.status == "imported" and later.added == 1
    assert {t: con.execute(earlier.format(t)).fetchall() for t in kept} == kept
    assert con.execute("SELECT count(*) FROM m_issues WHERE round = '2022年第一轮'").fetchone()[0] == 1
    assert_fresh(con)
    importer.undo(con, later.import_id, "admin")
    assert_fresh(con)
    importer.undo(con, again.import_id, "admin")
    assert not con.execute("SELECT count(*) FROM m_team_repeats").fetchone()[0]
    assert_fresh(con)
    importer.undo(con, replacing.import_id, "admin")
    assert_fresh(con)
    importer.undo(con, roster.import_id, "admin")
    assert_fresh(con)


def test_rejected_import_leaves_tables_alone(con):
    load_base(con)
    before = {t: con.execute(f"SELECT * FROM {t}").fetchall() for t, _ in PAIRS}
    bad = run(con, inspections_csv([inspection_row(发现问题数="很多")]))
    assert bad.status == "rejected"
    assert {t: con.execute(f"SELECT * FROM {t}").fetchall() for t, _ in PAIRS} == before


def test_store_of_an_older_release_is_brought_up_to_date(tmp_path):
    db = tmp_path / "old.duckdb"
    con = store.connect(db)
    load_base(con)
    expected = metrics.compute(con, Filters(as_of=dt.date(2030, 1, 1)))
    # what a store written before the materialised tables looks like: no tables, no record
    con.execute("DROP VIEW v_issues; DROP TABLE m_issues; DELETE FROM views_applied")
    con.close()
    con = store.connect(db)
    assert_fresh(con)
    assert metrics.compute(con, Filters(as_of=dt.date(2030, 1, 1))) == expected
    con.close()


def test_an_earlier_round_renumbers_every_row(con):
    load_base(con)
    before = dict(con.execute("SELECT round, ord FROM rounds").fetchall())
    earlier = run(con, inspections_csv([inspection_row(轮次="2019年第一轮", 开始日期="2019-03-01", 结束日期="2019-04-30")]))
    assert earlier.status == "imported"
    after = dict(con.execute("SELECT round, ord FROM rounds").fetchall())
    assert after["2019年第一轮"] == 1 and all(after[r] == o + 1 for r, o in before.items())
    assert_fresh(con)


def test_an_earlier_round_with_lists_and_a_changed_list_of_a_later_round(con):
    # the later round's whole-area groups are rewritten (merged from their groups and the changed
    # rows, or grouped again) while every round moves in the order
    load_base(con)
    result = run(con, inspections_csv([inspection_row(轮次="2019年第一轮", 开始日期="2019-03-01", 结束日期="2019-04-30",
                                                      **{"村(社区)": "李家村"})]),
                 issues_csv([["2019年第一轮", "东城区", "城关镇", "李家村", "基层党组织建设", "组织生活", "整改中",
                              "2019-08-01", ""],
                             [*ISSUE_ROWS[2][:6], "已整改", "2021-08-01", "2021-07-01"]]))
    assert result.status == "imported"
    assert con.execute("SELECT ord FROM rounds WHERE round = '2019年第一轮'").fetchone()[0] == 1
    assert_fresh(con)
    importer.undo(con, result.import_id, "admin")
    assert_fresh(con)
