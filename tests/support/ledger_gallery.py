"""A gallery of real-shaped ledgers, built by code from text (no binary fixtures).

Each ledger exists twice: in the plain shape of the contract's three tables (`plain_files`), and as
offices keep it (`real_xlsx`, `real_csv`): a title and 填报单位 on top, a header over two rows with
group cells (巡察情况 over 轮次 / 巡察组 / 巡察时间), a serial-number column, districts and townships
merged down over their villages (.xlsx) or written on every row (CSV, GBK), no level column (the
team's name says it), 城关镇小计 / 全县合计 rows, 填表人 / 审核人 notes at the bottom, counts written
5个, "/" and 无, money in 元, 村委会 / 居委会 names, a 整改责任人 column, and an issue list grouped
under 一、… / （一）… headings with due dates written 立行立改, 2021年6月底前, 6月底前, 年底前, 长期坚持.
Both shapes hold the same records, so they must give the same figures.
"""

from __future__ import annotations

import datetime as dt
import io

from inspection.importer import InputFile
from support.ledgers import csv_bytes, ods_package, table

# People named in the real ledgers (整改责任人, 填表人, 审核人): never stored, shown or exported.
NAMES = ("王某某", "李某某", "赵六", "钱七", "孙八")

ROSTER_HEADER = ["县区", "乡镇街道", "村(社区)"]
ROSTER = [
    ["东城区", "城关镇", "李官村"],
    ["东城区", "城关镇", "张家村"],
    ["东城区", "城关镇", "城关社区"],
    ["东城区", "河口镇", "王庄村"],
    ["东城区", "河口镇", "柳树村"],
    ["东城区", "河口镇", "桃园村"],
]

# ---------------------------------------------------------------- inspections

PLAIN_INSPECTION_HEADER = ["轮次", "巡察层级", "巡察组", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)",
                           "发现问题数", "移交问题线索数", "立行立改数", "党纪政务处分人数", "组织处理人数", "已整改数",
                           "追回资金"]
PLAIN_INSPECTIONS = [
    ["2021年第一轮", "市级", "市委第一巡察组", "2021-03-01", "2021-04-15", "东城区", "城关镇", "李官村",
     5, 2, 1, 1, "", 3, 66.57],
    ["2021年第一轮", "市级", "市委第一巡察组", "2021-03-01", "2021-04-15", "东城区", "城关镇", "张家村",
     3, 0, 0, "", 0, 1, 1.2],
    ["2021年第一轮", "县级", "县委第二巡察组", "2021-03-10", "2021-04-20", "东城区", "城关镇", "城关社区",
     2, 1, 0, 0, 0, 2, 0],
    ["2021年第一轮", "县级", "县委第二巡察组", "2021-03-10", "2021-04-20", "东城区", "河口镇", "王庄村",
     4, "", 2, 1, 1, 0, ""],
    ["2021年第二轮", "县级", "县委第一巡察组", "2021-09-01", "2021-10-10", "东城区", "河口镇", "柳树村",
     6, 1, 2, 0, 2, 4, 12.5],
]

