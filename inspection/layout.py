"""The layout of a real ledger around its table: header blocks over several rows, merged cells,
summary, note and section rows (DATA_CONTRACT.md, "Real ledgers: layouts and values").

Nothing here converts a value; it says where the header is, what each column is called, and what
kind each row is.
"""

from __future__ import annotations

import datetime as dt
import re

from . import cells, contract

MAX_HEADER_ROWS = 3  # a header over two or three rows


def fill_merged(rows: list[list[object]], ranges) -> int:
    """Give every cell of each merged range the value of its top-left cell (in place); returns the
    number of cells filled. `ranges`: ((first_row, first_col), (last_row, last_col)), 0-based.
    A covered cell may still hold a value of its own (LibreOffice keeps the hidden cells' contents
    when asked to, a program writes them): Excel and LibreOffice show the first cell's value over the
    whole range, so that is what the clerk sees and what is read."""
    filled = 0
    for (r0, c0), (r1, c1) in ranges or ():
        if r0 >= len(rows):
            continue
        top = rows[r0]
        value = top[c0] if c0 < len(top) else None
        if cells.is_blank(value):
            continue
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0) and row[c] != value:
                    row[c] = value
                    filled += 1
    return filled


_DATE_LIKE = re.compile(r"\s*\d{4}\s*[-/.年]")


def _header_texts(row: list[object]) -> list[str]:
    return [contract.normalise_header(c) if not cells.is_blank(c) else "" for c in row]


def _is_number(cell: object) -> bool:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return True
    return isinstance(cell, str) and bool(re.fullmatch(r"\s*\d+(\.\d+)?\s*", cell))


def known_header(text: str, known: frozenset[str] | set[str] = contract.ALL_HEADERS) -> bool:
    return text in known or text in DROPPED_HEADERS


DROPPED_HEADERS = {contract.normalise_header(h) for h in contract.SERIAL_HEADERS + contract.PERSON_HEADERS}


_PERSON_WORDS = tuple(contract.normalise_header(h) for h in contract.PERSON_HEADERS)


def confidential_kind(text: str) -> str | None:
    """'person' (a column of people's names: the contract's person headers, or a header holding one,
    整改责任人及电话, 责任领导(签字), or naming people otherwise, 被处分人, 当事人, 书记姓名), 'contact' (ID and
    phone numbers), 'clue' (clue details: 线索内容, 问题线索具体情况), or None. A header that counts them
    (被处分人数, 线索条数) is none: a figure, not a name."""
    if any(word in text for word in _PERSON_WORDS):
        return "person"
    if text.endswith(contract.COUNT_ENDINGS):
        return None
    for kind, words in (("person", contract.PERSON_WORDS), ("contact", contract.CONTACT_WORDS),
                        ("clue", contract.CLUE_WORDS)):
        if any(word in text for word in words):
            return kind
    return None


def is_person_header(text: str) -> bool:
    """A column never read: it names people, reaches them or holds clue details (`confidential_kind`)."""
    return confidential_kind(text) is not None


def is_person_cell(cell: object) -> bool:
    """A cell that reads as a person column's header (联系人, 整改责任人及电话): short text, so that a
    title or a description that mentions 责任人 is none."""
    if not isinstance(cell, str):
        return False
    text = contract.normalise_header(cell)
    return 0 < len(text) <= 12 and is_person_header(text)


def _sheet_name(name: str) -> str:
    return compact(name).lower()


def is_example_sheet(name: str) -> bool:
    """A sheet named as an import template's example (填写示例, 样例, 填表说明)."""
    return any(word in _sheet_name(name) for word in contract.EXAMPLE_SHEETS)


def is_statistics_sheet(name: str, headers: list[str]) -> bool:
    """A sheet named as a statistics sheet (统计, 汇总表, 数据透视), or headed by a pivot table's captions
    (求和项:发现问题数): figures by area, not records (the caller checks that it has no unit column)."""
    return (any(word in _sheet_name(name) for word in contract.STATISTICS_SHEETS)
            or any(word in contract.normalise_header(h) for h in headers if h for word in contract.PIVOT_CAPTIONS))


def is_serial_header(text: str) -> bool:
    return text in {contract.normalise_header(h) for h in contract.SERIAL_HEADERS}


def _names_columns(below: list[object], above: list[object], known) -> bool:
    """Whether a row under a header row names a column: a known name under a blank cell, under the same
    name (a header merged down over both rows) or under a group's title. A known name under another known
    header is a record's value (贫困村 under 是否贫困村, 东城区 under 县区): the row is the first record."""
    over = _header_texts(above)
    for i, text in enumerate(_header_texts(below)):
        if text and known_header(text, known):
            up = over[i] if i < len(over) else ""
            group = up in over[i - 1:i] + over[i + 1:i + 2]  # a title merged across (整改情况 over 整改时限)
            if not up or up == text or not known_header(up, known) or group:
                return True
    return False


