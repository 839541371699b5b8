"""What the galleries of values as clerks write them share (tests/importer/test_unseen_values5.py onwards):
an inspection row as a dict of its header's cells, a ledger of such rows, a roster, and the rows as stored."""

from __future__ import annotations

from inspection.importer import InputFile
from support.ledgers import ROSTER_HEADER, csv_bytes, table

HEADER = ["轮次", "巡察层级", "巡察组", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)", "发现问题数"]


def roster(rows: list[list[object]]) -> InputFile:
    return InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, rows)))


def inspection(**written) -> dict[str, object]:
    """东城区城关镇李家村's inspection of 2022年第一轮 with 3 issues, the cells `written` as given."""
    row = dict(zip(HEADER, ["2022年第一轮", "县级", "县委第一巡察组", "2022-03-15", "2022-04-20", "东城区", "城关镇",
                            "李家村", 3], strict=True))
    row.update(written)
    return row


def ledger(rows: list[dict], name: str = "巡察情况.csv", drop=()) -> InputFile:
    """A CSV of `rows` (dicts of one header), without the columns `drop` names."""
    header = [h for h in rows[0] if h not in drop]
    return InputFile(name, csv_bytes(table(header, [[r[h] for h in header] for r in rows])))


def stored(con) -> list[tuple]:
    return con.execute("SELECT district, township, unit_name, start_date::VARCHAR, end_date::VARCHAR, issues_found "
                       "FROM inspections WHERE superseded_by IS NULL ORDER BY 1, 2, 3").fetchall()
