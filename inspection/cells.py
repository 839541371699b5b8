"""Cell converters: one function per field kind, raw cell -> typed value.

A converter raises CellError with a reason a clerk understands. Values are memoised
per column by the importer, so these may be plain and readable rather than fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from . import contract


class CellError(Exception):
    """`unknown`: the value as a vocabulary looks it up, when it is not in the vocabulary (a mapping
    can answer it, see inspection/mappings.py)."""

    def __init__(self, reason: str, suggestion: str | None = None, unknown: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion
        self.unknown = unknown


EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_1904_OFFSET = 1462  # days from 1900-01-00 to 1904-01-01: a 1904 workbook's serial + this = a 1900 one
MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
MAX_TEXT = 32_767
MAX_COUNT = 2_147_483_647  # the store's INTEGER; a larger count is a typing slip, not a figure

_INT = re.compile(r"^\d+$")
_INT_ZERO_DECIMALS = re.compile(r"^(\d+)\.0*$")
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
_NEGATIVE = re.compile(r"^-\s*\d")
_CURRENCY = re.compile(r"(-?)(¥|RMB|CNY|人民币)(?=[-\d.])", re.I)
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(\D|$))")
_SPACED_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}(\D|$))")

_DATE_PATTERNS = (
    # a time after the date is dropped (2021/3/15 0:00, 2021-03-15 00:00:00.0, and 2021/3/15 上午 12:00:00 as
    # Chinese Windows writes a date-time as text), and Beijing's offset after it (2021-03-15T00:00:00+08:00,
    # as a system in China writes ISO 8601: the day as written); another offset or Z is not: the day may be
    # another here
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[日号]?(?:[ T](?:[上下]午 ?)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                r"(?:\+08:?00)?)?$"), 3),
    # 号: the spoken word for 日; a time after it as WPS's and Excel's Chinese date-time formats write it
    # (2021年3月15日 9:30, 2021年3月15日 下午 2:30, 2021年3月15日9时30分)
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?(?: ?(?:[上下]午 ?)?\d{1,2}:\d{2}(?::\d{2})?"
                r"| ?(?:[上下]午 ?)?\d{1,2}时(?:\d{1,2}分(?:\d{1,2}秒)?)?)?$"), 3),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), 3),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), 2),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), 2),
)

# a long date as Excel's and WPS's long formats write it (yyyy年m月d日 aaaa), kept as text: 2021/3/15 星期一,
# 2021年3月15日 周一, 2021-03-15（周一）
_WEEKDAY = re.compile(r"\s*\(?(星期|周|礼拜)([一二三四五六日天])\)?$")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


# Excel's error values (a broken formula shows one); LibreOffice adds Err:502 and the like
EXCEL_ERRORS = {
    "#NULL!": "引用的区域没有交集", "#DIV/0!": "除数为零", "#VALUE!": "参与计算的值类型不对",
    "#REF!": "引用的单元格已被删除", "#NAME?": "公式中有无法识别的名称", "#NUM!": "数值无效",
    "#N/A": "查找不到对应的值", "#GETTING_DATA": "数据尚未取得", "#SPILL!": "结果区域被占用",
    "#CALC!": "计算出错", "#FIELD!": "字段无效", "#BLOCKED!": "功能被阻止", "#CONNECT!": "连接失败",
    "#BUSY!": "仍在计算", "#UNKNOWN!": "数据类型不受支持", "#PYTHON!": "Python 公式出错",
}
_LIBREOFFICE_ERROR = re.compile(r"^Err:\d{3}$")
# what the Excel reader puts in a cell of an .xlsx that holds a formula but no calculated value (the
# file was written by a program, never opened and saved in Excel or WPS): its value is unknown
UNCALCULATED = "#公式未计算"


def excel_error(value: object) -> str | None:
    """The Excel error value a cell holds ("#REF!"), or None. The readers write the error of an error
    cell into it; a CSV saved from a sheet with broken formulas holds the same text."""
    if type(value) is not str or not value or value.lstrip()[:1] not in ("#", "E"):
        return None
    text = value.strip()
    if text == UNCALCULATED:
        return text
    if text.upper() in EXCEL_ERRORS:
        return text.upper()
    return text if _LIBREOFFICE_ERROR.match(text) else None


def _refusing_errors(convert):
    """`convert`, refusing an Excel error value by name first (never read as a blank or as text)."""
    @functools.wraps(convert)
    def converter(value: object):
        # most cells are no text, or text that cannot be an error (first character): no call
        if type(value) is not str or not value or not (value[0] in "#E" or value[0].isspace()):
            return convert(value)
        code = excel_error(value)
        if code == UNCALCULATED:
            raise CellError("单元格是公式，但文件中没有它的计算结果（文件由其他程序生成，未在 Excel 或 WPS 中保存过），"
                            "不能当作空白", "请在 Excel 或 WPS 中打开这个文件、保存后再导入")
        if code is not None:
            meaning = EXCEL_ERRORS.get(code.upper(), "公式出错")
            raise CellError(f"单元格为 Excel 错误值 {code}，公式已失效（{meaning}）",
                            "请在 Excel 中修正公式，或改为填写实际的值后再导入")
        return convert(value)
    return converter


def is_blank(value: object) -> bool:
    """None, or text of spaces and invisible characters (a zero-width space alone) only."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    text = value.strip()
    return not text or (text[0] in contract.INVISIBLE and not contract.normalise_text(text))


# what reaches a person, written inside a cell the import keeps or quotes (DOMAIN.md "What is sensitive"): an
# ID number (its birth date checked), a mobile or a landline number, a name after its role and a colon
_ROLE = "(?:" + "|".join(contract.PERSON_ROLES) + ")"
_PERSON_NAME = r"[\u3400-\u9fff·•]{2,4}"
_ROLE_NOTE = re.compile(rf"\s*[(（][^()（）]*?{_ROLE}\s*[:：][^()（）]*[)）]")
_ROLE_NAME = re.compile(rf"({_ROLE})\s*([:：])\s*{_PERSON_NAME}(?:\s*[、,，/]\s*{_PERSON_NAME})*")
_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}"
                        r"[0-9Xx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8})(?![0-9])")
ID_HIDDEN, PHONE_HIDDEN, NAME_HIDDEN = "（身份证号，不显示）", "（电话号码，不显示）", "（人员姓名，不显示）"
# a name that groups records (a team, a unit) followed by its leader in brackets without a colon: 第一巡察组
# （组长李某某）, 张家村（书记王某某）; the bracket holds the role and names only (not in a description, where
# （责任人不明确） is text)
_LEADS = "(?:" + "|".join(contract.PERSON_LEADS) + ")"
_LEAD_NOTE = re.compile(rf"\s*[(（]\s*{_LEADS}\s*{_PERSON_NAME}(?:\s*[、,，/]\s*{_PERSON_NAME})*\s*[)）]")
# SQL (RE2): a text that hide_personal or hide_leader may change, so that the import's vectorised path
# converts it in Python
PERSONAL_SQL = "[0-9]{11}|[0-9]{3,4}-[0-9]{7}|" + _ROLE + " *[:：]|[(（] *" + _LEADS
# what hide_personal may change is among what this finds (an ID holds 11 digits in a row)
_DIGIT_OR_COLON = re.compile("[0-9:：]")
_MAYBE_PERSONAL = re.compile(rf"[0-9]{{11}}|[0-9]{{3,4}}-[0-9]{{7}}|{_ROLE}\s*[:：]")


def hide_personal(text: str) -> str:
    """`text` without what reaches a person: a bracketed note naming someone by role is dropped whole
    (市委第一巡察组（组长：李某某） is the team 市委第一巡察组); a name after its role, an ID number and a
    phone number are replaced by what they were (组长：（人员姓名，不显示）). A name written in a sentence
    (村支书王某某违规…) cannot be told from other words and stays."""
    if not text or not _DIGIT_OR_COLON.search(text) or not _MAYBE_PERSONAL.search(text):  # most texts: one look
        return text
    text = _ROLE_NOTE.sub("", text)
    text = _ROLE_NAME.sub(lambda m: m[1] + m[2] + NAME_HIDDEN, text)
    text = _ID_NUMBER.sub(ID_HIDDEN, text)
    return _PHONE.sub(PHONE_HIDDEN, text)


def hide_leader(text: str) -> str:
    """A team's or a unit's name without its leader noted in brackets (第一巡察组（组长李某某）), nor what
    `hide_personal` hides."""
    return hide_personal(_LEAD_NOTE.sub("", text) if "(" in text or "（" in text else text)


def to_text(value: object) -> str | None:
    """A cell as text, without what reaches a person (`hide_personal`)."""
    text = _as_text(value)
    return (hide_personal(text) or None) if text else text


def _as_text(value: object) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = contract.normalise_text(str(value))
    if len(text) > MAX_TEXT:
        raise CellError(f"内容过长（{len(text):,} 字），超过单元格上限 {MAX_TEXT:,} 字")
    return text or None


# a line break typed into a cell to wrap it (Alt+Enter: 市委第一\n巡察组), with the spaces around it
_WRAP = re.compile(r"[^\S\n]*\n\s*")


def to_label(value: object) -> str | None:
    """A name that groups records (a team, an issue category): its line breaks only wrapped the cell,
    so 市委第一巡察组 written over two lines is the same team (a space between two Latin words)."""
    text = to_text(value)
    text = (hide_leader(text) or None) if text else text
    if not text or "\n" not in text.replace("\r", "\n"):
        return text
    parts = _WRAP.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    out = parts[0]
    for part in parts[1:]:
        out += (" " if out[-1:].isascii() and out[-1:].isalnum() and part[:1].isascii() and part[:1].isalnum()
                else "") + part
    return out or None


