"""Read CSV and Excel files into raw sheets: lists of rows of Python cell values.

Nothing here knows the contract; it only turns bytes into cells, or says in one
sentence why it cannot.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

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
        raise ReadError(f"CSV 格式错误：{exc}") from None
    return [RawSheet("", rows)]


def _check_xlsx_size(data: bytes, limits: Limits) -> None:
    """Refuse zip bombs before the workbook is parsed."""
    if not data.startswith(b"PK"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ReadError("Excel 文件已损坏或不完整，无法打开") from None
    if total > limits.max_uncompressed:
        raise ReadError(
            f"Excel 文件解压后 {total / 1024 / 1024:.0f} MB，超过上限 "
            f"{limits.max_uncompressed / 1024 / 1024:.0f} MB"
        )


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
