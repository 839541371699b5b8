"""The coverage lines by district (charts.district_coverage_over_time) are built as trace dicts and
not checked again: its traces equal their checked copies and hold numpy arrays as checked
traces do (the deck's native charts read their values)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from inspection import charts


def _frame(districts: list[str], plan: bool = True) -> pd.DataFrame:
    months = pd.date_range("2023-01-31", "2024-06-30", freq="ME").astype("datetime64[us]")
    rows = [{"district": d, "day": day, "coverage_rate": min(1.0, (k + 1) * 0.02 * i) if i != 4 else None,
             "plan_rate": i / len(months) if plan else None}
            for k, d in enumerate(districts) for i, day in enumerate(months)]
    frame = pd.DataFrame(rows)
    frame["district"] = frame["district"].astype("string")
    return frame


@pytest.mark.parametrize("plan", [True, False])
@pytest.mark.parametrize("with_total", [True, False])
def test_the_lines_equal_their_checked_copy(plan, with_total):
    frame = _frame(["县乙", "县甲", "县丙"], plan)
    total = frame.groupby("day", as_index=False)[["coverage_rate", "plan_rate"]].mean() if with_total else None
    fig = charts.district_coverage_over_time(frame, "各县区累计覆盖率", "zh", total)
    checked = go.Figure(data=fig.to_dict()["data"])  # valid traces, and the same once checked
    assert json.loads(fig.to_json())["data"] == json.loads(checked.to_json())["data"]
    assert [t.to_plotly_json().keys() for t in fig.data] == [t.to_plotly_json().keys() for t in checked.data]
    names = [trace.name for trace in fig.data]
    lines = ["县丙", "县乙", "县甲"]
    assert [n for n in names if n in lines] == lines  # by name, each with its plan line after it
    assert len(fig.data) == (2 if plan else 1) * (len(lines) + bool(with_total))
    for trace in fig.data:
        assert isinstance(trace.x, np.ndarray) and isinstance(trace.y, np.ndarray)
    first = fig.data[2 if with_total and plan else 1 if with_total else 0]
    assert first.name == "县丙"
    assert np.isnan(first.y[4]) and first.y[5] == pytest.approx(3 * 0.02 * 5 * 100)
