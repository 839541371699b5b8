"""Read CSV and Excel files into raw sheets: lists of rows of Python cell values.

Nothing here knows the contract; it only turns bytes into cells, or says in one
sentence why it cannot.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
from python_calamine import CalamineWorkbook


class ReadError(Exception):
    """The file cannot be read at all (a message for the clerk)."""


@dataclass
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_uncompressed: int = 400 * 1024 * 1024
    max_rows: int = 2_000_000
    max_columns: int = 200
    max_cell_chars: int = 32_767
    max_cells: int = 10_000_000  # rows x columns of a sheet's bounding box (the Excel reader allocates it)


@dataclass
class RawSheet:
    name: str  # sheet name; "" for CSV
    rows: list[list[object]]


ENCODINGS = ("utf-8-sig", "gb18030")


def decode_text(data: bytes) -> str:
    if b"\x00" in data[:65536]:
        raise ReadError("文件含有二进制内容，不是文本 CSV（是否把 Excel 文件改成了 .csv 扩展名？）")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV")


def read_csv(data: bytes, limits: Limits) -> list[RawSheet]:
    text = decode_text(data)
    sample = text[:4096]
    delimiter = ","
    if sample.count("\t") > sample.count(",") and sample.count("\t") > 0:
        delimiter = "\t"
    csv.field_size_limit(max(limits.max_cell_chars * 4, 131072))
    try:
        rows = []
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if len(row) > limits.max_columns:
                raise ReadError(f"列数超过上限 {limits.max_columns}")
            rows.append(row)
            if len(rows) > limits.max_rows:
                raise ReadError(f"行数超过上限 {limits.max_rows:,}")
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise ReadError(f"CSV 中有单元格内容过长，超过上限 {limits.max_cell_chars:,} 字") from None
        raise ReadError(f"CSV 格式错误：{exc}") from None
    return [RawSheet("", rows)]


# ---------------------------------------------------------------- large CSVs through DuckDB

# Below this size a CSV is read by csv.reader (fast enough, and every irregular file goes there).
FAST_CSV_MIN_BYTES = 2_000_000
_BOM = b"\xef\xbb\xbf"
_QUOTE, _SPACE, _TAB, _LF, _CR = ord('"'), ord(" "), ord("\t"), ord("\n"), ord("\r")


def _regular_lines(data: bytes, start: int, end: int) -> bool:
    """data[start:end] (the records without the final line break) has one kind of line ending (all
    LF or all CRLF), no blank line, and no whitespace right before or after a quote (csv.reader
    keeps it: ' "a"' stays as written; DuckDB trims it). numpy: a file may be hundreds of MB and
    hold hundreds of thousands of quotes."""
    array = np.frombuffer(data, dtype=np.uint8)[start:end]
    if array[0] in (_LF, _CR):
        return False
    newlines = np.flatnonzero(array == _LF)
    carriages = int(np.count_nonzero(array == _CR))
    if carriages:
        if carriages != len(newlines) or not (array[newlines - 1] == _CR).all():
            return False
        blank_gap = 2  # \r\n\r\n
    else:
        blank_gap = 1  # \n\n
    if len(newlines) > 1 and (np.diff(newlines) == blank_gap).any():
        return False  # a blank line in between: DuckDB drops it, which would shift row numbers
    quotes = np.flatnonzero(array == _QUOTE)
    if len(quotes):
        before, after = array[np.maximum(quotes - 1, 0)], array[np.minimum(quotes + 1, len(array) - 1)]
        if ((before == _SPACE) | (before == _TAB) | (after == _SPACE) | (after == _TAB)).any():
            return False
    return True


def fast_csv_text(name: str, data: bytes, limits: Limits) -> str | None:
    """The text of a CSV that DuckDB's reader splits exactly as `read_csv` (csv.reader) does, else None.

    Only large, regular files qualify: UTF-8 (with or without BOM), comma-separated, one kind of line
    ending (all LF or all CRLF), no blank line before the last record, no whitespace next to a quote.
    Everything else (GBK, tabs, odd quoting, empty files, limits exceeded) goes through `read_file`,
    which also gives the clerk its messages. DuckDB refuses quoted line breaks and ragged long rows
    (see `load_csv`), so those fall back too.
    """
    if not FAST_CSV_MIN_BYTES <= len(data) <= limits.max_bytes:
        return None
    if not name.lower().endswith((".csv", ".txt", ".tsv")):
        return None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or b"\x00" in data:
        return None
    start = len(_BOM) if data.startswith(_BOM) else 0
    end = len(data)  # without the line break after the last record (no copies: the file may be large)
    while end > start and data[end - 1] in b"\r\n":
        end -= 1
    if end == start or data[end:] not in (b"", b"\n", b"\r\n"):
        return None  # trailing blank lines: csv.reader counts them as records, DuckDB may not
    if not _regular_lines(data, start, end):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    sample = text[:4096]
    if sample.count("\t") > sample.count(",") and sample.count("\t") > 0:
        return None  # tab-separated: rare, left to csv.reader
    return text


def head_rows(text: str, count: int, limits: Limits) -> list[list[object]]:
    """The first `count` records of a CSV text, as `read_csv` gives them (for recognising the header)."""
    def lines():
        start = 0
        while start < len(text):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end + 1
            yield text[start:end]
            start = end
    csv.field_size_limit(max(limits.max_cell_chars * 4, 131072))
    try:
        rows = []
        for row in csv.reader(lines()):
            rows.append(row)
            if len(rows) >= count:
                break
        return rows
    except csv.Error:
        return []


def load_csv(con: duckdb.DuckDBPyConnection, data: bytes, table: str, columns: int, limits: Limits) -> int | None:
    """Read a CSV accepted by `fast_csv_text` into TEMP table `table` (c0..c<n-1>, all VARCHAR, blank
    cells NULL; rowid = record index, as in `read_csv`). Returns the number of records, or None when
    DuckDB's reader refuses the file or a limit would be exceeded (then read it with `read_file`)."""
    if columns > limits.max_columns:
        return None
    spec = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(columns)) + "}"
    handle, path = tempfile.mkstemp(suffix=".csv", prefix="import-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv(
                '{path.replace("'", "''")}', header = false, auto_detect = false, columns = {spec},
                delim = ',', quote = '"', escape = '"', null_padding = true, strict_mode = true,
                encoding = 'utf-8')""")
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        return None
    finally:
        os.unlink(path)
    longest = " , ".join(f"max(strlen(c{i}))" for i in range(columns))
    count, widest = con.execute(f"SELECT count(*), greatest(0, {longest}) FROM {table}").fetchone()
    # csv.reader refuses a cell over its field limit (characters; bytes are never fewer)
    if count > limits.max_rows or (widest or 0) > max(limits.max_cell_chars * 4, 131072):
        con.execute(f"DROP TABLE IF EXISTS {table}")
        return None
    return count


_CELL_COL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,4})[0-9]")
_FAR_ROW = re.compile(rb"\br=\"[A-Z]{0,4}([0-9]{7,})\"")
_CHUNK = 1 << 20


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _scan_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> tuple[int, int, int]:
    """Decompress one member without keeping it: (bytes, max row, max column).

    The sizes are counted, not taken from the zip directory (which a zip bomb can fake); a member
    larger than its directory entry fails its CRC check and is refused as damaged. The bounding
    box matters because the Excel reader allocates rows x columns cells up front.
    """
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    total = max_row = max_col = rows_seen = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > budget:
                return total, 0, 0
            if not is_sheet:
                continue
            text = tail + chunk
            # C-level scans only: distinct column letters (few), and row numbers of 7+ digits
            # (a normal ledger has none); every other row number is below the row limit anyway
            letters = set(_CELL_COL.findall(text))
            if letters:
                max_col = max(max_col, max(_column_number(x) for x in letters))
            far = _FAR_ROW.findall(text)
            if far:
                max_row = max(max_row, max(map(int, far)))
            rows_seen += chunk.count(b"<row ") + chunk.count(b"<row>") + chunk.count(b":row ")
            tail = text[-512:]
    return total, max(max_row, rows_seen), max_col


def _check_xlsx_size(data: bytes, limits: Limits) -> None:
    """Refuse zip bombs and oversized sheets before the workbook is parsed.

    Every member is decompressed once as a stream (nothing kept) to count its real size, and each
    worksheet's cell references give its bounding box: the Excel reader allocates rows x columns
    cells up front, so one far-away cell in a tiny file could otherwise exhaust the memory.
    """
    if not data.startswith(b"PK"):
        return
    mb = 1024 * 1024
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.file_size > limits.max_uncompressed:
                    total += info.file_size
                    break
                size, rows, cols = _scan_zip_member(archive, info, limits.max_uncompressed - total)
                total += size
                if total > limits.max_uncompressed:
                    break
                sheet = Path(info.filename).stem
                if rows > limits.max_rows:
                    raise ReadError(f"工作表（{sheet}）行数 {rows:,} 超过上限 {limits.max_rows:,}")
                if cols > limits.max_columns:
                    raise ReadError(f"工作表（{sheet}）列数 {cols:,} 超过上限 {limits.max_columns}")
                if rows * cols > limits.max_cells:
                    raise ReadError(f"工作表（{sheet}）范围 {rows:,} 行 × {cols:,} 列，超过上限 {limits.max_cells:,} 个单元格")
    except ReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
        raise ReadError("Excel 文件已损坏或不完整，无法打开") from None
    if total > limits.max_uncompressed:
        raise ReadError(
            f"Excel 文件解压后超过 {limits.max_uncompressed / mb:.0f} MB 的上限（疑似压缩炸弹），已拒绝"
        )


def _check_cell_lengths(sheet: str, rows: list[list[object]], limits: Limits) -> None:
    """The Excel reader cuts text at Excel's limit of 32,767 characters without a word: a cell that
    long was probably longer, and a clerk must not get a silently shortened value."""
    limit = limits.max_cell_chars
    for row in rows:
        for cell in row:
            if type(cell) is str and len(cell) >= limit:
                raise ReadError(f"工作表「{sheet}」中有单元格内容过长（达到上限 {limit:,} 字，可能已被截断）")


def read_excel(data: bytes, limits: Limits) -> list[RawSheet]:
    _check_xlsx_size(data, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several untyped errors for broken files
        raise ReadError("Excel 文件已损坏或格式不受支持，无法打开") from None
    sheets = []
    for name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height > limits.max_rows:
                raise ReadError(f"工作表「{name}」行数 {sheet.height:,} 超过上限 {limits.max_rows:,}")
            if sheet.width > limits.max_columns:
                raise ReadError(f"工作表「{name}」列数 {sheet.width:,} 超过上限 {limits.max_columns}")
            rows = sheet.to_python(skip_empty_area=False)
            _check_cell_lengths(name, rows, limits)
        except ReadError:
            raise
        except Exception:
            raise ReadError(f"工作表「{name}」已损坏，无法读取") from None
        sheets.append(RawSheet(name, rows))
    return sheets


def read_file(name: str, data: bytes, limits: Limits | None = None) -> list[RawSheet]:
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise ReadError(
            f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过上限 {limits.max_bytes / 1024 / 1024:.0f} MB"
        )
    if not data:
        raise ReadError("文件为空")
    lower = name.lower()
    if lower.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        return read_excel(data, limits)
    if lower.endswith((".csv", ".txt", ".tsv")):
        if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
            raise ReadError("文件内容是 Excel 工作簿，但扩展名是 .csv：请改回 .xlsx/.xls 后再导入")
        return read_csv(data, limits)
    raise ReadError("不支持的文件类型：请上传 .xlsx、.xls 或 .csv 文件")
