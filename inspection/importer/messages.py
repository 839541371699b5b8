"""Every text the importer shows a user (problems, warnings, results), written once.

Problem reasons and warnings are in Chinese, as the clerk's ledgers are (tests and offices compare
them by text); the progress stages and the result counts are in both languages (`progress_text`,
`counts_text`). The readers' and the
cell converters' own reasons live beside their checks (readers.py, cells.py).
"""

from __future__ import annotations

from .. import contract

# ---------------------------------------------------------------- problems of a row

BLANK_REQUIRED = "必填项为空"
NOT_REPORTED_HINT = "请填写实际的值（数量为零时填 0）"
# a required cell of an .xls holding a formula whose result the file keeps as empty (readers.RawSheet.formula_blanks)
FORMULA_BLANK = ("必填项为空：单元格是公式，文件中保存的计算结果为空（公式结果为空，或文件由其他程序生成、"
                 "未在 Excel 或 WPS 中计算保存过）")
FORMULA_BLANK_HINT = "请在 Excel 或 WPS 中打开这个文件、确认公式有结果并保存后再导入，或填写实际的值"


def not_reported_required(shown: str) -> str:
    """A required cell holding a not-reported mark ("/", "—", 无数据): filled, but with no value."""
    return f"填写的「{shown}」表示未填报，但这是必填项"


# a workbook's required cell left blank below a record that has it: "the same as above", as a pivot table
# copied as values or a clerk writing each group's value once leaves it (merged cells are filled, blanks not)
SAME_AS_ABOVE_HINT = ("上一条记录这一列有值：若空白表示“同上”（数据透视表复制为数值、或每组只在第一行填写），"
                      "请逐行填上实际的值（或把同组的单元格合并）后再导入")
CSV_BLANK_HINT = "CSV 没有合并单元格：原表中合并的单元格另存为 CSV 后只有第一格有值，请逐行填写，或直接导入 Excel 文件"
SEMICOLON_NUMBER = ("分号分隔的 CSV（地区设置的列表分隔符为「;」时 Excel 这样保存）中，数字里的「,」或「.」可能是小数点"
                    "（1,5 即 1.5），也可能是千位分隔符（1.500 即 1500），无法判断")
SEMICOLON_NUMBER_HINT = "请直接导入 Excel 文件，或把数字写成不带千位分隔符、以「.」为小数点的形式（如 1500、66.57）后再导入"
NO_SECTION = "问题类别为空：这一行之前没有“一、……”这样的分类标题"
NO_SECTION_HINT = "请在问题前加上分类标题行，或增加“问题类别”列"
NO_PLACE_SECTION = "这一行之前没有写明{}的分类标题（如“一、城关镇”），表中也没有{}列"
NO_PLACE_SECTION_HINT = "请在这些行前加上分类标题行，或增加所在地的列"


def place_from_headings(where: str, labels: list[str], sheet: str | None = None) -> str:
    named = '、'.join(labels)
    if sheet:  # the sheet's name gives it (a sheet per township), headings inside may too
        return f"{where}：表中没有{named}列，各行的{named}取自工作表名称「{sheet}」（表中如有“一、城关镇”这样的分类标题行，其下各行取标题中的）"
    return f"{where}：表中没有{named}列，各行的{named}取自其上方的分类标题行（如“一、城关镇”）"


NOT_IN_ROSTER = "名册中没有这个村(社区)"
AMBIGUOUS_UNIT = "名册中有多个同名对象，请填写对象编码"
NO_INSPECTION_OF_UNIT = "没有这个村(社区)的巡察记录"
NO_INSPECTION_HINT = "请先导入巡察情况表，或与问题清单一起导入"
NO_DATA_ROWS = "文件中没有数据行"
NO_RECORD_HINT = "表头下没有一行记录（合计、小计、填表人等行不算）：是否选成了空白模板？请选择填好数据的台账"
NO_HEADER = "没有识别出对象名册、巡察情况或问题清单的表头"
EMPTY_SHEETS = "文件中没有内容（工作表都是空的）"

