"""The coverage figures read each roster unit with its first inspection from m_roster_first (kept by
the import and undo) instead of scanning the inspections when no inspection filter but the level applies, and compute the city
curve and the plan's target day without per-unit window functions (issue 22 items 1 and 2); the
districts' curves and the heatmap read pre-aggregates by district (a_cover_months, a_round_units). Every
figure they give equals the detail path's, the files and macros of the release before them
(tests/queries/detail/), over many filter sets at every grain of the drill-down, after imports, a
superseding re-import and an undo; a store of that release opened read-only gives the same figures."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    ROSTER_ROWS,
    inspection_row,
    inspections_csv,
    issues_csv,
    memory_store,
    roster_csv,
    run,
)

from inspection import importer, store
from inspection.filters import Filters, listing

DETAIL = Path(__file__).resolve().parent / "detail"
# the query files whose figures moved to the fast paths, each compared with its detail version
MOVED = sorted(p.stem for p in DETAIL.glob("*.sql") if not p.stem.startswith("_"))
# files whose text did not change but whose macros or views did (tests/queries/detail/_macros.sql)
# (results_by_level and results_by_level_like moved to level_results / level_results_like: their
# files of the release before are frozen in tests/queries/detail/)
SAME_TEXT = ["coverage_by_district_month"]


def detail_macros(temp: bool) -> str:
    sql = (DETAIL / "_macros.sql").read_text(encoding="utf-8")
    if temp:
        sql = sql.replace("CREATE OR REPLACE MACRO", "CREATE OR REPLACE TEMP MACRO")
        sql = sql.replace("CREATE OR REPLACE VIEW", "CREATE OR REPLACE TEMP VIEW")
    return sql


def detail_sql(name: str) -> str:
    path = DETAIL / f"{name}.sql"
    return (path if path.is_file() else store.QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def frames_equal(name: str, ours: pd.DataFrame, theirs: pd.DataFrame, params: dict) -> None:
    # integers and dates exactly; shares to float noise (sums in another order)
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), theirs.reset_index(drop=True),
                                  check_exact=False, rtol=1e-12, atol=1e-12, obj=f"{name} {params}")


def check(con, sets: list[dict]) -> int:
    """Every moved figure over `sets`: run_query (the store's macros, on a cursor) against the detail
    path (the detail macros as TEMP macros of `con` itself, which cursors do not see)."""
    con.execute(detail_macros(temp=True))
    compared = 0
    try:
        for params in sets:
            for name in MOVED + SAME_TEXT:
                p = listing(name, params, whole=True) if name == "uncovered_units" else params
                ours = store.run_query(con, name, p)
                theirs = con.execute(detail_sql(name), {k: store._bindable(p[k])
                                                       for k in store.query_params(name)}).df()
                frames_equal(name, ours, theirs, p)
                compared += 1
    finally:
        for macro in re.findall(r"MACRO (\w+)\(", detail_macros(temp=True)):
            con.execute(f"DROP MACRO TABLE IF EXISTS temp.{macro}")
        for view in re.findall(r"VIEW (\w+) AS", detail_macros(temp=True)):
            con.execute(f"DROP VIEW IF EXISTS temp.{view}")
    # the summary table holds exactly what it summarises
    kept = con.execute("SELECT * FROM m_roster_first ORDER BY unit_id").fetchall()
    assert kept == con.execute(store.UNIT_SUMMARIES["m_roster_first"][1].format(units="true")
                               + " ORDER BY unit_id").fetchall()
    return compared


def filter_sets(con, rng: random.Random, n: int) -> list[dict]:
    """`n` random filter sets, plus the drill-down's grains (by district, one district by township,
    one township by unit) at days around the data: before any, month starts and ends, mid-month."""
    places = con.execute("SELECT DISTINCT district, township FROM v_units ORDER BY 1, 2").fetchall()
    districts = sorted({d for d, _ in places})
    rounds = [r[0] for r in con.execute("SELECT round FROM rounds ORDER BY ord").fetchall()]
    years = [r[0] for r in con.execute("SELECT DISTINCT year FROM v_inspections ORDER BY 1").fetchall()]
    modes = [r[0] for r in con.execute("SELECT DISTINCT mode FROM v_inspections WHERE mode IS NOT NULL").fetchall()]
    types = [r[0] for r in con.execute("SELECT DISTINCT unit_type FROM v_units WHERE unit_type IS NOT NULL").fetchall()]
    first, last = con.execute("SELECT min(start_date), max(start_date) FROM v_inspections").fetchone()
    days = [first - dt.timedelta(days=400), first - dt.timedelta(days=1), first, last, last + dt.timedelta(days=30)]
    month = dt.date(first.year, first.month, 1)
    while month <= last:
        days += [month, month - dt.timedelta(days=1), month + dt.timedelta(days=14)]
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)

    def some(options: list, p_none: float, most: int = 2) -> tuple:
        if not options or rng.random() < p_none:
            return ()
        return tuple(sorted(rng.sample(options, rng.randint(1, min(most, len(options))))))

    sets = []
    for i in range(n):
        d, t = rng.choice(places)
        place = [dict(), dict(districts=(d,)), dict(districts=(d,), townships=(f"{d}/{t}",)),
                 dict(townships=(f"{d}/{t}",)), dict(districts=some(districts, 0.0, 3))][i % 5]
        year_from = rng.choice([None, None, *years])
        inspection = rng.choice([dict(), dict(), dict(rounds=some(rounds, 0.0)), dict(levels=some(["municipal", "county"], 0.0)),
                                 dict(modes=some(modes, 0.0)), dict(year_from=year_from),
                                 dict(year_to=rng.choice(years)), dict(year_from=year_from, year_to=year_from)])
        sets.append(Filters(**place, **inspection, unit_types=some(types, 0.7, 1), poverty_only=rng.random() < 0.15,
                            as_of=rng.choice(days)).params())
    return sets


@pytest.fixture
def demo(demo_db, tmp_path) -> Path:
    target = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, target)
    return target


LEVELS = {"municipal": "市级", "county": "县级"}


def ledger_row(row: tuple, **changes) -> list[object]:
    """An inspection of the store (round, level, team, mode, start, end, district, township, unit,
    figures) as a ledger row, some columns changed."""
    out = [row[0], LEVELS[row[1]], *row[2:]]
    for header, value in changes.items():
        out[INSPECTION_HEADER.index(header)] = value
    return out


def first_date(con, district: str, township: str, unit: str) -> dt.date | None:
    found = con.execute("SELECT first_date FROM m_roster_first "
                        "WHERE district = ? AND township = ? AND unit_name = ?",
                        [district, township, unit]).fetchall()
    assert len(found) <= 1
    return found[0][0] if found else None


def test_the_fast_paths_give_the_detail_figures_after_a_reimport_and_an_undo(demo):
    con = store.connect(demo)
    rng = random.Random(22)
    assert check(con, filter_sets(con, rng, 10)) > 0
    # the districts' curves of every inspection read the months' pre-aggregate, not the units
    default = Filters(as_of=dt.date(2026, 11, 15)).params()
    plan = con.execute("EXPLAIN (FORMAT json) " + store.load_sql("coverage_by_district_month"),
                       {k: store._bindable(default[k]) for k in store.query_params("coverage_by_district_month")})
    assert "a_cover_months" in str(plan.fetchall())
    plan = con.execute("EXPLAIN (FORMAT json) " + store.load_sql("units_by_district_round"),
                       {k: store._bindable(default[k]) for k in store.query_params("units_by_district_round")})
    assert "a_round_units" in str(plan.fetchall())
    columns = ("round, level, team, mode, start_date, end_date, district, township, unit_name, "
               "issues_found, clues, disciplined, rectified")
    # a covered unit's first inspection, and a unit never inspected
    covered = con.execute(f"SELECT {columns} FROM m_inspections i JOIN (SELECT unit_id, first_date FROM m_roster_first) f "
                          "USING (unit_id) "
                          "WHERE i.start_date = f.first_date ORDER BY start_date DESC, unit_name LIMIT 1").fetchone()
    fresh = con.execute("SELECT district, township, unit_name FROM m_roster_first WHERE first_date IS NULL "
                        "ORDER BY unit_name LIMIT 1").fetchone()
    earlier = covered[4] - dt.timedelta(days=45)  # into an earlier month
    later = covered[4] + dt.timedelta(days=3)
    rows = [ledger_row(covered, 开始日期=str(earlier), 结束日期=str(covered[5])),
            ledger_row(covered[:6] + fresh + covered[9:], 开始日期=str(later), 结束日期=str(covered[5]))]
    before = first_date(con, *covered[6:9])
    again = run(con, inspections_csv(rows, name="again.csv"))
    assert again.status == "imported" and again.replaced > 0, again.problems
    assert first_date(con, *covered[6:9]) == earlier and first_date(con, *fresh) == later
    around = [Filters(as_of=day).params() for day in (earlier, later, earlier - dt.timedelta(days=1))]
    around += [Filters(districts=(covered[6],), as_of=day).params() for day in (earlier, later, before)]
    check(con, filter_sets(con, rng, 5) + around)
    importer.undo(con, again.import_id, "admin")
    assert first_date(con, *covered[6:9]) == before and first_date(con, *fresh) is None
    check(con, filter_sets(con, rng, 5) + around)
    con.close()


def test_units_inspected_before_the_roster_and_linked_by_it():
    con = memory_store()
    # inspections of units no roster holds yet: no roster unit is covered, their districts join the plan
    assert run(con, inspections_csv()).status == "imported"
    assert con.execute("SELECT count(*) FROM m_roster_first").fetchone()[0] == 0
    days = (dt.date(2021, 3, 14), dt.date(2021, 3, 15), dt.date(2021, 3, 31))
    sets = [Filters(as_of=day).params() for day in days]
    sets += [Filters(districts=("东城区",), as_of=days[1]).params(), Filters(levels=("county",), as_of=days[2]).params(),
             Filters(districts=("东城区",), townships=("东城区/城关镇",), as_of=days[2]).params()]
    check(con, sets)
    # a roster of one district links its units; the other district's inspection stays outside it
    assert run(con, roster_csv(ROSTER_ROWS[:3])).status == "imported"
    assert con.execute("SELECT count(*) FROM m_inspections WHERE NOT in_roster").fetchone()[0] == 1
    check(con, sets[3:])
    # the whole roster links them all; then issues
    assert run(con, roster_csv()).status == "imported"
    assert run(con, issues_csv()).status == "imported"
    check(con, sets + [Filters(poverty_only=True, as_of=days[-1]).params(),
                       Filters(unit_types=("社区",), as_of=dt.date(2022, 1, 1)).params()])
    # a re-import moves a first inspection into another month, and an undo moves it back
    again = run(con, inspections_csv([inspection_row(开始日期="2021-02-27")]))
    assert again.status == "imported" and again.replaced > 0
    assert first_date(con, "东城区", "城关镇", "张家村") == dt.date(2021, 2, 27)
    check(con, sets[:3])
    importer.undo(con, again.import_id, "admin")
    assert first_date(con, "东城区", "城关镇", "张家村") == dt.date(2021, 3, 15)
    check(con, sets[:3])
    con.close()


def test_a_store_of_the_earlier_release_gives_the_same_figures_read_only(demo):
    con = store.connect(demo)
    sets = filter_sets(con, random.Random(5), 6)
    names = MOVED + SAME_TEXT
    expected = [[store.run_query(con, n, listing(n, p) if n == "uncovered_units" else p) for n in names] for p in sets]
    # as that release left it: its macros, its m_unit_first for our m_roster_first, its views' record
    con.execute(detail_macros(temp=False))
    con.execute("DROP TABLE m_roster_first")
    con.execute("CREATE TABLE m_unit_first AS SELECT unit_id, min(start_date) AS first_date FROM m_inspections "
                "GROUP BY unit_id")
    con.execute("UPDATE views_applied SET sha256 = 'an earlier release'")
    con.close()

    def same(con) -> None:
        for params, frames in zip(sets, expected, strict=True):
            for name, frame in zip(names, frames, strict=True):
                p = listing(name, params) if name == "uncovered_units" else params
                frames_equal(name, store.run_query(con, name, p), frame, p)

    reader = store.connect(demo, read_only=True)  # a dashboard on a lake, a command: no migration
    same(reader)
    reader.close()
    writer = store.connect(demo)  # a writable open brings the store up to date: the table is back
    assert writer.execute("SELECT count(*) FROM m_roster_first").fetchone()[0] > 0
    assert not writer.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'm_unit_first'").fetchone()[0]
    same(writer)
    writer.close()
