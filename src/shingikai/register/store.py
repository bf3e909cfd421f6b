"""Where the register's rows wait for the last file: a private temporary SQLite database.

Rows are ordered by what only the whole run knows (the meetings that place the cases;
report.md: 年度, meeting date, agenda order, file name, section, item), and two views
order the same long table again (by 相手方, by 項目). On disk, with SQLite's page cache
and sorter bounded, the register of 10,000 cases needs no more memory than that of ten:
a run keeps no case model and no row, only the agenda items of its meetings.

A case is kept as one record, its own rows packed in it (`marshal`): the long table is
read case by case, each case's texts made once for all its rows. The table of single
rows that 相手方別 and 項目別 sort is made from those records when one of them is read.
"""

import marshal
import sqlite3
from collections.abc import Iterable, Iterator
from enum import Enum
from typing import Final, NamedTuple

from ..errors import ShingikaiError
from ..model.eras import fiscal_year_label
from .table import CaseRow, Row

_SCHEMA: Final = """
CREATE TABLE cases (
    id INTEGER PRIMARY KEY, key TEXT, file TEXT, kind TEXT, title TEXT, departments TEXT,
    period_year INTEGER, flagged INTEGER, rows BLOB
);
CREATE TABLE places (
    key TEXT PRIMARY KEY, year INTEGER, day TEXT, number INTEGER, list_order INTEGER, item INTEGER,
    meeting TEXT, agenda TEXT, decision TEXT, flagged INTEGER
);
-- The cases in the order of the long table (its rank), with what their meeting gives them.
CREATE TABLE listing (
    rank INTEGER PRIMARY KEY, case_id INTEGER, year INTEGER, label TEXT, meeting TEXT, agenda TEXT,
    decision TEXT, flagged INTEGER
);
"""
_YEAR: Final = "COALESCE(p.year, c.period_year)"
# report.md's order of the long table, case by case: a case without a year last; within a
# year the cases on no meeting after those on one; cases on the same meeting item (none,
# or the same relative path in two repositories) in the order they were read.
_LIST_CASES: Final = f"""
INSERT INTO listing (case_id, year, label, meeting, agenda, decision, flagged)
SELECT c.id, {_YEAR}, year_label({_YEAR}), IFNULL(p.meeting, ''), IFNULL(p.agenda, ''), IFNULL(p.decision, ''),
       c.flagged OR IFNULL(p.flagged, 0)
FROM cases c LEFT JOIN places p ON p.key = c.key
ORDER BY {_YEAR} IS NULL, {_YEAR}, p.day IS NULL, p.day, p.number, p.list_order, p.item, c.file, c.id
"""
_CASES: Final = """
SELECT l.label, l.meeting, l.agenda, c.kind, c.title, c.departments, l.decision, c.file, l.flagged, c.id, c.rows
FROM listing l JOIN cases c ON c.id = l.case_id
"""
# A row alone, by its case's rank in the long table, for the views that sort rows.
_ROWS_SCHEMA: Final = """
CREATE TABLE rows (
    rank INTEGER, position INTEGER, section TEXT, item TEXT, item_rank INTEGER, counterpart TEXT, notice TEXT,
    unnamed INTEGER
)
"""
_ROWS: Final = """
SELECT l.label, l.meeting, l.agenda, c.kind, c.title, c.departments, r.section, r.item, r.counterpart, r.notice,
       l.decision, c.file, l.flagged, c.id
FROM rows r INDEXED BY {index} JOIN listing l ON l.rank = r.rank JOIN cases c ON c.id = l.case_id
"""


class CaseRecord(NamedTuple):
    """A case as the register keeps it: what its rows share, and its rows."""

    # The file's real path: how a meeting's agenda names it.
    key: str
    # Relative to the case repository (ファイル).
    file: str
    kind: str
    title: str
    departments: str
    # The fiscal year of the first date of its `period`, if that date has a year.
    period_year: int | None
    # Its rows as `pack` packs them: made where the case was linted, stored as they come.
    rows: bytes


def pack(rows: Iterable[CaseRow]) -> bytes:
    """A case's rows as its record in the store holds them."""
    return marshal.dumps([tuple(row) for row in rows])


class Place(NamedTuple):
    """An agenda item: which case a meeting took up, where on its agenda, with what result."""

    key: str
    year: int | None
    # The meeting's day (ISO), None when its date names no day (W405).
    day: str | None
    number: int
    list_order: int
    index: int
    meeting: str
    agenda: str
    decision: str

    @property
    def when(self) -> tuple[int, str, int]:
        """What orders the meetings: the latest is the one whose result the register shows."""
        return (self.year or 0, self.day or "", self.number)