# the problems of a row that names a unit or inspection another table of the import must hold
REFERENCES = {"roster": (NOT_IN_ROSTER, "名册中有多个同名对象"),
              "inspections": (NO_INSPECTION_OF_UNIT, "没有巡察记录")}


def duplicate_unit(file: str, row: int, sheet: str | None = None) -> str:
    return f"名册中重复的对象（与 {where(file, sheet)} 第 {row} 行相同）"


def end_before_start(start) -> str:
    return f"结束日期早于开始日期（{start.isoformat()}）"


def duplicate_inspection(file: str, row: int, sheet: str | None = None) -> str:
    """`sheet`: the tab of the other row, for a workbook of several sheets (a 汇总 beside its districts)."""
    return f"同一轮次同一村(社区)出现两次（另见 {where(file, sheet)} 第 {row} 行）"


LEVELS_IN_ONE_ROUND_HINT = ("两行一为市级、一为县级巡察：如果市级和县级巡察组各自巡察了这个对象，请在轮次中写明层级"
                            "（如“市委2023年第一轮”），两次巡察才会都保留")


def township_not_told(district: str, townships: list[str] | None) -> str:
    if townships:
        return (f"表中没有“乡镇”列，名册中{district}有 {len(townships)} 个同名的村(社区)（在{'、'.join(townships[:5])}），"
                "无法判断是哪一个")
    return f"表中没有“乡镇”列，名册中{district}没有这个村(社区)"


NO_TOWNSHIP_COLUMN_HINT = "请在表中加“乡镇街道”列，每行填上所在乡镇（街道），保存后再导入；或先核对村(社区)名称与名册是否一致"


def district_not_told(township: str | None, districts: list[str] | None) -> str:
    where = f"的{township}" if township else ""
    if districts:
        return (f"表中没有“县区”列，名册中有 {len(districts)} 个县区{where}有同名的村(社区)（{'、'.join(districts[:5])}），"
                "无法判断是哪一个")
    return f"表中没有“县区”列，名册中{township or ''}没有这个村(社区)"


NO_DISTRICT_COLUMN_HINT = "请在表中加“县区”列，每行填上所在县区，保存后再导入；或先核对乡镇、村(社区)名称与名册是否一致"


def district_from_roster(place: str, rows: int) -> str:
    return f"{place}：表中没有“县区”列，{rows:,} 行的县区按名册中该村(社区)所在的县区取"


def township_from_roster(place: str, rows: int) -> str:
    return f"{place}：表中没有“乡镇”列，{rows:,} 行的乡镇（街道）按名册中该县区同名的村(社区)取"


def several_inspections_no_round(rounds: list[str]) -> str:
    return f"表中没有“轮次”列，该村(社区)有 {len(rounds)} 次巡察（{'、'.join(rounds[:5])}），无法判断问题属于哪一次"


NO_ROUND_COLUMN_HINT = "请在问题清单中加“轮次”列（或在表格标题、工作表名、文件名中写明轮次，如 2023年第一轮），保存后再导入"


def round_from_inspection(place: str, taken: list[tuple[str, int]]) -> str:
    parts = "、".join(f"「{r}」{n:,} 行" for r, n in taken[:5]) + (f" 等 {len(taken)} 个轮次" if len(taken) > 5 else "")
    return (f"{place}：表中没有“轮次”列，标题、工作表名和文件名也没有写明，各行的轮次按该村(社区)唯一的一次巡察取："
            f"{parts}。如果不是这一轮的问题，请加“轮次”列后重新导入")


def round_of_inspection_spelt_otherwise(place: str, rows: int, pairs: list[tuple[str, str]]) -> str:
    examples = "；".join(f"「{written}」为「{known}」" for written, known in pairs[:5])
    return f"{place}：{rows:,} 行的轮次与该村(社区)巡察记录的轮次只是写法不同，按巡察记录的写法取：{examples}"


