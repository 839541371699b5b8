"""The TEMP tables the steps share: SQL types of the fields, values as SQL text, frames written in."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

SQL_TYPES = {"count": "BIGINT", "money": "DOUBLE", "date": "DATE", "bool": "BOOLEAN", "range": "DATE", "due": "DATE",
              "money_yuan": "DOUBLE"}


def as_sql_text(value: object) -> str | None:
    """A converted value as text that CASTs back to the same value in SQL."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def key_table(con: duckdb.DuckDBPyConnection, name: str, columns: list[str], rows) -> None:
    """TEMP table `name` of VARCHAR `columns` holding `rows` (the caller drops it)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({', '.join(c + ' VARCHAR' for c in columns)})")
    frame = pd.DataFrame(list(rows), columns=columns, dtype=object)
    if frame.empty:
        return
    con.register("key_frame", frame)
    try:
        con.execute(f"INSERT INTO {name} SELECT {', '.join(columns)} FROM key_frame")
    finally:
        con.unregister("key_frame")


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame, columns: str | None = None) -> None:
    """Append `frame` (a DataFrame or an Arrow table) to TEMP table `table`."""
    con.register("fast_frame", frame)
    try:
        names = columns or ", ".join(frame.columns if isinstance(frame, pd.DataFrame) else frame.column_names)
        con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM fast_frame")
    finally:
        con.unregister("fast_frame")
