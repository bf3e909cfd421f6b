"""The long table of the register (report.md): one row per case, section and item.

A case's own part of its rows (区分, 項目, 相手方, 通知) is made from its model where the
case is linted, in whichever process that is; the columns that meetings give (年度, 会議,
議題, 会議の結果) are joined to it once every meeting of the run has been read.
"""

from typing import Final, NamedTuple

from ..model.case import Case, NoticeGiven
from ..model.vocabulary import BASIS_BY_SECTION, ITEM_GROUPS, ITEMS, OPERATIONS

COLUMNS: Final = (
    "年度", "会議", "議題", "諮問・報告", "件名", "主管課", "区分", "項目", "相手方", "通知", "会議の結果", "ファイル",
)
# With --force, the column that marks the rows of a file with lint errors.
FLAG_COLUMN: Final = "検査エラー"
FLAG: Final = "あり"

# 区分, in the sheet's order of the sections.
RECORD_SECTIONS: Final = tuple(f"記録項目の{operation}" for operation in OPERATIONS)
SECTION_LABELS: Final = (
    *(BASIS_BY_SECTION[key].value for key in ("indirect_collection", "secondary_use", "external_provision")),
    *RECORD_SECTIONS,
    BASIS_BY_SECTION["linkage"].value,
)
# Where each section names the other party (相手方).
COUNTERPARTS: Final = {
    "indirect_collection": "source",
    "secondary_use": "source_organization",
    "external_provision": "recipient",
    "record_items": "system",
}
# The rank of an `other_items` text: after every item of the grid.
OTHER_ITEM_RANK: Final = len(ITEMS)
_ITEM_RANK: Final = {item: rank for rank, item in enumerate(ITEMS)}
ITEM_GROUP: Final = {item: group for group, items in ITEM_GROUPS.items() for item in items}
OTHER_ITEM_GROUP: Final = "その他の項目"
# How one cell holds a list (主管課; the items of a row of 相手方別).
LIST_SEPARATOR: Final = "、"


class CaseRow(NamedTuple):
    """What a case says of one row: its section, item, other party and notice."""

    section: str
    item: str
    item_rank: int
    counterpart: str
    notice: str


def columns(*, forced: bool) -> tuple[str, ...]:
    return (*COLUMNS, FLAG_COLUMN) if forced else COLUMNS


def case_rows(case: Case) -> tuple[CaseRow, ...]:
    """The case's rows: its sections in the sheet's order, each section's items in the
    grid's order, then its `other_items` as written. A section without items is one row
    with 項目 empty (結合 always; another section only when forced past E304), and so is
    a case without any section, so that every case counted is in the table."""
    rows: list[CaseRow] = []
    for key, section in case.action_sections():
        label = f"記録項目の{section.operation}" if key == "record_items" else BASIS_BY_SECTION[key].value  # type: ignore[attr-defined]
        counterpart = getattr(section, COUNTERPARTS[key]) or ""
        notice = _notice(getattr(section, "notice", None))
        items = [(item, _ITEM_RANK[item]) for item in sorted(section.items, key=_ITEM_RANK.__getitem__)]
        # An `other_items` text that names an item of the grid (W411) is that item in 項目別.
        items += [(item, _ITEM_RANK.get(item, OTHER_ITEM_RANK)) for item in section.other_items]
        rows += [CaseRow(label, item, rank, counterpart, notice) for item, rank in items or [("", OTHER_ITEM_RANK)]]
    if case.linkage is not None:
        rows.append(CaseRow(BASIS_BY_SECTION["linkage"].value, "", OTHER_ITEM_RANK, case.linkage.third_party_system, ""))
    return tuple(rows) or (CaseRow("", "", OTHER_ITEM_RANK, "", ""),)


def _notice(notice: object) -> str:
    if notice is None:
        return ""
    if isinstance(notice, NoticeGiven):
        return f"有（{notice.timing}）"
    return "無"


class ItemRow(NamedTuple):
    """A row of 項目別 as its case gives it: a row of the long table that has an item."""

    # The row's place among its case's rows.
    position: int
    item_rank: int
    item: str
    # The item's group on the sheet's grid (その他の項目 for an `other_items` text).
    group: str
    section: str
    counterpart: str


class SectionRow(NamedTuple):
    """A row of 相手方別 as its case gives it: a section of the case, with its items."""

    # The place of the section's first row among its case's rows.
    position: int
    counterpart: str
    section: str
    # Its items, joined.
    items: str


def view_rows(rows: tuple[CaseRow, ...]) -> tuple[tuple[ItemRow, ...], tuple[SectionRow, ...]]:
    """A case's rows of 項目別 and of 相手方別, from its rows of the long table (`case_rows`).
    A section's rows follow each other and share their 相手方: each run of them is a row
    of 相手方別."""
    items = tuple(
        ItemRow(position, row.item_rank, row.item, ITEM_GROUP.get(row.item, OTHER_ITEM_GROUP), row.section, row.counterpart)
        for position, row in enumerate(rows)
        if row.item
    )
    sections: list[SectionRow] = []
    start = 0
    for position, row in enumerate(rows):
        if position + 1 == len(rows) or (rows[position + 1].section, rows[position + 1].counterpart) != (row.section, row.counterpart):
            run = rows[start : position + 1]
            sections.append(SectionRow(start, row.counterpart, row.section, LIST_SEPARATOR.join(r.item for r in run if r.item)))
            start = position + 1
    return items, tuple(sections)
