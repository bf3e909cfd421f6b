"""`--format text`: one plain line per finding; on a terminal, with colour and a summary."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, ClassVar

from ..findings import Finding, Severity
from ..lint.pipeline import FileResult
from .base import Reporter, Totals, plain_line

if TYPE_CHECKING:
    from rich.console import Console


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
