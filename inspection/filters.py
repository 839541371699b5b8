"""The filter state shared by the pages, the exports and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

LEVELS = ("municipal", "county")

# The grains of the "by district" figures: the districts, the townships of one district, the units
# of one township. Filters.grain() chooses one from the unit filters; the queries group by
# area($grain, ...) (queries/_views.sql), so every page, export and briefing follows the same rule.
GRAINS = ("district", "township", "unit")

# Lists on screen show their first rows only (the query's $limit): at province scale thousands of
# units are uncovered early in a plan, and drawing every row (or sending it to the browser) cost
# seconds. How many there are comes from the page's totals; the whole last-mile list is a download.
LIST_ROWS = {"uncovered_units": 1000, "overdue_issues": 200}


def listing(name: str, params: dict, whole: bool = False) -> dict:
    """The parameters of a list query: the filters and the rows a page shows (all when whole)."""
    return {**params, "limit": None if whole else LIST_ROWS[name]}


def default_as_of(frame) -> dt.date:
    """The as-of filter's default: 数据截至, the latest day the data covers (the one row of
    queries/data_as_of.sql), or today for a store without a dated row."""
    day = frame.iloc[0, 0] if len(frame) else None
    if day is None or day != day:  # None, NaT
        return dt.date.today()
    return day.date() if isinstance(day, dt.datetime) else day


def scope(districts, townships) -> tuple[str | None, str | None]:
    """(district, township) that the district and township filters narrow to, each None unless
    exactly one. Townships are written 'district/township' (the sidebar's values); a bare township
    name says nothing of its district."""
    districts, townships = list(districts or ()), list(townships or ())
    township = None
    if len(townships) == 1:
        township = townships[0].partition("/")[2] or townships[0]
    implied = {t.partition("/")[0] for t in townships if "/" in t}
    if districts:
        implied = (implied & set(districts)) if implied else set(districts)
    district = next(iter(implied)) if len(implied) == 1 else None
    return district, township


@dataclass(frozen=True)
class Filters:
    districts: tuple[str, ...] = ()
    townships: tuple[str, ...] = ()
    unit_types: tuple[str, ...] = ()
    poverty_only: bool = False
    rounds: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    levels: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    as_of: dt.date = field(default_factory=dt.date.today)
    categories: tuple[str, ...] = ()
    # the grain when set (a page's group of districts keeps the district grain even when it is one)
    grain_of: str | None = None

    def params(self) -> dict:
        """Every filter as a named query parameter (empty list = all), and the grain ($grain)."""
        out = {}
        for f in fields(self):
            if f.name == "grain_of":
                continue
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        out["grain"] = self.grain()
        return out

    def scope(self) -> tuple[str | None, str | None]:
        """(district, township) the unit filters narrow to, each None unless exactly one."""
        return scope(self.districts, self.townships)

    def grain(self) -> str:
        """'unit' when one township is chosen, 'township' when the units lie in one district, else
        'district' (zero or several districts)."""
        if self.grain_of in GRAINS:
            return self.grain_of
        district, township = self.scope()
        if township is not None:
            return "unit"
        return "township" if district is not None else "district"

    def drill(self, label: str) -> tuple[str, str]:
        """The sidebar filter (key, value) a click on the bar `label` of a by-area chart sets: the
        district, or the township of the one district ('district/township'); ('unit', name) at the
        unit grain."""
        grain = self.grain()
        if grain == "district":
            return "district", label
        if grain == "township":
            return "township", f"{self.scope()[0]}/{label}"
        return "unit", label

    def narrows_inspections(self) -> bool:
        """A round, year, level or mode filter counts only some inspections: coverage then means
        "covered by these inspections" and the plan figures (plan_applies in queries/_views.sql,
        which says the same) are left out."""
        return bool(self.rounds or self.levels or self.modes
                    or self.year_from is not None or self.year_to is not None)

    def active(self) -> dict:
        """The filters that narrow anything, for captions and file names."""
        default = Filters(as_of=self.as_of)
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("as_of", "grain_of") and getattr(self, f.name) != getattr(default, f.name)}