def find_header(rows: list[list[object]], known: frozenset[str] | set[str] = contract.ALL_HEADERS,
                ) -> tuple[int, list[str], list[str]] | None:
    """(index of the header's lowest row, normalised header per column, header as written per column).

    The header row is the row of the first MAX_TITLE_ROWS + 1 with most known header names (at least
    two). A row right below it that names more columns (and holds no numbers) is part of the header
    (a group header over its own headers). Each column is named by its lowest header cell that is a
    known name, else by the cells above it joined, else by its lowest non-blank cell. A row of units
    (个 / 件 / 万元) or of column numbers (甲 乙 1 2 3 …) right below the header, as statistical forms
    print them, belongs to the header too (it names no column): the index returned is then its own."""
    best: tuple[int, int] | None = None
    for index, row in enumerate(rows[: contract.MAX_TITLE_ROWS + 1]):
        hits = sum(1 for h in _header_texts(row) if h in known)
        if hits >= 2 and (best is None or hits > best[0]):
            best = (hits, index)
    if best is None:
        return None
    top = bottom = best[1]
    while bottom + 1 < len(rows) and bottom + 1 - top < MAX_HEADER_ROWS:
        below = rows[bottom + 1]
        if any(_is_number(c) or not isinstance(c, (str, type(None))) or _DATE_LIKE.match(str(c)) for c in below):
            break
        if not _names_columns(below, rows[bottom], known):
            break
        bottom += 1
    first = max(0, bottom - MAX_HEADER_ROWS + 1)
    block = [rows[i] for i in range(first, bottom + 1)]
    width = max(len(r) for r in block)
    headers, written, stacks, units = [], [], [], []
    for col in range(width):
        stack = [r[col] if col < len(r) else None for r in block]  # top to bottom
        # a unit below the header's top row (个 in a units row the label cells were merged down into)
        texts = [t if first + i <= top or not _is_unit(t) else "" for i, t in enumerate(_header_texts(stack))]
        units.append([_unit_of(compact(c)) for i, c in enumerate(stack)
                      if first + i > top and not cells.is_blank(c) and _is_unit(compact(c))])
        stacks.append((texts, stack))
        chosen = None
        for i in range(len(stack) - 1, -1, -1):  # the lowest known name
            if texts[i] and known_header(texts[i], known):
                chosen = i
                break
        if chosen is not None:
            headers.append(texts[chosen])
            written.append(re.sub(r"\s+", "", str(stack[chosen])))
            continue
        # the cells above joined (distinct, top to bottom): 巡察 / 时间 = 巡察时间
        parts = []
        for text in texts:
            if text and text not in parts:
                parts.append(text)
        joined = "".join(parts)
        lowest = next((i for i in range(len(stack) - 1, -1, -1) if texts[i]), None)
        if joined and known_header(joined, known) and len(parts) > 1:
            headers.append(joined)
            written.append(joined)
        elif lowest is not None and first + lowest >= top:  # not a title above the header
            headers.append(texts[lowest])
            written.append(re.sub(r"\s+", "", str(stack[lowest])))
        else:  # only a title above: no header
            headers.append("")
            written.append("")
    _split_breakdowns(headers, written, stacks, known)
    for _ in range(2):  # a units row, a column-numbers row, or both
        if bottom + 1 < len(rows) and (units_row(rows[bottom + 1]) or column_numbers_row(rows[bottom + 1])):
            bottom += 1
            if units_row(rows[bottom]):
                for col, cell in enumerate(rows[bottom][:width]):
                    if not cells.is_blank(cell):
                        units[col].append(_unit_of(compact(cell)))
    _in_yuan(headers, written, units)
    return bottom, headers, written


# a sub-column under a figure's group header that holds the figure itself (发现问题数 over 合计 / 其中：…)
_TOTALS = frozenset({"合计", "小计", "总计", "总数", "合计数", "共计", "计", "总", "数量", "数", "人数", "个数", "件数",
                     "条数", "总人数", "总件数"})


def _named_parts() -> dict[str, dict[str, str]]:
    """header (normalised) -> {its sub-column's own text -> the header of the field it is}."""
    out = {}
    for (table, name), fields in contract.HEADER_PARTS.items():
        table = next(t for t in contract.TABLES if t.name == table)
        parts = {contract.normalise_header(word): contract.normalise_header(table.field(part).headers[0])
                 for part, words in fields.items() for word in words}
        for header in table.field(name).headers:
            out[contract.normalise_header(header)] = parts
    return out


_NAMED_PARTS = _named_parts()
# the headers of counts and amounts (any table): the figures a breakdown's part must not stand in for
_FIGURE_HEADERS = frozenset(contract.normalise_header(h) for t in contract.TABLES for f in t.fields
                            if f.kind in ("count", "money") for h in f.headers)


def _split_breakdowns(headers: list[str], written: list[str], stacks: list[tuple[list[str], list[object]]],
                      known) -> None:
    """A figure's header over several sub-columns (发现问题数 merged, or written once, over 合计 / 其中：党的建设
    / 其中：廉洁, or over 党纪处分 / 政务处分): the sub-column that says it is the total (合计, 小计, 总数…) is
    the figure; the others are parts of it, named by the header and their own cell joined (a column no field
    knows: listed as ignored, and a mapping can name it). With no total sub-column none of them is the
    figure: taking the first part would store a part as the whole. A period's header (巡察时间) over 起 /
    止 or 开始 / 结束 names its start and end columns."""
    for col, header in enumerate(headers):
        parts = _NAMED_PARTS.get(header)
        if parts:
            texts, stack = stacks[col]
            level = texts.index(header) if header in texts else len(texts)
            below = [compact(c) for c in stack[level + 1:] if not cells.is_blank(c) and compact(c) != header]
            if len(below) == 1 and below[0] in parts:
                headers[col] = parts[below[0]]
                written[col] = written[col] + below[0]
    col = 0
    while col < len(headers):
        texts, _ = stacks[col]
        level = _level_of(texts, headers[col])
        if level is None or headers[col] not in _FIGURE_HEADERS or not _below(texts, level):
            col += 1
            continue
        group = [col]
        while group[-1] + 1 < len(headers):
            nxt_texts, _ = stacks[group[-1] + 1]
            same = nxt_texts[level] == headers[col]
            open_top = not nxt_texts[level] and not known_header(headers[group[-1] + 1], known)
            if not (same or open_top) or not _below(nxt_texts, level):
                break
            group.append(group[-1] + 1)
        if len(group) > 1:
            title, shown = headers[col], written[col]
            totals = [c for c in group if "".join(_below(stacks[c][0], level)) in _TOTALS]
            for c in group:
                if len(totals) == 1 and c == totals[0]:
                    headers[c], written[c] = title, shown
                else:
                    parts = _below(stacks[c][0], level)
                    headers[c] = title + "".join(parts)
                    written[c] = shown + "".join(re.sub(r"\s+", "", str(v)) for v in stacks[c][1][level + 1:]
                                                 if not cells.is_blank(v) and contract.normalise_header(v) in parts)
        col = group[-1] + 1
    _split_groups(headers, written, stacks)


