"""Small ledgers written by the tests: CSV (UTF-8, UTF-8-BOM, GBK), .xlsx and .xls.

Every test file is built here from plain rows, so a test reads like the spreadsheet a clerk
would bring. `base_files()` is a tiny consistent city (roster + inspections + issues) that a
test can copy and spoil one cell of.
"""

from __future__ import annotations

import atexit
import csv
import datetime as dt
import io
import shutil
import struct
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from inspection import importer, settings, store
from inspection.importer import InputFile

Rows = list[list[object]]

ROSTER_HEADER = ["县区", "乡镇街道", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]
ROSTER_ROWS: Rows = [
    ["东城区", "城关镇", "张家村", "村", "是", "否"],
    ["东城区", "城关镇", "李家村", "村", "否", "否"],
    ["东城区", "城关镇", "张家墩社区", "社区", "否", "是"],
    ["西城区", "河口镇", "王庄村", "村", "是", "否"],
]

INSPECTION_HEADER = ["轮次", "巡察层级", "巡察组", "巡察方式", "开始日期", "结束日期", "县区", "乡镇街道",
                     "村(社区)", "发现问题数", "移交问题线索数", "党纪政务处分人数", "已整改数"]
INSPECTION_ROWS: Rows = [
    ["2021年第一轮", "市级", "市委第一巡察组", "常规", "2021-03-15", "2021-05-20", "东城区", "城关镇",
     "张家村", 2, 1, 1, 2],
    ["2021年第一轮", "县级", "县委第二巡察组", "专项", "2021-03-15", "2021-05-20", "西城区", "河口镇",
     "王庄村", 1, 0, 0, 0],
]

ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "二级类别", "整改状态", "整改时限", "整改完成时间"]
ISSUE_ROWS: Rows = [
    ["2021年第一轮", "东城区", "城关镇", "张家村", "群众身边腐败问题", "集体\"三资\"管理", "已整改", "2021-08-01",
     "2021-06-10"],
    ["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "组织生活", "整改中", "2021-08-01", ""],
    ["2021年第一轮", "西城区", "河口镇", "王庄村", "基层党组织建设", "组织生活", "未整改", "2021-08-01", ""],
]


def table(header: list[object], rows: Rows, titles: Rows = ()) -> Rows:
    return [list(t) for t in titles] + [list(header)] + [list(r) for r in rows]


def csv_bytes(rows: Rows, encoding: str = "utf-8") -> bytes:
    """encoding: utf-8 | utf-8-sig (BOM) | gbk | gb18030."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return out.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, Rows], date_format: str = "yyyy-mm-dd",
               merges: dict[str, list[str]] | None = None) -> bytes:
    """One sheet per entry; dt.date/dt.datetime become real Excel date cells; `merges`: a sheet's merged
    ranges ("A3:A5")."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, (dt.date, dt.datetime)):
                    cell.number_format = date_format
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_bytes(sheets: dict[str, Rows]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (dt.date, dt.datetime)):
                    sheet.write(r, c, value, date_style)
                else:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_table(container, rows: list[list[object]], merges=()) -> None:
    """A table in the document, or in a cell of a table (python-docx's add_table of either)."""
    grid = container.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for (r0, c0), (r1, c1) in merges:
        grid.cell(r0, c0).merge(grid.cell(r1, c1))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                lines = str(value).split("\n")
                cell = grid.cell(r, c)
                cell.text = lines[0]
                for line in lines[1:]:  # a paragraph of its own, as a clerk presses Enter in a cell
                    cell.add_paragraph(line)


def docx_bytes(*blocks) -> bytes:
    """A document of paragraphs (str), page breaks (None) and tables ((rows, merges))."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    for block in blocks:
        if block is None:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif isinstance(block, str):
            document.add_paragraph(block)
        else:
            docx_table(document, *block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_with_xml(data: bytes, change) -> bytes:
    """A .docx whose word/document.xml is `change`d (bytes to bytes): markup python-docx does not write."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info.filename, change(body) if info.filename == "word/document.xml" else body)
    return out.getvalue()


def _biff12(kind: int, body: bytes = b"") -> bytes:
    """One record of an .xlsb part: its type (one or two bytes of seven bits), length (seven bits a byte), body."""
    head = bytes([kind]) if kind < 0x80 else bytes([kind & 0x7F | 0x80, kind >> 7])
    size, length = len(body), b""
    while True:
        length += bytes([size & 0x7F | (0x80 if size >= 0x80 else 0)])
        size >>= 7
        if not size:
            break
    return head + length + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def xlsb_bytes(sheets: dict[str, Rows], merged: dict[str, list[tuple[int, int, int, int]]] | None = None,
               hidden_rows: dict[str, set[int]] | None = None, errors: dict[str, dict[tuple[int, int], int]] | None = None,
               hidden: set[str] = frozenset(), date1904: bool = False) -> bytes:
    """An Excel binary workbook (.xlsb, BIFF12) as Excel writes its parts: text as inline strings, numbers
    as doubles, dates as serials (no styles part: no date format); `merged`: (first row, last row, first
    column, last column) 0-based, the value in the first cell; `errors`: {(row, col): BIFF error code}."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="bin" ContentType="application/'
                   'vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>')
        rels, book = [], [_biff12(0x83), _biff12(0x99, struct.pack("<II", int(date1904), 0) + _wide("")),
                          _biff12(0x8F)]
        for number, (name, rows) in enumerate(sheets.items(), start=1):
            rels.append(f'<Relationship Id="rId{number}" Type="http://schemas.openxmlformats.org/officeDocument/'
                        f'2006/relationships/worksheet" Target="worksheets/sheet{number}.bin"/>')
            book.append(_biff12(0x9C, struct.pack("<II", int(name in hidden), number) + _wide(f"rId{number}")
                                + _wide(name)))
            width = max((len(r) for r in rows), default=1)
            part = [_biff12(0x81), _biff12(0x94, struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0, width - 1)),
                    _biff12(0x91)]
            for r, row in enumerate(rows):
                flags = 0x10 if r in (hidden_rows or {}).get(name, ()) else 0
                part.append(_biff12(0x00, struct.pack("<IIHBBBI", r, 0, 300, 0, flags, 0, 0)))
                for c, value in enumerate(row):
                    code = (errors or {}).get(name, {}).get((r, c))
                    where = struct.pack("<II", c, 0)
                    if code is not None:
                        part.append(_biff12(0x03, where + bytes([code])))
                    elif value is None or value == "":
                        continue
                    elif isinstance(value, (dt.date, dt.datetime)):
                        day = value.date() if isinstance(value, dt.datetime) else value
                        part.append(_biff12(0x05, where + struct.pack("<d", (day - dt.date(1899, 12, 30)).days)))
                    elif isinstance(value, (int, float)) and not isinstance(value, bool):
                        part.append(_biff12(0x05, where + struct.pack("<d", value)))
                    else:
                        part.append(_biff12(0x06, where + _wide(str(value))))
            part.append(_biff12(0x92))
            ranges = (merged or {}).get(name, [])
            if ranges:
                part.append(_biff12(0xB1, struct.pack("<I", len(ranges))))
                part += [_biff12(0xB0, struct.pack("<IIII", *m)) for m in ranges]
                part.append(_biff12(0xB2))
            part.append(_biff12(0x82))
            z.writestr(f"xl/worksheets/sheet{number}.bin", b"".join(part))
        book += [_biff12(0x90), _biff12(0x84)]
        z.writestr("xl/workbook.bin", b"".join(book))
        z.writestr("xl/_rels/workbook.bin.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships">' + "".join(rels) + "</Relationships>")
    return out.getvalue()


def roster_csv(rows: Rows | None = None, header: list[object] | None = None, encoding: str = "utf-8") -> InputFile:
    return InputFile("roster.csv", csv_bytes(table(header or ROSTER_HEADER, ROSTER_ROWS if rows is None else rows),
                                             encoding))


def inspections_csv(rows: Rows | None = None, header: list[object] | None = None, encoding: str = "utf-8",
                    name: str = "inspections.csv") -> InputFile:
    return InputFile(name, csv_bytes(table(header or INSPECTION_HEADER,
                                           INSPECTION_ROWS if rows is None else rows), encoding))


def issues_csv(rows: Rows | None = None, header: list[object] | None = None, encoding: str = "utf-8",
               name: str = "issues.csv") -> InputFile:
    return InputFile(name, csv_bytes(table(header or ISSUE_HEADER, ISSUE_ROWS if rows is None else rows), encoding))


def inspections_with(column: str, written: object, row: int = 0) -> InputFile:
    """The base inspections as 巡察情况.csv, record `row` (0: the first) with `written` under `column`."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[row][INSPECTION_HEADER.index(column)] = written
    return InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows)))


