"""Resolve the units rows name: ids, the index of known units, the lookups it reads from the store."""

from __future__ import annotations

import difflib
import itertools
from collections import defaultdict

import duckdb

from .. import contract, traditional
from . import messages
from .model import Problem
from .temp import key_table


def unit_id_sql(s: str) -> str:
    """The unit id of the row of alias `s`: c:<code> when it has a code, else n:<district>|<township>|<name>."""
    return (f"CASE WHEN coalesce({s}.unit_code, '') <> '' THEN 'c:' || {s}.unit_code "
            f"ELSE 'n:' || {s}.district || '|' || {s}.township || '|' || {s}.unit_name END")


class UnitIndex:
    """The known units: the roster when there is one, else the inspected units.

    Given only `units`, it holds those. Given also a store (`con`; `source`: a relation with unit_id,
    unit_code, district, township, unit_name, the condition on its alias u that keeps the live
    units, and whether its rows repeat), it holds the incoming `units` and reads from the store only
    what lookups need: `load` the stored units that match the rows' keys by code or by
    (district, township, name), and the whole district of a key that does not resolve (for
    `suggest`; every unit only when a district is not known at all). Either way `resolve` and
    `suggest` answer as if every stored unit and then the incoming ones had been listed."""

    def __init__(self, units: list[tuple[str, str | None, str, str, str]],
                 con: duckdb.DuckDBPyConnection | None = None, source: tuple[str, str, bool] | None = None):
        self.by_code: dict[str, str] = {}
        self.by_name: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.names_by_district: dict[str, set[str]] = defaultdict(set)
        self.townships: set[tuple[str, str]] = set()  # (district, township) of every unit held
        self._con, self._source = con, source
        self._pinned: set[str] = set()  # codes of the incoming units: they win over stored ones
        # what has been read from the store: codes, (district, township, name) keys, whole districts
        self._codes: set[str] = set()
        self._names: set[tuple[str, str, str]] = set()
        self._districts: set[str] = set()
        self._all = source is None  # every unit is held
        self._add(units, pinned=True)
        self.empty = not units and (self._all or not con.execute(
            f"SELECT EXISTS (SELECT 1 FROM {source[0]} u WHERE {source[1]})").fetchone()[0])

    def _add(self, units, pinned: bool) -> None:
        for unit_id, code, district, township, name in units:
            if code and (pinned or code not in self._pinned):
                self.by_code[code] = unit_id
                if pinned:
                    self._pinned.add(code)
            self.by_name[(district, township, name)].add(unit_id)
            self.names_by_district[district].add(f"{township}/{name}")
            self.townships.add((district, township))

    def extend(self, units) -> None:
        """Add more incoming units (as if given to the constructor)."""
        if units:
            self._add(units, pinned=True)
            self.empty = False

    def _read(self, join: str = "") -> list[tuple]:
        relation, live, repeats = self._source
        return self._con.execute(f"SELECT {'DISTINCT ' if repeats else ''}u.unit_id, u.unit_code, u.district, "
                                 f"u.township, u.unit_name FROM {relation} u {join} WHERE {live}").fetchall()

    def load(self, keys) -> None:
        """Read the stored units these (unit_code, district, township, unit_name) keys may resolve to,
        and the districts of the keys that resolve to none (for their suggestions)."""
        if self._all:
            return
        keys = set(keys)
        codes = {k[0] for k in keys if k[0]} - self._codes
        names = {k[1:] for k in keys} - self._names
        if codes or names:
            con = self._con
            key_table(con, "unit_lookup_codes", ["code"], [(c,) for c in codes])
            key_table(con, "unit_lookup_names", ["district", "township", "unit_name"], names)
            try:
                # two equi-joins, not one join ON a OR b
                found = self._read("JOIN unit_lookup_codes k ON u.unit_code = k.code")
                found += self._read("JOIN unit_lookup_names k ON u.district = k.district "
                                    "AND u.township = k.township AND u.unit_name = k.unit_name")
            finally:
                con.execute("DROP TABLE IF EXISTS unit_lookup_codes")
                con.execute("DROP TABLE IF EXISTS unit_lookup_names")
            self._add(found, pinned=False)
            self._codes |= codes
            self._names |= names
        self.load_districts(k[1] for k in keys if self._lookup(k[0], k[1:])[0] is None)

    def load_districts(self, districts) -> None:
        """Read every stored unit of these districts."""
        todo = set(districts) - self._districts
        if self._all or not todo:
            return
        key_table(self._con, "unit_lookup_districts", ["district"], [(d,) for d in todo])
        try:
            self._add(self._read("JOIN unit_lookup_districts k ON u.district = k.district"), pinned=False)
        finally:
            self._con.execute("DROP TABLE IF EXISTS unit_lookup_districts")
        self._districts |= todo

    def _lookup(self, code: str | None, key: tuple[str, str, str]) -> tuple[str | None, str | None]:
        if code and code in self.by_code:
            return self.by_code[code], None
        ids = self.by_name.get(key, set())
        if len(ids) == 1:
            return next(iter(ids)), None
        if len(ids) > 1:
            return None, messages.AMBIGUOUS_UNIT
        return None, messages.NOT_IN_ROSTER

    def resolve(self, values: dict) -> tuple[str | None, str | None]:
        """(unit_id, None) or (None, reason). A name written after its own township or district
        (城关镇张家村, 东城区城关镇张家村, as a 巡察对象 column writes it) that no unit has is the unit of
        the name without them, when there is one."""
        code, key = values.get("unit_code"), (values["district"], values["township"], values["unit_name"])
        if not self._all and ((code and code not in self._codes) or key not in self._names):
            self.load([(code, *key)])  # not loaded beforehand: one query for this row
        uid, why = self._lookup(code, key)
        if uid is None and why == messages.NOT_IN_ROSTER:
            # then in simplified characters (張莊村, 臨潁縣: a traditional input method or a converted file)
            simple = tuple(contract.normalise_name(traditional.simplified(part)) for part in key)
            for other in itertools.chain(self._spellings(key), [simple] if simple != key else [],
                                         self._spellings(simple) if simple != key else []):
                if not self._all and other not in self._names:
                    self.load([(None, *other)])
                found, _ = self._lookup(None, other)
                if found is not None:
                    return found, None
        return uid, why

    def _spellings(self, key: tuple[str, str, str]):
        """Other keys the same unit may have: its name without its own place written before it or in
        brackets after it (or with it, where the roster writes it so), its new or its former name where
        it states both (新村（原张家村）), and a district or township no unit has written with or
        without its suffix (东城 for the one district 东城区, 城关镇 for 城关 where 城关 is the one of
        城关镇 / 城关乡 / 城关街道 there is), or a 乡 become a 镇 (柳林乡 for the one 柳林镇)."""
        district, township, name = key
        districts = [district]
        if not self._known_district(district):
            districts = self._place(district, contract.DISTRICT_SUFFIXES, contract.DISTRICT_OFFICES,
                                    self._known_district) or districts
        for d in districts:
            townships = [township]
            if not self._known_township(d, township):
                townships = self._place(township, contract.TOWNSHIP_SUFFIXES, contract.TOWNSHIP_OFFICES,
                                        lambda t, d=d: self._known_township(d, t)) or townships
            for t in townships:
                if (d, t) != (district, township):
                    yield d, t, name
                if bare := _without_place((d, t, name)) or _without_place((district, township, name)):
                    yield d, t, bare[2]
                else:  # the roster writes the place before the name (城关镇张家村) and this row does not
                    yield d, t, t + name
                    yield d, t, d + t + name
                for other in contract.renamed_unit(name):
                    yield d, t, other
                for other in contract.without_noise(bare[2] if bare else name):
                    yield d, t, other
                if (near := self._near(d, t, name)) is not None:
                    yield d, t, near

    def _near(self, district: str, township: str, name: str) -> str | None:
        """The one unit of this township whose name is this one with its numbers written the other way
        (城关1村 for 城关一村, 三0村 or 三零村 for 三〇村), or without its 村 or 社区 (张庄 for 张庄村), else None."""
        if not name or not self._known_township(district, township):
            return None
        prefix, folded, suffixed = f"{township}/", contract.numerals_folded(name), contract.with_unit_suffix(name)
        found = {n[len(prefix):] for n in self.names_by_district[district] if n.startswith(prefix)}
        found = {n for n in found if contract.numerals_folded(n) == folded or n in suffixed}
        return next(iter(found)) if len(found) == 1 else None

    def _known_district(self, district: str) -> bool:
        self.load_districts([district])
        return district in self.names_by_district

    def _known_township(self, district: str, township: str) -> bool:
        return self._known_district(district) and (district, township) in self.townships

    def _place(self, place: str, suffixes: tuple[str, ...], offices: tuple[tuple[str, str], ...], known) -> list[str]:
        """The one known place a place no unit has may be: written as its government or committee
        (城关镇人民政府, 河口街道办事处), or without or with its suffix (东城 / 东城区), else []."""
        bare = next((place[: -len(office)] + suffix for office, suffix in offices
                     if place.endswith(office) and len(place) > len(office) + 1), place)
        if bare != place and known(bare):
            return [bare]
        return self._one_of(_suffixed(bare, suffixes, renamed=suffixes == contract.TOWNSHIP_SUFFIXES), known)

    @staticmethod
    def _one_of(candidates: list[str], known) -> list[str]:
        found = [c for c in candidates if known(c)]
        return found if len(found) == 1 else []

    def suggest(self, values: dict) -> str | None:
        district, township, name = values["district"], values["township"], values["unit_name"]
        self.load_districts([district])
        if district not in self.names_by_district and not self._all:
            self._add(self._read(), pinned=False)  # a district no unit has: every name is a candidate
            self._all = True
        pool = self.names_by_district.get(district) or {n for s in self.names_by_district.values() for n in s}
        close = difflib.get_close_matches(f"{township}/{name}", sorted(pool), n=3, cutoff=0.5)
        hints = []
        if district not in self.names_by_district:
            # the unit itself may be right and only the district misspelt: say so first
            known = difflib.get_close_matches(district, sorted(self.names_by_district), n=3, cutoff=0.3)
            hints.append(messages.unknown_district(district, known))
        if close:
            hints.append(messages.did_you_mean(close))
        return "；".join(hints) or None


