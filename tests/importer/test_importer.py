"""The importer's problem reports and file handling: where a problem is, all problems at once,
the file kinds (.csv / .xlsx / .xls) and files that cannot be read at all."""

from __future__ import annotations

import datetime as dt

import pytest
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
    inspection_row,
    inspections_csv,
    issues_csv,
    roster_csv,
    rows_of,
    run,
    table,
    xls_bytes,
    xlsx_bytes,
)

from inspection import importer

TITLES = [["XX市巡察村(社区)党组织情况统计表"], ["填报单位：东城区委巡察办"], []]


@pytest.fixture
def con():
    yield from fresh_store()


PROBLEM_KEYS = {"file", "sheet", "row", "column", "value", "reason", "suggestion"}


def test_problem_has_every_field_with_excel_row_number(con):
    """A bad cell in an .xlsx with 3 title rows: the row number is the one Excel shows."""
    header = [h if h != "发现问题数" else "发现问题数（个）" for h in INSPECTION_HEADER]
    rows = table(header, [INSPECTION_ROWS[0], inspection_row(发现问题数="十几", **{"村(社区)": "李家村"})], TITLES)
    result = run(con, roster_csv(), InputFile("东城区台账.xlsx", xlsx_bytes({"巡察情况": rows})))
    assert result.status == "rejected"
    (problem,) = result.problems
    assert problem.file == "东城区台账.xlsx"
    assert problem.sheet == "巡察情况"
    assert problem.row == 6  # 3 title rows, header on row 4, first data row 5, bad row 6
    assert problem.column == "发现问题数（个）"  # as written in the file
    assert problem.value == "十几"
    assert problem.reason
    payload = result.to_json()["problems"][0]
    assert set(payload) == PROBLEM_KEYS


def test_problem_row_number_in_csv_counts_title_and_blank_rows(con):
    # another unit than the first row's: every check runs on every row, so a twin would be a second problem
    rows = table(INSPECTION_HEADER, [INSPECTION_ROWS[0], [], inspection_row(巡察层级="省级", **{"村(社区)": "李家村"})],
                 [["标题"], []])
    result = run(con, roster_csv(), InputFile("i.csv", csv_bytes(rows)))
    (problem,) = result.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (None, 6, "巡察层级", "省级")
    assert problem.suggestion


def test_unknown_unit_problem_fields(con):
    result = run(con, roster_csv(), inspections_csv([inspection_row(**{"村(社区)": "张家庄"})]))
    (problem,) = result.problems
    assert (problem.file, problem.row, problem.column, problem.value) == ("inspections.csv", 2, "村(社区)", "张家庄")
    assert "张家村" in problem.suggestion


def test_all_problems_reported_at_once(con):
    rows = [
        inspection_row(发现问题数="-1"),                                   # row 2
        inspection_row(巡察层级="省级", **{"村(社区)": "李家村"}),         # row 3
        inspection_row(开始日期="某天", **{"村(社区)": "张家墩社区"}),     # row 4
        INSPECTION_ROWS[1],                                                # row 5 fine
        inspection_row(**{"村(社区)": "不存在村"}),                         # row 6 (unit)
    ]
    issue_rows = [ISSUE_ROWS[0], ISSUE_ROWS[1][:6] + ["研究中", "", ""]]  # issues row 3
    result = run(con, roster_csv(), inspections_csv(rows), issues_csv(issue_rows))
    assert result.status == "rejected"
    where = {(p.file, p.row, p.column) for p in result.problems}
    assert {("inspections.csv", 2, "发现问题数"), ("inspections.csv", 3, "巡察层级"),
            ("inspections.csv", 4, "开始日期"), ("issues.csv", 3, "整改状态")} <= where


def test_several_bad_cells_in_one_row_all_reported(con):
    result = run(con, roster_csv(), inspections_csv([inspection_row(发现问题数="x", 巡察层级="y", 开始日期="z")]))
    assert {p.column for p in result.problems} == {"发现问题数", "巡察层级", "开始日期"}
    assert {p.row for p in result.problems} == {2}


def test_validation_problems_across_rows_all_reported(con):
    """Problems found after conversion (units, duplicates, dates order) are collected too."""
    rows = [inspection_row(**{"村(社区)": "甲村"}), inspection_row(**{"村(社区)": "乙村"}),
            inspection_row(开始日期="2021-06-01", 结束日期="2021-05-01", **{"村(社区)": "李家村"})]
    result = run(con, roster_csv(), inspections_csv(rows))
    assert sorted(p.row for p in result.problems) == [2, 3, 4]


def test_problems_sorted_by_file_sheet_row(con):
    rows = [inspection_row(发现问题数="x", **{"村(社区)": n}) for n in ("李家村", "张家村", "张家墩社区")]
    result = run(con, roster_csv(), inspections_csv(rows))
    assert [p.row for p in result.problems] == [2, 3, 4]


