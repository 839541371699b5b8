"""Confidential content in places a ledger really puts it (DOMAIN.md "What is sensitive", DATA_CONTRACT.md
"Real ledgers"): names of people, clue details, ID and phone numbers are never stored for display, shown in
a message or a warning, nor written to the problem workbook; the kept original is the one copy.

Each test plants unique fake names (甄某某测试...) and searches everything the import keeps or says."""

from __future__ import annotations

import io
import json

import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ISSUE_ROWS,
    csv_bytes,
    fresh_store,
    roster_csv,
    run,
    table,
    xlsx_bytes,
)

from inspection import mappings, problem_report
from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

ID_NUMBER, PHONE = "110101199001011234", "13800138000"


def stored_texts(con) -> str:
    """Every text cell of every table and view of the store, one per line (each relation read once,
    all its text columns together: a view is computed once, not once per column)."""
    columns: dict[str, list[str]] = {}
    for name, column in con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                    "WHERE table_schema = 'main' AND data_type = 'VARCHAR'").fetchall():
        columns.setdefault(name, []).append(column)
    out = []
    for name, names in columns.items():
        cells = ", ".join(f'"{column}"' for column in names)
        out += [v for (v,) in con.execute(f'SELECT DISTINCT unnest([{cells}]) FROM "{name}"').fetchall() if v]
    return "\n".join(out)


def said(result) -> str:
    """Everything the import tells the clerk: the page's and the command line's report (--json)."""
    return json.dumps(result.to_json(), ensure_ascii=False)


def workbook_texts(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(v) for ws in book for r in ws.iter_rows(values_only=True) for v in r if v is not None)


def assert_nowhere(con, result, *secrets: str) -> None:
    for place, text in (("store", stored_texts(con)), ("report", said(result))):
        found = [s for s in secrets if s in text]
        assert not found, (place, found)


def inspections(extra: dict[str, list[object]] | None = None) -> InputFile:
    extra = extra or {}
    rows = [list(r) + [values[i] for values in extra.values()] for i, r in enumerate(INSPECTION_ROWS)]
    return InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(INSPECTION_HEADER + list(extra), rows)}))


def issues(extra: dict[str, list[object]] | None = None, rows=None, header=None) -> InputFile:
    extra = extra or {}
    rows = [list(r) + [values[i] for values in extra.values()] for i, r in enumerate(rows or ISSUE_ROWS)]
    return InputFile("问题清单.csv", csv_bytes(table((header or ISSUE_HEADER) + list(extra), rows), "gbk"))


# ---------------------------------------------------------------- columns the contract does not list

PERSON = ["被处分人", "被处分人员姓名", "涉及人员", "当事人", "被反映人", "线索反映对象", "问题线索反映人", "姓名",
          "职务姓名", "村支书", "书记姓名", "村委会主任", "巡察组组长", "带队领导"]
CONTACT = ["联系电话", "手机号", "身份证号"]
CLUE = ["线索内容", "问题线索具体情况"]


@pytest.mark.parametrize("header", PERSON + CONTACT + CLUE)
def test_a_column_naming_people_is_dropped_under_any_header(con, header):
    """Listed as a column never read, by its header alone; its values reach neither the store nor a
    message, in an inspections workbook and in a GBK issue list alike."""
    secrets = [f"甄{i}测试" for i in range(3)]
    values = [f"{secrets[0]} {PHONE}", f"{secrets[1]} {ID_NUMBER}", secrets[2]]
    result = run(con, roster_csv(), inspections({header: values[:2]}), issues({header: values}))
    assert result.status == "imported", result.problems
    assert_nowhere(con, result, *secrets, PHONE, ID_NUMBER)
    dropped = [w for w in result.warnings if "不导入、不保存" in w]
    assert len(dropped) == 2 and all(w.endswith(f"：{header}") for w in dropped), result.warnings
    kind = "人员姓名列" if header in PERSON else "联系方式列" if header in CONTACT else "问题线索内容列"
    assert all(kind in w for w in dropped)
    assert not any(header in w for w in result.warnings if "未识别的列" in w)