def no_inspection_in_round(round_: str) -> str:
    return f"该村(社区)在轮次「{round_}」没有巡察记录"


def unknown_district(district: str, known: list[str]) -> str:
    return f"名册中没有县区「{district}」" + (f"，是否为：{'、'.join(known)}" if known else "")


def did_you_mean(names: list[str]) -> str:
    return "是否为：" + "、".join(names)


def missing_columns(table_label: str, missing: list[str]) -> str:
    return f"{table_label}缺少必填列：{'、'.join(missing)}"


def figure_in_parts(title: str, parts: list[str]) -> str:
    """The figure written only as its parts, under its header, with no sub-column of their total."""
    shown = "、".join(parts[:6]) + ("等" if len(parts) > 6 else "")
    return f"（「{title}」下分为 {len(parts)} 个子列：{shown}，但没有合计列）"


FIGURE_IN_PARTS_HINT = ("请在这些子列旁加一列，表头写「合计」，填各子列之和，保存后再导入；若其中一列就是总数，"
                        "可把它映射为该字段")


# a column every record needs even where the whole file holds one place (a county's own ledger):
# the contract has no "this file is all 文水县" setting, so the clerk adds the column
_PLACE_COLUMNS = {"district": ("县区", "文水县"), "township": ("乡镇街道", "城关镇")}


# a workbook's statistics sheet (by district or township) or pivot table names districts and counts
# but no unit: it is read as a table missing its columns; a hidden sheet is never read
NOT_A_LEDGER_HINT = "若这个工作表不是台账（如按县区、乡镇汇总的统计表或数据透视表），请把它删除或隐藏后再导入"


def missing_columns_hint(headers: list[str], fields: list[str] = ()) -> str:
    hint = "表头可用的名称见数据规范（如 " + "、".join(headers) + "）"
    places = [_PLACE_COLUMNS[f] for f in fields if f in _PLACE_COLUMNS]
    if places:
        columns = "、".join(f"「{h}」" for h, _ in places)
        examples = "、".join(e for _, e in places)
        hint = (f"即使整个文件都属于同一个县区，每一行也要写明所在地：请在表中加上{columns}列，每行填上名称"
                f"（如 {examples}；同一名称可整列复制），保存后再导入；若已有这样的列但表头不同，可把它映射为该字段。"
                + ("整个文件属于同一个县区时，也可以在表格标题开头写明（如“文水县2023年村级巡察情况台账”）。"
                   if "district" in fields else "") + hint)
    return hint


def headers_found(sheet: str, headers: list) -> str:
    return f"{sheet} 的表头：{'、'.join(map(str, headers[:15]))}"


def no_header_in(sheet: str, looked: str) -> str:
    return f"{sheet} 中没有找到表头，查看过的前几行：{looked}"


def header_down_a_column(sheet: str, column: int) -> str:
    return (f"{sheet} 的表头竖着写在第 {column} 列（每个字段一行、每条记录一列，横向的表格）：请在 Excel 或 WPS 中"
            "复制整个表格，在新工作表中「选择性粘贴 → 转置」，使每条记录占一行，另存后再导入")


def header_too_low(sheet: str, row: int, limit: int) -> str:
    return (f"{sheet} 的表头在第 {row} 行，上方的标题、说明或空行有 {row - 1} 行，超过了 {limit} 行的上限"
            "：请删除表头上方多余的行（或把说明移到表格下方）后再导入")


def row_of_kind(number: int, kind: str) -> str:
    """A row looked at for a header, by its kind (a note row names people: never its text)."""
    return f"第{number}行（{kind}）"


ANOTHER_TABLE_HINT = "一个工作表只能放一张表：请把每张表放到单独的工作表（或单独的文件），各有一个表头，再导入"


def another_table(label: str, header_row: int) -> str:
    """A header row of another table on the sheet whose table starts at `header_row` (1-based)."""
    return f"此行是另一张表的表头（本工作表第 {header_row} 行起是{label}）"


