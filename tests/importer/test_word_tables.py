"""Issue lists and rectification ledgers kept as tables in Word documents (.docx, Word or WPS 文字):
read as a workbook's sheets (readers.read_docx), they give what the same ledger as .xlsx gives.

The documents are built by code (python-docx writes the OOXML Word and WPS write: gridSpan for a cell
merged across, vMerge for one merged down).
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from support.ledger_gallery import AS_OF, PLAIN_INSPECTION_HEADER, PLAIN_INSPECTIONS, ROSTER, ROSTER_HEADER
from support.ledgers import (
    csv_bytes,
    data_dump,
    docx_bytes,
    docx_table,
    docx_with_xml,
    memory_store,
    new_store_file,
    ods_package,
    odt_bytes,
    run,
    table,
    xls_bytes,
)

from inspection import cli, metrics, readers
from inspection.filters import Filters
from inspection.importer import InputFile

TITLE = "中共东城区委第三巡察组2021年第一轮巡察反馈问题整改台账"
HEADER = ["序号", "被巡察党组织", "问题类别", "问题具体表现", "整改措施", "责任人", "整改时限", "整改进展情况"]
# a unit written once over its issues and a category once over its own (merged down), a heading row per
# township and a 合计 row (merged across), a cell of two paragraphs
ROWS = [
    ["一、城关镇"],
    ["1", "李官村党支部", "党的领导", "会议记录不全", "建立会议制度", "王某某", "2021年4月15日", "已完成整改"],
    ["2", None, None, "学习不深入\n理论学习流于形式", "制定学习计划", "王某某", "2021年6月30日", "正在推进"],
    ["3", None, "全面从严治党", "阵地管理不严", "长期坚持", "李某某", "长期坚持", "持续推进"],
    ["4", "张家村党支部", "全面从严治党", "三资管理不规范", "清理合同", "赵六", "2021年12月31日", "已完成整改"],
    ["5", "城关社区党支部", None, "村务公开不及时", "按月公开", "赵六", "2021年12月31日", "基本完成"],
    ["二、河口镇"],
    ["6", "王庄村党支部", "全面从严治党", "惠民资金发放滞后", "限期发放", "钱七", "2021年6月30日", "尚未整改"],
    ["合计", None, None, "6个问题"],
]
WIDTH = len(HEADER)
# 0-based within ROWS: the headings and the 合计 label across, the unit and the categories down
MERGES = [((0, 0), (0, WIDTH - 1)), ((6, 0), (6, WIDTH - 1)), ((8, 0), (8, 2)),
          ((1, 1), (3, 1)), ((1, 2), (2, 2)), ((3, 2), (5, 2))]
NAMES = ("王某某", "李某某", "赵六", "钱七")


def _shifted(merges, by: int):
    return [((r0 + by, c0), (r1 + by, c1)) for (r0, c0), (r1, c1) in merges]


WHOLE = ([HEADER, *ROWS], _shifted(MERGES, 1))
SMALL = docx_bytes(TITLE, WHOLE)  # the ledger as a Word document: its title paragraph, then its table


def xlsx_ledger() -> bytes:
    """The same ledger as a workbook: the title in its first row, the same cells merged."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "问题清单"
    for row in [[TITLE], HEADER, *ROWS]:
        sheet.append(row)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=WIDTH)
    for (r0, c0), (r1, c1) in _shifted(MERGES, 2):
        sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _beside() -> list[InputFile]:
    return [InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, ROSTER))),
            InputFile("巡察情况.csv", csv_bytes(table(PLAIN_INSPECTION_HEADER, PLAIN_INSPECTIONS)))]


def imported(issues: InputFile):
    con = memory_store()
    result = run(con, *_beside(), issues)
    assert result.status == "imported", [(p.file, p.sheet, p.row, p.column, p.value, p.reason) for p in result.problems]
    return con, result


@pytest.fixture(scope="module")
def as_xlsx():
    con, _ = imported(InputFile("问题清单.xlsx", xlsx_ledger()))
    yield metrics.compute(con, Filters(as_of=AS_OF)), data_dump(con)
    con.close()