class Order(Enum):
    """The orders in which the views read the long table, after the table's own: the index
    of single rows that gives it, and its columns."""

    # Those without a 相手方 last.
    COUNTERPART = ("rows_by_counterpart", "unnamed, counterpart, rank, position")
    ITEM = ("rows_by_item", "item_rank, item, rank, position")


def storage_failed(error: sqlite3.Error) -> ShingikaiError:
    return ShingikaiError(f"台帳の一時ファイル（一時ディレクトリの SQLite データベース）を使えません（{error}）")


class Store:
    """The long table of one run, filled as files are read, read back in its order or by
    an `Order`."""

    def __init__(self) -> None:
        try:
            # "": a private database on disk in the temporary directory, deleted on close.
            self._db = sqlite3.connect("")
            self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        except sqlite3.Error as error:
            raise storage_failed(error) from error
        self._single_rows = False

    def close(self) -> None:
        self._db.close()

    def add(self, case: CaseRecord, *, flagged: bool) -> None:
        try:
            self._db.execute(
                "INSERT INTO cases (key, file, kind, title, departments, period_year, flagged, rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (case.key, case.file, case.kind, case.title, case.departments, case.period_year, flagged, case.rows),
            )
        except sqlite3.Error as error:
            raise storage_failed(error) from error

    def finish(self, places: Iterable[tuple[Place, bool]]) -> None:
        """Once every file is read: the agenda item that places each case (that of its
        latest meeting) and whether that meeting was counted despite lint errors; then
        the cases in the order of the long table."""
        try:
            self._db.executemany(
                "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ((*place, flagged) for place, flagged in places)
            )
            self._db.create_function("year_label", 1, _label, deterministic=True)
            self._db.execute(_LIST_CASES)
        except sqlite3.Error as error:
            raise storage_failed(error) from error

    def count(self, year: int | None = None) -> int:
        """How many cases the long table (of the fiscal year `year` only, if given) holds."""
        where, values = _where(year)
        try:
            (count,) = self._db.execute(f"SELECT COUNT(*) FROM listing l {where}", values).fetchone()
        except sqlite3.Error as error:
            raise storage_failed(error) from error
        return int(count)

    def rows(self, year: int | None = None) -> Iterator[Row]:
        """The long table (of the fiscal year `year` only, if given) in its order."""
        where, values = _where(year)
        try:
            for *head, decision, file, flagged, case, rows in self._db.execute(f"{_CASES} {where} ORDER BY l.rank", values):
                for section, item, _, counterpart, notice in marshal.loads(rows):
                    yield Row(*head, section, item, counterpart, notice, decision, file, flagged, case)
        except sqlite3.Error as error:
            raise storage_failed(error) from error

    def rows_by(self, order: Order, year: int | None = None) -> Iterator[Row]:
        """The long table (of the fiscal year `year` only, if given) in `order`; the 項目別
        order leaves out the rows without an item."""
        where, values = _where(year, *(["r.item != ''"] if order is Order.ITEM else []))
        index, columns = order.value
        try:
            self._index(index, columns)
            ordered = ", ".join(f"r.{column}" for column in columns.split(", "))
            for row in self._db.execute(f"{_ROWS.format(index=index)} {where} ORDER BY {ordered}", values):
                yield Row._make(row)
        except sqlite3.Error as error:
            raise storage_failed(error) from error

    def _index(self, name: str, columns: str) -> None:
        """The single rows, made from the cases' records when first asked for, and `name`,
        the index that reads them in the order of `columns` without a sort."""
        if not self._single_rows:
            self._db.execute(_ROWS_SCHEMA)
            self._db.executemany(
                "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (rank, position, section, item, item_rank, counterpart, notice, counterpart == "")
                    for rank, rows in self._db.execute("SELECT l.rank, c.rows FROM listing l JOIN cases c ON c.id = l.case_id")
                    for position, (section, item, item_rank, counterpart, notice) in enumerate(marshal.loads(rows))
                ),
            )
            self._single_rows = True
        self._db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON rows ({columns})")


def _where(year: int | None, *conditions: str) -> tuple[str, tuple[int, ...]]:
    """The WHERE clause of `conditions` and of the fiscal year `year`, if given, with its values."""
    if year is not None:
        conditions = ("l.year = ?", *conditions)
    return (f"WHERE {' AND '.join(conditions)}" if conditions else "", () if year is None else (year,))


def _label(year: int | None) -> str:
    return "" if year is None else fiscal_year_label(year)