# the real sheet: title rows, a header over two rows, the same records written as offices write them
REAL_INSPECTION_TITLE = [["东城区2021年村（社区）巡察情况统计表"], ["填报单位：东城区委巡察办（盖章）"]]
REAL_INSPECTION_HEAD = [
    ["序号", "县（市、区）", "镇（街道）", "被巡察村（社区）", "巡察情况", None, None, "巡察成果", None, None, None,
     None, None, None, "整改责任人"],
    [None, None, None, None, "轮次", "巡察组别", "巡察时间", "发现问题（个）", "移交问题线索（件）", "立行立改",
     "党纪政务处分（人）", "组织处理（人）", "已整改数", "挽回经济损失（元）", None],
]
# merged ranges of the header (0-based rows within the head, columns): group cells and tall cells
HEAD_MERGES = [((0, 4), (0, 6)), ((0, 7), (0, 13))] + [((0, c), (1, c)) for c in (0, 1, 2, 3, 14)]
REAL_INSPECTION_ROWS = [
    [1, "东城区", "城关镇", "李官村委会", "2021年第一轮", "市委第一巡察组", "2021年3月1日至4月15日",
     "5个", "2件", "1", "1人", "/", "3", "665700"],
    [2, "东城区", "城关镇", "张家村", "2021年第一轮", "市委第一巡察组", "2021.3.1-2021.4.15",
     "3", "无", "无", "—", "0", "1", "12000元"],
    [3, "东城区", "城关镇", "城关社区居委会", "2021年第一轮", "县委第二巡察组", "2021/3/10~2021/4/20",
     "2", "1", "0", "0", "0", "2", "0"],
    ["城关镇小计", None, None, None, None, None, None, "10", "3", "1", "1", "0", "6", "677700"],
    [4, "东城区", "河口镇", "王庄村", "2021年第一轮", "县委第二巡察组", "2021年3月10日—2021年4月20日",
     "4个", "/", "2", "1", "1", "0", "/"],
    [5, "东城区", "河口镇", "柳树村村民委员会", "2021年第二轮", "县委第一巡察组", "2021年9月1日至10月10日",
     "6", "1", "2", "0", "2", "4", "12.5万元"],
    ["河口镇小计", None, None, None, None, None, None, "10", "1", "4", "1", "3", "4", "125000"],
    ["全县合计", None, None, None, None, None, None, "20", "4", "5", "2", "3", "10", "802700"],
]
# the person column's values, one per data row (the summary rows have none)
RESPONSIBLE = ["王某某", "李某某", "赵六", None, "钱七", "孙八", None, None]
REAL_INSPECTION_NOTES = [["填表人：王某某", None, None, None, "审核人：李某某"], ["填报日期：2021年12月31日"]]
# district and township merged down over their villages in the .xlsx (data rows, 0-based)
DATA_MERGES = [((0, 1), (2, 1)), ((0, 2), (2, 2)), ((4, 1), (5, 1)), ((4, 2), (5, 2))]

# ---------------------------------------------------------------- issues

PLAIN_ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "二级类别", "问题描述", "整改状态",
                      "整改时限", "整改完成时间"]
PLAIN_ISSUES = [
    ["2021年第一轮", "东城区", "城关镇", "李官村", "党的领导", "落实决策部署", "会议记录不全", "已整改",
     "2021-04-15", "2021-04-10"],
    ["2021年第一轮", "东城区", "城关镇", "李官村", "党的领导", "落实决策部署", "学习不深入", "整改中",
     "2021-06-30", ""],
    ["2021年第一轮", "东城区", "城关镇", "李官村", "党的领导", "意识形态", "阵地管理不严", "长期整改", "", ""],
    ["2021年第一轮", "东城区", "城关镇", "张家村", "全面从严治党", "", "三资管理不规范", "已整改", "2021-12-31",
     "2021-05-20"],
    ["2021年第一轮", "东城区", "城关镇", "城关社区", "全面从严治党", "", "村务公开不及时", "长期整改", "2021-12-31",
     ""],
    ["2021年第一轮", "东城区", "河口镇", "王庄村", "全面从严治党", "", "惠民资金发放滞后", "未整改", "2021-06-30",
     ""],
    ["2021年第二轮", "东城区", "河口镇", "柳树村", "基层党组织建设", "", "组织生活不规范", "整改中", "2022-06-30",
     ""],
    ["2021年第二轮", "东城区", "河口镇", "柳树村", "基层党组织建设", "", "发展党员程序不严", "已整改",
     "2021-10-10", "2021-10-08"],
]
REAL_ISSUE_TITLE = [["东城区2021年巡察反馈问题整改台账"]]
REAL_ISSUE_HEADER = ["序号", "轮次", "县区", "乡镇", "村（社区）", "问题内容", "整改时限", "整改进展", "实际完成时间",
                     "责任人"]