def test_a_word_issue_list_gives_the_figures_of_the_same_ledger_as_xlsx(as_xlsx):
    con, result = imported(InputFile("问题清单.docx", SMALL))
    try:
        assert metrics.compute(con, Filters(as_of=AS_OF)) == as_xlsx[0]
        assert data_dump(con) == as_xlsx[1]
        issues = con.execute("SELECT round, category, description FROM issues ORDER BY description").fetchall()
        assert len(issues) == 6 and {r[0] for r in issues} == {"2021年第一轮"}
        assert ("2021年第一轮", "党的领导", "学习不深入\n理论学习流于形式") in issues  # merged down; two paragraphs
        text = "\n".join(result.warnings)
        assert "轮次按表格标题取为「2021年第一轮」" in text  # the title paragraph above the table
        assert "乡镇取自其上方的分类标题行" in text  # 一、城关镇 merged across the table
        assert "人员姓名列不导入、不保存：责任人" in text
        dumped = repr(data_dump(con)) + text
        assert not any(name in dumped for name in NAMES)
    finally:
        con.close()


def test_the_reader_gives_the_cells_a_workbook_gives():
    sheets = readers.read_file("台账.docx", docx_bytes("附件2", TITLE, WHOLE, "填报人：王某某"))
    assert [s.name for s in sheets] == ["表1"]
    rows = sheets[0].rows
    assert rows[0][0] == "附件2" and rows[1][0] == TITLE and rows[2] == HEADER  # the paragraphs above: title rows
    assert rows[3] == ["一、城关镇"] * WIDTH  # a heading merged across, filled as a merged cell is
    assert [r[1] for r in rows[4:9]] == ["李官村党支部"] * 3 + ["张家村党支部", "城关社区党支部"]
    assert [r[2] for r in rows[4:9]] == ["党的领导", "党的领导"] + ["全面从严治党"] * 3
    assert rows[5][3] == "学习不深入\n理论学习流于形式"
    assert rows[-1][:4] == ["合计", "合计", "合计", "6个问题"]
    workbook = readers.read_file("台账.xlsx", xlsx_ledger())[0].rows
    assert workbook[0][0] == TITLE and workbook[1:] == rows[2:]


