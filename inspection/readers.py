"""Read CSV and Excel files into raw sheets: lists of rows of Python cell values.

Nothing here knows the contract; it only turns bytes into cells, or says in one
sentence why it cannot.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import html
import io
import itertools
import os
import posixpath
import re
import struct
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from . import cells, contract, layout
from .errors import ImportInputError


class ReadError(ImportInputError):
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
    hidden: bool = False  # hidden in the workbook (a sheet of drop-down lists, a helper): the clerk never sees it
    merged: tuple = ()  # the merged ranges filled, ((first_row, first_col), (last_row, last_col)), 0-based
    # the workbook counts its serial dates from 1904 (Excel for Mac's old default): a date written as a
    # plain number (no date format, so the reader left it a number) is 1,462 days later than from 1900
    date1904: bool = False
    # an OpenDocument workbook: its day 0 is 1899-12-30 throughout (no 1900 leap day, as Excel has)
    opendocument: bool = False
    # a CSV separated by ";" (Excel where the region's list separator is ";", as in Europe): its numbers
    # may carry a decimal comma (1,5) or a dot between thousands (1.500)
    semicolons: bool = False
    # the cells (0-based row, column) of an .xls holding a formula whose result the file keeps as empty:
    # a formula returning "", or one a program wrote (xlwt) and nothing ever calculated; read as blanks,
    # but a required one is refused naming the formula, not called a cell left empty
    formula_blanks: frozenset = frozenset()
    # one round's part of a wide ledger (a group of columns per round): the round its group's heading
    # names and the group's columns (first, last); the other groups' cells are blank
    round_group: tuple[str, int, int] | None = None
    # the columns (0-based) the workbook hides: a hidden copy of a column the clerk sees is not read
    hidden_columns: frozenset = frozenset()
    # the rows (0-based) an .xlsx hides (filtered out by an autofilter, or hidden by hand): read, and named
    hidden_rows: frozenset = frozenset()
    # a table of a Word document: its name (表2, its heading) is the reader's, never a clerk's saying what it is
    document: bool = False


# Byte-order marks, longest first (a UTF-32 LE mark starts like a UTF-16 LE one).
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
         (b"\xef\xbb\xbf", "utf-8", "UTF-8"), (b"\xff\xfe", "utf-16-le", "UTF-16"),
         (b"\xfe\xff", "utf-16-be", "UTF-16"))
# The encodings charset-normalizer may name for simplified Chinese text saved by Excel or WPS
_GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312", "cp936", "hz"})
# What a clerk recognises, for the encodings that offices outside the mainland or old systems write
_ENCODING_NAMES = {
    "big5": "Big5（繁体中文）", "big5hkscs": "Big5-HKSCS（繁体中文）", "cp950": "Big5（繁体中文）",
    "euc_kr": "EUC-KR（韩文）", "cp949": "EUC-KR（韩文）", "iso2022_kr": "ISO-2022-KR（韩文）",
    "johab": "Johab（韩文）", "shift_jis": "Shift-JIS（日文）", "cp932": "Shift-JIS（日文）",
    "euc_jp": "EUC-JP（日文）", "euc_jis_2004": "EUC-JP（日文）", "iso2022_jp": "ISO-2022-JP（日文）",
    "utf_16": "UTF-16（无 BOM）", "utf_16_le": "UTF-16（无 BOM）", "utf_16_be": "UTF-16（无 BOM）",
    "utf_32": "UTF-32（无 BOM）", "utf_32_le": "UTF-32（无 BOM）", "utf_32_be": "UTF-32（无 BOM）",
    "utf_7": "UTF-7",
}
_CYRILLIC = frozenset({"koi8_r", "koi8_u", "cp1251", "iso8859_5", "cp866", "cp855", "mac_cyrillic", "ptcp154"})
_GREEK = frozenset({"cp1253", "iso8859_7", "cp737", "cp869", "mac_greek"})
_THAI = frozenset({"cp874", "tis_620", "iso8859_11"})
SAVE_AS_UTF8 = "请在 Excel 或 WPS 中打开后另存为「CSV UTF-8（逗号分隔）」，或用记事本另存为 UTF-8 编码，再导入"
_DETECT_BYTES = 256 * 1024


def encoding_label(name: str) -> str:
    """A clerk's name for a Python codec name charset-normalizer returned."""
    key = name.lower().replace("-", "_")
    if key in _ENCODING_NAMES:
        return _ENCODING_NAMES[key]
    for keys, script in (_CYRILLIC, "俄文等西里尔文字"), (_GREEK, "希腊文"), (_THAI, "泰文"):
        if key in keys:
            return f"{name}（{script}）"
    if key.startswith(("cp12", "cp8", "cp7", "latin", "iso8859", "mac_", "cp437", "cp10", "koi8", "ptcp", "tis")):
        return f"单字节西文编码（如 Latin-1 / Windows-1252，检测为 {name}）"
    return name


def _utf16_without_bom(data: bytes) -> bool:
    """Text in UTF-16 without a BOM: ASCII characters (separators, line breaks, digits) leave a zero in
    every other byte, all on the same side; in binary data zeros fall on both."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) >= 8 and max(even, odd) > len(sample) / 40 and min(even, odd) <= max(even, odd) / 20:
        return True
    # mostly Chinese: a character whose code ends in 00 (一 U+4E00, 丈 U+4E08 …) puts zeros on the other side
    # too; the text decodes to Chinese, ASCII and line breaks, where binary data gives controls and odd scripts
    for codec in ("utf-16-le", "utf-16-be"):
        text = sample[:len(sample) & ~1].decode(codec, errors="replace")
        plain = sum(1 for ch in text if ch in "\t\r\n" or " " <= ch <= "~" or "\u3000" <= ch <= "\u9fff"
                    or "\uff00" <= ch <= "\uffef")
        if "\n" in text and sum(1 for ch in text if " " <= ch <= "~") >= 8 and plain >= len(text) * 0.97:
            return True
    return False


def decode_text(data: bytes) -> str:
    """The text of a CSV or text file: UTF-8 (with or without BOM), GB18030/GBK (what Excel and WPS save
    on Chinese Windows), or UTF-16/UTF-32 with a BOM (Excel's "Unicode 文本"). Any other encoding is
    refused naming the encoding charset-normalizer found, never decoded by guess."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                if codec == "utf-8" and b"\x00" not in data[:65536]:
                    # a UTF-8 mark before text in another encoding (a program that writes the mark, then
                    # GBK for Excel): read as a file without the mark is, with the same checks
                    data = data[len(bom):]
                    break
                raise ReadError(f"文件含有二进制内容，不是文本 CSV（开头是 {label} 的字节顺序标记，内容却不是有效的 "
                                f"{label} 文本）") from None
    if b"\x00" in data[:65536]:
        if _utf16_without_bom(data):
            raise ReadError(f"文件编码为 UTF-16（无字节顺序标记 BOM），无法可靠读取：{SAVE_AS_UTF8}")
        raise ReadError("文件含有二进制内容，不是文本 CSV（是否把 Excel 文件改成了 .csv 扩展名？）")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    if len(_NON_ASCII.findall(data[max(0, bad_at - 65536):bad_at].decode("utf-8", errors="ignore"))) >= 8:
        _bad_utf8(data, bad_at)  # UTF-8 text up to there (GBK rarely makes a few valid UTF-8 characters)
    found, chaos, gb_chaos = _detect(data)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    gb_found = found is None or _key(found) in _GB_FAMILY or (gb_chaos is not None and gb_chaos <= chaos + 1e-9)
    if text is not None:
        if gb_found:
            return text
        # Short GBK text is often as plausible in another encoding to the detector: it is believed only
        # when it finds another East Asian encoding clearly better; else GBK text is text whose
        # characters are (nearly) all among the 7,445 of GB2312, which Big5 or Latin-1 bytes are not
        decisive = _key(found) in _EAST_ASIAN and (gb_chaos is None or gb_chaos - chaos >= 0.07)
        if not decisive and _gb2312_share(text[:200_000]) >= 0.9:
            return text
    elif gb_found:
        raise ReadError(f"无法识别文件编码（文件中混有不同编码的文字）：{SAVE_AS_UTF8}")
    if _key(found) in ("utf_8", "ascii"):
        _bad_utf8(data, bad_at)
    label = encoding_label(found)
    raise ReadError(f"文件编码为{' ' if label[0].isascii() else ''}{label}，不是本系统支持的编码（UTF-8、GBK/GB18030、"
                    f"带 BOM 的 UTF-16）：{SAVE_AS_UTF8}")


_EAST_ASIAN = frozenset({"big5", "big5hkscs", "cp950", "euc_kr", "cp949", "johab", "iso2022_kr", "shift_jis", "cp932",
                         "euc_jp", "euc_jis_2004", "euc_jisx0213", "iso2022_jp", "shift_jis_2004", "shift_jisx0213"})
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _bad_utf8(data: bytes, at: int) -> None:
    """UTF-8 text with a damaged or foreign byte at `at` (a cut file, a line pasted from a GBK file)."""
    line = data.count(b"\n", 0, at) + 1
    what = "的最后一个字被截断（文件不完整）" if at >= len(data) - 3 else "混入了其他编码的文字或损坏的字节"
    raise ReadError(f"文件是 UTF-8 文本，但第 {line} 行{what}：{SAVE_AS_UTF8}")


def _key(encoding: str) -> str:
    return encoding.lower().replace("-", "_")


def _gb2312_share(text: str) -> float:
    """The share of the non-ASCII characters of `text` that GB2312 (simplified Chinese) holds."""
    total = len(_NON_ASCII.findall(text))
    if not total:
        return 1.0
    kept = text.encode("gb2312", errors="ignore").decode("gb2312")
    return len(_NON_ASCII.findall(kept)) / total


def _detect(data: bytes) -> tuple[str | None, float, float | None]:
    """What charset-normalizer finds for text that is not UTF-8: (the best encoding or None, its chaos,
    the chaos of GB18030 when that is a candidate too)."""
    from charset_normalizer import from_bytes

    sample = data[:_DETECT_BYTES]
    if len(data) > _DETECT_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # a whole line: no character cut in two
    try:
        results = list(from_bytes(sample))
    except Exception:  # the detector must never turn a file into a traceback
        return None, 0.0, None
    if not results:
        return None, 0.0, None
    gb = [m.chaos for m in results if _key(m.encoding) in _GB_FAMILY]
    return results[0].encoding, results[0].chaos, (min(gb) if gb else None)


def read_csv(data: bytes, limits: Limits) -> list[RawSheet]:
    text = decode_text(data)
    if text.rstrip("\r\n").endswith("\x1a"):  # the DOS end-of-file mark old programs write: not a row
        text = text.rstrip("\r\n").rstrip("\x1a")
    if "\x00" in text:
        raise ReadError("文件含有二进制内容（空字符），不是文本 CSV：请在 Excel 或 WPS 中打开后另存为 CSV UTF-8 再导入")
    delimiter = _delimiter(text[:4096])
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
    if '="' in text:
        _unwrap_excel_text(rows)
    _check_split(rows, delimiter)
    return [RawSheet("", rows, semicolons=delimiter == ";")]


def _check_split(rows: list[list[str]], delimiter: str) -> None:
    """A text whose cells are not quoted splits a cell holding its separator (a description:
    会议记录不全,账目不清) into two: every cell after it moves one column right (账目不清 read as the
    status, the status as the due date) or, at the end of the record, is dropped unseen. A record that
    holds something beyond its header's last column is refused, naming the separator. A program saving
    a CSV (Excel, WPS) writes every record as wide as the widest, its header too: a note typed right of
    the table makes no record longer than the header."""
    found = layout.find_header(rows[: contract.MAX_TITLE_ROWS + layout.MAX_HEADER_ROWS + 1])
    if found is None:
        return
    if delimiter == "，":  # typed by hand: the header ends at its last name
        width = len(found[1])
        while width and not found[2][width - 1]:
            width -= 1
    else:  # a header over rows (a units row under it) as wide as its widest
        width = max(len(row) for row in rows[:found[0] + 1])
    longer = [number for number, row in enumerate(rows[found[0] + 1:], start=found[0] + 2)
              if len(row) > width and any(str(cell).strip() for cell in row[width:])]
    if not longer:
        return
    shown = "、".join(str(n) for n in longer[:10]) + ("等" if len(longer) > 10 else "")
    if delimiter == "，":
        raise ReadError(f"文件以全角逗号「，」分隔各列，第 {shown} 行分出的列比表头多（单元格内的文字含有全角逗号）："
                        "请把这些单元格用英文双引号括起来（如 \"会议记录不全，账目不清\"），或改用英文逗号分隔各列，再导入")
    named = {",": "逗号「,」", ";": "分号「;」", "|": "竖线「|」", "\t": "制表符"}[delimiter]
    raise ReadError(f"第 {shown} 行分出的列比表头多：这些行的某个单元格里的文字含有分隔各列的{named}，又没有用英文双引号"
                    "括起来，其后的内容都错了列。请在 Excel 或 WPS 中打开文件检查这些行，改正后另存为 CSV（Excel 会自动加引号）"
                    "再导入")


def _delimiter(sample: str) -> str:
    """A tab when a CSV's first characters hold more tabs than commas (Excel's "Unicode 文本"); a
    semicolon, a bar or a full-width comma when its header splits into the contract's columns there
    and not at commas (Excel's "CSV" where the list separator is ";"; a web system's "|" export; a
    text typed by hand with "，"); else a comma."""
    if sample.count("\t") > sample.count(",") and sample.count("\t") > 0:
        return "\t"
    for delimiter in _OTHER_DELIMITERS:
        if delimiter in sample and _header_at(sample, delimiter) and not _header_at(sample, ","):
            return delimiter
    return ","


_OTHER_DELIMITERS = (";", "|", "，")


def _header_at(sample: str, delimiter: str) -> bool:
    """Whether the first lines of a CSV, split at `delimiter`, hold a header of known column names."""
    try:
        rows = list(itertools.islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter),
                                     contract.MAX_TITLE_ROWS + 1))
    except csv.Error:
        return False
    return layout.find_header(rows) is not None


