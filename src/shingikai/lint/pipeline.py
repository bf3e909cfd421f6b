"""The lint pipeline of one file, and of many: read → parse → validate → rules → filter."""

import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import Final, NamedTuple

from ..errors import CodedProblem, InputError, UnreadableCase
from ..findings import Finding
from ..loading.document import Document, parse
from ..loading.source import decode, read_source
from ..model.case import Case
from ..model.validation import validate
from ..rules.registry import Subject
from .config import ConfigResolver, LoadedConfig
from .suppression import InlineSuppressions, Selection

CASE_SUFFIXES: Final = (".yaml", ".yml")


class FileResult(NamedTuple):
    display: str
    findings: tuple[Finding, ...] = ()
    # Set when the file could not be read at all (a usage or I/O problem, exit 2).
    error: str | None = None
    # The directory of the file's configuration, if it has one (set with findings): the
    # case repository that SARIF's locations are relative to.
    configured_root: Path | None = None


class Job(NamedTuple):
    # As found or given, and as shown in findings. A str, not a Path: pathlib interns
    # every part of every path it makes, which would grow with the number of files.
    path: str
    config: LoadedConfig
    selection: Selection


def collect(paths: Iterable[str], missing: Callable[[str], None]) -> Iterator[str]:
    """The files to lint, as they are found.

    Directories are walked for `*.yaml`/`*.yml`, skipping hidden directories and never
    following directory symlinks (so a symlink loop ends the walk). A file reached twice
    (the same path again, or a link to it) is linted once. A path that does not exist
    is told to `missing`.
    """
    seen: set[object] = set()

    def first_time(path: str, status: os.stat_result | None) -> bool:
        # Unreadable (no status): linted (and reported) once per spelling of its path.
        identity: object = os.path.abspath(path) if status is None else status.st_dev << 64 | status.st_ino
        if identity in seen:
            return False
        seen.add(identity)
        return True

    for given in paths:
        # One stat per path given: it tells a directory, and which file this is.
        status = _status(given)
        if status is not None and stat.S_ISDIR(status.st_mode):
            for directory, subdirectories, names in os.walk(given):
                subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
                for name in sorted(names):
                    if name.endswith(CASE_SUFFIXES):
                        path = os.path.join(directory, name)
                        if first_time(path, _status(path)):
                            yield path
        elif status is not None or os.path.lexists(given):
            if first_time(given, status):
                yield given
        else:
            missing(f"{given}: ファイルもディレクトリもありません")


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


def lint_file(job: Job) -> FileResult:
    return examine(job).result


def examine(job: Job) -> Inspection:
    """Lint one file; keep the case for those (render) who go on with it."""
    try:
        raw = read_source(job.path)
    except InputError as error:
        return Inspection(FileResult(job.path, error=str(error)))
    except UnreadableCase as unreadable:
        return Inspection(_result(job, unreadable.problems, None, None))
    text: str | None = None
    try:
        text = decode(raw)
        document = parse(text)
    except UnreadableCase as unreadable:
        return Inspection(_result(job, unreadable.problems, text, None))
    ignored = job.selection.for_file(job.path)
    validation = validate(document)
    subject = Subject(
        document=document,
        case=validation.case,
        invalid=validation.invalid,
        config=job.config.config,
        file=job.path,
        configured_root=job.config.root,
    )
    problems = [*document.problems, *validation.problems]
    for rule in job.selection.checks(ignored):
        if rule.applies_to(subject):
            for problem in rule.check(subject):
                problems.append(CodedProblem(rule.code, problem))
    return Inspection(_result(job, problems, text, document, ignored), validation.case)


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


def _lint_chunk(jobs: list[Job]) -> list[FileResult]:
    return [lint_file(job) for job in jobs]


def lint_all(jobs: Iterable[Job]) -> Iterator[FileResult]:
    """Results in the order of `jobs`, as they come; large runs use every core.

    Jobs are read as they are needed and at most a few chunks per worker are in
    flight, so memory does not grow with the number of files.
    """
    pending = iter(jobs)
    first = list(islice(pending, PARALLEL_THRESHOLD))
    workers = os.cpu_count() or 1
    if len(first) < PARALLEL_THRESHOLD or workers < 2:
        yield from map(lint_file, first)
        return
    import gc
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    # What is already built is never garbage: kept out of the collector's walks, the
    # forked workers do not copy its pages just to look at them.
    gc.freeze()

    # Forked workers start with every module already imported.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = iter(lambda: list(islice(pending, CHUNK)), [])
    in_flight: deque[Future[list[FileResult]]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk in chain([first[i : i + CHUNK] for i in range(0, len(first), CHUNK)], chunks):
            in_flight.append(pool.submit(_lint_chunk, chunk))
            if len(in_flight) > 4 * workers:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


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
