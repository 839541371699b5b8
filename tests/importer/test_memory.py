"""INSPECTION_MEMORY_LIMIT is the memory DuckDB may use in every store connection, the import's
included; beyond it a large import and the rebuild of the materialised tables spill to disk (a
folder beside the store file) instead of failing, and every figure is the same."""

from __future__ import annotations

import duckdb
import pytest
from support.ledgers import INSPECTION_HEADER, ISSUE_HEADER, ROSTER_HEADER, csv_bytes, table

from inspection import importer, metrics, store
from inspection.filters import Filters
from inspection.importer import InputFile


def limit_as_duckdb_shows(text: str) -> str:
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{text}'")
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


@pytest.mark.parametrize("limit", ["256MB", "1GB", "1.5GiB"])
def test_the_store_connection_uses_the_setting(tmp_path, monkeypatch, limit):
    monkeypatch.setenv("INSPECTION_MEMORY_LIMIT", limit)
    con = store.connect(tmp_path / "s.duckdb")
    try:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == limit_as_duckdb_shows(limit)
        # the import and the refresh run on cursors of this connection: the same database, the same limit
        assert con.cursor().execute("SELECT current_setting('memory_limit')").fetchone()[0] == \
            limit_as_duckdb_shows(limit)
    finally:
        con.close()


def ledgers(units: int, per_unit: int) -> list[InputFile]:
    roster, inspections, issues = [], [], []
    for u in range(units):
        district, township, name = f"第{u % 7}区", f"第{u % 31}镇", f"新{u}村"
        roster.append([district, township, name, "村", "是" if u % 4 == 0 else "否", "否"])
        inspections.append(["2022年第一轮", "市级", f"第{u % 4}组", "常规", "2022-03-01", "2022-05-15",
                            district, township, name, per_unit, 1, 0, 1])
        issues.extend(["2022年第一轮", district, township, name, f"类别{(u + k) % 4}", f"子类{k % 3}",
                       ("已整改", "整改中", "未整改")[k % 3], "2022-08-01", "2022-07-01" if k % 3 == 0 else ""]
                      for k in range(per_unit))
    return [InputFile("roster.csv", csv_bytes(table(ROSTER_HEADER, roster))),
            InputFile("inspections.csv", csv_bytes(table(INSPECTION_HEADER, inspections))),
            InputFile("issues.csv", csv_bytes(table(ISSUE_HEADER, issues)))]


def test_a_large_import_under_a_low_limit_spills_and_gives_the_same_figures(tmp_path, monkeypatch):
    files = ledgers(1_000, 40)  # 40k issue rows: more than DuckDB may hold in 64 MB with its TEMP tables (from ~20k on, it spilled on 2 cores; 60k cost half as much again)
    figures = {}
    for limit in ("64MB", "2GB"):
        monkeypatch.setenv("INSPECTION_MEMORY_LIMIT", limit)
        path = tmp_path / f"{limit}.duckdb"
        con = store.connect(path)
        try:
            result = importer.import_files(con, files, "tester")
            assert result.status == "imported", result.problems[:3]
            assert result.added == 1_000 + 1_000 + 40_000
            store.refresh_derived(con)  # the whole rebuild (sorted) too
            if limit == "64MB":
                assert (tmp_path / f"{limit}.duckdb.tmp").is_dir()  # it spilled, beside the store
            figures[limit] = metrics.compute(con, Filters())
        finally:
            con.close()
    assert figures["64MB"] == figures["2GB"]