def _split_groups(headers: list[str], written: list[str], stacks: list[tuple[list[str], list[object]]]) -> None:
    """A header name the contract knows written over several columns that each have a name of their own
    below it (整改情况 over 整改措施 / 整改时限 / 整改进展情况): a group's title, not the field of each column
    under it (which would read 整改措施 as the status). Each such column is named by its own lowest cell;
    one the contract does not know is listed as ignored (or read as the progress told in sentences)."""
    spans = []
    for col, header in enumerate(headers):
        texts, _ = stacks[col]
        level = _level_of(texts, header)
        if header in _FIGURE_HEADERS or header in _NAMED_PARTS or level is None or not _below(texts, level):
            continue  # a figure's breakdown, or a field's own parts (问题类别 over 一级 / 二级): named above
        beside = [stacks[c][0] for c in (col - 1, col + 1) if 0 <= c < len(headers)]
        if any(t[level] == header for t in beside) or (  # merged across, or written once over blanks
                col + 1 < len(headers) and not stacks[col + 1][0][level] and _below(stacks[col + 1][0], level)):
            spans.append((col, level))
    for col, level in spans:
        texts, stack = stacks[col]
        lowest = max(i for i in range(level + 1, len(texts)) if texts[i] and texts[i] != texts[level])
        headers[col], written[col] = texts[lowest], re.sub(r"\s+", "", str(stack[lowest]))


def _level_of(texts: list[str], header: str) -> int | None:
    """The header row (from the top) where a column's stacked header texts first name `header`."""
    return next((i for i, t in enumerate(texts) if t and t == header), None)


def _below(texts: list[str], level: int) -> list[str]:
    """The distinct header texts of a column below row `level` (a sub-column's own name)."""
    parts: list[str] = []
    for text in texts[level + 1:]:
        if text and text != texts[level] and text not in parts:
            parts.append(text)
    return parts


# what a statistical form writes under its header for each column's unit: 个, （件）, 单位：万元
_UNITS = frozenset({"个", "人", "条", "件", "项", "起", "次", "人次", "户", "名", "家", "笔", "元", "万元", "%", "天", "份",
                    "处", "个数", "人数", "单位", "计量单位"})
_FORM_LABELS = frozenset("甲乙丙丁戊己庚辛壬癸") | {"栏次", "栏号", "列号"}


def _unit_of(text: str) -> str:
    """The unit a header cell (normalised) names: 个 for 个, (个) or 单位:个."""
    return re.sub(r"^(计量)?单位[:]?", "", text.strip("()")).strip("()") or "单位"


def _is_unit(text: str) -> bool:
    """A header cell (normalised) that is only a unit: 个, (件), 单位:万元."""
    return _unit_of(text) in _UNITS


def _in_yuan(headers: list[str], written: list[str], units: list[list[str]]) -> None:
    """A column whose unit, printed under its header (a units row, or a unit cell of the header block),
    is 元: its header as written says so, (元), as a header in 元 does (the amount is divided by 10,000)."""
    for col, found in enumerate(units):
        if col < len(written) and written[col] and "元" in found and "万元" not in found \
                and _own_money_unit(written[col]) is None:
            written[col] += "(元)"


def units_row(row: list[object]) -> bool:
    """A row of units under a header (个 / 件 / 人 / 万元, 单位：个): every filled cell a unit, one at least."""
    filled = [c for c in row if not cells.is_blank(c)]
    # as written (a header's normalisation would drop a bracketed unit: （个） is no header text)
    return bool(filled) and all(type(c) is str and _is_unit(compact(c)) for c in filled)


def column_numbers_row(row: list[object]) -> bool:
    """The row of column numbers a statistical form prints under its header (栏次: 甲 乙 1 2 3 …): labels
    (甲, 乙, A, B, 栏次) and then three consecutive numbers at least, nothing else."""
    numbers, labels = [], True
    for cell in row:
        if cells.is_blank(cell):
            continue
        if _is_number(cell) and float(cell) == int(float(cell)):
            numbers.append(int(float(cell)))
            labels = False
        elif labels and type(cell) is str and (contract.normalise_text(cell) in _FORM_LABELS
                                                or re.fullmatch(r"[A-Z]", contract.normalise_text(cell))):
            continue
        else:
            return False
    return len(numbers) >= 3 and all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False))


