"""Built figures are cached by builder and input (ui.state.figure): the cached figure sends the very
chart the builder draws, each call gives a new figure (a page's change to its title stays its own),
and a new import's data builds again."""

from __future__ import annotations

import functools
import json

import pandas as pd
import plotly.io as pio
import pytest
import streamlit as st

from inspection import charts, charts_followup
from ui import state


@pytest.fixture(autouse=True)
def clean_cache():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _frame(rate: float = 0.5) -> pd.DataFrame:
    months = pd.date_range("2024-01-01", periods=6, freq="MS")
    return pd.DataFrame({"district": ["甲区"] * 6 + ["乙县"] * 6, "day": list(months) * 2,
                         "units_total": [10] * 12, "units_covered": list(range(6)) * 2,
                         "coverage_rate": [rate * i / 5 for i in range(6)] * 2,
                         "plan_rate": [0.1 * i for i in range(6)] * 2})


def _sent(fig) -> dict:
    return json.loads(pio.to_json(fig.to_dict(), validate=False))  # what st.plotly_chart sends


def test_the_cached_figure_is_the_built_one_and_each_call_a_new_figure():
    lines = _frame()
    built = charts.district_coverage_over_time(lines, "各县区累计覆盖率", "zh", None)
    first = state.figure(charts.district_coverage_over_time, lines, "各县区累计覆盖率", "zh", None)
    first.update_layout(title_text="changed by the page")
    again = state.figure(charts.district_coverage_over_time, lines, "各县区累计覆盖率", "zh", None)
    assert _sent(again) == _sent(built)
    assert again.layout.title.text == "各县区累计覆盖率"
    other = state.figure(charts.district_coverage_over_time, _frame(0.8), "各县区累计覆盖率", "zh", None)
    assert _sent(other) == _sent(charts.district_coverage_over_time(_frame(0.8), "各县区累计覆盖率", "zh", None))
    assert _sent(other) != _sent(built)


def test_a_builder_of_another_module_and_the_cache_cleared_after_an_import(monkeypatch):
    totals = pd.DataFrame([{"listed_issues": 10, "listed_rectified": 6, "long_term": 1, "open_in_time": 2,
                            "overdue": 1}])
    calls = []
    real = charts_followup.rectification_status_bar

    @functools.wraps(real)  # the builder is found by its module and name
    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(charts_followup, "rectification_status_bar", counted)
    fig = state.figure(charts_followup.rectification_status_bar, totals, "zh")
    state.figure(charts_followup.rectification_status_bar, totals, "zh")
    assert len(calls) == 1 and _sent(fig) == _sent(real(totals, "zh"))
    monkeypatch.setattr(st, "session_state", {})
    state.clear_caches()
    state.figure(charts_followup.rectification_status_bar, totals, "zh")
    assert len(calls) == 2
