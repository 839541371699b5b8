"""Real ledgers (DATA_CONTRACT.md, "Real ledgers: layouts and values that must also be accepted").

The gallery (tests/support/ledger_gallery.py) holds the same records in the plain shape and as offices keep
them (.xlsx with merged cells, GBK CSV); both must give the same figures and the same stored rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from support.ledger_gallery import AS_OF, NAMES, plain_files, real_csv, real_ods, real_xlsx
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ISSUE_ROWS,
    csv_bytes,
    data_dump,
    fresh_store,
    memory_store,
    roster_csv,
    run,
    table,
    xlsx_bytes,
)

from inspection import cells, importer, layout, metrics, readers
from inspection.filters import Filters
from inspection.importer import InputFile

con = pytest.fixture(fresh_store)


def imported(files: list[InputFile]):
    connection = memory_store()
    result = run(connection, *files)
    assert result.status == "imported", [(p.file, p.sheet, p.row, p.column, p.value, p.reason) for p in result.problems]
    return connection, result


@pytest.fixture(scope="module")
def plain():
    connection, _ = imported(plain_files())
    yield metrics.compute(connection, Filters(as_of=AS_OF)), data_dump(connection)
    connection.close()


SHAPES = {"xlsx": real_xlsx, "ods": real_ods, "gbk csv": real_csv}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_real_ledger_gives_the_plain_figures(plain, shape):
    connection, result = imported(SHAPES[shape]())
    try:
        figures, rows = metrics.compute(connection, Filters(as_of=AS_OF)), data_dump(connection)
        assert figures == plain[0]
        assert rows == plain[1]
        assert figures["long_term"] == 2
        text = "\n".join(result.warnings)
        assert "人员姓名列不导入、不保存：整改责任人" in text and "：责任人" in text
        assert "第 8、11、12 行" in text  # 城关镇小计, 河口镇小计, 全县合计
        assert "分类标题行 5 行" in text
        assert result.skipped == 12
    finally:
        connection.close()


@pytest.mark.parametrize("shape", list(SHAPES))
def test_names_never_reach_the_store(shape):
    """Every text column of every table (imports' warnings included) is free of the people's names."""
    connection, _ = imported(SHAPES[shape]())
    try:
        tables = connection.execute("SELECT table_name, column_name FROM information_schema.columns "
                                    "WHERE data_type = 'VARCHAR' AND table_schema = 'main'").fetchall()
        assert tables
        people = [*NAMES, "13800000000"]
        for name, column in tables:  # one scan of each column for every name at once
            counts = ", ".join(f'count(*) FILTER (WHERE strpos("{column}", ${i + 1}) > 0)' for i in range(len(people)))
            hits = connection.execute(f'SELECT {counts} FROM "{name}"', people).fetchone()
            assert not any(hits), (name, column, [p for p, n in zip(people, hits, strict=True) if n])
    finally:
        connection.close()


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(("written", "expected"), [
    ("2021年6月底前", dt.date(2021, 6, 30)), ("2021年6月底", dt.date(2021, 6, 30)), ("2021.6底前", dt.date(2021, 6, 30)),
    ("2021年底前", dt.date(2021, 12, 31)), ("2021年年底前", dt.date(2021, 12, 31)),
    ("2021年6月30日前", dt.date(2021, 6, 30)), ("2021年6月30日之前", dt.date(2021, 6, 30)),
    ("2024年底前，并长期坚持", dt.date(2024, 12, 31)), ("2021-06-30", dt.date(2021, 6, 30)),
    ("/", None), ("", None),
    ("立行立改", cells.DueText("immediate")), ("长期坚持", cells.DueText("long_term")),
    ("长期", cells.DueText("long_term")), ("持续", cells.DueText("long_term")),
    ("6月底前", cells.DueText("no_year", 6)), ("年底前", cells.DueText("no_year", 12)),
])
def test_due_dates_as_text(written, expected):
    assert cells.to_due(written) == expected


def test_due_text_resolved_by_the_inspection():
    end = dt.date(2021, 10, 10)
    assert cells.DueText("immediate").resolve(end) == end
    assert cells.DueText("no_year", 6).resolve(end) == dt.date(2022, 6, 30)  # June ended before October
    assert cells.DueText("no_year", 12).resolve(end) == dt.date(2021, 12, 31)
    assert cells.DueText("no_year", 10).resolve(end) == dt.date(2021, 10, 31)
    assert cells.DueText("long_term").resolve(end) is None


@pytest.mark.parametrize("written", ["2022年3月1日至4月4日", "2022年3月1日—2022年4月4日", "2022.3.1-2022.4.4",
                                     "2022/3/1~2022/4/4", "2022-03-01至2022-04-04"])
def test_date_ranges(written):
    assert cells.to_range(written) == cells.DateRange(dt.date(2022, 3, 1), dt.date(2022, 4, 4))


@pytest.mark.parametrize(("written", "expected"), [
    ("5个", 5), ("12件", 12), ("3条", 3), ("2人", 2), ("4人次", 4), ("6项", 6), ("1起", 1), ("/", None),
    ("—", None), ("－", None), ("-", None), ("无数据", None), ("无", 0),
])
def test_counts_with_units(written, expected):
    assert cells.to_count(written) == expected


@pytest.mark.parametrize(("written", "wan", "yuan_column"), [
    ("66.57万元", 66.57, 66.57), ("665700元", 66.57, 66.57), ("12.5", 12.5, 0.00125), ("/", None, None), ("无", 0, 0),
])
def test_money(written, wan, yuan_column):
    assert cells.to_money(written) == pytest.approx(wan)
    assert cells.to_money_yuan(written) == pytest.approx(yuan_column)


@pytest.mark.parametrize(("team", "level"), [
    ("市委第二巡察组", "municipal"), ("市委巡察组", "municipal"), ("市委第一轮巡察组", "municipal"),
    ("县委第二巡察组", "county"), ("区委第一巡察组", "county"), ("旗委巡察组", "county"), ("某县（区）委巡察组", "county"),
])
def test_level_from_team(team, level):
    assert cells.level_from_team(team) == level


@pytest.mark.parametrize(("written", "name"), [
    ("李官村委会", "李官村"), ("李官村村民委员会", "李官村"), ("城关居委会", "城关社区"), ("城关社区居委会", "城关社区"),
    ("城关社区居民委员会", "城关社区"), ("张家村党支部委员会", "张家村"), ("张家村党总支委员会", "张家村"),
])
def test_unit_name_suffixes(written, name):
    assert cells.to_name(written) == name


# ---------------------------------------------------------------- rejects that say why


def test_team_of_a_county_level_city_asks_for_a_level_column(con):
    header = [h for h in INSPECTION_HEADER if h != "巡察层级"]
    row = [v for h, v in zip(INSPECTION_HEADER, INSPECTION_ROWS[0], strict=True) if h != "巡察层级"]
    row[header.index("巡察组")] = "舞钢市委第一巡察组"
    result = run(con, roster_csv(), InputFile("i.csv", csv_bytes(table(header, [row]))))
    assert result.status == "rejected"
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.value) == (2, "巡察组", "舞钢市委第一巡察组")
    assert "巡察层级" in problem.suggestion


def test_csv_blank_required_cell_says_merged_cells_keep_their_first_cell(con):
    rows = [list(INSPECTION_ROWS[0]), list(INSPECTION_ROWS[1])]
    rows[0][INSPECTION_HEADER.index("县区")] = ""  # the first record's: no record above to take it from
    result = run(con, roster_csv(), InputFile("i.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.reason) == (2, "县区", "必填项为空")
    assert "合并" in problem.suggestion and "第一格" in problem.suggestion


def test_issue_list_without_category_or_headings_rejected_for_the_column(con):
    header = [h for h in ISSUE_HEADER if h != "问题类别"]
    rows = [[v for h, v in zip(ISSUE_HEADER, r, strict=True) if h != "问题类别"] for r in ISSUE_ROWS]
    result = run(con, roster_csv(), InputFile("x.csv", csv_bytes(table(header, rows))))
    assert result.status == "rejected"
    assert any("缺少必填列" in p.reason and "问题类别" in p.reason for p in result.problems)


def test_every_problem_of_every_row_at_once(con):
    """One of each problem; an end before its start is reported even beside the others."""
    rows = [
        dict(发现问题数="-1"),                                          # row 2: negative
        dict(发现问题数="2.5", **{"村(社区)": "李家村"}),                # row 3: decimal
        dict(巡察层级="省级", **{"村(社区)": "张家墩社区"}),              # row 4: unknown level
        dict(开始日期="某天", **{"村(社区)": "王庄村", "县区": "西城区", "乡镇街道": "河口镇"}),  # row 5: bad date
        dict(开始日期="2021-06-01", 结束日期="2021-05-01", 发现问题数="-3",
             **{"村(社区)": "不存在村"}),                                # row 6: end before start, negative, unit
    ]
    body = []
    for changes in rows:
        row = list(INSPECTION_ROWS[0])
        for header, value in changes.items():
            row[INSPECTION_HEADER.index(header)] = value
        body.append(row)
    for files in ([InputFile("i.csv", csv_bytes(table(INSPECTION_HEADER, body)))],
                  [InputFile("i.xlsx", xlsx_bytes({"巡察": table(INSPECTION_HEADER, body)}))]):
        result = run(con, roster_csv(), *files)
        where = {(p.row, p.column) for p in result.problems}
        assert {(2, "发现问题数"), (3, "发现问题数"), (4, "巡察层级"), (5, "开始日期"), (6, "结束日期"),
                (6, "发现问题数"), (6, "村(社区)")} <= where, where


def test_summary_in_a_label_column_and_notes_on_top_of_the_data(con):
    rows = [["填表说明：本表由各镇填报"], list(INSPECTION_ROWS[0]),
            ["", "", "", "", "", "", "东城区", "城关镇小计", "", 2, 1, 1, 2],
            ["", "", "", "", "", "", "小 计", "", "", 2, 1, 1, 2],
            list(INSPECTION_ROWS[1]), ["审核人：李某某"]]
    result = run(con, roster_csv(), InputFile("i.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    assert result.status == "imported", result.problems
    assert result.skipped == 4
    assert not any("李某某" in w for w in result.warnings)


def test_fast_path_hands_context_values_to_the_row_path(con, monkeypatch):
    """A large CSV with text due dates and a 小计 in a label column gives what the row path gives."""
    from inspection import readers

    rows = [list(r) for r in ISSUE_ROWS]
    rows[1][ISSUE_HEADER.index("整改时限")] = "立行立改"
    rows.insert(2, ["", "东城区", "城关镇小计", "", "", "", "", "", ""])
    files = [InputFile("i.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS))),
             InputFile("q.csv", csv_bytes(table(ISSUE_HEADER, rows)))]
    outcome = []
    for size in (0, 1 << 40):
        monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", size)
        connection = memory_store()
        result = run(connection, roster_csv(), *files)
        assert result.status == "imported", result.problems
        outcome.append((result.warnings, result.skipped, data_dump(connection)))
        connection.close()
    assert outcome[0] == outcome[1]
    due = [r for r in outcome[0][2]["issues"] if r[-2] == dt.date(2021, 5, 20)]
    assert len(due) == 1  # 立行立改: the inspection's end_date


def test_ods_merged_cells_fill_their_range():
    """The Excel reader gives no merged ranges for .ods: they are read from content.xml, so a district
    merged down over its villages is on every row, as in .xlsx (and the title and header blocks too)."""
    ods = {s.name: s.rows for s in readers.read_file("台账.ods", real_ods()[0].data)}
    xlsx = {s.name: s.rows for s in readers.read_file("台账.xlsx", real_xlsx()[0].data)}
    head = ods["巡察情况"][:5]
    assert head[0] == ["东城区2021年村（社区）巡察情况统计表"] * len(head[0])  # merged across the title row
    assert [row[1:3] for row in ods["巡察情况"][4:7]] == [["东城区", "城关镇"]] * 3  # merged down
    for name, rows in xlsx.items():
        assert [[str(c) for c in row] for row in ods[name][:len(rows)]] == [[str(c) for c in row] for row in rows]


def test_importer_module_has_no_layout_of_its_own():
    assert importer.recognise.layout is layout


def test_import_reports_its_stages(con):
    seen = []
    files = plain_files()
    result = importer.import_files(con, files, "tester", progress=lambda stage, info: seen.append((stage, info)))
    assert result.status == "imported"
    stages = [s for s, _ in seen]
    assert stages == ["read", "rows", "read", "rows", "read", "rows", "check", "write"]
    assert seen[2][1] == {"file": 2, "files": 3, "name": "inspections.csv"}
    assert seen[-2][1]["rows"] == 6 + 5 + 8
    assert importer.progress_text(*seen[2]) == "正在读取第 2/3 个文件：inspections.csv"
    assert importer.progress_text("rows", {"rows": 12345}, "en") == "12,345 rows read"


def test_cli_prints_stages_only_on_a_terminal(tmp_path, monkeypatch, capsys):
    from inspection import cli

    paths = []
    for item in plain_files():
        path = tmp_path / item.name
        path.write_bytes(item.data)
        paths.append(str(path))
    db = str(tmp_path / "x.duckdb")
    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    assert cli.main(["import", "--db", db, *paths]) == 0
    assert "正在读取" not in capsys.readouterr().err
    assert cli._print_stage("check", {"rows": 3}) is None
    assert "正在检查 3 行数据" in capsys.readouterr().err


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
def test_range_in_the_start_column_gives_both_dates(con, shape):
    header = [h for h in INSPECTION_HEADER if h != "结束日期"]
    rows = [[v for h, v in zip(INSPECTION_HEADER, r, strict=True) if h != "结束日期"] for r in INSPECTION_ROWS]
    rows[0][header.index("开始日期")] = "2021年3月15日至5月20日"
    rows[1][header.index("开始日期")] = "2021.3.15-2021.5.20"
    data = (csv_bytes(table(header, rows)) if shape == "csv" else xlsx_bytes({"巡察": table(header, rows)}))
    result = run(con, roster_csv(), InputFile(f"i.{shape}", data))
    assert result.status == "imported", result.problems
    dates = con.execute("SELECT DISTINCT start_date, end_date FROM inspections").fetchall()
    assert dates == [(dt.date(2021, 3, 15), dt.date(2021, 5, 20))]


def test_a_header_holding_a_person_word_is_dropped_too(con):
    header = ISSUE_HEADER + ["整改责任人及电话", "责任领导（签字）"]
    rows = [list(r) + ["王某某 13800000000", "李某某"] for r in ISSUE_ROWS]
    result = run(con, roster_csv(), InputFile("i.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS))),
                 InputFile("q.csv", csv_bytes(table(header, rows))))
    assert result.status == "imported", result.problems
    assert any("整改责任人及电话" in w and "责任领导" in w for w in result.warnings)
    assert not any("王某某" in w for w in result.warnings)