# ---------------------------------------------------------------- rows

_SUMMARY = re.compile(r"合计|总计|小计")
# 共计 / 累计 (in all) label a total row too when they end its label (城关镇共计, 累计：); inside a longer
# text (共计违规发放3万元) they are a description's words
_SUMMARY_END = re.compile(r".{0,12}(?:共计|累计)[:：]?")


# the same in English, as an office's template or Excel's total row (插入 > 表格, 汇总行) writes it: Total,
# Sum, Subtotal, Sub-total, Grand total, Totals, alone or after a place (城关镇 Subtotal, Total: 12)
_ENGLISH_HINT = re.compile(r"(?i)total|sum")
ENGLISH_HINT_SQL = _ENGLISH_HINT.pattern  # the vectorised CSV path's test (RE2 reads it alike)
_ENGLISH_TOTAL = re.compile(r"(?:.{0,12}?[^\x00-\x7f\s]\s*)?(?:grand\s*|sub-?\s*)?(?:totals?|sum)(?:\s*:\s*[\d.,]*)?")


def _summary_label(text: str) -> bool:
    return bool(_SUMMARY.search(text) or _SUMMARY_END.fullmatch(text))


def _english_total(cell: str) -> bool:
    # after a place written in Chinese (城关镇 Subtotal), never after a formula's mark (@SUM(A1:A9), =SUM)
    return bool(_ENGLISH_HINT.search(cell) and _ENGLISH_TOTAL.fullmatch(contract.normalise_text(cell).lower()))
_SECTION_STYLES = (
    re.compile(r"^([一二三四五六七八九十百]+)\s*[、.．]\s*(.+)$"),  # 一、
    re.compile(r"^[(]\s*([一二三四五六七八九十百]+)\s*[)]\s*[、.．]?\s*(.+)$"),  # （一）
    re.compile(r"^(\d{1,2})\s*[、.．](?!\d)\s*(.+)$"),  # 1.
    re.compile(r"^[(]\s*(\d{1,2})\s*[)]\s*[、.．]?\s*(.+)$"),  # （1）
)
_BARE_NUMBER = (
    re.compile(r"^[一二三四五六七八九十百]+[、.．]?$"),
    re.compile(r"^[(][一二三四五六七八九十百]+[)]$"),
    re.compile(r"^\d{1,2}[、.．]$"),
    re.compile(r"^[(]\d{1,2}[)]$"),
)


def compact(cell: object) -> str:
    """A cell's text as the layout rules compare it: normalised (contract.normalise_text), no blanks."""
    return contract.compact_text(str(cell))


def section_heading(row: list[object]) -> tuple[int, str] | None:
    """(style, title) for a numbered heading row (一、… / （二）… / 1. … / （1）…) with only its first one
    or two cells filled; style 0 is 一、, 1 （一）, 2 1., 3 （1）."""
    filled = [i for i, c in enumerate(row) if not cells.is_blank(c)]
    if not filled or filled[0] > 1:
        return None
    values = []
    for i in filled:
        text = contract.normalise_text(str(row[i])).strip()
        if text not in values:  # a heading merged across the row repeats one value
            values.append(text)
    if len(values) > 2 or any(not isinstance(row[i], str) for i in filled):
        return None
    if len(values) == 2:
        if not any(p.match(compact(values[0])) for p in _BARE_NUMBER):
            return None
        number = compact(values[0])
        text = number + values[1] if number.endswith(("、", ".", "．", ")")) else number + "、" + values[1]
    else:
        text = values[0]
    text = contract.normalise_text(text)
    for style, pattern in enumerate(_SECTION_STYLES):
        match = pattern.match(text)
        if match:
            title = cells.hide_personal(match.group(2)).strip()  # 班子建设方面（责任领导：王某某）: the category
            if not title or _SUMMARY.search(title):
                return None
            return style, title
    return None


def place_heading(row: list[object]) -> tuple[str, str] | None:
    """("township" or "district", its name) for a heading naming one: numbered (一、城关镇, （二）河口乡,
    一、东城区: its last characters are a township's or a district's suffix), or the place alone in the row's
    first cells or merged across it (城关镇, 城关镇：, 乡镇：城关镇: a block of a sheet stacking townships).
    A note in brackets after the name (城关镇（共5个村）, 一、城关镇（3个）) is no part of it. Else None."""
    heading = section_heading(row)
    title = heading[1] if heading is not None else _lone_text(row)
    if title is None:
        return None
    title = _PLACE_NOTE.sub("", compact(title))
    if (label := _PLACE_LABEL.match(title)) and contract.normalise_header(label.group(1)) in _PLACE_LABELS:
        title = label.group(2)  # 乡镇：城关镇
    for field, suffixes in (("township", contract.TOWNSHIP_SUFFIXES), ("district", contract.DISTRICT_SUFFIXES)):
        if any(title.endswith(s) and len(title) > len(s) for s in suffixes) and re.fullmatch(r"[\u4e00-\u9fff]+", title):
            district = _district_at_start(title) if field == "township" else None
            rest = title[len(district):] if district and title.startswith(district) else ""
            if len(rest) > 1 and rest.endswith(suffixes) and rest not in suffixes:
                title = rest  # 东城区城关镇: the township of its district
            return field, title
    return None


