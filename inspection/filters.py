"""The filter state shared by the pages, the exports and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

LEVELS = ("municipal", "county")

# Lists on screen show their first rows only (the query's $limit): at province scale thousands of
# units are uncovered early in a plan, and drawing every row (or sending it to the browser) cost
# seconds. How many there are comes from the page's totals; the whole last-mile list is a download.
LIST_ROWS = {"uncovered_units": 1000, "overdue_issues": 200}


def listing(name: str, params: dict, whole: bool = False) -> dict:
    """The parameters of a list query: the filters and the rows a page shows (all when whole)."""
    return {**params, "limit": None if whole else LIST_ROWS[name]}


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

    def params(self) -> dict:
        """Every filter as a named query parameter (empty list = all)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def active(self) -> dict:
        """The filters that narrow anything, for captions and file names."""
        default = Filters(as_of=self.as_of)
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name != "as_of" and getattr(self, f.name) != getattr(default, f.name)}
