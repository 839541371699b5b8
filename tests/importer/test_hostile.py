"""Hostile uploads: each is refused with a clear message or stored as plain text; nothing crashes,
nothing else changes, and hostile filter values never change a query beyond the filter they name."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from hostile import make_corpus, reliability
from support.ledgers import base_files, dump, run

from inspection import contract, importer, readers, store
from inspection.filters import Filters
from inspection.importer import InputFile

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def loaded_file_store(tmp_path):
    db = tmp_path / "store.duckdb"
    con = store.connect(db)
    assert run(con, *base_files()).status == "imported"
    yield con
    con.close()


def _refused(con, name: str, data: bytes) -> str:
    before = dump(con)
    result = importer.import_files(con, [InputFile(name, data)], "tester")
    assert result.status == "rejected", (name, result.status)
    assert dump(con) == before, f"{name} changed the store"
    message = " ".join(p.reason for p in result.problems)
    assert message and HAN.search(message), f"{name}: no clear Chinese message: {message!r}"
    assert "Traceback" not in message
    return message


SMALL_REFUSED = {
    "truncated.xlsx": "损坏",
    "binary_data.csv": "二进制",
    "excel_named.csv": "Excel",
    "mixed_encodings.csv": "编码",
    "sparse_range.xlsx": "列数",
}


@pytest.mark.parametrize("name", sorted(SMALL_REFUSED))
def test_small_hostile_files_in_git_are_refused_clearly(loaded_file_store, name):
    data = (make_corpus.HERE / name).read_bytes()
    message = _refused(loaded_file_store, name, data)
    assert SMALL_REFUSED[name] in message, message
    reliability.record("files_refused", name, message)


def test_corpus_in_git_matches_its_generator():
    for name, make in make_corpus.SMALL.items():
        kept = (make_corpus.HERE / name).read_bytes()
        if kept.startswith(b"PK"):
            continue  # zip files embed timestamps
        assert kept == make(), name
    for name in make_corpus.SMALL:
        assert (make_corpus.HERE / name).stat().st_size < 200 * 1024


LARGE_REFUSED = {
    "zip_bomb.xlsx": "压缩炸弹",
    "lying_zip_bomb.xlsx": "损坏",
    "wide_10000_columns.csv": "列数",
    "wide_10000_columns.xlsx": "列数",
    "one_mb_cell.csv": "过长",
    "one_mb_cell.xlsx": "过长",
}


@pytest.mark.parametrize("name", sorted(LARGE_REFUSED))
def test_large_hostile_files_are_refused_before_parsing(loaded_file_store, tmp_path, name):
    path = make_corpus.LARGE[name](tmp_path / name)
    message = _refused(loaded_file_store, name, path.read_bytes())
    assert LARGE_REFUSED[name] in message, message
    reliability.record("files_refused", name, message)


def test_zip_bomb_is_refused_by_the_reader_without_inflating_it_in_memory(tmp_path):
    import tracemalloc

    data = make_corpus.make_zip_bomb(tmp_path / "bomb.xlsx").read_bytes()
    tracemalloc.start()
    with pytest.raises(readers.ReadError, match="压缩炸弹"):
        readers.read_file("bomb.xlsx", data)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_upload_size_limit_is_checked_first():
    limits = readers.Limits(max_bytes=1000)
    with pytest.raises(readers.ReadError, match="超过上限"):
        readers.read_file("big.csv", b"a,b\n" * 1000, limits)


@pytest.mark.parametrize("name", ["hostile_names.csv", "hostile_names.xlsx"])
def test_hostile_names_are_stored_verbatim_as_plain_text(loaded_file_store, name):
    con = loaded_file_store
    before = {t: rows for t, rows in dump(con).items() if t in ("inspections", "issues")}
    data = (make_corpus.HERE / name).read_bytes()
    result = importer.import_files(con, [InputFile(name, data)], "tester")
    assert result.status == "imported", result.problems
    # nothing outside the new roster rows changed; every table still exists
    after = dump(con)
    assert {t: after[t] for t in before} == before
    stored = {r[0] for r in con.execute("SELECT unit_name FROM roster").fetchall()}
    for raw in make_corpus.HOSTILE_NAMES:
        assert contract.normalise_name(raw) in stored, raw
    assert "<script>alert(1)</script>" in stored and "=cmd|'/Ccalc'!A0" in stored
    districts = {r[0] for r in con.execute("SELECT district FROM roster").fetchall()}
    assert "<b>区</b>" in districts
    # queries still work, with the hostile district as a filter value too
    for district in ("<b>区</b>", "敌意区"):
        frame = store.run_query(con, "headline_totals", Filters(districts=(district,)).params())
        assert len(frame) == 1
    for query in store.query_names():
        if store.query_params(query) <= Filters().params().keys():
            store.run_query(con, query, Filters().params())
    reliability.record("stored_as_text", name, len(make_corpus.HOSTILE_NAMES) + 1)


# ---------------------------------------------------------------- filters from the URL


HOSTILE_VALUES = [
    "'; DROP TABLE roster; --",
    "' OR '1'='1",
    "\" OR 1=1 --",
    "%",
    "_",
    "*",
    "$districts",
    "<script>alert(1)</script>",
    "=cmd|' /C calc'!A0",
    "东城区' OR district IS NOT NULL --",
    "\x00",
]


def _filter_queries() -> list[str]:
    keys = Filters().params().keys()
    return [q for q in store.query_names() if store.query_params(q) <= keys]


@pytest.fixture(scope="module")
def demo_read(demo_db):
    con = store.connect(demo_db, read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("field", ["districts", "townships", "unit_types", "rounds", "modes", "categories"])
def test_hostile_filter_values_match_nothing_and_never_error(demo_read, field):
    con = demo_read
    as_of = dt.date(2024, 6, 30)
    nothing = Filters(as_of=as_of, **{field: ("没有这个值",)}).params()
    hostile = Filters(as_of=as_of, **{field: tuple(HOSTILE_VALUES)}).params()
    tables_before = con.execute("SELECT count(*) FROM roster").fetchone()
    checked = 0
    for query in _filter_queries():
        expected = store.run_query(con, query, nothing)
        got = store.run_query(con, query, hostile)
        # equal up to the last bits of a double: DuckDB sums doubles in parallel, in no fixed order
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, obj=f"{query} [{field}]")
        checked += 1
    assert con.execute("SELECT count(*) FROM roster").fetchone() == tables_before
    reliability.record("hostile_filters", field, {"queries": checked, "values": len(HOSTILE_VALUES)})


def test_a_huge_filter_list_narrows_exactly_like_its_real_members(demo_read):
    con = demo_read
    real = con.execute("SELECT min(district) FROM v_units").fetchone()[0]
    as_of = dt.date(2024, 6, 30)
    junk = tuple(f"区{i}'; --" for i in range(5_000))
    exact = Filters(districts=(real,), as_of=as_of).params()
    huge = Filters(districts=junk + (real,) + tuple(HOSTILE_VALUES), as_of=as_of).params()
    # the drill-down grain comes from how many districts are chosen (many: by district); compare the
    # rows at the same grain
    exact["grain"] = huge["grain"]
    for query in _filter_queries():
        assert store.run_query(con, query, huge).equals(store.run_query(con, query, exact)), query
    reliability.record("hostile_filters", "huge_list", len(junk))


def test_wrongly_typed_filter_values_are_refused_as_query_errors_not_crashes(demo_read):
    params = Filters().params() | {"year_from": "2021; DROP TABLE roster", "as_of": "not a date"}
    for query in _filter_queries():
        if store.query_params(query) & {"year_from", "as_of"}:
            with pytest.raises(store.QueryError):
                store.run_query(demo_read, query, params)
