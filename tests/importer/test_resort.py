"""An import appends the rows it rewrites at the end of the materialised tables (out of district
order, so a district filter reads more of them); once the rows appended since a table was last
sorted pass store.RESORT_SHARE of it, the import writes the table whole and sorted again. The
issue pre-aggregates (a_issues, a_issue_days) follow the same rule on their own. The figures are
the same either way."""

from __future__ import annotations

import duckdb
import pytest
from support.ledgers import ISSUE_ROWS, fresh_store, issues_csv, load_base, run

from inspection import importer, metrics, store
from inspection.filters import Filters

ORDER = {"m_units": ("district", "township", "unit_id"), "m_inspections": ("district", "round_ord", "unit_id"),
         "m_issues": ("district", "round_ord", "unit_id", "seq"), "m_overdue": ("district", "unit_id", "round", "seq"),
         "a_issues": ("district", "round_ord"), "a_issue_days": ("touch", "district", "round_ord"),
         "a_rect_days": ("day", "round_ord"), "a_rect_months": ("month", "round_ord"),
         "a_listed": ("district", "round_ord"),
         "a_issue_totals": ("district", "round_ord")}


@pytest.fixture
def con():
    yield from fresh_store()


def appended(con) -> dict[str, int]:
    return dict(con.execute("SELECT table_name, appended FROM derived_appends").fetchall())


def stored_in_order(con, table: str) -> bool:
    """The table's rows, in storage order, are sorted by its order columns."""
    columns = ", ".join(ORDER[table])
    rows = con.execute(f"SELECT {columns} FROM {table} ORDER BY rowid").fetchall()
    return rows == sorted(rows)


def rewrite_zhangjia(con, status: str) -> int:
    """A new version of 张家村's list (东城区, which sorts before 西城区's 王庄村). Its import id."""
    rows = [list(r) for r in ISSUE_ROWS]
    rows[1][6] = status
    result = run(con, issues_csv(rows, name=f"issues_{status}.csv"))
    assert result.status == "imported", result.problems
    return result.import_id


def test_appended_rows_are_counted_and_the_table_sorted_again_past_the_share(con, monkeypatch):
    load_base(con)
    assert appended(con) == dict.fromkeys(ORDER, 0)
    assert all(stored_in_order(con, table) for table in ORDER)
    as_sorted = metrics.compute(con, Filters())

    monkeypatch.setattr(store, "RESORT_MIN_ROWS", 10**9)  # never: the appended rows stay at the end
    rewrite_zhangjia(con, "已整改")
    assert appended(con)["m_issues"] == 2
    assert not stored_in_order(con, "m_issues")
    unsorted = metrics.compute(con, Filters())
    assert unsorted != as_sorted  # the import changed a figure ...
    store.refresh_derived(con)  # ... and a whole rebuild of the same rows gives the same figures
    assert metrics.compute(con, Filters()) == unsorted and stored_in_order(con, "m_issues")

    rewrite_zhangjia(con, "整改中")
    assert appended(con)["m_issues"] == 2 and not stored_in_order(con, "m_issues")
    monkeypatch.setattr(store, "RESORT_MIN_ROWS", 0)
    monkeypatch.setattr(store, "RESORT_SHARE", 0.9)
    rewrite_zhangjia(con, "未整改")  # 4 rows appended of 3: past 90 %
    assert appended(con)["m_issues"] == 0
    assert stored_in_order(con, "m_issues")
    # the aggregates are written whole with m_issues: sorted, their counts 0
    assert appended(con)["a_issues"] == appended(con)["a_issue_days"] == 0
    assert stored_in_order(con, "a_issues") and stored_in_order(con, "a_issue_days")
    assert metrics.compute(con, Filters()) != unsorted


def test_a_store_without_the_count_is_sorted_at_its_next_import(con):
    load_base(con)
    con.execute("DROP TABLE derived_appends")  # as a store written by an earlier release
    rewrite_zhangjia(con, "已整改")
    assert appended(con) == dict.fromkeys(ORDER, 0)
    assert all(stored_in_order(con, table) for table in ORDER)


AGGREGATES = ("a_issues", "a_issue_days")


