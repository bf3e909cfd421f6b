"""The lint pipeline of one file, and of many: read → parse → validate → rules → filter.

A meeting file goes through the same stages with the meeting model and rules, and is
linted with its cases: the cases on its agenda that the run was not given are linted
after the files it was given, so that each case's findings are reported once, at the
case's own file, however many meetings list it. A case the council has decided is
compared with the content it approved (W504), from the history the run reads once per
repository (history.py).
"""

import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Final, NamedTuple, TypeVar

from ..errors import CodedProblem
from ..findings import Finding, Note
from ..loading.document import Document
from ..model.case import Case
from ..model.agenda import AgendaCase, Approval, Decided
from ..model.changes import Change, compare
from ..model.validation import prepare, validate, validate_meeting
from ..model.vocabulary import is_meeting
from ..repository import repository_root
from ..rules.meeting import CHANGED_SINCE_DECISION
from ..rules.registry import Subject
from .config import ConfigResolver, LoadedConfig
from .history import History
from .shelf import CASE_SUFFIXES, Shelf, load
from .suppression import InlineSuppressions, Selection

if TYPE_CHECKING:
    from ..model.meeting import Meeting


class FileResult(NamedTuple):
    display: str
    findings: tuple[Finding, ...] = ()
    # Set when the file could not be read at all (a usage or I/O problem, exit 2).
    error: str | None = None
    # The directory of the file's configuration, if it has one (set with findings): the
    # case repository that SARIF's locations are relative to.
    configured_root: Path | None = None
    # A meeting's: the case files on its agenda, linted with it (see `lint_run`).
    cases: tuple[str, ...] = ()
    # Checks that could not be made, and why (W504 without the history it needs).
    notes: tuple[Note, ...] = ()


class Job(NamedTuple):
    # As found or given, and as shown in findings. A str, not a Path: pathlib interns
    # every part of every path it makes, which would grow with the number of files.
    path: str
    config: LoadedConfig
    selection: Selection


class Collection:
    """The files to lint, as they are found; and which files those were.

    Directories are walked for `*.yaml`/`*.yml`, skipping hidden directories and never
    following directory symlinks (so a symlink loop ends the walk). A file reached twice
    (the same path again, or a link to it) is linted once. A path that does not exist
    is told to `missing`.
    """

    def __init__(self, paths: Iterable[str], missing: Callable[[str], None]) -> None:
        self._paths = paths
        self._missing = missing
        # The files found, by device then inode (a path, for a file with no status): dicts,
        # which for 10,000 files hold half what one set of (device, inode) numbers does.
        self._seen: dict[int, dict[object, None]] = {}

    def includes(self, path: str) -> bool:
        """Whether `path` is one of the files found so far."""
        device, key = _identity(path, _status(path))
        return key in self._seen.get(device, ())

    def _first_time(self, path: str, status: os.stat_result | None) -> bool:
        device, key = _identity(path, status)
        seen = self._seen.setdefault(device, {})
        if key in seen:
            return False
        seen[key] = None
        return True

    def __iter__(self) -> Iterator[str]:
        for given in self._paths:
            # One stat per path given: it tells a directory, and which file this is.
            status = _status(given)
            if status is not None and stat.S_ISDIR(status.st_mode):
                for directory, subdirectories, names in os.walk(given):
                    subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
                    for name in sorted(names):
                        if name.endswith(CASE_SUFFIXES):
                            path = os.path.join(directory, name)
                            if self._first_time(path, _status(path)):
                                yield path
            elif status is not None or os.path.lexists(given):
                if self._first_time(given, status):
                    yield given
            else:
                self._missing(f"{given}: ファイルもディレクトリもありません")


def collect(paths: Iterable[str], missing: Callable[[str], None]) -> Collection:
    return Collection(paths, missing)


def _identity(path: str, status: os.stat_result | None) -> tuple[int, object]:
    """Which file `path` is: its device and inode; unreadable (no status), its absolute
    path (so linted, and reported, once per spelling of it)."""
    return (-1, os.path.abspath(path)) if status is None else (status.st_dev, status.st_ino)