# a note after a heading's place (（共5个村）, (3个)) and a colon after it (城关镇：)
_PLACE_NOTE = re.compile(r"(?:[(][^()]*[)]|[:：])+$")
_PLACE_LABEL = re.compile(r"^([\u4e00-\u9fff()]{2,12})[:：](.+)$")
_PLACE_LABELS = frozenset(contract.normalise_header(h) for table in (contract.ROSTER, contract.INSPECTIONS)
                          for name in ("district", "township") for h in table.field(name).headers)


def _lone_text(row: list[object]) -> str | None:
    """The text of a row holding one value alone, in its first or second cell or merged across the row."""
    text = None
    for i, cell in enumerate(row):
        if cell is None or cell == "" or (type(cell) is str and cell.isspace()):
            continue
        if type(cell) is not str or (text is None and i > 1):
            return None
        if text is None:
            text = cell
        elif cell != text:
            return None
    return text


def category_title(title: str) -> str:
    """A first-level heading as a category: without a trailing 方面 / 方面问题 (and 存在的问题)."""
    text = re.sub(r"\s+", "", title)
    text = re.sub(r"[:：。]$", "", text)
    for suffix in ("方面存在的问题", "方面问题", "方面"):
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


_NOTE_FIRST = frozenset(m[0] for m in contract.NOTE_STARTS) | frozenset("（共第")
# a web system's export around its table: the count of records and the page (共 12 条记录, 第1页/共3页)
_EXPORT_FOOTER = re.compile(r"共\d+(?:条|项|行|个)(?:记录|数据)?|第\d+页(?:[/,]?共\d+页)?|共\d+页")


def note_kind(text: str) -> bool:
    return text.startswith(contract.NOTE_STARTS) or text in contract.NOTE_WHOLE or bool(
        text[:1] in "共第" and _EXPORT_FOOTER.fullmatch(text))


def row_kind(row: list[object], labels: tuple[int, ...] = ()) -> str:
    """'blank', 'summary' (合计/总计/小计 or Total/Subtotal/Sum in the first non-empty cell or a label column,
    or a label ending with 共计/累计, a first one
    ending with 汇总, a whole area 全县 / 全镇 alone in either), 'note'
    (填表人, 审核人, 说明, ... at the start of the first non-empty cell) or 'data'. Section headings
    are found by `section_heading`."""
    for first in row:
        if first is None or first == "" or (type(first) is str and first.isspace()):
            continue
        break
    else:
        return "blank"
    if type(first) is str:  # cheap tests first: this runs on every row
        if "计" in first and _summary_label(compact(first)):
            return "summary"
        if _english_total(first):
            return "summary"
        if "汇" in first and compact(first).endswith(contract.SUMMARY_ENDS):
            return "summary"
        if first.lstrip()[:1] in _NOTE_FIRST and note_kind(compact(first)):
            return "note"
        if first.lstrip()[:1] == "其" and compact(first).startswith(contract.SUMMARY_STARTS):
            return "summary"
        if "全" in first and compact(first) in contract.SUMMARY_WHOLE:
            return "summary"
    for col in labels:
        cell = row[col] if col < len(row) else None
        if type(cell) is str and (("计" in cell and _summary_label(compact(cell)))
                                  or ("全" in cell and compact(cell) in contract.SUMMARY_WHOLE) or _english_total(cell)):
            return "summary"
    return "data"


# a day written alone under a printed form (2023年5月1日, 二〇二三年五月一日, 2023-05-01), or its office's seal line
_DAY_ALONE = re.compile(r"(?:\d{4}年\d{1,2}月\d{1,2}日?|\d{4}([-./])\d{1,2}\1\d{1,2}|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月"
                        r"[一二三四五六七八九十]{1,3}日)")


def signature_alone(row: list[object]) -> bool:
    """A row holding one cell alone that is a day (the form's date under its table, without 填报日期：), a
    name of an office to be sealed (东城区委巡察办（盖章）), a page's 续表 mark or its number (- 1 -), alone or merged
    across the row: no record, a note. Cheap: stops at a second value."""
    alone = None
    for cell in row:
        if cell is None or cell == "" or (type(cell) is str and cell.isspace()):
            continue
        if alone is not None:
            if cell == alone:  # merged across the row
                continue
            return False
        alone = cell
    if isinstance(alone, dt.date):
        return True
    if type(alone) is not str:
        return False
    text = compact(alone)
    return bool(_DAY_ALONE.fullmatch(text) or _CONTINUED.fullmatch(text) or _PAGE_NUMBER.fullmatch(text)) \
        or text.endswith(("(盖章)", "(章)", "(公章)"))


# a printed page's number typed between its pages (- 1 -, —2—)
_PAGE_NUMBER = re.compile(r"[-—–－]+\d{1,4}[-—–－]+")


# a printed table's mark where a page goes on without its header again (续表, （续表）, 续上表, 接上表, 续表1)
_CONTINUED = re.compile(r"\(?(?:续表|续上表|接上表|续前表|上接)\d*\)?:?")


# a unit's count of issues written under them in the description's column (共2个问题, 小计：3条)
COUNT_LINE = re.compile(r"(?:共|合计|小计|计)?[:]?\d+(?:个|条|项|件)(?:问题)?")

# a roster's column of the natural villages (自然村, 村民小组) under each administrative village (the unit)
HAMLET_HEADERS = frozenset(contract.normalise_header(h) for h in (
    "自然村", "自然村名称", "自然村(组)", "自然村(村民小组)", "村民小组", "村民小组名称"))

# a cell saying "the same as the row above" (a form filled by hand, then typed in): that record's value
DITTO = frozenset({"同上", "〃", "仝上", "同上。", " 同上", "同上 ", "\u3000同上"})


