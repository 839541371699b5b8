"""Sheet, workbook and Word shapes offices keep (a seventh round, the layout side): notes kept in the columns
left of a ledger, tab-separated text named .xls under a title line, a Word cell merged down over a page break,
a Word ledger in a text box or beside a table of figures, a roster whose title names its township, a place
written on its group's first row only, a printed form's pages typed in. Each imports with the figures a clerk
computes by hand, or is refused naming the real reason."""

from __future__ import annotations

import pytest
from support.ledgers import csv_bytes, fresh_store, roster_csv, rows_of, run, xlsx_bytes

from inspection import readers
from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

ROSTER = [["东城区", "城关镇", "张家村", "村", "是", "否"], ["东城区", "城关镇", "李家村", "村", "否", "否"],
          ["东城区", "河口镇", "王庄村", "村", "是", "否"], ["东城区", "河口镇", "刘庄村", "村", "否", "否"]]
HEADER = ["轮次", "巡察组", "开始日期", "县区", "乡镇", "村(社区)", "发现问题数", "移交问题线索数"]


def _row(township, unit, found, clues):
    return ["2021年第一轮", "市委第一巡察组", "2021-03-15", "东城区", township, unit, found, clues]


RECORDS = [_row("城关镇", "张家村", 2, 1), _row("城关镇", "李家村", 3, 0), _row("河口镇", "王庄村", 1, 0),
           _row("河口镇", "刘庄村", 4, 2)]
EXPECTED = [("城关镇", "张家村", 2, 1), ("城关镇", "李家村", 3, 0), ("河口镇", "刘庄村", 4, 2), ("河口镇", "王庄村", 1, 0)]


def _inspections(con) -> list[tuple]:
    return [tuple(r.values()) for r in rows_of(
        con, "SELECT township, unit_name, issues_found, clues FROM inspections WHERE superseded_by IS NULL "
             "ORDER BY 1, 2")]


# ---------------------------------------------------------------- notes beside the records


@pytest.mark.parametrize("name", ["巡察.xlsx", "巡察.csv"])
def test_notes_kept_left_of_the_ledger_beside_its_records_drop_no_record(con, monkeypatch, name):
    """A ledger starting at column D, the clerk's notes in the columns left of it (说明：…, 注：… on the rows
    of records): each record is read. A row whose first filled cell started like a note was skipped as a
    note row, its record dropped with only 已跳过表外说明行 said (three of four here); a note row naming no
    unit is still a note."""
    monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0)
    notes = ["填表说明：", "1.本表按乡镇排序", "注：数据截至年底", "说明：发现问题数含移交"]
    rows = [[None, None, None, *HEADER], *([note, None, None, *record] for note, record in zip(notes, RECORDS, strict=True)),
            ["填表人：王某某", None, None, None, None, None, None, None, None, "2021-06-01"]]
    data = csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes({"巡察": rows})
    result = run(con, roster_csv(ROSTER), InputFile(name, data))
    assert result.status == "imported", result.problems
    assert _inspections(con) == EXPECTED
    assert any("表外说明行（填表人、审核人、说明、示例等） 1 行（第 6 行）" in w for w in result.warnings)


# ---------------------------------------------------------------- text a web system names .xls


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_tab_separated_text_named_xls_with_a_title_line_above_its_header_is_read(con, encoding):
    """A web system's "export to Excel": tab-separated text saved as .xls, its title line and a blank line
    above the header, a 合计 line at the end (Excel opens it after a warning). Without separators on its first
    line it was refused as plain text; its records are read, the 合计 line skipped. Text without a ledger's
    header is still refused as plain text."""
    for title in ("东城区巡察情况导出", "东城区巡察情况导出 ", "东城区巡察情况导出  "):
        # a note past the first 8 KB read to tell what the file is: one title cuts a character there
        lines = [[title], [], [*HEADER, "备注"], *([*r, "说明" * 3000 if i == 0 else ""] for i, r in enumerate(RECORDS)),
                 ["合计", "", "", "", "", "", 10, 3]]
        text = "\r\n".join("\t".join(str(c) for c in line) for line in lines).encode(encoding)
        if text[:8192].decode(encoding, errors="replace")[-1] == "\ufffd":
            break
    result = run(con, roster_csv(ROSTER), InputFile("巡察.xls", text))
    assert result.status == "imported", result.problems
    assert _inspections(con) == EXPECTED
    assert any("合计/小计行 1 行（第 8 行）" in w for w in result.warnings)
    prose = "东城区巡察工作总结\r\n\r\n一、基本情况\t今年共巡察4个村，发现问题10个\r\n".encode(encoding)
    result = run(con, InputFile("总结.xls", prose))
    assert result.status == "rejected"
    assert "文件内容是纯文本" in result.problems[0].reason