def test_a_count_of_people_is_no_person_column(con):
    """被处分人数 counts people: left unrecognised (a mapping may name it), never dropped as names."""
    result = run(con, roster_csv(), inspections({"被处分人数": [1, 0]}))
    assert result.status == "imported", result.problems
    assert any("未识别的列已忽略：被处分人数" in w for w in result.warnings)
    mappings.checked(mappings.Mapping("inspections", "judicial", header="被处分人数"))


@pytest.mark.parametrize("header", ["被处分人", "姓名", "线索内容", "联系电话"])
def test_a_column_naming_people_cannot_be_mapped(con, header):
    """Not to description or any field: a mapping would store the names for display."""
    with pytest.raises(mappings.MappingError, match="保密内容"):
        mappings.checked(mappings.Mapping("issues", "description", header=header))


def test_a_mapping_saved_before_is_not_applied_to_a_column_naming_people(con):
    """A store may hold a mapping of 线索内容 to description saved before the rule: it is not applied."""
    con.execute("INSERT INTO mappings VALUES (1, 'issues', 'description', '线索内容', NULL, NULL, 'admin', now())")
    secret = "反映甄一测试收受红包"
    result = run(con, roster_csv(), inspections(), issues({"线索内容": [secret] * 3}))
    assert result.status == "imported", result.problems
    assert_nowhere(con, result, "甄一测试")
    assert not result.mappings


def test_the_problem_workbook_of_a_discipline_ledger_leaves_out_its_names(con):
    """A 审查调查 / 处分决定 ledger (a name per row) read as a roster is refused; the workbook that
    mirrors it for the clerk leaves the 姓名 column empty."""
    header = ["序号", "县区", "乡镇街道", "村(社区)", "姓名", "职务", "处分种类"]
    rows = [[1, "东城区", "城关镇", "张家村", "甄一测试", "村支书", "党内警告"],
            [2, "东城区", "城关镇", "张家村", "甄二测试", "村主任", "严重警告"]]
    files = [InputFile("处分决定.csv", csv_bytes(table(header, rows), "gbk"))]
    result = run(con, *files)
    assert result.status == "rejected"
    assert_nowhere(con, result, "甄一测试", "甄二测试")
    texts = workbook_texts(problem_report.build(files, result.problems))
    assert "姓名" in texts and "张家村" in texts and "甄一测试" not in texts and "甄二测试" not in texts


# ---------------------------------------------------------------- names, ID and phone numbers inside kept values


def test_a_team_written_with_its_leader_is_the_team(con):
    """第一巡察组（组长：李某某）: the team table, the compare page and every export show teams; the note
    naming the leader is dropped and the team groups with its plain spelling."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][2] = "市委第一巡察组（组长：甄一测试、甄二测试）"
    rows[1][2] = "县委第二巡察组(联络员:甄三测试)"
    result = run(con, roster_csv(), InputFile("巡察.xlsx", xlsx_bytes({"巡察": table(INSPECTION_HEADER, rows)})))
    assert result.status == "imported", result.problems
    assert_nowhere(con, result, "甄一测试", "甄二测试", "甄三测试")
    assert sorted(t for (t,) in con.execute("SELECT team FROM inspections").fetchall()) == ["县委第二巡察组", "市委第一巡察组"]


def fast_and_slow(monkeypatch, files):
    from support.fast_path import run_both

    return run_both(monkeypatch, [roster_csv()], files)


def test_id_and_phone_numbers_in_a_description_are_hidden_on_both_csv_paths(monkeypatch):
    """A description is free text for administrators (the overdue list, the unit's page), never exported;
    an ID or phone number in it is still hidden at import, on the vectorised CSV path too (plain text
    there is kept without a converter)."""
    header = ISSUE_HEADER + ["问题描述"]
    rows = [list(r) + [d] for r, d in zip(ISSUE_ROWS, [f"违规发放补贴，身份证号{ID_NUMBER}", f"联系电话{PHONE}",
                                                       "会议记录不全(经办人:甄一测试)"], strict=True)]
    inspections_file = InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS)))
    result, data = fast_and_slow(monkeypatch, [inspections_file, InputFile("问题.csv", csv_bytes(table(header, rows)))])
    assert result.status == "imported", result.problems
    assert sorted(r[5] for r in data["issues"]) == sorted(
        ["违规发放补贴,身份证号（身份证号，不显示）", "联系电话（电话号码，不显示）", "会议记录不全"])
    assert not any(s in repr(data) for s in (ID_NUMBER, PHONE, "甄一测试"))


@pytest.mark.parametrize(("team", "unit"), [("市委第一巡察组(组长:甄一测试)", "张家村"),
                                          ("市委第一巡察组(组长甄一测试)", "张家村(书记甄二测试)"),
                                          ("市委第一巡察组（带队：甄一测试、甄二测试）", "张家村（支书：甄三测试）")])
def test_a_team_or_unit_with_its_leader_on_the_vectorised_csv_path(monkeypatch, team, unit):
    """The CSV's ASCII brackets and colon are plain text, which that path keeps without a converter; a
    leader in brackets after a team's or a unit's name needs no colon (第一巡察组（组长李某某））."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][2], rows[0][8] = team, unit
    result, data = fast_and_slow(monkeypatch, [InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, rows)))])
    assert result.status == "imported", result.problems
    assert "甄" not in repr(data)
    assert sorted(r[4] for r in data["inspections"]) == sorted(r[8] for r in INSPECTION_ROWS)
    assert "市委第一巡察组" in [r[7] for r in data["inspections"]], data["inspections"]


