"""One test per normalisation rule and per reject of ../shared/DATA_CONTRACT.md.

The header names and vocabularies are written out here as the contract writes them (not read
from inspection/contract.py), so a drift between the document and the code fails a test.
"""

from __future__ import annotations

import datetime as dt
import re

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
    fresh_store,
    inspection_row,
    inspections_csv,
    issues_csv,
    parse,
    roster_csv,
    rows_of,
    run,
    table,
    xlsx_bytes,
)

from inspection import contract, metrics
from inspection.filters import Filters

# ---------------------------------------------------------------- helpers


@pytest.fixture
def con():
    yield from fresh_store()


def import_inspection(con, header: list | None = None, **changes):
    """Roster + the first base inspection row with some cells changed; (result, stored row or None)."""
    result = run(con, roster_csv(), inspections_csv([inspection_row(**changes)], header=header))
    stored = rows_of(con, "SELECT * FROM inspections WHERE superseded_by IS NULL")
    return result, (stored[0] if stored else None)


def import_issue(con, **changes):
    """Roster + inspections + one issue row (the first base issue, some cells changed)."""
    row = list(ISSUE_ROWS[0])
    for header, value in changes.items():
        row[ISSUE_HEADER.index(header)] = value
    result = run(con, roster_csv(), inspections_csv(), issues_csv([row]))
    stored = rows_of(con, "SELECT * FROM issues WHERE superseded_by IS NULL")
    return result, (stored[0] if stored else None)


def parse_inspection(header: list | None = None, **changes):
    """The first base inspection row with some cells changed, read and converted; (parsed, values or None)."""
    parsed = parse(inspections_csv([inspection_row(**changes)], header=header))
    rows = parsed.tables["inspections"]
    return parsed, (rows[0] if rows and parsed.status == "accepted" else None)


def parse_issue(**changes):
    row = list(ISSUE_ROWS[0])
    for header, value in changes.items():
        row[ISSUE_HEADER.index(header)] = value
    parsed = parse(issues_csv([row]))
    return parsed, (parsed.tables["issues"][0] if parsed.status == "accepted" else None)


def parse_roster(rows, header=None):
    parsed = parse(roster_csv(rows, header=header))
    return parsed, parsed.tables["roster"]


def accepted(parsed) -> None:
    assert parsed.status in ("accepted", "imported"), parsed.to_json()
    assert not parsed.problems


def import_roster(con, rows, header=None):
    result = run(con, roster_csv(rows, header=header))
    return result, rows_of(con, "SELECT * FROM roster WHERE superseded_by IS NULL ORDER BY unit_name")


def rejected(result, column: str | None = None) -> list:
    assert result.status == "rejected", result.to_json()
    problems = [p for p in result.problems if column is None or p.column == column]
    assert problems, result.to_json()
    return problems


def renamed(header: list, old: str, new: str) -> list:
    return [new if h == old else h for h in header]


# ---------------------------------------------------------------- header synonyms (as the contract lists them)

UNIT_SYNONYMS = {
    "district": ["县区", "县(市、区)", "县市区", "区县", "县(区)", "所属县区", "district", "county"],
    "township": ["乡镇街道", "乡镇(街道)", "乡镇", "街道", "所属乡镇", "township"],
    "unit_name": ["对象名称", "村(社区)", "村(社区)名称", "村社区", "党组织名称", "被巡察党组织", "被巡察单位",
                  "unit", "unit_name"],
}
ROSTER_SYNONYMS = {
    **UNIT_SYNONYMS,
    "unit_type": ["对象类型", "类型", "单位类型", "unit_type"],
    "is_poverty_village": ["是否贫困村", "是否脱贫村", "贫困村", "poverty"],
    "is_weak_org": ["是否软弱涣散", "软弱涣散", "weak"],
}
ROSTER_DEFAULT_HEADER = {"district": "县区", "township": "乡镇街道", "unit_name": "村(社区)",
                         "unit_type": "对象类型", "is_poverty_village": "是否贫困村", "is_weak_org": "是否软弱涣散"}
CODE_SYNONYMS = ["对象编码", "编码", "组织编码", "代码", "unit_code", "code"]

INSPECTION_SYNONYMS = {
    **UNIT_SYNONYMS,
    "round": ["轮次", "巡察轮次", "批次", "round"],
    "level": ["巡察层级", "层级", "级别", "巡察级别", "level"],
    "team": ["巡察组", "巡察组名称", "组别", "team"],
    "mode": ["巡察方式", "方式", "巡察类型", "巡察形式", "mode"],
    "start_date": ["开始日期", "开始时间", "进驻时间", "进驻日期", "start", "start_date"],
    "end_date": ["结束日期", "结束时间", "撤离时间", "反馈时间", "end", "end_date"],
    "issues_found": ["发现问题数", "发现问题", "问题数", "发现问题(个)", "issues", "issues_found"],
    "clues": ["移交问题线索数", "问题线索数", "移交线索", "问题线索", "clues"],
    "immediate_fixes": ["立行立改数", "立行立改", "immediate_fixes"],
    "disciplined": ["党纪政务处分人数", "党纪政务处分", "处分人数", "disciplined"],
    "org_handled": ["组织处理人数", "组织处理", "org_handled"],
    "judicial": ["移交司法机关人数", "移交司法机关", "移交司法", "judicial"],
    "rectified": ["已整改数", "整改完成数", "已整改问题数", "rectified"],
    "funds_recovered": ["追回资金", "挽回经济损失", "追缴资金", "funds_recovered"],
}
# a full inspections file with every field; value as written -> value stored
INSPECTION_FULL = {
    "round": ("2021年第一轮", "2021年第一轮"),
    "level": ("市级", "municipal"),
    "team": ("市委第一巡察组", "市委第一巡察组"),
    "mode": ("专项", "专项"),
    "start_date": ("2021-03-15", dt.date(2021, 3, 15)),
    "end_date": ("2021-05-20", dt.date(2021, 5, 20)),
    "district": ("东城区", "东城区"),
    "township": ("城关镇", "城关镇"),
    "unit_name": ("张家村", "张家村"),
    "issues_found": ("11", 11),
    "clues": ("2", 2),
    "immediate_fixes": ("3", 3),
    "disciplined": ("4", 4),
    "org_handled": ("5", 5),
    "judicial": ("1", 1),
    "rectified": ("7", 7),
    "funds_recovered": ("12.5", 12.5),
}
INSPECTION_DEFAULT_HEADER = {f: syns[0] for f, syns in INSPECTION_SYNONYMS.items()}

