"""Import performance: 100,000 issue rows (plus their roster and inspections) as CSV and as .xlsx.

    .venv/bin/python bench/import_bench.py [--issues 100000] [--formats csv,xlsx] [--profile] [--python-path]

Prints the seconds of `import_files` for each format (wall, and CPU of the process: DuckDB's
threads included), for the issue list alone (roster and inspections already loaded) and for all
three files in one import. Targets on a 2-core machine: CSV < 3 s, xlsx < 10 s for the issue
list; 1M issue rows from CSV < 15 s (`--issues 1000000 --formats csv`). Large CSVs go through the
vectorised DuckDB path (inspection/importer/parse_csv.py); `--python-path` forces the row-by-row path for
comparison. The upload size limit is raised so a 1M-row file is accepted. Not a test: numbers
vary with the machine and its load (printed).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from inspection import importer, readers, store  # noqa: E402
from inspection.importer import InputFile  # noqa: E402

ROSTER_HEADER = ["县区", "乡镇街道", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]
INSPECTION_HEADER = ["轮次", "巡察层级", "巡察组", "巡察方式", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)",
                     "发现问题数", "移交问题线索数", "党纪政务处分人数", "已整改数"]
ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "二级类别", "问题描述", "整改状态", "整改时限",
                "整改完成时间"]
CATEGORIES = [("群众身边腐败问题", "集体三资管理"), ("基层党组织建设", "组织生活"), ("落实决策部署", "乡村振兴"),
              ("作风问题", "形式主义"), ("巡察整改", "整改不力"), ("选人用人", "村干部选任")]
STATUSES = ["已整改", "整改中", "未整改", "已销号"]


def ledgers(n_issues: int, per_unit: int = 10) -> dict[str, tuple[list[str], list[list[object]]]]:
    units = n_issues // per_unit
    roster, inspections, issues = [], [], []
    for u in range(units):
        district, township, name = f"第{u % 8}区", f"第{u // 50}镇", f"新{u}村"
        roster.append([district, township, name, "村", "是" if u % 7 == 0 else "否", "否"])
        month = 3 + u % 6
        inspections.append(["2022年第一轮", "市级" if u % 9 == 0 else "县级", f"第{u % 12}组", "常规",
                            f"2022-{month:02d}-01", f"2022-{month + 2:02d}-15", district, township, name,
                            per_unit, u % 3, u % 2, per_unit // 2])
        for k in range(per_unit):
            category, sub = CATEGORIES[(u + k) % len(CATEGORIES)]
            status = STATUSES[(u * 7 + k) % len(STATUSES)]
            done = f"2022/{month + 3}/{1 + k}" if status in ("已整改", "已销号") else ""
            issues.append(["2022年第一轮", district, township, name, category, sub, f"问题描述{k}", status,
                           f"2022年{month + 4}月{10 + k}日", done])
    return {"roster": (ROSTER_HEADER, roster), "inspections": (INSPECTION_HEADER, inspections),
            "issues": (ISSUE_HEADER, issues)}


def as_csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(["XX市巡察情况统计表"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LIMITS = readers.Limits(max_bytes=512 * 1024 * 1024)  # a 1M-row issue list is ~100-170 MB


def timed_import(db: Path, files: list[InputFile], profile: bool) -> tuple[float, importer.ImportResult]:
    con = store.connect(db)
    try:
        profiler = cProfile.Profile() if profile else None
        started, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = importer.import_files(con, files, "bench", store.originals_dir(db), LIMITS)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
        timed_import.cpu = time.process_time() - cpu
    finally:
        con.close()
    if profiler:
        stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
        stats.print_stats(25)
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--python-path", action="store_true", help="no vectorised CSV path (row by row)")
    args = parser.parse_args()
    if args.python_path:
        readers.FAST_CSV_MIN_BYTES = 1 << 62
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} on {os.cpu_count()} CPUs")

    data = ledgers(args.issues)
    encoders = {"csv": (as_csv, ".csv"), "xlsx": (as_xlsx, ".xlsx")}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            encode, suffix = encoders[fmt]
            started = time.perf_counter()
            files = {name: InputFile(name + suffix, encode(*table)) for name, table in data.items()}
            written = time.perf_counter() - started
            size = len(files["issues"].data) / 1024 / 1024

            db = Path(tmp) / fmt / "issues_only.duckdb"
            base, result = timed_import(db, [files["roster"], files["inspections"]], False)
            assert result.status == "imported", result.problems[:3]
            seconds, result = timed_import(db, [files["issues"]], args.profile)
            assert result.status == "imported", result.problems[:3]
            print(f"{fmt:5s} issues only : {seconds:6.2f} s, CPU {timed_import.cpu:6.2f} s  "
                  f"({result.added:,} rows, {result.added / seconds:,.0f} rows/s, {size:.1f} MB; "
                  f"roster+inspections before: {base:.2f} s; files written in {written:.1f} s)")

            db = Path(tmp) / fmt / "all.duckdb"
            seconds, result = timed_import(db, list(files.values()), False)
            assert result.status == "imported", result.problems[:3]
            print(f"{fmt:5s} all three  : {seconds:6.2f} s, CPU {timed_import.cpu:6.2f} s  ({result.added:,} rows)")

            seconds, result = timed_import(db, list(files.values()), False)
            print(f"{fmt:5s} again      : {seconds:6.2f} s, CPU {timed_import.cpu:6.2f} s  ({result.status})")


if __name__ == "__main__":
    main()
