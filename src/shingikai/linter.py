"""The lint pipeline of one file, and of many: read → parse → validate → rules → filter."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from .config import ConfigResolver, LoadedConfig
from .document import Document, parse
from .model import Case
from .errors import CodedProblem, InputError, UnreadableCase
from .findings import Finding
from .registry import Subject, checks
from .source import decode, read_source
from .suppression import InlineSuppressions, Selection
from .validation import validate

CASE_SUFFIXES: Final = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class FileResult:
    display: str
    findings: tuple[Finding, ...] = ()
    # Set when the file could not be read at all (a usage or I/O problem, exit 2).
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    path: Path
    display: str
    config: LoadedConfig
    selection: Selection


def collect(paths: Sequence[Path]) -> tuple[list[tuple[Path, str]], list[str]]:
    """(files to lint with their display paths, errors) for files and directories.

    Directories are walked for `*.yaml`/`*.yml`, skipping hidden directories and never
    following directory symlinks (so a symlink loop ends the walk). A file reached twice
    is linted once.
    """
    files: list[tuple[Path, str]] = []
    errors: list[str] = []
    seen: set[str] = set()

    def add(path: Path, display: str) -> None:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            files.append((path, display))

    for given in paths:
        if given.is_dir():
            for directory, subdirectories, names in os.walk(given):
                subdirectories[:] = sorted(d for d in subdirectories if not d.startswith("."))
                for name in sorted(names):
                    if name.endswith(CASE_SUFFIXES):
                        path = Path(directory, name)
                        add(path, str(path))
        elif given.exists() or given.is_symlink():
            add(given, str(given))
        else:
            errors.append(f"{given}: ファイルもディレクトリもありません")
    return files, errors


@lru_cache(maxsize=256)
def repository_root(directory: Path, configured: Path | None) -> Path:
    if configured is not None:
        return configured
    for candidate in (directory, *directory.parents):
        if (candidate / ".git").exists():
            return candidate
    return directory


@dataclass(frozen=True, slots=True)
class Inspection:
    result: FileResult
    # The validated case; when the file has format errors, the repaired one, whose bad
    # values are stand-ins (validation.STAND_IN_TEXT) and whose findings say so.
    case: Case | None = None


def lint_file(job: Job) -> FileResult:
    return inspect(job).result


def inspect(job: Job) -> Inspection:
    """Lint one file; keep the case for those (render) who go on with it."""
    try:
        raw = read_source(job.path)
    except InputError as error:
        return Inspection(FileResult(job.display, error=str(error)))
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
        repository_root=repository_root(job.path.resolve().parent, job.config.root),
    )
    problems = [*document.problems, *validation.problems]
    for rule in checks():
        if not job.selection.enabled(rule.code, ignored) or not rule.applies_to(subject):
            continue
        problems.extend(CodedProblem(rule.code, problem) for problem in rule.check(subject))
    return Inspection(_result(job, problems, text, document, ignored), validation.case)


def _result(
    job: Job,
    problems: Iterable[CodedProblem],
    text: str | None,
    document: Document | None,
    ignored: tuple[str, ...] | None = None,
) -> FileResult:
    if ignored is None:
        ignored = job.selection.for_file(job.path)
    inline = InlineSuppressions.scan(text, document)
    findings = (Finding.from_problem(job.display, code, problem) for code, problem in problems)
    # Stable on ties: at one position, findings keep the order the stages produced them.
    kept = sorted(
        (f for f in findings if job.selection.enabled(f.code, ignored) and not inline.covers(f)),
        key=lambda f: (f.line, f.column),
    )
    return FileResult(job.display, tuple(kept))


# Below this many files a process pool costs more to start than it saves.
PARALLEL_THRESHOLD: Final = 200
_CHUNK: Final = 64


def lint_all(jobs: Sequence[Job]) -> Iterator[FileResult]:
    """Results in the order of `jobs`, using every core for large runs."""
    workers = min(os.cpu_count() or 1, len(jobs) // _CHUNK + 1)
    if len(jobs) < PARALLEL_THRESHOLD or workers < 2:
        yield from map(lint_file, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(lint_file, jobs, chunksize=_CHUNK)


def plan(
    files: Iterable[tuple[Path, str]],
    resolver: ConfigResolver,
    select: Sequence[str] | None,
    ignore: Sequence[str],
) -> list[Job]:
    jobs = []
    selections: dict[int, Selection] = {}
    for path, display in files:
        loaded = resolver.for_path(path)
        if id(loaded) not in selections:
            selections[id(loaded)] = Selection.of(loaded, select, ignore)
        jobs.append(Job(path, display, loaded, selections[id(loaded)]))
    return jobs