PERSON_HIDDEN = "（人员姓名，不显示）"


def row_as_written(number: int, text: str) -> str:
    return f"第{number}行「{text if len(text) <= 80 else text[:80] + '…'}」"


# ---------------------------------------------------------------- warnings


def where(file: str, sheet: str | None) -> str:
    return f"{file}「{sheet}」" if sheet else file


SHEET_NAME = "工作表名称"
TITLE_ROW = "表格标题"
FILE_NAME = "文件名"


def issue_count(count: int) -> str:
    return f"问题清单每行应为一个问题，这一行的数量为 {count}：导入后只会计为 1 个问题"


ISSUE_COUNT_HINT = "请把这一行拆成每个问题一行（数量为 1 或删去数量列）后再导入；各村的问题总数请填在巡察情况表的“发现问题数”中"


def round_from_sheet(place: str, round_name: str, source: str = SHEET_NAME) -> str:
    """`source`: where the round was read (SHEET_NAME, TITLE_ROW, FILE_NAME)."""
    return f"{place}：表中没有“轮次”列，各行的轮次按{source}取为「{round_name}」"


def round_from_block_titles(place: str, blocks: list[tuple[int, str]]) -> str:
    """Blocks stacked on one sheet without a round column, each under a title naming its round: (row, round)."""
    return (f"{place}：" + "；".join(f"第 {row} 行的分块标题写明轮次「{name}」" for row, name in blocks)
            + "，其下的记录（至下一个写明轮次的分块标题）按该轮次导入")


NO_YEAR_IN_ROUND = ("日期没有年份，这一行的轮次中也没有年份",
                    "请填写完整日期（如 2022年3月1日至4月4日），或在轮次中写明年份（如 2022年第一轮）")


DITTO_FIRST = "写了“同上”，但上方没有记录可取值"
DITTO_FIRST_HINT = "请填写实际的值"


def ditto_read(place: str, rows: list[int]) -> str:
    shown = "、".join(map(str, rows[:10])) + ("等" if len(rows) > 10 else "")
    return f"{place}：第 {shown} 行中写“同上”或“〃”的单元格，按上一行的值读取"


def places_filled_down(place: str, columns: list[str], rows: list[int]) -> str:
    shown = "、".join(map(str, rows[:10])) + ("等" if len(rows) > 10 else "")
    return (f"{place}：第 {shown} 行的{'、'.join(columns)}为空（每组只在第一行填写），按上一行的值读取；"
            "如有不同，请逐行填写后重新导入")


def year_from_round(place: str, rows: list[int]) -> str:
    shown = "、".join(map(str, rows[:10])) + ("等" if len(rows) > 10 else "")
    return f"{place}：第 {shown} 行的日期没有写年份，按该行轮次中的年份读取"


def district_from_title(place: str, district: str, source: str) -> str:
    """`source`: TITLE_ROW or FILE_NAME."""
    return f"{place}：表中没有“县区”列，各行的县区按{source}取为「{district}」"


def township_from_title(place: str, township: str, source: str) -> str:
    """`source`: TITLE_ROW or FILE_NAME."""
    return f"{place}：表中没有“乡镇”列，各行的乡镇（街道）按{source}取为「{township}」"


def level_from_title(place: str, level: str) -> str:
    return (f"{place}：表中没有“巡察层级”列，巡察组名称看不出层级的行（如“第一巡察组”）按表格标题取为"
            f"「{contract.LEVEL_LABELS[level]}」")


# a wide ledger: one row per unit, a group of columns per round under a heading naming the round
GROUP_HEADING = "列组标题"


def group_column(heading: str, header: str) -> str:
    """A column of a round's group as messages name it: the group's heading and its own header."""
    return f"{heading}/{header}"


def wide_rounds(place: str, rounds: list[str]) -> str:
    shown = "、".join(f"「{r}」" for r in rounds)
    return (f"{place}：每轮一组列（{shown}），各组按其标题的轮次读作该轮的巡察记录；"
            "某轮一组全部空白的对象视为该轮未巡察")