KIND_LABELS = {"summary": "合计/小计行", "sums": "未写“合计”字样、各数字等于上方各条记录之和的合计行", "note": "表外说明行（填表人、审核人、说明、示例等）", "section": "分类标题行",
               "header": "重复的表头行", "title": "表头上方的分块标题行",
               "continued": "同一问题的续行（合并的问题描述、接续的描述或整改措施）",
               "hamlet": "同一行政村其他自然村的行（对象为行政村，只计一次）",
               "empty": "没有填写对象的模板空行（只有序号、预填的地区、轮次、0 或“否”等）"}


def skipped_message(where: str, skipped: dict[str, list[int]]) -> str | None:
    """One warning naming the skipped rows by number and kind, never by their text."""
    parts = []
    for kind in ("summary", "sums", "note", "section", "header", "title", "continued", "hamlet", "empty"):
        rows = skipped.get(kind) or []
        if rows:
            shown = "、".join(str(r) for r in rows[:20]) + ("…" if len(rows) > 20 else "")
            parts.append(f"{KIND_LABELS[kind]} {len(rows)} 行（第 {shown} 行）")
    return f"{where}：已跳过" + "；".join(parts) if parts else None


# ---------------------------------------------------------------- the round a sheet's name gives

# a workbook with one sheet per round (2021年第一轮, 第二轮巡察, 十四届县委第3轮): the name up to its 轮 / 批
_ROUND_NAME = re.compile(r"^(.{0,16}?第[0-9一二三四五六七八九十百]+[轮批])")


def round_from_sheet_name(name: str) -> str | None:
    """The round a sheet's name states (up to and with its 第…轮), or None. A bracket or quote before it
    (【2021年第一轮】, 东城区(2021年第一轮)) is not part of it."""
    match = _ROUND_NAME.match(compact(name)) if name else None
    return _OPENING.split(match[1])[-1] if match else None


_OPENING = re.compile(r"[(\[{<【〔〖《〈「『“‘\"']")


_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_number(text: str) -> str:
    """A number in Chinese numerals (九, 十四, 二十三, 一百零二) as digits."""
    total, digit = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        else:  # 十 / 百
            total += (digit or 1) * (10 if char == "十" else 100)
            digit = 0
    return str(total + digit)


_KEY_YEAR = re.compile(r"^\d{4}年")


def same_round(key: str, other: str) -> bool:
    """Two round keys (round_key) of one round: equal, or equal but for the year one of them leaves
    out (a sheet named 第一轮 beside 2021年第一轮)."""
    if key == other:
        return True
    return ((not _KEY_YEAR.match(key) or not _KEY_YEAR.match(other))
            and _KEY_YEAR.sub("", key) == _KEY_YEAR.sub("", other))


def round_without_prefix(key: str, short: str) -> bool:
    """Whether round key `short` is `key` without the year or the term before its 第N轮 (第5轮 of 14届县委第5轮)."""
    return short.startswith("第") and key.endswith(short) and key != short


def round_key(label: str) -> str:
    """A round's label with how it is written set aside: spaces, full-width characters, numerals in
    Chinese or in digits (第一轮 = 第1轮, 十四届 = 14届) and a trailing 巡察. Two labels with the same key
    are the same round written two ways (the import warns: it keeps labels as written)."""
    import unicodedata

    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(label)))
    text = re.sub(r"(巡察|巡查)$", "", text)
    # the year in Chinese numerals (二〇二一年), 年度 for 年, the year without 年 or the round without 第
    # (2021第一轮, 2021年一轮)
    text = re.sub(r"[〇○零一二三四五六七八九]{4}(?=年)", lambda m: "".join(_YEAR_DIGITS[c] for c in m[0]), text)
    # the year after the round in brackets (第1轮（2023）), or with two digits (23年1轮); 第 before a term
    # (第十四届区委第三轮 = 十四届区委第三轮)
    text = re.sub(r"^(第?[〇零一二两三四五六七八九十百\d]+[轮批])\((\d{4})年?度?\)$", r"\2年\1", text)
    text = re.sub(r"^(\d{2})年(?=第?[〇零一二两三四五六七八九十百\d]+[轮批])", r"20\1年", text)
    text = re.sub(r"^第(?=[一二三四五六七八九十百\d]+届)", "", text)
    text = re.sub(r"^(\d{4})年度", r"\1年", text)
    text = re.sub(r"^(\d{4})(?=第)", r"\1年", text)
    text = re.sub(r"^(\d{4})年(?=[〇零一二两三四五六七八九十百\d]+[轮批])", r"\1年第", text)
    text = re.sub(r"^(?=[〇零一二两三四五六七八九十百\d]+[轮批]$)", "第", text)  # 三轮 for 第三轮
    return re.sub(r"[〇零一二两三四五六七八九十百]+", lambda m: _cn_number(m[0]), text)


_YEAR_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}


# a round named inside a title or a file name (东城区委2021年第一轮巡察反馈问题整改台账): 第…轮 with the year or
# the term (十四届区委) right before it, nothing else of the text
_ROUND_IN_TEXT = re.compile(r"(?:\d{4}年度?|[一二三四五六七八九十]+届(?:市委|县委|区委|旗委|州委|盟委)?)?"
                            r"第[0-9一二三四五六七八九十百]+[轮批]")