def _unwrap_excel_text(rows: list[list[object]]) -> None:
    """="001" is how systems write a CSV cell for Excel to show as the text 001 (leading zeros kept):
    Excel shows the text, and so the clerk expects it read (in place)."""
    for row in rows:
        for i, cell in enumerate(row):
            if cell[:2] == '="' and len(cell) >= 3 and cell[-1] == '"' and '"' not in cell[2:-1].replace('""', ""):
                row[i] = cell[2:-1].replace('""', '"')


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
    if data.rstrip(b"\r\n").endswith(b"\x1a"):
        return None  # a DOS end-of-file mark: `read_csv` drops it
    if b'="' in data:
        return None  # ="001" cells: `read_csv` reads them as Excel shows them
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
    if _delimiter(text[:4096]) != ",":
        return None  # tab- or semicolon-separated: rare, left to csv.reader
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


# A cell that holds something (a value <v>, inline text <is>, a formula <f>), not one that only
# carries formatting (<c r="XFD1" s="3"/>): only these count for the bounding box.
_ANY_VALUE_CELL = re.compile(rb"<(?:\w++:)?c\s[^>]*+(?<!/)>\s*+<(?:\w++:)?[vif]")
_VALUE_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,4})([0-9]+)\"[^>/]*>\s*<(?:\w+:)?[vif]")
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b(?=[^>]*\bt=\"e\")[^>]*?\br=\"([A-Z]{1,4})([0-9]+)\"[^>]*>\s*"
                         rb"(?:<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*)?<(?:\w+:)?v>([^<]*)</")
# A formula with no calculated value (<f>...</f> and no <v>, or an empty one, and not a text result:
# Excel writes t="str" with an empty <v> for a formula that gives ""): the Excel reader reads a blank
_UNCALCULATED_CELL = re.compile(
    rb"<(?:\w+:)?c\b(?![^>]*\bt=\"(?:str|e|inlineStr)\")[^>]*?\br=\"([A-Z]{1,4})([0-9]+)\"[^>/]*>\s*"
    rb"<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")
# A formula whose cached value is 0 or empty (or absent), not an error. In a workbook that asks to
# be recalculated when opened (<calcPr fullCalcOnLoad="1"/>: written by a program, xlsxwriter,
# openpyxl, POI, exceljs..., that computes nothing; Excel and WPS clear the flag once they have
# calculated and saved) such a value is the writer's placeholder (xlsxwriter caches 0 for every
# formula it is not given a value for), not a result. A value the program computed and wrote (any
# other number or text) is kept.
_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\b(?![^>]*\bt=\"e\")[^>]*?\br=\"([A-Z]{1,4})([0-9]+)\"[^>/]*>\s*"
    rb"<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*(?:0|0\.0+)?\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")
_RECALC_ON_LOAD = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*\bfullCalcOnLoad=\"(?:1|true)\"")
_CHUNK = 1 << 20
_TAIL = 16 * 1024  # kept from the previous chunk: a cell cut in two by a chunk boundary is seen whole

# BIFF (.xls) error codes, as Excel shows them
_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A", 0x2B: "#GETTING_DATA"}

PASSWORD_PROTECTED = ("文件设有打开密码（已加密），无法读取：请在 Excel 或 WPS 中输入密码打开，删除密码"
                      "（「文件 > 信息 > 保护工作簿」或「另存为」时不设密码）后再导入")
SAVE_AS_XLSX = "请在 Excel 或 WPS 中打开，「另存为」Excel 工作簿（*.xlsx）后再导入"
# .xltx/.xltm: a template saved filled in; .xlsb: Excel's binary workbook (what a large ledger is saved as to be smaller)
EXCEL_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".xltx", ".xltm", ".xlsb")
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
# an issue list or a rectification ledger kept as a table in a Word document, or in LibreOffice's own (.odt)
WORD_EXTENSIONS = (".docx", ".odt")
EXTENSIONS = EXCEL_EXTENSIONS + TEXT_EXTENSIONS + WORD_EXTENSIONS  # what the readers take (the upload box too)
UNSUPPORTED = "不支持的文件类型{}：请上传 " + "、".join(EXTENSIONS) + " 文件"
# the ledgers zipped to send them by mail: the upload box takes these so that the reader says to unzip
# them (the box's own refusal is in English and says only that the type is not allowed)
ARCHIVE_EXTENSIONS = (".zip", ".rar", ".7z")
# the upload box takes these too, so that a clerk learns from the reader how to save them
# .xml: an Excel 2003 XML table; .doc, .wps: Word's and WPS 文字's own old formats, refused saying to save as .docx
UPLOAD_EXTENSIONS = EXTENSIONS + (".et", ".ett", ".xml", ".doc", ".wps") + ARCHIVE_EXTENSIONS
UNZIP_FIRST = "文件内容是压缩包（zip、rar、7z 等），不是台账表格：请先解压，再上传其中的 Excel 工作簿或 CSV 文件"
_KINDS = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "Excel 97-2003 工作簿（.xls）", "ods": "OpenDocument 表格（.ods）",
          "xlsb": "Excel 二进制工作簿（.xlsb）", "docx": "Word 文档", "doc": "Word 文档", "odt": "OpenDocument 文本（.odt）",
          "pptx": "PowerPoint 演示文稿",
          "pdf": "PDF 文档", "html": "网页（HTML 表格）", "xml2003": "Excel 2003 XML 表格", "image": "图片",
          "archive": "压缩包"}


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


def _scan_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int,
                     errors: dict[tuple[int, int], str] | None = None,
                     uncalculated: re.Pattern = _UNCALCULATED_CELL,
                     hidden_rows: set[int] | None = None,
                     typed_dates: dict[tuple[int, int], object] | None = None) -> tuple[int, int, int]:
    """Decompress one member without keeping it: (bytes, max row, max column) of the cells that hold
    something; the error cells (t="e") of a worksheet go into `errors` as {(row, column): "#REF!"}
    (0-based), since the Excel reader reads them as blanks; so do the formulas without a calculated
    value (`uncalculated`: those with none, or every formula of a workbook never calculated). The
    rows a worksheet hides (0-based) go into `hidden_rows`, its ISO 8601 date cells (t="d") into
    `typed_dates` as dates (`_typed_date`).

    The sizes are counted, not taken from the zip directory (which a zip bomb can fake); a member
    larger than its directory entry fails its CRC check and is refused as damaged. The bounding
    box matters because the Excel reader allocates rows x columns cells up front. Cells that only
    carry formatting (a style applied out to column XFD) are not read by it and do not count.
    """
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    total = max_row = max_col = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > budget:
                return total, 0, 0
            if not is_sheet:
                continue
            text = tail + chunk
            # C-level scans: one match per cell; the distinct column letters (few) and row numbers
            # (a chunk of cells that carry only formatting has none: the quick search says so)
            found = _VALUE_CELL.findall(text) if _ANY_VALUE_CELL.search(text) else ()
            if found:
                letters = {x[0] for x in found}
                max_col = max(max_col, max(_column_number(x) for x in letters))
                max_row = max(max_row, max(map(int, {x[1] for x in found})))
            if errors is not None and b't="e"' in text:
                for letters_, row, value in _ERROR_CELL.findall(text):
                    errors[(int(row) - 1, _column_number(letters_) - 1)] = value.decode("utf-8", "replace").strip()
            if hidden_rows is not None and b'hidden="' in text:
                hidden_rows.update(int(row) - 1 for row in _HIDDEN_ROW.findall(text))
            if typed_dates is not None and b't="d"' in text:
                for letters_, row, value in _DATE_CELL.findall(text):
                    if (day := _typed_date(value)) is not None:
                        typed_dates[(int(row) - 1, _column_number(letters_) - 1)] = day
            if errors is not None and (b"f>" in text or b"f/>" in text):
                for letters_, row in uncalculated.findall(text):
                    errors[(int(row) - 1, _column_number(letters_) - 1)] = cells.UNCALCULATED
            tail = text[-_TAIL:]
    return total, max_row, max_col


# A date cell as export libraries write it (SheetJS with cellDates, some Java and .NET writers): t="d"
# and an ISO 8601 value, which the Excel reader gives as its text when it holds a time or a zone
_DATE_CELL = re.compile(rb"<(?:\w+:)?c\b(?=[^>]*\bt=\"d\")[^>]*?\br=\"([A-Z]{1,4})([0-9]+)\"[^>]*>\s*"
                        rb"(?:<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)\s*)?<(?:\w+:)?v>([^<]*)</")
BEIJING = dt.timezone(dt.timedelta(hours=8))


def _typed_date(value: bytes) -> dt.date | dt.datetime | None:
    """The value of a t="d" cell: a date, or a date and time when it holds one. A moment with a zone
    is a date at midnight UTC (2021-03-15T00:00:00Z: a date the program kept in UTC), else the moment
    in Beijing's time (2021-03-14T16:00:00.000Z: a program's midnight in Beijing written as UTC is
    the office's 15 March, not the day before)."""
    try:
        moment = dt.datetime.fromisoformat(value.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        return None
    if moment.tzinfo is not None:
        utc = moment.astimezone(dt.UTC)
        moment = (utc if utc.time() == dt.time() else moment.astimezone(BEIJING)).replace(tzinfo=None)
    return moment.date() if moment.time() == dt.time() else moment


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_HIDDEN_ROW = re.compile(rb"<(?:\w+:)?row\b(?=[^>]*\bhidden=\"(?:1|true)\")[^>]*?\br=\"([0-9]+)\"")
_ATTRIBUTE = re.compile(rb"([\w:]+)\s*=\s*\"([^\"]*)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")


def _read_member(archive: zipfile.ZipFile, name: str, limit: int = 8 * 1024 * 1024) -> bytes:
    try:
        with archive.open(name) as stream:
            return stream.read(limit)
    except KeyError:
        return b""


_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")


def _hidden_columns(data: bytes, kind: str) -> dict[str, set[int]]:
    """The hidden columns (0-based) of each sheet of an .xlsx (its <cols> before the cells) or an .xls
    (COLINFO records), by tab name; {} for a damaged file (the Excel reader says so) or an .ods."""
    hidden: dict[str, set[int]] = {}
    try:
        if kind == "xls":
            return _xls_hidden_columns(data)
        if kind == "ods":
            return _ods_hidden(data)[1]
        if kind != "xlsx":
            return {}
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for part, tab in _tab_names(archive).items():
                head = _read_member(archive, part, 256 * 1024)
                head = head[:head.find(b"sheetData")] if b"sheetData" in head else head
                for match in _COL_TAG.finditer(head):
                    attrs = dict(_ATTRIBUTE.findall(match.group(1)))
                    if attrs.get(b"hidden") in (b"1", b"true"):
                        first, last = int(attrs.get(b"min", b"0")), int(attrs.get(b"max", b"0"))
                        hidden.setdefault(tab, set()).update(range(first - 1, min(last, first + 16_384)))
    except Exception:
        return {}
    return hidden


# COLINFO (0x007D, 12 bytes): first and last column, width, format, options (bit 0: hidden)
_COLINFO = re.compile(rb"\x7d\x00\x0c\x00(..)(..)....(.).\x00\x00", re.S)


def _xls_records(data: bytes, record: re.Pattern):
    """(sheet name, match) of each record `record` matches in the sheets' substreams of an .xls."""
    import olefile

    with olefile.OleFileIO(data) as ole:
        book = ole.openstream("Workbook" if ole.exists("Workbook") else "Book").read()
    sheets = _xls_sheet_starts(book)
    if not sheets:
        return
    starts = [offset for offset, _ in sheets]
    for match in record.finditer(book, starts[0]):
        yield sheets[bisect.bisect_right(starts, match.start()) - 1][1], match


def _xls_hidden_columns(data: bytes) -> dict[str, set[int]]:
    hidden: dict[str, set[int]] = {}
    for name, match in _xls_records(data, _COLINFO):
        first, last = struct.unpack("<H", match.group(1))[0], struct.unpack("<H", match.group(2))[0]
        if match.group(3)[0] & 1 and first <= last < 256:
            hidden.setdefault(name, set()).update(range(first, last + 1))
    return hidden


# ROW (0x0208, 16 bytes): row, first and last column, height, two reserved words, options (0x20: the row
# is hidden, by a filter or by hand), format
_ROW = re.compile(rb"\x08\x02\x10\x00(..).{10}(.).", re.S)


def _xls_hidden_rows(data: bytes) -> dict[str, set[int]]:
    """The hidden rows (0-based) of each sheet of an .xls by name (as `_check_xlsx_size` finds an .xlsx's)."""
    hidden: dict[str, set[int]] = {}
    for name, match in _xls_records(data, _ROW):
        if match.group(2)[0] & 0x20:
            hidden.setdefault(name, set()).add(struct.unpack("<H", match.group(1))[0])
    return hidden


def _ods_hidden_rows(data: bytes) -> dict[str, set[int]]:
    return _ods_hidden(data)[0]


_ODS_HIDDEN = ("collapse", "collapsed", "filter")


def _ods_hidden(data: bytes) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """The hidden rows and columns (0-based) of each sheet of an .ods by name: table:visibility "collapse"
    (hidden by hand) or "filter" (filtered out); a block of repeated hidden rows is counted to 10,000 rows
    (empty rows to the sheet's end hold no record), of columns to 16,384."""
    from xml.etree.ElementTree import iterparse

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = _read_member(archive, "content.xml", 400 * 1024 * 1024)
    rows: dict[str, set[int]] = {}
    columns: dict[str, set[int]] = {}
    if b'table:visibility="' not in content:
        return rows, columns
    sheet, row, col = None, 0, 0
    for event, element in iterparse(io.BytesIO(content), events=("start", "end")):
        if event == "end":
            if element.tag in (_ODS + "table-cell", _ODS + "covered-table-cell"):
                element.clear()
            continue
        if element.tag == _ODS + "table":
            sheet, row, col = element.get(_ODS + "name", ""), 0, 0
        elif element.tag == _ODS + "table-column":
            repeat = int(element.get(_ODS + "number-columns-repeated", "1") or 1)
            if sheet is not None and element.get(_ODS + "visibility") in _ODS_HIDDEN:
                columns.setdefault(sheet, set()).update(range(col, col + min(repeat, 16_384)))
            col += repeat
        elif element.tag == _ODS + "table-row":
            repeat = int(element.get(_ODS + "number-rows-repeated", "1") or 1)
            if sheet is not None and element.get(_ODS + "visibility") in _ODS_HIDDEN:
                rows.setdefault(sheet, set()).update(range(row, row + min(repeat, 10_000)))
            row += repeat
    return rows, columns


def _xls_sheet_starts(book: bytes) -> list[tuple[int, str]]:
    """(offset, name) of each sheet of an .xls workbook stream, in file order (its BOUNDSHEET records)."""
    codec, pending, pos = "latin-1", [], 0
    while pos + 4 <= len(book):
        kind, length = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4: pos + 4 + length]
        if kind == 0x0042 and length >= 2:  # CODEPAGE
            page = struct.unpack_from("<H", body)[0]
            codec = "utf-16-le" if page == 1200 else "latin-1" if page in (367, 1252, 32769) else f"cp{page}"
        elif kind == 0x0085 and length >= 8:  # BOUNDSHEET
            pending.append((struct.unpack_from("<I", body)[0], body[6:]))
        elif kind == 0x000A:  # EOF of the globals
            break
        pos += 4 + length
    return sorted((offset, _biff_name(raw, codec)) for offset, raw in pending)


