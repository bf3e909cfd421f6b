"""`--format github`: GitHub Actions workflow commands, an annotation per finding."""

from typing import ClassVar

from ..findings import Severity
from ..lint.pipeline import FileResult
from .base import Reporter


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: each finding an annotation on its line."""

    name: ClassVar[str] = "github"
    _commands: ClassVar[dict[Severity, str]] = {Severity.ERROR: "error", Severity.WARNING: "warning"}

    def file(self, result: FileResult) -> None:
        for f in result.findings:
            properties = ",".join(
                (
                    f"file={_escape_property(f.path)}",
                    f"line={f.line}",
                    f"col={f.column}",
                    f"endLine={f.end_line}",
                    f"endColumn={f.end_column}",
                    f"title={_escape_property(f.code)}",
                )
            )
            self.stream.write(f"::{self._commands[f.severity]} {properties}::{_escape_data(f.code + ' ' + f.message)}\n")
