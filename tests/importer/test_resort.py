"""An import appends the rows it rewrites at the end of the materialised tables (out of district
order, so a district filter reads more of them); once the rows appended since a table was last
sorted pass store.RESORT_SHARE of it, the import writes the table whole and sorted again. The
figures are the same either way."""

from __future__ import annotations

import pytest
from support.ledgers import ISSUE_ROWS, fresh_store, issues_csv, load_base, run

from inspection import metrics, store
from inspection.filters import Filters

ORDER = {"m_units": ("district", "township", "unit_id"), "m_inspections": ("district", "round_ord", "unit_id"),
         "m_issues": ("district", "round_ord", "unit_id", "seq")}


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


def rewrite_zhangjia(con, status: str) -> None:
    """A new version of 张家村's list (东城区, which sorts before 西城区's 王庄村)."""
    rows = [list(r) for r in ISSUE_ROWS]
    rows[1][6] = status
    result = run(con, issues_csv(rows, name=f"issues_{status}.csv"))
    assert result.status == "imported", result.problems


def test_appended_rows_are_counted_and_the_table_sorted_again_past_the_share(con, monkeypatch):
    load_base(con)
    assert appended(con) == {"m_units": 0, "m_inspections": 0, "m_issues": 0}
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
    assert metrics.compute(con, Filters()) != unsorted


def test_a_store_without_the_count_is_sorted_at_its_next_import(con):
    load_base(con)
    con.execute("DROP TABLE derived_appends")  # as a store written by an earlier release
    rewrite_zhangjia(con, "已整改")
    assert appended(con) == {"m_units": 0, "m_inspections": 0, "m_issues": 0}
    assert all(stored_in_order(con, table) for table in ORDER)
