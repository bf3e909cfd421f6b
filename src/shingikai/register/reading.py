"""Reading a register: every file through lint's pipeline (its process pool for many files),
each case's rows made where it was linted, the files with lint errors told and left out.

A case with lint errors is not counted unless forced (then its rows are flagged); nor is
a meeting with lint errors: its agenda places no case (with `force` it does, and flags
the rows of the cases it places). A file that cannot be read as a case or a meeting at
all is never counted.

Only lint's errors count, and only they are told: the warning rules are not run (nor is
the git history read that W504 needs). On generated cases they are half of lint's work.
"""

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple

from ..errors import ShingikaiError
from ..findings import Severity
from ..lint.config import ConfigResolver
from ..lint.history import History
from ..lint.pipeline import FileResult, Job, examine, read_run
from ..lint.shelf import Shelf
from ..model.agenda import AgendaCase, Found, agenda_label
from ..model.case import Case
from ..model.eras import fiscal_year_of, period_start
from ..model.vocabulary import AGENDA_LISTS
from ..reporters.base import plain_line
from ..repository import repository_root
from .store import CaseRecord, Place, Store, pack, pack_views
from .table import LIST_SEPARATOR, case_rows

if TYPE_CHECKING:
    from ..model.meeting import Meeting

_LIST_ORDER = {agenda.key: order for order, agenda in enumerate(AGENDA_LISTS)}
# The rules the register does not run, on top of what the configuration ignores: every
# warning (a file with warnings is counted as it is, and they are not told).
NOT_RUN: Final = ("W",)


class Entry(NamedTuple):
    """What a worker sends back of one file: its lint result, and the case's record or
    the meeting's agenda, when the file validated as one."""

    result: FileResult
    case: CaseRecord | None = None
    places: tuple[Place, ...] | None = None
    meeting_file: bool = False


def read_entry(job: Job, shelf: Shelf, history: History, *, views: bool = False) -> Entry:
    """Lint one file as `shingikai lint` does, and keep what the register needs of it (with
    `views`, the case's rows of 項目別 and 相手方別 too)."""
    inspection = examine(job, shelf, history)
    if inspection.case is not None:
        return Entry(inspection.result, case=_record(job, inspection.case, views))
    if inspection.meeting is not None:
        places = _places(inspection.meeting, inspection.agenda, job.config.config.council)
        return Entry(inspection.result, places=places, meeting_file=True)
    return Entry(inspection.result, meeting_file=inspection.meeting_file)


def _record(job: Job, case: Case, views: bool) -> CaseRecord:
    directory, name = os.path.split(job.path)
    real_directory = _real_directory(directory)
    # A file's real path through its directory's, resolved once: one lstat per file.
    real = os.path.realpath(job.path) if os.path.islink(job.path) else os.path.join(real_directory, name)
    root = str(repository_root(real_directory, job.config.root))
    inside = real.startswith(root + os.sep)
    # Through a link from outside the repository: the path as given.
    file = (real[len(root) + 1 :] if inside else job.path).replace(os.sep, "/")
    start = period_start(case.period)
    rows = case_rows(case)
    return CaseRecord(
        key=real,
        file=file,
        kind=case.kind,
        title=case.title,
        departments=LIST_SEPARATOR.join(case.departments),
        period_year=None if start is None else start.fiscal_year,
        rows=pack(rows),
        views=pack_views(rows) if views else b"",
    )


@lru_cache(maxsize=256)
def _real_directory(directory: str) -> str:
    return os.path.realpath(directory or os.curdir)


def _places(meeting: "Meeting", agenda: tuple[AgendaCase, ...], council: str) -> tuple[Place, ...]:
    found = {(entry.agenda.key, entry.index): entry for entry in agenda if entry.found is Found.CASE}
    day = meeting.day
    places = []
    for agenda_list, index, item in meeting.items():
        entry = found.get((agenda_list.key, index))
        if entry is None or entry.target is None:
            continue
        places.append(
            Place(
                key=str(entry.target),
                year=fiscal_year_of(meeting.fiscal_year),
                day=None if day is None else day.isoformat(),
                number=meeting.number,
                list_order=_LIST_ORDER[agenda_list.key],
                index=index,
                meeting=meeting.title(council),
                agenda=agenda_label(agenda_list, index),
                decision="" if item.result is None else item.result.decision,
            )
        )
    return tuple(places)