def wide_not_rounds(headings: list[str], repeated: list[str]) -> str:
    shown = "、".join(f"「{h}」" for h in headings)
    return (f"同样的表头（{'、'.join(repeated)}）在 {shown} 下重复：每组列应是一轮巡察，"
            "但这些分组标题不是各不相同的轮次（如 2021年第一轮巡察），无法判断各组是哪一轮")


WIDE_HINT = ("请把每组标题写成各自的轮次（如 2021年第一轮巡察、2022年第二轮巡察），或每轮一个工作表（以轮次命名），"
             "或改为每个对象每轮一行并增加“轮次”列后再导入")


def hidden_copies_ignored(place: str, columns: list[str]) -> str:
    return f"{place}：隐藏的列「{'」「'.join(columns)}」与显示的同名列重复，已按显示的列导入，隐藏的列未读取"


def tables_side_by_side(tables: list[tuple[str, int, int]]) -> str:
    """Tables of different kinds side by side on one sheet: (label, first column, last column), 0-based."""
    return (f"此工作表中并排放了{'两' if len(tables) == 2 else len(tables)}张表（" + "，".join(f"第 {_column_letter(a)}–{_column_letter(b)} 列是{label}"
                                          for label, a, b in tables) + "），按一张表读取会漏掉其中一张的记录")


def side_table_ignored(place: str, column: int, columns: list[str]) -> str:
    return (f"{place}：第 {_column_letter(column)} 列起的表（{'、'.join(columns)}）是台账旁的汇总表，不是逐个对象的记录，"
            "未读取")


def duplicate_column(place: str, column: str, first: str) -> str:
    return f"{place}：列「{column}」与「{first}」重复，已忽略后者"


# an issue's description merged down over rows whose own cells say something else (parse_rows._Continued)
CONTINUED_DIFFERS = "这一行的问题描述与上一行合并为同一个问题，但这一列填写了不同的内容：无法确定这个问题的取值"
CONTINUED_DIFFERS_HINT = "同一个问题请只保留一个取值（把这一列也合并，或只在第一行填写）；若是不同的问题，请取消问题描述的合并并逐行填写"
HEADER_MERGED_HINT = "请在 Excel 或 WPS 中取消这个合并单元格，为这些行填上实际的值，再导入"


FIGURE_MERGED_HINT = "请在 Excel 或 WPS 中取消这个合并单元格，为每一行填上各自的数字（不知道的留空），再导入"


def figure_merged_down(first: int, last: int) -> str:
    return (f"数字单元格合并了第 {first} 行至第 {last} 行的多条记录：一个数字无法分给每一条记录"
            "（每条都取这个数会重复计算）")


def header_merged_down(first: int, last: int) -> str:
    return (f"表头单元格向下合并到了数据行（第 {first} 行" + (f"至第 {last} 行" if last > first else "")
            + "），这些行的值读到的是表头文字")


TWIN_HINT = ("若两张表并排放在同一个工作表中，请把每张表放到单独的工作表；否则删去多余的一列，"
             "或改正其中的值，再导入")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def twin_differs(column: int, first: int, first_value: str) -> str:
    """Two columns of one identifying field (0-based `column`, `first`) disagree on a row."""
    return (f"第 {_column_letter(column)} 列与第 {_column_letter(first)} 列是同一字段，"
            f"但这一行两列的值不同（第 {_column_letter(first)} 列为「{first_value}」）")


# the columns never read, by `layout.confidential_kind`
CONFIDENTIAL_COLUMNS = {"person": "人员姓名列", "contact": "身份证号、电话等联系方式列", "clue": "问题线索内容列"}


def person_columns_dropped(place: str, columns: list[str], kind: str = "person") -> str:
    return f"{place}：{CONFIDENTIAL_COLUMNS[kind]}不导入、不保存：{'、'.join(columns)}"


