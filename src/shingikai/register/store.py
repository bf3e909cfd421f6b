"""Where the register's rows wait for the last file: a private temporary SQLite database
(a file only its user may read, in the temporary directory, deleted on close; a named one
so that a process forked to write a part of the html opens it too: `reader`).

Rows are ordered by what only the whole run knows (the meetings that place the cases;
report.md: 年度, meeting date, agenda order, file name, section, item), and two views
order the same long table again (by 相手方, by 項目). On disk, with SQLite's page cache
and sorter bounded, the register of 10,000 cases needs no more memory than that of ten:
a run keeps no case model and no row, only the agenda items of its meetings.

A case is kept as one record, its own rows packed in it (`marshal`): the long table is
read case by case, each case's texts made once for all its rows. When the run writes
相手方別 and 項目別, each record also carries its rows of those views, kept in a table
each and sorted when read.
"""

import marshal
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Final, NamedTuple

from ..errors import ShingikaiError, os_reason
from ..model.eras import fiscal_year_label
from .table import FLAG, CaseRow, view_rows

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
SELECT l.label, l.meeting, l.agenda, c.kind, c.title, c.departments, l.decision, c.file, l.flagged, c.rows
FROM listing l JOIN cases c ON c.id = l.case_id
"""
# The views that order the long table again, each a table filled as the cases come (when
# the run writes them), its rows made where the case was linted (table.view_rows): 項目別's
# (the long table's rows that have an item) and 相手方別's (a row per section of a case,
# its items in one cell). Read through a sort, not an index: an index would be a lookup
# of each row in the table, and of its case, in an order that is not the table's.
_VIEWS_SCHEMA: Final = """
CREATE TABLE item_rows (
    case_id INTEGER, position INTEGER, item_rank INTEGER, item TEXT, item_group TEXT, section TEXT, counterpart TEXT
);
CREATE TABLE section_rows (case_id INTEGER, position INTEGER, counterpart TEXT, section TEXT, items TEXT);
"""
_BY_ITEM: Final = """
SELECT r.item, r.item_group, r.section, r.counterpart, l.label, c.title, l.decision, c.file{flag}
FROM item_rows r JOIN listing l ON l.case_id = r.case_id JOIN cases c ON c.id = r.case_id
"""
_BY_COUNTERPART: Final = """
SELECT r.counterpart, r.section, r.items, l.label, c.title, l.decision, c.file{flag}
FROM section_rows r JOIN listing l ON l.case_id = r.case_id JOIN cases c ON c.id = r.case_id
"""


# SQLite's page cache (in KiB, as a negative cache_size gives it): small while the files are
# read (the inserts only append; the worker processes run then, and the run's memory is at
# its highest), SQLite's default for the sorts and reading back.
_FILLING_CACHE: Final = -256
_READING_CACHE: Final = -2000
# How many rows of a view wait in memory to be inserted together.
_BATCH: Final = 4096


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
    # Its rows of 項目別 and 相手方別 (table.view_rows) as `pack_views` packs them, when the
    # run writes those views; else empty.
    views: bytes = b""


def pack(rows: Iterable[CaseRow]) -> bytes:
    """A case's rows as its record in the store holds them."""
    return marshal.dumps([tuple(row) for row in rows])


def pack_views(rows: tuple[CaseRow, ...]) -> bytes:
    """A case's rows of 項目別 and 相手方別 as its record carries them to the store."""
    items, sections = view_rows(rows)
    return marshal.dumps(([tuple(row) for row in items], [tuple(row) for row in sections]))


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
    """The orders in which the views read the long table, after the table's own: the
    query of the view's cells, and its order. The cells are the view's columns
    (views.py), the case's as its first row in the long table has them:

    相手方別: 相手方, 区分, 項目 (the section's items, joined), 年度, 件名, 会議の結果, ファイル.
    項目別: 項目, 項目の分類, 区分, 相手方, 年度, 件名, 会議の結果, ファイル.
    """

    # Those without a 相手方 last.
    COUNTERPART = (_BY_COUNTERPART, "r.counterpart = '', r.counterpart, l.rank, r.position")
    ITEM = (_BY_ITEM, "r.item_rank, r.item, l.rank, r.position")


def storage_failed(error: sqlite3.Error) -> ShingikaiError:
    return ShingikaiError(f"台帳の一時ファイル（一時ディレクトリの SQLite データベース）を使えません（{error}）")


