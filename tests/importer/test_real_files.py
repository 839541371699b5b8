"""Real files that a clerk's Excel, WPS or LibreOffice writes (issue #20): every one ends in a clean
import or a clean refusal naming the right reason, the store is unchanged after a refusal, and the
problem workbook the page offers opens for every refused file. The corpus is built here by code."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from hostile import make_corpus, reliability
from openpyxl import load_workbook
from support.fast_path import run_both
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ROSTER_HEADER,
    ROSTER_ROWS,
    csv_bytes,
    dump,
    fresh_store,
    inspection_row,
    load_base,
    ods_package,
    run,
    table,
    xlsb_bytes,
    xlsx_bytes,
)

from inspection import cli, export, problem_report, readers, sheet_values
from inspection.importer import InputFile

con = pytest.fixture(fresh_store)


@pytest.fixture
def base(con):
    load_base(con)
    return con


# ---------------------------------------------------------------- the corpus


def _with_errors(rows: list[list[object]], errors: dict[tuple[int, int], str], sheet: str = "巡察情况") -> bytes:
    """An .xlsx whose cells at (row, column) (0-based) are Excel error values, as Excel stores them."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if (r - 1, c - 1) in errors:
                cell = ws.cell(row=r, column=c, value=errors[(r - 1, c - 1)])
                cell.data_type = "e"
            elif value is not None:
                ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xls_with_error(rows, row: int, col: int, code: str) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("巡察情况")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if (r, c) == (row, col):
                sheet.row(r).set_cell_error(c, code)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods(rows, errors: dict[tuple[int, int], str], sheet: str = "巡察情况") -> bytes:
    """An .ods as LibreOffice writes it: an error cell carries calcext:value-type="error" and shows its code."""
    from xml.sax.saxutils import escape

    body = []
    for r, values in enumerate(rows):
        cells = []
        for c, value in enumerate(values):
            if (r, c) in errors:
                cells.append('<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value=""'
                             f' calcext:value-type="error"><text:p>{errors[(r, c)]}</text:p></table:table-cell>')
            elif isinstance(value, int):
                cells.append(f'<table:table-cell office:value-type="float" office:value="{value}">'
                             f'<text:p>{value}</text:p></table:table-cell>')
            else:
                cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
                             '</table:table-cell>')
        body.append("<table:table-row>" + "".join(cells) + "</table:table-row>")
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
               f'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="{sheet}">'
               + "".join(body) + "</table:table></office:spreadsheet></office:body></office:document-content>")
    return ods_package(content)


def _formatted_to_xfd() -> bytes:
    """A 2-row roster whose formatting (a column style, styled empty cells) reaches XFD and row 1,048,576."""
    def text(ref, value):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    letters = "ABCDEF"
    head = "".join(text(f"{c}1", h) for c, h in zip(letters, ROSTER_HEADER, strict=True))
    row = "".join(text(f"{c}2", v) for c, v in zip(letters, ROSTER_ROWS[0], strict=True))
    xml = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<dimension ref="A1:XFD1048576"/><cols><col min="7" max="16384" style="1"/></cols><sheetData>'
           f'<row r="1">{head}<c r="G1" s="1"/><c r="XFD1" s="1"/></row>'
           f'<row r="2">{row}<c r="K2" s="1"></c><c r="XFD2" s="1"/></row>'
           '<row r="1048576" s="1" customFormat="1"><c r="XFD1048576" s="1"/></row></sheetData></worksheet>')
    return make_corpus._sheet_zip(xml.encode())


def _encrypted_xlsx() -> bytes:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx_bytes({"名册": table(ROSTER_HEADER, ROSTER_ROWS)}))).encrypt("secret", out)
    return out.getvalue()


def _xlsb_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return out.getvalue()


def _tsv(rows, encoding: str) -> bytes:
    return "".join("\t".join(map(str, r)) + "\r\n" for r in rows).encode(encoding)