ISSUE_SYNONYMS = {
    **UNIT_SYNONYMS,
    "round": ["轮次", "巡察轮次", "批次", "round"],
    "category": ["问题类别", "问题类型", "一级类别", "问题分类", "category"],
    "subcategory": ["二级类别", "问题子类", "具体类别", "subcategory"],
    "description": ["问题描述", "具体问题", "问题表现", "description"],
    "status": ["整改状态", "整改情况", "是否整改", "status"],
    "due_date": ["整改时限", "整改期限", "整改截止日期", "due_date"],
    "rectified_date": ["整改完成时间", "完成时间", "销号时间", "rectified_date"],
}
ISSUE_FULL = {
    "round": ("2021年第一轮", "2021年第一轮"),
    "district": ("东城区", "东城区"),
    "township": ("城关镇", "城关镇"),
    "unit_name": ("张家村", "张家村"),
    "category": ("群众身边腐败问题", "群众身边腐败问题"),
    "subcategory": ("集体三资管理", "集体三资管理"),
    "description": ("账目不清", "账目不清"),
    "status": ("已销号", "rectified"),
    "due_date": ("2021-08-01", dt.date(2021, 8, 1)),
    "rectified_date": ("2021-06-10", dt.date(2021, 6, 10)),
}
ISSUE_DEFAULT_HEADER = {f: syns[0] for f, syns in ISSUE_SYNONYMS.items()}


def _params(synonyms: dict) -> list:
    return [pytest.param(f, s, id=f"{f}={s}") for f, syns in synonyms.items() for s in syns]


@pytest.mark.parametrize(("field", "synonym"), _params(ROSTER_SYNONYMS))
def test_roster_header_synonym(field, synonym):
    headers = {**ROSTER_DEFAULT_HEADER, field: synonym}
    values = {"district": "东城区", "township": "城关镇", "unit_name": "张家村", "unit_type": "社区",
              "is_poverty_village": "是", "is_weak_org": "是"}
    parsed = parse(InputFile("r.csv", csv_bytes([list(headers.values()), [values[f] for f in headers]])))
    accepted(parsed)
    row = parsed.tables["roster"][0]
    assert (row["district"], row["township"], row["unit_name"]) == ("东城区", "城关镇", "张家村")
    assert row["unit_type"] == "社区" and row["is_poverty_village"] and row["is_weak_org"]


@pytest.mark.parametrize("synonym", CODE_SYNONYMS)
def test_unit_code_header_synonym(synonym):
    header = ROSTER_HEADER + [synonym]
    parsed = parse(InputFile("r.csv", csv_bytes([header, ROSTER_ROWS[0] + ["C001"]])))
    accepted(parsed)
    assert parsed.tables["roster"][0]["unit_code"] == "C001"


def test_unit_code_is_identity(con):
    result = run(con, InputFile("r.csv", csv_bytes([ROSTER_HEADER + ["代码"], ROSTER_ROWS[0] + ["C001"]])))
    assert result.status == "imported", result.to_json()
    assert rows_of(con, "SELECT unit_code, unit_id FROM roster")[0] == {"unit_code": "C001", "unit_id": "c:C001"}


@pytest.mark.parametrize(("field", "synonym"), _params(INSPECTION_SYNONYMS))
def test_inspection_header_synonym(field, synonym):
    headers = {**INSPECTION_DEFAULT_HEADER, field: synonym}
    row = [INSPECTION_FULL[f][0] for f in headers]
    parsed = parse(InputFile("i.csv", csv_bytes([list(headers.values()), row])))
    accepted(parsed)
    stored = parsed.tables["inspections"][0]
    assert {f: stored[f] for f in INSPECTION_FULL} == {f: v[1] for f, v in INSPECTION_FULL.items()}


@pytest.mark.parametrize(("field", "synonym"), _params(ISSUE_SYNONYMS))
def test_issue_header_synonym(field, synonym):
    headers = {**ISSUE_DEFAULT_HEADER, field: synonym}
    row = [ISSUE_FULL[f][0] for f in headers]
    parsed = parse(InputFile("s.csv", csv_bytes([list(headers.values()), row])))
    accepted(parsed)
    stored = parsed.tables["issues"][0]
    assert {f: stored[f] for f in ISSUE_FULL} == {f: v[1] for f, v in ISSUE_FULL.items()}


