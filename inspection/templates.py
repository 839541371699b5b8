"""Blank ledger templates for a first-time clerk: one workbook per table of the contract, its headers
(the first name the contract accepts for each field, required ones first) and one example row that
imports as it stands. The page lists the same columns (`columns`)."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from . import contract
from .i18n import t, value

# one unit, inspected once, with one issue: the three templates import together
_UNIT = {"district": "舞阳县", "township": "城关镇", "unit_name": "东关村", "unit_code": ""}
EXAMPLES: dict[str, dict[str, object]] = {
    "roster": {**_UNIT, "unit_type": "村", "is_poverty_village": "否", "is_weak_org": "否"},
    "inspections": {
        "round": "2024年第一轮", "level": "县级", "team": "县委第一巡察组", "mode": "常规",
        "start_date": "2024-03-01", "end_date": "2024-04-04", **_UNIT,
        "issues_found": 1, "clues": 0, "immediate_fixes": 0, "disciplined": 0, "org_handled": 0,
        "judicial": 0, "rectified": 0, "funds_recovered": 0,
    },
    "issues": {
        "round": "2024年第一轮", **_UNIT, "category": "基层党组织建设", "subcategory": "组织生活",
        "description": "（示例）“三会一课”记录不全", "status": "整改中", "due_date": "2024-06-30",
        "rectified_date": "",
    },
}
_SKIP = {"period"}  # a range column is an alternative to start and end dates, not a column to fill


def _fields(table: contract.Table) -> list[contract.Field]:
    fields = [f for f in table.fields if f.name not in _SKIP]
    return [f for f in fields if f.required] + [f for f in fields if not f.required]


def columns(table: contract.Table, lang: str = "zh") -> pd.DataFrame:
    """The table's columns as a clerk reads them: header (the Chinese name to write, in either
    language), what the column holds, required or not, other accepted names (the Chinese ones; in
    English the English ones the contract accepts as well)."""
    def also(field: contract.Field) -> str:
        names = [h for h in field.headers[1:] if h.isascii() == (lang == "en")]
        sep = "、" if lang == "zh" else ", "
        shown = sep.join(names)
        while len(shown) > 60 and len(names) > 1:  # whole names only, and "…" says there are more
            names = names[:-1]
            shown = sep.join(names) + sep + "…"
        return shown

    return pd.DataFrame([{"header": f.headers[0], "meaning": meaning(f, lang), "required": f.required,
                          "also": also(f)} for f in _fields(table)])


# the Chinese a clerk writes, which the help's 说明 shows in either language: the values a column
# takes (stored as the contract stores them, read out through i18n.VALUES) and an example
_CHOICES = {"unit_type": ("村", "社区", "基层站所", "两新组织", "机关", "国企", "学校", "其他"),
            "level": ("municipal", "county"), "mode": contract.MODES,
            "status": ("rectified", "in_progress", "not_started", "long_term")}
_HINTS = {"district": "源汇区", "round": "2024年第一轮", "team": "县委第一巡察组", "mode": contract.DEFAULT_MODE,
          "start_date": "2024-03-01", "period": "2024年3月1日至4月4日", "funds_recovered": "（元）",
          "status": value(contract.DEFAULT_STATUS, "zh")}


def meaning(field: contract.Field, lang: str = "zh") -> str:
    """What a column holds, in `lang`; the values to write stay Chinese, with their English in English
    ('村 Village, 社区 Community, ...')."""
    choices = [(value(raw, "zh"), value(raw, "en")) for raw in _CHOICES.get(field.name, ())]
    shown = ("、".join(zh for zh, _ in choices) if lang == "zh" else ", ".join(f"{zh} {en}" for zh, en in choices))
    if field.name == "funds_recovered":
        shown = "万元"
    return t(f"help_field_{field.name}", lang, values=shown, example=_HINTS.get(field.name, ""), yes="是", no="否")


def workbook(table: contract.Table) -> bytes:
    """An .xlsx with the table's headers (required ones marked) and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.label
    fields = _fields(table)
    sheet.append([f.headers[0] for f in fields])
    sheet.append([EXAMPLES[table.name].get(f.name, "") for f in fields])
    bold, required = Font(bold=True), PatternFill("solid", fgColor="FDE2E2")
    for cell, field in zip(sheet[1], fields, strict=True):
        cell.font = bold
        if field.required:
            cell.fill = required
        sheet.column_dimensions[cell.column_letter].width = max(10, 2 * len(str(cell.value)) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
