"""The filter state shared by the pages, the exports and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

LEVELS = ("municipal", "county")


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