def _tab_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """{"xl/worksheets/sheet3.xml": "巡察情况"}: the tab name a clerk sees for each worksheet part."""
    rels = {}
    for match in _RELATIONSHIP.finditer(_read_member(archive, "xl/_rels/workbook.xml.rels")):
        attrs = dict(_ATTRIBUTE.findall(match.group(1)))
        target = html.unescape(attrs.get(b"Target", b"").decode("utf-8", "replace"))
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        rels[attrs.get(b"Id", b"")] = posixpath.normpath(target)
    names = {}
    for match in _SHEET_TAG.finditer(_read_member(archive, "xl/workbook.xml")):
        attrs = {k.split(b":")[-1] if k.endswith(b":id") else k: v for k, v in _ATTRIBUTE.findall(match.group(1))}
        part = rels.get(attrs.get(b"id", b""))
        if part and b"name" in attrs:
            names[part] = html.unescape(attrs[b"name"].decode("utf-8", "replace"))
    return names


# Excel's built-in formats that show a date as its month alone: 17 mmm-yy, and in a Chinese locale 27, 36, 50,
# 52 and 57 yyyy"年"m"月"
_MONTH_FORMAT_IDS = frozenset({17, 27, 36, 50, 52, 57})
_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*)>")
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")


def _month_format(code: str) -> bool:
    """Whether a number format shows a date as its month alone (yyyy"年"m"月", mmm-yy, yyyy/mm): a year and a
    month, no day and no time (its literal text, escapes and [colour] or [$-804] parts set aside)."""
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code.split(";")[0]).lower()
    return "y" in bare and "m" in bare and not any(ch in bare for ch in "dhs")


