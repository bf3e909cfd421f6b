"""What a meeting file is checked with: its agenda's case files, found and read, and the
decisions of the other meetings in its directory (W503).

A case is resolved relative to the meeting file and must stay inside the case
repository (`repository.attachment_target` says what "inside" is); what each path leads
to is recorded as a `Found`, for the rules to report (E501) and for the linter to lint
the cases with their meeting.
"""

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from ..loading.document import DataPath
from ..model.agenda import AgendaCase, Decided, Found, agenda_label
from ..model.meeting import Meeting
from ..model.vocabulary import KINDS, PENDING, is_meeting
from ..repository import attachment_target, file_status
from .shelf import CASE_SUFFIXES, Shelf


def resolve(
    meeting: Meeting, invalid: frozenset[DataPath], path: str, root: Path, shelf: Shelf
) -> tuple[AgendaCase, ...]:
    """Each agenda item of the meeting file at `path` whose `case` validated, and what it
    leads to."""
    directory = Path(path).resolve().parent
    shown_from = os.path.dirname(path)
    found: list[AgendaCase] = []
    for agenda, index, item in meeting.items():
        if _touches(invalid, (agenda.key, index, "case")):
            continue
        target = attachment_target(item.case, directory, root)
        entry = AgendaCase(agenda, index, item.case, target, Found.OUTSIDE)
        if target is not None:
            display = os.path.normpath(os.path.join(shown_from, item.case))
            if os.path.realpath(display) != str(target):
                # Through a symbolic link: the written path would not name the same file.
                display = str(target)
            entry = _examined(entry._replace(display=display), shelf)
        found.append(entry)
    return tuple(found)


def _examined(entry: AgendaCase, shelf: Shelf) -> AgendaCase:
    target = entry.target
    assert target is not None
    status = file_status(target)
    if status is None:
        return entry._replace(found=Found.MISSING)
    if not stat.S_ISREG(status.st_mode):
        return entry._replace(found=Found.NOT_A_FILE)
    if not target.name.endswith(CASE_SUFFIXES):
        return entry._replace(found=Found.NOT_YAML)
    loaded, validation = shelf.case(str(target))
    if loaded.document is None:
        return entry._replace(found=Found.UNREADABLE)
    if is_meeting(loaded.document.data):
        return entry._replace(found=Found.MEETING)
    if validation is None or validation.case is None or loaded.document.data.get("kind") not in KINDS:
        return entry._replace(found=Found.NOT_A_CASE)
    return entry._replace(found=Found.CASE, case=validation.case, invalid=validation.invalid)


def cases_to_lint(agenda: tuple[AgendaCase, ...]) -> tuple[str, ...]:
    """The case files a meeting is linted with, each once: its cases, and the YAML files on
    its agenda that cannot be read (their own findings say why)."""
    shown = {entry.display: None for entry in agenda if entry.found in (Found.CASE, Found.UNREADABLE)}
    return tuple(shown)


def _touches(invalid: frozenset[DataPath], path: DataPath) -> bool:
    """Whether the value at `path`, or a value holding it, failed validation."""
    return any(path[: len(p)] == p for p in invalid)


def decided_elsewhere(path: str, root: Path, shelf: Shelf) -> tuple[Decided, ...]:
    """The decisions (other than 継続審議) of the other meeting files in the directory of
    the meeting file at `path`."""
    directory = os.path.dirname(path) or "."
    own = os.path.realpath(path)
    found: list[Decided] = []
    for sibling in _yaml_files(directory):
        if os.path.realpath(sibling) == own:
            continue
        validation = shelf.meeting(sibling)
        if validation is None or validation.meeting is None:
            continue
        found.extend(decisions(validation.meeting, validation.invalid, sibling, root))
    return tuple(found)


def _yaml_files(directory: str) -> Iterator[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return
    for name in names:
        if name.endswith(CASE_SUFFIXES) and not name.startswith("."):
            yield os.path.join(directory, name)


def decisions(meeting: Meeting, invalid: frozenset[DataPath], path: str, root: Path) -> Iterator[Decided]:
    """The decisions (other than 継続審議) of the meeting file at `path`, on the cases they
    resolve to; none when the meeting's day is not known."""
    day = meeting.day
    if day is None or any(_touches(invalid, (key,)) for key in ("date", "number", "fiscal_year")):
        return
    directory = Path(path).resolve().parent
    for agenda, index, item in meeting.items():
        if item.result is None or item.result.decision == PENDING:
            continue
        if _touches(invalid, (agenda.key, index, "result", "decision")) or _touches(invalid, (agenda.key, index, "case")):
            continue
        target = attachment_target(item.case, directory, root)
        if target is not None:
            label = agenda_label(agenda, index)
            yield Decided(target, meeting.fiscal_year, meeting.number, label, item.result.decision, day, path, agenda.key, index)
