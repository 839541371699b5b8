"""The coverage plan settings (全覆盖计划): read, validate, save, remove.

One row per district with its own plan, and the default row (district '*') for every other
district. target is a share of the roster, 0 < target <= 1. Reads go through the named query
`plan_settings_by_district`; writes use fixed SQL with bound parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from .errors import SettingsError
from .store import run_query, transaction

DEFAULT = "*"


class PlanError(SettingsError):
    """A plan that cannot be saved, with a message for the user."""


@dataclass(frozen=True)
class Plan:
    district: str
    plan_start: dt.date
    plan_end: dt.date
    target: float


def problems(plan: Plan) -> list[str]:
    """What is wrong with a plan (empty when it can be saved); messages in Chinese for the form."""
    out = []
    if not str(plan.district or "").strip():
        out.append("县区不能为空")
    if not isinstance(plan.plan_start, dt.date) or not isinstance(plan.plan_end, dt.date):
        out.append("开始日期和结束日期必须是日期")
    elif plan.plan_start >= plan.plan_end:
        out.append(f"开始日期 {plan.plan_start} 必须早于结束日期 {plan.plan_end}")
    try:
        target = float(plan.target)
    except (TypeError, ValueError):
        out.append(f"目标比例 {plan.target!r} 不是数字")
    else:
        if not (0 < target <= 1):
            out.append(f"目标比例必须大于 0 且不超过 100%（现为 {target:.0%}）")
    return out


def read(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The stored rows: the default '*' first, then the district overrides."""
    return run_query(con, "plan_settings_by_district", {})


def get(con: duckdb.DuckDBPyConnection, district: str = DEFAULT) -> Plan | None:
    rows = read(con)
    rows = rows[rows["district"] == district]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return Plan(district, pd.Timestamp(row["plan_start"]).date(), pd.Timestamp(row["plan_end"]).date(),
                float(row["target"]))


def save(con: duckdb.DuckDBPyConnection, plan: Plan, user: str) -> None:
    """Insert or replace one row (the default row when district is '*'). PlanError when invalid."""
    found = problems(plan)
    if found:
        raise PlanError("；".join(found))
    district = plan.district.strip()
    # delete + insert in one transaction, not INSERT OR REPLACE: a DuckLake table has no primary key
    with transaction(con, lambda reason: PlanError(key="err_plan_save", reason=reason)):
        con.execute("DELETE FROM plan_settings WHERE district = ?", [district])
        con.execute(
            "INSERT INTO plan_settings (district, plan_start, plan_end, target, updated_at, updated_by) "
            "VALUES (?, ?, ?, ?, now()::TIMESTAMP, ?)",
            [district, plan.plan_start, plan.plan_end, float(plan.target), user or ""])


def remove(con: duckdb.DuckDBPyConnection, district: str) -> None:
    """Drop a district's own plan (it falls back to the default). The default row stays."""
    if district == DEFAULT:
        raise PlanError(key="err_plan_default")
    try:
        con.execute("DELETE FROM plan_settings WHERE district = ?", [district])
    except duckdb.Error as exc:
        raise PlanError(key="err_plan_remove", reason=str(exc).splitlines()[0]) from None