class Store:
    """The long table of one run, filled as files are read, read back in its order or, when
    it keeps the views (`views`: the records carry their rows of them), by an `Order`."""

    def __init__(self, *, views: bool = False) -> None:
        try:
            descriptor, self._path = tempfile.mkstemp(prefix="shingikai-register-", suffix=".sqlite3")
            os.close(descriptor)
        except OSError as error:
            raise ShingikaiError(f"台帳の一時ファイルを作れません（{os_reason(error)}）") from error
        self._owner = True
        try:
            self._db = sqlite3.connect(self._path)
            self._db.executescript(
                f"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = {_FILLING_CACHE};"
                + _SCHEMA
                + (_VIEWS_SCHEMA if views else "")
            )
        except sqlite3.Error as error:
            self.close()
            raise storage_failed(error) from error
        self.views = views
        # The views' rows not yet inserted: a batch at a time.
        self._item_rows: list[tuple[object, ...]] = []
        self._section_rows: list[tuple[object, ...]] = []

    def reader(self) -> "Store":
        """The same store through a connection of its own, which only reads and leaves the
        file be: for a process forked from this one once the store is finished (SQLite's
        connections must not cross a fork). This one must not write any more."""
        reader = object.__new__(Store)
        reader._path, reader._owner, reader.views = self._path, False, self.views
        reader._item_rows, reader._section_rows = [], []
        try:
            reader._db = sqlite3.connect(f"{Path(self._path).as_uri()}?mode=ro", uri=True)
            reader._db.execute(f"PRAGMA cache_size = {_READING_CACHE}")
        except sqlite3.Error as error:
            raise storage_failed(error) from error
        return reader

    def close(self) -> None:
        if hasattr(self, "_db"):
            self._db.close()
        if self._owner:
            try:
                os.unlink(self._path)
            except OSError:
                pass

    def add(self, case: CaseRecord, *, flagged: bool) -> None:
        try:
            cursor = self._db.execute(
                "INSERT INTO cases (key, file, kind, title, departments, period_year, flagged, rows) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (case.key, case.file, case.kind, case.title, case.departments, case.period_year, flagged, case.rows),
            )
            if self.views:
                items, sections = marshal.loads(case.views)
                self._item_rows += [(cursor.lastrowid, *row) for row in items]
                self._section_rows += [(cursor.lastrowid, *row) for row in sections]
                if len(self._item_rows) >= _BATCH:
                    self._insert_view_rows()
        except sqlite3.Error as error:
            raise storage_failed(error) from error

    def _insert_view_rows(self) -> None:
        self._db.executemany("INSERT INTO item_rows VALUES (?, ?, ?, ?, ?, ?, ?)", self._item_rows)
        self._db.executemany("INSERT INTO section_rows VALUES (?, ?, ?, ?, ?)", self._section_rows)
        self._item_rows.clear()
        self._section_rows.clear()

    def finish(self, places: Iterable[tuple[Place, bool]]) -> None:
        """Once every file is read: the agenda item that places each case (that of its
        latest meeting) and whether that meeting was counted despite lint errors; then
        the cases in the order of the long table."""
        try:
            self._db.executemany(
                "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ((*place, flagged) for place, flagged in places)
            )
            # SQLite's default page cache (2 MB), which its sorts use as well.
            self._db.execute(f"PRAGMA cache_size = {_READING_CACHE}")
            self._db.create_function("year_label", 1, _label, deterministic=True)
            self._db.execute(_LIST_CASES)
            if self.views:
                self._insert_view_rows()
                # The views' rows find their case's place in the long table by its id.
                self._db.execute("CREATE INDEX listing_by_case ON listing (case_id)")
            # In the file for another connection (`reader`) to read.
            self._db.commit()
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

    def rows(self, year: int | None = None, *, forced: bool = False) -> Iterator[tuple[str, ...]]:
        """The long table (of the fiscal year `year` only, if given) in its order: each row's
        cells in the order of COLUMNS, and with `forced` the 検査エラー cell after them. The
        rows of a case share the cells that are the case's (the same objects)."""
        where, values = _where(year)
        try:
            for *head, decision, file, flagged, rows in self._db.execute(f"{_CASES} {where} ORDER BY l.rank", values):
                tail = (decision, file, FLAG if flagged else "") if forced else (decision, file)
                for section, item, _, counterpart, notice in marshal.loads(rows):
                    yield (*head, section, item, counterpart, notice, *tail)
        except sqlite3.Error as error:
            raise storage_failed(error) from error

    def cases(self, year: int | None = None) -> Iterator[tuple[str, str, str, tuple[str, ...]]]:
        """Each case of the long table (of the fiscal year `year` only, if given) in its
        order: its 年度, kind, 会議の結果 and the 区分 of its rows (each once, in order)."""
        where, values = _where(year)
        try:
            for label, kind, decision, rows in self._db.execute(
                f"SELECT l.label, c.kind, l.decision, c.rows FROM listing l JOIN cases c ON c.id = l.case_id {where} ORDER BY l.rank",
                values,
            ):
                yield label, kind, decision, tuple(dict.fromkeys(row[0] for row in marshal.loads(rows) if row[0]))
        except sqlite3.Error as error:
            raise storage_failed(error) from error

    def rows_by(self, order: Order, year: int | None = None, *, forced: bool = False) -> Iterator[tuple[str, ...]]:
        """The rows of 相手方別 or 項目別 (of the fiscal year `year` only, if given) in `order`,
        their cells as the view has them (`Order`), with `forced` the 検査エラー cell after them."""
        assert self.views, "the store keeps the views' rows only when made with views=True"
        where, values = _where(year)
        query, ordered = order.value
        flag = f", CASE WHEN l.flagged THEN '{FLAG}' ELSE '' END" if forced else ""
        try:
            # The cursor's own tuples: a view's rows are tens of thousands.
            yield from self._db.execute(f"{query.format(flag=flag)} {where} ORDER BY {ordered}", values)
        except sqlite3.Error as error:
            raise storage_failed(error) from error


def _where(year: int | None, *conditions: str) -> tuple[str, tuple[int, ...]]:
    """The WHERE clause of `conditions` and of the fiscal year `year`, if given, with its values."""
    if year is not None:
        conditions = ("l.year = ?", *conditions)
    return (f"WHERE {' AND '.join(conditions)}" if conditions else "", () if year is None else (year,))


def _label(year: int | None) -> str:
    return "" if year is None else fiscal_year_label(year)
