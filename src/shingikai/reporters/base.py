"""What every reporter shares: the base class, the run's totals, a finding as one line."""

from typing import IO, ClassVar

from ..findings import Finding, Severity
from ..lint.pipeline import FileResult


class Totals:
    __slots__ = ("files", "errors", "warnings")

    def __init__(self) -> None:
        self.files = self.errors = self.warnings = 0

    def add(self, result: FileResult) -> None:
        self.files += result.error is None
        for finding in result.findings:
            if finding.severity is Severity.ERROR:
                self.errors += 1
            else:
                self.warnings += 1


class Reporter:
    """Receives each file's result as it comes, then the totals."""

    name: ClassVar[str]

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def file(self, result: FileResult) -> None:
        raise NotImplementedError

    def finish(self, totals: Totals) -> None:
        """Called once after the last file."""


def plain_line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"


def finding_object(finding: Finding) -> dict[str, object]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
    }
