"""The hostile file corpus: files a careless or malicious upload could bring.

`python tests/hostile/make_corpus.py` rewrites the small files kept in git next to this script
(each well under 200 KB). The large ones (zip bombs, 10,000 columns, a 1 MB cell) are made at
test time by the `make_*` functions below, into a temporary folder.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

ROSTER_HEADER = ["县区", "乡镇街道", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]

# names that must be stored as plain text, never executed or interpreted
HOSTILE_NAMES = [
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1:A9)",
    "=HYPERLINK(\"http://example.invalid\",\"x\")",
    "'; DROP TABLE roster; --",
    "\" OR 1=1 --",
    "$districts",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{7*7}}",
    "村\u202e名",  # right-to-left override
]


def _csv(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "名册"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a clerk's pasted value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def hostile_roster_rows() -> list[list[object]]:
    """A roster whose village names (and one district and township) are hostile strings."""
    rows = [ROSTER_HEADER]
    for name in HOSTILE_NAMES:
        rows.append(["敌意区", "测试镇", name, "村", "否", "否"])
    rows.append(["<b>区</b>", "'; DELETE FROM issues; --", "正常村", "村", "否", "否"])
    return rows


def make_roster_xlsx() -> bytes:
    return _xlsx([ROSTER_HEADER] + [["东城区", "城关镇", f"第{i}村", "村", "否", "否"] for i in range(200)])


def make_truncated_xlsx() -> bytes:
    data = make_roster_xlsx()
    return data[: len(data) // 2]


def make_binary_csv() -> bytes:
    rng = random.Random(6)
    return bytes(rng.randrange(256) for _ in range(4096)) + b"\x00"


def make_xlsx_named_csv() -> bytes:
    return make_roster_xlsx()


def make_mixed_encodings_csv() -> bytes:
    """UTF-8 header and first row, then rows in GBK: no single encoding reads the whole file."""
    head = _csv([ROSTER_HEADER, ["东城区", "城关镇", "张家村", "村", "否", "否"]], "utf-8")
    tail = _csv([["西城区", "河口镇", "王庄村", "村", "是", "否"]], "gbk")
    return head + tail


def make_hostile_names_csv() -> bytes:
    return _csv(hostile_roster_rows())


def make_hostile_names_xlsx() -> bytes:
    return _xlsx(hostile_roster_rows())


def _sheet_zip(sheet_xml: bytes) -> bytes:
    """A minimal one-sheet xlsx around the given worksheet XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                   '<Override PartName="/xl/worksheets/sheet1.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                   'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                   '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(sheet_xml)
    return buffer.getvalue()


def make_sparse_range_xlsx() -> bytes:
    """1.5 KB: one cell at A1 and one at XFD1048576. A reader that allocates the bounding box
    (17 billion cells) dies of it."""
    return _sheet_zip(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                      b'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
                      b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>b</t></is></c></row>'
                      b'</sheetData></worksheet>')


SMALL = {
    "truncated.xlsx": make_truncated_xlsx,
    "binary_data.csv": make_binary_csv,
    "excel_named.csv": make_xlsx_named_csv,
    "mixed_encodings.csv": make_mixed_encodings_csv,
    "hostile_names.csv": make_hostile_names_csv,
    "hostile_names.xlsx": make_hostile_names_xlsx,
    "sparse_range.xlsx": make_sparse_range_xlsx,
}


# ---------------------------------------------------------------- large: made at test time


def make_zip_bomb(path: Path, uncompressed: int = 420 * 1024 * 1024) -> Path:
    """An .xlsx whose one worksheet inflates to `uncompressed` bytes of blanks (about 0.4 MB on disk)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            block = b" " * (4 * 1024 * 1024)
            for _ in range(uncompressed // len(block)):
                out.write(block)
    path.write_bytes(buffer.getvalue())
    return path


def make_lying_zip_bomb(path: Path) -> Path:
    """A zip bomb whose directory claims a tiny size: its real size must be counted, not read."""
    real = _sheet_zip(b"<worksheet>" + b" " * (8 * 1024 * 1024) + b"</worksheet>")
    data = bytearray(real)
    name = b"xl/worksheets/sheet1.xml"
    # patch the uncompressed size in the local header and the central directory to 1 KB
    start = 0
    while (at := data.find(name, start)) != -1:
        for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            head = data.rfind(sig, 0, at)
            if head != -1 and at - head in (30, 46):
                size_field = head + offset
                if data[size_field:size_field + 4] != b"\xff\xff\xff\xff":
                    data[size_field:size_field + 4] = (1024).to_bytes(4, "little")
        start = at + 1
    path.write_bytes(bytes(data))
    return path


def make_wide_csv(path: Path, columns: int = 10_000) -> Path:
    header = ROSTER_HEADER + [f"列{i}" for i in range(columns - len(ROSTER_HEADER))]
    row = ["东城区", "城关镇", "宽表村", "村", "否", "否"] + ["x"] * (columns - len(ROSTER_HEADER))
    path.write_bytes(_csv([header, row]))
    return path


def make_wide_xlsx(path: Path, columns: int = 10_000) -> Path:
    header = ROSTER_HEADER + [f"列{i}" for i in range(columns - len(ROSTER_HEADER))]
    path.write_bytes(_xlsx([header, ["东城区", "城关镇", "宽表村", "村", "否", "否"]]))
    return path


def make_big_cell_csv(path: Path, chars: int = 1024 * 1024) -> Path:
    path.write_bytes(_csv([ROSTER_HEADER, ["东城区", "城关镇", "长" * chars, "村", "否", "否"]]))
    return path


def make_big_cell_xlsx(path: Path, chars: int = 1024 * 1024) -> Path:
    # openpyxl writes the cell as given (Excel itself would refuse more than 32,767 characters)
    path.write_bytes(_xlsx([ROSTER_HEADER, ["东城区", "城关镇", "长" * chars, "村", "否", "否"]]))
    return path


LARGE = {
    "zip_bomb.xlsx": make_zip_bomb,
    "lying_zip_bomb.xlsx": make_lying_zip_bomb,
    "wide_10000_columns.csv": make_wide_csv,
    "wide_10000_columns.xlsx": make_wide_xlsx,
    "one_mb_cell.csv": make_big_cell_csv,
    "one_mb_cell.xlsx": make_big_cell_xlsx,
}


def main() -> None:
    for name, make in SMALL.items():
        data = make()
        assert len(data) < 200 * 1024, name
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
