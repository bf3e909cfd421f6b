"""A meeting's agenda as the linter finds it: what each item's case file turns out to
be, and the decisions meetings made. Plain data, without the models' machinery, so that
the rules can name it in a run that reads no meeting.
"""

import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from ..loading.document import DataPath
from . import vocabulary as v
from .case import Case


def meeting_title(fiscal_year: str, number: int, council: str) -> str:
    return f"{fiscal_year}第{number}回{council}"


def agenda_label(agenda: v.AgendaList, index: int) -> str:
    """諮問事項（1）: an item's label, numbered by its place in its list."""
    return f"{agenda.label}（{index + 1}）"


class Found(StrEnum):
    """What an agenda item's `case` leads to."""

    CASE = "case"
    MISSING = "missing"
    OUTSIDE = "outside"
    NOT_A_FILE = "not a file"
    NOT_YAML = "not yaml"
    # A YAML file that cannot be read as a mapping (E1): its own findings say why.
    UNREADABLE = "unreadable"
    MEETING = "meeting"
    NOT_A_CASE = "not a case"


class AgendaCase(NamedTuple):
    """One agenda item and the case file its `case` leads to, as the linter found it."""

    agenda: v.AgendaList
    index: int
    # The path as written in the meeting file, and the file it resolves to (inside the repository).
    written: str
    target: Path | None
    found: Found
    # The case (with stand-ins where it did not validate, see `invalid`) when `found` is CASE.
    case: Case | None = None
    invalid: frozenset[DataPath] = frozenset()
    # How the case file is shown in findings: the meeting file's directory joined with `written`.
    display: str = ""

    @property
    def label(self) -> str:
        return agenda_label(self.agenda, self.index)

    def valid(self, key: str) -> bool:
        """Whether the case's top-level `key` validated as written."""
        return self.case is not None and not any(path[:1] == (key,) for path in self.invalid)


class Decided(NamedTuple):
    """A meeting's decision (other than 継続審議) on a case: which case, where and when."""

    target: Path
    fiscal_year: str
    number: int
    label: str
    decision: str
    day: datetime.date
    # The meeting file, as it was found, and the item's list and place in it.
    meeting: str
    agenda_key: str
    index: int

    def meeting_title(self, council: str) -> str:
        return meeting_title(self.fiscal_year, self.number, council)


class Approval(NamedTuple):
    """What the council approved: its latest decision on a case, the commit that recorded
    it, and the case file's data as it was in that commit."""

    decided: Decided
    commit: str
    # The commit's date, ISO 8601 with the committer's offset.
    date: str
    data: dict[str, Any]