def month_cells(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """The cells (0-based) of each sheet of an .xlsx that show a date as its month alone (a due date formatted
    yyyy"年"m"月" shows 2023年6月 and holds 1 June); empty when no style of the workbook so formats."""
    found: dict[str, set[tuple[int, int]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            styles = _read_member(archive, "xl/styles.xml")
            months = set(_MONTH_FORMAT_IDS)
            for match in _NUM_FMT.finditer(styles):
                attrs = dict(_ATTRIBUTE.findall(match[1]))
                code = html.unescape(attrs.get(b"formatCode", b"").decode("utf-8", "replace"))
                if attrs.get(b"numFmtId", b"").isdigit() and _month_format(code):
                    months.add(int(attrs[b"numFmtId"]))
            xfs = _CELL_XFS.search(styles)
            shown = {str(k).encode() for k, xf in enumerate(_XF.findall(xfs[1] if xfs else b""))
                     if (fmt := dict(_ATTRIBUTE.findall(xf)).get(b"numFmtId", b"0")).isdigit() and int(fmt) in months}
            if not shown:
                return {}
            # the cells of those styles only (a C-level scan: a sheet of many cells has few such)
            styled = re.compile(rb'<(?:\w+:)?c\b(?=[^>]*\bs="(?:' + b"|".join(sorted(shown)) + rb')")([^>]*)>')
            for part, sheet in _tab_names(archive).items():
                for match in styled.finditer(_read_member(archive, part, 64 * 1024 * 1024)):
                    attrs = dict(_ATTRIBUTE.findall(match[1]))
                    ref = re.fullmatch(rb"([A-Z]{1,4})([0-9]+)", attrs.get(b"r", b""))
                    if ref and attrs.get(b"s") in shown and attrs.get(b"t", b"n") == b"n":
                        found.setdefault(sheet, set()).add((int(ref[2]) - 1, _column_number(ref[1]) - 1))
    except Exception:  # a damaged file: the Excel reader says so in its own words
        return {}
    return found


def _check_xlsx_size(data: bytes, limits: Limits, hidden_rows: dict[str, set[int]] | None = None,
                     typed_dates: dict[str, dict[tuple[int, int], object]] | None = None
                     ) -> dict[str, dict[tuple[int, int], str]]:
    """Refuse zip bombs and oversized sheets before the workbook is parsed; returns the error cells
    of each worksheet by its tab name (its hidden rows into `hidden_rows`, its t="d" dates into `typed_dates`).

    Every member is decompressed once as a stream (nothing kept) to count its real size, and each
    worksheet's cell references give its bounding box: the Excel reader allocates rows x columns
    cells up front, so one far-away cell in a tiny file could otherwise exhaust the memory.
    """
    if not data.startswith(b"PK"):
        return {}
    mb = 1024 * 1024
    total = 0
    errors: dict[str, dict[tuple[int, int], str]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            tabs = _tab_names(archive)
            never_calculated = bool(_RECALC_ON_LOAD.search(_read_member(archive, "xl/workbook.xml")))
            uncalculated = _FORMULA_CELL if never_calculated else _UNCALCULATED_CELL
            for info in archive.infolist():
                if info.file_size > limits.max_uncompressed:
                    total += info.file_size
                    break
                sheet = tabs.get(info.filename) or Path(info.filename).stem
                found: dict[tuple[int, int], str] = {}
                rows_hidden: set[int] = set()
                dates: dict[tuple[int, int], object] = {}
                size, rows, cols = _scan_zip_member(archive, info, limits.max_uncompressed - total, found,
                                                    uncalculated, rows_hidden, dates)
                if rows_hidden and hidden_rows is not None:
                    hidden_rows[sheet] = rows_hidden
                if dates and typed_dates is not None:
                    typed_dates[sheet] = dates
                total += size
                if total > limits.max_uncompressed:
                    break
                if found:
                    errors[sheet] = found
                _check_sheet_size(sheet, rows, cols, limits)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
        raise ReadError("Excel 文件已损坏或不完整，无法打开") from None
    if total > limits.max_uncompressed:
        raise ReadError(
            f"Excel 文件解压后超过 {limits.max_uncompressed / mb:.0f} MB 的上限（疑似压缩炸弹），已拒绝"
        )
    return errors


# BOOLERR (0x0205, 8 bytes) holding an error; FORMULA (0x0006) whose cached result is an error
_BOOLERR = re.compile(rb"\x05\x02\x08\x00(.{4})..(.)\x01", re.S)
_FORMULA_ERROR = re.compile(rb"\x06\x00[\x14-\xff].(.{4})..\x02.(.)...\xff\xff", re.S)
# FORMULA whose cached result is an empty string
_FORMULA_BLANK = re.compile(rb"\x06\x00[\x14-\xff].(.{4})..\x03.....\xff\xff", re.S)


def _xls_errors(data: bytes) -> tuple[dict[str, dict[tuple[int, int], str]], bool, dict[str, set[tuple[int, int]]]]:
    """The error cells of an .xls (BIFF5/8) workbook by sheet name (the Excel reader reads them as
    blanks), and whether it counts its dates from 1904 (its DATEMODE record: the Excel reader reads a
    date cell from 1904, not a date kept as a plain number). The workbook globals are walked record by record (sheet names and where each sheet
    starts); the sheets, a record per cell, are searched for the two records that hold an error
    (a byte search: walking a million records in Python costs seconds). A match inside other data
    is possible in theory: only cells the reader read as blank take an error (`_set_errors`). Third: the
    formula cells whose result is kept as an empty string, by sheet name (RawSheet.formula_blanks)."""
    import olefile

    with olefile.OleFileIO(data) as ole:
        stream = "Workbook" if ole.exists("Workbook") else "Book"
        book = ole.openstream(stream).read()
    codec, pending, pos, date1904 = "latin-1", [], 0, False
    while pos + 4 <= len(book):
        kind, length = struct.unpack_from("<HH", book, pos)
        body = book[pos + 4: pos + 4 + length]
        if kind == 0x0022 and length >= 2:  # DATEMODE
            date1904 = struct.unpack_from("<H", body)[0] == 1
        elif kind == 0x0042 and length >= 2:  # CODEPAGE
            page = struct.unpack_from("<H", body)[0]
            codec = "utf-16-le" if page == 1200 else "latin-1" if page in (367, 1252, 32769) else f"cp{page}"
        elif kind == 0x0085 and length >= 8:  # BOUNDSHEET: where the sheet starts, its name
            pending.append((struct.unpack_from("<I", body)[0], body[6:]))
        elif kind == 0x000A:  # EOF of the globals
            break
        pos += 4 + length
    sheets = sorted((offset, _biff_name(raw, codec)) for offset, raw in pending)
    if not sheets:
        return {}, date1904, {}
    starts = [offset for offset, _ in sheets]
    errors: dict[str, dict[tuple[int, int], str]] = {}
    found = [(m.start(), m.group(1), m.group(2)) for m in _BOOLERR.finditer(book, starts[0])]
    found += [(m.start(), m.group(1), m.group(2)) for m in _FORMULA_ERROR.finditer(book, starts[0])]
    for at, where, code in found:
        row, col = struct.unpack("<HH", where)
        name = sheets[bisect.bisect_right(starts, at) - 1][1]
        errors.setdefault(name, {})[(row, col)] = _BIFF_ERRORS.get(code[0], "#VALUE!")
    blanks: dict[str, set[tuple[int, int]]] = {}
    for match in _FORMULA_BLANK.finditer(book, starts[0]):
        row, col = struct.unpack("<HH", match.group(1))
        blanks.setdefault(sheets[bisect.bisect_right(starts, match.start()) - 1][1], set()).add((row, col))
    return errors, date1904, blanks


def _biff_name(raw: bytes, codec: str) -> str:
    """A BOUNDSHEET name: BIFF8 (count, flags, characters: UTF-16 or compressed) or BIFF5 (count, bytes)."""
    count = raw[0]
    if len(raw) >= 2 + count and raw[1] in (0, 1) and (raw[1] == 0 or len(raw) >= 2 + 2 * count):
        chars = raw[2: 2 + count * (2 if raw[1] else 1)]
        return chars.decode("utf-16-le" if raw[1] else "latin-1", "replace")
    return raw[1: 1 + count].decode(codec if codec != "utf-16-le" else "latin-1", "replace")


_ODS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_ERROR = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


def _ods_cells(data: bytes, marker: bytes):
    """The cells of an .ods workbook's content.xml as (sheet, row, col, element), 0-based with the
    repeated rows and columns counted; nothing when the file has no `marker` at all (cheap check)."""
    from xml.etree.ElementTree import iterparse

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = _read_member(archive, "content.xml", 400 * 1024 * 1024)
    if marker not in content:
        return
    sheet, row, col = None, -1, 0
    for event, element in iterparse(io.BytesIO(content), events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _ODS + "table":
                sheet, row = element.get(_ODS + "name", ""), -1
            elif tag == _ODS + "table-row":
                row, col = row + 1, 0
            continue
        if tag == _ODS + "table-row":
            row += int(element.get(_ODS + "number-rows-repeated", "1") or 1) - 1
        elif tag in (_ODS + "table-cell", _ODS + "covered-table-cell"):
            if sheet is not None:
                yield sheet, row, col, element
            col += int(element.get(_ODS + "number-columns-repeated", "1") or 1)
            element.clear()


def _ods_errors(data: bytes) -> dict[str, dict[tuple[int, int], str]]:
    """The error cells of an .ods workbook (LibreOffice marks them calcext:value-type="error") by sheet."""
    errors: dict[str, dict[tuple[int, int], str]] = {}
    for sheet, row, col, element in _ods_cells(data, b'value-type="error"'):
        if element.get(_ODS_ERROR) == "error":
            text = "".join(element.find(_ODS_TEXT + "p").itertext()) if element.find(_ODS_TEXT + "p") is not None else ""
            errors.setdefault(sheet, {})[(row, col)] = text.strip() or "#VALUE!"
    return errors


def _ods_merged(data: bytes) -> dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """The merged ranges of an .ods workbook by sheet, ((first_row, first_col), (last_row, last_col)),
    0-based as `layout.fill_merged` takes them (the Excel reader gives none for .ods): a cell spanning
    rows or columns (table:number-rows-spanned / number-columns-spanned) starts one."""
    merged: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    for sheet, row, col, element in _ods_cells(data, b"-spanned="):
        down = int(element.get(_ODS + "number-rows-spanned", "1") or 1)
        across = int(element.get(_ODS + "number-columns-spanned", "1") or 1)
        if down > 1 or across > 1:
            merged.setdefault(sheet, []).append(((row, col), (row + down - 1, col + across - 1)))
    return merged


def _error_cells(data: bytes, kind: str, limits: Limits, hidden_rows: dict[str, set[int]] | None = None,
                 typed_dates: dict[str, dict[tuple[int, int], object]] | None = None
                 ) -> tuple[dict[str, dict[tuple[int, int], str]], bool, dict[str, set[tuple[int, int]]]]:
    """The zip checks (all zip kinds), the error cells of a workbook by sheet name, whether it
    counts its dates from 1904 (.xlsx and .xls), and the formula cells of an .xls whose result is empty."""
    errors = _check_xlsx_size(data, limits, hidden_rows, typed_dates)
    try:
        if kind == "xls":
            return _xls_errors(data)
        if kind == "ods":
            return _ods_errors(data), False, {}
    except Exception:  # a damaged file: the Excel reader says so in its own words
        return {}, False, {}
    return errors, kind == "xlsx" and _date1904(data), {}


@dataclass
class _XlsbFacts:
    """What the Excel reader does not give of an .xlsb workbook, by tab name (0-based rows and columns)."""

    merged: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]
    errors: dict[str, dict[tuple[int, int], str]]
    hidden_rows: dict[str, set[int]]
    hidden_columns: dict[str, set[int]]
    date1904: bool


def _records(stream: bytes):
    """The records of a BIFF12 (.xlsb) part: (type, start of the body, its length). A type is one or two
    bytes, a length one to four, seven bits each."""
    pos, end = 0, len(stream)
    while pos < end:
        byte = stream[pos]
        kind, pos = byte & 0x7F, pos + 1
        if byte & 0x80 and pos < end:
            kind, pos = kind | (stream[pos] & 0x7F) << 7, pos + 1
        size = shift = 0
        for _ in range(4):
            if pos >= end:
                return
            byte, pos = stream[pos], pos + 1
            size, shift = size | (byte & 0x7F) << shift, shift + 7
            if not byte & 0x80:
                break
        yield kind, pos, size
        pos += size


def _xlsb_tabs(archive: zipfile.ZipFile) -> tuple[dict[str, str], bool]:
    """{"xl/worksheets/sheet1.bin": "巡察情况"} of an .xlsb (its BrtBundleSh records and their relations),
    and whether it counts its dates from 1904 (BrtWbProp)."""
    rels = {}
    for match in _RELATIONSHIP.finditer(_read_member(archive, "xl/_rels/workbook.bin.rels")):
        attrs = dict(_ATTRIBUTE.findall(match.group(1)))
        target = html.unescape(attrs.get(b"Target", b"").decode("utf-8", "replace"))
        rels[attrs.get(b"Id", b"").decode("utf-8", "replace")] = posixpath.normpath(
            target.lstrip("/") if target.startswith("/") else "xl/" + target)
    book = _read_member(archive, "xl/workbook.bin", 64 * 1024 * 1024)
    tabs, date1904 = {}, False
    for kind, at, size in _records(book):
        body = book[at:at + size]
        if kind == 0x0099 and size >= 4:  # BrtWbProp
            date1904 = bool(body[0] & 1)
        elif kind == 0x009C and size >= 12:  # BrtBundleSh: state, tab id, relation id, name
            count = struct.unpack_from("<I", body, 8)[0]
            if count == 0xFFFFFFFF or 12 + 2 * count + 4 > size:
                continue
            relation = body[12:12 + 2 * count].decode("utf-16-le", "replace")
            length = struct.unpack_from("<I", body, 12 + 2 * count)[0]
            name = body[16 + 2 * count:16 + 2 * count + 2 * length].decode("utf-16-le", "replace")
            if relation in rels:
                tabs[rels[relation]] = name
        elif kind == 0x0090:  # BrtEndBundleShs
            break
    return tabs, date1904


_U32 = struct.Struct("<I")


def _xlsb_sheet(sheet: bytes, tab: str, facts: _XlsbFacts) -> tuple[int, int]:
    """One worksheet part's records walked into `facts`; its bounding box (rows, columns) of the cells
    holding something. A tight loop (`_records` inlined): a ledger's part holds a record per cell."""
    unpack, end = _U32.unpack_from, len(sheet)
    pos, row, max_row, max_col = 0, -1, -1, -1
    while pos < end:
        kind = sheet[pos]
        pos += 1
        if kind & 0x80:
            if pos >= end:
                break
            kind = kind & 0x7F | (sheet[pos] & 0x7F) << 7
            pos += 1
        if pos >= end:
            break
        size = sheet[pos]
        pos += 1
        if size & 0x80:
            size, shift = size & 0x7F, 7
            while pos < end and shift < 28:
                byte = sheet[pos]
                pos += 1
                size |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
        if 2 <= kind <= 11:  # BrtCellRk ... BrtFmlaError: a cell holding something (1, BrtCellBlank: none)
            if size >= 8:
                col = unpack(sheet, pos)[0]
                max_col = col if col > max_col else max_col
                max_row = row if row > max_row else max_row
                if (kind == 0x03 or kind == 0x0B) and size >= 9:  # BrtCellError, BrtFmlaError
                    facts.errors.setdefault(tab, {})[(row, col)] = _BIFF_ERRORS.get(sheet[pos + 8], "#VALUE!")
        elif kind == 0x00:  # BrtRowHdr: the row, its options (0x10: hidden)
            if size >= 12:
                row = unpack(sheet, pos)[0]
                if sheet[pos + 11] & 0x10:
                    facts.hidden_rows.setdefault(tab, set()).add(row)
        elif kind == 0x3C:  # BrtColInfo: first and last column, options (1: hidden)
            if size >= 18:
                first, last = struct.unpack_from("<II", sheet, pos)
                if sheet[pos + 16] & 1 and first <= last:
                    facts.hidden_columns.setdefault(tab, set()).update(range(first, min(last, first + 16_384) + 1))
        elif kind == 0xB0:  # BrtMergeCell: first and last row, first and last column
            if size >= 16:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIII", sheet, pos)
                facts.merged.setdefault(tab, []).append(((first_row, first_col), (last_row, last_col)))
        pos += size
    return max_row + 1, max_col + 1


def _check_sheet_size(name: str, rows: int, cols: int, limits: Limits) -> None:
    """Refuse a sheet whose bounding box is past the limits before the Excel reader allocates it."""
    if rows > limits.max_rows:
        raise ReadError(f"工作表「{name}」行数 {rows:,} 超过上限 {limits.max_rows:,}")
    if cols > limits.max_columns:
        raise ReadError(f"工作表「{name}」列数 {cols:,} 超过上限 {limits.max_columns}")
    if rows * cols > limits.max_cells:
        raise ReadError(f"工作表「{name}」范围 {rows:,} 行 × {cols:,} 列，超过上限 {limits.max_cells:,} 个单元格")


def _xlsb_facts(data: bytes, limits: Limits) -> _XlsbFacts:
    """Each sheet's merged ranges (BrtMergeCell), error cells (BrtCellError, BrtFmlaError), hidden rows
    (BrtRowHdr) and columns (BrtColInfo) of an .xlsb, its bounding box checked against the limits
    before the Excel reader allocates it (as `_check_xlsx_size` does for an .xlsx)."""
    facts = _XlsbFacts({}, {}, {}, {}, False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        tabs, facts.date1904 = _xlsb_tabs(archive)
        for part, tab in tabs.items():
            rows, cols = _xlsb_sheet(_read_member(archive, part, limits.max_uncompressed), tab, facts)
            _check_sheet_size(tab, rows, cols, limits)
    return facts


def _set_errors(rows: list[list[object]], errors: dict[tuple[int, int], str], limits: Limits) -> None:
    """Write the error values the Excel reader read as blanks back into their cells ("#REF!")."""
    for (row, col), value in errors.items():
        # the reader's range holds every error cell; a formula of a workbook never calculated has a
        # placeholder value (0) that is replaced too
        if row < len(rows) and col < len(rows[row]) and (rows[row][col] in ("", None) or value == cells.UNCALCULATED):
            rows[row][col] = value


def _check_cell_lengths(sheet: str, rows: list[list[object]], limits: Limits) -> None:
    """The Excel reader cuts text at Excel's limit of 32,767 characters without a word: a cell that
    long was probably longer, and a clerk must not get a silently shortened value."""
    limit = limits.max_cell_chars
    for row in rows:
        for cell in row:
            if type(cell) is str and len(cell) >= limit:
                raise ReadError(f"工作表「{sheet}」中有单元格内容过长（达到上限 {limit:,} 字，可能已被截断）")


def _reraise_interrupts(exc: BaseException) -> None:
    """The Excel reader (Rust) panics on some damaged files: its PanicException is a BaseException, and
    such a file is refused like any damaged one. An interrupt is not."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
        raise exc


def read_excel(data: bytes, limits: Limits, kind: str = "xlsx") -> list[RawSheet]:
    hidden_rows: dict[str, set[int]] = {}
    typed_dates: dict[str, dict[tuple[int, int], object]] = {}
    errors, date1904, formula_blanks = _error_cells(data, kind, limits, hidden_rows, typed_dates)
    if kind in ("xls", "ods"):
        try:
            hidden_rows.update(_xls_hidden_rows(data) if kind == "xls" else _ods_hidden_rows(data))
        except Exception:  # a damaged file: the Excel reader says so in its own words
            pass
    xlsb = None
    if kind == "xlsb":
        try:
            xlsb = _xlsb_facts(data, limits)
        except ReadError:
            raise
        except Exception:  # a damaged file: the Excel reader says so in its own words
            xlsb = _XlsbFacts({}, {}, {}, {}, False)
        errors, date1904, hidden_rows = xlsb.errors, xlsb.date1904, xlsb.hidden_rows
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise ReadError(PASSWORD_PROTECTED) from None
    except BaseException as exc:  # calamine raises several untyped errors for broken files, and panics
        _reraise_interrupts(exc)
        raise ReadError("Excel 文件已损坏或格式不受支持，无法打开") from None
    merged = {}
    if kind == "ods":
        try:
            merged = _ods_merged(data)
        except Exception:  # a damaged file: the Excel reader says so in its own words
            merged = {}
    sheets = []
    hidden = _hidden_sheets(workbook)
    hidden_columns = xlsb.hidden_columns if xlsb else _hidden_columns(data, kind)
    months = month_cells(data) if kind == "xlsx" else {}
    charts = _chart_sheets(workbook)
    for name in workbook.sheet_names:
        if name in charts:  # a chart on a tab of its own: no cells (the reader cannot read an .xlsb's)
            sheets.append(RawSheet(name, [], name in hidden))
            continue
        try:
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height > limits.max_rows:
                raise ReadError(f"工作表「{name}」行数 {sheet.height:,} 超过上限 {limits.max_rows:,}")
            if sheet.width > limits.max_columns:
                raise ReadError(f"工作表「{name}」列数 {sheet.width:,} 超过上限 {limits.max_columns}")
            rows = sheet.to_python(skip_empty_area=False)
            _check_cell_lengths(name, rows, limits)
            # a value merged over several cells is in every row of its range (.xlsx by the Excel reader,
            # .ods from its content.xml; calamine gives no merged ranges for .xls and .ods: None; from its BrtMergeCell records)
            ranges = (merged.get(name) if kind == "ods" else xlsb.merged.get(name) if xlsb
                      else getattr(sheet, "merged_cell_ranges", None))
            layout.fill_merged(rows, ranges)
        except ReadError:
            raise
        except BaseException as exc:
            _reraise_interrupts(exc)
            raise ReadError(f"工作表「{name}」已损坏，无法读取") from None
        if errors.get(name):
            _set_errors(rows, errors[name], limits)
        for (row, col), day in typed_dates.get(name, {}).items():
            if row < len(rows) and col < len(rows[row]) and isinstance(rows[row][col], str):
                rows[row][col] = day  # the Excel reader gave a date cell's ISO text
        for row, col in months.get(name, ()):
            if row < len(rows) and col < len(rows[row]) and type(day := rows[row][col]) in (dt.date, dt.datetime):
                rows[row][col] = cells.MonthAlone(day.year, day.month, day.day)  # shown as 2023年6月
        sheets.append(RawSheet(name, rows, name in hidden, tuple(ranges or ()), date1904,
                               formula_blanks=frozenset(formula_blanks.get(name, ())),
                               hidden_columns=frozenset(hidden_columns.get(name, ())),
                               hidden_rows=frozenset(hidden_rows.get(name, ())), opendocument=kind == "ods"))
    return sheets


_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(?:1|true)\"")


def _date1904(data: bytes) -> bool:
    """Whether an .xlsx counts its dates from 1904 (<workbookPr date1904="1"/>)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(_DATE1904.search(_read_member(archive, "xl/workbook.xml")))
    except Exception:  # the Excel reader has read it: a workbook part it cannot give is no 1904 one
        return False


def _chart_sheets(workbook: CalamineWorkbook) -> set[str]:
    """The names of a workbook's chart sheets (a tab holding only a chart)."""
    try:
        return {m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.ChartSheet}
    except Exception:  # a reader that cannot tell: every sheet is read
        return set()


def _hidden_sheets(workbook: CalamineWorkbook) -> set[str]:
    """The names of the sheets a workbook hides (hidden or very hidden); none where it cannot say."""
    try:
        return {m.name for m in workbook.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    except Exception:  # a reader that cannot tell: every sheet is treated as visible
        return set()


# ---------------------------------------------------------------- web pages saved as .xls

class _TableParser:
    """The cells of a web page's tables, as Excel lays them out when it opens the page: the rows of
    every table one under another, a cell spanning rows or columns (rowspan, colspan) a merged range,
    whitespace collapsed as a browser shows it, <br> a line break. A table inside a cell (old pages wrap
    their report in a layout table) gives its own rows where that cell would be. A tokenizer of its own (tags and text by one regular expression): html.parser takes
    seconds over a web system's export of 20,000 rows."""

    _BREAKS = frozenset({"br", "p", "div", "li"})  # a line break inside a cell

    def __init__(self, limits: Limits):
        self.limits = limits
        self.rows: list[list[object]] = []
        self.merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.spans: list[tuple[int, int, int, int]] = []  # (first row, last row, first col, last col) still open
        self.outer: list[tuple] = []  # the state of each table around the open one (row, col, span, spans)
        self.cell: list[str] | None = None  # the text parts of the open cell
        self.span = (1, 1)
        self.row: int | None = None  # the open row (index in self.rows)
        self.col = 0

    def feed(self, text: str) -> None:
        text = _HTML_SKIPPED.sub(" ", text)
        for match in _HTML_TOKEN.finditer(text):
            closing, tag, attrs, data = match.groups()
            if tag is None:  # text, or a "<" that opens no tag (<!DOCTYPE html>, "得分<60" in a cell): as shown
                data = data if data is not None else "<"
                if self.cell is not None:
                    self.cell.append(html.unescape(data) if "&" in data else data)
            elif closing:
                self._close(tag.lower())
            else:
                self._open(tag.lower(), attrs)
        self._end_cell()

    def _open(self, tag: str, attrs: str) -> None:
        if tag == "table":  # a cell holding a table is a layout cell: its own text is dropped
            self.outer.append((self.row, self.col, self.span, self.spans))
            self.cell, self.row, self.col, self.spans = None, None, 0, []
        elif self.outer and tag == "tr":
            self._end_cell()
            self.row, self.col = len(self.rows), 0
            self.rows.append([])
            self.spans = [s for s in self.spans if s[1] >= self.row]
            if self.row >= self.limits.max_rows:
                raise ReadError(f"行数超过上限 {self.limits.max_rows:,}")
        elif self.outer and tag == "caption":  # a table's title: Excel shows it as a row above the table
            self._open("tr", "")
            self.span, self.cell = (1, 1), []
        elif self.outer and tag in ("td", "th"):
            self._end_cell()
            if self.row is None:  # a cell without its <tr>: browsers open a row
                self._open("tr", "")
            self.span = ((_span(attrs, _ROWSPAN, self.limits.max_rows), _span(attrs, _COLSPAN, self.limits.max_columns))
                         if "span" in attrs.lower() else (1, 1))
            self.cell = []
        elif tag in self._BREAKS and self.cell is not None:
            self.cell.append(_LINE_BREAK)

    def _close(self, tag: str) -> None:
        if tag == "table":
            if self.outer:
                self._end_cell()
                self.row, self.col, self.span, self.spans = self.outer.pop()
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "caption"):
            self._end_cell()
            self.row = None
        elif tag in ("p", "div", "li") and self.cell is not None:
            self.cell.append(_LINE_BREAK)

    def _end_cell(self):
        if self.cell is None or self.row is None:
            self.cell = None
            return
        text = "".join(self.cell)  # whitespace (&nbsp; too) collapsed as a browser shows it
        if _LINE_BREAK in text:
            text = "\n".join(t for t in (" ".join(line.split()) for line in text.split(_LINE_BREAK)) if t)
        else:
            text = " ".join(text.split())
        self.cell = None
        row = self.rows[self.row]
        while any(r0 < self.row and c0 <= self.col <= c1 for r0, _, c0, c1 in self.spans):
            self.col += 1  # a cell covered by a span from a row above
        down, across = self.span
        if self.col + across > self.limits.max_columns:
            raise ReadError(f"列数超过上限 {self.limits.max_columns}")
        row.extend([""] * (self.col + 1 - len(row)))
        row[self.col] = text
        if down > 1 or across > 1:
            self.merged.append(((self.row, self.col), (self.row + down - 1, self.col + across - 1)))
            if down > 1:
                self.spans.append((self.row, self.row + down - 1, self.col, self.col + across - 1))
        self.col += across


def _span(attrs: str, pattern: re.Pattern, limit: int) -> int:
    found = pattern.search(attrs)
    return max(1, min(int(found.group(1)), limit + 1)) if found else 1


_ROWSPAN = re.compile(r"""rowspan\s*=\s*["']?\s*(\d{1,9})""", re.I)
_COLSPAN = re.compile(r"""colspan\s*=\s*["']?\s*(\d{1,9})""", re.I)
_LINE_BREAK = "\x0b"  # <br> in a cell's text parts, until the cell's whitespace is collapsed


# comments (Excel's <!--[if gte mso 9]><xml>...), scripts, styles and the head: no cell text
_HTML_SKIPPED = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style|head|title)\b.*?(?:</\1\s*>|\Z)", re.S | re.I)
_HTML_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)/?>|([^<]+)|<")


_EXCEL_SHEET_NAME = re.compile(r"<x:Name>([^<]{1,31})</x:Name>", re.I)


def read_html(name: str, data: bytes, limits: Limits) -> list[RawSheet]:
    """A web page's tables as one sheet, as Excel shows a web page saved as .xls (what many web systems
    "export to Excel"): named as Excel's own web page export names it, else as Excel names it (after
    the file). Cells are text, as in a CSV; a row or column span fills its range like a merged cell."""
    text = decode_text(data)
    parser = _TableParser(limits)
    parser.feed(text)
    rows = parser.rows
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        row.extend([""] * (width - len(row)))
    if len(rows) * width > limits.max_cells:
        raise ReadError(f"网页表格范围 {len(rows):,} 行 × {width:,} 列，超过上限 {limits.max_cells:,} 个单元格")
    layout.fill_merged(rows, parser.merged)
    if not any(not cells.is_blank(c) for row in rows for c in row):
        raise ReadError(f"文件内容是网页（HTML），其中没有表格（可能是系统的登录页或错误页，而不是导出的台账）：{WEB_PAGE_HINT}")
    found = _EXCEL_SHEET_NAME.search(text[:65536])
    sheet = (html.unescape(found.group(1)).strip() if found else "") or Path(name).stem or "Sheet1"
    _check_cell_lengths(sheet, rows, limits)
    return [RawSheet(sheet, rows, merged=tuple(parser.merged))]


WEB_PAGE_HINT = "请在系统中重新导出，或在 Excel 或 WPS 中打开，「另存为」Excel 工作簿（*.xlsx）后再导入"


# ---------------------------------------------------------------- Excel 2003 XML (SpreadsheetML)

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def _ss(element, name: str) -> str | None:
    """An attribute of an Excel 2003 XML element, with its ss: prefix or (some writers) without."""
    value = element.get(_SS + name)
    return element.get(name) if value is None else value


def _ss_int(element, name: str, default: int, limit: int) -> int:
    try:
        value = int(float(_ss(element, name) or default))
    except (TypeError, ValueError, OverflowError):  # not a number, or inf
        return default
    if value > limit:
        raise ReadError(f"行数或列数超过上限（{name} = {value:,}）")
    return max(value, 0)


def _ss_value(data) -> object:
    """The value of a <Data> element as the Excel reader gives a cell's: a number, a date, a boolean, an
    error value's text (#N/A: refused by name like any error value), or text (rich text joined)."""
    kind = _ss(data, "Type") or "String"
    text = "".join(data.itertext())
    try:
        if kind == "Number":
            number = float(text)
            return number
        if kind == "DateTime":
            moment = dt.datetime.fromisoformat(text.strip()[:19])
            return moment.date() if moment.time() == dt.time(0) else moment
        if kind == "Boolean":
            return text.strip() in ("1", "true", "TRUE")
    except ValueError:
        return text
    return text


# a control character in a cell (CHAR(7), a vertical tab pasted from Word...), which Excel writes as a
# character reference (&#7;) that XML 1.0 forbids and Excel reads back: dropped, as it shows nothing
_XML_CONTROL_REFERENCE = re.compile(r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])|x0*(?:[0-8bcef]|1[0-9a-f]));", re.IGNORECASE)


def read_xml2003(name: str, data: bytes, limits: Limits) -> list[RawSheet]:
    """An Excel 2003 XML workbook ("XML 表格", what .NET and Java exporters and Kettle write, often
    named .xls): its worksheets as the Excel reader gives an .xlsx's, with merged cells
    (ss:MergeAcross / ss:MergeDown) filled, hidden sheets and columns marked."""
    from xml.etree.ElementTree import ParseError, XMLPullParser

    # decoded as every text is (UTF-8, GBK, UTF-16 with its mark...); the declaration names the
    # encoding the bytes had, which the XML parser must not apply again (nor can, for GBK)
    text = _XML_DECLARATION.sub("", decode_text(data), count=1)
    text = _XML_CONTROL_REFERENCE.sub("", text)
    parser = XMLPullParser(events=("start", "end"))
    sheets: list[RawSheet] = []
    rows: list[list[object]] = []
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    hidden_columns: set[int] = set()
    sheet_name, hidden, row, col, column = "", False, -1, 0, 0
    try:
        for start in range(0, len(text), 1 << 20):
            parser.feed(text[start:start + (1 << 20)])
            for event, element in parser.read_events():
                tag = element.tag.rsplit("}", 1)[-1]
                if event == "start":
                    if tag == "Worksheet":
                        sheet_name = _ss(element, "Name") or f"Sheet{len(sheets) + 1}"
                        rows, merged, hidden_columns, hidden, row, column = [], [], set(), False, -1, 0
                    elif tag == "Row":
                        row = _ss_int(element, "Index", row + 2, limits.max_rows) - 1
                        col = 0
                        rows.extend([] for _ in range(len(rows), row + 1))
                    elif tag == "Column":
                        # a column's width or style, not a cell: Excel writes one spanning the sheet's
                        # every column (ss:Span="255") or beyond the last it uses, so one past the
                        # limit is no reason to refuse (only the columns up to the limit can hold cells)
                        column = min(_ss_int(element, "Index", column + 1, sys.maxsize), limits.max_columns + 1) - 1
                        span = min(_ss_int(element, "Span", 0, sys.maxsize), limits.max_columns)
                        if _ss(element, "Hidden") in ("1", "true"):
                            hidden_columns.update(range(column, column + span + 1))
                        column += span + 1
                    continue
                if tag == "Cell" and row >= 0:
                    col = _ss_int(element, "Index", col + 1, limits.max_columns) - 1
                    across = _ss_int(element, "MergeAcross", 0, limits.max_columns)
                    down = _ss_int(element, "MergeDown", 0, limits.max_rows)
                    if col + across >= limits.max_columns:
                        raise ReadError(f"工作表「{sheet_name}」列数超过上限 {limits.max_columns}")
                    value = next((_ss_value(d) for d in element if d.tag == _SS + "Data"), None)
                    if value is None:  # a formula a program wrote without its result: refused where it is read
                        value = cells.UNCALCULATED if _ss(element, "Formula") else ""
                    cells_of_row = rows[row]
                    cells_of_row.extend([""] * (col + 1 - len(cells_of_row)))
                    cells_of_row[col] = value
                    if across or down:
                        merged.append(((row, col), (row + down, col + across)))
                    col += across + 1
                    element.clear()
                elif tag == "Row":
                    element.clear()
                elif tag == "Visible" and (element.text or "").strip() in ("SheetHidden", "SheetVeryHidden"):
                    hidden = True
                elif tag == "Worksheet":
                    width = max((len(r) for r in rows), default=0)
                    # merged ranges may overlap in the XML (nothing checks them): their filled area is bounded
                    area = sum((min(r1, len(rows) - 1) - r0 + 1) * (c1 - c0 + 1) for (r0, c0), (r1, c1) in merged)
                    if area > limits.max_cells:
                        raise ReadError(f"工作表「{sheet_name}」的合并单元格范围超过上限 {limits.max_cells:,} 个单元格")
                    for r in rows:
                        r.extend([""] * (width - len(r)))
                    layout.fill_merged(rows, merged)
                    _check_cell_lengths(sheet_name, rows, limits)
                    sheets.append(RawSheet(sheet_name, rows, hidden, tuple(merged),
                                           hidden_columns=frozenset(hidden_columns)))
                    element.clear()
        parser.close()
    except ParseError:
        raise ReadError("Excel 2003 XML 表格已损坏或不完整，无法读取：" + SAVE_AS_XLSX) from None
    if not sheets:
        raise ReadError("Excel 2003 XML 表格中没有工作表：" + SAVE_AS_XLSX)
    return sheets


# ---------------------------------------------------------------- Word documents' tables (.docx)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_VAL = _W + "val"
# text Word keeps twice or outside the flow: a drawing's fallback copy (mc:Fallback, which Word and WPS
# write beside mc:Choice), a text box's content (anchored in a paragraph, drawn elsewhere), and the
# properties a tracked change replaced (a cell's old span or merge)
_WORD_ASIDE = frozenset({"{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback", _W + "txbxContent",
                         _W + "moveFrom", _W + "tcPrChange", _W + "trPrChange", _W + "tblPrChange",
                         _W + "tblPrExChange"})
# a tick or a cross inserted as a symbol (「插入 > 符号」, Wingdings or Wingdings 2): the character it shows, as
# a workbook's √ / × cell holds it; another symbol is no text
_WORD_SYMBOLS = {("wingdings", "F0FC"): "✓", ("wingdings", "F0FB"): "✗", ("wingdings", "F0FE"): "☑",
                 ("wingdings", "F0FD"): "☒", ("wingdings", "F0A8"): "☐", ("wingdings 2", "F050"): "✓",
                 ("wingdings 2", "F04F"): "✗", ("wingdings 2", "F052"): "☑", ("wingdings 2", "F054"): "☒",
                 ("wingdings 2", "F0A3"): "☐"}
_WORD_TITLE_ROWS = 4  # the paragraphs nearest above a table read as its title rows
SAVE_AS_DOCX = "请在 Word 或 WPS 中打开，「另存为」Word 文档（*.docx）或 Excel 工作簿（*.xlsx）后再导入"
WORD_97 = "文件内容是 Word 97-2003 文档（.doc），不能直接读取其中的表格：" + SAVE_AS_DOCX
WORD_DAMAGED = "Word 文档已损坏或不完整，无法读取：" + SAVE_AS_DOCX
ODT_DAMAGED = "OpenDocument 文本（.odt）已损坏或不完整，无法读取：" + SAVE_AS_DOCX
NO_WORD_TABLE = ("这份 Word 文档里没有表格，无法导入：台账要做成 Word 表格（「插入 > 表格」），"
                 "或在 Excel 中做成工作簿后再导入；只有文字段落的整改报告不能导入")
WORD_PASSWORD = ("文件设有打开密码（已加密），无法读取：请在 Word 或 WPS 中输入密码打开，删除密码"
                 "（「文件 > 信息 > 保护文档」或「另存为」时不设密码）后再导入")
_CONTINUED = re.compile(r"[（(]?(?:续表|续上表|接上表|续)[）)]?\d*[:：]?")
# the last words of a heading naming the table under it (二、问题清单, （三）整改台账, 附表1 统计表)
_TABLE_WORDS = ("清单", "台账", "名册", "名单", "表", "一览", "明细")


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def _chinese_count(n: int, digits: str = _CN_DIGITS, ten: str = "十") -> str:
    """1 一, 10 十, 12 十二, 20 二十, 23 二十三 (Word's chineseCounting); past 99 the digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else digits[tens]) + ten if tens else "") + (digits[ones] if ones else "")


def _word_number(fmt: str, n: int) -> str:
    """A list counter as Word draws it in the numbering format `fmt` (w:numFmt)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "ideographDigital"):
        return _chinese_count(n)
    if fmt == "chineseLegalSimplified":
        return _chinese_count(n, _CN_LEGAL, "拾")
    if fmt in ("ideographTraditional",) and 0 < n <= len(_STEMS):
        return _STEMS[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 0 < n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 0 < n < 4000:
        roman, rest = "", n
        for value, numeral in _ROMAN:
            while rest >= value:
                roman, rest = roman + numeral, rest - value
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


@dataclass
class _WordNumbering:
    """A document's automatic numbering (word/numbering.xml, and the list a paragraph style carries in
    word/styles.xml): what Word draws before a numbered paragraph (一、城关镇, （一）, 1.) is no text of
    the paragraph, so it is drawn here as Word does, counting the paragraphs of each list."""
    levels: dict[str, dict[int, tuple[str, str, int]]]  # numId -> level -> (numFmt, lvlText, start)
    styles: dict[str, tuple[str, int]]  # styleId -> (numId, level) of the list the style numbers
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    def draw(self, num_id: str | None, level: int, style: str | None) -> str:
        if num_id is None and style is not None:
            num_id, level = self.styles.get(style, (None, 0))
        levels = self.levels.get(num_id or "")
        if not levels or level not in levels:
            return ""
        counts = self.counters.setdefault(num_id, {})
        counts[level] = counts.get(level, levels[level][2] - 1) + 1
        for deeper in [k for k in counts if k > level]:
            del counts[deeper]  # a deeper level starts again under the next paragraph of this one
        fmt, text, _ = levels[level]
        if fmt in ("bullet", "none"):
            return ""
        return re.sub(r"%([1-9])", lambda m: _word_number(
            levels.get(int(m.group(1)) - 1, (fmt,))[0],
            counts.get(int(m.group(1)) - 1, levels.get(int(m.group(1)) - 1, ("", "", 1))[2])), text)


def _word_numbering(archive: zipfile.ZipFile) -> _WordNumbering:
    """The lists of word/numbering.xml (each w:num's levels, from its w:abstractNum and a w:startOverride)
    and the paragraph styles that number (w:style's numPr, or its basedOn style's); empty when none."""
    from xml.etree.ElementTree import ParseError, fromstring

    def parse(part: str):
        data = _read_member(archive, part, 4 * 1024 * 1024)
        if not data or b"<!DOCTYPE" in data[:4096]:
            return None
        try:
            return fromstring(data)
        except ParseError:
            return None

    def value(element, path: str) -> str | None:
        found = element.find(path)
        return None if found is None else found.get(_W_VAL)

    levels: dict[str, dict[int, tuple[str, str, int]]] = {}
    if (root := parse("word/numbering.xml")) is not None:
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iter(_W + "abstractNum"):
            abstract[node.get(_W + "abstractNumId") or ""] = {
                int(lvl.get(_W + "ilvl") or 0): (value(lvl, _W + "numFmt") or "decimal", value(lvl, _W + "lvlText") or "",
                                                  int(value(lvl, _W + "start") or 1))
                for lvl in node.iter(_W + "lvl") if (lvl.get(_W + "ilvl") or "0").isdigit()
                and (value(lvl, _W + "start") or "1").isdigit()}
        for node in root.iter(_W + "num"):
            own = dict(abstract.get(value(node, _W + "abstractNumId") or "", {}))
            for override in node.iter(_W + "lvlOverride"):
                level, start = override.get(_W + "ilvl") or "0", value(override, _W + "startOverride")
                if level.isdigit() and start and start.isdigit() and int(level) in own:
                    own[int(level)] = (*own[int(level)][:2], int(start))
            levels[node.get(_W + "numId") or ""] = own
    styles: dict[str, tuple[str, int]] = {}
    if levels and (root := parse("word/styles.xml")) is not None:
        based: dict[str, str] = {}
        for node in root.iter(_W + "style"):
            sid = node.get(_W + "styleId") or ""
            if (parent := value(node, _W + "basedOn")) is not None:
                based[sid] = parent
            if (num := value(node, f"{_W}pPr/{_W}numPr/{_W}numId")) is not None:
                level = value(node, f"{_W}pPr/{_W}numPr/{_W}ilvl") or "0"
                styles[sid] = (num, int(level) if level.isdigit() else 0)
        for sid, parent in based.items():
            seen = {sid}
            while sid not in styles and parent in based and parent not in seen:
                seen.add(parent)
                parent = based[parent]
            if sid not in styles and parent in styles:
                styles[sid] = styles[parent]
    return _WordNumbering(levels, styles)


@dataclass
class _WordTable:
    above: list[str]  # the non-empty paragraphs between the previous table (or the start) and this one
    rows: list[list[object]]
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    # cells merged down with a cell above that is not in this table (vMerge continued from the table before
    # it: a table split at a page): (row, column)
    continued: frozenset[tuple[int, int]] = frozenset()


class _WordReader:
    """The tables of a document.xml, read as it is decompressed (iterparse-like, each paragraph and
    row dropped from the tree once read): each body-level table a grid of cells as Excel shows it
    pasted, a cell's paragraphs joined by a line break, a cell spanning columns (gridSpan) or merged
    down (vMerge) a merged range. The body's paragraphs are kept as the text above each table."""

    def __init__(self, limits: Limits, numbering: _WordNumbering | None = None, boxes: bool = False):
        self.limits = limits
        # what is kept aside: text boxes too, unless `boxes` (a document whose body holds no table)
        self.asides = _WORD_ASIDE - {_W + "txbxContent"} if boxes else _WORD_ASIDE
        self.numbering = numbering or _WordNumbering({}, {})
        self.number: list[object] = [None, 0, None]  # the open paragraph's list: numId, level, style
        self.tables: list[_WordTable] = []
        self.paragraphs: list[str] = []  # body-level paragraphs since the last table
        self.parts: list[str] | None = None  # the open paragraph's text
        self.cell: list[str] | None = None  # the open cell's paragraphs
        self.rows: list[list[object]] | None = None  # the open table
        self.merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.continued: set[tuple[int, int]] = set()  # vMerge continued from above the table (_WordTable)
        self.down: dict[int, list[int]] = {}  # first column -> [first row, last column, last row] merged down
        self.col = 0
        self.span, self.vmerge = 1, None
        self.aside = 0  # inside text kept aside (_WORD_ASIDE)
        self.cells = 0  # the cells allocated, over every table
        self.holds = False  # the open table has a table inside one of its cells
        self.outer: list[tuple] = []  # the tables around the open one (a table inside a cell): their state
        self.used = 0  # the open table's text lines already given as paragraphs above a table inside it

    def start(self, tag: str, element, parent_tag: str) -> None:
        if tag in self.asides:
            self.aside += 1
        if self.aside:
            return
        if tag == _W + "p":
            self.parts, self.number = [], [None, 0, None]
        elif tag == _W + "tbl":
            if self.rows is not None:
                self._open_inner()
            self.rows, self.merged, self.down, self.holds, self.continued = [], [], {}, False, set()
        elif tag == _W + "tr" and self.rows is not None:
            if len(self.rows) >= self.limits.max_rows:
                raise ReadError(f"Word 表格行数超过上限 {self.limits.max_rows:,}")
            self.rows.append([])
            self.col = 0
        elif tag == _W + "tc" and self.rows is not None:
            self.cell, self.span, self.vmerge = [], 1, None

    def end(self, tag: str, element, parent_tag: str) -> None:
        if self.aside:
            self.aside -= tag in self.asides
            return
        if self.parts is not None:
            if parent_tag == _W + "numPr" and tag in (_W + "numId", _W + "ilvl"):
                number = element.get(_W_VAL) or ""
                if tag == _W + "numId":
                    self.number[0] = number
                elif number.isdigit():
                    self.number[1] = int(number)
            elif parent_tag == _W + "pPr" and tag == _W + "pStyle":
                self.number[2] = element.get(_W_VAL)
            elif tag == _W + "t":
                self.parts.append(element.text or "")
            elif parent_tag == _W + "r" and tag in (_W + "tab", _W + "br", _W + "cr", _W + "noBreakHyphen"):
                self.parts.append({_W + "tab": " ", _W + "noBreakHyphen": "-"}.get(tag, "\n"))
            elif tag == _W + "sym":
                font, char = (element.get(_W + "font") or "").lower(), (element.get(_W + "char") or "").upper()
                self.parts.append(_WORD_SYMBOLS.get((font, char if char.startswith("F") else "F0" + char[-2:]), ""))
        if tag == _W + "p":
            text = (self.numbering.draw(*self.number) + "".join(self.parts or ())).strip()
            self.parts = None
            if self.cell is not None:
                self.cell.append(text)
            elif self.rows is None and text:
                self.paragraphs.append(text)
        elif self.rows is None:
            return
        elif tag == _W + "gridBefore":  # grid columns a row leaves out before its first cell
            self.col += _word_int(element, self.limits.max_columns)
        elif tag == _W + "gridSpan":
            self.span = max(1, _word_int(element, self.limits.max_columns))
        elif tag == _W + "vMerge":
            self.vmerge = element.get(_W_VAL) or "continue"
        elif tag == _W + "tc" and self.cell is not None:
            self._end_cell()
        elif tag == _W + "tr":
            row = len(self.rows) - 1
            for first in [c for c, (_, _, last) in self.down.items() if last < row]:
                self._close_down(first)
        elif tag == _W + "tbl":
            for first in list(self.down):
                self._close_down(first)
            if not self.holds:
                self.tables.append(_WordTable(self.paragraphs, self.rows, self.merged, frozenset(self.continued)))
            elif any(sum(1 for c in row if c) > 1 for row in self.rows):
                raise ReadError("Word 文档的表格单元格里又套有表格（嵌套表格），无法按行读取：请把里面的表格复制出来，"
                                "单独做成一张表格后再导入")
            # else: one column of layout around the tables in it (a page copied from a web system): no table
            if self.outer:
                self._close_inner()
            else:
                self.paragraphs, self.rows = [], None

    def _open_inner(self) -> None:
        """A table inside a cell: read as a table of its own, the text of the table around it so far
        (a title in a layout table's first row or above the table in its cell) as its paragraphs above;
        the table around it is kept aside until the inner one ends."""
        lines = [str(c) for row in self.rows for c in row if c] + [line for line in self.cell or () if line]
        self.outer.append((self.rows, self.merged, self.down, self.col, self.span, self.vmerge, self.cell, len(lines)))
        self.paragraphs = self.paragraphs + lines[self.used:]
        self.cell, self.used = None, 0

    def _close_inner(self) -> None:
        rows, merged, down, col, span, vmerge, cell, used = self.outer.pop()
        self.rows, self.merged, self.down, self.col, self.span, self.vmerge, self.cell = (
            rows, merged, down, col, span, vmerge, cell)
        self.paragraphs, self.used, self.holds = [], used, True

    def _end_cell(self) -> None:
        text = "\n".join(line for line in self.cell if line)
        self.cell = None
        row, col, span = len(self.rows) - 1, self.col, self.span
        if col + span > self.limits.max_columns:
            raise ReadError(f"Word 表格列数超过上限 {self.limits.max_columns}")
        cells_of_row = self.rows[row]
        grow = col + span - len(cells_of_row)
        if grow > 0:
            self.cells += grow
            if self.cells > self.limits.max_cells:
                raise ReadError(f"Word 表格的单元格数超过上限 {self.limits.max_cells:,}")
            cells_of_row.extend([""] * grow)
        self.col += span
        if self.vmerge == "continue" and col in self.down and self.down[col][2] == row - 1:
            self.down[col][2] = row  # merged with the cell above: its text is the range's
            return
        if col in self.down:
            self._close_down(col)
        if self.vmerge == "continue" and not text:
            self.continued.add((row, col))  # merged with a cell above the table (_WordTable.continued)
        cells_of_row[col] = text
        if self.vmerge == "restart":
            self.down[col] = [row, col + span - 1, row]
        elif span > 1:
            self.merged.append(((row, col), (row, col + span - 1)))

    def _close_down(self, first: int) -> None:
        row, last, last_row = self.down.pop(first)
        if last_row > row or last > first:
            self.merged.append(((row, first), (last_row, last)))


def _word_int(element, limit: int) -> int:
    try:
        return max(0, min(int(element.get(_W_VAL) or 0), limit + 1))
    except ValueError:
        return 0


def _word_tables(data: bytes, limits: Limits, boxes: bool = False) -> list[_WordTable]:
    from xml.etree.ElementTree import ParseError, XMLPullParser

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            numbering = _word_numbering(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise ReadError(WORD_DAMAGED) from None
    reader = _WordReader(limits, numbering, boxes)
    parser = XMLPullParser(events=("start", "end"))
    stack: list = []  # the open elements, the document's root first
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("word/document.xml") as stream:
            while chunk := stream.read(_CHUNK):
                total += len(chunk)
                if total > limits.max_uncompressed:  # counted, not taken from the zip directory
                    raise ReadError(f"Word 文档解压后超过上限 {limits.max_uncompressed / 1024 / 1024:.0f} MB")
                if total == len(chunk) and b"<!DOCTYPE" in chunk[:4096]:
                    raise ReadError(WORD_DAMAGED)  # Word writes no DTD: entities are not expanded
                parser.feed(chunk)
                for event, element in parser.read_events():
                    if event == "start":
                        reader.start(element.tag, element, stack[-1].tag if stack else "")
                        stack.append(element)
                        continue
                    stack.pop()
                    parent = stack[-1] if stack else None
                    reader.end(element.tag, element, parent.tag if parent is not None else "")
                    if parent is not None and element.tag in (_W + "p", _W + "tr", _W + "tbl", _W + "sdt"):
                        parent.remove(element)  # read: the tree keeps no row or paragraph
        parser.close()
    except (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError):
        raise ReadError(WORD_DAMAGED) from None
    return reader.tables


def _word_header(rows: list[list[object]]) -> tuple[int, list[str]] | None:
    """(the number of rows of a table's header, their texts as two tables' headers are compared: a table
    continued with its header repeated), or None when it has none."""
    found = layout.find_header(rows)
    return None if found is None else (found[0] + 1, [layout.compact(c) for row in rows[:found[0] + 1] for c in row])


def _continue_merges(merged: list, before: int, continued: frozenset[tuple[int, int]], skip: int) -> tuple:
    """A table's merged ranges, a continued table's cells merged with the cells above it (`continued`, from
    its row `skip`, joined at row `before`) added: a cell merged down over a page break (the table split
    there, a township or unit written once over its rows on both pages) is one range, as in one table."""
    for col in sorted(c for r, c in continued if r == skip):
        last = skip
        while (last + 1, col) in continued:
            last += 1
        end = before + last - skip
        for index, ((r0, c0), (r1, c1)) in enumerate(merged):
            if c0 == col and r1 == before - 1:
                merged[index] = ((r0, c0), (end, c1))
                break
        else:
            merged.append(((before - 1, col), (end, col)))
    return tuple(merged)


def read_docx(data: bytes, limits: Limits, tables: list[_WordTable] | None = None) -> list[RawSheet]:
    """A Word document's tables (an issue list or a rectification ledger kept in Word or WPS 文字) as
    the sheets of a workbook: each table a sheet named 表1, 表2 … (or by the numbered heading above it,
    一、城关镇: a table per township or per category, the heading read as a section row below its header,
    as inside a table), the paragraphs nearest above it its title rows (the document's
    title above the first table states the round, the district, the level as a workbook's title row
    does; a later table has it too), merged cells filled. A table after only an empty paragraph or a
    续表 line, with the previous one's header repeated (or no header and as many columns), continues
    it: one sheet, the header read once. Cells are text, as in a CSV. `tables`: another text document's
    tables, read the same way (read_odt)."""
    # a ledger pasted into a text box (its body holds no table): the text boxes' tables (Word keeps a copy of
    # each box for older readers, mc:Fallback, still aside)
    if tables is None:
        tables = _word_tables(data, limits) or _word_tables(data, limits, boxes=True)
    if not tables:
        raise ReadError(NO_WORD_TABLE)
    sheets: list[RawSheet] = []
    title: list[str] = []
    previous: tuple[list[str] | None, int] | None = None  # the last sheet's header and width
    used: set[str] = set()
    for number, table in enumerate(tables, 1):
        rows, merged = table.rows, table.merged
        width = max((len(r) for r in rows), default=0)
        found = _word_header(rows)
        skip, header = found or (0, None)
        between = [p for p in table.above if not _CONTINUED.fullmatch(layout.compact(p))]
        if previous is not None and not between and (
                (header is not None and header == previous[0]) or (header is None and width == previous[1])):
            sheet = sheets[-1]
            before = len(sheet.rows)  # the table's row `skip` lands there
            sheet.rows.extend(rows[skip:])
            sheet.merged = _continue_merges(list(sheet.merged), before, table.continued, skip) + tuple(
                ((before + max(r0 - skip, 0), c0), (before + r1 - skip, c1)) for (r0, c0), (r1, c1) in merged if r1 >= skip)
            continue
        paragraphs, heading = table.above, None
        if header is not None and paragraphs and (section := layout.section_heading([paragraphs[-1]])) \
                and not layout.compact(section[1]).rstrip(":：").endswith(_TABLE_WORDS):
            # a table per township or per category under its heading (一、城关镇): the heading is the
            # section row it would be inside the table, right below the header (not one naming the table
            # itself, 二、问题清单: a title, no category)
            *paragraphs, heading = paragraphs
            rows = [*rows[:skip], [heading], *rows[skip:]]
            merged = [((r0 + (r0 >= skip), c0), (r1 + (r1 >= skip), c1)) for (r0, c0), (r1, c1) in merged]
        if number == 1:
            title = paragraphs[-_WORD_TITLE_ROWS:]
        above = title if number == 1 else title + paragraphs[-2:]
        name = heading if heading and len(heading) <= 31 else f"表{number}"
        while name in used:
            name += "（续）"
        used.add(name)
        shift = len(above)
        sheets.append(RawSheet(name, [[p] for p in above] + rows, document=True,
                               merged=tuple(((r0 + shift, c0), (r1 + shift, c1)) for (r0, c0), (r1, c1) in merged)))
        previous = (header, width)
    for sheet in sheets:
        width = max(len(r) for r in sheet.rows)
        for row in sheet.rows:
            row.extend([""] * (width - len(row)))
        if len(sheet.rows) * width > limits.max_cells:
            raise ReadError(f"Word 表格「{sheet.name}」范围 {len(sheet.rows):,} 行 × {width:,} 列，"
                            f"超过上限 {limits.max_cells:,} 个单元格")
        layout.fill_merged(sheet.rows, sheet.merged)
        _check_cell_lengths(sheet.name, sheet.rows, limits)
    return sheets


# ---------------------------------------------------------------- OpenDocument text (.odt)

_ODT_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODT_MAX_XML = 64 * 1024 * 1024  # the text of a document's body: a ledger's table is a few MB at most
# what the text of a paragraph leaves out: comments and footnotes (kept beside the text), a frame's content
_ODT_ASIDE = frozenset({_ODT_OFFICE + "annotation", _ODS_TEXT + "note", _ODS_TEXT + "tracked-changes",
                        "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}frame"})
_ODT_BLOCKS = frozenset({_ODS_TEXT + "section", _ODS_TEXT + "list", _ODS_TEXT + "list-item",
                         _ODS_TEXT + "list-header", _ODS_TEXT + "soft-page-break"})
_ODT_ROWS = frozenset({_ODS + "table-header-rows", _ODS + "table-rows", _ODS + "table-row-group"})


def read_odt(data: bytes, limits: Limits) -> list[RawSheet]:
    """An OpenDocument text's tables (.odt: what LibreOffice and the office suites built on it save a
    document as), read as a Word document's are (read_docx)."""
    from xml.etree.ElementTree import ParseError, fromstring

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = _read_member(archive, "content.xml", _ODT_MAX_XML + 1)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        raise ReadError(ODT_DAMAGED) from None
    if len(content) > _ODT_MAX_XML:
        raise ReadError(f"文档内容超过 {_ODT_MAX_XML // 1024 // 1024} MB，超过上限：请把台账表格复制到 Excel 工作簿后再导入")
    try:
        body = fromstring(content).find(f"{_ODT_OFFICE}body/{_ODT_OFFICE}text")
    except ParseError:
        raise ReadError(ODT_DAMAGED) from None
    tables: list[_WordTable] = []
    paragraphs: list[str] = []

    def walk(element) -> None:
        for child in element:
            if child.tag == _ODS + "table":
                rows, merged = _odt_grid(child, limits)
                tables.append(_WordTable(paragraphs[:], rows, merged))
                paragraphs.clear()
            elif child.tag in (_ODS_TEXT + "p", _ODS_TEXT + "h"):
                if text := _odt_text(child).strip():
                    paragraphs.append(text)
            elif child.tag in _ODT_BLOCKS:
                walk(child)

    if body is not None:
        walk(body)
    if not tables:
        raise ReadError(NO_WORD_TABLE.replace("这份 Word 文档", "这份文档"))
    return read_docx(data, limits, tables)


def _odt_grid(table, limits: Limits) -> tuple[list[list[object]], list[tuple[tuple[int, int], tuple[int, int]]]]:
    """A table's rows as Excel shows it pasted (a cell's paragraphs joined by a line break; a cell spanning
    rows or columns, over the covered cells LibreOffice writes in its place, a merged range)."""
    rows: list[list[object]] = []
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def add_rows(element) -> None:
        for child in element:
            if child.tag in _ODT_ROWS:
                add_rows(child)
            elif child.tag == _ODS + "table-row":
                row: list[object] = []
                for cell in child:
                    if cell.tag not in (_ODS + "table-cell", _ODS + "covered-table-cell"):
                        continue
                    text = "\n".join(t for t in (_odt_text(p).strip() for p in cell if p.tag not in _ODT_ASIDE) if t) \
                        if cell.tag == _ODS + "table-cell" else ""
                    across = int(cell.get(_ODS + "number-columns-spanned", "1") or 1)
                    down = int(cell.get(_ODS + "number-rows-spanned", "1") or 1)
                    if across > 1 or down > 1:
                        merged.append(((len(rows), len(row)), (len(rows) + down - 1, len(row) + across - 1)))
                    repeat = min(int(cell.get(_ODS + "number-columns-repeated", "1") or 1), limits.max_columns)
                    row.extend([text] * repeat)
                    if len(row) > limits.max_columns:
                        raise ReadError(f"列数超过上限 {limits.max_columns}")
                repeat = min(int(child.get(_ODS + "number-rows-repeated", "1") or 1), limits.max_rows)
                rows.extend(list(row) for _ in range(repeat))
                if len(rows) > limits.max_rows:
                    raise ReadError(f"行数超过上限 {limits.max_rows:,}")

    add_rows(table)
    return rows, merged


def _odt_text(element) -> str:
    """The text of a paragraph (or of a list or table inside a cell, its paragraphs joined by line breaks),
    spaces (text:s), tabs and line breaks as written; comments, footnotes and frames left out."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag == _ODS_TEXT + "s":
            parts.append(" " * int(child.get(_ODS_TEXT + "c", "1") or 1))
        elif tag == _ODS_TEXT + "tab":
            parts.append("\t")
        elif tag == _ODS_TEXT + "line-break":
            parts.append("\n")
        elif tag in (_ODS_TEXT + "p", _ODS_TEXT + "h", _ODS + "table-row") and len(parts) > 1:
            parts.append("\n" + _odt_text(child))
        elif tag not in _ODT_ASIDE:
            parts.append(_odt_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


# ---------------------------------------------------------------- what a file really is


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the file is called: xlsx, xlsb, ods, xls, encrypted (a password-
    protected workbook), docx, pptx, doc, pdf, zip or ole (unrecognised or damaged), html, xml2003
    (Excel 2003 XML), binary or text."""
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _sniff_ole(data)
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(_IMAGES):
        return "image"  # a screenshot or a photo of the ledger
    if data.startswith(_ARCHIVES):
        return "archive"
    # a web page or an Excel 2003 XML table may start with a byte-order mark (UTF-16 for some systems'
    # exports) and with a long comment before its first tag
    head = _text_head(data).lower().lstrip()
    if head.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
            return "xml2003"
        if b"<html" in head or b"<table" in head or b"<!doctype html" in head:
            return "html"
    if head.startswith(b"mime-version:") and b"multipart/related" in head:
        return "html"  # an Excel "single file web page" (.mht)
    if any(data.startswith(bom) for bom, _, _ in _BOMS):
        return "text"
    if b"\x00" in data[:65536]:
        return "binary"
    return "text"


def _text_head(data: bytes, size: int = 65536) -> bytes:
    """The first bytes of a file as UTF-8-compatible bytes: decoded from UTF-16/UTF-32 when a BOM
    says so (the BOM dropped), else as they are."""
    for bom, codec, _ in _BOMS:
        if data.startswith(bom):
            return data[len(bom):size].decode(codec, errors="ignore").encode("utf-8")
    return data[:size]


_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_ARCHIVES = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")  # RAR, 7-Zip, gzip


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            mimetype = _read_member(archive, "mimetype", 200) if "mimetype" in names else b""
            if mimetype.startswith((b"application/vnd.oasis.opendocument.spreadsheet",
                                    b"application/vnd.oasis.opendocument.text")):
                manifest = _read_member(archive, "META-INF/manifest.xml")
                if b"encryption-data" in manifest:
                    return "encrypted"
                return "ods" if b"spreadsheet" in mimetype else "odt"
            if "word/document.xml" in names:
                return "docx"
            if "ppt/presentation.xml" in names:
                return "pptx"
            if not any(n.startswith(("[Content_Types]", "xl/", "word/", "ppt/", "mimetype", "META-INF/")) for n in names):
                return "archive"  # a zip of files (the ledgers zipped to send them), not an Office document
    except Exception:  # a damaged zip: read_excel says so
        return "zip"
    return "zip"


def _sniff_ole(data: bytes) -> str:
    try:
        import olefile

        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir()}
    except Exception:
        return "ole"
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        return "encrypted"  # an .xlsx saved with a password is an OLE file holding the encrypted package
    if "workbook" in streams or "book" in streams:
        try:
            import msoffcrypto

            if msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted():
                return "encrypted"
        except Exception:
            pass
        return "xls"
    if "worddocument" in streams:
        return "doc"
    return "ole"


def _readable_text(data: bytes) -> bool:
    """The first bytes decode as text (a BOM's encoding, UTF-8 or GB18030; a character cut at the end
    allowed): plain text, not damaged binary that happens to hold no zero byte."""
    head = _text_head(data, 4096)
    for codec in ("utf-8", "gb18030"):
        try:
            head.decode(codec)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3 and len(data) > len(head):
                return True
    return False


def _looks_like_csv(data: bytes) -> bool:
    """Text whose first lines hold separators, or whose lines below a title hold a ledger's header split at
    them (东城区巡察情况, a blank line, then the header: a web system's export): a CSV or tab-separated text
    (not just any text)."""
    head = _text_head(data, 8192)
    lines = [line for line in head.splitlines()[:5] if line.strip()]
    if bool(lines) and all(b"," in line or b"\t" in line for line in lines[:2]):
        return True
    if b"," not in head and b"\t" not in head:
        return False
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError as exc:  # GBK, or UTF-8 with a character cut at the end of the head
        sample = head[:exc.start].decode("utf-8") if exc.start >= len(head) - 3 else head.decode(
            "gb18030", errors="ignore")
    return _header_at(sample, _delimiter(sample))


def _member_name(info: zipfile.ZipInfo) -> str:
    """A zip member's name: Windows' "send to compressed folder" and WinRAR write GBK names without the
    UTF-8 flag, which zipfile decodes as code page 437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


# Excel encrypts a workbook whose structure or sheets are protected (no password to open) with this
# password, in an .xls, and opens it without asking; so may a program that "protects" its export
EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"


def _without_default_password(data: bytes) -> bytes:
    """An encrypted workbook decrypted with Excel's default password (it opens without asking), or a
    ReadError saying the file has a password to open."""
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=EXCEL_DEFAULT_PASSWORD)
        out = io.BytesIO()
        office.decrypt(out)
    except Exception:  # a real password (msoffcrypto's InvalidKeyError), or an encryption it cannot undo
        raise ReadError(PASSWORD_PROTECTED) from None
    plain = out.getvalue()
    if sniff(plain) == "encrypted" or len(plain) > 4 * len(data) + 1024 * 1024:
        raise ReadError(PASSWORD_PROTECTED)
    return plain


def _archive_members(data: bytes) -> str:
    """The files a zip holds, named for the clerk (the first few); "" for another archive or a damaged zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [posixpath.basename(_member_name(i)) for i in archive.infolist() if not i.is_dir()]
    except Exception:
        return ""
    names = [n for n in names if n and not n.startswith(("~$", "._", ".DS_Store"))]
    if not names:
        return ""
    more = f" 等 {len(names)} 个文件" if len(names) > 5 else ""
    return f"（压缩包内有：{'、'.join(names[:5])}{more}）"


def read_file(name: str, data: bytes, limits: Limits | None = None) -> list[RawSheet]:
    """The sheets of a file, or a ReadError saying in one sentence why not (never another exception:
    a file no check foresaw is refused as unreadable)."""
    try:
        return _read_file(name, data, limits or Limits())
    except ReadError:
        raise
    except BaseException as exc:
        _reraise_interrupts(exc)
        raise ReadError("文件内容已损坏或格式不受支持，无法读取：请在 Excel 或 WPS 中打开，另存为 .xlsx 或 CSV 后再导入") from None


def _read_file(name: str, data: bytes, limits: Limits) -> list[RawSheet]:
    if len(data) > limits.max_bytes:
        raise ReadError(
            f"文件大小 {len(data) / 1024 / 1024:.1f} MB，超过上限 {limits.max_bytes / 1024 / 1024:.0f} MB"
        )
    if not data:
        raise ReadError("文件为空")
    ext = Path(name).suffix.lower()
    if name.lower().endswith(":zone.identifier"):
        # what Windows keeps beside a downloaded file (where it came from), copied out as a file of its own
        raise ReadError("这是 Windows 记录文件下载来源的附属文件（Zone.Identifier），不是台账：不必上传，只选台账文件本身即可")
    if ext in ARCHIVE_EXTENSIONS and sniff(data) in ("archive", "zip"):
        raise ReadError(UNZIP_FIRST + _archive_members(data))
    if ext in (".et", ".ett"):
        # WPS writes its own format under .et, but also a workbook Excel's format (a compatible save, or
        # a file renamed): read by its content when the Excel reader can, else say how to save it
        if (kind := sniff(data)) in ("xlsx", "xls"):
            try:
                return read_excel(data, limits, kind)
            except ReadError:
                pass
        raise ReadError(f"WPS 表格文件（{ext}）不能直接导入：{SAVE_AS_XLSX}")
    if ext == ".xml":  # what some systems name their Excel 2003 XML export (Excel opens it)
        if sniff(data) == "xml2003":
            return read_xml2003(name, data, limits)
        raise ReadError(f"文件不是 Excel 2003 XML 表格（.xml），不是台账表格：{SAVE_AS_XLSX}")
    if ext in (".doc", ".wps"):
        if sniff(data) == "docx":  # a .docx named .doc: Word opens it by its content
            return read_docx(data, limits)
        raise ReadError(WORD_97 if ext == ".doc" else "WPS 文字文件（.wps）不能直接读取其中的表格：" + SAVE_AS_DOCX)
    if ext not in EXTENSIONS:
        raise ReadError(UNSUPPORTED.format(f"（{ext}）" if ext else ""))
    kind = sniff(data)
    if kind == "encrypted":
        try:
            data = _without_default_password(data)
        except ReadError:
            raise ReadError(WORD_PASSWORD if ext in WORD_EXTENSIONS else PASSWORD_PROTECTED) from None
        kind = sniff(data)
    if kind == "docx" and ext not in TEXT_EXTENSIONS:
        return read_docx(data, limits)  # a Word document under a workbook's name too: Excel would not open it, but it is one
    if kind == "odt" and ext not in TEXT_EXTENSIONS:
        return read_odt(data, limits)
    if kind == "doc":
        raise ReadError(WORD_97)
    if ext in WORD_EXTENSIONS and kind not in ("xlsx", "xls", "ods", "xlsb", "html", "xml2003"):
        damaged = ODT_DAMAGED if ext == ".odt" else WORD_DAMAGED
        raise ReadError(damaged if kind in ("zip", "ole") else f"文件内容不是 Word 文档，扩展名却是 {ext}："
                        "请上传完好的 Word 文档、Excel 工作簿或 CSV 文件")
    if kind in ("xlsx", "xls", "ods", "xlsb"):
        if ext in TEXT_EXTENSIONS:
            raise ReadError(f"文件内容是 {_KINDS[kind]}，但扩展名是 {ext}：请把扩展名改回 .{kind} 后再导入")
        return read_excel(data, limits, kind)
    if kind == "html" and _text_head(data).lstrip().startswith(b"<"):
        # a web page saved as .xls (many web systems "export to Excel" so): Excel opens it and shows its
        # table, and so it is read (not an .mht "single file web page", refused below)
        return read_html(name, data, limits)
    if kind == "xml2003":
        return read_xml2003(name, data, limits)  # what .NET and Java exporters write as "Excel"
    if kind in _KINDS:
        what = _KINDS[kind]
        what = f" {what}" if what[0].isascii() else what
        if kind in ("html", "xml2003"):
            raise ReadError(f"文件内容是{what}，不能直接导入：{SAVE_AS_XLSX}")
        if kind == "archive":
            raise ReadError(UNZIP_FIRST + _archive_members(data))
        raise ReadError(f"文件内容是{what}，不是台账表格：请上传 Excel 工作簿或 CSV 文件")
    if ext in EXCEL_EXTENSIONS:
        if kind == "text" and _looks_like_csv(data):
            # a web system's "Excel" export that is tab- or comma-separated text (Excel opens it, after
            # a warning, and shows the table): read as the text it is
            return read_csv(data, limits)
        if kind == "text" and _readable_text(data):
            raise ReadError(f"文件内容是纯文本，不是 Excel 工作簿，但扩展名是 {ext}：请上传 Excel 工作簿或 CSV 文件")
        return read_excel(data, limits, kind)  # damaged or unknown: the Excel reader says which
    if kind in ("zip", "ole"):
        raise ReadError(f"文件内容是 Excel 工作簿或其他 Office 文件（已损坏或无法识别），不是文本 CSV，扩展名却是 {ext}："
                        "请上传完好的 Excel 工作簿或 CSV 文件")
    return read_csv(data, limits)