# an issue list's category or subcategory written with its heading's number (一、党的领导方面, （二）…,
# 1.…, （1）…, ①…), as the section headings of a list give them (layout.section_heading)
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+\s*[、.．]|[(（]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]\s*[、.．]?"
                       r"|\d{1,2}\s*[、.．](?!\d)|[\u2460-\u2473\u2776-\u277f])\s*")
_ASPECT = ("方面存在的问题", "方面问题", "方面")


def to_subcategory(value: object) -> str | None:
    """A label without the number of the heading it was copied from (（一）组织生活 = 组织生活)."""
    if isinstance(value, str) and (match := _NUMBERED.match(value.strip())) and len(value.strip()) > match.end():
        value = value.strip()[match.end():]
    return to_label(value)


def to_category(value: object) -> str | None:
    """An issue category as a heading gives it: without its number and a trailing 方面 (一、党的领导方面 =
    党的领导, as the section heading 一、党的领导方面 over the issues gives their category)."""
    text = to_subcategory(value)
    for suffix in _ASPECT:
        if text and text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def to_key(value: object) -> str | None:
    """An identifier such as a round: text without any whitespace (第 1 轮 = 第1轮)."""
    text = to_text(value)
    return re.sub(r"\s+", "", text) if text else None


# 1.23457E+17: a long numeric code as Excel shows it in a narrow column, and as a CSV saved from there keeps it
_SCIENTIFIC = re.compile(r"[0-9]+(\.[0-9]+)?[eE]\+[0-9]+")
# Excel keeps 15 significant digits of a number: a longer code typed as a number has lost its last digits
_EXCEL_DIGITS = 10 ** 15


def to_code(value: object) -> str | None:
    """An identifier (对象编码): text, refused where Excel has already lost some of its digits."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= _EXCEL_DIGITS:
        raise CellError("编码是超过 15 位的数字：Excel 只保留数字的前 15 位，后面几位已变成 0 或被改动",
                        "请把编码列设为“文本”格式，填回完整编码（或从原系统重新导出）后再导入")
    text = _as_text(value)  # a code of 18 digits is no ID number
    if text and _SCIENTIFIC.fullmatch(text):
        raise CellError("编码是科学计数法（Excel 中编码列显示为 1.23457E+17 时另存为 CSV，只保存了显示的数字），"
                        "后面的数字已丢失",
                        "请在 Excel 中把编码列设为“文本”格式、填回完整编码后再保存，或直接导入 Excel 文件")
    return text


# the name the store keeps for "all of them": the default plan row and the issue aggregates' whole
# area (inspection/plan.py DEFAULT, store.WHOLE_AREA); never a district, township or unit
RESERVED_NAME = "*"


def to_name(value: object) -> str | None:
    text = to_text(value)
    text = (hide_leader(text) or None) if text else text
    if text == RESERVED_NAME:
        raise CellError("「*」不是名称：系统用它表示“全部”", "请填写实际的县区、乡镇或村(社区)名称")
    return contract.normalise_name(text) if text else None


def _number_text(value: object) -> str:
    """The text of a count or amount without its thousands separators (15,000, 15 000) and spaces; a space
    between digits that set off no thousands stays (1 2 is no 12: refused)."""
    text = _THOUSANDS.sub("", re.sub(r"\s+", " ", contract.normalise_text(str(value))))
    return re.sub(r"(?<!\d) | (?!\d)", "", _SPACED_THOUSANDS.sub("", text))


# a count or amount written as "/" or "—" alone is not reported, and so are the words for "not counted"
# (未统计, 不详, N/A), and 空 (empty) a clerk writes in a cell left empty on purpose; "无" (none) is zero, and so
# are 暂无 (none so far), 没有 (none) and 无问题 / 无线索 (no issues, no clues)
NOT_REPORTED = frozenset({"/", "-", "--", "—", "——", "–", "无数据", "\\", "未统计", "未填报", "不详", "n/a", "na", "空"})
NONE_WORDS = frozenset({"无", "暂无", "没有", "无问题", "无线索", "没有问题"})
# the unit of its column after a count (3个), or in brackets after it as a header writes it (3（个）)
_COUNT_UNIT = re.compile(r"(?<=\d)(\()?(个|件次|件|条|人次|人|项|起|次|户|名|家|笔|处|例|宗|份)(?(1)\)|)$")
# the part of a count written after it in brackets (3（其中移交1）, 5(含立行立改2), 3件（已整改1件）): the count is
# the number
# a count written in words around it (共3个, 合计5件, 问题3个, 3个问题, 线索2条): the number, when the words say
# only what it counts (the column's own noun) or that it is the whole of them
_COUNT_WORDS = re.compile(r"^(?:共计|共有|共|合计|总计|计)?(?:问题|线索)?(?:共计|共有|共|计)?(\d+)"
                          r"(个|件次|件|条|人次|人|项|起|次|户|名|家|笔|处|例|宗|份)?(?:问题|线索)?$")
# a count in Chinese numerals (三, 十二, 两, 二十三个): the number, as the dates in numerals are read
_ZH_COUNT = re.compile(r"^(零|〇|[一二两三四五六七八九十]{1,3})(个|件次|件|条|人次|人|项|起|次|户|名|家|笔|处|例|宗|份)?$")
_BREAKDOWN = re.compile(r"(?<=\d)(个|件次|件|条|人次|人|项|起|次|户|名|家|笔|处|例|宗|份)?\((?:其中|含|包括|已|[^()]*已)[^()]*\)$")
# a part of the count named in brackets after it (3人（党纪处分2人）, 5起（移送2起）, 2个（1个市级）): the count, when
# the part is no larger and the words neither add to it nor correct it (3人（另有2人）, 5（应为3）, 3（2） stay refused)
_NAMED_PART = re.compile(r"^(\d+)(个|件次|件|条|人次|人|项|起|次|户|名|家|笔|处|例|宗|份)?\(([\u4e00-\u9fff]*)(\d+)"
                         r"(?:个|件次|件|条|人次|人|项|起|次|户|名|家|笔|处|例|宗|份)?([\u4e00-\u9fff]*)\)$")
_ADDED = re.compile(r"另|还|外|再|加|新增|增加|共|合计|总|以上|多|余|约|左右|应为|应是|改为|更正|修正|实为|实际|误")


# the capital numerals (大写数字) of amounts and receipts, as the common ones
_CAPITAL_NUMERALS = str.maketrans("壹贰貳叁參肆伍陆陸柒捌玖拾佰仟", "一二二三三四五六六七八九十百千")
_ZH_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                    "九": 9}
# an amount in words as a receipt writes it (壹万伍仟元整, 人民币一万五千元, 叁仟伍佰元伍角): yuan
_ZH_AMOUNT = re.compile(r"^([零〇一二两三四五六七八九十百千万亿]+)[元圆](?:([零〇一二三四五六七八九])角)?(?:([一二三四五六七八九])分)?整?$")


def _zh_whole(text: str) -> int | None:
    """一万五千 / 三千零五十 / 十二 as a number, else None (two digits in a row, a unit without a digit
    before it other than 十)."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _ZH_DIGIT_VALUES:
            if digit not in (None, 0) and _ZH_DIGIT_VALUES[ch] != 0:
                return None
            digit = _ZH_DIGIT_VALUES[ch]
        elif ch in "十百千":
            if digit is None and not (ch == "十" and section == 0):
                return None
            section += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = None
        else:  # 万, 亿
            section += digit or 0
            if not section:
                return None
            total = (total + section) * (10_000 if ch == "万" else 100_000_000)
            section, digit = 0, None
    return total + section + (digit or 0)


def _amount_in_words(text: str) -> float | None:
    """An amount in words ending in 元 (壹万伍仟元整, 人民币一万五千元) in 万元, else None."""
    match = _ZH_AMOUNT.match(re.sub(r"^(?:人民币|¥|rmb)", "", text, flags=re.I).translate(_CAPITAL_NUMERALS))
    if not match or (whole := _zh_whole(match[1])) is None:
        return None
    fen = _ZH_DIGIT_VALUES.get(match[2] or "零", 0) * 10 + _ZH_DIGIT_VALUES.get(match[3] or "零", 0)
    return (whole + fen / 100) / 10_000


def _not_reported(value: object) -> bool:
    return isinstance(value, str) and contract.compact_text(value).lower() in NOT_REPORTED


def _is_none(value: object) -> bool:
    return isinstance(value, str) and contract.compact_text(value) in NONE_WORDS


def _tick(value: object) -> str | None:
    """The tick or cross a cell holds alone (√, ✓, ×), or None."""
    if isinstance(value, str):
        text = contract.compact_text(value)
        if text in contract.TICKS:
            return text
    return None


def _tick_refused(mark: str, what: str, hint: str) -> CellError:
    return CellError(f"勾选标记「{mark}」不是{what}", hint)


PERCENT_HINT = "这一列应填个数或人数：请把单元格格式改为“常规”或“数值”，填写实际数量后再导入"


_EXCEL_LEAP_DAY = dt.date(1900, 2, 28)  # serial 59 and Excel's 29 February 1900 (60) both read as this day
DATE_FORMAT_HINT = "这一列应填数字：请把单元格格式改为“常规”或“数值”，再导入"