def _suffixed(place: str, suffixes: tuple[str, ...], renamed: bool = False) -> list[str]:
    """The place written without its suffix (东城区 -> 东城), or with each (东城 -> 东城区, 东城县...); with
    `renamed`, a 乡 also as a 镇 and a 镇 as a 乡, as a township that became a town (撤乡设镇: 柳林乡 -> 柳林镇)
    is written in a ledger older than the roster (a 镇 is no 街道: a town and a subdistrict of one stem may
    both be there)."""
    for suffix in suffixes:
        if place.endswith(suffix) and len(place) > len(suffix) + 1:
            stem = place[: -len(suffix)]
            return [stem, *(stem + other for other in contract.TOWNSHIP_RENAMED_AS.get(suffix, ()) if renamed)]
    return [place + suffix for suffix in suffixes]


_PLACE_MARKS = "-－—–/／\\·・•、|_ "


def _without_place(key: tuple[str, str, str]) -> tuple[str, str, str] | None:
    """(district, township, name) with the name's own district and township written before it
    dropped (东城区城关镇张家村, 城关镇张家村, 东城区张家村), or None."""
    district, township, name = key
    if not name:
        return None
    # the places may be set off by a mark (城关镇-张家村, 东城区/城关镇/张家村, 城关镇·张家村, 城关镇、张家村)
    for places in ((district, township), (township,), (district,)):
        rest = name
        for place in places:
            if not place or not rest.startswith(place):
                break
            rest = rest[len(place):].lstrip(_PLACE_MARKS)
        else:
            if rest:
                return district, township, rest
    for place in (district + township, township, district):  # 张家村（城关镇）: the place in brackets after it
        if place and name.endswith(f"({place})") and len(name) > len(place) + 2:
            return district, township, name[: -len(place) - 2]
    return None



def refers_to(problem: Problem, tables: set[str]) -> bool:
    """Whether the problem is a row naming a unit or inspection that one of these tables must hold."""
    return any(problem.reason.startswith(r) or problem.reason.endswith(r)
               for t in tables for r in messages.REFERENCES.get(t, ()))