def issues_with(row: int, column: str, written: object) -> InputFile:
    """The base issue list as 问题清单.csv, record `row` (0: the first) with `written` under `column`."""
    rows = [list(r) for r in ISSUE_ROWS]
    rows[row][ISSUE_HEADER.index(column)] = written
    return InputFile("问题清单.csv", csv_bytes(table(ISSUE_HEADER, rows)))


def base_files() -> list[InputFile]:
    return [roster_csv(), inspections_csv(), issues_csv()]


def inspection_row(**changes) -> list[object]:
    """The first base inspection row with some columns (by header) changed."""
    row = list(INSPECTION_ROWS[0])
    for header, value in changes.items():
        row[INSPECTION_HEADER.index(header)] = value
    return row


def run(con, *files: InputFile, originals: Path | None = None) -> importer.ImportResult:
    return importer.import_files(con, list(files), "tester", originals)


def rows_of(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def dump(con) -> dict[str, list[tuple]]:
    """Every row of every table (sorted), for before/after comparisons."""
    out = {}
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
        "ORDER BY 1").fetchall()]
    for name in names:
        rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
        out[name] = sorted(rows, key=repr)
    return out


DUE_TEXT = ("due_kind", "due_month", "due_day")


def data_dump(con) -> dict[str, list[tuple]]:
    """The data tables without bookkeeping columns (import ids), for 'same content' checks. An issue's
    due date written from the feedback (立行立改, 3个月内: kept as written) is the date it resolves to."""
    out = {}
    for name in ("roster", "inspections", "issues", "rounds"):
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
            [name]).fetchall() if r[0] not in ("import_id", "superseded_by", *DUE_TEXT)]
        where = " WHERE superseded_by IS NULL" if name != "rounds" else ""
        if name == "issues":
            cols = [("feedback_due(due_date, due_kind, due_month, due_day, (SELECT i.end_date FROM inspections i "
                     "WHERE i.round = issues.round AND i.unit_id = issues.unit_id AND i.superseded_by IS NULL)) "
                     "AS due_date") if c == "due_date" else c for c in cols]
        rows = con.execute(f"SELECT {', '.join(cols)} FROM {name}{where}").fetchall()
        out[name] = sorted(rows, key=repr)
    return out