def test_a_bracket_in_a_description_is_kept_without_a_colon():
    """（责任人不明确） in a description is text about the issue, not a name: kept."""
    from inspection import cells

    assert cells.to_text("整改不到位（责任人不明确）") == "整改不到位(责任人不明确)"
    assert cells.to_text("整改不到位（责任人：甄一测试）") == "整改不到位"


def test_a_status_or_unit_with_a_person_noted_beside_it_is_read_without_the_note(con):
    """已整改（责任人：王某某）is rectified; 张家村（书记：李某某）is the roster's 张家村."""
    issue_rows = [list(r) for r in ISSUE_ROWS]
    issue_rows[1][6] = "整改中（责任人：甄一测试）"
    inspection_rows = [list(r) for r in INSPECTION_ROWS]
    inspection_rows[0][8] = "张家村（书记：甄二测试）"
    result = run(con, roster_csv(), InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, inspection_rows))),
                 issues(rows=issue_rows))
    assert result.status == "imported", result.problems
    assert_nowhere(con, result, "甄一测试", "甄二测试")
    assert con.execute("SELECT count(*) FROM issues WHERE status = 'in_progress'").fetchone()[0] == 1


def test_a_refused_cell_is_quoted_without_a_name_after_its_role_or_a_number(con):
    """The message names the cell (row, column, value) as the contract asks, with what reaches a person
    replaced; a question a mapping could answer carries no name either."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][9] = f"见附件（联系人：甄一测试 {PHONE}）"
    rows[1][4] = f"负责人:甄二测试 {PHONE}"
    issue_rows = [list(r) for r in ISSUE_ROWS]
    issue_rows[0][6] = "已闭环 负责人：甄三测试"
    result = run(con, roster_csv(), InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, rows))),
                 issues(rows=issue_rows))
    assert result.status == "rejected"
    assert_nowhere(con, result, "甄一测试", "甄二测试", "甄三测试", PHONE)
    assert {(p.row, p.column) for p in result.problems} == {(2, "发现问题数"), (3, "开始日期"), (2, "整改状态")}
    assert any("（人员姓名，不显示）" in p.value for p in result.problems)


def test_an_id_number_in_a_count_column_is_not_quoted(con):
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][11] = ID_NUMBER  # 党纪政务处分人数: the ID typed into the wrong column
    result = run(con, roster_csv(), InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    assert result.status == "rejected"
    assert_nowhere(con, result, ID_NUMBER)
    assert [(p.row, p.column) for p in result.problems] == [(2, "党纪政务处分人数")]


# ---------------------------------------------------------------- rows around the table


@pytest.mark.parametrize("note", ["报送人：甄一测试", "审批人：甄一测试", "签发人:甄一测试", "核稿：甄一测试",
                                  "领导签字：甄一测试", "主要领导：甄一测试  联系方式：13800138000"])
def test_a_signature_line_below_the_table_is_a_note_row(con, note):
    """Skipped and reported by its row number, as 填表人：… is; it had been read as a record missing
    every required cell (the import refused, its problem workbook copying the names)."""
    header = ["序号"] + INSPECTION_HEADER
    rows = [[i + 1] + list(r) for i, r in enumerate(INSPECTION_ROWS)] + [[note]]
    result = run(con, roster_csv(), InputFile("巡察.csv", csv_bytes(table(header, rows), "gbk")))
    assert result.status == "imported", result.problems
    assert result.skipped == 1 and any("第 4 行" in w for w in result.warnings)
    assert_nowhere(con, result, "甄一测试", PHONE)


def test_a_heading_naming_its_leader_gives_the_category_without_the_name(con):
    """一、班子建设方面（责任领导：王某某）: the category 班子建设, shown on every category chart."""
    header = [h for h in ISSUE_HEADER if h not in ("问题类别", "二级类别")]
    rows = [[v for h, v in zip(ISSUE_HEADER, r, strict=True) if h in header] for r in ISSUE_ROWS]
    rows = [["一、班子建设方面（责任领导：甄一测试）"]] + rows
    result = run(con, roster_csv(), InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS))),
                 issues(rows=rows, header=header))
    assert result.status == "imported", result.problems
    assert_nowhere(con, result, "甄一测试")
    assert con.execute("SELECT DISTINCT category FROM issues").fetchall() == [("班子建设",)]


def test_the_problem_workbook_copies_a_title_row_without_its_contact(con):
    """The workbook mirrors the refused file for the clerk; a name after its role and a phone number in a
    row it copies (a title: 东城区巡察情况 联系人：王某某 电话：138…) are left out as the store leaves them."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[1][9] = "很多"
    titles = [[f"东城区巡察情况统计表 联系人：甄一测试 电话：{PHONE}"]]
    files = [InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, rows, titles=titles), "gbk"))]
    result = run(con, roster_csv(), *files)
    assert result.status == "rejected" and [p.row for p in result.problems] == [4]
    texts = workbook_texts(problem_report.build(files, result.problems))
    assert "东城区巡察情况统计表" in texts and "很多" in texts
    assert "甄一测试" not in texts and PHONE not in texts


