"""`--format json`: every finding as an object, and the number of files."""

from typing import IO, ClassVar

from ..findings import Finding
from ..lint.pipeline import FileResult
from .base import Reporter, Totals, finding_object


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