def round_in_text(text: object) -> str | None:
    """The round a title row or a file name states, or None."""
    if type(text) is not str or "第" not in text:
        return None
    match = _ROUND_IN_TEXT.search(compact(text))
    return match[0] if match else None


def round_from_titles(rows: list[list[object]]) -> str | None:
    """The round the title rows above a header state (the first one found), or None. A note row
    (填报单位：…) states none."""
    for row in rows:
        first = next((c for c in row if not cells.is_blank(c)), None)
        if type(first) is str and note_kind(compact(first)):
            continue
        for cell in row:
            if found := round_in_text(cell):
                return found
    return None


# a date or a period written without its year: 3.1, 3月1日, 3/1, 3.1-4.4, 3月1日至4月4日
_YEARLESS = re.compile(r"^\d{1,2}\s*[月./]\s*\d{1,2}(?!\d)")
_ROUND_YEAR = re.compile(r"^(\d{4})年")


def yearless_date(cell: object) -> bool:
    """A date or a period without a year anywhere (3/15/2021 has its year last: not this)."""
    text = contract.normalise_text(cell) if type(cell) is str else ""
    return bool(_YEARLESS.match(text)) and not re.search(r"\d{3}", text)


def in_year(cell: str, year: int) -> str:
    """A date or a period without its year (yearless_date) written with `year` before it."""
    text = contract.normalise_text(cell)
    return f"{year}{'年' if '月' in text else '.'}{text}"


def round_year(label: object) -> int | None:
    """The year a round's label states (2022年第一轮, 2022年度第1轮, 二〇二二年第一轮, 22年1轮), or None."""
    match = _ROUND_YEAR.match(round_key(label)) if type(label) is str else None
    return int(match[1]) if match else None


# ---------------------------------------------------------------- the district a title states

# a title that starts with its place (临颍县2023年村级巡察问题台账, 漯河市临颍县…, 中共临颍县委巡察办…,
# 2023年临颍县…): the places in a row at its start, each a name and its suffix; the last is the lowest
_TITLE_START = re.compile(r"^(?:中共)?(?:\d{4}年度?)?")
_TITLE_PLACE = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:省|自治州|州|盟|地区|自治县|自治旗|县|区|市|旗))(?:委)?")
# words ending so that are no district (城关镇社区, 片区, 辖区) or that are one alone (城区, 全县, 本区)
_NOT_A_DISTRICT_END = ("社区", "小区", "片区", "辖区")
_NOT_A_DISTRICT = frozenset({"城区", "市区", "地区", "全区", "全县", "全市", "全旗", "本区", "本县", "本市", "各区", "各县",
                             "辖区", "该区", "该县"})


def district_from_titles(rows: list[list[object]]) -> str | None:
    """The district (county) the title rows above a header start with (临颍县2023年村级巡察问题台账,
    填报单位：临颍县委巡察办), the first row that names one; None when none does or a row names two side by
    side (临颍县、舞阳县…: never a guess between them)."""
    for row in rows:
        first = next((c for c in row if not cells.is_blank(c)), None)
        if type(first) is not str:
            continue
        text = compact(first)
        if note_kind(text):
            if not text.startswith(("填报单位", "单位")) or ":" not in text:
                continue
            text = text.split(":", 1)[1]
        found = _district_at_start(text)
        if found:
            return found
    return None


def _district_at_start(text: str) -> str | None:
    rest, places = _TITLE_START.sub("", text, count=1), []
    while match := _TITLE_PLACE.match(rest):
        if match[1].endswith(_NOT_A_DISTRICT_END) or match[1] in _NOT_A_DISTRICT or len(places) > 3:
            break
        places.append(match[1])
        rest = rest[match.end():]
    if not places or not places[-1].endswith(contract.DISTRICT_SUFFIXES) or rest[:1] in ("、", ",", "和", "及", "与"):
        return None  # a province, prefecture or 盟 alone names no county; 临颍县、舞阳县 two
    return places[-1]


def township_from_titles(rows: list[list[object]]) -> str | None:
    """The township (乡镇街道) a title row above a header names, after its district if any (城关镇村（社区）名册,
    东城区城关镇巡察问题清单, 2021年河口乡巡察情况), the first row that names one; None when none does, a row names
    two (城关镇、河口镇…) or the word is no township's (乡镇村名册, 各乡镇, 全镇)."""
    for row in rows:
        first = next((c for c in row if not cells.is_blank(c)), None)
        if type(first) is not str or note_kind(text := compact(first)):
            continue
        text = _TITLE_START.sub("", text, count=1)
        district = _district_at_start(text)
        if district and (at := text.find(district)) >= 0:
            text = _TITLE_START.sub("", text[at + len(district):].removeprefix("委"), count=1)
        match = _TITLE_TOWNSHIP.match(text)
        if match and match[1] not in _NOT_A_TOWNSHIP and "乡镇" not in match[1] and not match[1].startswith(
                ("各", "全", "本", "所", "辖")):
            return match[1]
    return None


# a township at a title's start, followed by what a title goes on with (村（社区）名册, 巡察问题清单, 2021年…):
# never by another place (城关镇、河口镇) or the rest of a word (乡镇)
_TITLE_TOWNSHIP = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:街道办事处|街道|镇|乡))(?:党委|人民政府|政府)?"
                             r"(?=村|社区|行政村|各|所辖|辖|巡察|问题|整改|名册|名单|对象|基本情况|\d|第|\()")
_NOT_A_TOWNSHIP = frozenset({"乡镇", "城镇", "村镇", "城乡", "乡", "镇", "街道"})


