"""Property-based: random cells, headers and bytes thrown at the importer. It never raises anything
(its answer is its own problem list), and it never half-writes: a rejected import leaves the store as
it was, and an accepted one is undone exactly."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ISSUE_ROWS,
    ROSTER_HEADER,
    ROSTER_ROWS,
    InputFile,
    csv_bytes,
    dump,
    fresh_store,
    load_base,
    run,
    table,
    xlsx_bytes,
)

from inspection import cells, contract, importer

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])

# the two that import a whole ledger per example (~0.7-1.2 s each, the suite's largest share outside
# the system tests): fewer examples, the same strategies
HEAVY = settings(SETTINGS, max_examples=35)

INTERESTING = [
    "", " ", "\u3000", "\n", "合计", "小计", "注：", "-1", "－1", "1.5", "１２", "1,234", "1，234", "0", "007",
    "2020-02-30", "2020-03-15", "2020年3月", "2020年3月15日", "20200315", "43905", "2020.3.15", "1900-01-01",
    "市级", "县委", "省级", "提级", "点穴式巡察", "回头看", "已整改", "推进中", "部分整改", "是", "√", "×",
    "张家村", "张家村党支部", "东城区", "城关镇", "王庄村", "2021年第一轮", "=SUM(A1:A9)", "+1", "@x", "NaN",
    "inf", "1e9", "99999999999999999999999", "None", "null", "村", "village", "\ufeff轮次", "发现问题数(个)",
]
# text that openpyxl can write (no control characters) and every codec used here can encode (UTF-8
# and GB18030 encode every code point but the surrogates, Cs). The same characters as with
# codec="utf-8", without hypothesis working out that codec's characters (~5 s of CPU, once per process
# without a .hypothesis folder: every run from a fresh clone)
PRINTABLE = st.characters(exclude_categories=("Cc", "Cs", "Co", "Cn"))
TEXT = st.text(alphabet=PRINTABLE, max_size=12)
CELL = st.one_of(
    st.none(),
    st.sampled_from(INTERESTING),
    TEXT,
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)),
)
ALL_SYNONYMS = sorted({h for t in contract.TABLES for f in t.fields for h in f.headers})
HEADER = st.one_of(st.sampled_from(ALL_SYNONYMS), st.sampled_from(INTERESTING), TEXT, st.none())


def encode(name: str, rows: list[list[object]], kind: str) -> InputFile:
    if kind == "xlsx":
        return InputFile(f"{name}.xlsx", xlsx_bytes({name: rows}))
    flat = [["" if c is None else c for c in r] for r in rows]
    return InputFile(f"{name}.csv", csv_bytes(flat, "gb18030" if kind == "gbk" else "utf-8-sig"))


@pytest.fixture(scope="module")
def store():
    gen = fresh_store()
    con = next(gen)
    load_base(con)
    yield con
    con.close()


def check(con, files: list[InputFile]) -> importer.ImportResult:
    """Import; whatever happens the store is either unchanged or exactly restored by undo."""
    before = dump(con)
    result = run(con, *files)  # must not raise
    assert result.status in ("imported", "unchanged", "rejected")
    if result.status == "rejected":
        assert result.problems
        for p in result.problems:
            assert p.reason and p.file
        assert dump(con) == before
    elif result.status == "unchanged":
        assert dump(con) == before
    else:
        assert not result.problems and result.import_id
        importer.undo(con, result.import_id, "hypothesis")
        after = dump(con)
        for name in ("roster", "inspections", "issues", "rounds"):
            assert after[name] == before[name], name
    return result


@HEAVY
@given(data=st.data(), kind=st.sampled_from(["csv", "gbk", "xlsx"]))
def test_random_cells_in_real_ledgers(store, data, kind):
    which = data.draw(st.sampled_from(["inspections", "issues", "roster"]))
    header, rows = {"inspections": (INSPECTION_HEADER, INSPECTION_ROWS), "issues": (ISSUE_HEADER, ISSUE_ROWS),
                    "roster": (ROSTER_HEADER, ROSTER_ROWS)}[which]
    rows = [list(r) for r in rows]
    for _ in range(data.draw(st.integers(1, 4))):
        r = data.draw(st.integers(0, len(rows) - 1))
        c = data.draw(st.integers(0, len(header) - 1))
        rows[r][c] = data.draw(CELL)
    if data.draw(st.booleans()):
        rows.append([data.draw(CELL) for _ in header])
    check(store, [encode(which, table(header, rows), kind)])


TYPED_COLUMNS = ["发现问题数", "移交问题线索数", "党纪政务处分人数", "已整改数", "开始日期", "结束日期", "巡察层级",
                 "巡察方式", "村(社区)", "轮次"]


@HEAVY
@given(data=st.data(), kind=st.sampled_from(["csv", "xlsx"]))
def test_random_values_in_typed_columns(store, data, kind):
    """A valid ledger with random values in the columns that are converted (counts, dates, vocabularies)."""
    rows = [list(r) for r in INSPECTION_ROWS]
    column = INSPECTION_HEADER.index(data.draw(st.sampled_from(TYPED_COLUMNS)))
    rows[data.draw(st.integers(0, len(rows) - 1))][column] = data.draw(st.one_of(
        CELL, st.integers(min_value=0, max_value=10**30), st.floats(min_value=0, max_value=1e300),
        st.integers(min_value=0, max_value=10**30).map(str)))
    check(store, [encode("typed", table(INSPECTION_HEADER, rows), kind)])


@SETTINGS
@given(data=st.data(), kind=st.sampled_from(["csv", "xlsx"]))
def test_random_headers_and_rows(store, data, kind):
    width = data.draw(st.integers(1, 10))
    header = data.draw(st.lists(HEADER, min_size=width, max_size=width))
    titles = data.draw(st.lists(st.lists(CELL, max_size=3), max_size=3))
    rows = data.draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=6))
    check(store, [encode("random", titles + [header] + rows, kind)])


@SETTINGS
@given(data=st.data())
def test_random_cells_across_files_in_one_import(store, data):
    """Several files at once, one of them spoiled: the whole import is one unit."""
    files = []
    for name, header, rows in (("r", ROSTER_HEADER, ROSTER_ROWS), ("i", INSPECTION_HEADER, INSPECTION_ROWS),
                               ("s", ISSUE_HEADER, ISSUE_ROWS)):
        rows = [list(r) for r in rows]
        if data.draw(st.booleans()):
            rows[data.draw(st.integers(0, len(rows) - 1))][data.draw(st.integers(0, len(header) - 1))] = \
                data.draw(CELL)
        files.append(encode(name, table(header, rows), data.draw(st.sampled_from(["csv", "xlsx"]))))
    check(store, data.draw(st.permutations(files)))


@SETTINGS
@given(blob=st.binary(max_size=400), name=st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.txt", "x.ods"]))
def test_random_bytes(store, blob, name):
    result = check(store, [InputFile(name, blob)])
    assert result.status == "rejected"


@SETTINGS
@given(kind=st.sampled_from(sorted(cells.CONVERTERS)),
       value=st.one_of(CELL, st.floats(), st.booleans(), st.datetimes(), st.text(max_size=20)))
def test_converters_raise_only_cell_errors(kind, value):
    try:
        converted = cells.CONVERTERS[kind](value)
    except cells.CellError as exc:
        assert exc.reason
        return
    if kind == "count" and converted is not None:
        assert isinstance(converted, int) and converted >= 0
    if kind == "money" and converted is not None:
        assert converted >= 0 and math.isfinite(converted)
    if kind == "date" and converted is not None:
        assert cells.MIN_DATE <= converted <= cells.MAX_DATE