def _status(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


class Inspection(NamedTuple):
    result: FileResult
    # The validated case; when the file has format errors, the repaired one, whose bad
    # values are stand-ins (validation.STAND_IN_TEXT) and whose findings say so.
    case: Case | None = None
    # The same for a meeting file, with what its agenda's cases were found to be.
    meeting: "Meeting | None" = None
    agenda: tuple[AgendaCase, ...] = ()
    # Whether the file is a meeting's (its `kind` says so), validated or not.
    meeting_file: bool = False
    # A decided case's: its latest decision and what changed since (when W504 is selected).
    approval: Approval | None = None
    changes: tuple[Change, ...] = ()


def lint_file(job: Job, shelf: Shelf | None = None, history: History | None = None) -> FileResult:
    return examine(job, shelf, history).result


def examine(job: Job, shelf: Shelf | None = None, history: History | None = None) -> Inspection:
    """Lint one file; keep the case (or meeting) for those (render) who go on with it.

    `shelf` holds what the run has read for its meetings: a file on it is not read again;
    `history`, the approvals the run has read from git.
    """
    shelved = shelf.get(job.path) if shelf is not None else None
    loaded = shelved or load(job.path)
    if loaded.error is not None:
        return Inspection(FileResult(job.path, error=loaded.error))
    document = loaded.document
    if document is None:
        return Inspection(_result(job, loaded.problems, loaded.text, None))
    ignored = job.selection.for_file(job.path)
    notes: tuple[Note, ...] = ()
    meeting_file = is_meeting(document.data)
    if meeting_file:
        shelf = Shelf() if shelf is None else shelf
        shelf.keep(job.path, loaded)
        subject, found = _meeting_subject(document, job, shelf)
    else:
        validation = (shelf.validation(job.path) if shelf is not None and shelved else None) or validate(document)
        approval: Approval | None = None
        changes: tuple[Change, ...] = ()
        root = job.config.root
        if job.selection.enabled(CHANGED_SINCE_DECISION, ignored):
            looked = (History() if history is None else history).look(job.path, root, document)
            note = looked.note(job.path)
            notes = (note,) if note is not None else ()
            approval = looked.approval
            if approval is not None and approval.data is not document.data:
                changes = compare(approval.data, document.data)
        subject = Subject(document, validation.case, validation.invalid, job.config.config, job.path, root, approval=approval, changes=changes)
        found = validation.problems
    problems = [*document.problems, *found]
    if subject.case is not None and not subject.invalid:
        # A case file that validated as written: every check of a case file applies.
        for rule in job.selection.case_checks(ignored):
            for problem in rule.check(subject):
                problems.append(CodedProblem(rule.code, problem))
    else:
        for rule in job.selection.checks(ignored):
            if rule.applies_to(subject):
                for problem in rule.check(subject):
                    problems.append(CodedProblem(rule.code, problem))
    if problems:
        result = _result(job, problems, loaded.text, document, ignored)
        if notes:
            result = result._replace(notes=notes)
    else:
        result = FileResult(job.path, notes=notes)
    if subject.agenda:
        from .agenda import cases_to_lint

        result = result._replace(cases=cases_to_lint(subject.agenda))
    return Inspection(result, subject.case, subject.meeting, subject.agenda, meeting_file, subject.approval, subject.changes)


def _meeting_subject(document: Document, job: Job, shelf: Shelf) -> tuple[Subject, tuple[CodedProblem, ...]]:
    # Only a meeting needs the agenda's look-ups: imported when one is linted.
    from . import agenda

    validation = validate_meeting(document)
    meeting = validation.meeting
    resolved: tuple[AgendaCase, ...] = ()
    decided: tuple[Decided, ...] = ()
    if meeting is not None:
        root = repository_root(os.path.dirname(os.path.abspath(job.path)), job.config.root)
        resolved = agenda.resolve(meeting, validation.invalid, job.path, root, shelf)
        decided = agenda.decided_elsewhere(job.path, root, shelf)
    subject = Subject(
        document=document,
        case=None,
        invalid=validation.invalid,
        config=job.config.config,
        file=job.path,
        configured_root=job.config.root,
        meeting=meeting,
        agenda=resolved,
        decided=decided,
    )
    return subject, validation.problems


def _result(
    job: Job,
    problems: Sequence[CodedProblem],
    text: str | None,
    document: Document | None,
    ignored: tuple[str, ...] | None = None,
) -> FileResult:
    if not problems:
        return FileResult(job.path)
    if ignored is None:
        ignored = job.selection.for_file(job.path)
    inline = InlineSuppressions.scan(text, document)
    findings = (Finding.from_problem(job.path, code, problem) for code, problem in problems)
    # Stable on ties: at one position, findings keep the order the stages produced them.
    kept = sorted(
        (f for f in findings if job.selection.enabled(f.code, ignored) and not inline.covers(f)),
        key=lambda f: (f.line, f.column),
    )
    return FileResult(job.path, tuple(kept), configured_root=job.config.root)


# Below this many files a process pool costs more to start than it saves.
PARALLEL_THRESHOLD: Final = 200
CHUNK: Final = 128


# A worker's history: what the run read before the pool started, then its own reading.
_worker_history = History()


def _start_worker(history: History) -> None:
    global _worker_history
    _worker_history = history


# What a run makes of each file: its FileResult (`lint_file`), or, for those (report) who
# go on with the cases, the result and what they need of the case, made in the process
# that linted it so that the models never cross between processes.
Read = TypeVar("Read")


def _read_chunk(read: Callable[[Job, Shelf, History], Read], jobs: list[Job]) -> list[Read]:
    shelf = Shelf()
    return [read(job, shelf, _worker_history) for job in jobs]


def lint_all(
    jobs: Iterable[Job],
    shelf: Shelf | None = None,
    history: History | None = None,
    read: Callable[[Job, Shelf, History], Read] = lint_file,  # type: ignore[assignment]
) -> Iterator[Read]:
    """What `read` makes of each job (by default its lint result), in the order of
    `jobs`, as they come; large runs use every core (`read` is then a module's function,
    which the workers find by name).

    Jobs are read as they are needed and at most a few chunks per worker are in
    flight, so memory does not grow with the number of files. A run in this process
    reads through `shelf` and `history`; each worker has its own shelf, and the history
    read here before it started (of the repositories of the first jobs), so that a
    repository's history is read once, not once per worker.
    """
    pending = iter(jobs)
    first = list(islice(pending, PARALLEL_THRESHOLD))
    workers = os.cpu_count() or 1
    shelf = Shelf() if shelf is None else shelf
    history = History() if history is None else history
    if len(first) < PARALLEL_THRESHOLD or workers < 2:
        for job in first:
            yield read(job, shelf, history)
        return
    for job in first:
        if job.selection.enabled(CHANGED_SINCE_DECISION, job.selection.for_file(job.path)):
            history.prepare(job.path, job.config.root)
    import gc
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # Built once here, not once per worker.
    prepare()
    # What is already built is never garbage: kept out of the collector's walks, the
    # forked workers do not copy its pages just to look at them.
    gc.freeze()

    # Forked workers start with every module already imported.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = iter(lambda: list(islice(pending, CHUNK)), [])
    in_flight: deque[Future[list[Read]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(history,)) as pool:
        for chunk in chain([first[i : i + CHUNK] for i in range(0, len(first), CHUNK)], chunks):
            in_flight.append(pool.submit(_read_chunk, read, chunk))
            if len(in_flight) > 4 * workers:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


def lint_run(
    paths: Iterable[str],
    resolver: ConfigResolver,
    select: Sequence[str] | None,
    ignore: Sequence[str],
    missing: Callable[[str], None],
) -> Iterator[FileResult]:
    """The results of the files `paths` name, in their order, then of the cases on the
    agendas of their meetings that they did not name (each once, in agenda order)."""
    return read_run(paths, resolver, select, ignore, missing, lint_file, lambda result: result)


def read_run(
    paths: Iterable[str],
    resolver: ConfigResolver,
    select: Sequence[str] | None,
    ignore: Sequence[str],
    missing: Callable[[str], None],
    read: Callable[[Job, Shelf, History], Read],
    result_of: Callable[[Read], FileResult],
) -> Iterator[Read]:
    """`lint_run` with `read` in place of `lint_file` (see `Read`); `result_of` gives the
    lint result of what `read` made."""
    files = collect(paths, missing)
    shelf = Shelf()
    history = History()
    agenda = _AgendaCases()
    for done in lint_all(plan(files, resolver, select, ignore), shelf, history, read):
        yield done
        agenda.add(result_of(done))
    for job in plan(agenda.not_in(files.includes), resolver, select, ignore):
        yield read(job, shelf, history)


def examine_run(
    files: Iterable[str], given: Callable[[str], bool], resolver: ConfigResolver, shelf: Shelf, history: History
) -> Iterator[tuple[Job, Inspection, bool]]:
    """(job, inspection, whether it is one of `files`) of each of `files` in order, then of
    each case on their meetings' agendas that is not `given`; in this process, for those
    (render) who go on with the cases and meetings."""
    agenda = _AgendaCases()
    for job in plan(files, resolver, None, []):
        inspection = examine(job, shelf, history)
        agenda.add(inspection.result)
        yield job, inspection, True
    for job in plan(agenda.not_in(given), resolver, None, []):
        yield job, examine(job, shelf, history), False


class _AgendaCases:
    """The case files on the agendas of a run's meetings, each once, in agenda order."""

    def __init__(self) -> None:
        self._found: dict[object, str] = {}

    def add(self, result: FileResult) -> None:
        for case in result.cases:
            self._found.setdefault(_identity(case, _status(case)), case)

    def not_in(self, given: Callable[[str], bool]) -> list[str]:
        return [case for case in self._found.values() if not given(case)]


def plan(
    files: Iterable[str],
    resolver: ConfigResolver,
    select: Sequence[str] | None,
    ignore: Sequence[str],
) -> Iterator[Job]:
    """A job per file, with its configuration and selection."""
    selections: dict[int, Selection] = {}
    for path in files:
        loaded = resolver.for_path(path)
        if id(loaded) not in selections:
            selections[id(loaded)] = Selection.of(loaded, select, ignore)
        yield Job(path, loaded, selections[id(loaded)])