def test_a_value_mapping_keeps_no_name(con):
    """已闭环 负责人：王某某 is a question a mapping can answer; the mapping, saved from the question or typed
    with the name, holds the value without it and answers every such cell."""
    issue_rows = [list(r) for r in ISSUE_ROWS]
    issue_rows[0][6] = "已闭环 负责人：甄一测试"
    issue_rows[1][6] = "已闭环 负责人：甄二测试"
    files = [roster_csv(), InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS))),
             issues(rows=issue_rows)]
    result = run(con, *files)
    assert result.status == "rejected" and result.questions is not None
    assert [(q.value, q.rows) for q in result.questions.values] == [("已闭环负责人:(人员姓名,不显示)", 2)]
    mappings.add_all(con, [mappings.Mapping("issues", "status", value="已闭环 负责人：甄三测试", means="整改中")], "admin")
    result = run(con, *files)
    assert result.status == "imported", result.problems
    assert_nowhere(con, result, "甄一测试", "甄二测试", "甄三测试")


def test_the_change_list_shows_a_team_kept_by_an_earlier_release_without_its_leader(con):
    """A store filled before names were hidden keeps 第一巡察组（组长：李某某）; the import that replaces it
    lists the change (old -> new) without the name."""
    files = [roster_csv(), InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS)))]
    assert run(con, *files).status == "imported"
    con.execute("UPDATE inspections SET team = '市委第一巡察组（组长：甄一测试）', issues_found = 9 "
                "WHERE team = '市委第一巡察组'")
    result = run(con, *files)
    assert result.status == "imported" and result.replaced == 1, result
    assert "甄一测试" not in said(result)
    assert {(c["old"], c["new"]) for c in result.changes} >= {("市委第一巡察组", "市委第一巡察组")}


def test_a_due_date_written_with_its_responsible_person_keeps_the_date_alone(con):
    """由王某某负责，2022年底前: the date (the contract takes the date of text with a date and more)."""
    import datetime as dt

    issue_rows = [list(r) for r in ISSUE_ROWS]
    issue_rows[1][7] = "由甄一测试负责，2022年底前"
    result = run(con, roster_csv(), InputFile("巡察.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS))),
                 issues(rows=issue_rows))
    assert result.status == "imported", result.problems
    assert_nowhere(con, result, "甄一测试")
    assert (dt.date(2022, 12, 31),) in con.execute("SELECT due_date FROM issues").fetchall()