def columns_ignored(place: str, columns: list[str]) -> str:
    return f"{place}：未识别的列已忽略：{'、'.join(columns[:10])}"


def status_from_progress(place: str, column: str) -> str:
    return (f"{place}：表中没有“整改状态”列，整改状态按「{column}」列的文字读取（写明已整改、整改中、长期坚持等的行按所写；"
            "没有写明、或前后说法不一的行按整改中计）。如需准确统计，请加一列“整改状态”")


def same_content(name: str, first: str) -> str:
    return f"{name} 与 {first} 内容相同，已只导入一次"


def hidden_sheet_ignored(place: str) -> str:
    return f"{place}：隐藏的工作表不是完整的台账（下拉选项、辅助表等），已忽略"


def hidden_table_left_out(place: str, table: str, records: int) -> str:
    return (f"{place}：隐藏的工作表中有{table}表格（{records} 行），未导入（隐藏的工作表在 Excel 中看不到，常是旧数据或备份）；"
            "如要导入，请在 Excel 或 WPS 中取消隐藏该工作表后再导入")


def hidden_rows_read(place: str, rows: list[int]) -> str:
    shown = "、".join(str(n) for n in rows[:10]) + ("等" if len(rows) > 10 else "")
    return (f"{place}：第 {shown} 行（共 {len(rows)} 行）在 Excel 中是隐藏的（被筛选掉或手动隐藏），也已导入："
            "文件中的每一行都按台账导入；不应导入的行请从文件中删除")


def sheet_copied(place: str, holder: str, records: int) -> str:
    return (f"{place}：其中 {records} 行与工作表「{holder}」中的行相同（汇总表或副本），只按「{holder}」导入一次，"
            "不重复计算")


def hidden_table_found(sheet: str, table: str) -> str:
    return f"工作表「{sheet}」是隐藏的，其中的{table}表格未导入：如要导入，请取消隐藏该工作表"


def _sheets(names: list[str]) -> str:
    return "、".join(f"「{n}」" for n in names)


def example_sheet_left_out(place: str, read: list[str]) -> str:
    return f"{place}：工作表名称表明是填写示例，其中的示例行未导入（导入的是工作表{_sheets(read)}）"


def statistics_sheet_left_out(place: str, read: list[str], document: bool = False) -> str:
    """`document`: a Word document's table of figures (表格, no pivot table), not a workbook's sheet."""
    if document:
        return f"{place}：没有村(社区)列，是统计表而不是台账，未导入（导入的是表格{_sheets(read)}）"
    return f"{place}：没有村(社区)列，是统计表或数据透视表而不是台账，未导入（导入的是工作表{_sheets(read)}）"


def example_sheet_only(table_label: str) -> str:
    return f"工作表名称表明是填写示例，文件中却没有别的工作表是{table_label}：示例行不能当作记录导入"


EXAMPLE_SHEET_HINT = ("若它只是模板的示例，请把它删除后再导入；若其中填写的就是要导入的台账，"
                      "请把工作表改名（名称中不含“示例”“样例”“说明”）后再导入")


def sheets_ignored(name: str, count: int) -> str:
    return f"{name}：{count} 个工作表未识别为台账，已忽略"


ALREADY_IMPORTED = "文件中的数据都已在库中，没有变化"


def more_problems(count: int) -> str:
    return f"另有 {count} 个问题未列出"


def listed_differs(rows: list[tuple]) -> str:
    examples = "；".join(f"{r[0]} {r[1]}：清单 {r[2]} 条，发现问题数 {r[3]}" for r in rows[:5])
    return f"{len(rows)} 个巡察记录的问题清单条数与发现问题数不一致（清单可以不完整）：{examples}"


def several_in_one(rows: list[tuple]) -> str:
    examples = "；".join(f"{r[0]} {r[1]}：{r[2]} 行" for r in rows[:5])
    return (f"{sum(r[2] for r in rows)} 行问题清单的问题描述在一格里列了几个问题（如“1.…；2.…”），"
            f"每行按一个问题统计：{examples}。如需逐个统计，请把每个问题写成一行再导入")


