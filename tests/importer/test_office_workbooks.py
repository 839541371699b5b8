"""Workbooks as offices' templates and Excel/WPS really leave them (the import audit): helper sheets the
clerk never sees, and other parts of a workbook that are no ledger, must not refuse the import."""

from __future__ import annotations

import io

import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ROSTER_HEADER,
    ROSTER_ROWS,
    fresh_store,
    rows_of,
    run,
    table,
)

from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

# a sheet of drop-down lists (data validation sources): headers the contract knows, no table
CHOICES = [["巡察层级", "巡察方式", "整改状态"], ["市级", "常规", "已整改"], ["县级", "专项", "整改中"]]


def _xlsx(sheets: list[tuple[str, list[list[object]], str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows, state in sheets:
        sheet = book.create_sheet(name)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xls(sheets: list[tuple[str, list[list[object]], int]]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for name, rows, visibility in sheets:
        sheet = book.add_sheet(name)
        sheet.visibility = visibility
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LEDGER = [("名册", table(ROSTER_HEADER, ROSTER_ROWS)), ("巡察情况", table(INSPECTION_HEADER, INSPECTION_ROWS))]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_of_drop_down_lists_is_ignored_not_refused(con, state):
    data = _xlsx([(n, rows, "visible") for n, rows in LEDGER] + [("字典", CHOICES, state)])
    result = run(con, InputFile("台账.xlsx", data))
    assert result.status == "imported", [p.reason for p in result.problems]
    assert rows_of(con, "select count(*) n from inspections")[0]["n"] == len(INSPECTION_ROWS)
    assert any("「字典」" in w and "隐藏" in w for w in result.warnings), result.warnings
    assert not any("个工作表未识别为台账" in w for w in result.warnings), "the hidden sheet is not counted twice"


def test_a_hidden_sheet_in_an_xls_is_ignored_too(con):
    data = _xls([(n, rows, 0) for n, rows in LEDGER] + [("下拉选项", CHOICES, 1)])
    result = run(con, InputFile("台账.xls", data))
    assert result.status == "imported", [p.reason for p in result.problems]
    assert any("「下拉选项」" in w and "隐藏" in w for w in result.warnings), result.warnings


def test_the_same_sheet_visible_is_still_a_table_missing_its_columns(con):
    """What the clerk can see and fix keeps the contract's refusal (and its mapping question)."""
    data = _xlsx([(n, rows, "visible") for n, rows in LEDGER] + [("字典", CHOICES, "visible")])
    result = run(con, InputFile("台账.xlsx", data))
    assert result.status == "rejected"
    assert [p.sheet for p in result.problems] == ["字典"] and "缺少必填列" in result.problems[0].reason
    assert rows_of(con, "select count(*) n from inspections")[0]["n"] == 0


def _blank_template() -> bytes:
    """The office's blank template: a title, the header, a 合计 row of zeros, the 填表人 line."""
    from support.ledgers import xlsx_bytes

    zeros = ["合计"] + [None] * (INSPECTION_HEADER.index("发现问题数") - 1) + [0, 0, 0, 0]
    return xlsx_bytes({"巡察情况": table(INSPECTION_HEADER, [zeros, ["填表人：", None, None, "审核人："]],
                                         titles=[["2024年巡察情况统计表"]])})


def test_a_blank_template_is_refused_for_its_missing_rows_not_called_already_imported(con):
    from support.ledgers import dump, load_base

    load_base(con)
    before = dump(con)
    result = run(con, InputFile("模板.xlsx", _blank_template()))
    assert result.status == "rejected"
    (problem,) = result.problems
    assert problem.reason == "文件中没有数据行" and "空白模板" in problem.suggestion
    assert not any("已经导入过" in w for w in result.warnings)
    assert dump(con) == before


def test_a_blank_template_in_gbk_csv_is_refused_on_a_fresh_store(con):
    from support.ledgers import csv_bytes

    rows = table(INSPECTION_HEADER, [["合计"] + [""] * 8 + ["0"]], titles=[["XX县巡察情况表"]])
    result = run(con, InputFile("模板.csv", csv_bytes(rows, "gbk")))
    assert result.status == "rejected" and result.problems[0].reason == "文件中没有数据行"


# ---------------------------------------------------------------- formulas never calculated

FOUND = INSPECTION_HEADER.index("发现问题数") + 1  # 1-based columns, as openpyxl counts
DISCIPLINED = INSPECTION_HEADER.index("党纪政务处分人数") + 1


def _with_formulas(formulas: dict[tuple[int, int], str], extra: list[list[object]] = (),
                   text_results: tuple[str, ...] = ()) -> bytes:
    """The inspections as a program (openpyxl, Apache POI) writes them: formulas with no calculated
    value, which Excel would compute on opening. `text_results`: cells rewritten the way Excel stores
    a formula whose result is the empty text (t="str", an empty value) and clearing the workbook's
    request to be recalculated on opening (fullCalcOnLoad, which openpyxl sets and Excel drops once
    it has calculated and saved)."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "巡察情况"
    for row in table(INSPECTION_HEADER, INSPECTION_ROWS) + list(extra):
        sheet.append(row)
    for (row, col), formula in formulas.items():
        sheet.cell(row=row, column=col, value=formula)
    out = io.BytesIO()
    book.save(out)
    if not text_results:
        return out.getvalue()
    rewritten = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(rewritten, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            for ref in text_results:
                data = data.replace(f'<c r="{ref}">'.encode(), f'<c r="{ref}" t="str">'.encode())
            if info.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            target.writestr(info, data)
    return rewritten.getvalue()


def test_a_formula_without_its_calculated_value_is_refused_not_read_as_blank(con):
    """Read as a blank, =1+1 in an optional count would silently become 'not reported'."""
    from support.ledgers import dump, load_base

    load_base(con)
    before = dump(con)
    data = _with_formulas({(2, DISCIPLINED): "=1+0", (3, FOUND): "=0+1"})
    result = run(con, InputFile("系统导出.xlsx", data))
    assert result.status == "rejected"
    assert [(p.row, p.column) for p in result.problems] == [(2, "党纪政务处分人数"), (3, "发现问题数")]
    assert all("没有它的计算结果" in p.reason and "保存后再导入" in p.suggestion for p in result.problems)
    assert dump(con) == before


def test_uncalculated_formulas_where_no_figure_is_read_do_not_refuse(con):
    """A 合计 row of =SUM(...), a formula in a column the import ignores, and Excel's own empty-text
    result of a formula (=IF(...,"",...), stored with t="str") are no unknown figure."""
    from openpyxl.utils import get_column_letter

    extra_col = len(INSPECTION_HEADER) + 1
    summary = ["合计"] + [None] * (FOUND - 2)
    data = _with_formulas({(1, extra_col): "整改率", (2, extra_col): "=M2/J2", (4, FOUND): "=SUM(J2:J3)",
                           (3, DISCIPLINED): '=IF(1=1,"",1)'},
                          extra=[summary], text_results=(f"{get_column_letter(DISCIPLINED)}3",))
    result = run(con, InputFile("台账.xlsx", data))
    assert result.status == "imported", [(p.row, p.column, p.reason) for p in result.problems]
    assert rows_of(con, "select count(*) n from inspections where disciplined is null")[0]["n"] == 1


def _xlsxwriter_book(excel_saved: bool = False) -> bytes:
    """The inspections as xlsxwriter writes them (a system's export): every formula with 0 cached as
    its value, unless the program passed one, and the workbook asking to be recalculated on opening
    (fullCalcOnLoad). `excel_saved`: the same file once Excel or WPS calculated and saved it (the
    flag gone, each formula's cached value its result)."""
    import zipfile

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("巡察情况")
    for r, row in enumerate(table(INSPECTION_HEADER, INSPECTION_ROWS)):
        sheet.write_row(r, 0, row)
    sheet.write_formula(1, DISCIPLINED - 1, "=1-1")  # 0 cached: right by chance
    sheet.write_formula(2, FOUND - 1, "=2+1")  # 0 cached: wrong
    sheet.write_formula(2, FOUND, "=0+1", None, 1)  # a value the program computed itself
    sheet.write_row(3, 0, ["合计"])
    sheet.write_formula(3, FOUND - 1, "=SUM(J2:J3)")
    book.close()
    if not excel_saved:
        return out.getvalue()
    saved = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as source, zipfile.ZipFile(saved, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>2+1</f><v>0</v>", b"<f>2+1</f><v>3</v>")
            target.writestr(info, data)
    return saved.getvalue()


def test_formulas_of_a_workbook_never_calculated_are_refused_though_a_value_is_cached(con):
    """xlsxwriter caches 0 for each formula and asks Excel to recalculate on opening: read as it is,
    =2+1 would be 0 issues found. A formula the import reads with that placeholder is refused by its
    cell; one the program wrote a value for (=0+1 with 1) and the 合计 row's =SUM pass."""
    from support.ledgers import dump, load_base

    load_base(con)
    before = dump(con)
    result = run(con, InputFile("系统导出.xlsx", _xlsxwriter_book()))
    assert result.status == "rejected"
    assert [(p.row, p.column) for p in result.problems] == [(2, "党纪政务处分人数"), (3, "发现问题数")]
    assert all("没有它的计算结果" in p.reason and "保存后再导入" in p.suggestion for p in result.problems)
    assert dump(con) == before


def test_the_same_formulas_once_calculated_and_saved_import_with_their_values(con):
    """Excel and WPS drop the recalculation flag when they save: a formula that gives 0 is 0."""
    result = run(con, InputFile("台账.xlsx", _xlsxwriter_book(excel_saved=True)))
    assert result.status == "imported", [(p.row, p.column, p.reason) for p in result.problems]
    assert rows_of(con, "select unit_name, issues_found, clues, disciplined from inspections order by unit_name") == [
        {"unit_name": "张家村", "issues_found": 2, "clues": 1, "disciplined": 0},
        {"unit_name": "王庄村", "issues_found": 3, "clues": 1, "disciplined": 0}]


# ---------------------------------------------------------------- dates typed like a printed form


@pytest.mark.parametrize("written, day", [("2021 年 3 月 15 日", "2021-03-15"), ("2021年 3月 15日", "2021-03-15"),
                                          (" 2021 年 3 月 ", "2021-03-01"), ("２０２１ 年 ３ 月 １５ 日", "2021-03-15")])
def test_spaces_around_nian_yue_ri_are_the_same_date(written, day):
    """The due-date column took 2021 年 6 月 30 日 already; the start and end dates refused it."""
    import datetime as dt

    from inspection import cells

    assert cells.to_date(written) == dt.date.fromisoformat(day)
    assert cells.to_range(written) == dt.date.fromisoformat(day)


def test_a_spaced_start_date_imports(con):
    from support.ledgers import csv_bytes, inspection_row

    row = inspection_row(**{"开始日期": "2021 年 3 月 15 日", "结束日期": "2021年 5月 20日"})
    result = run(con, InputFile("i.csv", csv_bytes(table(INSPECTION_HEADER, [row]), "gbk")))
    assert result.status == "imported", [p.reason for p in result.problems]
    assert rows_of(con, "select start_date::varchar s, end_date::varchar e from inspections") == [
        {"s": "2021-03-15", "e": "2021-05-20"}]


# ---------------------------------------------------------------- a summary and its breakdown


def _summary_with_breakdown() -> list[list[object]]:
    """合计 under the header, then its breakdown 其中：市级 / 其中: 县级 (a statistical table's habit)."""
    found = INSPECTION_HEADER.index("发现问题数")
    total = ["合计"] + [""] * (found - 1) + [3, 1, 1, 2]
    municipal = ["其中：市级"] + [""] * (found - 1) + [2, 1, 1, 2]
    county = [" 其中: 县级"] + [""] * (found - 1) + [1, 0, 0, 0]
    return table(INSPECTION_HEADER, [total, municipal, county] + INSPECTION_ROWS)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_breakdown_rows_of_a_summary_are_skipped_as_summary(con, kind):
    from support.ledgers import csv_bytes, xlsx_bytes

    rows = _summary_with_breakdown()
    data = xlsx_bytes({"巡察情况": rows}) if kind == "xlsx" else csv_bytes(rows, "gbk")
    result = run(con, InputFile(f"巡察.{kind}", data))
    assert result.status == "imported", [(p.row, p.column, p.reason) for p in result.problems]
    assert result.skipped == 3 and any("合计/小计行 3 行（第 2、3、4 行）" in w for w in result.warnings), result.warnings
    assert rows_of(con, "select sum(issues_found) n from inspections")[0]["n"] == 3


def test_the_breakdown_rows_are_skipped_on_the_fast_csv_path_too(monkeypatch):
    from support.fast_path import run_both
    from support.ledgers import csv_bytes

    result, _ = run_both(monkeypatch, [], [InputFile("巡察.csv", csv_bytes(_summary_with_breakdown()))])
    assert (result.status, result.skipped) == ("imported", 3)


# ---------------------------------------------------------------- a 汇总 sheet beside its parts


def test_a_row_repeated_on_another_sheet_names_that_sheet(con):
    """A workbook with a 汇总 sheet and one sheet per district holds every record twice; where the two
    copies differ (a figure, a unit's type), the message must say which sheet holds the other copy (the
    same row number on the clerk's sheet is itself). Copies that agree are read once (test_unseen_files3)."""
    from support.ledgers import xlsx_bytes

    inspections = table(INSPECTION_HEADER, INSPECTION_ROWS)
    roster = table(ROSTER_HEADER, ROSTER_ROWS)
    part = [inspections[0], [*inspections[1][:-1], 1]]  # 已整改数 1, not 2
    roster_part = [roster[0], ["东城区", "城关镇", "张家村", "社区", "是", "否"]]
    data = xlsx_bytes({"名册汇总": roster, "东城区名册": roster_part, "汇总": inspections, "东城区": part})
    result = run(con, InputFile("台账.xlsx", data))
    assert result.status == "rejected"
    reasons = {(p.sheet, p.row): p.reason for p in result.problems}
    assert reasons[("东城区", 2)] == "同一轮次同一村(社区)出现两次（另见 台账.xlsx「汇总」 第 2 行）"
    assert reasons[("东城区名册", 2)] == "名册中重复的对象（与 台账.xlsx「名册汇总」 第 2 行相同）"


# ---------------------------------------------------------------- the problem workbook names no one


def test_the_problem_workbook_leaves_out_person_columns_and_note_rows(con):
    """It mirrors the refused file so the clerk can fix it, but is an export: the 整改责任人 values and
    the 填表人 line are not copied (the kept original is the one copy); rows keep their numbers."""
    from openpyxl import load_workbook
    from support.ledgers import csv_bytes

    from inspection import problem_report

    header = INSPECTION_HEADER + ["整改责任人", "责任领导(签字)"]
    rows = [list(r) + ["王某某", "李某某"] for r in INSPECTION_ROWS]
    rows[1][INSPECTION_HEADER.index("发现问题数")] = "很多"
    data = csv_bytes(table(header, rows + [["填表人：赵某某", None, "审核人：钱某某"]],
                           titles=[["填报单位：东城区委巡察办"]]), "gbk")
    files = [InputFile("巡察.csv", data)]
    result = run(con, *files)
    assert result.status == "rejected" and [p.row for p in result.problems] == [4]
    book = load_workbook(io.BytesIO(problem_report.build(files, result.problems)))
    texts = [str(v) for ws in book for r in ws.iter_rows(values_only=True) for v in r if v is not None]
    assert not [t for t in texts if any(n in t for n in ("王某某", "李某某", "赵某某", "钱某某"))]
    sheet = book["巡察.csv"]
    assert sheet.cell(row=2, column=1).value == "轮次" and "整改责任人" in [c.value for c in sheet[2]]
    assert sheet.cell(row=4, column=len(header) + 1).value.startswith("发现问题数")  # the error stays on its row
    assert sheet.cell(row=5, column=1).value == problem_report.NOTE_PLACEHOLDER


def test_a_blank_template_chosen_beside_a_filled_ledger_refuses_the_import(con):
    """Imported beside the roster, the template would add nothing and say nothing: the clerk would
    believe the inspections were in."""
    from support.ledgers import dump, roster_csv

    before = dump(con)
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _blank_template()))
    assert result.status == "rejected"
    assert [(p.file, p.reason) for p in result.problems] == [("巡察情况.xlsx", "文件中没有数据行")]
    assert dump(con) == before


def _workbook_texts(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [str(v) for ws in book for r in ws.iter_rows(values_only=True) for v in r if v is not None]


def test_the_problem_workbook_finds_a_header_known_only_through_the_stores_mappings(con):
    """区县名 / 镇名 / 村名 are the office's own headers, mapped by a clerk: the problem workbook must
    find that header row too, or the 包村联系人 column below it would be copied with its names."""
    from support.ledgers import csv_bytes

    from inspection import mappings, problem_report

    mappings.add_all(con, [mappings.Mapping("roster", "district", header="区县名"),
                           mappings.Mapping("roster", "township", header="镇名"),
                           mappings.Mapping("roster", "unit_name", header="村名")], "admin")
    rows = table(["区县名", "镇名", "村名", "包村联系人"],
                 [["东城区", "城关镇", "李官村", "王某某"], ["东城区", "城关镇", "李官村", "李某某"]])
    files = [InputFile("名册.csv", csv_bytes(rows, "gbk"))]
    result = run(con, *files)
    assert result.status == "rejected" and [p.row for p in result.problems] == [3]
    texts = _workbook_texts(problem_report.build(files, result.problems, result.mappings))
    assert "包村联系人" in texts and "李官村" in texts
    assert not [t for t in texts if "王某某" in t or "李某某" in t]


def test_the_problem_workbook_of_an_unrecognised_file_leaves_out_its_person_columns(con):
    """A file that is no ledger at all is mirrored too (the clerk sees what was read): a 联系人 column
    in its first rows is emptied all the same."""
    from support.ledgers import csv_bytes

    from inspection import problem_report

    rows = [["单位", "地址", "联系人", "联系电话"], ["城关镇政府", "人民路1号", "赵某某", "0351-1234567"]]
    files = [InputFile("通讯录.csv", csv_bytes(rows, "gbk"))]
    result = run(con, *files)
    assert result.status == "rejected"
    texts = _workbook_texts(problem_report.build(files, result.problems))
    assert "联系人" in texts and "城关镇政府" in texts and not [t for t in texts if "赵某某" in t]


def test_a_county_ledger_without_a_district_column_says_to_add_one(con):
    """A county office's own ledger often has no 县区 column (every row is its county). With no title or
    file name starting with the district (test_unseen_values4), the refusal says what to do: add the column,
    fill it in, or name the district at the start of the title."""
    from support.ledgers import csv_bytes, dump

    before = dump(con)
    header = [h for h in INSPECTION_HEADER if h != "县区"]
    rows = [[v for h, v in zip(INSPECTION_HEADER, row, strict=True) if h != "县区"] for row in INSPECTION_ROWS]
    result = run(con, InputFile("巡察台账.csv", csv_bytes(table(header, rows), "gbk")))
    assert result.status == "rejected"
    (problem,) = result.problems
    assert problem.reason == "巡察情况缺少必填列：县区"
    assert "加上「县区」列，每行填上名称" in problem.suggestion and "映射" in problem.suggestion
    assert "标题开头写明" in problem.suggestion
    assert dump(con) == before


# ---------------------------------------------------------------- a header again inside the table


def _roster_in_blocks() -> list[list[object]]:
    """A roster pasted together from one block per district, each with its own header."""
    return [ROSTER_HEADER, ROSTER_ROWS[0], ROSTER_HEADER, *ROSTER_ROWS[1:]]


def test_a_repeated_header_row_is_skipped_not_read_as_a_unit(con):
    """Read as a record it was a unit 村(社区) in district 县区: one unit too many on the roster."""
    from support.ledgers import csv_bytes

    result = run(con, InputFile("名册.csv", csv_bytes(_roster_in_blocks(), "gbk")))
    assert result.status == "imported", [(p.row, p.reason) for p in result.problems]
    assert rows_of(con, "select count(*) n from live_units")[0]["n"] == len(ROSTER_ROWS)
    assert result.skipped == 1 and any("重复的表头行 1 行（第 3 行）" in w for w in result.warnings), result.warnings


def test_a_repeated_header_is_skipped_on_the_fast_csv_path_too(monkeypatch):
    from support.fast_path import run_both
    from support.ledgers import csv_bytes

    result, _ = run_both(monkeypatch, [], [InputFile("名册.csv", csv_bytes(_roster_in_blocks()))], expect_fast=False)
    assert (result.status, result.skipped) == ("imported", 1)


@pytest.mark.parametrize("roster_first", [True, False])
def test_two_tables_on_one_sheet_are_refused_at_the_second_header(con, roster_first):
    """A roster and the inspections one under the other on one sheet: the table whose header is
    chosen must not take the other's rows as titles (lost without a word) or as its own records."""
    from support.ledgers import dump

    roster = [["名册"], ROSTER_HEADER, *ROSTER_ROWS, [None]]
    inspections = [["巡察情况"], INSPECTION_HEADER, *INSPECTION_ROWS, [None]]
    rows = roster + inspections if roster_first else inspections + roster
    before = dump(con)
    result = run(con, InputFile("台账.xlsx", _xlsx([("Sheet1", rows, "visible")])))
    assert result.status == "rejected"
    (problem,) = result.problems
    second = len(roster if roster_first else inspections) + 2
    first = 2
    assert problem.row in (first, second) and problem.reason.startswith("此行是另一张表的表头")
    assert "单独的工作表" in problem.suggestion
    assert dump(con) == before


def test_a_roster_beside_the_inspections_is_refused_where_their_units_differ(con):
    """Side by side, the first 县区 / 村(社区) columns are the roster's: each inspection was paired
    with the unit on its row, with only a warning about duplicate columns. Two tables of different kinds
    past a blank column are refused at the header, naming each (since layouts8; before, row by row where
    the units differed); two columns of one field on one table still must agree (twin_differs)."""
    from support.ledgers import dump

    roster = [ROSTER_HEADER, ROSTER_ROWS[1], ROSTER_ROWS[2]]  # other units than the inspections'
    rows = [list(a) + [None] + list(b) for a, b in zip(roster, table(INSPECTION_HEADER, INSPECTION_ROWS), strict=True)]
    before = dump(con)
    result = run(con, InputFile("台账.xlsx", _xlsx([("Sheet1", rows, "visible")])))
    assert result.status == "rejected"
    (problem,) = result.problems
    last = chr(65 + len(ROSTER_HEADER) + len(INSPECTION_HEADER))
    assert problem.row == 1 and f"第 A–F 列是对象名册，第 H–{last} 列是巡察情况" in problem.reason, problem.reason
    assert "单独的工作表" in problem.suggestion
    assert dump(con) == before


def test_two_district_columns_that_agree_import(con):
    """所属县区 beside 县区, the same on every row: the first is used, with the usual warning."""
    from support.ledgers import csv_bytes

    header = INSPECTION_HEADER + ["所属县区"]
    rows = [list(r) + [" " + r[INSPECTION_HEADER.index("县区")]] for r in INSPECTION_ROWS]
    result = run(con, InputFile("巡察.csv", csv_bytes(table(header, rows), "gbk")))
    assert result.status == "imported", [(p.row, p.reason) for p in result.problems]
    assert any("重复" in w for w in result.warnings)


def test_a_header_cell_merged_down_over_records_is_refused_not_read_as_their_value(con):
    """县区 merged from the header over the first record gave that record the district 县区."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from support.ledgers import dump

    book = Workbook()
    sheet = book.active
    sheet.title = "巡察情况"
    rows = table(INSPECTION_HEADER, INSPECTION_ROWS)
    column = INSPECTION_HEADER.index("县区")
    rows[1][column] = None
    for row in rows:
        sheet.append(row)
    letter = get_column_letter(column + 1)
    sheet.merge_cells(f"{letter}1:{letter}2")
    out = io.BytesIO()
    book.save(out)
    before = dump(con)
    result = run(con, InputFile("台账.xlsx", out.getvalue()))
    assert result.status == "rejected"
    (problem,) = result.problems
    assert (problem.row, problem.column) == (2, "县区") and "表头单元格向下合并到了数据行" in problem.reason
    assert "取消这个合并单元格" in problem.suggestion
    assert dump(con) == before


def test_blocks_per_district_each_with_its_title_and_header_import(con):
    """东城区 / header / rows, a blank row, 西城区 / header / rows on one sheet: the second block's title
    and header are skipped (reported by number), not read as a record with blank cells."""
    rows = [["东城区"], INSPECTION_HEADER, INSPECTION_ROWS[0], [None], ["西城区"], INSPECTION_HEADER, INSPECTION_ROWS[1]]
    result = run(con, InputFile("台账.xlsx", _xlsx([("巡察情况", rows, "visible")])))
    assert result.status == "imported", [(p.row, p.column, p.reason) for p in result.problems]
    assert rows_of(con, "select count(*) n from inspections")[0]["n"] == 2
    assert result.skipped == 2
    assert any("重复的表头行 1 行（第 6 行）；表头上方的分块标题行 1 行（第 5 行）" in w for w in result.warnings), result.warnings