def test_every_synonym_end_to_end(con):
    """One import per table whose headers are the last synonym of every field: stored as expected."""
    roster = {f: syns[-1] for f, syns in ROSTER_SYNONYMS.items()}
    values = {"district": "东城区", "township": "城关镇", "unit_name": "张家村", "unit_type": "村",
              "is_poverty_village": "是", "is_weak_org": "否"}
    inspections = {f: syns[-1] for f, syns in INSPECTION_SYNONYMS.items()}
    issues = {f: syns[-2] for f, syns in ISSUE_SYNONYMS.items()}
    result = run(con,
                 InputFile("s.csv", csv_bytes([list(issues.values()), [ISSUE_FULL[f][0] for f in issues]])),
                 InputFile("i.csv", csv_bytes([list(inspections.values()),
                                               [INSPECTION_FULL[f][0] for f in inspections]])),
                 InputFile("r.csv", csv_bytes([list(roster.values()), [values[f] for f in roster]])))
    assert result.status == "imported", result.to_json()
    stored = rows_of(con, "SELECT * FROM inspections")[0]
    assert {f: stored[f] for f in INSPECTION_FULL} == {f: v[1] for f, v in INSPECTION_FULL.items()}
    stored = rows_of(con, "SELECT * FROM issues")[0]
    expected = {f: v[1] for f, v in ISSUE_FULL.items() if f not in ("district", "township", "unit_name")}
    assert {f: stored[f] for f in expected} == expected
    assert stored["unit_id"] == "n:东城区|城关镇|张家村"


# ---------------------------------------------------------------- header normalisation


@pytest.mark.parametrize("written", [
    "  发现问题数  ",            # surrounding spaces
    "发现\n问题数",              # line break inside the cell
    "发现问题数\r\n",
    "发现 问题 数",
    "发现问题数(个)",            # trailing unit, half-width brackets
    "发现问题数（个）",          # full-width brackets
    "发现问题数（件）",
    "发现问题数(条)",
    "发现问题数（人）",
    "发现问题数（万元）",
    "ＩＳＳＵＥＳ",              # full-width letters
    "Issues_Found",             # case
])
def test_header_normalisation(written):
    header = renamed(INSPECTION_HEADER, "发现问题数", written)
    parsed, row = parse_inspection(header=header, 发现问题数=9)
    accepted(parsed)
    assert row["issues_found"] == 9


@pytest.mark.parametrize(("field", "written"), [
    ("县区", "县（市、区）"), ("县区", "县（区）"), ("乡镇街道", "乡镇（街道）"), ("村(社区)", "村（社区）"),
    ("村(社区)", "村（社区）\n名称"), ("党纪政务处分人数", "党纪政务处分\n人数（人）"),
    ("移交问题线索数", "移交问题线索数（条）"),
])
def test_full_width_brackets_inside_header(field, written):
    parsed, row = parse_inspection(header=renamed(INSPECTION_HEADER, field, written))
    accepted(parsed)
    assert row is not None and not parsed.warnings


def test_money_header_with_unit(con):
    header = INSPECTION_HEADER + ["追回资金（万元）"]
    result = run(con, roster_csv(), inspections_csv([inspection_row() + ["3.25"]], header=header))
    assert result.status == "imported", result.to_json()
    assert rows_of(con, "SELECT funds_recovered FROM inspections")[0]["funds_recovered"] == 3.25


# ---------------------------------------------------------------- title rows, summary and blank rows

TITLES = [["XX市巡察村(社区)党组织情况统计表"], ["填报单位：东城区委巡察办", "", "填报时间：2021年6月"]]