@dataclass
class Tally:
    """What a run counted and what it left out."""

    store: Store
    # The latest agenda item of each case, and whether its meeting has lint errors.
    places: dict[str, tuple[Place, bool]] = field(default_factory=dict)
    files: int = 0
    flagged: int = 0
    left_out_cases: int = 0
    left_out_meetings: int = 0
    unusable: int = 0
    unreadable: int = 0

    def place(self, places: Iterable[Place], flagged: bool) -> None:
        for place in places:
            kept = self.places.get(place.key)
            if kept is None or place.when > kept[0].when:
                self.places[place.key] = (place, flagged)

    @property
    def complete(self) -> bool:
        """Whether every file read is in the register."""
        return not (self.left_out_cases or self.left_out_meetings or self.unusable)

    def check(self) -> None:
        """Refuse to write a register (ShingikaiError) when a file could not be read at all,
        or when there was no file to read."""
        if self.unreadable:
            raise ShingikaiError("読み込めないファイルがあるため、台帳を出力しませんでした")
        if not self.files:
            raise ShingikaiError("台帳にする YAML ファイル（*.yaml / *.yml）が見つかりません")

    def summary(self, output: Path | None, cases: int) -> list[str]:
        """What the run tells once the register of `cases` cases is written (to the file
        `output`, or to stdout): the files it left out and why, those it counted despite
        lint errors, where it wrote the register."""
        lines = []
        left_out = [f"{what} {count} 件" for what, count in (("ケース", self.left_out_cases), ("会議", self.left_out_meetings)) if count]
        if left_out:
            lines.append(
                f"検査エラーのある{'と'.join(left_out)}を台帳に載せていません。"
                "エラーを直すか、--force で載せます（その行の「検査エラー」の列に「あり」と付きます）"
            )
        if self.unusable:
            lines.append(f"ケースや会議として読み取れないファイル {self.unusable} 件を台帳に載せていません")
        if self.flagged:
            lines.append(f"検査エラーのあるファイル {self.flagged} 件を載せ、その行の「検査エラー」の列に「あり」と付けました")
        if output is not None:
            lines.append(f"{output} に台帳（案件 {cases} 件）を書き出しました")
        return lines


def gather(
    paths: Iterable[str],
    resolver: ConfigResolver,
    store: Store,
    *,
    force: bool,
    notify: Callable[[str], None],
    missing: Callable[[str], None],
) -> Tally:
    """Read and lint every file `paths` name (and the cases on their meetings' agendas)
    into `store`; tell each lint error, and each file left out, through `notify`."""
    tally = Tally(store)
    # The workers find `read_entry` by name; `partial` carries the flag along.
    read = partial(read_entry, views=True) if store.views else read_entry
    for entry in read_run(paths, resolver, None, NOT_RUN, missing, read, lambda entry: entry.result):
        tally.files += 1
        result = entry.result
        if result.error is not None:
            notify(result.error)
            tally.unreadable += 1
            continue
        errors = [finding for finding in result.findings if finding.severity is Severity.ERROR]
        for finding in errors:
            notify(plain_line(finding))
        if entry.case is None and entry.places is None:
            what = "会議" if entry.meeting_file else "ケース"
            notify(f"{result.display}: {what}として読み取れないため、台帳に載せられません（--force でも載せられません）")
            tally.unusable += 1
        elif errors and not force:
            if entry.case is not None:
                tally.left_out_cases += 1
            else:
                tally.left_out_meetings += 1
        else:
            tally.flagged += bool(errors)
            if entry.case is not None:
                store.add(entry.case, flagged=bool(errors))
            else:
                assert entry.places is not None
                tally.place(entry.places, bool(errors))
    store.finish(tally.places.values())
    return tally
