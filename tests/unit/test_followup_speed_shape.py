"""The projection small multiples drawn cheaply (inspection/charts_followup.projection_small_multiples):
one axis pair per row of panels, one trace per series and row with None between districts. The
figure still carries every district's covered / planned / projected points, the panels keep their
order and red titles, and the figure is valid plotly (it is built without validation)."""

from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from inspection import charts_followup


def _frame(districts: list[str]) -> pd.DataFrame:
    """Monthly points 2022-01..2023-12 per district; covered ends mid-2023, projected starts there."""
    rows = []
    months = pd.date_range("2022-01-31", "2023-12-31", freq="ME")
    for k, district in enumerate(districts):
        for i, day in enumerate(months):
            covered = min(1.0, (k + 1) * 0.01 * i) if i <= 17 else None
            projected = min(1.0, (k + 1) * 0.01 * i + 0.05) if i >= 17 else None
            rows.append({"district": district, "point_date": day, "covered_share": covered,
                         "planned_share": i / (len(months) - 1), "projected_share": projected})
    return pd.DataFrame(rows)


def _plan(districts: list[str], behind: set[str]) -> pd.DataFrame:
    return pd.DataFrame({"district": districts + [None], "is_total": [False] * len(districts) + [True],
                         "behind": [d in behind for d in districts] + [False]})


def _points(fig: go.Figure) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """(district, series name) -> [(day, value)] read back from the traces' customdata."""
    found: dict[tuple[str, str], list[tuple[str, float]]] = {}
    for trace in fig.data:
        for custom, y in zip(trace.customdata, trace.y, strict=True):
            if custom is None:
                assert y is None  # the gap between two districts
                continue
            found.setdefault((custom[0], trace.name), []).append((custom[1], y))
    return found


@pytest.mark.parametrize("count", [1, 5, 12])
def test_every_district_keeps_its_points(count):
    districts = [f"县{i:02d}" for i in range(count)]
    frame = _frame(districts)
    fig = charts_followup.projection_small_multiples(frame, _plan(districts, set()), "zh")
    names = {"covered_share": charts_followup.t("fu_actual"), "planned_share": charts_followup.t("fu_planline"),
             "projected_share": charts_followup.t("fu_projection")}
    points = _points(fig)
    for district in districts:
        part = frame[frame["district"] == district]
        for column, name in names.items():
            values = part[["point_date", column]].dropna()
            expected = [(d.strftime("%Y-%m-%d"), pytest.approx(float(v))) for d, v in
                        zip(values["point_date"], values[column], strict=True)]
            assert points[(district, name)] == expected
    assert {tr.line.dash for tr in fig.data} >= {"dash", "dot"}
    assert sum(tr.showlegend is not False for tr in fig.data) == 3  # one legend entry per series


def test_rows_of_districts_interleaved_as_the_store_returns_them():
    """The points are read from the frame's columns by position (Arrow-backed text, rows of the
    districts interleaved, a missing value inside a line): each district keeps its own points in
    the frame's order, and x is the day's place on the panel's time axis."""
    districts = ["县甲", "县乙", "县丙"]
    frame = _frame(districts).sort_values(["point_date", "district"], kind="stable").reset_index(drop=True)
    frame.loc[5, "planned_share"] = None
    frame["district"] = frame["district"].astype("string[pyarrow]")
    fig = charts_followup.projection_small_multiples(frame, _plan(districts, set()), "zh")
    points = _points(fig)
    start, end = frame["point_date"].min(), frame["point_date"].max()
    for district in districts:
        part = frame[frame["district"] == district]
        values = part[["point_date", "planned_share"]].dropna()
        assert points[(district, charts_followup.t("fu_planline"))] == [
            (d.strftime("%Y-%m-%d"), float(v)) for d, v in zip(values["point_date"], values["planned_share"],
                                                               strict=True)]
    first = fig.data[0]  # the plan line of the first row: 县甲's points on the first panel, from x = 0
    assert first.x[0] == 0
    col = districts.index("县乙")
    day = pd.Timestamp(frame.loc[frame["district"] == "县乙", "point_date"].iloc[-1])
    step = 1 + charts_followup.PANEL_GAP
    assert max(x for x in first.x if x is not None and x < (col + 1) * step) == pytest.approx(
        col * step + (day - start).total_seconds() / (end - start).total_seconds())


def test_panels_order_titles_and_axes():
    districts = [f"县{i:02d}" for i in range(12)]
    fig = charts_followup.projection_small_multiples(_frame(districts), _plan(districts[::-1], {"县03", "县07"}))
    titles = [a.text for a in fig.layout.annotations]
    assert [re.sub(r"<[^>]*>", "", t).replace("⚠ ", "") for t in titles] == districts[::-1]  # the plan's order
    red = [re.sub(r"<[^>]*>", "", t).replace("⚠ ", "") for t in titles if charts_followup.BEHIND_COLOR in t]
    assert sorted(red) == ["县03", "县07"]
    spec = fig.to_dict()["layout"]
    assert sorted(k for k in spec if k.startswith(("xaxis", "yaxis"))) == [
        "xaxis", "xaxis2", "xaxis3", "yaxis", "yaxis2", "yaxis3"]  # 3 rows of 4 panels
    assert spec["yaxis"]["tickformat"] == ".0%" and "%" in spec["yaxis"]["tickformat"]
    assert fig.layout.title.text == charts_followup.t("fu_chart_projection")
    # built without validation: the same figure validates
    go.Figure(fig.to_dict())


def test_a_short_last_row_labels_only_its_panels():
    districts = [f"县{i:02d}" for i in range(6)]
    spec = charts_followup.projection_small_multiples(_frame(districts)).to_dict()["layout"]
    assert len(spec["xaxis2"]["ticktext"]) * 2 == len(spec["xaxis"]["ticktext"])  # 2 panels under 4


def test_empty_frame():
    fig = charts_followup.projection_small_multiples(_frame([]).iloc[0:0])
    assert fig.layout.annotations[0].text