# ---------------------------------------------------------------- Word


_ISSUE_HEADER = ["序号", "轮次", "县区", "乡镇", "村(社区)", "问题类别", "问题描述", "整改状态"]


def _issue(number, unit, category, status):
    return [number, "2021年第一轮", "东城区", "城关镇", unit, category, f"问题{number}", status]


def _continued_down(xml: bytes) -> bytes:
    """Each cell written 〔续〕 merged down with the cell above it (vMerge continued), as Word writes the part
    of a merged cell that a page break put in a table of its own."""
    text = xml.decode()
    while (at := text.find("〔续〕")) >= 0:
        cell = text.rfind("<w:tc>", 0, at)
        props = text.index("</w:tcPr>", cell)
        text = text[:props] + "<w:vMerge/>" + text[props:at].replace("〔续〕", "") + text[at + len("〔续〕"):]
    return text.encode()


@pytest.mark.parametrize("header_again", [True, False])
def test_a_word_cell_merged_down_over_a_page_break_fills_the_rows_of_both_tables(con, header_again):
    """A Word ledger split into two tables at a page (the header repeated or not), a unit written once and
    merged down over its issues on both pages: the second table's rows take the unit too. They were read
    with the unit blank and refused."""
    from support.ledgers import docx_bytes, docx_with_xml

    first = [_ISSUE_HEADER, _issue(1, "张家村", "党的建设", "已整改"), _issue(2, None, "党的建设", "整改中")]
    second = [_issue(3, "〔续〕", "廉洁", "未整改"), _issue(4, "李家村", "廉洁", "已整改")]
    second = [_ISSUE_HEADER, *second] if header_again else second
    data = docx_with_xml(docx_bytes("2021年第一轮巡察反馈问题整改台账", (first, [((1, 4), (2, 4))]), (second, [])),
                         _continued_down)
    inspections = [HEADER, RECORDS[0], RECORDS[1]]
    result = run(con, roster_csv(ROSTER), InputFile("巡察.csv", csv_bytes(inspections)), InputFile("整改台账.docx", data))
    assert result.status == "imported", result.problems
    got = rows_of(con, "SELECT unit_id, count(*) AS n FROM issues WHERE superseded_by IS NULL GROUP BY 1 ORDER BY 1")
    assert [(r["unit_id"].rsplit("|", 1)[1], r["n"]) for r in got] == [("张家村", 3), ("李家村", 1)]


def _in_a_text_box(xml: bytes) -> bytes:
    """The document's table moved into a floating text box, as Word writes one: the box, and its copy for
    older readers (mc:Fallback, VML), each holding the table."""
    text = xml.decode()
    start, end = text.index("<w:tbl>"), text.index("</w:tbl>") + len("</w:tbl>")
    table = text[start:end]
    box = ('<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
           '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData><wps:wsp>'
           f'<wps:txbx><w:txbxContent>{table}<w:p/></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic>'
           '</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>'
           f'{table}<w:p/></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')
    return (text[:start] + box + text[end:]).encode()


def test_a_word_ledger_pasted_into_a_text_box_is_read_once(con):
    """A Word ledger whose table sits in a text box (pasted into one, or a page laid out with boxes), the body
    holding no table: the box's table is read, once (not its copy for older readers too). It was refused
    saying the document had no table."""
    from support.ledgers import docx_bytes, docx_with_xml

    rows = [_ISSUE_HEADER, _issue(1, "张家村", "党的建设", "已整改"), _issue(2, "张家村", "廉洁", "整改中"),
            _issue(3, "李家村", "廉洁", "未整改")]
    data = docx_with_xml(docx_bytes("2021年第一轮巡察反馈问题整改台账", (rows, [])), _in_a_text_box)
    inspections = [HEADER, RECORDS[0], RECORDS[1]]
    result = run(con, roster_csv(ROSTER), InputFile("巡察.csv", csv_bytes(inspections)), InputFile("整改台账.docx", data))
    assert result.status == "imported", result.problems
    got = rows_of(con, "SELECT unit_id, status FROM issues WHERE superseded_by IS NULL")
    assert sorted((r["unit_id"].rsplit("|", 1)[1], r["status"]) for r in got) == [
        ("张家村", "in_progress"), ("张家村", "rectified"), ("李家村", "not_started")]


# ---------------------------------------------------------------- a township the title names

_ROSTER_HEADER = ["序号", "县区", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]
_CHENGGUAN = [[1, "东城区", "张家村", "村", "是", "否"], [2, "东城区", "李家村", "村", "否", "否"]]