def twin_issue_rows(rows: list[tuple]) -> str:
    examples = "；".join(f"{r[0]} {r[1]}：{r[2]} 行" for r in rows[:5])
    return (f"{sum(r[2] for r in rows)} 行问题清单与同一巡察记录的另一行完全相同（类别、描述、状态和日期都一样），"
            f"已按填写的各算一个问题：{examples}。如是重复录入，请删去重复的行后重新导入")


def parts_over_whole(rows: list[tuple]) -> str:
    def said(r):
        parts = [f"{label} {n}" for label, n in (("已整改数", r[3]), ("立行立改数", r[4])) if n is not None and n > r[2]]
        return f"{r[0]} {r[1]}：{'、'.join(parts)}，发现问题数 {r[2]}"
    return (f"{len(rows)} 个巡察记录的已整改数或立行立改数大于发现问题数，已按填写的导入（整改完成率会超过 100%），"
            f"请核对：{'；'.join(said(r) for r in rows[:5])}")


def large_funds(rows: list[tuple], limit: int) -> str:
    examples = "；".join(f"{r[0]} {r[1]}：{r[2]:,.2f} 万元" for r in rows[:5])
    return (f"{len(rows)} 个巡察记录的追回资金在 {limit:,} 万元以上，已按万元导入：{examples}。"
            "如果这一列填的是元，请在表头写明（元），或换算为万元后重新导入")


def unlikely_start(rows: list[tuple], earliest: str) -> str:
    examples = "；".join(f"{r[0]} {r[1]}：{r[2].isoformat()}" for r in rows[:5])
    return (f"{len(rows)} 个巡察记录的开始日期晚于今天或早于 {earliest[:4]} 年，已照录导入：{examples}。"
            "如果是年份笔误，请改正后重新导入")


def changes_cut(limit: int) -> str:
    return f"替换的内容超过 {limit:,} 项，变更清单只列出前 {limit:,} 项"


BOOLEAN_WORDS = {"true": "是", "false": "否"}  # a stored mark in the change list
ISSUE_LIST_ROWS = "问题清单条数"  # the field of a replaced issue list in the change list
ISSUE_LIST_RECTIFIED = "问题清单已整改条数"  # and its rectified rows, when they changed


def found_changed(rows: list[tuple]) -> str:
    examples = "；".join(f"{r[0]} {r[1]}：发现问题数 {r[2]} → {r[3]}，问题清单 {r[4]} 条" for r in rows[:5])
    return (f"{len(rows)} 个巡察记录的发现问题数已改变，与已导入的问题清单条数不一致"
            f"（请核对或一并导入新的问题清单）：{examples}")


def level_replaced(rows: list[tuple]) -> str:
    examples = "；".join(f"{r[0]} {r[1]}：{r[2]} → {r[3]}" for r in rows[:5])
    return (f"{len(rows)} 个巡察记录被另一层级的巡察记录替换（同一轮次、同一对象只保留一条）：{examples}。"
            "如果是市级和县级巡察组各自巡察了这个对象，请撤销本次导入，在轮次中写明层级"
            "（如“市委2023年第一轮”）再导入，两次巡察才会都保留")


def round_spelt_otherwise(pairs: list[tuple[str, str]]) -> str:
    examples = "；".join(f"「{new}」与「{old}」" for new, old in pairs[:5])
    return (f"{len(pairs)} 个轮次与已有轮次只是写法不同，按写法作为不同的轮次导入（同一巡察会重复计算；"
            f"如是同一轮次，请撤销本次导入，改为已有的写法再导入）：{examples}")


