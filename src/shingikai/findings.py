"""What every stage produces: findings at a source position."""

from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @classmethod
    def of(cls, code: str) -> "Severity":
        return cls.WARNING if code.startswith("W") else cls.ERROR

    @property
    def label(self) -> str:
        """The kind in Japanese, as `shingikai rules` lists it: エラー or 警告."""
        return "エラー" if self is Severity.ERROR else "警告"


class Span(NamedTuple):
    """A region of the source, 1-based; the end column is exclusive (as in SARIF)."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> "Span":
        return cls(line, column, line, column + 1)


class Problem(NamedTuple):
    """What a check reports: where and what. The caller adds the file and the code."""

    span: Span
    message: str
    # The line whose `# shingikai: ignore[...]` comment covers this problem: the key
    # line of the value it lies in (a comment cannot sit inside a block scalar).
    anchor_line: int | None = None


class Finding(NamedTuple):
    path: str
    line: int
    column: int
    code: str
    message: str
    end_line: int
    end_column: int
    anchor_line: int

    @classmethod
    def from_problem(cls, path: str, code: str, problem: Problem) -> "Finding":
        span = problem.span
        return cls(
            path=path,
            line=span.line,
            column=span.column,
            code=code,
            message=problem.message,
            end_line=span.end_line,
            end_column=span.end_column,
            anchor_line=problem.anchor_line or span.line,
        )

    @property
    def severity(self) -> Severity:
        return Severity.of(self.code)


class Note(NamedTuple):
    """What a run tells the user besides findings: a check it could not make, and why."""

    message: str
    # Said only with --verbose: a check skipped for a whole repository, as expected there
    # (no git, no work tree); the others say why one file's check was skipped.
    verbose: bool = False


class Told:
    """The notes a run has told: each message once (a note that holds for a whole
    repository comes with each of its files), the verbose ones only when asked."""

    def __init__(self, *, verbose: bool) -> None:
        self.verbose = verbose
        self._messages: set[str] = set()

    def new(self, notes: Iterable[Note]) -> list[str]:
        """The messages of `notes` to tell now; they count as told."""
        fresh = []
        for note in notes:
            if (self.verbose or not note.verbose) and note.message not in self._messages:
                self._messages.add(note.message)
                fresh.append(note.message)
        return fresh