# ---------------------------------------------------------------- the unit a ledger states

# 单位：元, 金额单位：元, 单位：个、元 (a title row or the units row of a statistical form); 填报单位：元宝区委巡察办
# names no unit (元 must stand alone between separators)
_STATED_UNIT = re.compile(r"单位[:]([^:]*)")


def stated_money_unit(rows: list[list[object]]) -> str | None:
    """'元' when the rows above a table's data state that its amounts are in 元 (单位：元) and none says
    万元; else None (amounts in 万元, the contract's unit, or a column's own)."""
    found = set()
    for row in rows:
        for cell in row:
            if not isinstance(cell, str) or "单位" not in cell:
                continue
            for match in _STATED_UNIT.finditer(contract.normalise_text(cell)):
                words = set(re.split(r"[、,，;；/\s()]+", match.group(1)))
                found |= words & {"元", "万元"}
    return "元" if found == {"元"} else None


def in_yuan(header: str, stated: str | None) -> bool:
    """An amount column in 元: its header as written says so (追回资金（元）, （单位：元）), or the table's
    title rows do (`stated_money_unit`) and the header names no unit of its own."""
    own = _own_money_unit(header)
    return own == "元" if own else stated == "元"


def _own_money_unit(header: str) -> str | None:
    """The money unit a header names at its end, as written: 追回资金（元） / （单位：万元） -> 元 / 万元."""
    own = re.search(r"\((?:单位:?)?(万元|元)\)$", contract.normalise_text(header))
    return own[1] if own else None


# ---------------------------------------------------------------- the date a ledger states

# 统计截至：2026年11月15日, （截至2026年11月15日）, 数据截止日期: 2026-11-15, 截至2026年10月底 (its last day)
_STATED = re.compile(r"(?:统计|数据|填报)?截[至止](?:日期|时间)?[:：]?\s*(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*"
                     r"(?:[月.\-/]\s*(\d{1,2})\s*日?|月?\s*(?:份)?\s*(?:底|末)?)")


def stated_as_of(rows: list[list[object]]) -> dt.date | None:
    """The latest 统计截至 / 截至 date written in title rows (the rows above a header), or None.
    A month alone (截至2026年10月, 10月底) means its last day."""
    found = None
    for row in rows:
        for cell in row:
            if not isinstance(cell, str) or "截" not in cell:
                continue
            for match in _STATED.finditer(contract.normalise_text(cell)):
                year, month = int(match.group(1)), int(match.group(2))
                if not 1 <= month <= 12:
                    continue
                try:
                    if match.group(3):
                        day = dt.date(year, month, int(match.group(3)))
                    else:
                        day = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
                except ValueError:
                    continue
                if cells.MIN_DATE <= day <= cells.MAX_DATE and (found is None or day > found):
                    found = day
    return found


# ---------------------------------------------------------------- a group of columns per round

# the fields that place a record (县区, 乡镇, 村(社区), 对象编码, 轮次): a column group never runs over them
_PLACE_FIELDS = frozenset({"district", "township", "unit_name", "unit_code", "round"})


def column_groups(rows: list[list[object]], known: frozenset[str] | set[str] = contract.ALL_HEADERS,
                  ) -> tuple[int, list[tuple[str, int, int]]] | None:
    """A wide ledger: (the index of the row of group headings, [(heading as written, first column, last
    column)]) when a row of the header block names groups of columns (a cell merged over them, or, in
    a CSV saved from such a sheet, a cell followed by blanks) and the same headers repeat under two
    groups or more (2021年第一轮巡察 / 2022年第二轮巡察 over 巡察组 发现问题 … each); else None."""
    found = find_header(rows, known)
    if found is None:
        return None
    bottom, headers, _ = found
    for index in range(max(0, bottom - MAX_HEADER_ROWS + 1), bottom):
        groups = _groups_in(rows[index], headers, known)
        if len(groups) < 2:
            continue
        named = [{headers[c] for c in range(first, last + 1) if headers[c] and headers[c] in known}
                 for _, first, last in groups]
        if all(names & named[0] for names in named[1:]):
            return index, groups
    return None


def _groups_in(row: list[object], headers: list[str], known) -> list[tuple[str, int, int]]:
    """The column groups a header row's cells head: a text that is no column's name over the columns it
    is merged across (filled into each), or followed by blank cells (a CSV keeps a merged cell's first
    value only) up to the next filled cell or a column that places the record (县区, 村(社区))."""
    groups: list[list] = []  # [heading, first, last, by_blanks]
    open_group = None
    for col in range(len(headers)):
        cell = row[col] if col < len(row) else None
        text = "" if cells.is_blank(cell) else contract.normalise_header(cell)
        place = any(contract.HEADER_INDEX[t.name].get(headers[col]) in _PLACE_FIELDS for t in contract.TABLES)
        if text and not known_header(text, known):
            if open_group and not open_group[3] and open_group[2] == col - 1 and open_group[0] == str(cell).strip():
                open_group[2] = col  # the merged cell filled into each of its columns
            else:
                open_group = [str(cell).strip(), col, col, False]
                groups.append(open_group)
        elif not text and open_group and open_group[2] == col - 1 and headers[col] and not place \
                and (open_group[3] or open_group[1] == col - 1):
            open_group[2], open_group[3] = col, True
        else:
            open_group = None
    return [(heading, first, last) for heading, first, last, _ in groups if last > first or headers[first]]