def place_spelt_otherwise(pairs: list[tuple[str, str]]) -> str:
    examples = "；".join(f"「{new}」与「{old}」" for new, old in pairs[:5])
    return (f"没有对象名册，{len(pairs)} 个县区或乡镇与已有的只差“区、县、镇、乡、街道”等字，按写法作为不同的地方导入"
            f"（按县区、乡镇统计时会分开显示，同一对象会算作两个）：{examples}。如是同一地方，请撤销本次导入，"
            "改为已有的写法再导入，或先导入对象名册")


def roster_units_kept(count: int, names: list[str]) -> str:
    examples = "、".join(names[:3]) + ("等" if count > 3 else "")
    return (f"名册文件所列乡镇（街道）中另有 {count} 个对象不在本文件中（{examples}），已保留：名册可按县区、乡镇分批导入，"
            f"导入只新增和更正对象，不删除未列出的对象")


def inspections_kept(count: int, examples: list[str]) -> str:
    shown = "、".join(examples[:3]) + ("等" if count > 3 else "")
    return (f"文件所列轮次和乡镇（街道）中另有 {count} 条已导入的巡察记录不在本文件中（{shown}），已保留：导入只新增和更正"
            f"巡察记录，不删除文件未列出的记录；确需删除的，请撤销写入它的那次导入")


def issue_lists_kept(count: int, examples: list[str]) -> str:
    shown = "、".join(examples[:3]) + ("等" if count > 3 else "")
    return (f"文件列出的巡察记录中有 {count} 个的问题清单不在本文件的问题清单中（{shown}），库中已有的问题已保留：问题清单按"
            f"巡察记录整体替换，文件未列出的不删除；确需删除的，请撤销写入它的那次导入")


def inspected_outside_roster(count: int, names: list[str]) -> str:
    examples = "、".join(names[:3]) + ("等" if count > 3 else "")
    return (f"已导入的巡察中有 {count} 个对象不在名册中（{examples}）：它们的巡察仍计入巡察次数和问题数，"
            f"但不计入任何对象的覆盖；如是名册漏列，请补入名册；如是名称写法不同，请按名册更正巡察情况后重新导入")


# ---------------------------------------------------------------- results (both languages)


def counts_text(result, lang: str = "zh") -> str:
    """The rows an import wrote and left, as the page and the command line say them: unchanged rows
    (identical to what the store held) apart from skipped ones (合计/说明 rows, no records at all)."""
    zh = lang == "zh"
    parts = [f"新增 {result.added:,} 行" if zh else f"{result.added:,} rows added",
             f"替换 {result.replaced:,} 行" if zh else f"{result.replaced:,} replaced"]
    if result.unchanged:
        parts.append(f"未变 {result.unchanged:,} 行（与已导入的相同）" if zh
                     else f"{result.unchanged:,} unchanged (the same as already imported)")
    if result.skipped:
        parts.append(f"跳过 {result.skipped:,} 行（合计、说明等非数据行）" if zh
                     else f"{result.skipped:,} skipped (totals, notes: no records)")
    return ("，" if zh else ", ").join(parts)


# ---------------------------------------------------------------- undo


def undone(import_id: int, removed: int, restored: int, kept: int = 0) -> str:
    text = f"已撤销导入 {import_id}：删除该次导入写入的 {removed} 行，恢复被它替换的 {restored} 行"
    if kept:  # rows a later import still standing stated again: they stay, as that import's
        text += f"；另有 {kept} 行之后的导入也写过，保留"
    return text


# ---------------------------------------------------------------- progress (both languages)

PROGRESS_TEXT = {
    "read": ("正在读取第 {file}/{files} 个文件：{name}", "Reading file {file} of {files}: {name}"),
    "rows": ("已读取 {rows:,} 行", "{rows:,} rows read"),
    "check": ("正在检查 {rows:,} 行数据", "Checking {rows:,} rows"),
    "write": ("正在写入 {rows:,} 行数据", "Writing {rows:,} rows"),
}


def progress_text(stage: str, info: dict, lang: str = "zh") -> str:
    zh, en = PROGRESS_TEXT[stage]
    return (zh if lang == "zh" else en).format(**info)