def _units(con) -> list[tuple]:
    return [tuple(r.values()) for r in rows_of(
        con, "SELECT district, township, unit_name FROM roster WHERE superseded_by IS NULL ORDER BY 2, 3")]


@pytest.mark.parametrize(("title", "name", "district_column"), [
    ("城关镇村（社区）名册", "名册.xlsx", True),
    ("东城区城关镇村（社区）名册", "名册.xlsx", False),  # the district before it, no column of either
    ("2021年城关镇巡察对象名单", "名册.xlsx", True),
    ("村（社区）名册", "城关镇村（社区）名册.xlsx", True),  # the file's name
])
def test_a_roster_of_one_township_named_by_its_title_takes_it(con, title, name, district_column):
    """A township's roster without a 乡镇 column, the township named by its title (城关镇村（社区）名册) or the
    file's name: every unit is of it, and a warning says so. It was refused for the missing column."""
    rows = [[title], _ROSTER_HEADER, *_CHENGGUAN]
    if not district_column:
        rows = [[title], *([r[0], *r[2:]] for r in rows[1:])]
    result = run(con, InputFile(name, xlsx_bytes({"Sheet1": rows})))
    assert result.status == "imported", result.problems
    assert _units(con) == [("东城区", "城关镇", "张家村"), ("东城区", "城关镇", "李家村")]
    source = "文件名" if name != "名册.xlsx" else "表格标题"
    assert any(f"表中没有“乡镇”列，各行的乡镇（街道）按{source}取为「城关镇」" in w for w in result.warnings)


@pytest.mark.parametrize("title", ["城关镇、河口镇村（社区）名册", "各乡镇村（社区）名册", "乡镇村（社区）名册",
                                   "城关镇等2个镇村（社区）名册"])
def test_a_title_naming_two_townships_or_none_leaves_the_roster_refused_for_the_column(con, title):
    result = run(con, InputFile("名册.xlsx", xlsx_bytes({"Sheet1": [[title], _ROSTER_HEADER, *_CHENGGUAN]})))
    assert result.status == "rejected"
    assert "缺少必填列：乡镇" in result.problems[0].reason


# ---------------------------------------------------------------- a place written on its group's first row


@pytest.mark.parametrize("name", ["巡察.xlsx", "巡察.csv"])
def test_a_township_written_on_its_groups_first_row_only_is_that_groups(con, monkeypatch, name):
    """A ledger sorted by township, the township (and district) written only on each group's first row, the
    cells below left blank (not merged; or merged, then saved as CSV): each record takes the place of the
    record right above it, and a warning names the rows. They were refused as blank. A blank district beside
    another township than the row above's is not filled (it may be another district's) unless the ledger's
    records name one district only (a county's own ledger, its district merged down over every township)."""
    monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0)
    records = [list(r) for r in RECORDS]
    records[1][4] = records[3][3] = records[3][4] = None
    data = csv_bytes([HEADER, *records]) if name.endswith(".csv") else xlsx_bytes({"巡察": [HEADER, *records]})
    result = run(con, roster_csv(ROSTER), InputFile(name, data))
    assert result.status == "imported", result.problems
    assert _inspections(con) == EXPECTED
    assert any("第 3、5 行的县区、乡镇为空（每组只在第一行填写），按上一行的值读取" in w for w in result.warnings)
    records = [list(r) for r in RECORDS]
    records[2][3] = None  # 王庄村's district blank under 李家村's row of 城关镇: 东城区, the ledger's only district
    result = run(con, roster_csv(ROSTER), InputFile("巡察.xlsx", xlsx_bytes({"巡察": [HEADER, *records]})))
    assert result.status == "unchanged", result.problems  # the same records as the import above
    assert any("第 4 行的县区为空" in w for w in result.warnings), result.warnings
    records[3][3] = "西城区"  # a ledger of two districts: the blank may be either's
    result = run(con, roster_csv(ROSTER), InputFile("巡察2.xlsx", xlsx_bytes({"巡察": [HEADER, *records]})))
    assert result.status == "rejected"
    assert (4, "县区") in [(p.row, p.column) for p in result.problems]


@pytest.mark.parametrize("county_once", [False, True])
def test_a_roster_writing_each_townships_name_once_takes_it_for_its_villages(con, county_once):
    """county_once: the county's name only on the first row (merged down over the whole roster, then saved as
    CSV or unmerged), each township's on its group's first row: the blank 县区 beside 河口镇 was refused."""
    header = ["县区", "乡镇", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]
    rows = [header, *([None, None, *r[2:]] if i % 2 else r for i, r in enumerate(ROSTER))]
    if county_once:
        rows[3] = [None, *rows[3][1:]]  # 河口镇's first row
    result = run(con, InputFile("名册.xlsx", xlsx_bytes({"名册": rows})))
    assert result.status == "imported", result.problems
    assert _units(con) == [("东城区", "城关镇", "张家村"), ("东城区", "城关镇", "李家村"), ("东城区", "河口镇", "刘庄村"),
                           ("东城区", "河口镇", "王庄村")]


