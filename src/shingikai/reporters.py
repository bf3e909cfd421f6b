"""Stage 6: findings to an output format. One class per `--format`, registered by name."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, ClassVar, Final

from . import __version__
from .findings import Finding, Severity
from .linter import FileResult
from .registry import Rule, all_rules

if TYPE_CHECKING:
    from rich.console import Console


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


REPORTERS: dict[str, type[Reporter]] = {}


def registered(cls: type[Reporter]) -> type[Reporter]:
    REPORTERS[cls.name] = cls
    return cls


def plain_line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"


@registered
class TextReporter(Reporter):
    """One line per finding; on a terminal, with colour and a summary."""

    name: ClassVar[str] = "text"

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self.console: Console | None = None
        if stream.isatty():
            # rich costs start-up time: only a person at a terminal gets it.
            from rich.console import Console

            self.console = Console(file=stream, highlight=False, soft_wrap=True)

    def file(self, result: FileResult) -> None:
        for finding in result.findings:
            if self.console is None:
                self.stream.write(plain_line(finding) + "\n")
            else:
                self._rich_line(finding)

    def _rich_line(self, finding: Finding) -> None:
        from rich.markup import escape

        style = "bold red" if finding.severity is Severity.ERROR else "bold yellow"
        self.console.print(  # type: ignore[attr-defined]
            f"[bold]{escape(finding.path)}[/]:{finding.line}:{finding.column}: "
            f"[{style}]{finding.code}[/] {escape(finding.message)}"
        )

    def finish(self, totals: Totals) -> None:
        if self.console is None:
            return
        if totals.errors or totals.warnings:
            summary = f"{totals.files} ファイルを検査: [bold red]エラー {totals.errors} 件[/]、[bold yellow]警告 {totals.warnings} 件[/]"
        else:
            summary = f"{totals.files} ファイルを検査: [bold green]問題はありません[/]"
        self.console.print(summary)  # type: ignore[attr-defined]


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


@registered
class JsonReporter(Reporter):
    name: ClassVar[str] = "json"

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self.findings: list[Finding] = []

    def file(self, result: FileResult) -> None:
        self.findings.extend(result.findings)

    def finish(self, totals: Totals) -> None:
        import json

        document = {"findings": [finding_object(f) for f in self.findings], "files": totals.files}
        json.dump(document, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@registered
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


SARIF_SCHEMA: Final = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif_rule(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.code,
        "name": rule.title,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": "error" if rule.severity is Severity.ERROR else "warning"},
    }


@registered
class SarifReporter(Reporter):
    """SARIF 2.1.0: one run, every rule with its documentation, one result per finding."""

    name: ClassVar[str] = "sarif"

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self.findings: list[Finding] = []

    def file(self, result: FileResult) -> None:
        self.findings.extend(result.findings)

    def finish(self, totals: Totals) -> None:
        import json
        from urllib.parse import quote

        rules = all_rules()
        index = {rule.code: i for i, rule in enumerate(rules)}
        results = [
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": "error" if f.severity is Severity.ERROR else "warning",
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": quote(f.path.replace("\\", "/"))},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": f.end_column,
                            },
                        }
                    }
                ],
            }
            for f in self.findings
        ]
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {
                            "name": "shingikai",
                            "version": __version__,
                            "rules": [sarif_rule(rule) for rule in rules],
                        }
                    },
                    "results": results,
                }
            ],
        }
        json.dump(log, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")