def date_as_number(value: object, date1904: bool = False, opendocument: bool = False) -> object:
    """A figure in a cell formatted as a date, a time or a duration (a column formatted as the date
    column beside it, 1900年1月2日 shown for 2): the number the cell holds, as Excel counts its days
    (from 1900 with its leap day 29 February 1900, or from 1904), LibreOffice from 1899-12-30. A real
    date (from 1990) is left as it is, for the converter to refuse."""
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 86400, 9)
    if isinstance(value, dt.time):
        return round((value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400, 9)
    if not isinstance(value, dt.date):
        return value
    day = value.date() if isinstance(value, dt.datetime) else value
    if day >= MIN_DATE:
        return value
    if date1904:
        serial = (day - dt.date(1904, 1, 1)).days
    elif opendocument or day > _EXCEL_LEAP_DAY:
        serial = (day - EXCEL_EPOCH).days
    elif day == _EXCEL_LEAP_DAY:
        raise CellError("单元格设成了日期格式，读出的是日期 1900-02-28，原来的数字是 59 还是 60 无法确定", DATE_FORMAT_HINT)
    else:
        serial = (day - dt.date(1899, 12, 31)).days
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return serial + date_as_number(value.time())
    return serial


def to_count(value: object) -> int | None:
    if is_blank(value) or _not_reported(value):
        return None
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise CellError(f"是日期或时间（{_as_text(value)}），不是数量", DATE_FORMAT_HINT)
    if _is_none(value):
        return 0
    if isinstance(value, bool):
        raise CellError("应为非负整数")
    if isinstance(value, (int, float)):
        if value != value:  # NaN
            return None
        if value < 0:
            raise CellError("数量不能为负数")
        if not float(value).is_integer() and _excel_integral(value):  # =0.1*30 is 2.9999999999999996 in the file
            value = round(value)
        if not float(value).is_integer():
            if 0 < value < 1:  # a percentage cell shows 0.5 as 50%
                raise CellError(f"数量应为整数，不能有小数（{value:g} 在百分比格式的单元格中显示为 {value * 100:g}%）",
                                PERCENT_HINT)
            raise CellError("数量应为整数，不能有小数")
        return _count_in_range(int(value))
    text = _COUNT_UNIT.sub("", _BREAKDOWN.sub("", _number_text(value)))
    if (part := _NAMED_PART.match(text)) and (part[3] or part[5]) and not _ADDED.search(part[3] + part[5]) \
            and int(part[4]) <= int(part[1]):
        text = part[1]
    if _INT.match(text):
        return _count_in_range(int(text))
    if (worded := _COUNT_WORDS.match(text)) and worded[0] != worded[1]:
        return _count_in_range(int(worded[1]))
    if numeral := _ZH_COUNT.match(text.translate(_CAPITAL_NUMERALS)):  # 三个, 叁 (the capital numeral)
        count = 0 if numeral[1] in ("零", "〇") else _small_number(numeral[1])
        if count is not None:
            return count
    match = _INT_ZERO_DECIMALS.match(text)
    if match:
        return _count_in_range(int(match.group(1)))
    if _NEGATIVE.match(text):
        raise CellError("数量不能为负数")
    if _DECIMAL.match(text):
        if _excel_integral(float(text)):  # a formula's result written out in full (2.9999999999999996)
            return _count_in_range(round(float(text)))
        raise CellError("数量应为整数，不能有小数")
    if mark := _tick(value):
        raise _tick_refused(mark, "数量", "请填写数字（没有时填 0，未统计的留空）")
    if text.endswith("%") and _DECIMAL.match(text[:-1]):
        raise CellError("数量不能是百分比", PERCENT_HINT)
    raise CellError("应为数字（非负整数），不能填文字")


def _excel_integral(value: float) -> bool:
    """A whole number as Excel shows it: to its 15 significant digits (a formula's result 2.9999999999999996,
    what =0.1*30 or a sum of shares leaves in the file, is 3 on the screen and in a CSV Excel saves)."""
    return float(f"{value:.15g}").is_integer()


def _count_in_range(count: int) -> int:
    if count > MAX_COUNT:
        raise CellError(f"数量 {count:,} 过大，请检查是否多输入了数字")
    return count


def to_money_yuan(value: object) -> float | None:
    """An amount in a column whose header says （元）: divided by 10,000, unless the cell itself says
    万元, 万 or 元 (then the cell's own unit counts)."""
    if isinstance(value, str) and (_money_text(value).rstrip(")").endswith(("元", "万", "亿"))  # 1.2万 is 万元
                                   or _amount_in_words(_money_text(value)) is not None):  # 叁仟元伍角
        return to_money(value)
    amount = to_money(value)
    return None if amount is None else amount / 10_000


# an amount's unit as clerks type it after the number: 1.5w (万), 1.5万元人民币 (the currency after it)
_MONEY_UNIT_TYPED = re.compile(r"(?<=\d)[wW]$|(?<=[元万亿])人民币$")


def _money_text(value: object) -> str:
    return _MONEY_UNIT_TYPED.sub(lambda m: "万" if m[0] in "wW" else "", _number_text(value))


def to_money(value: object) -> float | None:
    if is_blank(value) or _not_reported(value):
        return None
    if isinstance(value, (dt.date, dt.time, dt.timedelta)):
        raise CellError(f"是日期或时间（{_as_text(value)}），不是金额", DATE_FORMAT_HINT)
    if _is_none(value):
        return 0.0
    if isinstance(value, bool):
        raise CellError("应为金额数字（万元）")
    if isinstance(value, (int, float)):
        if value != value:
            return None
        if value < 0:
            raise CellError("金额不能为负数")
        if value == float("inf"):
            raise CellError("应为金额数字（万元）")
        return float(value)
    text = _money_text(value)
    # a currency sign (货币 / 会计专用 format, as Excel writes it into a CSV: ¥15,000.00; RMB, 人民币)
    # says nothing about 元 or 万元; the accounting format writes a zero as its sign and a dash (¥-)
    currency = _CURRENCY.match(text)
    if currency:
        text = currency.group(1) + text[currency.end():]
        if text in ("-", "--"):
            return 0.0
    if (words := _amount_in_words(text)) is not None:
        return words
    if text.endswith(("(万元)", "(元)")):  # the unit in brackets, as a header writes it: 12.5（万元）
        text = text[:-1].replace("(", "")
    if text.endswith(("亿元", "亿")):  # 1.2亿元: 12,000 万元
        text = text.removesuffix("元")[:-1]
        if _DECIMAL.match(text):
            return float(text) * 10_000
    if text.endswith("万元"):
        text = text[:-2]
    elif text.endswith("元"):  # 元 but not 万元: yuan
        text = text[:-1]
        if _DECIMAL.match(text):
            return float(text) / 10_000
    elif text.endswith("万"):
        text = text[:-1]
    if _NEGATIVE.match(text):
        raise CellError("金额不能为负数")
    if _DECIMAL.match(text):
        return float(text)
    if mark := _tick(value):
        raise _tick_refused(mark, "金额", "请填写金额数字（万元；没有时填 0，未统计的留空）")
    raise CellError("应为金额数字（万元），不能填文字")


class MonthAlone(dt.date):
    """A date written as its month alone (2022年3月, 2022.3): its first day, as the contract reads it. An
    inspection's end so written in the month it started (进驻 2022-03-15, 撤离 2022年3月) means the end of
    that month (the importer's row path moves it there; the vectorised CSV path hands such a file over)."""


def month_end(day: dt.date) -> dt.date:
    return _month_end(day.year, day.month)


def _checked(day: dt.date) -> dt.date:
    if not MIN_DATE <= day <= MAX_DATE:
        raise CellError(f"日期 {day.isoformat()} 超出合理范围（{MIN_DATE.year}-{MAX_DATE.year} 年）")
    return day


# a number in a date column that reads as a year: Excel keeps 2021.3 and 2021.10 (typed for March and
# October) as the numbers 2021.3 and 2021.1, so the month cannot be told; as a serial it is 1905
_YEAR_AS_NUMBER = {
    True: ("只有年份，不是日期", "请写成 2021-03-15 或 2021年3月"),
    False: ("是数字，不是日期：Excel 把 2021.3、2021.10 这样输入的年月存成小数（2021.10 变成 2021.1），无法分辨月份",
            "请写成 2021-03-15、2021年3月，或先把单元格设为“文本”格式再输入 2021.3"),
}


# a third of a month (旬), as a work plan states when a team went in: its first day, as a month alone is its first
_TEN_DAYS = re.compile(r"^(\d{4})[年.\-/](\d{1,2})月?([上中下])旬$")
_TEN_DAY_FIRST = {"上": 1, "中": 11, "下": 21}

# a year written with two digits first (22.3.1, 22年3月1日), as clerks abbreviate it: a first number of 13 or
# more is no month, so it is the year 20NN. Not with / or - : an English region's Excel writes 15/03/21 for
# 15 March 2021 (day first, year last)
_SHORT_YEAR = re.compile(r"^(\d{2})(?:年(\d{1,2})月(?:(\d{1,2})[日号]?)?|[.](\d{1,2})[.](\d{1,2}))$")

# a month and day alone: a date cell formatted 3月15日 (or 3/15) shows no year, and a CSV saved from it
# keeps what the cell shows
_MONTH_DAY = re.compile(r"\d{1,2}(月\d{1,2}[日号]?|[/-]\d{1,2})")
NO_YEAR = ("日期没有年份，只有月和日（Excel 中显示为“3月15日”的日期另存为 CSV 后只保留显示的月日）",
           "请填写完整日期（如 2021年3月15日），或直接导入 Excel 文件")


# a date with its year last, as Excel and WPS in an English (or another) region write it: 3/15/2021 is
# month first, 15/03/2021 day first, and 3/4/2021 either
# (3/4/2021 either: refused naming both days; 3/15/2021 and 15/03/2021 only one, that day)
_YEAR_LAST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:$|[ T]\d)")
_YEAR_LAST_WHOLE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T](?:[上下]午 ?)?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                              r"(?: ?[ap]m)?)?$", re.I)
YEAR_LAST = ("日期的年份写在最后（如 3/4/2021，英文等区域设置的格式），月和日的先后无法确定",
             "请写成 2021-03-15 或 2021年3月15日（年、月、日的顺序），或在 Excel 中把这一列设为中文日期格式后再导入")


