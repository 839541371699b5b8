"""What an import reads, finds and returns: the records, staged rows and results between its steps."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import asdict, dataclass, field

from .. import cells, contract, mappings
from ..contract import Table


@dataclass
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    reason: str
    suggestion: str | None = None
    unknown: mappings.Unknown | None = None  # what a mapping could answer (the import page asks)

    def __post_init__(self):
        # a quoted cell may hold a name after its role, an ID or a phone number (由王某某负责 stays: a name in a
        # sentence cannot be told): every message shows it without them, as the store keeps it
        for name in ("value", "reason", "suggestion"):
            text = getattr(self, name)
            if type(text) is str:
                setattr(self, name, cells.hide_personal(text))


@dataclass
class ImportResult:
    status: str  # imported | unchanged | rejected
    added: int = 0
    replaced: int = 0
    skipped: int = 0  # rows that were no records: 合计/小计, 说明/备注
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None
    tables: dict[str, int] = field(default_factory=dict)
    mappings: list[mappings.Mapping] = field(default_factory=list)  # the mappings this import used
    questions: mappings.Questions | None = None  # rejected only for what mappings could answer
    unchanged: int = 0  # rows identical to what the store held: nothing to write
    changes: list[dict] = field(default_factory=list)  # what the replaced rows changed (Loader.changes)

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "added": self.added,
            "replaced": self.replaced,
            "skipped": self.skipped,
            "unchanged": self.unchanged,
            "changes": self.changes,
            # the problems as a clerk reads them; what mappings could answer is in "questions"
            "problems": [{k: v for k, v in asdict(p).items() if k != "unknown"} for p in self.problems],
            "warnings": self.warnings,
            "import_id": self.import_id,
            "mappings_used": [m.to_json() for m in self.mappings],
            "questions": self.questions.to_json() if self.questions else None,
        }


@dataclass
class InputFile:
    name: str
    data: bytes

    @functools.cached_property
    def sha256(self) -> str:  # asked for several times per import; a large file takes a while
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Record:
    file: str
    sheet: str
    row: int
    values: dict
    columns: dict  # field -> header as written, for messages


@dataclass
class ParsedSheet:
    file: str
    sheet: str
    table: Table
    records: list[Record]
    skipped: int
    # a workbook's sheet refused for its missing columns that names no unit and says it is statistics
    # (its name, a pivot table's captions): left out instead when another sheet of the workbook is read
    statistics: bool = False
    document: bool = False  # a table of a Word (or OpenDocument text) document, not a worksheet


@dataclass
class StagedSheet:
    """The data rows of a large CSV read and converted in DuckDB (`Importer._parse_fast`).

    TEMP table `table` has `r` (the row number as Excel shows it) and one typed column per field of
    `fields`; it stands in by_table for the Records of that sheet, in the same place."""

    file: str
    sheet: str | None
    table: str
    fields: list[str]
    columns: dict  # field -> header as written, for messages
    rows: int


@dataclass
class StagedRows:
    """Validated rows waiting in a TEMP table, standing in for a DataFrame of `validate`."""

    table: str
    columns: list[str]
    count: int

    @property
    def empty(self) -> bool:
        return self.count == 0

    def __len__(self) -> int:
        return self.count


MAX_PROBLEMS = 5000
MAX_CHANGES = 10_000  # entries of an import's change list (ImportResult.changes)
EARLIEST_START = "2000-01-01"  # an inspection starting before it, or after today, is named for the clerk to check
LARGE_FUNDS = 1_000  # 万元 of funds_recovered from one inspection that the import asks the clerk to check
# due_kind, due_month, due_day: a due date written relative to the feedback (cells.DueText), kept as
# written and resolved by the live views against the inspection's current end_date (due_date NULL)
ISSUE_COLUMNS = ["round", "unit_id", "seq", "category", "subcategory", "description", "status", "due_date",
                 "rectified_date", "due_kind", "due_month", "due_day"]
KEYS = {"roster": ["unit_id"], "inspections": ["round", "unit_id"], "issues": ["round", "unit_id"]}
ROSTER_COLUMNS = ["unit_id", "district", "township", "unit_name", "unit_code", "unit_type", "is_poverty_village",
                  "is_weak_org"]
INSPECTION_COLUMNS = ["round", "unit_id", "district", "township", "unit_name", "unit_code", "level", "team", "mode",
                      "start_date", "end_date", *contract.COUNT_FIELDS, "funds_recovered"]


@dataclass
class DiffPlan:
    """What an import would do to one table; the rows wait in TEMP tables stage_/plan_<table>."""

    table: str
    columns: list[str]
    keys: list[str]
    added: int
    replaced: int
    unchanged: int