def test_an_odt_document_reads_as_the_same_ledger_in_word(as_xlsx):
    """LibreOffice's own text document (.odt, also what office suites built on it save): its table read as
    Word's (merged cells, paragraphs in a cell, the title above; a comment in a cell is no text). It was
    refused as an unsupported type."""
    data = odt_bytes("附件2", TITLE, WHOLE, "填报人：王某某")
    assert readers.read_file("台账.odt", data)[0].rows == readers.read_file(
        "台账.docx", docx_bytes("附件2", TITLE, WHOLE, "填报人：王某某"))[0].rows
    con, _ = imported(InputFile("问题清单.odt", data))
    try:
        assert metrics.compute(con, Filters(as_of=AS_OF)) == as_xlsx[0]
    finally:
        con.close()
    with pytest.raises(readers.ReadError, match="这份文档里没有表格"):
        readers.read_file("台账.odt", odt_bytes(TITLE, "一、党的领导方面"))
    for damaged in (data[:len(data) // 2], ods_package("<office:document-content>", "application/vnd.oasis.opendocument.text")):
        with pytest.raises(readers.ReadError, match=r"OpenDocument 文本（\.odt）已损坏"):
            readers.read_file("台账.odt", damaged)


@pytest.mark.parametrize("between", [[None], ["续表"], [None, "（续表）"]], ids=["page break", "续表", "both"])
@pytest.mark.parametrize("repeated", [True, False], ids=["header repeated", "no header"])
def test_a_table_continued_on_a_second_table_is_read_as_one(between, repeated):
    first = ([HEADER, *ROWS[:6]], _shifted([m for m in MERGES if m[1][0] < 6], 1))
    rest = [HEADER] * repeated + ROWS[6:]
    second = (rest, _shifted([((r0 - 6, c0), (r1 - 6, c1)) for (r0, c0), (r1, c1) in MERGES if r0 >= 6], repeated))
    sheets = readers.read_file("台账.docx", docx_bytes(TITLE, first, *between, second))
    whole = readers.read_file("台账.docx", SMALL)
    assert len(sheets) == 1 and sheets[0].rows == whole[0].rows


def test_a_table_per_township_is_a_sheet_each_read_as_one_ledger():
    head = [HEADER, ["1", "李官村党支部", "党的领导", "会议记录不全", "", "王某某", "2021年4月15日", "已完成整改"]]
    other = [HEADER, ["1", "王庄村党支部", "全面从严治党", "惠民资金发放滞后", "", "钱七", "2021年6月30日", "尚未整改"]]
    data = docx_bytes(TITLE, "一、城关镇", (head, []), None, "二、河口镇", (other, []))
    sheets = readers.read_file("台账.docx", data)
    assert [s.name for s in sheets] == ["一、城关镇", "二、河口镇"]
    assert sheets[1].rows[0][0] == TITLE  # the document's title above every table: the round for each
    con, _ = imported(InputFile("台账.docx", data))
    try:
        # the township each table's heading names (no township column): the roster's village there
        assert sorted(con.execute("SELECT round, unit_id, description FROM issues").fetchall()) == [
            ("2021年第一轮", "n:东城区|城关镇|李官村", "会议记录不全"), ("2021年第一轮", "n:东城区|河口镇|王庄村", "惠民资金发放滞后")]
    finally:
        con.close()


def _word97() -> bytes:
    """An OLE compound file holding a WordDocument stream, as Word 97-2003 writes a .doc."""
    data = bytearray(xls_bytes({"a": [["x"]]}))
    at = data.find("Workbook".encode("utf-16-le") + b"\0\0")
    name = "WordDocument".encode("utf-16-le")
    data[at:at + 64] = name.ljust(64, b"\0")
    data[at + 64:at + 66] = struct.pack("<H", len(name) + 2)
    return bytes(data)


def _encrypted(data: bytes) -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("secret", out)
    return out.getvalue()


def _nested() -> bytes:
    """A ledger with a small table inside one of its cells: which of the two holds the rows is not known."""
    import docx

    document = docx.Document()
    outer = document.add_table(rows=2, cols=3)
    for c, text in enumerate(["被巡察党组织", "整改措施", "整改时限"]):
        outer.cell(0, c).text = text
    outer.cell(1, 0).text = "李官村党支部"
    outer.cell(1, 1).add_table(rows=2, cols=2)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


REFUSED = {  # built when a test runs (encrypting takes a moment)
    "no table": ("整改报告.docx", lambda: docx_bytes(TITLE, "一、整改工作开展情况", "二、下一步工作打算"), "没有表格"),
    "Word 97": ("台账.doc", _word97, "Word 97-2003 文档（.doc）"),
    "Word 97 named .docx": ("台账.docx", _word97, "另存为」Word 文档（*.docx）"),
    "damaged": ("台账.docx", lambda: SMALL[: len(SMALL) // 2], "Word 文档已损坏"),
    "broken XML": ("台账.docx", lambda: docx_with_xml(SMALL, lambda xml: xml[: len(xml) // 2]), "Word 文档已损坏"),
    "a DTD": ("台账.docx", lambda: docx_with_xml(SMALL, lambda xml: xml.replace(
        b"<w:document", b'<!DOCTYPE w:document [<!ENTITY a "aaaa">]><w:document', 1)), "Word 文档已损坏"),
    "encrypted": ("台账.docx", lambda: _encrypted(SMALL), "输入密码打开"),
    "nested": ("台账.docx", _nested, "嵌套表格"),
    "a span too wide": ("台账.docx", lambda: docx_with_xml(SMALL, lambda xml: xml.replace(
        b'<w:gridSpan w:val="8"/>', b'<w:gridSpan w:val="99999999"/>', 1)), "列数超过上限"),
    "WPS 文字": ("台账.wps", _word97, "WPS 文字文件（.wps）"),
}


def _wrapped(title_inside: bool) -> bytes:
    """The ledger inside a one-column layout table (a page copied from a web system into Word): its title
    in the layout's first row or as a paragraph above it, a 填报人 line in its last row."""
    import docx

    document = docx.Document()
    if not title_inside:
        document.add_paragraph(TITLE)
    outer = document.add_table(rows=3 if title_inside else 2, cols=1)
    if title_inside:
        outer.cell(0, 0).text = TITLE
    docx_table(outer.cell(int(title_inside), 0), *WHOLE)
    outer.cell(int(title_inside) + 1, 0).text = "填报人：王某某"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("title_inside", [True, False], ids=["title in the layout", "title above it"])
def test_a_ledger_inside_a_layout_table_is_read_as_the_ledger(as_xlsx, title_inside):
    con, result = imported(InputFile("问题清单.docx", _wrapped(title_inside)))
    try:
        assert metrics.compute(con, Filters(as_of=AS_OF)) == as_xlsx[0]
        assert data_dump(con) == as_xlsx[1]
        assert "轮次按表格标题取为「2021年第一轮」" in "\n".join(result.warnings)
    finally:
        con.close()


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_word_file_that_cannot_be_read_is_refused_saying_why(case):
    name, data, reason = REFUSED[case]
    with pytest.raises(readers.ReadError) as refused:
        readers.read_file(name, data())
    assert reason in str(refused.value)


def test_words_own_markup_reads_as_the_text_shown():
    """A tracked change reads as accepted (deleted text gone, inserted text in); a tick inserted as a
    Wingdings symbol is the tick it shows; a text box's copy for old readers (mc:Fallback) is not read twice."""
    changed = ('<w:r><w:t>会议</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>旧</w:delText></w:r></w:del>'
               '<w:ins w:id="2" w:author="a"><w:r><w:t>记录不全</w:t></w:r></w:ins>'
               '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
               '<mc:Choice Requires="wps"><w:t>框</w:t></mc:Choice><mc:Fallback><w:t>框</w:t></mc:Fallback>'
               '</mc:AlternateContent></w:r>').encode()
    data = docx_with_xml(SMALL, lambda xml: xml.replace("<w:r><w:t>会议记录不全</w:t></w:r>".encode(), changed, 1)
                              .replace("<w:t>已完成整改</w:t>".encode(), b'<w:sym w:font="Wingdings" w:char="F0FC"/>', 1))
    rows = readers.read_file("台账.docx", data)[0].rows
    assert rows[3][3] == "会议记录不全框" and rows[3][7] == "✓"


def test_a_refused_word_file_changes_nothing():
    con = memory_store()
    try:
        before = data_dump(con)
        result = run(con, InputFile("整改报告.docx", REFUSED["no table"][1]()))
        assert result.status == "rejected" and "没有表格" in result.problems[0].reason
        assert data_dump(con) == before
    finally:
        con.close()


@pytest.mark.parametrize("limits", [readers.Limits(max_rows=5), readers.Limits(max_cells=40),
                                    readers.Limits(max_uncompressed=2_000)], ids=["rows", "cells", "unzipped size"])
def test_a_huge_table_is_refused_before_it_is_allocated(limits):
    with pytest.raises(readers.ReadError, match="上限"):
        readers.read_file("台账.docx", SMALL, limits)


def test_the_upload_box_and_the_command_line_take_word_files(tmp_path, capsys):
    assert ".docx" in readers.EXTENSIONS and {".docx", ".doc", ".wps"} <= set(readers.UPLOAD_EXTENSIONS)
    files = []
    for item in [*_beside(), InputFile("问题清单.docx", SMALL)]:
        (path := tmp_path / item.name).write_bytes(item.data)
        files.append(str(path))
    db = new_store_file(tmp_path / "store.duckdb")
    assert cli.main(["import", "--db", str(db), *files]) == 0
    assert "问题清单.docx" in capsys.readouterr().out


# ---------------------------------------------------------------- automatic numbering

_NUMBERING = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
    '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="\uf06c"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="7"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="8"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="9"><w:abstractNumId w:val="2"/></w:num></w:numbering>')


def _numbered(data: bytes, paragraphs: dict[str, tuple[int, int]]) -> bytes:
    """`data` with the paragraphs of these texts numbered by Word ({text: (numId, level)}; the text "#" is
    an empty paragraph that only shows its number, as a 序号 cell numbered by Word does), and the lists above."""
    def change(xml: bytes) -> bytes:
        text = xml.decode()
        for written, (num, level) in paragraphs.items():
            shown = "" if written == "#" else f"<w:r><w:t>{written}</w:t></w:r>"
            text = text.replace(f"<w:p><w:r><w:t>{written}</w:t></w:r></w:p>",
                                f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
                                f"</w:pPr>{shown}</w:p>")
        return text.encode()

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "word/document.xml":
                body = change(body)
            elif info.filename == "word/numbering.xml":
                body = _NUMBERING.encode()
            target.writestr(info.filename, body)
    return out.getvalue()


def test_headings_and_serial_numbers_word_numbers_itself_read_as_shown():
    """Word draws a numbered list's 一、 / （一） / 1. itself (「编号」): not text of the paragraph. A table per
    township under such a heading takes the township, as under one typed; a serial cell shows its number."""
    head = [HEADER, ["#", "李官村党支部", "党的领导", "会议记录不全", "", "王某某", "2021年4月15日", "已完成整改"]]
    other = [HEADER, ["#", "王庄村党支部", "全面从严治党", "惠民资金发放滞后", "", "钱七", "2021年6月30日", "尚未整改"],
             ["#", "王庄村党支部", "全面从严治党", "阵地管理不严", "", "钱七", "2021年6月30日", "尚未整改"]]
    data = _numbered(docx_bytes(TITLE, "城关镇", (head, []), None, "要点", "河口镇", (other, [])),
                     {"城关镇": (7, 0), "河口镇": (7, 0), "要点": (9, 0), "#": (8, 0)})
    sheets = readers.read_file("台账.docx", data)
    assert [s.name for s in sheets] == ["一、城关镇", "二、河口镇"]
    assert [r[0] for r in sheets[1].rows[-2:]] == ["2.", "3."]  # one list over both tables, as Word counts
    assert sheets[1].rows[1] == ["要点"] + [""] * (WIDTH - 1)  # a bullet draws no text
    con, _ = imported(InputFile("台账.docx", data))
    try:
        assert sorted(con.execute("SELECT unit_id, description FROM issues").fetchall()) == [
            ("n:东城区|城关镇|李官村", "会议记录不全"), ("n:东城区|河口镇|王庄村", "惠民资金发放滞后"),
            ("n:东城区|河口镇|王庄村", "阵地管理不严")]
    finally:
        con.close()


def test_a_heading_row_word_numbers_inside_the_table_gives_the_township():
    rows = [HEADER, ["城关镇"], ["1", "李官村党支部", "党的领导", "会议记录不全", "", "王某某", "2021年4月15日", "已完成整改"],
            ["河口镇"], ["2", "王庄村党支部", "全面从严治党", "惠民资金发放滞后", "", "钱七", "2021年6月30日", "尚未整改"]]
    merges = [((1, 0), (1, WIDTH - 1)), ((3, 0), (3, WIDTH - 1))]
    data = _numbered(docx_bytes(TITLE, (rows, merges)), {"城关镇": (7, 0), "河口镇": (7, 0)})
    assert [r[0] for r in readers.read_file("台账.docx", data)[0].rows[2:6:2]] == ["一、城关镇", "二、河口镇"]
    con, _ = imported(InputFile("台账.docx", data))
    try:
        assert sorted(con.execute("SELECT unit_id FROM issues").fetchall()) == [
            ("n:东城区|城关镇|李官村",), ("n:东城区|河口镇|王庄村",)]
    finally:
        con.close()


@pytest.mark.parametrize(("fmt", "n", "shown"), [
    ("chineseCounting", 1, "一"), ("chineseCounting", 10, "十"), ("chineseCounting", 12, "十二"),
    ("chineseCounting", 20, "二十"), ("chineseCountingThousand", 23, "二十三"), ("chineseLegalSimplified", 11, "拾壹"),
    ("ideographTraditional", 2, "乙"), ("decimalEnclosedCircle", 3, "③"), ("decimalFullWidth", 12, "１２"),
    ("upperRoman", 4, "IV"), ("lowerLetter", 27, "aa"), ("decimalZero", 7, "07"), ("decimal", 105, "105")])
def test_words_numbering_formats_draw_as_word_draws_them(fmt, n, shown):
    assert readers._word_number(fmt, n) == shown