_TEMPLATES: dict[tuple, Path] = {}


def store_template() -> Path:
    """A new store's file (migrated, views applied, the default plan row seeded), written once per
    test process for the plan settings in force: applying the views to a new store costs ~0.1 s of
    CPU and the suite opens about a thousand. Never written after; copy it (new_store_file, fresh_store)."""
    key = tuple(str(settings.get(name)) for name in ("INSPECTION_PLAN_START", "INSPECTION_PLAN_END",
                                                        "INSPECTION_PLAN_TARGET"))
    if key not in _TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix="inspection-template-"))
        atexit.register(shutil.rmtree, folder, True)
        store.connect(folder / "template.duckdb").close()
        _TEMPLATES[key] = folder / "template.duckdb"
    return _TEMPLATES[key]


def new_store_file(path: Path) -> Path:
    """A new store at `path` (no file there yet), as store.connect(path) would create it."""
    shutil.copyfile(store_template(), path)
    return path


def memory_store(source: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A new writable store in memory, as store.connect(":memory:") opens it (the importer and the
    views are the same as on a file): a copy of store_template() (ATTACH and COPY FROM DATABASE,
    cheaper than applying the views again), then migrated as store.connect does. `source`: a copy of
    that store file instead (never written). One DuckDB thread: a test's tables fit in one row group,
    where a second thread does no scan of its own and only adds its hand-over (~17% of the CPU of an
    import and the figures on the base ledgers); the file stores of the other tests keep DuckDB's own."""
    connection = duckdb.connect(":memory:", config={"threads": 1})
    connection.execute(f"SET memory_limit = '{settings.get('INSPECTION_MEMORY_LIMIT')}'")
    connection.execute("ATTACH '{}' AS store_template (READ_ONLY)".format(
        str(source or store_template()).replace("'", "''")))
    connection.execute("COPY FROM DATABASE store_template TO memory")
    connection.execute("DETACH store_template")
    store.migrate(connection)
    return connection


def fresh_store():
    """A fresh writable store in memory (memory_store). Use as a fixture body."""
    connection = memory_store()
    yield connection
    connection.close()


def load_base(con) -> None:
    result = run(con, *base_files())
    assert result.status == "imported", result.problems


@dataclass
class Parsed:
    """What the importer's read-and-convert stage made of some files (no store involved)."""

    status: str  # accepted | rejected
    problems: list
    warnings: list
    skipped: int
    tables: dict[str, list[dict]]

    def to_json(self) -> dict:
        return {"status": self.status, "problems": [asdict(p) for p in self.problems], "warnings": self.warnings}


def parse(*files: InputFile) -> Parsed:
    """Read, recognise and convert cells exactly as an import does, without a store (fast)."""
    worker = importer.Importer(None, list(files), "tester", None)
    by_table = worker.parse()
    return Parsed("rejected" if worker.problems else "accepted", worker.problems, worker.warnings,
                  worker.skipped, {t: [r.values for r in recs] for t, recs in by_table.items()})


OWN_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "巡察反馈问题描述", "整改状态"]
OWN_ROWS = [
    ["2021年第一轮", "东城区", "城关镇", "张家村", "群众身边腐败问题", "账目不清", "已闭环销账"],
    ["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "会议记录不全", " 已闭环销账 "],
    ["2021年第一轮", "西城区", "河口镇", "王庄村", "基层党组织建设", "三会一课不规范", "整改中"],
]


def own_files(rows=OWN_ROWS):
    """A city whose issue list uses the office's own words: a description header and a status word."""
    return [roster_csv(), inspections_csv(), issues_csv(rows, OWN_HEADER)]


def odt_bytes(*blocks) -> bytes:
    """An OpenDocument text (.odt) as LibreOffice writes it, from blocks as docx_bytes takes them: a string is a
    paragraph, a (rows, merges) pair a table (a cell spanning rows or columns over covered cells; a cell's line
    breaks are its paragraphs; a comment on the first cell, which is no text)."""
    from xml.sax.saxutils import escape

    def cell_xml(value: object, across: int, down: int, comment: bool) -> str:
        spans = (f' table:number-columns-spanned="{across}"' * (across > 1)
                 + f' table:number-rows-spanned="{down}"' * (down > 1))
        note = "<office:annotation><text:p>批注：核对</text:p></office:annotation>" if comment else ""
        text = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value if value is not None else "").split("\n"))
        return f'<table:table-cell office:value-type="string"{spans}>{note}{text}</table:table-cell>'

    body = []
    for block in blocks:
        if isinstance(block, str):
            body.append(f"<text:p>{escape(block)}</text:p>")
            continue
        rows, merges = block
        width = max(len(r) for r in rows)
        origin = {(r0, c0): (c1 - c0 + 1, r1 - r0 + 1) for (r0, c0), (r1, c1) in merges}
        covered = {(r, c) for (r0, c0), (r1, c1) in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                   if (r, c) != (r0, c0)}
        xml = [f'<table:table table:name="表格{len(body) + 1}"><table:table-column table:number-columns-repeated="{width}"/>']
        for r, row in enumerate(rows):
            xml.append("<table:table-row>")
            for c in range(width):
                if (r, c) in covered:
                    xml.append("<table:covered-table-cell/>")
                else:
                    across, down = origin.get((r, c), (1, 1))
                    xml.append(cell_xml(row[c] if c < len(row) else None, across, down, (r, c) == (0, 0)))
            xml.append("</table:table-row>")
        body.append("".join(xml) + "</table:table>")
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">'
               f'<office:body><office:text>{"".join(body)}</office:text></office:body></office:document-content>')
    return ods_package(content, "application/vnd.oasis.opendocument.text")


def ods_package(content: str, mimetype: str = "application/vnd.oasis.opendocument.spreadsheet") -> bytes:
    """An .ods workbook around its content.xml (the mimetype and the manifest LibreOffice writes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", mimetype)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:'
                   'tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
                   f'"{mimetype}"/></manifest:manifest>')
        z.writestr("content.xml", content)
    return out.getvalue()