def test_issue_aggregates_are_counted_and_sorted_again_on_their_own(con, monkeypatch):
    load_base(con)
    monkeypatch.setattr(store, "RESORT_MIN_ROWS", 10**9)  # never
    rewrite_zhangjia(con, "已整改")
    counts = appended(con)
    # 东城区's groups rewritten, with the whole area's of the round: appended after 西城区's (each
    # insert itself sorted)
    whole = {t: con.execute(f"SELECT count(*) FROM {t} WHERE district = '*'").fetchone()[0] for t in AGGREGATES}
    assert counts["a_issues"] == 2 + whole["a_issues"] and counts["a_issue_days"] == 3 + whole["a_issue_days"]
    assert not any(stored_in_order(con, table) for table in AGGREGATES)
    unsorted = metrics.compute(con, Filters())
    # an undo takes the same path: its rewritten groups are appended and counted too
    undone = rewrite_zhangjia(con, "整改中")
    before_undo = appended(con)
    assert all(before_undo[table] > counts[table] for table in AGGREGATES)
    importer.undo(con, undone, "admin")
    assert all(appended(con)[table] > before_undo[table] for table in AGGREGATES)
    assert not any(stored_in_order(con, table) for table in AGGREGATES)
    assert metrics.compute(con, Filters()) == unsorted

    # m_issues below the share (as if it had just been sorted), the aggregates past it: they alone
    # are written sorted again
    store._set_appended(con, "m_issues", 0)
    monkeypatch.setattr(store, "RESORT_MIN_ROWS", 0)
    monkeypatch.setattr(store, "RESORT_SHARE", 0.9)
    rewrite_zhangjia(con, "未整改")  # 2 issue rows of 3 appended; the aggregates' counts past their size
    counts = appended(con)
    assert counts["m_issues"] == 2 and not stored_in_order(con, "m_issues")
    assert counts["a_issues"] == 0 and counts["a_issue_days"] == 0
    assert all(stored_in_order(con, table) for table in AGGREGATES)
    resorted = metrics.compute(con, Filters())
    assert resorted != unsorted
    store.refresh_derived(con)  # a whole rebuild: the same figures, every count 0
    assert metrics.compute(con, Filters()) == resorted and appended(con) == dict.fromkeys(ORDER, 0)


def test_aggregates_without_a_count_are_sorted_at_the_next_import(con, monkeypatch):
    load_base(con)
    monkeypatch.setattr(store, "RESORT_MIN_ROWS", 10**9)
    rewrite_zhangjia(con, "已整改")
    # as a store written before the aggregates were counted: m_* counted, the aggregates not
    con.execute("DELETE FROM derived_appends WHERE table_name LIKE 'a_%'")
    rewrite_zhangjia(con, "整改中")
    counts = appended(con)
    assert counts["a_issues"] == 0 and counts["a_issue_days"] == 0 and counts["m_issues"] == 4
    assert all(stored_in_order(con, table) for table in AGGREGATES)


def test_a_whole_rebuild_writes_m_issues_and_a_issue_days_a_run_at_a_time_as_one_statement_would(con, monkeypatch):
    """A national store's whole rebuild sorts m_issues a run of districts at a time and groups
    a_issue_days' dates a run of months at a time (memory); each holds the same rows, in the same
    order, as one statement over all of them writes."""
    load_base(con)
    monkeypatch.setattr(store, "ISSUE_DAYS_RUN", 1)  # a run per month
    monkeypatch.setattr(store, "M_ISSUES_RUN", 1)  # a run per district
    for runs in (store._touch_runs(con), store._district_runs(con)):
        assert len(runs) >= 2 and runs[0][0] is None and runs[-1][1] is None
        assert all(a[1] == b[0] for a, b in zip(runs[:-1], runs[1:], strict=True))
    store.refresh_derived(con)
    for table, whole in (("a_issue_days", store.aggregate_query("a_issue_days")),
                         ("m_issues", f"{store._derived_select('live_issues')} ORDER BY {', '.join(ORDER['m_issues'])}")):
        rows = con.execute(f"SELECT * FROM {table}").fetchall()
        assert sorted(rows, key=repr) == sorted(con.execute(whole).fetchall(), key=repr), table
        assert stored_in_order(con, table), table


def test_a_rebuild_failing_between_its_runs_leaves_the_store_as_it_was(con, monkeypatch):
    """The runs of a whole rebuild share its one transaction (an upgrade's: apply_views): a failure
    after some of them were written leaves every table as it was, and the next open tries again."""
    load_base(con)
    tables = ("m_issues", "a_issues", "a_issue_days", "views_applied")
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}
    monkeypatch.setattr(store, "M_ISSUES_RUN", 1)  # m_issues written a district at a time, then ...
    monkeypatch.setattr(store, "_touch_runs", lambda con: [(None, "2000-01-01"), ("no such day", None)])
    con.execute("DELETE FROM views_applied")  # ... as a store of an earlier release is upgraded
    with pytest.raises(duckdb.Error, match="no such day"):  # ... a_issue_days' second run fails
        store.apply_views(con)
    assert {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables} == dict(before, views_applied=[])
    assert stored_in_order(con, "m_issues")