ROSTER = table(ROSTER_HEADER, ROSTER_ROWS)
ROSTER_XLSX = xlsx_bytes({"名册": ROSTER})
ROSTER_CSV = csv_bytes(ROSTER)
TRADITIONAL = [["縣區", "鄉鎮街道", "村(社區)", "對象類型"], ["東城區", "城關鎮", "張家村", "村"],
               ["西城區", "河口鎮", "王莊村", "村"]]
CLUES = INSPECTION_HEADER.index("移交问题线索数")
TEAM = INSPECTION_HEADER.index("巡察组")
FOUND = INSPECTION_HEADER.index("发现问题数")
INSPECTIONS = table(INSPECTION_HEADER, INSPECTION_ROWS)

# name -> (bytes, expected: "imported" or the words the refusal must contain)
CORPUS = {
    "clues_ref.xlsx": (_with_errors(INSPECTIONS, {(1, CLUES): "#REF!"}), ["Excel 错误值 #REF!", "公式已失效"]),
    "team_na.xlsx": (_with_errors(INSPECTIONS, {(2, TEAM): "#N/A"}), ["Excel 错误值 #N/A"]),
    "found_div0.xls": (_xls_with_error(INSPECTIONS, 1, FOUND, "#DIV/0!"), ["Excel 错误值 #DIV/0!"]),
    "found_err.ods": (_ods(INSPECTIONS, {(1, FOUND): "#VALUE!", (2, FOUND): "Err:502"}),
                      ["Excel 错误值 #VALUE!", "Err:502"]),
    "formatted_to_xfd.xlsx": (_formatted_to_xfd(), "imported"),
    "sparse_range.xlsx": (make_corpus.make_sparse_range_xlsx(), ["工作表「S」列数 16,384"]),
    "unicode_text.txt": (_tsv(ROSTER, "utf-16"), "imported"),  # Excel's "Unicode 文本": UTF-16LE with BOM, tabs
    "utf16be.csv": (b"\xfe\xff" + ROSTER_CSV.decode().encode("utf-16-be"), "imported"),
    "utf32.csv": (ROSTER_CSV.decode().encode("utf-32"), "imported"),
    "dos_eof.csv": (ROSTER_CSV + b"\x1a", "imported"),
    "big5.csv": (csv_bytes(TRADITIONAL, "big5"), ["Big5", "UTF-8"]),
    "latin1.csv": ("Name,Type,Town\nJosé,café,Zürich\nMüller,naïve,Köln\n".encode("latin-1"), ["Latin-1", "UTF-8"]),
    "euc_kr.csv": ("구역,마을,유형\n서울시,강남구,마을\n부산시,해운대,공동체\n".encode("euc-kr"), ["EUC-KR", "UTF-8"]),
    "cyrillic.csv": ("Район,Поселок\nЦентральный район,Первомайский\nСеверный район,Заречье\n".encode("koi8-r"),
                     ["koi8_r", "西里尔"]),
    "utf8_cut.csv": (ROSTER_CSV + "西城区,河口镇,王".encode()[:-1], ["UTF-8", "第 6 行"]),
    "utf16_no_bom.csv": (ROSTER_CSV.decode().encode("utf-16-le"), ["UTF-16", "BOM"]),
    "encrypted.xlsx": (_encrypted_xlsx(), ["密码"]),
    "encrypted_named.csv": (_encrypted_xlsx(), ["密码"]),
    "xlsx_named.txt": (ROSTER_XLSX, ["Excel 工作簿（.xlsx）", ".txt", "改回 .xlsx"]),
    "xlsx_named.csv": (ROSTER_XLSX, ["Excel 工作簿（.xlsx）", "改回 .xlsx"]),
    "csv_named.xlsx": (ROSTER_CSV, "imported"),  # text under a workbook's name (Excel opens it): read as text
    "csv_named.xls": (csv_bytes(ROSTER, "gbk"), "imported"),
    "wps.et": (ROSTER_XLSX, "imported"),  # a workbook in Excel's format under .et: read by its content
    "wps_own.et": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), ["WPS", "另存为", ".xlsx"]),
    "binary.xlsb": (xlsb_bytes({"名册": ROSTER}), "imported"),  # Excel's binary workbook: read
    "xlsb_named.xlsx": (xlsb_bytes({"名册": ROSTER}), "imported"),
    "damaged.xlsb": (_xlsb_like(), ["已损坏"]),
    # a web system's "Excel" export, a web page: read as the table Excel shows
    "web_page.xls": (("<html><body><table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>"
                                                      for row in ROSTER) + "</table></body></html>").encode(), "imported"),
    "no_header.csv": ("标题文字\n\n一些内容,更多内容\n1,2\n".encode(), ["没有识别出", "第1行「标题文字」", "第3行"]),
    # a note row (填表人：…) names people: the refusal gives its row and kind, never its text
    "no_header_note.csv": ("填表人：王某某\n一些内容,更多内容\n".encode(), ["没有识别出", "第1行（表外说明行", "第2行"]),
    "english.csv": (b"id,code,name,description,status,category\n1,A1,x,something,open,misc\n", ["没有识别出"]),
    "report.pdf": (b"%PDF-1.4 ...", ["不支持的文件类型", ".ods", ".txt"]),
}


