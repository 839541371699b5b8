"""Values written into a spreadsheet (the problem workbook, the exports): text a workbook can hold,
never a formula, and the names of its sheets. One place, so no writer raises on a character an input file happened to carry (a
NUL in an old .xls sheet name, the DOS end-of-file byte, a control character pasted into a cell)."""

from __future__ import annotations

import datetime as dt
import decimal
import re
from typing import Any

# XML 1.0, and so .xlsx, cannot hold these: C0 controls but tab, line feed and carriage return,
# lone surrogates (a broken UTF-16 name) and the two non-characters
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CHARS = 32_767  # Excel's limit for one cell
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")  # characters Excel refuses in a sheet name
MAX_SHEET_NAME = 31  # Excel's limit for a sheet name


def clean(text: str) -> str:
    """`text` without the characters a workbook cannot hold, cut at Excel's 32,767 characters."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text[:MAX_CHARS]


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (= + - @ ...) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def cell(value: Any) -> Any:
    """A value for a spreadsheet cell: text cleaned and neutralised, dates without a time zone (which
    Excel cannot store), numbers as they are, anything else as its text."""
    if isinstance(value, str):
        return neutralise(clean(value))
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, (bool, int, float, decimal.Decimal, dt.date, dt.time)) or value is None:
        return value
    return cell(str(value))


def sheet_name(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts for `name`, unlike any in `taken`: the refused characters
    ([ ] : * ? / \\) as _, no apostrophe at either end, at most 31 characters, and a suffix _2, _3 ...
    where the name is taken. Excel compares sheet names ignoring case, and so does this: `taken`
    holds the names in lower case, and the new one is added to it."""
    base = _SHEET_BAD.sub("_", clean(str(name)))[:MAX_SHEET_NAME].strip("'") or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in taken or candidate.lower() == "history":  # Excel reserves History
        suffix = f"_{n}"
        candidate = base[:MAX_SHEET_NAME - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate
