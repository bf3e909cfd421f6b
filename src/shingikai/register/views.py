"""The four views of the register (report.md), each made from the rows of the long table
alone (a case's rows of 相手方別 and 項目別 from its rows of the long table, where it was
linted: table.view_rows), so that they cannot disagree:

- 一覧: the long table itself;
- 相手方別: a row per 相手方, case and section, with the items it receives or gives;
- 項目別: a row per item, case and section (the long table by item, without the rows
  that have no item), with the item's group on the sheet's grid;
- 運用状況: per fiscal year, the number of cases, by 諮問/報告, by 区分 and by result.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Final, NamedTuple

from ..errors import UsageError
from ..model.eras import fiscal_year_label, fiscal_year_of
from ..model.vocabulary import DECISIONS, KINDS
from .store import Order, Store
from .table import FLAG_COLUMN, SECTION_LABELS, columns

LISTING: Final = "一覧"
BY_COUNTERPART: Final = "相手方別"
BY_ITEM: Final = "項目別"
OPERATIONS: Final = "運用状況"
VIEW_NAMES: Final = (LISTING, BY_COUNTERPART, BY_ITEM, OPERATIONS)
# What each view shows, in a sentence (the html page prints it under the view's heading).
DESCRIPTIONS: Final = {
    "一覧": "案件・区分・項目ごとに一行。年度、会議と議題、諮問・報告、件名、主管課、区分、項目、相手方、通知、会議の結果、ファイル。",
    "相手方別": "相手方（収集先、提供元の組織、提供先、システム、結合する第三者の電子計算機）ごとに、案件と区分、受け取る・提供する項目。",
    "項目別": "保有個人情報の項目（項目表の順、その他の項目はその後）ごとに、案件、区分と相手方。",
    "運用状況": "年度ごとの案件の数: 諮問・報告別、区分別（本人外収集、目的外利用、外部提供、記録項目、結合）、会議の結果別。",
}

Cell = str | int


class View(NamedTuple):
    name: str
    columns: tuple[str, ...]
    # A fresh pass over the view's rows at each call (the xlsx measures before it writes).
    rows: Callable[[], Iterator[tuple[Cell, ...]]]
    # How many leading columns are labels; the cells after them are counts.
    labels: int


def read_year(text: str | None) -> int | None:
    """The fiscal year --year names (令和4年度: 2022, the year it begins in), None for all
    years when it is not given; a usage error when it names none."""
    if text is None:
        return None
    year = fiscal_year_of(text)
    if year is None:
        raise UsageError(f"--year の「{text}」は年度として読めません。令和4年度 のように和暦の年度で指定してください")
    return year


def heading(council: str) -> str:
    """The register's heading (the html's title)."""
    return f"{council} 付議案件の台帳"


def scope(year: int | None, cases: int) -> str:
    """What the register covers, in a line under its heading: the fiscal year `year` (or
    all), and how many cases."""
    return f"{'すべての年度' if year is None else fiscal_year_label(year)}、案件 {cases} 件"


class Register:
    """The views of one run's long table: of one fiscal year (`year`), or of all."""

    def __init__(self, store: Store, *, year: int | None, forced: bool) -> None:
        self._store = store
        self._year = year
        self.forced = forced

    def count(self) -> int:
        """How many cases the register holds."""
        return self._store.count(self._year)

    def reader(self) -> "Register":
        """This register through a connection of its own to the store (`Store.reader`), for
        a process forked from this one."""
        return Register(self._store.reader(), year=self._year, forced=self.forced)

    def view(self, name: str) -> View:
        forced = self.forced
        flag = (FLAG_COLUMN,) if forced else ()
        if name == LISTING:
            head = columns(forced=forced)
            return View(name, head, lambda: self._store.rows(self._year, forced=forced), len(head))
        if name == BY_COUNTERPART:
            head = ("相手方", "区分", "項目", "年度", "件名", "会議の結果", "ファイル", *flag)
            return View(name, head, lambda: self._store.rows_by(Order.COUNTERPART, self._year, forced=forced), len(head))
        if name == BY_ITEM:
            head = ("項目", "項目の分類", "区分", "相手方", "年度", "件名", "会議の結果", "ファイル", *flag)
            return View(name, head, lambda: self._store.rows_by(Order.ITEM, self._year, forced=forced), len(head))
        assert name == OPERATIONS
        head, table = operations(self._store.cases(self._year))
        return View(name, head, lambda: iter(table), 2)

    def views(self) -> tuple[View, ...]:
        return tuple(self.view(name) for name in VIEW_NAMES)


CASES: Final = ("案件", "計")
KIND_GROUP: Final = "諮問・報告"
SECTION_GROUP: Final = "区分"
DECISION_GROUP: Final = "会議の結果"
NO_DECISION: Final = "なし"
NO_YEAR: Final = "年度なし"
TOTAL: Final = "合計"
OPERATION_LINES: Final = (
    CASES,
    *((KIND_GROUP, kind) for kind in KINDS),
    *((SECTION_GROUP, section) for section in SECTION_LABELS),
    *((DECISION_GROUP, decision) for decision in (*DECISIONS, NO_DECISION)),
)


def operations(cases: Iterable[tuple[str, str, str, tuple[str, ...]]]) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """The columns and rows of 運用状況 from the cases of the long table in its order (each
    with its 年度, kind, 会議の結果 and 区分, as `Store.cases` gives them): a line per count
    (OPERATION_LINES), a column per fiscal year (年度なし last, if any case has none), then
    the total. Every case is counted once, in each of its sections' 区分."""
    years: dict[str, Counter[tuple[str, str]]] = {}
    for year, kind, decision, sections in cases:
        counts = years.setdefault(year or NO_YEAR, Counter())
        counts[CASES] += 1
        counts[(KIND_GROUP, kind)] += 1
        for section in sections:
            counts[(SECTION_GROUP, section)] += 1
        counts[(DECISION_GROUP, decision or NO_DECISION)] += 1
    total = sum(years.values(), Counter())
    head = ("分類", "内訳", *years, TOTAL)
    table = [(*line, *(counts[line] for counts in years.values()), total[line]) for line in OPERATION_LINES]
    return head, table