REAL_ISSUE_ROWS = [
    ["一、党的领导方面"],
    ["（一）", "落实决策部署"],
    [1, "2021年第一轮", "东城区", "城关镇", "李官村委会", "会议记录不全", "立行立改", "已完成整改", "2021年4月10日", "王某某"],
    [2, "2021年第一轮", "东城区", "城关镇", "李官村委会", "学习不深入", "6月底前", "正在推进", "/", "王某某"],
    ["（二）意识形态"],
    [3, "2021年第一轮", "东城区", "城关镇", "李官村委会", "阵地管理不严", "长期坚持", "", "", "李某某"],
    ["二、全面从严治党方面问题"],
    [4, "2021年第一轮", "东城区", "城关镇", "张家村", "三资管理不规范", "2021年底前", "已完成整改", "2021.5.20", "赵六"],
    [5, "2021年第一轮", "东城区", "城关镇", "城关社区居委会", "村务公开不及时", "年底前", "基本完成", "", "赵六"],
    [6, "2021年第一轮", "东城区", "河口镇", "王庄村", "惠民资金发放滞后", "2021年6月30日前", "尚未整改", "", "钱七"],
    ["三、基层党组织建设方面"],
    [7, "2021年第二轮", "东城区", "河口镇", "柳树村", "组织生活不规范", "6月底前", "整改中（部分完成）", "—", "孙八"],
    [8, "2021年第二轮", "东城区", "河口镇", "柳树村", "发展党员程序不严", "立行立改", "已办结", "2021年10月8日", "孙八"],
    ["合  计", None, None, None, None, "8 个问题"],
    ["填表人：王某某", None, None, "联系电话：13800000000"],
]


def plain_files() -> list[InputFile]:
    return [InputFile("roster.csv", csv_bytes(table(ROSTER_HEADER, ROSTER))),
            InputFile("inspections.csv", csv_bytes(table(PLAIN_INSPECTION_HEADER, PLAIN_INSPECTIONS))),
            InputFile("issues.csv", csv_bytes(table(PLAIN_ISSUE_HEADER, PLAIN_ISSUES)))]


def _inspection_sheet(merged: bool) -> list[list[object]]:
    """The real inspections sheet; with `merged`, district and township only on a range's first row."""
    rows = [list(r) for r in REAL_INSPECTION_TITLE] + [list(r) for r in REAL_INSPECTION_HEAD]
    for k, row in enumerate(REAL_INSPECTION_ROWS):
        row = list(row) + [RESPONSIBLE[k]]
        if merged:  # only the first row of a merged range holds the value
            for (r0, c), (r1, _) in DATA_MERGES:
                if r0 < k <= r1:
                    row[c] = None
        rows.append(row)
    return rows + [list(r) for r in REAL_INSPECTION_NOTES]


def _issue_sheet() -> list[list[object]]:
    return [list(r) for r in REAL_ISSUE_TITLE] + [list(REAL_ISSUE_HEADER)] + [list(r) for r in REAL_ISSUE_ROWS]