def _year_last(match: re.Match) -> dt.date:
    """The day a date with its year last names when only one order of its month and day is a date (3/15/2021,
    15/03/2021, 3/3/2021), else refused naming both days (3/4/2021: 4 March or 3 April)."""
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    readings = {(m, d) for m, d in ((first, second), (second, first)) if 1 <= m <= 12 and 1 <= d <= 31}
    if len(readings) > 1:
        (m1, d1), (m2, d2) = sorted(readings)
        raise CellError(f"{YEAR_LAST[0]}：可能是 {year}年{m1}月{d1}日，也可能是 {year}年{m2}月{d2}日", YEAR_LAST[1])
    if not readings:
        raise CellError("不是有效日期（月份或日期超出范围）")
    [(month, day)] = readings
    try:
        return _checked(dt.date(year, month, day))
    except ValueError:
        raise CellError("不是有效日期（月份或日期超出范围）") from None


# a date as a program prints it in its export: Java's Date.toString (Tue Mar 01 00:00:00 CST 2022) and
# JavaScript's (Tue Mar 01 2022 00:00:00 GMT+0800 (中国标准时间)). Both print the day of the zone they
# name: China's (CST from a server set to Asia/Shanghai, GMT+0800) is the day as written; another zone's
# day may be another here, so it is refused like an ISO date with an offset
_PROGRAM_DATE = re.compile(
    r"^(?P<weekday>mon|tue|wed|thu|fri|sat|sun)\s*(?P<month>[a-z]{3})\s*(?P<day>\d{1,2})\s*"
    r"(?:(?P<year>\d{4})\s*)?\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\s*(?P<zone>[a-z]{2,5}|(?:gmt|utc)[+-]\d{2}:?\d{2})"
    r"(?:\s*(?P<year_last>\d{4}))?(?:\s*\((?P<zone_name>[^()]*)\))?$", re.I)
_MONTH_NAMES = {m: k for k, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                            "nov", "dec"), start=1)}
_CHINA_ZONES = {"cst", "gmt+0800", "gmt+08:00", "utc+0800", "utc+08:00"}


def _program_date(match: re.Match) -> dt.date:
    """The day a Java or JavaScript date printout names, in China's zone; else refused naming the zone."""
    year = match["year"] or match["year_last"]
    if year is None or (match["year"] and match["year_last"]) or match["month"].lower() not in _MONTH_NAMES:
        raise CellError("无法识别的日期格式", "请写成 2020-03-15、2020/3/15 或 2020年3月15日")
    zone = match["zone"].lower()
    if zone not in _CHINA_ZONES:
        raise CellError(f"日期时间带有其他时区（{match['zone']}），换算到北京时间可能是另一天",
                        "请在导出系统中按北京时间导出，或写成 2020-03-15")
    try:
        day = _checked(dt.date(int(year), _MONTH_NAMES[match["month"].lower()], int(match["day"])))
    except ValueError:
        raise CellError("不是有效日期（月份或日期超出范围）") from None
    if ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()] != match["weekday"].lower():
        raise CellError(f"日期与星期不符：{day.isoformat()} 不是 {match['weekday']}，无法判断哪个写错了",
                        "请核对日期，改正后再导入")
    return day


# a date as an English export or Excel's d-mmm-yy format writes it (1 Mar 2023, 01-Mar-2023, 1-Mar-23,
# Mar 1, 2023, March 1st, 2023): the month is named, so the order of day and month is never in doubt
_ENGLISH_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]*([a-z]{3,9})\.?[\s\-,]*(\d{4}|\d{2})$", re.I)
_ENGLISH_MONTH_FIRST = re.compile(r"^([a-z]{3,9})\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4})$", re.I)
_ENGLISH_MONTH = re.compile(r"^([a-z]{3,9})\.?[\s\-,]*(\d{4}|\d{2})$", re.I)  # Mar 2023, Mar-23 (mmm-yy)
_FULL_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december")


def _english_date(text: str) -> dt.date | None:
    """The day an English date names (see _ENGLISH_DAY_FIRST), else None."""
    if match := _ENGLISH_DAY_FIRST.match(text):
        day, month, year = match[1], match[2].lower(), match[3]
    elif match := _ENGLISH_MONTH_FIRST.match(text):
        month, day, year = match[1].lower(), match[2], match[3]
    elif match := _ENGLISH_MONTH.match(text):  # a month alone: its first day, as 2023年3月 is
        month, day, year = match[1].lower(), None, match[2]
    else:
        return None
    number = next((k for k, name in enumerate(_FULL_MONTH_NAMES, 1)
                   if month == name or (month[:3] == name[:3] and name.startswith(month.removesuffix("t")))), None)
    if number is None:
        return None
    if len(year) == 2:  # as Excel reads a two-digit year: 00-29 is 20NN, 30-99 19NN
        year = ("20" if int(year) < 30 else "19") + year
    try:
        return _checked(MonthAlone(int(year), number, 1) if day is None else dt.date(int(year), number, int(day)))
    except ValueError:
        raise CellError("不是有效日期（月份或日期超出范围）") from None


# a year and month, then another separator and a number that may be its day or a later month (2023.3-4: 4 March,
# or March to April as a period of months is written)
_MIXED_SEPARATORS = re.compile(r"^\d{4}(?P<sep>[-/.])(?P<month>\d{1,2})(?!(?P=sep))[-/.](?P<day>\d{1,2})$")

# the words a clerk writes around a date saying what happened on it: none changes the day
_DATE_WORDS_BEFORE = re.compile(r"^已?于")
_DATE_WORDS_AFTER = re.compile(r"(?:\s*[,，]?\s*已?(?:完成整改|整改完成|整改到位|完成|销号|办结|进驻|反馈|撤离))+$")


def to_date(value: object) -> dt.date | None:
    if is_blank(value) or _not_reported(value):
        return None
    if isinstance(value, dt.datetime):
        return _checked(value.date())
    if isinstance(value, dt.date):
        return _checked(value)
    if isinstance(value, bool):
        raise CellError("不是有效日期")
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return to_date(str(int(value)))
        if MIN_DATE.year <= value < MAX_DATE.year + 1:  # a year, or 2021.3 typed and kept as a number
            raise CellError(*_YEAR_AS_NUMBER[float(value).is_integer()])
        if 1 <= value < 100000:
            return _checked(EXCEL_EPOCH + dt.timedelta(days=int(value)))
        raise CellError("不是有效日期")
    # spaces around 年 月 日 (2024 年 3 月 5 日, typed to look like a printed form) as the due dates allow them
    text = re.sub(r"\s*([年月日号])\s*", r"\1", re.sub(r"\s+", " ", contract.normalise_text(str(value)))).strip()
    text = zh_date_digits(re.sub(r"(?<=\d)曰", "日", text))  # 曰 typed for 日 (they look alike)
    if re.fullmatch(r"\d{4}\.\d{1,2}\.\d{1,2}\.", text):  # 2023.03.01. typed with a full stop after it
        text = text[:-1]
    weekday = _WEEKDAY.search(text)
    if weekday:
        return _with_weekday(text[:weekday.start()], weekday)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return to_date(float(text))
    if re.fullmatch(r"\d{4}", text) and MIN_DATE.year <= int(text) <= MAX_DATE.year:
        raise CellError(*_YEAR_AS_NUMBER[True])
    if ten_days := _TEN_DAYS.match(text):  # 2022年3月上旬: the first day of that third of the month
        text = f"{ten_days[1]}-{ten_days[2]}-{_TEN_DAY_FIRST[ten_days[3]]}"
    if (short := _SHORT_YEAR.match(text)) and int(short[1]) >= 13:
        # 22.3.1, 22年3月1日, 23年3月 (its month alone): 2022, 2023 (no month is 13 or more)
        text = f"20{short[1]}年{short[2]}月" if short[2] and not short[3] else \
            f"20{short[1]}-{short[2] or short[4]}-{short[3] or short[5]}"
    if (mixed := _MIXED_SEPARATORS.match(text)) and int(mixed["month"]) < int(mixed["day"]) <= 12:
        month, day = int(mixed["month"]), int(mixed["day"])
        raise CellError(f"日期的分隔符前后不一致（{text}），可能是 {month}月{day}日，也可能是 {month}月至{day}月",
                        "请写成 2023-03-04 这样的完整日期；起止时间写在巡察时间列，如 2023年3月至4月")
    for pattern, parts in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            day = int(match.group(3)) if parts == 3 else 1
            try:
                return _checked((dt.date if parts == 3 else MonthAlone)(year, month, day))
            except ValueError:
                raise CellError("不是有效日期（月份或日期超出范围）") from None
    if program := _PROGRAM_DATE.match(text):
        return _program_date(program)
    if english := _english_date(text):
        return english
    if _MONTH_DAY.fullmatch(text):
        raise CellError(*NO_YEAR)
    if year_last := _YEAR_LAST_WHOLE.match(text):
        return _year_last(year_last)
    if _YEAR_LAST.match(text):
        raise CellError(*YEAR_LAST)
    # a whole date with what happened on it (2021年6月10日完成, 已于2021.6.10销号, 2021-03-15进驻)
    bare = _DATE_WORDS_AFTER.sub("", _DATE_WORDS_BEFORE.sub("", text)).strip()
    if bare != text and _whole_date(bare):
        return to_date(bare)
    raise CellError("无法识别的日期格式", "请写成 2020-03-15、2020/3/15 或 2020年3月15日")