def test_rejected_import_writes_nothing_and_keeps_no_original(con, tmp_path):
    before = dump(con)
    result = run(con, roster_csv(), inspections_csv([inspection_row(发现问题数="x")]), originals=tmp_path / "orig")
    assert result.status == "rejected" and result.import_id is None
    assert dump(con) == before
    assert not (tmp_path / "orig").exists() or not any((tmp_path / "orig").rglob("*"))


# ---------------------------------------------------------------- file kinds


def test_xls_workbook(con):
    data = xls_bytes({
        "名册": table(ROSTER_HEADER, ROSTER_ROWS, TITLES[:2]),
        "巡察": table(INSPECTION_HEADER, [inspection_row(开始日期=dt.date(2021, 3, 15), 结束日期=44336)]),
    })
    result = run(con, InputFile("台账.xls", data))
    assert result.status == "imported", result.to_json()
    row = rows_of(con, "SELECT start_date, end_date, issues_found FROM inspections")[0]
    assert row == {"start_date": dt.date(2021, 3, 15), "end_date": dt.date(2021, 5, 20), "issues_found": 2}


def test_xls_problem_row_and_sheet(con):
    data = xls_bytes({"巡察": table(INSPECTION_HEADER, [inspection_row(发现问题数=-2)], [["标题"]])})
    result = run(con, roster_csv(), InputFile("台账.xls", data))
    (problem,) = result.problems
    assert (problem.sheet, problem.row, problem.column) == ("巡察", 3, "发现问题数")


def test_xlsx_all_three_tables_in_one_workbook(con):
    data = xlsx_bytes({"问题清单": table(ISSUE_HEADER, ISSUE_ROWS), "名册": table(ROSTER_HEADER, ROSTER_ROWS),
                       "巡察情况": table(INSPECTION_HEADER, INSPECTION_ROWS, TITLES)})
    result = run(con, InputFile("all.xlsx", data))
    assert result.status == "imported", result.to_json()
    assert result.added == 9


def test_tab_separated_text(con):
    text = "\n".join("\t".join(map(str, r)) for r in table(ROSTER_HEADER, ROSTER_ROWS))
    result = run(con, InputFile("roster.txt", text.encode("gbk")))
    assert result.status == "imported", result.to_json()


@pytest.mark.parametrize(("name", "data", "reason_part"), [
    ("a.csv", b"", "空"),
    ("a.pdf", b"%PDF-1.4", "不支持"),
    ("a.xlsx", b"PK\x03\x04garbage", "损坏"),
    ("a.xlsx", b"this is not a workbook", "纯文本"),  # text, not a damaged workbook
    ("a.csv", b"PK\x03\x04\x14\x00\x00\x00", "Excel"),
    ("a.csv", b"\xff\xfe\x00\x00binary\x00", "二进制"),
])
def test_unreadable_files_rejected_with_reason(con, name, data, reason_part):
    result = run(con, InputFile(name, data))
    (problem,) = result.problems
    assert problem.file == name and reason_part in problem.reason


def test_only_header_no_rows(con):
    result = run(con, InputFile("r.csv", csv_bytes([ROSTER_HEADER])))
    assert result.status == "rejected"
    assert "没有数据" in result.problems[0].reason


def test_one_bad_file_rejects_the_whole_import(con):
    before = dump(con)
    result = run(con, roster_csv(), inspections_csv(), InputFile("x.xlsx", b"broken"))
    assert result.status == "rejected"
    assert [p.file for p in result.problems] == ["x.xlsx"]
    assert dump(con) == before


def test_same_file_twice_in_one_import_counted_once(con):
    result = run(con, roster_csv(), roster_csv())
    assert result.status == "imported" and result.added == 4
    assert any("内容相同" in w for w in result.warnings)


def test_result_json_shape(con):
    payload = run(con, roster_csv(), inspections_csv(), issues_csv()).to_json()
    assert {"status", "added", "replaced", "skipped", "problems", "warnings"} <= set(payload)
    assert payload["status"] == "imported" and payload["added"] == 9 and payload["replaced"] == 0
    assert isinstance(payload["warnings"], list)


def test_limits_refuse_oversized_files(con):
    from inspection import readers

    limits = readers.Limits(max_bytes=100)
    result = importer.import_files(con, [roster_csv()], "t", None, limits)
    assert result.status == "rejected" and "超过上限" in result.problems[0].reason


def test_every_text_the_importer_shows_is_written_in_messages():
    """No Chinese text in the importer's modules outside messages.py but comments, docstrings and the
    few characters the row-kind rules look for (一二三 headings, 计 of 合计, the 元 of a money header)."""
    import ast
    from pathlib import Path

    allowed = {"一二三四五六七八九十百(（0123456789０１２３４５６７８９", "计", "(元)"}
    package = Path(importer.__file__).parent
    found = []
    for path in sorted(package.glob("*.py")):
        if path.name == "messages.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                text = node.value
                for part in allowed:
                    text = text.replace(part, "")
                if any("\u4e00" <= c <= "\u9fff" for c in text):
                    found.append((path.name, node.lineno, node.value[:40]))
    assert found == []