# ---------------------------------------------------------------- a printed form's pages typed in


def test_a_printed_forms_title_page_numbers_and_header_again_between_its_pages(con):
    """A ledger typed from a printed form, each page's title (merged across the row) and 填报单位 line, its
    header again and its page number (- 1 -, 第1页) between the pages: the rows between the pages are skipped,
    every record read. The title merged across was read as a record and refused for its cells; a page number
    was called an empty template row."""
    title, unit = "东城区2021年村级巡察情况统计表", "填报单位：东城区委巡察办"
    rows = [[title], [unit], HEADER, *RECORDS[:2], ["- 1 -"], [title], [unit], HEADER, *RECORDS[2:], ["第2页"]]
    merges = ["A1:H1", "A7:H7", "A6:H6"]
    result = run(con, roster_csv(ROSTER), InputFile("巡察.xlsx", xlsx_bytes({"巡察": rows}, merges={"巡察": merges})))
    assert result.status == "imported", result.problems
    assert _inspections(con) == EXPECTED
    assert any("表外说明行（填表人、审核人、说明、示例等） 3 行（第 6、8、12 行）；重复的表头行 1 行（第 9 行）；"
               "表头上方的分块标题行 1 行（第 7 行）" in w for w in result.warnings), result.warnings


def test_a_word_table_of_figures_by_township_beside_the_ledger_is_left_out(con):
    """A Word report holding a table of figures by township (乡镇 | 问题数 | 已整改, under 一、总体情况) and the
    issue list: the list is read, the figures' table left out with a warning naming it. It was taken for an
    inspections table missing its columns and refused the document (a workbook's such sheet is left out when
    its name says 统计; a Word table's name is the reader's). Alone it is still refused for its columns."""
    from support.ledgers import docx_bytes

    figures = ([["乡镇", "问题数", "已整改"], ["城关镇", 2, 1], ["合计", 2, 1]], [])
    rows = [_ISSUE_HEADER, _issue(1, "张家村", "党的建设", "已整改"), _issue(2, "张家村", "廉洁", "整改中")]
    inspections = InputFile("巡察.csv", csv_bytes([HEADER, RECORDS[0]]))
    data = docx_bytes("2021年第一轮巡察反馈问题整改情况", "一、总体情况", figures, "二、问题清单", (rows, []))
    result = run(con, roster_csv(ROSTER), inspections, InputFile("整改情况.docx", data))
    assert result.status == "imported", result.problems
    assert rows_of(con, "SELECT count(*) AS n FROM issues WHERE superseded_by IS NULL") == [{"n": 2}]
    assert any("「一、总体情况」：没有村(社区)列，是统计表而不是台账，未导入（导入的是表格「" in w for w in result.warnings)
    result = run(con, InputFile("统计.docx", docx_bytes("2021年第一轮巡察情况统计", figures)))
    assert result.status == "rejected"
    assert "缺少必填列" in result.problems[0].reason


def test_a_word_heading_naming_the_table_under_it_is_no_category(con):
    """An issue list without a category column under the report's heading 二、问题清单: the heading names the
    table, it is no category (every issue was stored in a category 问题清单); the list is refused for its
    missing column. A category heading above a table (一、党的建设方面) still gives its issues their category."""
    from support.ledgers import docx_bytes

    header = [h for h in _ISSUE_HEADER if h != "问题类别"]
    rows = [header, *([*r[:5], *r[6:]] for r in (_issue(1, "张家村", None, "已整改"), _issue(2, "张家村", None, "整改中")))]
    inspections = InputFile("巡察.csv", csv_bytes([HEADER, RECORDS[0]]))
    for heading in ("二、问题清单", "（二）整改台账："):
        result = run(con, roster_csv(ROSTER), inspections,
                     InputFile("整改.docx", docx_bytes("2021年第一轮巡察反馈问题整改情况", heading, (rows, []))))
        assert result.status == "rejected"
        assert "缺少必填列：问题类别" in result.problems[0].reason
    result = run(con, roster_csv(ROSTER), inspections,
                 InputFile("整改.docx", docx_bytes("2021年第一轮巡察反馈问题整改情况", "一、党的建设方面", (rows, []))))
    assert result.status == "imported", result.problems
    assert rows_of(con, "SELECT DISTINCT category FROM issues WHERE superseded_by IS NULL") == [{"category": "党的建设"}]