def _problems_workbook_opens(files: list[InputFile], result) -> None:
    book = load_workbook(io.BytesIO(problem_report.build(files, result.problems)))
    summary = book["问题汇总"]
    assert summary.max_row == len(result.problems) + 1


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_real_file_imports_or_is_refused_for_its_reason(base, name):
    data, expected = CORPUS[name]
    before = dump(base)
    files = [InputFile(name, data)]
    result = run(base, *files)
    if expected == "imported":
        assert result.status in ("imported", "unchanged"), result.to_json()
        reliability.record("real_files", name, f"imported ({result.added} rows)" if result.added else
                           "read: the same rows as the stored roster (unchanged)")
        return
    assert result.status == "rejected", result.to_json()
    assert dump(base) == before, f"{name} changed the store"
    text = " ".join(f"{p.reason} {p.suggestion or ''}" for p in result.problems)
    for words in expected:
        assert words in text, (name, text)
    assert "Traceback" not in text and "王某某" not in text
    _problems_workbook_opens(files, result)
    reliability.record("real_files", name, result.problems[0].reason)


def test_an_error_value_never_replaces_a_stored_figure(base):
    """The issue's case: 移交问题线索数 #REF! in a corrected workbook was read as blank and replaced 1 with NULL."""
    before = dump(base)
    result = run(base, InputFile("巡察情况.xlsx", CORPUS["clues_ref.xlsx"][0]))
    assert result.status == "rejected" and dump(base) == before
    (problem,) = result.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("巡察情况", 2, "移交问题线索数", "#REF!")
    assert "必填项为空" not in problem.reason


def test_an_error_value_in_a_required_column_is_named_not_called_blank(base):
    result = run(base, InputFile("巡察情况.xlsx", CORPUS["team_na.xlsx"][0]))
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.value) == (3, "巡察组", "#N/A")
    assert "#N/A" in problem.reason and "必填项为空" not in problem.reason


def test_formatting_out_to_xfd_reads_only_the_cells_with_values():
    (sheet,) = readers.read_file("roster.xlsx", _formatted_to_xfd())
    assert sheet.name == "S" and len(sheet.rows) == 2 and len(sheet.rows[0]) == 6


def test_sheet_size_messages_name_the_tab_not_the_part():
    with pytest.raises(readers.ReadError) as caught:
        readers.read_file("a.xlsx", make_corpus.make_sparse_range_xlsx())
    assert "「S」" in str(caught.value) and "sheet1" not in str(caught.value)


def test_unicode_text_reads_the_same_rows_as_the_csv():
    assert readers.read_file("a.txt", _tsv(ROSTER, "utf-16"))[0].rows == readers.read_file("a.csv", ROSTER_CSV)[0].rows


def test_a_short_gbk_file_is_still_gbk():
    """Short Chinese text is as plausible in EUC-KR to a detector: GB18030 wins a tie."""
    data = "县区,村\n东城区,张家村\n".encode("gbk")
    assert readers.read_file("a.csv", data)[0].rows == [["县区", "村"], ["东城区", "张家村"]]