def real_xlsx() -> list[InputFile]:
    """One workbook: 名册, 巡察情况 (merged header and merged districts/townships), 问题台账."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    roster = book.create_sheet("名册")
    for row in table(ROSTER_HEADER, ROSTER):
        roster.append(row)
    sheet = book.create_sheet("巡察情况")
    for row in _inspection_sheet(merged=True):
        sheet.append(row)
    width = len(REAL_INSPECTION_HEAD[0])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    head = len(REAL_INSPECTION_TITLE)  # rows above the header
    for (r0, c0), (r1, c1) in HEAD_MERGES:
        sheet.merge_cells(start_row=head + r0 + 1, start_column=c0 + 1, end_row=head + r1 + 1, end_column=c1 + 1)
    first_data = head + len(REAL_INSPECTION_HEAD)
    for (r0, c0), (r1, c1) in DATA_MERGES:
        sheet.merge_cells(start_row=first_data + r0 + 1, start_column=c0 + 1, end_row=first_data + r1 + 1,
                          end_column=c1 + 1)
    issues = book.create_sheet("问题台账")
    for k, row in enumerate(_issue_sheet(), start=1):
        issues.append(row)
        if len([c for c in row if c is not None]) == 1 and k > 2:  # a heading merged across the row
            issues.merge_cells(start_row=k, start_column=1, end_row=k, end_column=len(REAL_ISSUE_HEADER))
    buffer = io.BytesIO()
    book.save(buffer)
    return [InputFile("东城区巡察台账.xlsx", buffer.getvalue())]


def real_csv() -> list[InputFile]:
    """The same sheets as CSV saved by Excel on Chinese Windows (GBK); merged cells written out on every row."""
    return [InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, ROSTER), "gbk")),
            InputFile("巡察情况.csv", csv_bytes(_inspection_sheet(merged=False), "gbk")),
            InputFile("问题台账.csv", csv_bytes(_issue_sheet(), "gbk"))]


def ods_bytes(sheets: list[tuple[str, list[list[object]], list[tuple[tuple[int, int], tuple[int, int]]]]]) -> bytes:
    """An .ods as LibreOffice writes it: (name, rows, merged ranges ((r0, c0), (r1, c1)), 0-based) per sheet;
    a merged range's first cell spans it (table:number-rows-spanned / number-columns-spanned), the
    cells it covers are table:covered-table-cell."""
    from xml.sax.saxutils import escape

    def cell(value: object, spans: str = "", covered: bool = False) -> str:
        tag = "table:covered-table-cell" if covered else "table:table-cell"
        if value is None:
            return f"<{tag}{spans}/>"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f'<{tag}{spans} office:value-type="float" office:value="{value}"><text:p>{value}</text:p></{tag}>'
        return f'<{tag}{spans} office:value-type="string"><text:p>{escape(str(value))}</text:p></{tag}>'

    tables = []
    for name, rows, merges in sheets:
        starts = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for (r0, c0), (r1, c1) in merges}
        covered = {(r, c) for (r0, c0), (r1, c1) in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
                   if (r, c) != (r0, c0)}
        width = max(len(row) for row in rows)
        body = []
        for r, row in enumerate(rows):
            row = list(row) + [None] * (width - len(row))
            parts = []
            for c, value in enumerate(row):
                spans = ""
                if (r, c) in starts:
                    down, across = starts[(r, c)]
                    spans = f' table:number-rows-spanned="{down}" table:number-columns-spanned="{across}"'
                parts.append(cell(value, spans, (r, c) in covered))
            body.append("<table:table-row>" + "".join(parts) + "</table:table-row>")
        tables.append(f'<table:table table:name="{escape(name)}">' + "".join(body) + "</table:table>")
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'office:version="1.2"><office:body><office:spreadsheet>' + "".join(tables)
               + "</office:spreadsheet></office:body></office:document-content>")
    return ods_package(content)


def real_ods() -> list[InputFile]:
    """The workbook of `real_xlsx` as LibreOffice saves it (.ods), with the same merged cells."""
    width = len(REAL_INSPECTION_HEAD[0])
    head = len(REAL_INSPECTION_TITLE)
    first_data = head + len(REAL_INSPECTION_HEAD)
    inspection_merges = ([((0, 0), (0, width - 1))]
                         + [((head + r0, c0), (head + r1, c1)) for (r0, c0), (r1, c1) in HEAD_MERGES]
                         + [((first_data + r0, c0), (first_data + r1, c1)) for (r0, c0), (r1, c1) in DATA_MERGES])
    issues = _issue_sheet()
    issue_merges = [((k, 0), (k, len(REAL_ISSUE_HEADER) - 1)) for k, row in enumerate(issues)
                    if len([c for c in row if c is not None]) == 1 and k > 1]
    return [InputFile("东城区巡察台账.ods", ods_bytes([("名册", table(ROSTER_HEADER, ROSTER), []),
                                                 ("巡察情况", _inspection_sheet(merged=True), inspection_merges),
                                                 ("问题台账", issues, issue_merges)]))]


AS_OF = dt.date(2022, 3, 1)