# a date in Chinese numerals, as documents print it (二〇二一年三月十五日; ○ and 零 typed for 〇)
_ZH_YEAR_DIGITS = {"〇": "0", "○": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6",
                   "七": "7", "八": "8", "九": "9"}
_ZH_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=年)")
_ZH_MONTH_DAY = re.compile(r"(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,3}(?=[月日号])")


def zh_date_digits(text: str) -> str:
    """A text holding a year in Chinese numerals (二〇二一年三月十五日至四月四日) with its year, months and
    days in digits (2021年3月15日至4月4日); any other text as it is."""
    if not _ZH_YEAR.search(text):
        return text
    text = _ZH_YEAR.sub(lambda m: "".join(_ZH_YEAR_DIGITS[c] for c in m.group(0)), text)
    return _ZH_MONTH_DAY.sub(lambda m: str(_small_number(m.group(0)) or m.group(0)), text)


def _whole_date(text: str) -> bool:
    return any(pattern.match(text) for pattern, parts in _DATE_PATTERNS if parts == 3)


def _with_weekday(text: str, weekday: re.Match) -> dt.date:
    """A whole date followed by its weekday: the date, when the weekday is its own."""
    written = weekday.group(1) + weekday.group(2)
    if not _whole_date(text):
        raise CellError(f"无法识别的日期格式：{written}前应是完整的年月日", "请写成 2020-03-15 或 2020年3月15日 星期日")
    day = to_date(text)
    if day.weekday() != _WEEKDAYS[weekday.group(2)]:
        actual = "一二三四五六日"[day.weekday()]
        raise CellError(f"日期与星期不符：{day.isoformat()} 是星期{actual}，单元格写的是{written}，无法判断哪个写错了",
                        "请核对日期，改正后再导入（星期可以不写）")
    return day


# ---------------------------------------------------------------- dates written as text

@dataclass(frozen=True)
class DueText:
    """A due date that needs its inspection to be known: 立行立改 (the inspection's end_date),
    长期坚持 (no due date, the issue is long-term), a month/day without a year, or a time after the
    feedback (反馈后3个月内: `month` months, 30天内: `day` days after the end_date; 半个月内 15 days), or a
    month/day of the year after the end_date's (next_year: 明年6月底前, 次年3月31日前)."""

    kind: str  # immediate | long_term | no_year | next_year | months | days
    month: int | None = None
    day: int | None = None  # None: the last day of `month`

    def resolve(self, end_date: dt.date | None) -> dt.date | None:
        """The due date for an inspection that ended on `end_date` (None: not known)."""
        if self.kind == "long_term" or end_date is None:
            return None
        if self.kind == "immediate":
            return end_date
        if self.kind == "days":
            return end_date + dt.timedelta(days=self.day)
        if self.kind == "months":  # the same day N months later, or that month's last day
            year, month = divmod(end_date.month - 1 + self.month, 12)
            last = _month_end(end_date.year + year, month + 1)
            return last.replace(day=min(end_date.day, last.day))
        year = end_date.year
        if self.kind == "next_year":  # 明年6月底前 in the feedback: June of the year after the end_date's
            last = _month_end(year + 1, self.month)  # 明年2月29日前 in a year without it: the 28th
            return last if self.day is None else last.replace(day=min(self.day, last.day))
        day = _month_day(year, self.month, self.day)
        if day < end_date.replace(day=1):  # that month ended before the inspection did: next year
            day = _month_day(year + 1, self.month, self.day)
        return day


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date


def _month_day(year: int, month: int, day: int | None) -> dt.date:
    if day is None:
        return _month_end(year, month)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("不是有效日期（月份或日期超出范围）") from None