@pytest.mark.parametrize("text,column", [("#DIV/0!", "发现问题数"), ("#VALUE!", "开始日期"), ("#N/A", "巡察组"),
                                         ("#REF!", "县区"), (" #NAME? ", "移交问题线索数")])
def test_error_text_in_a_csv_is_refused_by_name_on_both_paths(monkeypatch, text, column):
    rows = [inspection_row(**{column: text}), INSPECTION_ROWS[1]]
    files = [InputFile("inspections.csv", csv_bytes(table(INSPECTION_HEADER, rows), "utf-8-sig"))]
    result, _ = run_both(monkeypatch, [InputFile("roster.csv", ROSTER_CSV)], files)
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.value) == (2, column, text)
    assert f"Excel 错误值 {text.strip()}" in problem.reason


def test_a_trailing_dos_end_of_file_byte_is_not_a_row():
    assert readers.read_file("a.csv", ROSTER_CSV + b"\x1a")[0].rows == readers.read_file("a.csv", ROSTER_CSV)[0].rows
    assert readers.read_file("a.csv", ROSTER_CSV + b"\x1a\r\n")[0].rows[-1] == ROSTER_ROWS[-1]


def test_control_characters_never_break_the_problem_workbook(base):
    """A control character in a cell, a sheet name or a message: the workbook is built and opens."""
    spoiled = [inspection_row(发现问题数="5\x01"), INSPECTION_ROWS[1] + ["\x00\x1a\x0b"]]
    files = [InputFile("in\x07spections.csv", csv_bytes(table(INSPECTION_HEADER, spoiled))),
             InputFile("dos.csv", csv_bytes(table(INSPECTION_HEADER, [inspection_row(轮次="")])) + b"\x1a")]
    result = run(base, *files)
    assert result.status == "rejected"
    _problems_workbook_opens(files, result)
    from inspection.importer import Problem

    problems = [Problem("a\x00.xls", "Sheet\x00\x01", 2, "列\x1a", "\ud800\x00x", "原因\x0c", "=cmd|' /C calc'!A0")]
    book = load_workbook(io.BytesIO(problem_report.build([], problems)))
    assert [c.value for c in book["问题汇总"][2]] == ["a.xls", "Sheet", 2, "列", "x", "原因", "'=cmd|' /C calc'!A0"]


def test_exports_clean_control_characters():
    import pandas as pd

    frame = pd.DataFrame({"名称\x00": ["a\x1ab", "=1+1"], "数": [1, 2]})
    book = load_workbook(io.BytesIO(export.tables_xlsx({"表\x01": frame})))
    sheet = book.worksheets[0]
    assert sheet.title == "表" and [c.value for c in sheet[1]] == ["名称", "数"]
    assert [sheet["A2"].value, sheet["A3"].value] == ["ab", "'=1+1"]
    assert sheet_values.cell("x\x00" * 40_000) == "x" * sheet_values.MAX_CHARS


def test_the_upload_box_takes_every_extension_the_readers_take():
    from pathlib import Path

    page = (Path(__file__).resolve().parents[2] / "pages" / "imports.py").read_text()
    assert "readers.UPLOAD_EXTENSIONS" in page
    assert set(readers.EXTENSIONS) <= set(readers.UPLOAD_EXTENSIONS)
    assert {".ods", ".txt", ".xlsx", ".xls", ".csv"} <= set(readers.EXTENSIONS)
    for ext in readers.EXTENSIONS:
        assert ext in readers.UNSUPPORTED


