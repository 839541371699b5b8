"""Issue 25 item 8: 数据截至 is the latest day the data covers (the newest inspection or rectification
date, or a 统计截至 date a ledger states in its title rows), and the as-of filter defaults to it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ISSUE_ROWS,
    ROSTER_HEADER,
    ROSTER_ROWS,
    csv_bytes,
    fresh_store,
    run,
    table,
    xlsx_bytes,
)

from inspection import cli, demo, importer, layout, store
from inspection.filters import default_as_of
from inspection.importer import InputFile

store_ = pytest.fixture(fresh_store)


@pytest.mark.parametrize(("titles", "day"), [
    ([["XX市巡察情况统计表"], ["填报单位：XX市委巡察办　　　统计截至：2026年11月15日"]], dt.date(2026, 11, 15)),
    ([["巡察情况统计表（截至2025年6月30日）"]], dt.date(2025, 6, 30)),
    ([["数据截止日期: 2024-3-5", None, "统计截至 2024/2/1"]], dt.date(2024, 3, 5)),
    ([["截至2025年10月底"]], dt.date(2025, 10, 31)),
    ([["截至2025年12月"]], dt.date(2025, 12, 31)),
    ([["XX市巡察情况统计表"], ["填报单位：XX市委巡察办"]], None),
    ([["截至2025年13月1日"]], None),
])
def test_a_stated_date_is_read_from_title_rows(titles, day):
    assert layout.stated_as_of(titles) == day


def _data_as_of(con) -> dt.date:
    return default_as_of(store.run_query(con, "data_as_of", {}))


def test_the_newest_inspection_or_rectification_date(store_):
    assert _data_as_of(store_) == dt.date.today()  # nothing dated: today
    assert run(store_, InputFile("r.csv", csv_bytes(table(ROSTER_HEADER, ROSTER_ROWS))),
               InputFile("i.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS))),
               InputFile("p.csv", csv_bytes(table(ISSUE_HEADER, ISSUE_ROWS)))).status == "imported"
    assert _data_as_of(store_) == dt.date(2021, 6, 10)  # the rectification after the inspections' end


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_title_row_states_the_date_and_an_undo_takes_it_back(store_, kind):
    titles = [["某市巡察情况统计表"], ["填报单位：某市委巡察办　　统计截至：2021年9月30日"]]
    rows = table(INSPECTION_HEADER, INSPECTION_ROWS, titles)
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes({"巡察情况": rows})
    first = run(store_, InputFile("r.csv", csv_bytes(table(ROSTER_HEADER, ROSTER_ROWS))),
                InputFile("p.csv", csv_bytes(table(ISSUE_HEADER, ISSUE_ROWS))),
                InputFile(f"i.{kind}", data))
    assert first.status == "imported", first.problems
    assert _data_as_of(store_) == dt.date(2021, 9, 30)
    files = json.loads(store_.execute("SELECT files FROM imports").fetchone()[0])
    assert [f.get("stated_as_of") for f in files] == [None, None, "2021-09-30"]
    importer.undo(store_, first.import_id, "tester")
    assert _data_as_of(store_) == dt.date.today()


def test_a_date_after_today_does_not_count(store_):
    later = dt.date.today() + dt.timedelta(days=400)
    rows = [list(INSPECTION_ROWS[0])]
    rows[0][INSPECTION_HEADER.index("结束日期")] = later.isoformat()
    titles = [[f"统计截至：{later.year}年{later.month}月{later.day}日"]]
    assert run(store_, InputFile("r.csv", csv_bytes(table(ROSTER_HEADER, ROSTER_ROWS))),
               InputFile("i.csv", csv_bytes(table(INSPECTION_HEADER, rows, titles)))).status == "imported"
    assert _data_as_of(store_) == dt.date(2021, 3, 15)


def test_the_demo_is_as_of_its_snapshot_day(demo_db, capsys):
    con = store.connect(demo_db, read_only=True)
    try:
        assert _data_as_of(con) == demo.AS_OF
    finally:
        con.close()
    assert cli.main(["metrics", "--db", str(demo_db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == demo.AS_OF.isoformat()


def test_the_as_of_filter_defaults_to_the_data_day(make_app, demo_copy):
    at = make_app(demo_copy)
    assert not at.exception and not at.error
    assert at.session_state["_filters"].as_of == demo.AS_OF
    picker = at.date_input(key="as_of")
    assert picker.value == demo.AS_OF and demo.AS_OF.isoformat() in picker.help
    under = [json.loads(c.proto.spec)["layout"]["title"]["subtitle"]["text"] for c in at.get("plotly_chart")]
    assert any(f"数据截至 {demo.AS_OF.isoformat()}" in c for c in [*under, *(c.value for c in at.caption)])
    picker.set_value(dt.date(2025, 6, 30)).run()  # a day the user chose is kept
    assert at.session_state["_filters"].as_of == dt.date(2025, 6, 30)