@pytest.mark.parametrize("n_titles", [0, 1, 2, 5, 10])
def test_title_rows_before_header_csv(n_titles):
    titles = [TITLES[i % 2] if i % 3 else [] for i in range(n_titles)]
    parsed = parse(InputFile("i.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS, titles))))
    accepted(parsed)
    assert len(parsed.tables["inspections"]) == 2


def test_title_rows_before_header_xlsx_with_total_row(con):
    rows = table(INSPECTION_HEADER, INSPECTION_ROWS, TITLES + [[]])
    rows.append(["合计", None, None, None, None, None, None, None, None, 3, 1, 1, 2])
    result = run(con, roster_csv(), InputFile("i.xlsx", xlsx_bytes({"巡察情况": rows})))
    assert result.status == "imported", result.to_json()
    assert result.skipped == 1
    assert rows_of(con, "SELECT sum(issues_found) AS n FROM inspections")[0]["n"] == 3


@pytest.mark.parametrize("marker", ["合计", "总计", "小计", "说明：本表由乡镇填报", "备注", "注：空白表示未填报",
                                    "注:数据截至6月", " 合 计 "])
def test_summary_and_note_rows_skipped_and_counted(marker):
    rows = INSPECTION_ROWS + [[marker] + [""] * 8 + [3, 1, 1, 2]]
    parsed = parse(inspections_csv(rows))
    accepted(parsed)
    assert parsed.skipped == 1
    assert len(parsed.tables["inspections"]) == 2


def test_summary_rows_counted_in_import_result(con):
    rows = INSPECTION_ROWS + [["合计"] + [""] * 8 + [3, 1, 1, 2], ["注：空白表示未填报"]]
    result = run(con, roster_csv(), inspections_csv(rows))
    assert result.status == "imported", result.to_json()
    assert (result.added, result.skipped) == (4 + 2, 2)


def test_summary_marker_in_first_non_empty_cell():
    parsed = parse(inspections_csv(INSPECTION_ROWS + [["", "", "小计"] + [""] * 6 + [3, 1, 1, 2]]))
    accepted(parsed)
    assert parsed.skipped == 1


def test_blank_rows_skipped_silently():
    rows = [INSPECTION_ROWS[0], [""] * 13, ["  ", "\u3000"] + [""] * 11, [], INSPECTION_ROWS[1]]
    parsed = parse(inspections_csv(rows))
    accepted(parsed)
    assert parsed.skipped == 0 and not parsed.warnings
    assert len(parsed.tables["inspections"]) == 2


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(con, encoding):
    result = run(con, roster_csv(encoding=encoding), inspections_csv(encoding=encoding),
                 issues_csv(encoding=encoding))
    assert result.status == "imported", result.to_json()
    assert rows_of(con, "SELECT unit_name FROM roster ORDER BY unit_name")[0]["unit_name"] == "张家墩社区"
    assert rows_of(con, "SELECT count(*) AS n FROM issues")[0]["n"] == 3


def test_gb18030_only_character():
    # 㘵 is outside GBK but inside GB18030
    parsed = parse(roster_csv(ROSTER_ROWS + [["东城区", "城关镇", "㘵塘村", "村", "否", "否"]], encoding="gb18030"))
    accepted(parsed)
    assert "㘵塘村" in {r["unit_name"] for r in parsed.tables["roster"]}


def test_bom_does_not_spoil_first_header():
    data = csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS), "utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = parse(InputFile("i.csv", data))
    accepted(parsed)
    assert not parsed.warnings and parsed.tables["inspections"][0]["round"] == "2021年第一轮"


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(("written", "stored"), [
    ("１２", 12), ("1,234", 1234), ("1，234", 1234), (" 12 ", 12), ("\u300012\u3000", 12), ("0", 0),
    ("1 234", 1234), ("12,345,678", 12345678),
])
def test_count_normalisation(written, stored):
    parsed, row = parse_inspection(发现问题数=written)
    accepted(parsed)
    assert row["issues_found"] == stored


def test_blank_count_is_null_and_not_reported(con):
    result, row = import_inspection(con, 党纪政务处分人数="", 移交问题线索数="  ")
    assert result.status == "imported", result.to_json()
    assert row["disciplined"] is None and row["clues"] is None
    figures = metrics.compute(con, Filters(as_of=dt.date(2030, 1, 1)))
    assert figures["disciplined"] is None
    assert figures["not_reported"]["disciplined"] == 1
    assert figures["not_reported"]["clues"] == 1
    assert figures["not_reported"]["issues_found"] == 0


@pytest.mark.parametrize(("written", "reason_part"), [
    ("-1", "负数"), ("－3", "负数"), ("1.5", "小数"), ("2.25", "小数"), ("十几", "文字"), ("约10", "文字"),
    ("约12", "文字"), ("N/A", "未填报"),  # N/A is "not reported" (test_unseen_values3), refused in a required count
])
def test_count_rejects(written, reason_part):
    result, row = parse_inspection(发现问题数=written)
    problem = rejected(result, "发现问题数")[0]
    assert reason_part in problem.reason
    assert problem.value == written
    assert row is None


@pytest.mark.parametrize("written", ["99999999999999999999999", "2147483648", 1e300, 2**40])
def test_count_too_large_rejected(con, written):
    """Larger than the store can hold: a problem for the clerk, not a crash while writing."""
    rows = table(INSPECTION_HEADER, [inspection_row(发现问题数=written)])
    result = run(con, roster_csv(), InputFile("i.xlsx", xlsx_bytes({"s": rows})))
    problem = rejected(result, "发现问题数")[0]
    assert "过大" in problem.reason


@pytest.mark.parametrize("written", ["*", "＊", " * "])
def test_a_name_of_star_alone_is_refused(written):
    """'*' stands for "all" in the store (the default plan row, the aggregates' whole area)."""
    result, row = parse_inspection(县区=written)
    assert "全部" in rejected(result, "县区")[0].reason and row is None


def test_required_count_blank_rejected():
    result, _ = parse_inspection(发现问题数="")
    assert "必填" in rejected(result, "发现问题数")[0].reason


def test_numeric_excel_cells_for_counts():
    rows = table(INSPECTION_HEADER, [inspection_row(发现问题数=7.0, 移交问题线索数=2)])
    parsed = parse(InputFile("i.xlsx", xlsx_bytes({"s": rows})))
    accepted(parsed)
    row = parsed.tables["inspections"][0]
    assert (row["issues_found"], row["clues"]) == (7, 2)


def test_decimal_excel_cell_in_count_rejected():
    rows = table(INSPECTION_HEADER, [inspection_row(发现问题数=7.5)])
    result = parse(InputFile("i.xlsx", xlsx_bytes({"s": rows})))
    assert "小数" in rejected(result, "发现问题数")[0].reason


@pytest.mark.parametrize(("written", "stored"), [("12.5", 12.5), ("1,234.5", 1234.5), ("０.５", 0.5), ("", None)])
def test_money_accepts_decimals(written, stored):
    parsed = parse(inspections_csv([inspection_row() + [written]], header=INSPECTION_HEADER + ["追回资金"]))
    accepted(parsed)
    assert parsed.tables["inspections"][0]["funds_recovered"] == stored


@pytest.mark.parametrize("written", ["-5", "五万", "abc"])
def test_money_rejects(written):
    parsed = parse(inspections_csv([inspection_row() + [written]], header=INSPECTION_HEADER + ["追回资金"]))
    rejected(parsed, "追回资金")


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(("written", "stored"), [
    ("2020-03-15", dt.date(2020, 3, 15)),
    ("2020/3/15", dt.date(2020, 3, 15)),
    ("2020.3.15", dt.date(2020, 3, 15)),
    ("2020年3月15日", dt.date(2020, 3, 15)),
    ("20200315", dt.date(2020, 3, 15)),
    ("43905", dt.date(2020, 3, 15)),            # Excel serial number written as text
    ("2020年3月", dt.date(2020, 3, 1)),          # month alone = its first day
    ("2020-03", dt.date(2020, 3, 1)),
    ("2020/3", dt.date(2020, 3, 1)),
    (" 2020-03-15 ", dt.date(2020, 3, 15)),
    ("２０２０－０３－１５", dt.date(2020, 3, 15)),  # full-width
    ("2020-03-15 00:00:00", dt.date(2020, 3, 15)),
])
def test_date_forms(written, stored):
    parsed, row = parse_inspection(开始日期=written, 结束日期="")
    accepted(parsed)
    assert row["start_date"] == stored


@pytest.mark.parametrize("cell", [dt.date(2020, 3, 15), dt.datetime(2020, 3, 15), dt.datetime(2020, 3, 15, 9, 30),
                                  43905, 43905.0, 20200315])
def test_excel_date_cells_and_serial_numbers(cell):
    rows = table(INSPECTION_HEADER, [inspection_row(开始日期=cell, 结束日期=dt.date(2020, 5, 1))])
    parsed = parse(InputFile("i.xlsx", xlsx_bytes({"巡察情况": rows})))
    accepted(parsed)
    row = parsed.tables["inspections"][0]
    assert (row["start_date"], row["end_date"]) == (dt.date(2020, 3, 15), dt.date(2020, 5, 1))


def test_excel_date_cell_with_chinese_format():
    rows = table(INSPECTION_HEADER, [inspection_row(开始日期=dt.date(2020, 3, 15), 结束日期="")])
    parsed = parse(InputFile("i.xlsx", xlsx_bytes({"s": rows}, date_format='yyyy"年"m"月"d"日"')))
    accepted(parsed)
    assert parsed.tables["inspections"][0]["start_date"] == dt.date(2020, 3, 15)


@pytest.mark.parametrize("written", ["2020-13-01", "2020-02-30", "三月中旬", "2020年", "3/4/2020", "1850-01-01"])
def test_invalid_dates_rejected(written):
    result, _ = parse_inspection(开始日期=written, 结束日期="")
    problem = rejected(result, "开始日期")[0]
    assert problem.value == written and problem.reason


def test_required_date_blank_rejected():
    result, _ = parse_inspection(开始日期="")
    assert "必填" in rejected(result, "开始日期")[0].reason


def test_end_before_start_rejected(con):
    result, _ = import_inspection(con, 开始日期="2021-05-20", 结束日期="2021-03-15")
    problem = rejected(result, "结束日期")[0]
    assert problem.value == "2021-03-15"
    assert "早于" in problem.reason


def test_end_equal_to_start_accepted(con):
    result, row = import_inspection(con, 开始日期="2021-05-20", 结束日期="2021年5月20日")
    assert result.status == "imported", result.to_json()
    assert row["end_date"] == row["start_date"]


# ---------------------------------------------------------------- booleans, unit types


@pytest.mark.parametrize(("written", "stored"), [
    ("是", True), ("否", False), ("Y", True), ("N", False), ("y", True), ("yes", True), ("YES", True),
    ("no", False), ("1", True), ("0", False), ("√", True), ("×", False), ("", False), (" 是 ", True),
])
def test_booleans(written, stored):
    parsed, rows = parse_roster([["东城区", "城关镇", "张家村", "村", written, written]])
    accepted(parsed)
    assert bool(rows[0]["is_poverty_village"]) is stored and bool(rows[0]["is_weak_org"]) is stored


def test_booleans_stored(con):
    result, rows = import_roster(con, [["东城区", "城关镇", "张家村", "村", "√", ""]])
    assert result.status == "imported", result.to_json()
    assert rows[0]["is_poverty_village"] is True and rows[0]["is_weak_org"] is False


@pytest.mark.parametrize("written", ["可能", "2", "对"])
def test_boolean_reject(written):
    result, _ = parse_roster([["东城区", "城关镇", "张家村", "村", written, "否"]])
    rejected(result, "是否贫困村")


@pytest.mark.parametrize(("name", "stored"), [("张家村", "村"), ("张家墩社区", "社区"), ("城关镇财政所", "其他"),
                                               ("张家村党支部", "村"), ("张家墩社区党总支", "社区")])
def test_unit_type_default_by_name_suffix(con, name, stored):
    result, rows = import_roster(con, [["东城区", "城关镇", name, "", "否", "否"]])
    assert result.status == "imported", result.to_json()
    assert rows[0]["unit_type"] == stored


def test_unit_type_default_without_type_column(con):
    header = ["县区", "乡镇街道", "村(社区)"]
    result, rows = import_roster(con, [["东城区", "城关镇", "张家村"], ["东城区", "城关镇", "北街社区"],
                                       ["东城区", "城关镇", "城关镇卫生院"]], header=header)
    assert result.status == "imported", result.to_json()
    types = {r["unit_name"]: r["unit_type"] for r in rows}
    assert types == {"张家村": "村", "北街社区": "社区", "城关镇卫生院": "其他"}


@pytest.mark.parametrize(("written", "stored"), [
    ("村", "村"), ("社区", "社区"), ("基层站所", "基层站所"), ("两新组织", "两新组织"), ("机关", "机关"), ("国企", "国企"),
    ("学校", "学校"), ("其他", "其他"), ("village", "村"), ("community", "社区"), ("station", "基层站所"),
    ("new-org", "两新组织"), ("organ", "机关"), ("soe", "国企"), ("school", "学校"), ("other", "其他"),
    ("Village", "村"), ("SOE", "国企"),
])
def test_unit_type_values_and_english_aliases(written, stored):
    parsed, rows = parse_roster([["东城区", "城关镇", "张家村", written, "否", "否"]])
    accepted(parsed)
    assert rows[0]["unit_type"] == stored


def test_unit_type_unknown_rejected():
    result, _ = parse_roster([["东城区", "城关镇", "张家村", "合作社", "否", "否"]])
    problem = rejected(result, "对象类型")[0]
    assert problem.value == "合作社" and problem.suggestion


# ---------------------------------------------------------------- level, mode, status


@pytest.mark.parametrize(("written", "stored"), [
    *[(w, "municipal") for w in ("市级", "市委", "市", "市委巡察组", "市级巡察", "提级")],
    *[(w, "county") for w in ("县级", "县区", "县委", "区委", "县(区)委", "县（区）委", "县区巡察组")],
    (" 市级 ", "municipal"),
])
def test_level_vocabulary(written, stored):
    parsed, row = parse_inspection(巡察层级=written)
    accepted(parsed)
    assert row["level"] == stored


@pytest.mark.parametrize("written", ["省级", "乡镇", "中央", "市县联动"])
def test_level_unknown_rejected(written):
    result, _ = parse_inspection(巡察层级=written)
    problem = rejected(result, "巡察层级")[0]
    assert problem.value == written and problem.suggestion


def test_level_blank_rejected():
    result, _ = parse_inspection(巡察层级="")
    rejected(result, "巡察层级")


@pytest.mark.parametrize(("written", "stored"), [
    ("常规", "常规"), ("专项", "专项"), ("机动", "机动"), ("提级", "提级"), ("交叉", "交叉"), ("点穴", "点穴"),
    ("巡乡带村", "巡乡带村"), ("点穴式巡察", "点穴"), ("点穴式", "点穴"), ("专项巡察", "专项"), ("交叉巡察", "交叉"),
    ("机动式巡察", "机动"), ("常规巡察", "常规"), ("", "常规"), (" 专项 ", "专项"),
])
def test_mode_vocabulary(written, stored):
    parsed, row = parse_inspection(巡察方式=written)
    accepted(parsed)
    assert row["mode"] == stored


@pytest.mark.parametrize("written", ["回头看", "联动巡察", "延伸式巡察"])
def test_unknown_mode_kept_as_written(written):
    parsed, row = parse_inspection(巡察方式=written)
    accepted(parsed)
    assert row["mode"] == written


def test_unknown_mode_stored_and_filterable(con):
    result, row = import_inspection(con, 巡察方式="回头看")
    assert result.status == "imported", result.to_json()
    assert row["mode"] == "回头看"
    figures = metrics.compute(con, Filters(modes=("回头看",), as_of=dt.date(2030, 1, 1)))
    assert figures["inspections"] == 1


def test_mode_default_without_mode_column(con):
    header = [h for h in INSPECTION_HEADER if h != "巡察方式"]
    rows = [[c for h, c in zip(INSPECTION_HEADER, r, strict=True) if h != "巡察方式"] for r in INSPECTION_ROWS]
    result = run(con, roster_csv(), inspections_csv(rows, header=header))
    assert result.status == "imported", result.to_json()
    assert {r["mode"] for r in rows_of(con, "SELECT mode FROM inspections")} == {"常规"}


@pytest.mark.parametrize(("written", "stored"), [
    *[(w, "rectified") for w in ("已整改", "已完成", "完成", "已销号", "是", "已完成整改", "完成整改", "整改完成",
                                 "已整改到位", "已办结", "已落实", "rectified")],
    *[(w, "in_progress") for w in ("整改中", "正在整改", "推进中", "", "正在推进", "部分整改", "整改中（部分完成）",
                                   "整改中(部分完成)", " 整改中 （部分完成） ")],
    *[(w, "not_started") for w in ("未整改", "未完成", "否", "尚未整改", "未启动")],
    *[(w, "long_term") for w in ("长期坚持", "长期整改", "持续整改", "持续推进", "基本完成", "阶段性完成", "按序时推进",
                                 "按序时进度推进", "long_term", "long-term", "Long-Term", "\u3000长期坚持 ")],
])
def test_status_vocabulary(written, stored):
    parsed, row = parse_issue(整改状态=written)
    accepted(parsed)
    assert row["status"] == stored


def test_status_keys_are_lookup_keys():
    """Each synonym is written as `cells._vocabulary` looks it up (NFKC, no spaces, lower case)."""
    for key in contract.STATUSES:
        assert key == re.sub(r"\s+", "", contract.normalise_text(key)).lower()
    assert set(contract.STATUSES.values()) == {"rectified", "in_progress", "not_started", "long_term"}


def test_long_term_status_stored(con):
    result, row = import_issue(con, 整改状态="长期坚持")
    assert result.status == "imported", result.to_json()
    assert row["status"] == "long_term"


@pytest.mark.parametrize("written", ["研究中", "待定"])
def test_status_unknown_rejected(written):
    result, _ = parse_issue(整改状态=written)
    problem = rejected(result, "整改状态")[0]
    assert problem.value == written and problem.suggestion


def test_issue_dates_forms(con):
    result, row = import_issue(con, 整改时限="2021年8月", 整改完成时间="20210610")
    assert result.status == "imported", result.to_json()
    assert row["status"] == "rectified"
    assert (row["due_date"], row["rectified_date"]) == (dt.date(2021, 8, 31), dt.date(2021, 6, 10))  # by the end of August


def test_issue_category_required():
    result, _ = parse_issue(问题类别="")
    assert "必填" in rejected(result, "问题类别")[0].reason


# ---------------------------------------------------------------- names and units


@pytest.mark.parametrize("written", [" 张家村 ", "\u3000张家村\u3000", "张家村\t", "张家村党支部", "张家村党总支",
                                     "张家村党委", " 张家村党支部\u3000"])
def test_unit_name_variants_resolve_to_roster_unit(con, written):
    result, row = import_inspection(con, **{"村(社区)": written})
    assert result.status == "imported", result.to_json()
    assert row["unit_id"] == "n:东城区|城关镇|张家村"
    assert row["unit_name"] == "张家村"


def test_party_suffix_community(con):
    row = inspection_row(**{"村(社区)": "张家墩社区党总支"})
    result = run(con, roster_csv(), inspections_csv([row]))
    assert result.status == "imported", result.to_json()
    assert rows_of(con, "SELECT unit_id FROM inspections")[0]["unit_id"] == "n:东城区|城关镇|张家墩社区"


def test_district_and_township_spaces(con):
    result, row = import_inspection(con, 县区="\u3000东城区 ", 乡镇街道=" 城关镇")
    assert result.status == "imported", result.to_json()
    assert (row["district"], row["township"]) == ("东城区", "城关镇")


def test_roster_names_normalised_too(con):
    result, rows = import_roster(con, [[" 东城区", "城关镇\u3000", "张家村党支部", "", "否", "否"]])
    assert result.status == "imported", result.to_json()
    assert (rows[0]["district"], rows[0]["township"], rows[0]["unit_name"]) == ("东城区", "城关镇", "张家村")


def test_unknown_unit_rejected_with_closest_names(con):
    result, _ = import_inspection(con, **{"村(社区)": "张家庄"})
    problem = rejected(result, "村(社区)")[0]
    assert problem.value == "张家庄"
    assert "名册" in problem.reason
    assert "张家村" in problem.suggestion


def test_unknown_district_suggests_district(con):
    result, _ = import_inspection(con, 县区="东城县")
    problem = rejected(result, "村(社区)")[0]
    assert problem.suggestion and "东城区" in problem.suggestion


def test_unknown_unit_against_stored_roster(con):
    assert run(con, roster_csv()).status == "imported"
    result = run(con, inspections_csv([inspection_row(**{"村(社区)": "李家庄"})]))
    problem = rejected(result, "村(社区)")[0]
    assert "李家村" in problem.suggestion


def test_no_roster_units_come_from_inspections(con):
    result = run(con, inspections_csv(), issues_csv())
    assert result.status == "imported", result.to_json()
    assert rows_of(con, "SELECT count(*) AS n FROM roster")[0]["n"] == 0
    figures = metrics.compute(con, Filters(as_of=dt.date(2030, 1, 1)))
    assert figures["units_total"] is None and figures["coverage_rate"] is None
    assert figures["units_covered"] == 2 and figures["inspections"] == 2


def test_duplicate_roster_identity_rejected(con):
    rows = ROSTER_ROWS + [["东城区", "城关镇", "张家村", "村", "否", "否"]]
    result, _ = import_roster(con, rows)
    problem = rejected(result)[0]
    assert problem.row == 6 and "重复" in problem.reason


def test_duplicate_roster_identity_after_normalisation_rejected(con):
    rows = ROSTER_ROWS + [["东城区 ", "城关镇", "张家村党支部", "村", "否", "否"]]
    result, _ = import_roster(con, rows)
    assert "重复" in rejected(result)[0].reason


def test_duplicate_roster_code_rejected(con):
    header = ROSTER_HEADER + ["对象编码"]
    rows = [ROSTER_ROWS[0] + ["C1"], ROSTER_ROWS[1] + ["C1"]]
    result, _ = import_roster(con, rows, header=header)
    problem = rejected(result, "对象编码")[0]
    assert problem.value == "C1" and "重复" in problem.reason


def test_same_name_different_codes_accepted(con):
    header = ROSTER_HEADER + ["对象编码"]
    rows = [ROSTER_ROWS[0] + ["C1"], ROSTER_ROWS[0] + ["C2"]]
    result, stored = import_roster(con, rows, header=header)
    assert result.status == "imported", result.to_json()
    assert len(stored) == 2


def test_inspection_resolved_by_code(con):
    header = ROSTER_HEADER + ["对象编码"]
    result = run(con, roster_csv([r + [f"C{i}"] for i, r in enumerate(ROSTER_ROWS)], header=header))
    assert result.status == "imported"
    ins_header = INSPECTION_HEADER + ["对象编码"]
    # the name is written differently, the code decides
    result = run(con, inspections_csv([inspection_row(**{"村(社区)": "张家村村委会"}) + ["C0"]], header=ins_header))
    assert result.status == "imported", result.to_json()
    assert rows_of(con, "SELECT unit_id FROM inspections")[0]["unit_id"] == "c:C0"


def test_same_round_and_unit_twice_rejected(con):
    rows = [INSPECTION_ROWS[0], inspection_row(巡察组="另一组")]
    result = run(con, roster_csv(), inspections_csv(rows))
    problem = rejected(result)[0]
    assert problem.row == 3 and "两次" in problem.reason


def test_same_round_and_unit_twice_across_files_rejected(con):
    result = run(con, roster_csv(), inspections_csv([INSPECTION_ROWS[0]], name="a.csv"),
                 inspections_csv([inspection_row(巡察组="另一组", **{"村(社区)": "张家村党支部"})], name="b.csv"))
    problems = rejected(result)
    assert {p.file for p in problems} <= {"a.csv", "b.csv"}


def test_same_unit_in_two_rounds_accepted(con):
    rows = [INSPECTION_ROWS[0], inspection_row(轮次="2022年第一轮", 开始日期="2022-03-14", 结束日期="2022-05-01")]
    result = run(con, roster_csv(), inspections_csv(rows))
    assert result.status == "imported", result.to_json()


def test_issue_without_inspection_rejected(con):
    row = list(ISSUE_ROWS[0])
    row[0] = "2022年第一轮"
    result = run(con, roster_csv(), inspections_csv(), issues_csv([row]))
    problem = rejected(result)[0]
    assert problem.file == "issues.csv" and problem.row == 2
    assert "没有巡察记录" in problem.reason


def test_issue_for_uninspected_roster_unit_rejected(con):
    row = list(ISSUE_ROWS[0])
    row[3] = "李家村"
    result = run(con, roster_csv(), inspections_csv(), issues_csv([row]))
    assert "没有巡察记录" in rejected(result)[0].reason


def test_issue_for_stored_inspection_accepted(con):
    assert run(con, roster_csv(), inspections_csv()).status == "imported"
    result = run(con, issues_csv())
    assert result.status == "imported", result.to_json()


def test_issue_count_mismatch_is_a_warning(con):
    # 张家村 reports issues_found = 2; list three of them
    rows = ISSUE_ROWS + [ISSUE_ROWS[0]]
    result = run(con, roster_csv(), inspections_csv(), issues_csv(rows))
    assert result.status == "imported", result.to_json()
    assert any("不一致" in w and "张家村" in w for w in result.warnings)


def test_issue_count_match_no_warning(con):
    result = run(con, roster_csv(), inspections_csv(), issues_csv())
    assert result.status == "imported"
    assert not any("不一致" in w for w in result.warnings)


# ---------------------------------------------------------------- files and sheets


def test_file_with_no_recognisable_sheet_rejected_listing_headers(con):
    data = csv_bytes([["姓名", "性别", "年龄"], ["张三", "男", "30"]])
    result = run(con, InputFile("people.csv", data))
    problem = rejected(result)[0]
    assert problem.file == "people.csv"
    for header in ("姓名", "性别", "年龄"):
        assert header in problem.suggestion


def test_workbook_with_no_recognisable_sheet_lists_each_sheet(con):
    data = xlsx_bytes({"工资": [["姓名", "工资"], ["张三", 100]], "考勤": [["日期", "出勤"], ["2021-01-01", "是"]]})
    result = run(con, InputFile("misc.xlsx", data))
    problem = rejected(result)[0]
    assert "工资" in problem.suggestion and "出勤" in problem.suggestion


def test_tables_recognised_by_header_not_sheet_name(con):
    data = xlsx_bytes({
        "Sheet3": table(ISSUE_HEADER, ISSUE_ROWS),
        "Sheet1": table(ROSTER_HEADER, ROSTER_ROWS, TITLES),
        "Sheet2": table(INSPECTION_HEADER, INSPECTION_ROWS),
        "说明": [["本工作簿说明"], ["请勿修改表头"]],
    })
    result = run(con, InputFile("台账.xlsx", data))
    assert result.status == "imported", result.to_json()
    assert result.added == 4 + 2 + 3


def test_missing_required_column_rejected(con):
    header = [h for h in INSPECTION_HEADER if h != "开始日期"]
    rows = [[c for h, c in zip(INSPECTION_HEADER, r, strict=True) if h != "开始日期"] for r in INSPECTION_ROWS]
    result = run(con, roster_csv(), inspections_csv(rows, header=header))
    problem = rejected(result)[0]
    assert "开始日期" in problem.reason and problem.row == 1


def test_unknown_columns_ignored_with_warning(con):
    header = INSPECTION_HEADER + ["联系人"]
    result = run(con, roster_csv(), inspections_csv([r + ["王五"] for r in INSPECTION_ROWS], header=header))
    assert result.status == "imported", result.to_json()
    assert any("联系人" in w for w in result.warnings)


def test_formula_looking_text_stored_as_text(con):
    row = list(ISSUE_ROWS[0])
    row[5] = "=1+2"
    result = run(con, roster_csv(), inspections_csv(), issues_csv([row, ISSUE_ROWS[1], ISSUE_ROWS[2]]))
    assert result.status == "imported", result.to_json()
    assert "=1+2" in {r["subcategory"] for r in rows_of(con, "SELECT subcategory FROM issues")}
