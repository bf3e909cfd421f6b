"""Where the register's rows wait for the last file: a private temporary SQLite database.

Rows are ordered by what only the whole run knows (the meetings that place the cases;
report.md: 年度, meeting date, agenda order, file name, section, item), and each view
orders the same long table again (by 相手方, by 項目). On disk, with SQLite's page cache
and sorter bounded, the register of 10,000 cases needs no more memory than that of ten:
a run keeps no case model and no row, only the agenda items of its meetings.
"""

import sqlite3
from collections.abc import Iterable, Iterator
from enum import Enum
from functools import lru_cache
from typing import Final, NamedTuple

from ..errors import ShingikaiError
from ..model.eras import fiscal_year_label
from .table import CaseRow, Row

_SCHEMA: Final = """
CREATE TABLE cases (
    id INTEGER PRIMARY KEY, key TEXT, file TEXT, kind TEXT, title TEXT, departments TEXT,
    period_year INTEGER, flagged INTEGER
);
CREATE TABLE rows (
    case_id INTEGER, position INTEGER, section TEXT, item TEXT, item_rank INTEGER, counterpart TEXT, notice TEXT
);
CREATE TABLE places (
    key TEXT PRIMARY KEY, year INTEGER, day TEXT, number INTEGER, list_order INTEGER, item INTEGER,
    meeting TEXT, agenda TEXT, decision TEXT, flagged INTEGER
);
"""
_YEAR: Final = "COALESCE(p.year, c.period_year)"
_SELECT: Final = f"""
SELECT {_YEAR}, p.meeting, p.agenda, c.kind, c.title, c.departments, r.section, r.item, r.counterpart, r.notice,
       p.decision, c.file, c.flagged OR IFNULL(p.flagged, 0), c.id
FROM rows r JOIN cases c ON c.id = r.case_id LEFT JOIN places p ON p.key = c.key
"""
# report.md's order of the long table; a case without a year last, within a year the
# cases on no meeting after those on one, and cases on the same meeting item (none, or
# the same relative path in two repositories) in the order they were read.
_LISTING: Final = (
    f"{_YEAR} IS NULL, {_YEAR}, p.day IS NULL, p.day, p.number, p.list_order, p.item, c.file, c.id, r.position"
)


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
    rows: tuple[CaseRow, ...]


class Place(NamedTuple):
    """An agenda item: which case a meeting took up, where on its agenda, with what result."""

    key: str
    year: int | None
    # The meeting's day (ISO), "" when its date names no day (W405).
    day: str
    number: int
    list_order: int
    index: int
    meeting: str
    agenda: str
    decision: str

    @property
    def when(self) -> tuple[int, str, int]:
        """What orders the meetings: the latest is the one whose result the register shows."""
        return (self.year or 0, self.day, self.number)


class Order(Enum):
    """The orders in which the views read the long table."""

    LISTING = _LISTING
    COUNTERPART = f"r.counterpart = '', r.counterpart, {_LISTING}"
    ITEM = f"r.item_rank, r.item, {_LISTING}"


def storage_failed(error: sqlite3.Error) -> ShingikaiError:
    return ShingikaiError(f"台帳の一時ファイル（一時ディレクトリの SQLite データベース）を使えません（{error}）")


class Store:
    """The long table of one run, filled as files are read, read back in any `Order`."""

    def __init__(self) -> None:
        try:
            # "": a private database on disk in the temporary directory, deleted on close.
            self._db = sqlite3.connect("")
            self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        except sqlite3.Error as error:
            raise storage_failed(error) from error
        self.cases = 0

    def close(self) -> None:
        self._db.close()

    def add(self, case: CaseRecord, *, flagged: bool) -> None:
        try:
            number = self._db.execute(
                "INSERT INTO cases (key, file, kind, title, departments, period_year, flagged) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (case.key, case.file, case.kind, case.title, case.departments, case.period_year, flagged),
            ).lastrowid
            self._db.executemany(
                "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?)",
                ((number, position, *row) for position, row in enumerate(case.rows)),
            )
        except sqlite3.Error as error:
            raise storage_failed(error) from error
        self.cases += 1

    def place(self, places: Iterable[tuple[Place, bool]]) -> None:
        """The agenda item that places each case (its latest meeting), and whether that
        meeting was counted despite lint errors."""
        try:
            self._db.executemany(
                "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ((*place, flagged) for place, flagged in places)
            )
        except sqlite3.Error as error:
            raise storage_failed(error) from error

    def count(self, year: int | None = None) -> int:
        """How many cases the long table (of the fiscal year `year` only, if given) holds."""
        where, values = _where(year)
        try:
            (count,) = self._db.execute(f"SELECT COUNT(*) FROM cases c LEFT JOIN places p ON p.key = c.key {where}", values).fetchone()
        except sqlite3.Error as error:
            raise storage_failed(error) from error
        return int(count)

    def rows(self, order: Order, year: int | None = None) -> Iterator[Row]:
        """The long table (of the fiscal year `year` only, if given) in `order`; the 項目別
        order leaves out the rows without an item."""
        where, values = _where(year, *(["r.item != ''"] if order is Order.ITEM else []))
        try:
            cursor = self._db.execute(f"{_SELECT} {where} ORDER BY {order.value}", values)
            for year_, meeting, agenda, *cells, decision, file, flagged, case in cursor:
                yield Row(_label(year_), meeting or "", agenda or "", *cells, decision or "", file, bool(flagged), case)
        except sqlite3.Error as error:
            raise storage_failed(error) from error


def _where(year: int | None, *conditions: str) -> tuple[str, tuple[int, ...]]:
    """The WHERE clause of `conditions` and of the fiscal year `year`, if given, with its values."""
    if year is not None:
        conditions = (f"{_YEAR} = ?", *conditions)
    return (f"WHERE {' AND '.join(conditions)}" if conditions else "", () if year is None else (year,))


@lru_cache(maxsize=None)
def _label(year: int | None) -> str:
    return "" if year is None else fiscal_year_label(year)