def test_cli_writes_the_problem_workbook_the_page_offers(tmp_path, capsys):
    db = tmp_path / "store.duckdb"
    bad = tmp_path / "巡察情况.xlsx"
    bad.write_bytes(CORPUS["clues_ref.xlsx"][0])
    out = tmp_path / "problems.xlsx"
    assert cli.main(["import", "--db", str(db), "--json", "--problems", str(out), str(bad)]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["status"] == "rejected"
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert book.sheetnames == ["问题汇总", "巡察情况-巡察情况"]  # the summary, then the input sheet marked
    summary = [[c.value for c in row] for row in book["问题汇总"].iter_rows(min_row=2)]
    assert summary[0][:5] == ["巡察情况.xlsx", "巡察情况", 2, "移交问题线索数", "#REF!"]
    good = tmp_path / "roster.csv"
    good.write_bytes(ROSTER_CSV)
    other = tmp_path / "none.xlsx"
    assert cli.main(["import", "--db", str(db), "--problems", str(other), str(good)]) == 0
    assert not other.exists()  # nothing to fix: no workbook


def test_a_panicking_excel_reader_is_a_damaged_file(monkeypatch):
    """The Excel reader is Rust: on some damaged files it panics with a BaseException (PanicException)."""
    class PanicException(BaseException):
        pass

    def panic(_):
        raise PanicException("assertion `left == right` failed")

    monkeypatch.setattr(readers.CalamineWorkbook, "from_filelike", panic)
    with pytest.raises(readers.ReadError, match="损坏"):
        readers.read_file("a.xlsx", ROSTER_XLSX)


def test_nul_characters_inside_decoded_text_are_binary():
    with pytest.raises(readers.ReadError, match="二进制"):
        readers.read_file("a.csv", "a,b\n1,\x00\n".encode("utf-16"))


def test_damaged_copies_of_the_corpus_never_raise_anything_but_a_refusal():
    """Cut, overwritten and padded copies of the corpus under every extension: a clean refusal or rows."""
    import random

    from inspection.importer import Importer

    rng = random.Random(20)
    seeds = [data for data, _ in CORPUS.values()]
    for _ in range(150):
        data = bytearray(rng.choice(seeds))
        action = rng.randrange(3)
        if action == 0:
            data = data[: rng.randrange(1, len(data))]
        elif action == 1:
            for _ in range(rng.randrange(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            data += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 50)))
        files = [InputFile("f" + rng.choice(readers.UPLOAD_EXTENSIONS + ("", ".pdf")), bytes(data))]
        worker = Importer(None, files, "tester", None)
        worker.parse()  # raises nothing
        load_workbook(io.BytesIO(problem_report.build(files, worker.problems)))


def test_gbk_text_of_every_length_is_read_as_gbk():
    """The detector alone refuses some short GBK text as EUC-KR or a Thai code page: GBK wins unless
    another East Asian encoding is clearly better."""
    import random

    lines = [",".join(map(str, row)) for row in ROSTER + INSPECTIONS] + [
        "县区,乡镇街道,村(社区),对象类型,是否贫困村,是否软弱涣散", "2021年", "西城区,河口镇,王庄村,村,是,否",
        "- 落实决策部署: 乡村振兴/巩固", "群众身边腐败问题,集体\"三资\"管理,已整改"]
    rng = random.Random(5)
    for _ in range(200):
        text = "\n".join(line[: rng.randrange(2, 80)] for line in rng.sample(lines, rng.randrange(1, 5))) + "\n"
        assert readers.decode_text(text.encode("gbk")) == text


def test_the_import_page_takes_every_extension_and_shows_blanks_not_none(env_db, demo_copy, tmp_path, monkeypatch):
    from pathlib import Path

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from inspection.importer import ImportResult, Problem

    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))  # local mode: admin
    env_db(demo_copy)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/imports.py").run()
    (uploader,) = at.get("file_uploader")
    assert set(uploader.proto.type) == set(readers.UPLOAD_EXTENSIONS)
    missing = Problem("a.csv", None, 1, None, None, "巡察情况缺少必填列：巡察组", None)
    at.session_state["_import_result"] = (ImportResult("rejected", problems=[missing]), b"", "20260101_0000")
    at.run()
    # the problems table, by its columns (the page shows other tables too: the help's, the import log)
    (shown,) = [d.value for d in at.dataframe if list(d.value.columns[:2]) == ["文件", "工作表"]]
    assert shown.iloc[0].tolist() == ["a.csv", "", "1", "", "", "巡察情况缺少必填列：巡察组", ""]
    assert not at.exception
    st.cache_resource.clear()
    st.cache_data.clear()