def _month_end(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise CellError("不是有效日期（月份超出范围）")
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


_SEP = r"\s*[年.\-/]\s*"
_YMD = re.compile(r"(\d{4})" + _SEP + r"(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_YM_END = re.compile(r"(\d{4})" + _SEP + r"(\d{1,2})\s*月?\s*(?:份)?\s*(?:底|末)")
_Y_END = re.compile(r"(\d{4})\s*年?\s*(?:年\s*)?(?:底|末)")
_M_END = re.compile(r"^(\d{1,2})\s*月\s*(?:份)?\s*(?:底|末)")
_MD = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_NO_YEAR_END = re.compile(r"^(?:今年|本年|当年)?年\s*(?:底|末|内)")
# a third of a month as a due date (2023年6月中旬前): its last day (the 10th, the 20th, the month's last)
_TEN_DAYS_BY = re.compile(r"(\d{4})[年.\-/](\d{1,2})月?([上中下])旬(?:末|底)?(?:前|之前|以前|内|以内|之内)?"
                          r"(?:完成|完成整改|整改完成|整改到位)?")
# a year alone as a due date (2023年, 2023年年中 for its middle)
_YEAR_BY = re.compile(r"(\d{4})年(?:度|全年)?(年中)?(?:前|之前|以前)?(?:完成|完成整改|整改完成|整改到位)?")
# 2021年上半年 / 下半年, 2021年第二季度 (its last day), 2021年内 (31 December)
_HALF = re.compile(r"(\d{4})\s*年?\s*([上下])半年")
_QUARTER = re.compile(r"(\d{4})\s*年?\s*(?:第?\s*([一二三四1-4])\s*季度|q([1-4])(?![0-9]))", re.I)
_Y_WITHIN = re.compile(r"(\d{4})\s*年\s*(?:度\s*|年\s*)?内")
# a year and month and nothing but "by then": 2023年6月前, 2023年6月份, 2023.6之前, 2023年6月内
_YM_BY = re.compile(r"(\d{4})(?:年|[.\-/])(\d{1,2})月?份?(?:前|之前|以前|内|以内|之内)?(?:完成|完成整改|整改完成|整改到位)?")
# a half or a quarter without its year (上半年, 二季度末, 第二季度前): in the year of the inspection's end
_NO_YEAR_PART = re.compile(r"(?:([上下])半年|第?([一二三四1-4])季度|(年中))(?:末|底)?(?:前|之前|以前|内|以内|之内)?"
                           r"(?:完成|完成整改|整改完成|整改到位)?")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# a time after the feedback (the inspection's end_date): 3个月内, 反馈后三个月内完成, 自反馈之日起30天内;
# 个月 for months (3月内 could be March), 日 only with 内 (30日 could be a day of a month)
_AFTER = re.compile(r"^(?:自?(?:巡察)?(?:收到)?反馈(?:意见)?(?:之日起|后)?)?(\d{1,3}|[一二两三四五六七八九十]{1,3}|半)"
                    r"(个月|天|日(?=以内|之内|内)|年(?=以内|之内|内)|个?周|个?星期)(?:以内|之内|内)?(?:完成|完成整改|整改完成|整改到位)?(?:$|[,;。])")
_HALF_MONTH = re.compile(r"^(?:自?(?:巡察)?(?:收到)?反馈(?:意见)?(?:之日起|后)?)?半个?月(?:以内|之内|内)(?:完成|完成整改|整改完成|整改到位)?$")
# the year after the feedback's (明年, 次年, 第二年) before a month or a day without its year
_NEXT_YEAR = re.compile(r"^(?:明年|次年|第二年|下一年|来年)")
_DIGITS_ZH = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _small_number(text: str) -> int | None:
    """一 to 九十九 written in Chinese numerals (三, 十二, 二十, 三十五), else None."""
    tens, ten, ones = text.partition("十")
    if not ten:
        return _DIGITS_ZH.get(text) if len(text) == 1 else None
    if (tens and tens not in _DIGITS_ZH) or (ones and ones not in _DIGITS_ZH) or tens == "两":
        return None
    return (_DIGITS_ZH[tens] if tens else 1) * 10 + (_DIGITS_ZH[ones] if ones else 0)


_IMMEDIATE = ("立行立改", "即知即改", "马上就改", "即查即改", "立查立改", "边查边改", "立即整改")
# before the inspection ends (本轮巡察结束前, 巡察期间, 巡察反馈前): its end_date, as 立行立改 is
_DURING = re.compile(r"^在?(?:本轮|本次|此轮)?巡察(?:期间内?|结束前|结束之前|反馈前|反馈之前|结束时)"
                     r"(?:完成|完成整改|整改完成|整改到位)?$")
_LONG_TERM = ("长期", "持续", "常态化", "长效")
_MOVING_HOLIDAY = re.compile(r"春节|元宵节?|清明节?|端午节?|中秋节?|重阳节?")
# a holiday on a fixed day (2024年元旦前, 国庆节前, 七一前): by the day before it, the last of the month before
# (2024年元旦前 is 2023-12-31); without its year, the next one after the feedback (as 9月底前 is)
_FIXED_HOLIDAY = re.compile(r"^(?:(\d{4})年?)?(元旦|国庆|十一|七一|五一|八一|六一)节?(?:假期)?(?:前|之前|以前)"
                            r"(?:完成|完成整改|整改完成|整改到位)?$")
_MONTH_BEFORE_HOLIDAY = {"元旦": 12, "国庆": 9, "十一": 9, "七一": 6, "五一": 4, "八一": 7, "六一": 5}
# a due date moved (2023年6月30日（延期至9月30日）, 原定6月底，调整为2023年9月底前): the date it was moved to
_MOVED = re.compile(r"(?:延期|延长|推迟|顺延|调整|变更|改)(?:至|到|为)")
# a period to rectify in, from a month or a third of one (2023年3月上旬至4月, 2023年3月至4月底): by its end
_DUE_PERIOD = re.compile(r"^(?:自|从)?((\d{4})年\d{1,2}月[^至到]*)(?:至|到)((\d{4}年)?\d{1,2}月[^至到]*)$")
# a time counted from a day written before it (2023年3月15日起3个月内, 自2023.3.15起30天内): from that day
_FROM_DAY = re.compile(r"^(?:自|从)?(.+?)(?:之日起|起|开始)(.+)$")
# a date and what says it is no deadline (2023年6月30日后, 2023年6月30日前后)
_NOT_BY = re.compile(r"^(?:以后|之后|后|前后|左右)")
# the dates a due text may hold anywhere in it (2023年6月底前完成, 3个月内（2023年6月30日前）)
_DUE_SEARCHES = ((_YM_END, lambda m: _month_end(int(m[1]), int(m[2]))),
                 (_Y_END, lambda m: dt.date(int(m[1]), 12, 31)),
                 (_YMD, lambda m: _month_day(int(m[1]), int(m[2]), int(m[3]))),
                 (_HALF, lambda m: _month_end(int(m[1]), 6 if m[2] == "上" else 12)),
                 (_QUARTER, lambda m: _month_end(int(m[1]), 3 * _QUARTERS[m[2] or m[3]])),
                 (_Y_WITHIN, lambda m: dt.date(int(m[1]), 12, 31)))


def _after_feedback(text: str) -> DueText | None:
    """A time after the feedback (3个月内, 半个月内, 30天内, 两周内, 半年内), else None."""
    if _HALF_MONTH.match(text):  # 半个月内: 15 days, as 两周内 is 14
        return DueText("days", None, 15)
    if match := _AFTER.match(text):  # 半年内, 一年内: 6 or 12 months; 两周内: 14 days
        unit = match[2].removeprefix("个")
        count = (6 if unit == "年" else None) if match[1] == "半" else (
            int(match[1]) if match[1].isdigit() else _small_number(match[1]))
        if count and unit == "年" and match[1] != "半":
            count *= 12
        if count and unit in ("周", "星期"):
            count *= 7
        months = unit in ("月", "年")
        if count and count <= (60 if months else 1000):
            return DueText("months", count) if months else DueText("days", None, count)
    return None


def _due_of_parts(text: str) -> dt.date | DueText | None:
    """A due text made of parts: a fixed holiday, a date moved to another, a period from a month, a time from a
    day (see _FIXED_HOLIDAY, _MOVED, _DUE_PERIOD, _FROM_DAY); else None."""
    if holiday := _FIXED_HOLIDAY.fullmatch(text):
        month = _MONTH_BEFORE_HOLIDAY[holiday[2]]
        if holiday[1] is None:
            return DueText("no_year", month)
        return _checked(_month_end(int(holiday[1]) - (holiday[2] == "元旦"), month))
    if moved := _MOVED.search(text):
        rest, year = text[moved.end():].rstrip(")"), re.search(r"\d{4}(?=[年.\-/])", text[:moved.start()])
        if year and re.match(r"\d{1,2}月", rest):  # 延期至9月30日: the year of the date before
            rest = f"{year[0]}年{rest}"
        try:
            return to_due(rest)
        except CellError:
            return None
    if period := _DUE_PERIOD.match(text):
        try:
            start, end = to_due(period[1]), to_due(period[3] if period[4] else f"{period[2]}年{period[3]}")
            if isinstance(end, dt.date) and isinstance(start, dt.date) and end < start and not period[4]:
                end = to_due(f"{int(period[2]) + 1}年{period[3]}")  # 2023年12月上旬至1月: January next year
        except CellError:
            return None
        return end if isinstance(start, dt.date) and isinstance(end, dt.date) and end >= start else None
    if (begun := _FROM_DAY.match(text)) and _whole_date(begun[1]) and (after := _after_feedback(begun[2])):
        return _checked(after.resolve(to_date(begun[1])))
    return None


def to_due(value: object) -> dt.date | DueText | None:
    """A due date (整改时限): a date, or text a clerk writes instead (see DueText)."""
    if not isinstance(value, str):  # a date cell shown as its month alone (yyyy"年"m"月"): by its end, as 2023年6月
        day = to_date(value)
        return month_end(day) if isinstance(day, MonthAlone) else day
    text = zh_date_digits(contract.compact_text(value))
    if not text or text in NOT_REPORTED:
        return None
    if match := _TEN_DAYS_BY.fullmatch(text):  # 2023年6月中旬: by the end of that third of the month
        last = _month_end(int(match[1]), int(match[2]))
        return _checked(last if match[3] == "下" else last.replace(day=10 if match[3] == "上" else 20))
    try:
        period = to_range(text)
    except CellError:
        period = None
    if isinstance(period, DateRange) and period.end is not None:  # a period to rectify in (2023年3月1日至4月30日): its end
        return period.end
    try:
        day = to_date(text)
        # a month alone as a due date (2023年6月, 2023.6, 2023-06) is "by the end of June": its last day
        return month_end(day) if isinstance(day, MonthAlone) else day
    except CellError as exc:
        weekday = _WEEKDAY.search(text)
        if weekday and _whole_date(text[:weekday.start()]):  # a date and a weekday not its own: refused
            raise
        error = exc
    if (parts := _due_of_parts(text)) is not None:
        return parts
    try:
        found = [(_checked(make(match)), match, pattern in (_YM_END, _YMD))
                 for pattern, make in _DUE_SEARCHES for match in pattern.finditer(text)]
        if len(days := {day for day, _, by_day in found if by_day}) > 1:  # 原定2023年6月30日，2023年9月底前: which?
            written = "、".join(day.isoformat() for day in sorted(days))
            raise CellError(f"整改时限写了 {len(days)} 个不同的日期（{written}），无法判断是哪一个",
                            "请只填写一个整改时限；延期的写明“延期至”某日，或直接填写延期后的日期")
        if found:  # the first pattern's (2021年3月15日前，并在2021年内长效推进: the 15th)
            day, match, _ = found[0]
            if _NOT_BY.match(text[match.end():]):  # 2023年6月30日后: no deadline
                raise CellError(f"整改时限写的是「{text}」，不是完成的期限", "请写成 2021年6月30日前 这样的完成期限")
            return day
        if match := _YEAR_BY.fullmatch(text):
            return _checked(dt.date(int(match[1]), 6, 30) if match[2] else dt.date(int(match[1]), 12, 31))
        match = _YM_BY.fullmatch(text)
        if match:  # 2023年6月前, 2023年6月份, 2023.6之前: by the end of that month, as the month alone is
            return _checked(_month_end(int(match[1]), int(match[2])))
        match = _NO_YEAR_PART.fullmatch(text)
        if match:  # 二季度末, 第二季度, 上半年, 年中 without a year: as 6月底前 is
            return DueText("no_year", 6 if match[1] == "上" or match[3] else 12 if match[1] == "下" else 3 * _QUARTERS[match[2]])
        if match := _NEXT_YEAR.match(text):  # 明年6月底前, 次年3月31日前, 明年底前: the year after the feedback's
            rest = text[match.end():]
            if _NO_YEAR_END.match("年" + rest) or _Y_END.match("0000年" + rest):
                return DueText("next_year", 12)
            if found_next := _M_END.match(rest) or _MD.match(rest):
                _month_day(2000, int(found_next[1]), int(found_next[2]) if found_next.re is _MD else None)
                return DueText("next_year", int(found_next[1]), int(found_next[2]) if found_next.re is _MD else None)
        match = _M_END.match(text)
        if match:
            _month_end(2000, int(match[1]))  # a month that exists
            return DueText("no_year", int(match[1]))
        match = _MD.match(text)
        if match:
            _month_day(2000, int(match[1]), int(match[2]))
            return DueText("no_year", int(match[1]), int(match[2]))
    except ValueError:
        raise CellError("不是有效日期（月份或日期超出范围）") from None
    if after := _after_feedback(text):
        return after
    if _NO_YEAR_END.match(text):
        return DueText("no_year", 12)
    if text.removeprefix("已").startswith(_IMMEDIATE) or text in ("立即整改", "立改", "即时", "即时整改", "立即", "马上整改",
                                                                     "当即整改", "现场整改") \
            or _DURING.match(text):
        return DueText("immediate")
    if any(word in text for word in _LONG_TERM):
        return DueText("long_term")
    if holiday := _MOVING_HOLIDAY.search(text):  # 2024年春节前: its day moves from year to year
        raise CellError(f"{holiday[0]}的日期每年不同，无法确定整改时限是哪一天",
                        "请写成具体日期，如 2024年2月9日前 或 2024年1月底前")
    raise CellError(error.reason, "请写成 2021-06-30、2021年6月底前、立行立改 或 长期坚持")


_RANGE = re.compile(r"^(\d{4})" + _SEP + r"(\d{1,2})\s*(?:[月.\-/]\s*(\d{1,2})\s*日?)?"
                    r"\s*(?:至|到|—+|–|~|-{1,2}|－)\s*"
                    r"(?:(\d{4})" + _SEP + r")?(\d{1,2})\s*(?:[月.\-/]\s*(\d{1,2})\s*日?|(日))?$")


_NO_YEAR_RANGE = re.compile(r"^\d{1,2}月\d{1,2}[日号]?\s*(?:至|到|—+|–|~|-{1,2}|－)")
_COMPACT_RANGE = re.compile(r"^(\d{8})\s*(?:至|到|—+|–|~|-{1,2}|－)\s*(\d{8})$")
_HALF_YEAR = dt.timedelta(days=183)
# a period without its end (2022.3.1—, 2022年3月1日至今): the inspection is still under way
_OPEN_END = re.compile(r"^(.+?)\s*(?:至今|起至今|—+|–|-{1,2}|－|~)$")


# a period of months (2023年3月至4月, 2023年3—4月, 2023.3-4, 2023.3-2023.4), as a work plan states when a team was in:
# from the first day of its first month to the last day of its last, as 3月 alone is the 1st and 撤离 3月 its end
_MONTH_RANGE = re.compile(r"^(\d{4})\s*(年|[.\-/])\s*(\d{1,2})\s*(月?)\s*(至|到|—+|–|~|-{1,2}|－)\s*"
                          r"(?:(\d{4})\s*(?:年|[.\-/])\s*)?(\d{1,2})\s*(月?)份?$")


# a period from a day to a month (2023年3月1日至4月, 2023.3.1-2023.4): a team that went in on a day and left
# "in April" left by its end, as 撤离 2023年4月 after 进驻 in April is that month's last day
_DAY_TO_MONTH = re.compile(r"^(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*[日号]?\s*"
                           r"(?:至|到|—+|–|~|-{1,2}|－)\s*(?:(\d{4})\s*(年|[.\-/])\s*)?(\d{1,2})\s*(月?)份?(?:底|末)?$")


def _day_to_month(text: str) -> DateRange | None:
    match = _DAY_TO_MONTH.match(text)
    if not match or not (match[7] or (match[5] or "年") in ".-/"):  # 2023.3.1-4: the 4th or April, refused below
        return None
    try:
        start = _checked(dt.date(int(match[1]), int(match[2]), int(match[3])))
        end = _month_end(int(match[4] or match[1]), int(match[6]))
    except ValueError:
        raise CellError("不是有效日期（月份或日期超出范围）") from None
    if not match[4] and end < start and (wrapped := _month_end(start.year + 1, end.month)) - start <= _HALF_YEAR:
        end = wrapped  # 2022年12月20日至1月: January next year
    return DateRange(start, _checked(end)) if end >= start else None


def _month_range(text: str) -> DateRange | None:
    match = _MONTH_RANGE.match(text)
    if not match or (not (match[4] or match[6] or match[8]) and match[2] != "年" and match[2] in match[5]):
        return None  # 2023-3-4: a date, its separators all alike
    start_year, end_year = int(match[1]), int(match[6] or match[1])
    if not (1 <= int(match[3]) <= 12 and 1 <= int(match[7]) <= 12) or (end_year, int(match[7])) <= (start_year, int(match[3])):
        return None
    return DateRange(_checked(dt.date(start_year, int(match[3]), 1)), _checked(_month_end(end_year, int(match[7]))))


# the words a clerk writes around a period: 自 / 从 before it, 起 after its start (2023年3月1日起: from then, no
# end yet), 止 after its end, its length in brackets (自2023年3月1日起至3月31日止（共31天）)
_PERIOD_WORDS = re.compile(r"^(?:自|从)|(?<=[日号\d])起(?=\s*(?:至|到|—|–|~|-|－|$))"
                           r"|(?<=[日号\d底末月])止(?=\s*(?:\(共?\d+天\))?$)|(?<=[日号\d止])\s*\(共?\d+天\)$")


def to_range(value: object) -> dt.date | DateRange | None:
    """A date, or a range in one cell (2022年3月1日至4月4日, 2022.3.1-2022.4.4, 2022/3/1~2022/4/4). An end
    without a year takes the start's, or the next year's when its month is before the start's and the
    range is then at most half a year (2021年12月20日至1月15日); an end that is a day alone with its 日
    (2022年3月1日至20日) is in the start's month (2022.3.1-4 may mean April: refused)."""
    if not isinstance(value, str):
        return to_date(value)
    text = zh_date_digits(re.sub(r"(?<=\d)曰", "日", contract.normalise_text(value).strip()))
    text = _PERIOD_WORDS.sub("", text).strip() or text
    if (open_end := _OPEN_END.match(text)) and _whole_date(open_end[1]):
        return to_date(open_end[1])  # an inspection still under way: its start, no end yet
    if compact := _COMPACT_RANGE.match(text):  # 20220301-20220404
        start, end = to_date(compact[1]), to_date(compact[2])
        return DateRange(start, end)
    if months := _month_range(text) or _day_to_month(text):
        return months
    try:
        return to_date(text)
    except CellError as exc:
        if _NO_YEAR_RANGE.match(text):  # 3月1日至4月4日: the year is missing
            raise CellError(*NO_YEAR) from None
        match = _RANGE.match(text)
        day_alone = match and match[7] is not None and match[4] is None
        if not match or match[3] is None or (match[6] is None and not day_alone):
            raise CellError(exc.reason, exc.suggestion if exc.reason == NO_YEAR[0]
                            else "请写成 2022-03-01，或起止时间如 2022年3月1日至4月4日") from None
    year, month = int(match[1]), int(match[2])
    try:
        start = _checked(dt.date(year, month, int(match[3])))
        if day_alone:
            end = dt.date(year, month, int(match[5]))
        else:
            end = dt.date(int(match[4] or year), int(match[5]), int(match[6]))
            if not match[4] and end < start and (wrapped := end.replace(year=year + 1)) - start <= _HALF_YEAR:
                end = wrapped
        end = _checked(end)
    except ValueError:
        raise CellError("不是有效日期（月份或日期超出范围）") from None
    return DateRange(start, end)


def level_from_team(value: object) -> str:
    """A level read from a team's name, for a sheet without a level column."""
    team = contract.compact_text(str(value or ""))
    if not team:
        raise CellError("必填项为空")
    if re.search(r"(县|区|旗|县\(区\)|县区|区县|市辖区)委", team):
        return "county"
    # 市第3巡察组, 市巡察一组: no place before 市; 提级巡察组 as the level 提级 is (the contract's municipal)
    if team.startswith(("市委", "市级", "市第", "市巡察", "提级")):
        return "municipal"
    if "市委" in team:
        raise CellError("无法从巡察组名称判断巡察层级：「某市委」可能是县级市的县级巡察",
                        "请在表中增加“巡察层级”列（市级/县级）")
    raise CellError("无法从巡察组名称判断巡察层级", "请在表中增加“巡察层级”列（市级/县级）")


_NOTED_BOOL = re.compile(r"^(是|否|y|n)\(.+\)$")


def contract_false(value: object) -> bool:
    """A yes/no cell that says no (否, N, 0, ×)."""
    try:
        return to_bool(value) is False
    except CellError:
        return False


def to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    key = contract.compact_text(hide_personal(str(value or ""))).lower()
    if key in contract.BOOLEANS:
        return contract.BOOLEANS[key]
    if key in NONE_WORDS or key in NOT_REPORTED:  # 无, "/": no, as a blank is
        return False
    if noted := _NOTED_BOOL.match(key):  # 是（已脱贫）: the answer, a note beside it
        return contract.BOOLEANS[noted[1]]
    raise CellError("应填 是/否", "可填：是、否、Y、N、1、0、√、×", unknown=key)


def _vocabulary(value: object, mapping: dict[str, str], what: str, allowed: str) -> str:
    key = contract.compact_text(hide_personal(str(value))).lower()
    if key in mapping:
        return mapping[key]
    raise CellError(f"不是可识别的{what}", f"可填：{allowed}", unknown=key)


def to_level(value: object) -> str:
    if is_blank(value):
        raise CellError("必填项为空")
    try:
        return _vocabulary(value, contract.LEVELS, "巡察层级", "市级、市委、提级、县级、县区、县委、区委")
    except CellError:
        # with the suffix 巡察 or 巡察组, as modes are written (县级巡察 = 县级, 区委巡察 = 区委)
        key = re.sub(r"巡察组?$", "", contract.compact_text(str(value)).lower())
        if key in contract.LEVELS:
            return contract.LEVELS[key]
        raise


def to_mode(value: object) -> str:
    if is_blank(value):
        return contract.DEFAULT_MODE
    if mark := _tick(value):  # an unknown mode is kept as written, but a tick names none
        raise _tick_refused(mark, "巡察方式", "可填：" + "、".join(contract.MODES))
    return contract.normalise_mode(str(to_text(value)))


# a status written as a sentence: words of the vocabulary joined (整改完成，已销号 / 已整改、已销号 / 已整改（已销号）),
# a date beside them (已整改（2021年6月10日）) and a full stop at the end (已整改。)
_STATUS_JOINS = re.compile(r"[,，、;；/(]")
_STATUS_END = re.compile(r"[。.,，、;；!！]+$")
# the date a status was reached, written into it (2022年5月已整改, 已于2021年6月10日整改完成, 2021.6.10已销号)
_STATUS_DATE = re.compile(r"于?\d{4}(?:年\d{1,2}月(?:\d{1,2}[日号])?|[.\-/]\d{1,2}(?:[.\-/]\d{1,2})?)(?:之?前|底前|底)?")


# the share of the work done, written into a status (整改中（已完成60%）, 已完成整改80%, 进度100%): under 100%
# is in progress, 100% rectified
_PERCENT_DONE = re.compile(r"(?:已?完成(?:整改)?|整改|完成率|进度|整改进度|完成进度)?(\d{1,3}(?:\.\d+)?)%")


def _percent_state(match: re.Match) -> str:
    return "已完成" if float(match[1]) == 100 else "整改中" if float(match[1]) < 100 else match[0]


class RectifiedOn(str):
    """The status "rectified" read from a cell that says the day too (已整改（2023.5.10）, 2023年5月10日已整改完成):
    `on` is that day, the rectified_date of a row whose own column leaves it blank (importer/parse_rows.py,
    and parse_csv.py's status map)."""

    on: dt.date

    def __new__(cls, on: dt.date):
        status = super().__new__(cls, "rectified")
        status.on = on
        return status


def _rectified_on(state: str, text: str) -> str:
    """`state`, as RectifiedOn when it is rectified and `text` holds one whole date said as done on it
    (not one before which: 2023年6月底前)."""
    if state != "rectified":
        return state
    days = set()
    for match in _STATUS_DATE.finditer(text):
        written = match[0].removeprefix("于")
        if written.endswith(("前", "底")):
            return state
        if _whole_date(written):
            try:
                days.add(to_date(written))
            except CellError:
                return state
    return RectifiedOn(days.pop()) if len(days) == 1 else state


def to_status(value: object) -> str:
    if is_blank(value):
        return contract.DEFAULT_STATUS
    try:
        return _vocabulary(value, contract.STATUSES, "整改状态",
                           "已整改、已完成、已销号、整改中、推进中、未整改、长期坚持、长期整改、持续整改、基本完成")
    except CellError:
        # the same state said in every part (整改完成，已销号 = rectified); parts that disagree or a part
        # the vocabulary does not know leave the whole value refused as written
        text = _STATUS_END.sub("", contract.compact_text(hide_personal(str(value))).lower().replace(")", ""))
        text = _PERCENT_DONE.sub(_percent_state, text)
        parts = [part for part in (_STATUS_DATE.sub("", p) for p in _STATUS_JOINS.split(text))
                 if part and not _is_date(part)]
        states = {contract.STATUSES.get(part) for part in parts}
        if len(states) == 1 and None not in states:
            return _rectified_on(states.pop(), text)
        if stated := _stated_status(str(value)):
            return _rectified_on(stated, text)
        raise


# a status said in a sentence (已整改，建立了三会一课台账 / 经核查，该问题已整改到位 / 正在整改，预计6月底完成):
# the words that say each state; a negated one (尚未完成整改, 未销号) says not started and is read first
_NOT_STARTED_WORDS = re.compile(r"(?:尚未|暂未|还未|未|没有)(?:完成|整改|启动|开始|销号|落实)")
_STATE_WORDS = {
    "long_term": ("长期", "持续", "基本完成", "基本整改", "阶段性", "按序时", "按时序"),
    "rectified": ("已整改", "已完成", "已销号", "整改完成", "完成整改", "整改到位", "已办结", "整改完毕", "已落实整改",
                  "已立行立改"),
    "in_progress": ("整改中", "正在", "推进中", "部分整改"),
}
_SENTENCE_PARTS = re.compile(r"[,，、;；/(。\s]")


def _stated_status(text: str) -> str | None:
    """The one state a sentence says (its first phrase a status of the vocabulary, and nothing after it
    saying another; or the words of one state only), or None."""
    text = contract.compact_text(hide_personal(text)).lower().replace(")", "")
    first = next((p for p in (_STATUS_DATE.sub("", p) for p in _SENTENCE_PARTS.split(text)) if p), "")
    states = {"not_started"} if _NOT_STARTED_WORDS.search(text) else set()
    rest = _NOT_STARTED_WORDS.sub("", text)
    states |= {state for state, words in _STATE_WORDS.items() if any(w in rest for w in words)}
    lead = contract.STATUSES.get(first)
    if lead and states <= {lead}:
        return lead
    return states.pop() if len(states) == 1 and not lead else None


def to_status_text(value: object) -> str:
    """A rectification-progress column (整改进展情况, 整改落实情况) read as the status: the state its text
    says (to_status, else one stated in the sentence), else the default (整改中) — the column is a
    narrative of the work, and one that names no state is no refusal."""
    try:
        return to_status(value)
    except CellError:
        return contract.DEFAULT_STATUS


def _is_date(text: str) -> bool:
    """A part of a status cell that is a date (已整改（2021年6月10日）): said beside the status, not one."""
    if not any(ch.isdigit() for ch in text):
        return False
    try:
        return to_date(text) is not None
    except CellError:
        return False


def to_unit_type(value: object) -> str | None:
    if is_blank(value):
        return None
    try:
        return _vocabulary(value, contract.UNIT_TYPES, "对象类型", "村、社区、基层站所、两新组织、机关、国企、学校、其他")
    except CellError:
        # a kind of village or community (行政村, 城市社区), or its committee or party branch (村委会,
        # 居委会, 村党支部) as unit names are read: a village or a community
        name = contract.normalise_name(str(value))
        if name.endswith(("村", "社区")):
            return default_unit_type(name)
        raise


def default_unit_type(name: str) -> str:
    if name.endswith("社区"):
        return "社区"
    if name.endswith("村"):
        return "村"
    return "其他"


def default_unit_type_sql(name: str) -> str:
    """`default_unit_type` as SQL over the VARCHAR column `name`."""
    return f"CASE WHEN ends_with({name}, '社区') THEN '社区' WHEN ends_with({name}, '村') THEN '村' ELSE '其他' END"


# ---------------------------------------------------------------- the same, as SQL (large CSVs)

def _nfkc_stable(ch: str) -> bool:
    """A character that no NFKC normalisation, strip or whitespace removal changes, alone or next to
    another such character (no decomposition, not combining, not whitespace)."""
    return (unicodedata.normalize("NFKC", ch) == ch and not unicodedata.decomposition(ch)
            and unicodedata.combining(ch) == 0 and not ch.isspace() and ch.isprintable())


def char_class(chars: list[str]) -> str:
    """An RE2 character class body for these characters, as \\x{..} ranges."""
    codes = sorted(ord(c) for c in chars)
    runs, start = [], None
    for i, code in enumerate(codes):
        if start is None:
            start = code
        if i + 1 == len(codes) or codes[i + 1] != code + 1:
            runs.append(f"\\x{{{start:X}}}" if start == code else f"\\x{{{start:X}}}-\\x{{{code:X}}}")
            start = None
    return "".join(runs)


# ASCII, CJK ideographs and common CJK punctuation that NFKC leaves alone. A text cell made only of
# these (no space at either end) converts to itself: `to_text` need not see it, and a column of
# free text (a million distinct descriptions) is converted in SQL instead of one call per value.
PLAIN_CHARS = [c for c in map(chr, [*range(0x21, 0x7F), *range(0x2010, 0x2028), *range(0x3001, 0x3040),
                                     *range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xFF01, 0xFF5F)])
               if _nfkc_stable(c)]
_PLAIN = char_class(PLAIN_CHARS)
_PLAIN_OR_SPACE = _PLAIN + "\\x{20}"


def plain_sql(kind: str, column: str) -> str | None:
    """A SQL condition true when the converter of `kind` returns the cell unchanged, or None."""
    if kind in ("text", "code", "label"):
        pattern = f"^[{_PLAIN}]([{_PLAIN_OR_SPACE}]*[{_PLAIN}])?$"
    elif kind == "key":
        pattern = f"^[{_PLAIN}]+$"
    else:
        return None
    # an Excel error value (#REF!, Err:502) is not plain: its converter refuses it; nor is a code in
    # scientific notation, nor one after Excel's text mark ('3201...: its converter drops the mark)
    scientific = (f" AND NOT regexp_full_match({column}, '{_SCIENTIFIC.pattern}') "
                  f"AND NOT starts_with({column}, '''')" if kind == "code" else "")
    # nor a text that may hold an ID or phone number or a name after its role (hide_personal; a code keeps its digits)
    personal = f" AND NOT regexp_matches({column}, '{PERSONAL_SQL}')" if kind != "code" else ""
    return (f"(strlen({column}) <= {MAX_TEXT} AND regexp_full_match({column}, '{pattern}') "
            f"AND NOT regexp_matches({column}, '^(#|Err:)'){scientific}{personal})")


def _without_text_mark(convert):
    """`convert`, reading a number, date or code written after an apostrophe ('3, '2021-03-15, '3201...:
    Excel's mark for "keep as text", which a system writes into its CSV export) without it."""
    @functools.wraps(convert)
    def converter(value: object):
        if type(value) is str and value[:1] in "'‘’＇ " and (text := value.strip())[:1] in "'‘’＇" \
                and text[1:2].isdigit():
            value = text[1:]
        return convert(value)
    return converter


_MARKED = ("count", "money", "money_yuan", "date", "due", "range", "code")

CONVERTERS = {kind: _refusing_errors(_without_text_mark(convert) if kind in _MARKED else convert)
              for kind, convert in {
    "text": to_text,
    "label": to_label,
    "category": to_category,
    "subcategory": to_subcategory,
    "code": to_code,
    "key": to_key,
    "name": to_name,
    "count": to_count,
    "money": to_money,
    "date": to_date,
    "due": to_due,
    "range": to_range,
    "money_yuan": to_money_yuan,
    "bool": to_bool,
    "level": to_level,
    "mode": to_mode,
    "status": to_status,
    "status_text": to_status_text,
    "unit_type": to_unit_type,
}.items()}
